package io.relog.frontend.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

/**
 * The log is a valid AOF: {@code cat} of Relog's segments, in offset order, given to Debian's
 * redis-server 7.0 as a lone {@code appendonly.aof} (which 7.0 migrates to its multi-part layout
 * at start), loads into exactly the data set Relog had — and the same one Relog rebuilds from its
 * own log after a restart. Compared key by key in every database: type, value, and absolute
 * expire time ({@code PEXPIRETIME}), which matches exactly because writes are logged in their
 * deterministic form (relative times made absolute).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AofCompatibilityIT {

    /**
     * No snapshots ({@code --save ""}): the restart rebuilds the data set from the log alone. Small
     * segments, so the AOF is several segments put together (each starts with its own SELECT).
     */
    static final String[] SERVER_ARGS = {"--appendonly", "yes", "--appendfsync", "always", "--save", "",
        "--log-segment-bytes", "8kb"};
    private static final int DATABASES = 16;

    @TempDir
    Path tmp;

    /** A key's state as a client sees it: TYPE, the value in a comparable form, PEXPIRETIME. */
    record KeyState(String type, Object value, long pexpireTime) {
    }

    @Test
    void segmentsConcatenatedLoadInRedisAsAnAof() throws Exception {
        Path relogDir = Files.createDirectory(tmp.resolve("relog"));
        Path redisDir = Files.createDirectory(tmp.resolve("redis"));

        Map<Integer, Map<String, KeyState>> written;
        try (RelogProcess relog = RelogProcess.start(relogDir, SERVER_ARGS)) {
            writeEveryType(relog.port());
            try (Jedis jedis = new Jedis("127.0.0.1", relog.port(), 10_000)) {
                written = snapshot(jedis);
            }
            assertThat(relog.stop()).as("exit status after SHUTDOWN").isZero();
        }
        assertThat(written.keySet()).as("databases written").containsExactlyInAnyOrder(0, 3, 5, 7);
        assertThat(written.get(0)).as("db 0").hasSizeGreaterThan(20);

        List<Path> segments = LogDir.segments(relogDir);
        assertThat(segments).as("segments of 8kb").hasSizeGreaterThan(2);
        Files.write(redisDir.resolve("appendonly.aof"), LogDir.concatenated(relogDir));

        Map<Integer, Map<String, KeyState>> loadedByRedis;
        try (RelogProcess redis = RelogProcess.startRedisServer(redisDir, "--appendonly", "yes");
             Jedis jedis = new Jedis("127.0.0.1", redis.port(), 10_000)) {
            String out = redis.output();
            assertThat(out).as("redis-server's log").contains("Successfully migrated an old-style AOF")
                    .contains("DB loaded from append only file");
            loadedByRedis = snapshot(jedis);
            System.out.println("AofCompatibilityIT: redis-server 7.0 loaded " + segments.size()
                    + " segment(s), " + LogDir.endOffset(relogDir) + " bytes: " + keyCounts(loadedByRedis));
        }

        Map<Integer, Map<String, KeyState>> replayedByRelog;
        try (RelogProcess relog = RelogProcess.start(relogDir, SERVER_ARGS);
             Jedis jedis = new Jedis("127.0.0.1", relog.port(), 10_000)) {
            replayedByRelog = snapshot(jedis);
            Info.checkPersistence(jedis);
        }

        assertThat(loadedByRedis).as("redis-server's data set from Relog's log vs what Relog had")
                .isEqualTo(written);
        assertThat(replayedByRelog).as("Relog's data set after restart vs before").isEqualTo(written);
    }

    private static void writeEveryType(int port) throws Exception {
        try (Jedis a = new Jedis("127.0.0.1", port, 10_000); Jedis b = new Jedis("127.0.0.1", port, 10_000)) {
            // strings, with and without TTL
            a.set("str:plain", "hello");
            a.append("str:plain", " there");
            a.set("str:ex", "world", SetParams.setParams().ex(1000));
            a.set("str:px", "v", SetParams.setParams().px(2_000_000));
            a.setex("str:setex", 3000, "x");
            a.set("str:persisted", "p", SetParams.setParams().ex(100));
            a.persist("str:persisted");
            a.incr("num");
            a.incrBy("num", 41);
            a.incrByFloat("float", 1.5);
            a.incrByFloat("float", 0.25);
            a.set("float:ttl", "1", SetParams.setParams().ex(1000));
            a.incrByFloat("float:ttl", 2.5);
            a.set("str:gone", "bye");
            a.del("str:gone");
            a.set("ren:a", "renamed");
            a.rename("ren:a", "ren:b");
            a.set("str:moved", "to 7");
            a.move("str:moved", 7);
            // a key that expires before the shutdown: its expiry is logged as a DEL
            a.set("str:short", "v", SetParams.setParams().px(50));
            await().atMost(Duration.ofSeconds(10)).until(() -> a.get("str:short") == null);

            // hash
            a.hset("hash", Map.of("f1", "v1", "f2", "v2", "f3", "v3"));
            a.hdel("hash", "f2");
            a.hincrBy("hash", "count", 5);
            a.expire("hash", 2000);
            Map<String, String> big = new TreeMap<>();
            for (int i = 0; i < 700; i++) {
                big.put("field-" + i, "value-" + i);
            }
            a.hset("hash:big", big);

            // list
            a.rpush("list", "a", "b", "c", "d");
            a.lpush("list", "z");
            a.lpop("list");
            a.lset("list", 0, "A");
            a.linsert("list", redis.clients.jedis.args.ListPosition.BEFORE, "c", "bb");
            a.expire("list", 5000);
            for (int i = 0; i < 600; i++) {
                a.rpush("list:big", "item-" + i);
            }
            a.ltrim("list:big", 10, 590);
            a.rpoplpush("list:big", "list:dest");

            // set
            a.sadd("set", "x", "y", "z", "w");
            a.srem("set", "y");
            a.sadd("set:ints", "1", "2", "3", "1000");
            for (int i = 0; i < 20; i++) {
                a.sadd("set:pool", "m" + i);
            }
            a.spop("set:pool", 3); // random: logged as SREM of what was popped
            a.spop("set:pool");

            // sorted set
            a.zadd("zset", Map.of("a", 1.0, "b", 2.5, "c", -3.0));
            a.zincrby("zset", 1.5, "a");
            a.zrem("zset", "c");
            a.zadd("zset", 1e-3, "tiny");
            a.zadd("zset", Double.POSITIVE_INFINITY, "inf");
            for (int i = 0; i < 200; i++) {
                a.zadd("zset:big", i * 0.5, "member-" + i);
            }
            a.zpopmin("zset:big", 2);

            // transaction
            Transaction tx = a.multi();
            tx.set("tx:str", "in tx");
            tx.incr("tx:counter");
            tx.hset("tx:hash", "f", "v");
            tx.rpush("tx:list", "1", "2");
            tx.expire("tx:str", 4000);
            assertThat(tx.exec()).hasSize(5);

            // other databases, interleaved from a second connection
            b.select(3);
            b.set("db3:str", "three");
            a.set("db0:between", "x");
            b.rpush("db3:list", "1", "2", "3");
            b.expire("db3:str", 500);
            b.zadd("db3:zset", 1, "m");
            a.set("db0:after", "y");
            b.hset("db3:hash", "a", "b");
            Transaction tx3 = b.multi();
            tx3.sadd("db3:set", "s1", "s2");
            tx3.del("db3:list");
            assertThat(tx3.exec()).hasSize(2);
            b.select(5);
            b.set("db5:str", "five", SetParams.setParams().px(7_000_000));
            b.sadd("db5:set", "q");
            a.del("num");
            a.set("num", "7");
        }
    }

    /** Every key of every database, with its type, value and PEXPIRETIME. */
    static Map<Integer, Map<String, KeyState>> snapshot(Jedis jedis) {
        Map<Integer, Map<String, KeyState>> all = new TreeMap<>();
        for (int db = 0; db < DATABASES; db++) {
            jedis.select(db);
            Map<String, KeyState> keys = new TreeMap<>();
            for (String key : scanAll(jedis)) {
                String type = jedis.type(key);
                Object value = switch (type) {
                    case "string" -> jedis.get(key);
                    case "hash" -> new TreeMap<>(jedis.hgetAll(key));
                    case "list" -> jedis.lrange(key, 0, -1);
                    case "set" -> new TreeSet<>(jedis.smembers(key));
                    case "zset" -> zset(jedis, key);
                    default -> throw new AssertionError("unexpected type " + type + " of " + key);
                };
                keys.put(key, new KeyState(type, value, jedis.pexpireTime(key)));
            }
            if (!keys.isEmpty()) {
                all.put(db, keys);
            }
        }
        jedis.select(0);
        return all;
    }

    private static List<String> zset(Jedis jedis, String key) {
        List<String> members = new ArrayList<>();
        for (Tuple t : jedis.zrangeWithScores(key, 0, -1)) {
            members.add(t.getElement() + "=" + t.getScore());
        }
        return members;
    }

    private static Set<String> scanAll(Jedis jedis) {
        Set<String> keys = new HashSet<>();
        ScanParams params = new ScanParams().count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = jedis.scan(cursor, params);
            keys.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return keys;
    }

    private static Map<Integer, Integer> keyCounts(Map<Integer, Map<String, KeyState>> data) {
        Map<Integer, Integer> counts = new TreeMap<>();
        data.forEach((db, keys) -> counts.put(db, keys.size()));
        return counts;
    }
}
