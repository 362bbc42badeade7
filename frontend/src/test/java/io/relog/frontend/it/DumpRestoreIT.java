package io.relog.frontend.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.resps.Tuple;

/**
 * DUMP and RESTORE between the server under test and a real redis-server 7.0 in both directions
 * (payloads of every type and encoding, small and large), and RESTORE's options, errors and
 * propagation as Redis 7.0 has them. Against {@code -Drelog.it.target=redis} both sides are
 * redis-server, which checks the expectations themselves.
 */
class DumpRestoreIT extends AbstractServerIT {

    private static RedisServerProcess redisServer;
    private Jedis real;

    @BeforeAll
    static void startRealRedis() throws IOException {
        redisServer = RedisServerProcess.start(TempDirs.create(), List.of());
    }

    @AfterAll
    static void stopRealRedis() {
        if (redisServer != null) {
            redisServer.close();
        }
    }

    private Jedis real() {
        if (real == null) {
            real = connect(redisServer);
            real.flushAll();
        }
        return real;
    }

    @AfterEach
    void closeReal() {
        if (real != null) {
            real.close();
            real = null;
        }
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Keys of every type in small and large encodings, on {@code j}; returns their names. */
    static List<String> fill(Jedis j) {
        Random r = new Random(11);
        List<String> keys = new ArrayList<>();
        String[] ints = {"0", "7", "-100", "5000", "-30000", "40000", "8388607", "100000000", "5000000000",
            "-9223372036854775808", "-0", "007", "1.5"};
        j.set("s:small", "hello");
        j.set("s:int", "12345");
        j.set("s:bigint", "9223372036854775807");
        j.set("s:large", "x".repeat(20_000) + "y".repeat(20_000));
        byte[] bin = new byte[500];
        r.nextBytes(bin);
        j.set(b("s:bin"), bin);
        keys.addAll(List.of("s:small", "s:int", "s:bigint", "s:large", "s:bin"));
        j.rpush("l:small", ints);
        for (int i = 0; i < 2000; i++) {
            j.rpush("l:large", "e" + i);
        }
        j.rpush("l:bigelems", "q".repeat(9000), "r", "s".repeat(100));
        keys.addAll(List.of("l:small", "l:large", "l:bigelems"));
        j.sadd("set:intset", "1", "-5", "70000", "5000000000");
        j.sadd("set:small", "a", "b", "3");
        for (int i = 0; i < 700; i++) {
            j.sadd("set:large", "m" + i);
            j.sadd("set:largeint", Integer.toString(i));
        }
        keys.addAll(List.of("set:intset", "set:small", "set:large", "set:largeint"));
        for (int i = 0; i < ints.length; i++) {
            j.hset("h:small", "f" + i, ints[i]);
        }
        for (int i = 0; i < 600; i++) {
            j.hset("h:large", "f" + i, "v" + i);
        }
        j.hset("h:bigvalue", "f", "v".repeat(100));
        keys.addAll(List.of("h:small", "h:large", "h:bigvalue"));
        j.zadd("z:small", 1, "a");
        j.zadd("z:small", 2.5, "b");
        j.zadd("z:small", Double.NEGATIVE_INFINITY, "c");
        j.zadd("z:small", 1e100, "d");
        for (int i = 0; i < 200; i++) {
            j.zadd("z:large", r.nextGaussian(), "m" + i);
        }
        j.zadd("z:longmember", 3, "m".repeat(80));
        keys.addAll(List.of("z:small", "z:large", "z:longmember"));
        return keys;
    }

    /** Type, encoding (collections) and content of a key, comparable across servers. */
    static List<Object> describe(Jedis j, byte[] k) {
        String type = j.type(k);
        Object content;
        switch (type) {
            case "string" -> content = ByteBuffer.wrap(j.get(k));
            case "list" -> {
                List<ByteBuffer> l = new ArrayList<>();
                j.lrange(k, 0, -1).forEach(e -> l.add(ByteBuffer.wrap(e)));
                content = l;
            }
            case "set" -> {
                Set<ByteBuffer> s = new HashSet<>();
                j.smembers(k).forEach(e -> s.add(ByteBuffer.wrap(e)));
                content = s;
            }
            case "hash" -> {
                Map<ByteBuffer, ByteBuffer> h = new HashMap<>();
                j.hgetAll(k).forEach((f, v) -> h.put(ByteBuffer.wrap(f), ByteBuffer.wrap(v)));
                content = h;
            }
            case "zset" -> {
                List<Object> z = new ArrayList<>();
                for (Tuple t : j.zrangeWithScores(k, 0, -1)) {
                    z.add(List.of(t.getScore(), ByteBuffer.wrap(t.getBinaryElement())));
                }
                content = z;
            }
            default -> content = null;
        }
        String encoding = type.equals("string") ? "-" : new String(j.objectEncoding(k), StandardCharsets.US_ASCII);
        return List.of(type, encoding, content);
    }

    @Test
    void redisPayloadsRestoreHereAndOursRestoreInRedis() {
        Jedis real = real();
        for (String key : fill(real)) {
            byte[] k = b(key);
            byte[] theirs = real.dump(k);
            assertThat(theirs[theirs.length - 10]).as("redis-server 7.0 writes version 10").isEqualTo((byte) 10);
            assertThat(redis.restore(k, 0, theirs)).isEqualTo("OK");
            assertThat(describe(redis, k)).as(key + " restored from redis-server").isEqualTo(describe(real, k));
            byte[] ours = redis.dump(k);
            byte[] back = b("back:" + key);
            assertThat(real.restore(back, 0, ours)).as(key).isEqualTo("OK");
            assertThat(describe(real, back)).as(key + " restored into redis-server").isEqualTo(describe(real, k));
        }
        assertThat(redis.dump("missing")).isNull();
    }

    /** RESTORE with byte arguments; the reply, or the error text. */
    private Object restore(Object... args) {
        byte[][] bytes = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            bytes[i] = args[i] instanceof byte[] a ? a : b(args[i].toString());
        }
        try {
            return decode(redis.sendCommand(Protocol.Command.RESTORE, bytes));
        } catch (JedisDataException e) {
            return e.getMessage();
        }
    }

