package io.relog.snapshot.rdb;

import io.relog.engine.keyspace.Database;
import io.relog.engine.types.CountedTree;
import io.relog.engine.types.HashValue;
import io.relog.engine.types.ListValue;
import io.relog.engine.types.SetValue;
import io.relog.engine.types.ZSetValue;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Test helpers: random keyspaces of every type and size (so every engine encoding appears), and
 * a plain-Java model of a keyspace to compare two of them, TTLs and encodings included.
 */
final class Keyspaces {

    private Keyspaces() {
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A model of one database: key → {type, encoding, content model, expireAt}. */
    static Map<ByteBuffer, List<Object>> model(Database db) {
        Map<ByteBuffer, List<Object>> out = new HashMap<>();
        db.keys().forEach((k, v) -> out.put(ByteBuffer.wrap(k), List.of(typeOf(v), encodingOf(v), content(v),
                db.expireAt(k))));
        return out;
    }

    static List<Map<ByteBuffer, List<Object>>> model(Database[] dbs) {
        List<Map<ByteBuffer, List<Object>>> out = new ArrayList<>();
        for (Database db : dbs) {
            out.add(model(db));
        }
        return out;
    }

    static String typeOf(Object v) {
        return v instanceof byte[] ? "string" : ((io.relog.engine.types.CollectionValue) v).typeName();
    }

    static String encodingOf(Object v) {
        return v instanceof byte[] ? "string" : ((io.relog.engine.types.CollectionValue) v).encoding();
    }

    static Object content(Object v) {
        if (v instanceof byte[] s) {
            return ByteBuffer.wrap(s);
        } else if (v instanceof ListValue l) {
            List<ByteBuffer> out = new ArrayList<>();
            for (CountedTree.Cursor c = l.items().cursor(0); c.hasNext(); ) {
                out.add(ByteBuffer.wrap((byte[]) c.next()));
            }
            return out;
        } else if (v instanceof SetValue s) {
            Set<ByteBuffer> out = new HashSet<>();
            s.forEachMember(m -> out.add(ByteBuffer.wrap(m)));
            return out;
        } else if (v instanceof HashValue h) {
            Map<ByteBuffer, ByteBuffer> out = new HashMap<>();
            h.forEach((f, x) -> out.put(ByteBuffer.wrap(f), ByteBuffer.wrap(x)));
            return out;
        } else if (v instanceof ZSetValue z) {
            List<Object> out = new ArrayList<>();
            for (CountedTree.Cursor c = z.order().cursor(0); c.hasNext(); ) {
                ZSetValue.Entry e = (ZSetValue.Entry) c.next();
                out.add(List.of(e.score(), ByteBuffer.wrap(e.member())));
            }
            return out;
        }
        throw new IllegalArgumentException(v.getClass().getName());
    }

    // ------------------------------------------------------------------ random data

    static byte[] randomBytes(Random r, int maxLen) {
        int kind = r.nextInt(6);
        if (kind == 0) {
            return Long.toString(r.nextInt(300) - 150).getBytes(StandardCharsets.US_ASCII);
        } else if (kind == 1) {
            long v = switch (r.nextInt(4)) {
                case 0 -> r.nextLong();
                case 1 -> r.nextInt();
                case 2 -> r.nextInt(70000) - 35000;
                default -> (r.nextBoolean() ? 1 : -1) * (1L << r.nextInt(63));
            };
            return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
        } else if (kind == 2) {
            // Integer-looking but not canonical.
            String[] odd = {"-0", "007", "+5", " 1", "1 ", "", "12345678901", "-2147483649", "2147483648",
                "99999999999", "-"};
            return odd[r.nextInt(odd.length)].getBytes(StandardCharsets.US_ASCII);
        }
        byte[] out = new byte[r.nextInt(maxLen + 1)];
        if (kind == 3) {
            r.nextBytes(out);
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = (byte) ('a' + r.nextInt(kind == 4 ? 3 : 26)); // compressible or not
            }
        }
        return out;
    }

    static byte[] randomKey(Random r) {
        byte[] k = randomBytes(r, 24);
        return r.nextInt(10) == 0 ? new byte[] {0, (byte) 0xff, 10, 13} : k;
    }

    /** A value of a random type and size, owned by {@code token}. */
    static Object randomValue(Random r, Object token) {
        boolean large = r.nextInt(4) == 0;
        int valueLen = r.nextInt(5) == 0 ? 200 : 20;
        switch (r.nextInt(5)) {
            case 0: {
                int len = r.nextInt(10) == 0 ? 100_000 : 60;
                return randomBytes(r, len);
            }
            case 1: {
                int n = 1 + (large ? 600 + r.nextInt(2000) : r.nextInt(20));
                byte[][] items = new byte[n][];
                for (int i = 0; i < n; i++) {
                    items[i] = randomBytes(r, valueLen);
                }
                return ListValue.of(token, items, n);
            }
            case 2: {
                SetValue s = SetValue.create(token);
                int n = 1 + (large ? 520 + r.nextInt(1500) : r.nextInt(20));
                boolean ints = r.nextBoolean();
                for (int i = 0; i < n; i++) {
                    byte[] m = ints ? Long.toString(r.nextLong() >> r.nextInt(64)).getBytes(StandardCharsets.US_ASCII)
                            : randomBytes(r, valueLen);
                    s.add(m, SetValue.DEFAULT_MAX_INTSET_ENTRIES);
                }
                return s;
            }
            case 3: {
                HashValue h = HashValue.create(token);
                int n = 1 + (large ? 520 + r.nextInt(1500) : r.nextInt(20));
                for (int i = 0; i < n; i++) {
                    h.put(randomBytes(r, 30), randomBytes(r, valueLen), HashValue.DEFAULT_MAX_LISTPACK_ENTRIES,
                            HashValue.DEFAULT_MAX_LISTPACK_VALUE);
                }
                return h;
            }
            default: {
                ZSetValue z = new ZSetValue(token);
                int n = 1 + (large ? 130 + r.nextInt(1500) : r.nextInt(20));
                for (int i = 0; i < n; i++) {
                    double score = switch (r.nextInt(6)) {
                        case 0 -> r.nextInt(100);
                        case 1 -> Double.POSITIVE_INFINITY;
                        case 2 -> Double.NEGATIVE_INFINITY;
                        case 3 -> -0.0;
                        case 4 -> r.nextDouble() * 1e300;
                        default -> r.nextGaussian();
                    };
                    z.put(score, randomBytes(r, r.nextInt(20) == 0 ? 100 : 30));
                }
                return z;
            }
        }
    }

    /** Fills {@code dbs} with random keys; about a third get a TTL. */
    static void fill(Random r, Database[] dbs, int maxKeysPerDb, long now) {
        for (Database db : dbs) {
            if (r.nextInt(3) == 0) {
                continue; // some databases stay empty
            }
            int n = r.nextInt(maxKeysPerDb + 1);
            for (int i = 0; i < n; i++) {
                byte[] key = randomKey(r);
                Object v = randomValue(r, db.editToken());
                db.put(key, v, 0, false);
                if (r.nextInt(3) == 0) {
                    db.setExpireAt(key, now + r.nextInt(1_000_000_000));
                }
            }
        }
    }

    /** The databases as a sorted map for error messages. */
    static String describe(Database db) {
        TreeMap<String, String> out = new TreeMap<>();
        db.keys().forEach((k, v) -> out.put(new String(k, StandardCharsets.ISO_8859_1), typeOf(v)));
        return out.toString();
    }
}
