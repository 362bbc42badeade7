package io.relog.snapshot.rdb;

/**
 * The aux fields a snapshot carries, given by whoever takes it (the writer reads only the
 * frozen view and these values).
 *
 * @param redisVersion  {@code redis-ver}: the Redis version Relog presents, e.g. {@code 7.0.15}
 * @param ctimeSeconds  {@code ctime}: when the snapshot was taken, Unix seconds
 * @param usedMemory    {@code used-mem}: the server's memory use in bytes at the freeze (a hint)
 * @param replId        {@code repl-id}: the replication ID the log was under at the freeze;
 *                      {@code null} writes none of the three {@code repl-*} fields
 * @param replOffset    {@code repl-offset}: the log offset of the freeze (the snapshot holds
 *                      every write below it and none at or above it)
 * @param replStreamDb  {@code repl-stream-db}: the database selected in the log at that offset
 * @param aofBase       {@code aof-base}: whether the file is the base of a multi-part AOF (Relog: false)
 */
public record RdbAux(String redisVersion, long ctimeSeconds, long usedMemory, String replId, long replOffset,
                     int replStreamDb, boolean aofBase, RdbAccessData access) {

    /** Aux fields of a snapshot without per-key access data (no LRU or LFU policy). */
    public RdbAux(String redisVersion, long ctimeSeconds, long usedMemory, String replId, long replOffset,
                  int replStreamDb, boolean aofBase) {
        this(redisVersion, ctimeSeconds, usedMemory, replId, replOffset, replStreamDb, aofBase, RdbAccessData.NONE);
    }

    /** These fields with {@code access} data written per key (IDLE or FREQ opcodes). */
    public RdbAux withAccess(RdbAccessData access) {
        return new RdbAux(redisVersion, ctimeSeconds, usedMemory, replId, replOffset, replStreamDb, aofBase, access);
    }

    /** Redis' version Relog reports. */
    public static final String REDIS_VERSION = "7.0.15";

    /** Aux fields without replication information (DEBUG tools, tests). */
    public static RdbAux withoutReplication(long ctimeSeconds, long usedMemory) {
        return new RdbAux(REDIS_VERSION, ctimeSeconds, usedMemory, null, 0, 0, false);
    }
}
