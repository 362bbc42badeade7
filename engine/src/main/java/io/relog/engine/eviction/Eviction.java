package io.relog.engine.eviction;

import io.relog.engine.keyspace.ChampMap;
import io.relog.engine.keyspace.Database;
import java.util.SplittableRandom;

/**
 * {@code maxmemory}: the policy, the LFU counters and the choice of keys to evict, as Redis 7.0's
 * evict.c does it.
 *
 * <p><b>Approximated LRU/LFU/TTL.</b> Keeping keys ordered by access would cost a write per read;
 * like Redis, Relog samples {@code maxmemory-samples} keys per database (from the whole keyspace
 * for {@code allkeys-*}, from the keys with a time to live for {@code volatile-*}) and merges them
 * into an {@link #POOL_SIZE 16-entry} eviction pool ordered by "idleness" (seconds idle for LRU,
 * 255 minus the decayed counter for LFU, how soon it expires for TTL), which persists between
 * evictions so that good candidates found earlier are not forgotten. The best candidate that
 * still exists is evicted. More samples approximate true LRU better at more CPU per eviction.
 *
 * <p><b>Access data</b> lives in the 24 {@link Database#ACCESS_BITS} of each entry's metadata:
 * under LRU the 24-bit seconds clock of the last access; under LFU the last decrement time in
 * minutes (16 bits) and a logarithmic 8-bit counter ({@link #lfuTouch}). Switching policy at run
 * time reinterprets the bits, as in Redis ("will take some time to adjust").
 *
 * <p>Engine thread only.
 */
public final class Eviction {

    /** Redis' {@code maxmemory-policy} values. */
    public enum Policy {
        NOEVICTION("noeviction"), ALLKEYS_LRU("allkeys-lru"), VOLATILE_LRU("volatile-lru"),
        ALLKEYS_LFU("allkeys-lfu"), VOLATILE_LFU("volatile-lfu"), ALLKEYS_RANDOM("allkeys-random"),
        VOLATILE_RANDOM("volatile-random"), VOLATILE_TTL("volatile-ttl");

        private final String redisName;

        Policy(String redisName) {
            this.redisName = redisName;
        }

        public String redisName() {
            return redisName;
        }

