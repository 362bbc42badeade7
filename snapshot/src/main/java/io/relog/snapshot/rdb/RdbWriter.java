package io.relog.snapshot.rdb;

import io.relog.engine.keyspace.Database;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes a frozen view of every database as an RDB file of version {@value Rdb#WRITE_VERSION}
 * with plain encodings only (see {@link RdbOutput}), which Redis 6.2 through 7.4 and Valkey 8
 * load:
 * <pre>
 *   "REDIS0009"
 *   AUX redis-ver, redis-bits, ctime, used-mem, [repl-stream-db, repl-id, repl-offset], aof-base
 *   for each non-empty database: SELECTDB n, RESIZEDB size expires,
 *       then per key [EXPIRETIME_MS ms] [IDLE s | FREQ n] type key value
 *   EOF, CRC-64 (little-endian) of every byte before it
 * </pre>
 *
 * <p><b>Threads.</b> Any thread may write: the views are immutable ({@link Database#isFrozen()}),
 * so the engine thread keeps writing while a snapshot streams out, and the only cost to it was
 * the O(1) freeze. Keys are written in the views' iteration order.
 */
public final class RdbWriter {

    private RdbWriter() {
    }

    /**
     * Writes {@code views} (frozen databases, index order) with {@code aux} to {@code out}, and
     * flushes it; does not close or sync it. Returns the number of bytes written.
     *
     * @throws IllegalArgumentException if a database is not a frozen view
     */
    public static long write(Database[] views, RdbAux aux, OutputStream out) throws IOException {
        return write(views, aux, out, 0, false);
    }

    /**
     * Like {@link #write(Database[], RdbAux, OutputStream)}, with two options for the snapshot
     * writer of a running server.
     *
     * @param keyDelayMicros sleep this long after each key: Redis' {@code rdb-key-save-delay},
     *                       which tests use to keep a snapshot running while they write; 0: none
     * @param release        let go of each key's entry once written ({@link
     *                       io.relog.engine.keyspace.ChampMap#drain}), so what later writes
     *                       replace in the written part becomes garbage at once instead of staying
     *                       alive until the snapshot ends; the views' key sets are empty afterwards
     */
    public static long write(Database[] views, RdbAux aux, OutputStream out, long keyDelayMicros, boolean release)
            throws IOException {
        for (Database db : views) {
            if (!db.isFrozen()) {
                throw new IllegalArgumentException("database " + db.index() + " is not a frozen view");
            }
        }
        RdbOutput rdb = new RdbOutput(out);
        rdb.writeBytes(("REDIS" + String.format("%04d", Rdb.WRITE_VERSION)).getBytes(StandardCharsets.US_ASCII));
        writeAux(rdb, "redis-ver", aux.redisVersion());
        writeAux(rdb, "redis-bits", "64");
        writeAux(rdb, "ctime", Long.toString(aux.ctimeSeconds()));
        writeAux(rdb, "used-mem", Long.toString(aux.usedMemory()));
        if (aux.replId() != null) {
            writeAux(rdb, "repl-stream-db", Integer.toString(aux.replStreamDb()));
            writeAux(rdb, "repl-id", aux.replId());
            writeAux(rdb, "repl-offset", Long.toString(aux.replOffset()));
        }
        writeAux(rdb, "aof-base", aux.aofBase() ? "1" : "0");
        for (Database db : views) {
            if (db.size() > 0) {
                writeDatabase(rdb, db, aux.access(), keyDelayMicros, release);
            }
        }
        rdb.writeByte(Rdb.OPCODE_EOF);
        long crc = rdb.checksum();
        rdb.writeLittleEndian(crc, 8);
        rdb.flush();
        return rdb.position();
    }

    private static void writeAux(RdbOutput rdb, String key, String value) throws IOException {
        rdb.writeByte(Rdb.OPCODE_AUX);
        rdb.writeString(key);
        rdb.writeString(value);
    }

    private static void writeDatabase(RdbOutput rdb, Database db, RdbAccessData access, long keyDelayMicros,
                                      boolean release)
            throws IOException {
        rdb.writeByte(Rdb.OPCODE_SELECTDB);
        rdb.writeLength(db.index());
        rdb.writeByte(Rdb.OPCODE_RESIZEDB);
        rdb.writeLength(db.size());
        rdb.writeLength(db.volatileSize());
        boolean volatileKeys = db.volatileSize() > 0;
        try {
            io.relog.engine.keyspace.ChampMap.MetaEntryVisitor writeKey = (key, value, meta) -> {
                try {
                    if (volatileKeys) {
                        long when = db.expireAt(key);
                        if (when >= 0) {
                            rdb.writeByte(Rdb.OPCODE_EXPIRETIME_MS);
                            rdb.writeLittleEndian(when, 8);
                        }
                    }
                    // After the expiry, before the type, as Redis' rdbSaveKeyValuePair.
                    int bits = meta & Database.ACCESS_BITS;
                    switch (access.kind()) {
                        case IDLE -> {
                            rdb.writeByte(Rdb.OPCODE_IDLE);
                            rdb.writeLength(access.idleSeconds(bits));
                        }
                        case FREQ -> {
                            rdb.writeByte(Rdb.OPCODE_FREQ);
                            rdb.writeByte(access.freq(bits));
                        }
                        default -> { }
                    }
                    rdb.writeByte(RdbOutput.typeOf(value));
                    rdb.writeString(key);
                    rdb.writeValue(value);
                    if (keyDelayMicros > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(keyDelayMicros * 1000);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            };
            if (release) {
                db.keys().drainWithMeta(writeKey);
            } else {
                db.keys().forEachWithMeta(writeKey);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
