package io.relog.snapshot.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relog.engine.Clock;
import io.relog.engine.Engine;
import io.relog.engine.keyspace.Database;
import io.relog.engine.propagation.Propagation;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.Tuple;

/**
 * Interoperability with Debian's redis-server 7.0: an RDB written by {@link RdbWriter} loads in
 * redis-server with every key identical (compared through a client), and the dump.rdb
 * redis-server writes for data of every type in small and large encodings loads through
 * {@link RdbReader} identically.
 */
class RedisInteropTest {

    static final int DBS = 16;

    @TempDir
    Path dir;

    @BeforeAll
    static void needsRedis() {
        Assumptions.assumeTrue(RedisServer.available(), "redis-server not installed");
    }

    @Test
    void redisServerLoadsRelogSnapshot() throws Exception {
        long seed = System.nanoTime();
        Engine engine = new Engine(DBS, Clock.SYSTEM, Propagation.DISCARD);
        Database[] live = new Database[DBS];
        for (int i = 0; i < DBS; i++) {
            live[i] = engine.db(i);
        }
        Keyspaces.fill(new Random(seed), java.util.Arrays.copyOf(live, 5), 30,
                System.currentTimeMillis() + 3_600_000);
        Database[] views = engine.freeze();
        try (OutputStream out = Files.newOutputStream(dir.resolve("relog.rdb"))) {
            RdbWriter.write(views, new RdbAux("7.0.15", System.currentTimeMillis() / 1000, 1 << 20,
                    "0123456789abcdef0123456789abcdef01234567", 4242, 0, false), out);
        }
        try (RedisServer redis = RedisServer.start(dir, "--dbfilename", "relog.rdb");
             Jedis jedis = redis.client()) {
            assertThat(redis.log()).contains("DB loaded from disk");
            assertSameAsRedis(jedis, views, "seed " + seed);
        }
    }