    @Test
    void optionsAndErrorsAsRedis70() {
        redis.set("src", "bar");
        byte[] p = redis.dump("src");
        assertThat(restore("k", "0", p)).isEqualTo("OK");
        assertThat(redis.get("k")).isEqualTo("bar");
        assertThat(redis.pttl("k")).isEqualTo(-1);
        // Busy key is checked first, before the TTL is even parsed.
        assertThat(restore("k", "x", p)).isEqualTo("BUSYKEY Target key name already exists.");
        assertThat(restore("k", "0", p, "REPLACE")).isEqualTo("OK");
        assertThat(restore("k2", "-1", p)).isEqualTo("ERR Invalid TTL value, must be >= 0");
        assertThat(restore("k2", "x", p)).isEqualTo("ERR value is not an integer or out of range");
        assertThat(restore("k2", "0", p, "bogus")).isEqualTo("ERR syntax error");
        assertThat(restore("k2", "0", p, "FREQ", "5", "IDLETIME", "1")).isEqualTo("ERR syntax error");
        assertThat(restore("k2", "0", p, "IDLETIME", "1", "FREQ", "5")).isEqualTo("ERR syntax error");
        assertThat(restore("k2", "0", p, "IDLETIME")).isEqualTo("ERR syntax error");
        assertThat(restore("k2", "0", p, "IDLETIME", "-1")).isEqualTo("ERR Invalid IDLETIME value, must be >= 0");
        assertThat(restore("k2", "0", p, "FREQ", "256")).isEqualTo("ERR Invalid FREQ value, must be >= 0 and <= 255");
        assertThat(restore("k2", "0", p, "FREQ", "x")).isEqualTo("ERR value is not an integer or out of range");
        byte[] flipped = p.clone();
        flipped[2] ^= 1;
        assertThat(restore("k2", "0", flipped)).isEqualTo("ERR DUMP payload version or checksum are wrong");
        assertThat(restore("k2", "0", "abc")).isEqualTo("ERR DUMP payload version or checksum are wrong");
        byte[] noCrc = p.clone();
        java.util.Arrays.fill(noCrc, noCrc.length - 8, noCrc.length, (byte) 0);
        assertThat(restore("k2", "0", noCrc)).as("7.0 checks even a zero CRC")
                .isEqualTo("ERR DUMP payload version or checksum are wrong");
        byte[] badValue = withCrc(new byte[] {0, 0x7f, 'x', 9, 0});
        assertThat(restore("k2", "0", badValue)).isEqualTo("ERR Bad data format");
        byte[] emptyList = withCrc(new byte[] {1, 0, 9, 0});
        assertThat(restore("k2", "0", emptyList)).isEqualTo("ERR Bad data format");
        assertThat(redis.exists("k2")).isFalse();
        assertThat(error("RESTORE", "k2", "0")).isEqualTo(wrongArgs("restore"));
        assertThat(error("DUMP")).isEqualTo(wrongArgs("dump"));
    }

