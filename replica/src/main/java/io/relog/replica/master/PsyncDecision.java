package io.relog.replica.master;

import io.relog.log.ReplicationHistory;

/**
 * Whether a {@code PSYNC <replid> <offset>} can continue from the log or needs a full sync.
 *
 * <p>The replica sends the offset of the next byte it wants, 1-based as Redis counts it, which
 * is its own count of bytes applied plus one; in log offsets (0-based) that is the count itself.
 * It can continue when it names a replication ID anywhere in the history whose range holds that
 * offset, and the log still retains it: Redis accepts only its current ID and the one before
 * (up to the switch), and only within its small in-memory backlog; Relog's backlog is the log.
 *
 * @param fullSync   {@code true}: reply {@code +FULLRESYNC}
 * @param fromOffset for a continuation, the log offset to stream from
 * @param reason     why a full sync is needed (for the log), or {@code null}
 */
public record PsyncDecision(boolean fullSync, long fromOffset, String reason) {

    /**
     * Decides.
     *
     * @param replid        the ID the replica asks with ({@code ?} = none)
     * @param psyncOffset   the 1-based offset it asks for ({@code -1} with {@code ?})
     * @param history       the log's replication history
     * @param logStart      the first retained log offset
     * @param logEnd        the log end offset
     */
    public static PsyncDecision decide(String replid, long psyncOffset, ReplicationHistory history, long logStart,
            long logEnd) {
        if (replid.equals("?")) {
            return full("the replica asked for a full sync");
        }
        long[] range = history.rangeOf(replid, logEnd);
        if (range == null) {
            return full("replication ID mismatch (replica asked for '" + replid + "', the history has "
                    + history.entries().size() + " IDs, current '" + history.current().replid() + "')");
        }
        long offset = psyncOffset - 1;
        if (offset < range[0] || offset > range[1]) {
            return full("the replica asked for offset " + psyncOffset + " but ID " + replid + " covers "
                    + (range[0] + 1) + " to " + (range[1] + 1));
        }
        if (offset < logStart) {
            return full("offset " + psyncOffset + " is no longer in the log (it starts at " + (logStart + 1) + ")");
        }
        return new PsyncDecision(false, offset, null);
    }

    private static PsyncDecision full(String reason) {
        return new PsyncDecision(true, -1, reason);
    }
}
