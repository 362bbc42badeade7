package io.relog.frontend.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * {@code maxmemory} under every policy, through Jedis: which keys survive when the data set is
 * filled past the limit, the OOM refusal, and that reads always work.
 *
 * <p>Limits are set relative to the {@code used_memory} the server reports for the keys written,
 * so the same expectations hold on Debian's redis-server 7.0 ({@code -Drelog.it.target=redis}).
 * Candidate sampling is approximate in Redis; {@code maxmemory-samples 64} with fewer keys than
 * that per database makes each choice see every candidate, so the survivors are exact.
 */
class EvictionIT extends AbstractServerIT {

    private static final String VALUE = "v".repeat(200);
    /**
     * Why a test with a margin of a fraction of a key runs on Relog only: Redis' used_memory also
     * counts client query and output buffers, tens of KB that change from command to command
     * (a pipelined redis-cli session was refused with OOM after every key was evicted).
     */
    private static final String BUFFERS = "Redis' used_memory counts client buffers, larger than a key's margin";
    private static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";

    @org.junit.jupiter.api.BeforeEach
    void resetStats() {
        call("CONFIG", "RESETSTAT");
    }

    @AfterEach
    void unlimit() {
        call("CONFIG", "SET", "maxmemory", "0");
        call("CONFIG", "SET", "maxmemory-policy", "noeviction");
        call("CONFIG", "SET", "maxmemory-samples", "5");
        call("CONFIG", "SET", "lfu-log-factor", "10");
        call("CONFIG", "SET", "lfu-decay-time", "1");
    }

    private long usedMemory() {
        return Long.parseLong(RedisReplicaOfRelogIT.info(redis, "memory").get("used_memory"));
    }

    private long evicted() {
        return Long.parseLong(RedisReplicaOfRelogIT.info(redis, "stats").get("evicted_keys"));
    }

    /** Writes {@code keys}; returns the bytes of used_memory they added per key. */
    private long write(List<String> keys) {
        long before = usedMemory();
        for (String k : keys) {
            redis.set(k, VALUE);
        }
        return Math.max(1, (usedMemory() - before) / keys.size());
    }