    /** {@code body} (type, value, version) followed by its CRC-64. */
    private static byte[] withCrc(byte[] body) {
        byte[] out = java.util.Arrays.copyOf(body, body.length + 8);
        long crc = io.relog.snapshot.rdb.Crc64.update(0, body, 0, body.length);
        for (int i = 0; i < 8; i++) {
            out[body.length + i] = (byte) (crc >>> (8 * i));
        }
        return out;
    }

    @Test
    void ttlAbsttlIdletimeAndExpiredRestores() {
        redis.set("src", "v");
        byte[] p = redis.dump("src");
        assertThat(restore("t1", "100000", p)).isEqualTo("OK");
        assertThat(redis.pttl("t1")).isBetween(90_000L, 100_000L);
        long at = System.currentTimeMillis() + 500_000;
        assertThat(restore("t2", Long.toString(at), p, "ABSTTL")).isEqualTo("OK");
        assertThat(call("PEXPIRETIME", "t2")).isEqualTo(at);
        // An expiry already passed: OK, nothing created; with REPLACE the old key is deleted.
        assertThat(restore("t3", "1", p, "ABSTTL")).isEqualTo("OK");
        assertThat(redis.exists("t3")).isFalse();
        redis.set("t4", "old");
        assertThat(restore("t4", "1", p, "ABSTTL", "REPLACE")).isEqualTo("OK");
        assertThat(redis.exists("t4")).isFalse();
        assertThat(restore("t5", "0", p, "IDLETIME", "1000")).isEqualTo("OK");
        assertThat((Long) call("OBJECT", "IDLETIME", "t5")).isBetween(1000L, 1010L);
        assertThat(restore("t6", "0", p, "FREQ", "100")).isEqualTo("OK");
        assertThat(redis.get("t6")).isEqualTo("v");
    }

    /** The log holds RESTORE with the absolute expiry and ABSTTL, as Redis 7.0 propagates it. */
    @Test
    void relativeTtlIsPropagatedAsAbsolute() throws IOException {
        assumeRelog("reads Relog's command log");
        redis.set("src", "v");
        byte[] p = redis.dump("src");
        long before = System.currentTimeMillis();
        assertThat(restore("prop", "100000", p, "IDLETIME", "5")).isEqualTo("OK");
        long expireAt = (Long) call("PEXPIRETIME", "prop");
        assertThat(expireAt).isBetween(before + 100_000, System.currentTimeMillis() + 100_000);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            String log = readLog(server.dir());
            assertThat(log).contains("$4\r\nprop\r\n$13\r\n" + expireAt + "\r\n");
            assertThat(log).contains("$8\r\nIDLETIME\r\n$1\r\n5\r\n$6\r\nABSTTL\r\n");
        });
    }

    private static String readLog(Path dir) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.list(dir.resolve("log"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                sb.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        return sb.toString();
    }
}