        public static Policy of(String name) {
            for (Policy p : values()) {
                if (p.redisName.equalsIgnoreCase(name)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown maxmemory-policy: " + name);
        }

        public boolean lfu() {
            return this == ALLKEYS_LFU || this == VOLATILE_LFU;
        }

        public boolean lru() {
            return this == ALLKEYS_LRU || this == VOLATILE_LRU;
        }

        /** Whether candidates come from the keys with a time to live only. */
        public boolean volatileOnly() {
            return redisName.startsWith("volatile-");
        }
    }

    /** Counter of a key just created (Redis' {@code LFU_INIT_VAL}): new keys are not evicted at once. */
    public static final int LFU_INIT_VAL = 5;

    /** Entries of the eviction pool (Redis' {@code EVPOOL_SIZE}). */
    public static final int POOL_SIZE = 16;

    private Policy policy = Policy.NOEVICTION;
    private int samples = 5;
    private int lfuLogFactor = 10;
    private int lfuDecayTime = 1;
    private final SplittableRandom random;

    // The pool, ascending by idle: the best candidate is the last one filled.
    private final long[] poolIdle = new long[POOL_SIZE];
    private final byte[][] poolKey = new byte[POOL_SIZE][];
    private final int[] poolDb = new int[POOL_SIZE];
    private int nextRandomDb;

    public Eviction(SplittableRandom random) {
        this.random = random;
    }

    public Policy policy() {
        return policy;
    }

    public void setPolicy(Policy policy) {
        if (policy != this.policy) {
            clearPool();
        }
        this.policy = policy;
    }

    /** Sets {@code maxmemory-samples}, {@code lfu-log-factor} and {@code lfu-decay-time} (minutes). */
    public void configure(int samples, int lfuLogFactor, int lfuDecayTime) {
        this.samples = Math.max(1, samples);
        this.lfuLogFactor = Math.max(0, lfuLogFactor);
        this.lfuDecayTime = Math.max(0, lfuDecayTime);
    }

    /** {@code lfu-decay-time} in minutes. */
    public int lfuDecayTime() {
        return lfuDecayTime;
    }

    // ------------------------------------------------------------------ LFU counters

    /** Redis' {@code LFUGetTimeInMinutes}: Unix minutes modulo 2^16. */
    public static int lfuMinutes(long nowMs) {
        return (int) ((nowMs / 60_000) & 0xffff);
    }

    /** The access bits of a key created now under LFU: this minute and {@link #LFU_INIT_VAL}. */
    public static int lfuInitial(long nowMs) {
        return (lfuMinutes(nowMs) << 8) | LFU_INIT_VAL;
    }

    /**
     * The counter of access bits {@code access} after decay (Redis' {@code LFUDecrAndReturn}): one
     * less per {@code lfu-decay-time} minutes since the last decrement time; not stored.
     */
    public int lfuDecayed(int access, long nowMs) {
        return lfuDecayed(access, nowMs, lfuDecayTime);
    }

    /** {@link #lfuDecayed(int, long)} with an explicit {@code lfu-decay-time} (minutes; 0: none). Any thread. */
    public static int lfuDecayed(int access, long nowMs, int lfuDecayTime) {
        int ldt = (access >>> 8) & 0xffff;
        int counter = access & 0xff;
        int now = lfuMinutes(nowMs);
        int elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
        int periods = lfuDecayTime == 0 ? 0 : elapsed / lfuDecayTime;
        return periods > counter ? 0 : counter - periods;
    }

    /**
     * The access bits after one access (Redis' {@code updateLFU}): decay, then a logarithmic
     * increment that succeeds with probability {@code 1 / ((counter - LFU_INIT_VAL) * lfu-log-factor + 1)},
     * stamped with the current minute.
     */
    public int lfuTouch(int access, long nowMs) {
        int counter = lfuDecayed(access, nowMs);
        if (counter < 255) {
            double base = Math.max(0, counter - LFU_INIT_VAL);
            double p = 1.0 / (base * lfuLogFactor + 1);
            if (random.nextDouble() < p) {
                counter++;
            }
        }
        return (lfuMinutes(nowMs) << 8) | counter;
    }

    // ------------------------------------------------------------------ choosing a victim

    /** A key chosen for eviction. */
    public record Victim(int db, byte[] key) {
    }

    /**
     * The next key to evict under the policy, or {@code null} if there is none (noeviction, or no
     * candidate key: an empty data set, or no key with a time to live under {@code volatile-*}).
     *
     * @param lruClock the 24-bit LRU clock in seconds (for LRU idle times)
     * @param nowMs    the command time, Unix ms (for LFU decay)
     */
    public Victim choose(Database[] dbs, int lruClock, long nowMs) {
        switch (policy) {
            case NOEVICTION:
                return null;
            case ALLKEYS_RANDOM:
            case VOLATILE_RANDOM:
                for (int i = 0; i < dbs.length; i++) {
                    nextRandomDb = (nextRandomDb + 1) % dbs.length;
                    Database db = dbs[nextRandomDb];
                    ChampMap from = policy.volatileOnly() ? db.expires() : db.keys();
                    byte[] k = from.randomKey(random);
                    if (k != null) {
                        return new Victim(db.index(), k);
                    }
                }
                return null;
            default:
                return fromPool(dbs, lruClock, nowMs);
        }
    }

    private Victim fromPool(Database[] dbs, int lruClock, long nowMs) {
        while (true) {
            long keysAvailable = 0;
            for (Database db : dbs) {
                ChampMap from = policy.volatileOnly() ? db.expires() : db.keys();
                if (from.isEmpty()) {
                    continue;
                }
                keysAvailable += from.size();
                populate(db, from, lruClock, nowMs);
            }
            if (keysAvailable == 0) {
                return null;
            }
            // Best first: the highest idle is at the end.
            for (int i = POOL_SIZE - 1; i >= 0; i--) {
                if (poolKey[i] == null) {
                    continue;
                }
                byte[] key = poolKey[i];
                int db = poolDb[i];
                removeAt(i);
                Database d = dbs[db];
                boolean present = policy.volatileOnly() ? d.expireAt(key) >= 0 : d.peek(key) != null;
                if (present) {
                    return new Victim(db, key);
                }
                // A ghost (deleted or persisted since it was sampled): try the next best.
            }
            // Every pooled entry was a ghost: sample again.
        }
    }

    private void populate(Database db, ChampMap from, int lruClock, long nowMs) {
        int want = Math.min(samples, from.size());
        byte[][] picked = new byte[want][];
        int[] n = {0};
        long cursor = random.nextLong() & 0xffffffffL;
        // A scan from a random cursor returns keys in hash order from there: consecutive but
        // randomly placed, like Redis' dictGetSomeKeys. Wrap around at the end.
        int guard = 0;
        do {
            cursor = from.scan(cursor, want - n[0], (k, v) -> {
                if (n[0] < want) {
                    picked[n[0]++] = k;
                }
            });
        } while (n[0] < want && ++guard < 64);
        for (int i = 0; i < n[0]; i++) {
            byte[] k = picked[i];
            long idle = idle(db, k, lruClock, nowMs);
            insert(db.index(), k, idle);
        }
    }

    private long idle(Database db, byte[] key, int lruClock, long nowMs) {
        if (policy == Policy.VOLATILE_TTL) {
            long at = db.expireAt(key);
            return Long.MAX_VALUE - Math.max(0, at); // sooner expiry = more idle
        }
        int access = db.accessMeta(key) & Database.ACCESS_BITS;
        if (policy.lfu()) {
            return 255 - lfuDecayed(access, nowMs);
        }
        return lruClock >= access ? lruClock - access : lruClock + (Database.ACCESS_BITS - access);
    }

    /** Redis' pool insertion: keep the entries with the highest idle, ascending; skip a duplicate. */
    private void insert(int db, byte[] key, long idle) {
        for (int i = 0; i < POOL_SIZE; i++) {
            if (poolKey[i] != null && poolDb[i] == db && java.util.Arrays.equals(poolKey[i], key)) {
                poolIdle[i] = Math.max(poolIdle[i], idle);
                resort();
                return;
            }
        }
        int k = 0;
        while (k < POOL_SIZE && poolKey[k] != null && poolIdle[k] < idle) {
            k++;
        }
        if (k == 0 && poolKey[POOL_SIZE - 1] != null) {
            return; // worse than everything in a full pool
        }
        if (poolKey[POOL_SIZE - 1] == null) {
            // Room at the right: shift [k, end) right by one.
            System.arraycopy(poolIdle, k, poolIdle, k + 1, POOL_SIZE - k - 1);
            System.arraycopy(poolKey, k, poolKey, k + 1, POOL_SIZE - k - 1);
            System.arraycopy(poolDb, k, poolDb, k + 1, POOL_SIZE - k - 1);
        } else {
            // Full: drop the worst (index 0) and shift [1, k) left.
            k--;
            System.arraycopy(poolIdle, 1, poolIdle, 0, k);
            System.arraycopy(poolKey, 1, poolKey, 0, k);
            System.arraycopy(poolDb, 1, poolDb, 0, k);
        }
        poolIdle[k] = idle;
        poolKey[k] = key;
        poolDb[k] = db;
    }

    private void resort() {
        // Insertion sort of the filled prefix (at most 16 entries).
        for (int i = 1; i < POOL_SIZE && poolKey[i] != null; i++) {
            for (int j = i; j > 0 && poolIdle[j - 1] > poolIdle[j]; j--) {
                swap(j - 1, j);
            }
        }
    }

    private void swap(int a, int b) {
        long t = poolIdle[a];
        poolIdle[a] = poolIdle[b];
        poolIdle[b] = t;
        byte[] k = poolKey[a];
        poolKey[a] = poolKey[b];
        poolKey[b] = k;
        int d = poolDb[a];
        poolDb[a] = poolDb[b];
        poolDb[b] = d;
    }

    private void removeAt(int i) {
        System.arraycopy(poolIdle, i + 1, poolIdle, i, POOL_SIZE - i - 1);
        System.arraycopy(poolKey, i + 1, poolKey, i, POOL_SIZE - i - 1);
        System.arraycopy(poolDb, i + 1, poolDb, i, POOL_SIZE - i - 1);
        poolKey[POOL_SIZE - 1] = null;
    }

    /** Forgets every pooled candidate (policy change, FLUSHALL, a full sync). */
    public void clearPool() {
        java.util.Arrays.fill(poolKey, null);
    }
}
