package io.relog.tools.tail;

import io.relog.log.resp.RespCommands;
import java.nio.charset.StandardCharsets;

/**
 * Follows the stream's state across commands — the selected database and the open transaction —
 * and turns each command into a {@link ChangeEvent}. Both sources (a server's annotated CDC
 * stream, a data directory) feed it the same commands with the same starting state, which is
 * why their output is identical.
 */
final class StreamTracker {

    private int db;
    private long tx;

    /**
     * @param db the database selected at the first command (-1: none yet)
     * @param tx the offset of the {@code MULTI} when the first command lies inside a transaction, else -1
     */
    StreamTracker(int db, long tx) {
        this.db = db;
        this.tx = tx;
    }

    /** Resets the state where a batch starts (its index entry knows the database; no transaction is open). */
    void batchStart(int batchDb, long batchTx) {
        this.db = batchDb;
        this.tx = batchTx;
    }

    int db() {
        return db;
    }

    long tx() {
        return tx;
    }

    /** The event for {@code argv} at {@code offset}, after which the state is updated. */
    ChangeEvent next(byte[][] argv, long offset, long nextOffset, long timestampMs) {
        byte[] name = argv[0];
        boolean plumbing = false;
        long eventTx = tx;
        int eventDb = db;
        switch (name.length) {
            case 4 -> {
                if (RespCommands.is(name, "ping") || RespCommands.is(name, "exec")) {
                    plumbing = true;
                    if (RespCommands.is(name, "exec")) {
                        tx = -1;
                    }
                }
            }
            case 5 -> {
                if (RespCommands.is(name, "multi")) {
                    plumbing = true;
                    tx = offset;
                    eventTx = offset;
                }
            }
            case 6 -> {
                if (RespCommands.is(name, "select")) {
                    plumbing = true;
                    if (argv.length == 2) {
                        db = parseDb(argv[1]);
                        eventDb = db;
                    }
                }
            }
            case 8 -> plumbing = RespCommands.is(name, "replconf");
            default -> {
            }
        }
        return new ChangeEvent(offset, nextOffset, timestampMs, eventDb, eventTx, argv, plumbing);
    }

    private static int parseDb(byte[] b) {
        try {
            return Integer.parseInt(new String(b, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
