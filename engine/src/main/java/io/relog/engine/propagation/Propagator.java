package io.relog.engine.propagation;

import java.nio.charset.StandardCharsets;

/**
 * Turns "command in database n" into the replication stream: emits {@code SELECT n} before a
 * command whose database differs from the stream's current one, like Redis'
 * {@code replicationFeedSlaves()} does with {@code slaveseldb}. Engine thread only.
 */
public final class Propagator {

    private static final byte[] SELECT = "SELECT".getBytes(StandardCharsets.US_ASCII);

    private static final byte[] MULTI = "MULTI".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EXEC = "EXEC".getBytes(StandardCharsets.US_ASCII);

    private final Propagation sink;
    private int streamDb = -1;

    // Transaction in progress: the first write is held until a second one shows it must be wrapped.
    private boolean inTransaction;
    private boolean multiEmitted;
    private int heldDb;
    private byte[][] held;

    public Propagator(Propagation sink) {
        this.sink = sink;
    }

    /** Propagates {@code argv} as executed in database {@code db}. */
    public void write(int db, byte[][] argv) {
        if (inTransaction && !multiEmitted) {
            if (held == null) {
                held = argv;
                heldDb = db;
                return;
            }
            emit(heldDb, new byte[][] {MULTI});
            emit(heldDb, held);
            held = null;
            multiEmitted = true;
        }
        emit(db, argv);
    }

    /**
     * Starts an EXEC'd transaction: the writes until {@link #endTransaction} are one unit. As Redis
     * 7.0 propagates it, two or more writes are wrapped in {@code MULTI … EXEC} ({@code MULTI} in
     * the database of the first, after its {@code SELECT}); a single write is propagated alone;
     * none, nothing.
     */
    public void beginTransaction() {
        inTransaction = true;
        multiEmitted = false;
        held = null;
    }

    /** Ends the transaction begun by {@link #beginTransaction}, emitting what it still holds. */
    public void endTransaction() {
        if (!inTransaction) {
            return;
        }
        inTransaction = false;
        if (multiEmitted) {
            sink.append(new byte[][] {EXEC});
        } else if (held != null) {
            byte[][] argv = held;
            held = null;
            emit(heldDb, argv);
        }
        multiEmitted = false;
    }

    private void emit(int db, byte[][] argv) {
        if (db != streamDb) {
            sink.append(new byte[][] {SELECT, Integer.toString(db).getBytes(StandardCharsets.US_ASCII)});
            streamDb = db;
        }
        sink.append(argv);
    }

    /**
     * Forgets which database the stream has selected, so the next write emits {@code SELECT}
     * (Redis sets {@code slaveseldb = -1} after a full sync and at a new log start).
     */
    public void forgetSelectedDb() {
        streamDb = -1;
    }

    /**
     * Records that the stream has database {@code db} selected (-1: unknown) without emitting
     * anything: a replica, whose stream is its master's, tells what its master selected, so a
     * snapshot records the right {@code repl-stream-db}.
     */
    public void assumeSelected(int db) {
        streamDb = db;
    }

    /** The database the stream currently has selected, or -1 if none yet. */
    public int streamDb() {
        return streamDb;
    }
}
