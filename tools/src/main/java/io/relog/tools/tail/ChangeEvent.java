package io.relog.tools.tail;

/**
 * One command of the log as {@code relog tail} reports it.
 *
 * @param offset      log offset of the command's first byte (a Redis replication offset)
 * @param nextOffset  log offset just past it: where to resume to get the following events
 * @param timestampMs append time of the batch holding it, Unix ms
 * @param db          database selected when it runs (for a {@code SELECT}, the one it selects);
 *                    -1 before the stream selected any
 * @param tx          log offset of the {@code MULTI} of the transaction it belongs to, or -1
 * @param argv        the command as propagated, {@code argv[0]} its name
 * @param plumbing    whether it is replication plumbing ({@code PING}, {@code REPLCONF},
 *                    {@code SELECT}, {@code MULTI}, {@code EXEC}) rather than a change
 */
public record ChangeEvent(long offset, long nextOffset, long timestampMs, int db, long tx, byte[][] argv,
        boolean plumbing) {

    /** Bytes the command takes in the stream. */
    public int length() {
        return (int) (nextOffset - offset);
    }
}