    private static List<String> names(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(String.format("%s:%03d", prefix, i));
        }
        return out;
    }

    /** Sets maxmemory to what is used now plus {@code room} keys of {@code perKey} bytes. */
    private void limitTo(long perKey, double room) {
        call("CONFIG", "SET", "maxmemory", Long.toString(usedMemory() + (long) (perKey * room)));
    }

    private void awaitNextLruSecond() {
        // The LRU clock counts seconds (Redis' LRU_CLOCK_RESOLUTION): accesses in different
        // seconds are needed to tell recently used keys from the others.
        long start = Long.parseLong(RedisReplicaOfRelogIT.info(redis, "server").get("lru_clock"));
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> Long.parseLong(RedisReplicaOfRelogIT.info(redis, "server").get("lru_clock")) > start);
    }

    @Test
    void noevictionRefusesWritesButServesReadsAndDeletes() {
        assumeRelog(BUFFERS);
        call("CONFIG", "SET", "maxmemory-policy", "noeviction");
        List<String> keys = names("k", 20);
        long perKey = write(keys);
        call("CONFIG", "SET", "maxmemory", Long.toString(usedMemory() - perKey)); // already over
        assertError(OOM, "SET", "another", "x");
        assertError(OOM, "RPUSH", "list", "x");
        assertThat(redis.get("k:000")).isEqualTo(VALUE);
        assertThat(redis.exists("k:001")).isTrue();
        // EXEC of a transaction holding a denyoom command: the command is refused when queued.
        redis.sendCommand(() -> "MULTI".getBytes());
        assertError(OOM, "SET", "another", "x");
        assertError("EXECABORT Transaction discarded because of previous errors.", "EXEC");
        // DEL is no denyoom command: deleting makes room, and then writes pass again.
        assertThat(redis.del("k:000", "k:001", "k:002", "k:003", "k:004", "k:005")).isEqualTo(6);
        assertThat(redis.set("another", "x")).isEqualTo("OK");
        assertThat(evicted()).isZero();
        assertThat(redis.dbSize()).isEqualTo(15);
    }

    @Test
    void allkeysLruKeepsRecentlyReadKeys() {
        assumeRelog(BUFFERS);
        call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
        call("CONFIG", "SET", "maxmemory-samples", "64");
        List<String> keys = names("k", 40);
        long perKey = write(keys);
        awaitNextLruSecond();
        List<String> hot = keys.subList(0, 20);
        for (String k : hot) {
            assertThat(redis.get(k)).isEqualTo(VALUE);
        }
        limitTo(perKey, 0.5);
        long evictedBefore = evicted();
        List<String> added = names("new", 5);
        for (String k : added) {
            assertThat(redis.set(k, VALUE)).isEqualTo("OK");
        }
        for (String k : hot) {
            assertThat(redis.exists(k)).as("recently read %s", k).isTrue();
        }
        long coldLeft = keys.subList(20, 40).stream().filter(redis::exists).count();
        assertThat(coldLeft).isLessThanOrEqualTo(20 - 4);
        assertThat(evicted() - evictedBefore).isEqualTo(20 - coldLeft);
    }

    @Test
    void allkeysLfuKeepsFrequentlyReadKeys() {
        assumeRelog(BUFFERS);
        call("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu");
        call("CONFIG", "SET", "maxmemory-samples", "64");
        call("CONFIG", "SET", "lfu-log-factor", "0"); // every access counts: deterministic counters
        call("CONFIG", "SET", "lfu-decay-time", "0"); // and no decay if a minute boundary passes
        List<String> keys = names("k", 40);
        long perKey = write(keys);
        List<String> hot = keys.subList(0, 20);
        for (int round = 0; round < 8; round++) {
            for (String k : hot) {
                redis.get(k);
            }
        }
        assertThat(call("OBJECT", "FREQ", "k:000")).isEqualTo(13L);
        assertThat(call("OBJECT", "FREQ", "k:030")).isEqualTo(5L);
        limitTo(perKey, 0.5);
        for (String k : names("new", 5)) {
            assertThat(redis.set(k, VALUE)).isEqualTo("OK");
        }
        for (String k : hot) {
            assertThat(redis.exists(k)).as("frequently read %s", k).isTrue();
        }
        assertThat(evicted()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void volatileTtlEvictsTheSoonestToExpireFirst() {
        call("CONFIG", "SET", "maxmemory-policy", "volatile-ttl");
        call("CONFIG", "SET", "maxmemory-samples", "64");
        List<String> persistent = names("p", 10);
        write(persistent);
        List<String> volatileKeys = names("t", 30);
        long perKey = write(volatileKeys);
        for (int i = 0; i < volatileKeys.size(); i++) {
            // Shuffled TTLs: the soonest are not the first written.
            redis.expire(volatileKeys.get(i), 1000 + (i * 7) % 30 * 100);
        }
        limitTo(perKey, 0.5);
        for (String k : names("new", 10)) {
            assertThat(redis.set(k, VALUE)).isEqualTo("OK");
        }
        long gone = volatileKeys.stream().filter(k -> !redis.exists(k)).count();
        assertThat(gone).isGreaterThanOrEqualTo(9); // a volatile key is a little larger than a new one
        // Every evicted key had a shorter TTL than every survivor.
        long longestEvictedTtl = -1;
        long shortestSurvivorTtl = Long.MAX_VALUE;
        for (int i = 0; i < volatileKeys.size(); i++) {
            long ttl = 1000 + (i * 7) % 30 * 100;
            if (redis.exists(volatileKeys.get(i))) {
                shortestSurvivorTtl = Math.min(shortestSurvivorTtl, ttl);
            } else {
                longestEvictedTtl = Math.max(longestEvictedTtl, ttl);
            }
        }
        assertThat(longestEvictedTtl).isLessThan(shortestSurvivorTtl);
        for (String k : persistent) {
            assertThat(redis.exists(k)).isTrue();
        }
    }

    @Test
    void volatilePoliciesNeverEvictPersistentKeysAndAnswerOomWhenOnlyThoseRemain() {
        for (String policy : List.of("volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl")) {
            redis.flushAll();
            call("CONFIG", "SET", "maxmemory", "0");
            call("CONFIG", "SET", "maxmemory-policy", policy);
            List<String> persistent = names("p", 20);
            long perKey = write(persistent);
            List<String> volatileKeys = names("t", 10);
            write(volatileKeys);
            for (String k : volatileKeys) {
                redis.expire(k, 10_000);
            }
            limitTo(perKey, 0.5);
            String error = null;
            for (int i = 0; i < 30 && error == null; i++) {
                try {
                    redis.set("new:" + i, VALUE);
                } catch (redis.clients.jedis.exceptions.JedisDataException e) {
                    error = e.getMessage();
                }
            }
            assertThat(error).as(policy).isEqualTo(OOM);
            for (String k : persistent) {
                assertThat(redis.get(k)).as("%s: persistent %s", policy, k).isEqualTo(VALUE);
            }
            for (String k : volatileKeys) {
                assertThat(redis.exists(k)).as("%s: volatile %s", policy, k).isFalse();
            }
        }
    }

    @Test
    void allkeysRandomStaysUnderTheLimit() {
        call("CONFIG", "SET", "maxmemory-policy", "allkeys-random");
        List<String> keys = names("k", 40);
        long perKey = write(keys);
        long limit = usedMemory() - perKey * 10;
        call("CONFIG", "SET", "maxmemory", Long.toString(limit));
        assertThat(redis.get("k:000")).isIn(VALUE, null); // any command evicts first
        if (Target.current() == Target.RELOG) { // Redis' figure also counts client buffers, which INFO itself grows
            assertThat(usedMemory()).isLessThanOrEqualTo(limit);
        }
        assertThat(redis.dbSize()).isLessThanOrEqualTo(31);
        assertThat(evicted()).isGreaterThanOrEqualTo(9);
    }

    @Test
    void usedMemoryIsTheDataSetEstimateAndComesBackAfterDeletes() {
        assumeRelog("Relog's used_memory is a deterministic estimate of the data set");
        assertThat(usedMemory()).isZero();
        redis.set("abc", "12345");
        // key 3 + value 5 + per-key overhead 64 (MemoryEstimate.KEY_ENTRY)
        assertThat(usedMemory()).isEqualTo(72);
        redis.expire("abc", 100);
        assertThat(usedMemory()).isEqualTo(72 + 48);
        redis.rpush("l", "a", "bb");
        long withList = usedMemory();
        redis.rpush("l", "ccc");
        // One more element: its 3 bytes and the per-element overhead (24), maintained in place.
        assertThat(usedMemory()).isEqualTo(withList + 3 + 24);
        redis.hset("h", Map.of("f", "v"));
        redis.sadd("s", "x", "1");
        redis.zadd("z", 1, "m");
        redis.del("l", "h", "s", "z");
        assertThat(usedMemory()).isEqualTo(72 + 48);
        redis.flushAll();
        assertThat(usedMemory()).isZero();
        Map<String, String> info = RedisReplicaOfRelogIT.info(redis, "memory");
        assertThat(info).containsKeys("used_memory_human", "used_memory_dataset", "used_memory_rss",
                "maxmemory", "maxmemory_human", "maxmemory_policy", "mem_fragmentation_ratio");
        assertThat(Long.parseLong(info.get("used_memory_rss"))).isPositive();
    }

    @Test
    void restoreSetsTheAccessDataOfThePolicy() {
        redis.set("src", "value");
        byte[] payload = redis.dump("src");
        call("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu");
        redis.sendCommand(() -> "RESTORE".getBytes(), "f".getBytes(), "0".getBytes(), payload,
                "FREQ".getBytes(), "100".getBytes());
        assertThat(call("OBJECT", "FREQ", "f")).isEqualTo(100L);
        call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
        redis.sendCommand(() -> "RESTORE".getBytes(), "i".getBytes(), "0".getBytes(), payload,
                "IDLETIME".getBytes(), "1000".getBytes());
        assertThat((Long) call("OBJECT", "IDLETIME", "i")).isBetween(1000L, 1002L);
    }

    @Test
    void readsAlwaysWorkAndWritesAreRefusedOnlyWhenNothingCanBeEvicted() {
        assumeRelog("Redis' used_memory includes its own ~1 MB, so a 1-byte limit can never be met there");
        call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
        call("CONFIG", "SET", "maxmemory", "1");
        // Everything can be evicted, so a write is accepted: the data set is emptied before it.
        assertThat(redis.set("a", VALUE)).isEqualTo("OK");
        assertThat(redis.get("a")).isNull(); // evicted before this command ran
        assertThat(redis.dbSize()).isZero();
        Jedis other = newConnection();
        assertThat(other.ping()).isEqualTo("PONG");
    }
}
