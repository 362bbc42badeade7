package io.relog.tools.state;

import io.relog.engine.Engine;
import io.relog.engine.Session;
import io.relog.engine.command.DiscardedReply;
import io.relog.engine.keyspace.Database;
import io.relog.engine.propagation.Propagation;
import io.relog.log.ReadOnlyLog;
import io.relog.log.resp.RespCommands;
import io.relog.snapshot.rdb.EncodingLimits;
import io.relog.snapshot.rdb.RdbAux;
import io.relog.snapshot.rdb.RdbLoad;
import io.relog.snapshot.rdb.RdbReader;
import io.relog.snapshot.rdb.RdbWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A data set built outside the server: an engine loaded from an RDB file and then fed commands
 * (from the log, or an AOF), to be written out as an RDB file.
 *
 * <p><b>Why replica semantics and the log's clock.</b> The log holds what the master executed,
 * with expiry already decided: every key that expired became a {@code DEL} in the log. Replaying
 * it must not decide again, so the engine runs as a replica (an expired key is masked, never
 * deleted on its own, exactly as a Redis replica or an AOF load treats it), and its clock is the
 * batch's append time, so any relative time left in a command means what it meant then. Without
 * both, a key whose TTL passed since would vanish early and later commands on it would build a
 * different data set.
 *
 * <p><b>Transactions are whole.</b> Commands from {@code MULTI} to {@code EXEC} are held and run
 * together at {@code EXEC}; a replay that stops in between (the point in time falls inside a
 * transaction) drops them: {@link #openTransactionOffset()} says where it began.
 *
 * <p>Not thread-safe: one thread.
 */
public final class Replay {

    /** Databases of the engine: Redis' default. */
    public static final int DATABASES = 16;

    private final Engine engine;
    private final Session session = new Session(-1);
    private final DiscardedReply reply = new DiscardedReply();
    private long clockMs;
    private final List<byte[][]> queued = new ArrayList<>();
    private final List<Integer> queuedDb = new ArrayList<>();
    private long openTransactionOffset = -1;
    private long commands;
    private long errors;
    private final List<String> errorSamples = new ArrayList<>();

    public Replay() {
        engine = new Engine(DATABASES, () -> clockMs, Propagation.DISCARD);
        engine.setReplica(true);
        io.relog.engine.EngineCommands.registerAll(engine.commands());
    }

    /** The engine holding the data set. */
    public Engine engine() {
        return engine;
    }

    /** Replaces the data set with the RDB file read from {@code in} ({@code length} bytes, -1 if unknown). */
    public RdbLoad loadRdb(InputStream in, long length) throws IOException {
        RdbLoad load = RdbReader.read(in, length, new RdbReader.Options(DATABASES, EncodingLimits.of(engine), 0));
        for (int db = 0; db < DATABASES; db++) {
            engine.db(db).clear();
            if (db < load.databases().length && load.databases()[db] != null) {
                engine.db(db).swapWith(load.databases()[db]);
            }
        }
        return load;
    }

    /**
     * Applies one command of the log: {@code PING} and {@code REPLCONF} are plumbing and skipped;
     * a transaction is held until its {@code EXEC}.
     */
    public void apply(ReadOnlyLog.Command c) {
        apply(c.argv(), c.db(), c.offset(), c.timestampMs());
    }

    /**
     * Applies {@code argv} with database {@code db} selected (-1: leave the selection as is), at
     * time {@code timeMs} (Unix ms; the clock never goes back). {@code offset} names where it
     * came from (for messages).
     */
    public void apply(byte[][] argv, int db, long offset, long timeMs) {
        if (RespCommands.is(argv[0], "ping") || RespCommands.is(argv[0], "replconf")) {
            return;
        }
        clockMs = Math.max(clockMs, timeMs);
        if (RespCommands.is(argv[0], "multi")) {
            queued.clear();
            queuedDb.clear();
            openTransactionOffset = offset;
            return;
        }
        if (openTransactionOffset >= 0) {
            if (RespCommands.is(argv[0], "exec")) {
                execute(new byte[][] {"MULTI".getBytes(StandardCharsets.US_ASCII)}, -1, offset);
                for (int i = 0; i < queued.size(); i++) {
                    execute(queued.get(i), queuedDb.get(i), offset);
                }
                execute(argv, -1, offset);
                queued.clear();
                queuedDb.clear();
                openTransactionOffset = -1;
            } else if (RespCommands.is(argv[0], "discard")) {
                queued.clear();
                queuedDb.clear();
                openTransactionOffset = -1;
            } else {
                queued.add(argv);
                queuedDb.add(db);
            }
            return;
        }
        execute(argv, db, offset);
    }

    private void execute(byte[][] argv, int db, long offset) {
        if (db >= 0 && db < DATABASES && session.db() != db && !RespCommands.is(argv[0], "select")) {
            session.select(db);
        }
        engine.refreshTime();
        reply.clearError();
        engine.execute(session, argv, reply);
        commands++;
        if (reply.lastError() != null) {
            errors++;
            if (errorSamples.size() < 10) {
                errorSamples.add("'" + new String(argv[0], StandardCharsets.UTF_8) + "' at offset " + offset + ": "
                        + reply.lastError());
            }
        }
    }

    /** Where the transaction still waiting for its {@code EXEC} began, or -1. */
    public long openTransactionOffset() {
        return openTransactionOffset;
    }

    /** Drops a transaction that never got its {@code EXEC}. */
    public void discardOpenTransaction() {
        queued.clear();
        queuedDb.clear();
        openTransactionOffset = -1;
    }

    /** The database the replay has selected (what follows the replayed stream continues in it). */
    public int selectedDb() {
        return session.db();
    }

    public long commands() {
        return commands;
    }

    /** Commands that replied with an error (as in the original execution, e.g. WRONGTYPE). */
    public long errors() {
        return errors;
    }

    public List<String> errorSamples() {
        return List.copyOf(errorSamples);
    }

    /** Keys in all databases. */
    public long keys() {
        long n = 0;
        for (int i = 0; i < DATABASES; i++) {
            n += engine.db(i).size();
        }
        return n;
    }

    /** Frozen views of every database (the engine may go on changing afterwards). */
    public Database[] freeze() {
        Database[] views = new Database[DATABASES];
        for (int i = 0; i < DATABASES; i++) {
            views[i] = engine.db(i).freeze();
        }
        return views;
    }

    /** Writes the data set as an RDB file to {@code out} (not closed). */
    public long writeRdb(OutputStream out, RdbAux aux) throws IOException {
        return RdbWriter.write(freeze(), aux, out);
    }
}
