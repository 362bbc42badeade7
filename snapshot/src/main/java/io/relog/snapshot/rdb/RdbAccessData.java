package io.relog.snapshot.rdb;

/**
 * Which access data a snapshot records per key, as Redis' {@code rdbSaveKeyValuePair}: under an
 * LRU policy ({@code allkeys-lru}, {@code volatile-lru}) an IDLE opcode with the seconds since
 * the last access, under an LFU policy a FREQ opcode with the decayed counter, otherwise none.
 * Taken at the freeze, so the file records the idle times of that moment.
 *
 * @param kind         what to write
 * @param lruClock     the engine's 24-bit LRU clock (seconds) at the freeze, for IDLE
 * @param nowMs        the time of the freeze, Unix ms, for the LFU decay
 * @param lfuDecayTime {@code lfu-decay-time} in minutes (0: no decay)
 */
public record RdbAccessData(Kind kind, int lruClock, long nowMs, int lfuDecayTime) {

    public enum Kind { NONE, IDLE, FREQ }

    public static final RdbAccessData NONE = new RdbAccessData(Kind.NONE, 0, 0, 0);

    /** What a snapshot of {@code engine} taken now records, by its policy. Engine thread. */
    public static RdbAccessData of(io.relog.engine.Engine engine) {
        io.relog.engine.eviction.Eviction.Policy p = engine.eviction().policy();
        Kind kind = p.lru() ? Kind.IDLE : p.lfu() ? Kind.FREQ : Kind.NONE;
        return new RdbAccessData(kind, engine.lruClock(), engine.clock().millis(), engine.eviction().lfuDecayTime());
    }

    /** The IDLE value of a key with access bits {@code access}: seconds since its last access. */
    long idleSeconds(int access) {
        return lruClock >= access ? lruClock - access
                : lruClock + (io.relog.engine.keyspace.Database.ACCESS_BITS - access);
    }

    /** The FREQ byte of a key with access bits {@code access}: the counter after decay. */
    int freq(int access) {
        return io.relog.engine.eviction.Eviction.lfuDecayed(access, nowMs, lfuDecayTime);
    }
}
