package io.relog.engine.propagation;

import java.nio.charset.StandardCharsets;

/**
 * Turns "command in database n" into the replication stream: emits {@code SELECT n} before a
 * command whose database differs from the stream's current one, like Redis'
 * {@code replicationFeedSlaves()} does with {@code slaveseldb}. Engine thread only.
 */
public final class Propagator {

    private static final byte[] SELECT = "SELECT".getBytes(StandardCharsets.US_ASCII);

    private final Propagation sink;
    private int streamDb = -1;

    public Propagator(Propagation sink) {
        this.sink = sink;
    }

    /** Propagates {@code argv} as executed in database {@code db}. */
    public void write(int db, byte[][] argv) {
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

    /** The database the stream currently has selected, or -1 if none yet. */
    public int streamDb() {
        return streamDb;
    }
}