    @Test
    void relogLoadsRedisDumpOfEveryEncoding() throws Exception {
        EncodingLimits limits = new EncodingLimits(512, 5000, 512, 128, 64);
        try (RedisServer redis = RedisServer.start(dir, "--hash-max-listpack-value", "5000",
                "--enable-debug-command", "yes");
             Jedis jedis = redis.client()) {
            fillRedis(jedis);
            jedis.sendCommand(() -> "FUNCTION".getBytes(), "LOAD",
                    "#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return 1 end)");
            assertThat(jedis.save()).isEqualTo("OK");
            Path dump = dir.resolve("dump.rdb");
            byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(dump), 9);
            assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("REDIS0010");
            RdbLoad load = RdbReader.read(dump, new RdbReader.Options(DBS, limits, 0));
            assertThat(load.auxString("redis-ver")).isEqualTo("7.0.15");
            assertThat(load.functions()).hasSize(1);
            assertThat(new String(load.functions().get(0), StandardCharsets.UTF_8)).startsWith("#!lua name=mylib");
            assertThat(load.warnings()).isEmpty();
            assertSameAsRedis(jedis, load.databases(), "redis dump");
        }
    }

    @Test
    void streamsAreRefusedNamingKeyAndOffset() throws Exception {
        try (RedisServer redis = RedisServer.start(dir); Jedis jedis = redis.client()) {
            jedis.set("a", "1");
            jedis.sendCommand(() -> "XADD".getBytes(), "mystream", "*", "f", "v");
            jedis.save();
        }
        assertThatThrownBy(() -> RdbReader.read(dir.resolve("dump.rdb"), RdbReader.Options.defaults(DBS)))
                .isInstanceOf(RdbFormatException.class)
                .hasMessageContaining("stream type not supported yet")
                .hasMessageContaining("\"mystream\"")
                .hasMessageContaining("byte offset");
    }

    /** Data of every type, small and large, with integers of every listpack/intset width. */
    static void fillRedis(Jedis j) {
        Random r = new Random(7);
        String[] ints = {"0", "5", "127", "-1", "-100", "4095", "-4096", "5000", "-30000", "32767", "40000",
            "-8388608", "8388607", "100000000", "-2147483648", "2147483647", "4294967296", "1000000000000000",
            "-9223372036854775808", "9223372036854775807", "-0", "007", "+1", "1.5"};
        String big = "x".repeat(5000) + "y".repeat(5000);
        byte[] binary = new byte[300];
        r.nextBytes(binary);
        for (int db = 0; db < 3; db++) {
            j.select(db);
            for (int i = 0; i < ints.length; i++) {
                j.set("s:int:" + i, ints[i]);
            }
            j.set("s:empty", "");
            j.set("s:big", big); // LZF-compressed by redis
            j.set("s:bin".getBytes(), binary);
            j.set("s:emb", "hello world");
            // Lists: one listpack node, many nodes, element of every encoding, plain nodes.
            j.rpush("l:small", "a", "b", "c");
            j.rpush("l:ints", ints);
            for (int i = 0; i < 3000; i++) {
                j.rpush("l:large", "element-" + i + "-" + r.nextInt(1000));
            }
            j.rpush("l:bigelems", big, "x".repeat(70), "y".repeat(5000), "z");
            // Sets: intsets of 16/32/64-bit width, hashtable small and large.
            j.sadd("set:int16", "1", "2", "-300");
            j.sadd("set:int32", "1", "70000", "-5");
            j.sadd("set:int64", "1", "5000000000");
            j.sadd("set:str", "a", "b", "1");
            for (int i = 0; i < 600; i++) {
                j.sadd("set:largeint", Integer.toString(i * 7));
                j.sadd("set:large", "m" + i);
            }
            // Hashes: listpack with every value width, hashtable by count and by value length.
            for (int i = 0; i < ints.length; i++) {
                j.hset("h:small", "f" + i, ints[i]);
                j.hset("h:small", ints[i], "v" + i);
            }
            j.hset("h:small", "long", "q".repeat(4500)); // 32-bit string length in a listpack
            j.hset("h:small", "mid", "q".repeat(100)); // 12-bit string length
            for (int i = 0; i < 700; i++) {
                j.hset("h:large", "field" + i, "value" + i);
            }
            j.hset("h:bigvalue", "f", "v".repeat(6000));
            // Sorted sets: listpack (integer and float scores, infinities), skiplist by count and by length.
            j.zadd("z:small", 1, "one");
            j.zadd("z:small", 2.5, "two.five");
            j.zadd("z:small", -3, "minus");
            j.zadd("z:small", Double.POSITIVE_INFINITY, "inf");
            j.zadd("z:small", Double.NEGATIVE_INFINITY, "-inf");
            j.zadd("z:small", 1e20, "big");
            j.zadd("z:small", 0.1, "tenth");
            for (int i = 0; i < 300; i++) {
                j.zadd("z:large", r.nextGaussian() * 1000, "member" + i);
            }
            j.zadd("z:longmember", 1, "m".repeat(100));
            // Expiries.
            j.pexpire("s:emb", 3_600_000 + db);
            j.pexpire("h:large", 7_200_000);
            j.pexpire("l:small", 100_000_000);
        }
        // Lists with plain quicklist nodes: elements above the packed threshold.
        j.select(0);
        j.sendCommand(() -> "DEBUG".getBytes(), "QUICKLIST-PACKED-THRESHOLD", "1000");
        j.rpush("l:plain", "small", "p".repeat(2000), "tiny", "r".repeat(3000));
        j.select(15);
        j.set("last-db", "yes");
    }

    /** Every key of {@code dbs} is in redis with the same type, content, encoding and expiry time, and nothing else is. */
    static void assertSameAsRedis(Jedis j, Database[] dbs, String what) {
        for (Database db : dbs) {
            j.select(db.index());
            assertThat(j.dbSize()).as("%s: size of db %d", what, db.index()).isEqualTo(db.size());
            db.keys().forEach((k, v) -> {
                String desc = what + ": db " + db.index() + " key " + RdbFormatException.quote(k);
                String type = Keyspaces.typeOf(v);
                assertThat(j.type(k)).as(desc).isEqualTo(type);
                assertThat(fromRedis(j, k, type)).as(desc).isEqualTo(Keyspaces.content(v) instanceof List<?> l
                        && type.equals("zset") ? normalizeZset(l) : Keyspaces.content(v));
                if (!type.equals("string")) {
                    assertThat(new String(j.objectEncoding(k), StandardCharsets.US_ASCII)).as(desc + " encoding").isEqualTo(Keyspaces.encodingOf(v));
                }
                Object pexpiretime = j.sendCommand(() -> "PEXPIRETIME".getBytes(), k);
                assertThat(pexpiretime).as(desc + " expiry").isEqualTo(db.expireAt(k));
            });
        }
    }

    private static Object normalizeZset(List<?> entries) {
        List<Object> out = new ArrayList<>();
        for (Object o : entries) {
            List<?> e = (List<?>) o;
            double s = (Double) e.get(0);
            out.add(List.of(s == 0 ? 0.0 : s, e.get(1))); // redis replies -0 as "0" from a listpack, "-0" from a skiplist
        }
        return out;
    }

    private static Object fromRedis(Jedis j, byte[] k, String type) {
        switch (type) {
            case "string":
                return ByteBuffer.wrap(j.get(k));
            case "list": {
                List<ByteBuffer> out = new ArrayList<>();
                for (byte[] e : j.lrange(k, 0, -1)) {
                    out.add(ByteBuffer.wrap(e));
                }
                return out;
            }
            case "set": {
                Set<ByteBuffer> out = new HashSet<>();
                for (byte[] m : j.smembers(k)) {
                    out.add(ByteBuffer.wrap(m));
                }
                return out;
            }
            case "hash": {
                Map<ByteBuffer, ByteBuffer> out = new HashMap<>();
                j.hgetAll(k).forEach((f, v) -> out.put(ByteBuffer.wrap(f), ByteBuffer.wrap(v)));
                return out;
            }
            case "zset": {
                List<Object> out = new ArrayList<>();
                for (Tuple t : j.zrangeWithScores(k, 0, -1)) {
                    double s = t.getScore();
                    out.add(List.of(s == 0 ? 0.0 : s, ByteBuffer.wrap(t.getBinaryElement())));
                }
                return out;
            }
            default:
                throw new AssertionError(type);
        }
    }
}
