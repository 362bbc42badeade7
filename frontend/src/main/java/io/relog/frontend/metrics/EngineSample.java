package io.relog.frontend.metrics;

import io.relog.engine.Engine;
import java.util.List;
import java.util.Map;

/**
 * What the metrics endpoint reports of engine-thread state, copied on the engine thread so that
 * the scraping thread reads a consistent, frozen view (the single-writer principle: nothing the
 * engine owns is read from another thread while it may change).
 *
 * @param commands          per-command counters and latency histograms, by command name
 *                          ({@code config|get} for a subcommand)
 * @param keys              keys per database, index = database number
 * @param expires           keys with a TTL per database
 * @param connectedClients  connections open, replicas' links included
 * @param blockedClients    clients blocked in BLPOP and the other blocking commands
 * @param loopIterations    engine loop iterations that did work since start
 * @param loopBusyNanos     time those iterations took (commands, log append, reply hand-off)
 * @param logAppends        batches appended to the command log since start
 * @param logAppendNanos    time spent appending them (write to the page cache)
 * @param logAppendedBytes  bytes of replication stream appended since start
 * @param masterOffset      the log end offset ({@code master_repl_offset})
 * @param replicas          connected replicas' positions
 * @param cdcReaders        connected change-feed readers' positions
 * @param snapshot          the snapshot schedule's state
 */
public record EngineSample(Map<String, Engine.CommandStats> commands, long[] keys, long[] expires,
                           int connectedClients, int blockedClients, long loopIterations, long loopBusyNanos,
                           long logAppends, long logAppendNanos, long logAppendedBytes, long masterOffset,
                           List<Replica> replicas, List<CdcReader> cdcReaders, Snapshot snapshot) {

    /**
     * @param saves                 snapshots written since start
     * @param lastDurationMs        how long the last one took (-1: none yet)
     * @param lastOk                whether it succeeded
     * @param inProgress            whether one is being written
     * @param lastRetainedBytes     memory the last one's frozen view kept alive beyond the live data
     * @param currentRetainedBytes  the same for the one in progress (0 if none)
     */
    public record Snapshot(long saves, long lastDurationMs, boolean lastOk, boolean inProgress,
                           long lastRetainedBytes, long currentRetainedBytes) {
    }

    /** Zeros, reported until the engine's first sample. */
    public static EngineSample empty(int databases) {
        return new EngineSample(Map.of(), new long[databases], new long[databases], 0, 0, 0, 0, 0, 0, 0, 0,
                List.of(), List.of(), new Snapshot(0, -1, true, false, 0, 0));
    }

    /**
     * One replica's link.
     *
     * @param addr       {@code ip:listening-port} the replica announced
     * @param ackOffset  the offset it last acknowledged (REPLCONF ACK)
     * @param sentOffset the offset sent to it so far
     * @param ackAgeMs   milliseconds since that acknowledgement
     */
    public record Replica(String addr, long ackOffset, long sentOffset, long ackAgeMs) {
    }

    /**
     * One change-feed reader's link ({@code relog tail} and other CDC consumers).
     *
     * @param addr       {@code ip:port} of its connection
     * @param sentOffset the log offset sent to it so far
     * @param lagSeconds how long it has been behind the readable end (INFO's {@code lag}), 0 if at it
     */
    public record CdcReader(String addr, long sentOffset, long lagSeconds) {
    }
}
