package io.relog.snapshot.rdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.relog.engine.Engine;
import io.relog.engine.eviction.Eviction;
import io.relog.engine.keyspace.Database;
import io.relog.engine.propagation.Propagation;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * LRU and LFU access data in snapshots: under an LRU policy each key is preceded by an IDLE
 * opcode (0xF8, seconds idle), under an LFU policy by a FREQ opcode (0xF9, the decayed counter),
 * otherwise by neither; the reader gives the loaded keys that access data, and Debian's
 * redis-server 7.0 reads it back through OBJECT IDLETIME / OBJECT FREQ.
 */
class AccessDataRdbTest {

    @TempDir
    Path dir;

    private static final long NOW = 1_767_225_600_000L + 37_000; // a fixed time, not on a minute boundary

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private Engine engine(String policy) {
        Engine e = new Engine(16, () -> NOW, Propagation.DISCARD);
        e.setMaxmemoryPolicy(policy);
        e.refreshTime();
        return e;
    }

    private static byte[] write(Engine e) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RdbAccessData access = RdbAccessData.of(e);
        RdbWriter.write(e.freeze(), RdbAux.withoutReplication(NOW / 1000, 0).withAccess(access), out);
        return out.toByteArray();
    }

    /** Keys "idle100" and "idle5000" last accessed that many seconds ago, in database 0. */
    private static Engine lruData(Engine e) {
        Database db = e.db(0);
        db.put(b("idle100"), b("v"), e.lruClock() - 100, false);
        db.put(b("idle5000"), b("w"), e.lruClock() - 5000, false);
        return e;
    }

    /** Keys "hot" (counter 42) and "cold" (counter 7), last decremented this minute. */
    private static Engine lfuData(Engine e) {
        Database db = e.db(0);
        int minute = Eviction.lfuMinutes(NOW) << 8;
        db.put(b("hot"), b("v"), minute | 42, false);
        db.put(b("cold"), b("w"), minute | 7, false);
        return e;
    }

    @Test
    void lruPolicyWritesIdleTimesAndTheReaderKeepsThem() throws Exception {
        Engine e = lruData(engine("allkeys-lru"));
        byte[] rdb = write(e);
        assertThat(contains(rdb, new byte[] {(byte) Rdb.OPCODE_IDLE, 0x40, 100, 0, 7})).as("IDLE 100 before 'idle100'")
                .isTrue();
        RdbLoad load = RdbReader.read(new java.io.ByteArrayInputStream(rdb), rdb.length,
                RdbReader.Options.of(e));
        Database db = load.databases()[0];
        assertThat(idle(e.lruClock(), db.accessMeta(b("idle100")))).isEqualTo(100);
        assertThat(idle(e.lruClock(), db.accessMeta(b("idle5000")))).isEqualTo(5000);
    }

    @Test
    void lfuPolicyWritesCountersAndTheReaderKeepsThem() throws Exception {
        Engine e = lfuData(engine("volatile-lfu"));
        byte[] rdb = write(e);
        assertThat(contains(rdb, new byte[] {(byte) Rdb.OPCODE_FREQ, 42, 0, 3, 'h', 'o', 't'})).isTrue();
        RdbLoad load = RdbReader.read(new java.io.ByteArrayInputStream(rdb), rdb.length,
                RdbReader.Options.of(e));
        Database db = load.databases()[0];
        assertThat(db.accessMeta(b("hot")) & 0xff).isEqualTo(42);
        assertThat(db.accessMeta(b("cold")) & 0xff).isEqualTo(7);
        assertThat(e.eviction().lfuDecayed(db.accessMeta(b("hot")) & Database.ACCESS_BITS, NOW)).isEqualTo(42);
    }

    @Test
    void otherPoliciesWriteNeither() throws Exception {
        for (String policy : new String[] {"noeviction", "allkeys-random", "volatile-ttl"}) {
            Engine e = lruData(engine(policy));
            byte[] rdb = write(e);
            assertThat(contains(rdb, new byte[] {(byte) Rdb.OPCODE_IDLE, 0x40, 100})).as(policy).isFalse();
            assertThat(contains(rdb, new byte[] {0, 7, 'i', 'd', 'l', 'e', '1', '0', '0'})).as(policy).isTrue();
        }
    }

    @Test
    void redisServerReadsIdleAndFreq() throws Exception {
        Assumptions.assumeTrue(RedisServer.available(), "redis-server not installed");
        // Written at the real time, so that redis-server's clock agrees with the idle times.
        Engine live = new Engine(16, io.relog.engine.Clock.SYSTEM, Propagation.DISCARD);
        live.setMaxmemoryPolicy("allkeys-lru");
        live.refreshTime();
        lruData(live);
        Files.write(dir.resolve("lru.rdb"), write(live));
        try (RedisServer redis = RedisServer.start(dir, "--dbfilename", "lru.rdb", "--maxmemory-policy", "allkeys-lru");
             Jedis j = redis.client()) {
            assertThat(j.objectIdletime("idle100")).isBetween(100L, 103L);
            assertThat(j.objectIdletime("idle5000")).isBetween(5000L, 5003L);
        }
        Engine lfu = new Engine(16, io.relog.engine.Clock.SYSTEM, Propagation.DISCARD);
        lfu.setMaxmemoryPolicy("allkeys-lfu");
        lfu.refreshTime();
        int minute = Eviction.lfuMinutes(System.currentTimeMillis()) << 8;
        lfu.db(0).put(b("hot"), b("v"), minute | 42, false);
        lfu.db(0).put(b("cold"), b("w"), minute | 7, false);
        Files.write(dir.resolve("lfu.rdb"), write(lfu));
        try (RedisServer redis = RedisServer.start(dir, "--dbfilename", "lfu.rdb", "--maxmemory-policy", "allkeys-lfu");
             Jedis j = redis.client()) {
            assertThat(j.objectFreq("hot")).isEqualTo(42L);
            assertThat(j.objectFreq("cold")).isEqualTo(7L);
        }
    }

    private static long idle(int clock, int meta) {
        int lru = meta & Database.ACCESS_BITS;
        return clock >= lru ? clock - lru : clock + (Database.ACCESS_BITS - lru);
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
