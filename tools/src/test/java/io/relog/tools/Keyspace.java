package io.relog.tools;

import io.relog.engine.keyspace.Database;
import io.relog.engine.types.CountedTree;
import io.relog.engine.types.HashValue;
import io.relog.engine.types.ListValue;
import io.relog.engine.types.SetValue;
import io.relog.engine.types.ZSetValue;
import io.relog.snapshot.rdb.RdbLoad;
import io.relog.snapshot.rdb.RdbReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;
import redis.clients.jedis.params.ScanParams;

/**
 * A data set in a form two sources can be compared in: "db:key" (key as ISO-8859-1 text, so any
 * byte survives) → "type value", with collections sorted where order does not matter.
 */
final class Keyspace {

    private Keyspace() {
    }

    static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** Every key of databases 0..{@code dbs-1} read through a client. */
    static TreeMap<String, String> read(Jedis j, int dbs) {
        TreeMap<String, String> out = new TreeMap<>();
        for (int db = 0; db < dbs; db++) {
            j.select(db);
            byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
            do {
                ScanResult<byte[]> r = j.scan(cursor, new ScanParams().count(1000));
                for (byte[] k : r.getResult()) {
                    out.put(db + ":" + s(k), value(j, k));
                }
                cursor = r.getCursorAsBytes();
            } while (!s(cursor).equals("0"));
        }
        j.select(0);
        return out;
    }

    private static String value(Jedis j, byte[] k) {
        String type = j.type(k);
        return switch (type) {
            case "string" -> "string " + s(j.get(k));
            case "list" -> "list " + j.lrange(k, 0, -1).stream().map(Keyspace::s).toList();
            case "set" -> "set " + j.smembers(k).stream().map(Keyspace::s).sorted().toList();
            case "hash" -> {
                TreeMap<String, String> m = new TreeMap<>();
                j.hgetAll(k).forEach((f, v) -> m.put(s(f), s(v)));
                yield "hash " + m;
            }
            case "zset" -> {
                List<String> l = new ArrayList<>();
                for (Tuple t : j.zrangeWithScores(k, 0, -1)) {
                    l.add(t.getScore() + " " + s(t.getBinaryElement()));
                }
                yield "zset " + l;
            }
            default -> type;
        };
    }

    /** Every key of an RDB file, read with Relog's reader. */
    static TreeMap<String, String> read(Path rdb) throws IOException {
        RdbLoad load = RdbReader.read(rdb, RdbReader.Options.defaults(16));
        TreeMap<String, String> out = new TreeMap<>();
        for (Database db : load.databases()) {
            db.keys().forEach((k, v) -> out.put(db.index() + ":" + s(k), value(v)));
        }
        return out;
    }

    private static String value(Object v) {
        if (v instanceof byte[] b) {
            return "string " + s(b);
        } else if (v instanceof ListValue l) {
            List<String> x = new ArrayList<>();
            for (CountedTree.Cursor c = l.items().cursor(0); c.hasNext(); ) {
                x.add(s((byte[]) c.next()));
            }
            return "list " + x;
        } else if (v instanceof SetValue st) {
            List<String> x = new ArrayList<>();
            st.forEachMember(m -> x.add(s(m)));
            x.sort(null);
            return "set " + x;
        } else if (v instanceof HashValue h) {
            TreeMap<String, String> m = new TreeMap<>();
            h.forEach((f, x) -> m.put(s(f), s(x)));
            return "hash " + m;
        } else if (v instanceof ZSetValue z) {
            List<String> x = new ArrayList<>();
            for (CountedTree.Cursor c = z.order().cursor(0); c.hasNext(); ) {
                ZSetValue.Entry e = (ZSetValue.Entry) c.next();
                x.add(e.score() + " " + s(e.member()));
            }
            return "zset " + x;
        }
        return v.getClass().getSimpleName();
    }

    static String diff(Map<String, String> expected, Map<String, String> actual) {
        StringBuilder sb = new StringBuilder();
        for (var e : expected.entrySet()) {
            String a = actual.get(e.getKey());
            if (!e.getValue().equals(a)) {
                sb.append("  ").append(e.getKey()).append(": expected ").append(e.getValue()).append(", got ").append(a).append('\n');
            }
        }
        for (var k : actual.keySet()) {
            if (!expected.containsKey(k)) {
                sb.append("  ").append(k).append(": unexpected ").append(actual.get(k)).append('\n');
            }
        }
        return sb.toString();
    }
}
