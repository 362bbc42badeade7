package io.relog.frontend.persistence;

import io.relog.engine.Engine;
import io.relog.engine.propagation.Propagation;
import io.relog.log.BatchBuilder;
import io.relog.log.CommandLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's end of the command log (see the package documentation): collects the propagated
 * writes of one engine iteration into a batch, appends it when the iteration ends, decides whether
 * the iteration's replies wait for the fsync, and turns write failures into {@code -MISCONF}.
 *
 * <p>Engine thread, except where a method says otherwise.
 */
public final class LogWriter implements Propagation {

    private static final Logger log = LoggerFactory.getLogger(LogWriter.class);

    /** Redis' text for writes refused after an AOF write error, followed by the reason. */
    static final String MISCONF = "MISCONF Errors writing to the AOF file: ";

    private final CommandLog commandLog;
    private final BatchBuilder batch = new BatchBuilder();
    private Engine engine;
    private LogSyncer syncer;
    private Executor engineThread;
    private LongConsumer releaseReplies;
    private boolean appendonly;
    private String appendfsync;
    private boolean replaying;
    /** The roll failure last reported, so each is logged once. */
    private IOException reportedRollError;
    /** This iteration appended a batch (reset when the reply gate asks). */
    private boolean appendedThisIteration;
    /** While a replica: the log takes its master's stream ({@link #appendRaw}), not the engine's propagation. */
    private boolean replicating;

    // Failure state (engine thread).
    private IOException writeFailure;
    private volatile IOException syncFailure;
    private long lastRetryMs;
    private final AtomicBoolean releaseScheduled = new AtomicBoolean();
    private volatile long durableOffset;

    // Retention (engine thread, from the cron).
    private long lastRetentionMs;
    /** Restore needs the log from here on (the newest snapshot's offset, else the log start). */
    private long restoreFloor = -1;
    /** Writes refused because snapshots fail (stop-writes-on-bgsave-error), or null. */
    private String snapshotDenial;
    private long retentionHours;
    private long retentionBytes;
    private long groupCommitMicros;

    public LogWriter(CommandLog commandLog, boolean appendonly, String appendfsync) {
        this.commandLog = commandLog;
        this.appendonly = appendonly;
        this.appendfsync = appendfsync;
        this.durableOffset = commandLog.syncedOffset();
    }

    /**
     * Connects the writer to the running server and starts the sync thread.
     *
     * @param engineThread   runs a task on the engine thread
     * @param releaseReplies releases the replies held for offsets up to its argument (engine thread)
     */
    public void start(Engine engine, Executor engineThread, LongConsumer releaseReplies) {
        this.engine = engine;
        this.engineThread = engineThread;
        this.releaseReplies = releaseReplies;
        engine.propagator().forgetSelectedDb(); // the first batch after a start selects its database
        this.syncer = new LogSyncer(commandLog, policy(), this::synced, this::syncFailed);
        syncer.durationListener = fsyncListener;
        syncer.groupCommitMicros(groupCommitMicros);
        commandLog.setReadersSeeUnsynced(policy() != LogSyncer.Policy.ALWAYS);
        commandLog.setPreallocation(policy() == LogSyncer.Policy.ALWAYS);
        syncer.start();
    }

    private LongConsumer fsyncListener = us -> { };

    /**
     * Sets who is told the duration (µs) of each fsync of the log, on the sync thread: it must
     * only hand the number on. Before {@link #start}.
     */
    public void setFsyncListener(LongConsumer microsListener) {
        this.fsyncListener = microsListener;
    }

    public CommandLog commandLog() {
        return commandLog;
    }

    /** While replaying the log at start, propagated writes are not appended again. Before {@link #start}. */
    void replaying(boolean on) {
        this.replaying = on;
    }

    private LogSyncer.Policy policy() {
        if (!appendonly) {
            return LogSyncer.Policy.NO;
        }
        return switch (appendfsync) {
            case "always" -> LogSyncer.Policy.ALWAYS;
            case "everysec" -> LogSyncer.Policy.EVERYSEC;
            default -> LogSyncer.Policy.NO;
        };
    }

    /**
     * Applies {@code appendonly}, {@code appendfsync}, {@code log-group-commit-us} and the
     * retention settings (at start and after CONFIG SET).
     */
    public void configure(boolean appendonly, String appendfsync, long groupCommitMicros, long retentionHours,
                          long retentionBytes) {
        this.appendonly = appendonly;
        this.appendfsync = appendfsync;
        this.groupCommitMicros = groupCommitMicros;
        this.retentionHours = retentionHours;
        this.retentionBytes = retentionBytes;
        if (syncer != null) {
            syncer.groupCommitMicros(groupCommitMicros);
            syncer.policy(policy());
            commandLog.setReadersSeeUnsynced(policy() != LogSyncer.Policy.ALWAYS);
            // Zero-filling ahead makes the fsyncs replies wait for cheaper; without such replies
            // it would only write every byte twice (a replica catching up paid ~15% of its CPU).
            commandLog.setPreallocation(policy() == LogSyncer.Policy.ALWAYS);
            if (policy() == LogSyncer.Policy.ALWAYS) {
                syncer.request();
            }
        }
    }

    /** Who is told that readers may see more of the log: the replication and change-feed links. */
    public interface GrowthListener {
        /** The log grew or became durable further. Any thread. */
        void grew();

        /**
         * The engine has just appended {@code length} bytes of {@code array} at log offset
         * {@code offset}, and readers may see them (not under {@code always}, where they wait for
         * the fsync and {@link #grew} follows it). The array is reused after the call. Engine thread.
         */
        default void appended(long offset, byte[] array, int length) {
            grew();
        }
    }

    private volatile GrowthListener growthListener = () -> { };

    /** Sets who is told when the log grows or becomes durable further: replicas send the new bytes. */
    public void setGrowthListener(GrowthListener listener) {
        this.growthListener = listener;
    }

    // ------------------------------------------------------------------ the engine's write stream

    /**
     * The stream's end offset including the batch being built: where the last write executed so
     * far ends (a client's {@code woff} for WAIT). Engine thread.
     */
    public long streamEnd() {
        return commandLog.endOffset() + batch.size() + rawBytes;
    }

    /**
     * Appends replication plumbing to the stream as it is (a keep-alive {@code PING}, {@code
     * REPLCONF GETACK}): no {@code SELECT} before it and no keyspace change. Engine thread.
     */
    public void appendPlumbing(byte[][] argv) {
        if (replicating) {
            return; // a replica's stream is its master's, PINGs included
        }
        batch.add(argv, engine.propagator().streamDb());
    }

    @Override
    public void append(byte[][] argv) {
        if (replaying || replicating) {
            return;
        }
        batch.add(argv, engine.propagator().streamDb());
    }

    /**
     * Switches replica mode on or off. While on, what the engine propagates is dropped and the
     * log takes only the master's bytes through {@link #appendRaw}, so a replica's log equals its
     * master's byte for byte and its offsets are the master's (the master's stream already holds
     * every write the replica applies, in the master's words). Turning it off (promotion) makes
     * the next write of this server's own select its database first. Engine thread.
     */
    public void replicating(boolean on) {
        this.replicating = on;
        if (!on && engine != null) {
            engine.propagator().forgetSelectedDb();
        }
    }

    public boolean replicating() {
        return replicating;
    }

    /**
     * Appends {@code len} bytes of the master's stream holding {@code commandCount} whole commands
     * to the iteration's batch. The caller hands a transaction only whole ({@code MULTI} through
     * {@code EXEC} in one call, or in calls within one iteration), so a batch never ends inside
     * one, as the log's recovery requires. Engine thread, in replica mode.
     *
     * @param streamDb    the database the master's stream has selected before the first byte
     * @param transaction whether the bytes hold a {@code MULTI}
     */
    public void appendRaw(byte[] bytes, int off, int len, int commandCount, int streamDb, boolean transaction) {
        appendRaw(io.netty.buffer.Unpooled.wrappedBuffer(bytes, off, len), commandCount, streamDb, transaction);
    }

    /**
     * Adds {@code bytes}, {@code commandCount} whole commands of the master's stream, to the
     * iteration's batch without copying them: the writer takes over the buffer (releases it once
     * written), and {@link #afterIteration} writes all the iteration's buffers as one batch,
     * straight from them (see {@link CommandLog#appendRaw}), so the bytes a replica receives reach
     * the file with no copy in user space. The caller hands a transaction only whole. Engine
     * thread, in replica mode (what the engine propagates is dropped then, so no built batch
     * competes).
     *
     * @param streamDb    the database the master's stream has selected before the first byte
     * @param transaction whether the bytes hold a {@code MULTI}
     */
    public void appendRaw(io.netty.buffer.ByteBuf bytes, int commandCount, int streamDb, boolean transaction) {
        if (rawBuffers.isEmpty()) {
            rawStartDb = streamDb;
        }
        rawBuffers.add(bytes);
        rawBytes += bytes.readableBytes();
        rawCommands += commandCount;
        rawTransaction |= transaction;
    }

    /** The iteration's stream bytes from the master ({@link #appendRaw}), not yet written. Engine thread. */
    private final java.util.ArrayList<io.netty.buffer.ByteBuf> rawBuffers = new java.util.ArrayList<>();
    private long rawBytes;
    private int rawCommands;
    private int rawStartDb;
    private boolean rawTransaction;

    /** Writes the iteration's stream bytes as one batch and lets go of their buffers. */
    private void writeRaw(long now) {
        java.nio.ByteBuffer[] parts = new java.nio.ByteBuffer[rawBuffers.size()];
        for (int i = 0; i < parts.length; i++) {
            io.netty.buffer.ByteBuf b = rawBuffers.get(i);
            parts[i] = b.nioBuffer(b.readerIndex(), b.readableBytes());
        }
        try {
            commandLog.appendRaw(parts, rawCommands, rawStartDb, rawTransaction ? io.relog.log.BatchEntry.TRANSACTION : 0,
                    now);
        } catch (IOException e) {
            writeFailed(e); // the log kept a copy of what is not written yet
        } finally {
            releaseRaw();
        }
    }

    private void releaseRaw() {
        for (io.netty.buffer.ByteBuf b : rawBuffers) {
            b.release();
        }
        rawBuffers.clear();
        rawBytes = 0;
        rawCommands = 0;
        rawTransaction = false;
    }

    /**
     * Discards the log and restarts it empty at {@code offset} (a replica's full sync; see
     * {@link CommandLog#reset}). Replies held for the old log's durability are released: what
     * they waited for is gone. Engine thread, between iterations.
     */
    public void resetLog(long offset) throws IOException {
        batch.clear();
        releaseRaw();
        commandLog.reset(offset);
        writeFailure = null;
        durableOffset = offset;
        updateDenial();
        releaseReplies.accept(Long.MAX_VALUE);
    }

    /**
     * Ends the iteration: appends its batch to the log (page cache) and wakes the syncer. Runs
     * after the iteration's commands and before its replies are released.
     */
    public void afterIteration() {
        boolean raw = !rawBuffers.isEmpty();
        appendedThisIteration = raw || !batch.isEmpty();
        if (raw) {
            long start = System.nanoTime();
            long writtenBefore = commandLog.writtenOffset();
            writeRaw(System.currentTimeMillis());
            appends++;
            appendNanos += System.nanoTime() - start;
            appendedBytes += commandLog.writtenOffset() - writtenBefore;
            if (batch.isEmpty()) {
                afterAppend();
                return;
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        long start = System.nanoTime();
        long writtenBefore = commandLog.writtenOffset();
        long offset = commandLog.endOffset();
        boolean told = false;
        try {
            commandLog.append(batch, now);
            if (syncer.policy() != LogSyncer.Policy.ALWAYS) {
                growthListener.appended(offset, batch.array(), batch.size());
                told = true;
            }
        } catch (IOException e) {
            writeFailed(e);
        } finally {
            batch.clear();
        }
        appends++;
        appendNanos += System.nanoTime() - start;
        appendedBytes += commandLog.writtenOffset() - writtenBefore;
        afterAppend(told);
    }

    private void afterAppend() {
        afterAppend(false);
    }

    /**
     * After batches were appended: roll errors reported, the syncer or the readers told
     * ({@code told}: the readers were already handed the batch, {@link GrowthListener#appended}).
     */
    private void afterAppend(boolean told) {
        if (commandLog.activeSegmentEmpty() && !replicating) {
            engine.propagator().forgetSelectedDb(); // a new segment begins with a SELECT
        }
        IOException rollError = commandLog.rollError();
        if (rollError != reportedRollError) {
            reportedRollError = rollError;
            if (rollError != null) {
                log.warn("Cannot start a new log segment ({}); the current one grows past log-segment-bytes",
                        reason(rollError));
            }
        }
        if (syncer.policy() == LogSyncer.Policy.ALWAYS) {
            syncer.request();
        } else if (!told) {
            growthListener.grew();
        }
    }

    /**
     * The offset the replies of the iteration just run must wait for, or -1: under {@code always},
     * the log end while anything executed is not yet durable (so also a read that may have seen
     * an unsynced write waits, as in Redis).
     */
    public long holdRepliesUntil() {
        boolean appended = appendedThisIteration;
        appendedThisIteration = false;
        if (syncer.policy() != LogSyncer.Policy.ALWAYS) {
            return -1;
        }
        long end = commandLog.endOffset();
        if (durableOffset >= end) {
            return -1;
        }
        if (!appended && (writeFailure != null || syncFailure != null)) {
            // The log cannot be written: writes are refused (MISCONF), and an iteration that wrote
            // nothing (reads, the MISCONF errors themselves) is answered rather than held until the
            // disk recovers. Its reads may show the writes still waiting for the disk: availability
            // of reads is what Redis offers during MISCONF too.
            return -1;
        }
        return end;
    }

    /** Syncer thread: the log is durable up to {@code offset}; hands the release to the engine thread. */
    private void synced(long offset) {
        durableOffset = offset;
        if (syncer.policy() == LogSyncer.Policy.ALWAYS) {
            growthListener.grew(); // readers see only durable bytes
        }
        if (syncFailure != null) {
            syncFailure = null;
            engineThread.execute(this::updateDenial);
        }
        if (releaseScheduled.compareAndSet(false, true)) {
            engineThread.execute(() -> {
                releaseScheduled.set(false);
                releaseReplies.accept(durableOffset);
            });
        }
    }

    /** Syncer thread: an fsync failed. */
    private void syncFailed(IOException e) {
        syncFailure = e;
        engineThread.execute(this::updateDenial);
    }

    private void writeFailed(IOException e) {
        if (writeFailure == null) {
            log.warn("Error writing to the log: {}", reason(e));
        }
        writeFailure = e;
        lastRetryMs = System.currentTimeMillis();
        updateDenial();
    }

    private void updateDenial() {
        IOException e = writeFailure != null ? writeFailure : syncFailure;
        String before = engine.writeDenial();
        String now = e != null ? MISCONF + reason(e) : snapshotDenial;
        engine.setWriteDenial(now);
        if (before != null && before.startsWith(MISCONF) && e == null) {
            log.warn("AOF write error looks solved, Relog can write again.");
        }
    }

    /** Refuses writes with {@code denial} because snapshots fail, or stops doing so ({@code null}). Engine thread. */
    public void snapshotDenial(String denial) {
        this.snapshotDenial = denial;
        if (engine != null) {
            updateDenial();
        }
    }

    /** Restore needs the log from {@code offset} on (the newest snapshot): retention may delete below it. */
    public void restoreFloor(long offset) {
        this.restoreFloor = offset;
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        // FileChannel reports "No space left on device" plainly; strip a path prefix if any.
        int colon = m.lastIndexOf(": ");
        return colon >= 0 && m.startsWith("/") ? m.substring(colon + 2) : m;
    }

    // ------------------------------------------------------------------------------ housekeeping

    /** Server cron: retries failed writes once a second, rolls by age, applies retention, writes an index lagging 1 s. */
    public void cron() {
        long now = System.currentTimeMillis();
        if (writeFailure != null && now - lastRetryMs >= 1000) {
            lastRetryMs = now;
            if (commandLog.retryWrites(now)) {
                writeFailure = null;
                updateDenial();
                if (syncer.policy() == LogSyncer.Policy.ALWAYS) {
                    syncer.request();
                }
            } else {
                writeFailure = commandLog.writeError();
            }
        }
        if (writeFailure == null && commandLog.maybeRoll(now) && !replicating) {
            engine.propagator().forgetSelectedDb();
        }
        if (now - lastRetentionMs >= 1000) {
            lastRetentionMs = now;
            applyRetention(now);
        }
        if (writeFailure == null) {
            try {
                // Tools reading the files (relog tail --dir) see every batch's time within a second.
                commandLog.flushIndexIfOlderThan(now, 1000);
            } catch (IOException e) {
                // The index lags; recovery rebuilds it, and the next append tries again.
            }
        }
    }

    private void applyRetention(long now) {
        long retentionMs = retentionHours < 0 ? -1 : TimeUnit.HOURS.toMillis(retentionHours);
        if (retentionMs < 0 && retentionBytes < 0) {
            return;
        }
        // Restore starts from the newest snapshot: nothing at or above its offset may go; without one, nothing.
        long keepFrom = restoreFloor < 0 ? commandLog.startOffset() : restoreFloor;
        try {
            List<Path> deleted = commandLog.deleteSegments(now, retentionMs, retentionBytes, keepFrom);
            for (Path p : deleted) {
                log.info("Deleted log segment {} (retention)", p.getFileName());
            }
        } catch (IOException e) {
            log.warn("Could not delete log segments: {}", e.getMessage());
        }
    }

    // ------------------------------------------------------------------------------------ INFO

    /** Whether the last write and fsync succeeded (INFO aof_last_write_status). */
    public boolean lastWriteOk() {
        return writeFailure == null && syncFailure == null;
    }

    // Append counters for the metrics endpoint (engine thread).
    private long appends;
    private long appendNanos;
    private long appendedBytes;

    /** Batches appended to the log since start (one per loop iteration that wrote). Engine thread. */
    public long appends() {
        return appends;
    }

    /** Time those appends took (write into the page cache), in nanoseconds. Engine thread. */
    public long appendNanos() {
        return appendNanos;
    }

    /** Bytes those appends wrote to the segment files. Engine thread. */
    public long appendedBytes() {
        return appendedBytes;
    }

    /** Bytes executed but not yet written to the files (INFO aof_buffer_length). */
    public long unwrittenBytes() {
        return commandLog.endOffset() - commandLog.writtenOffset();
    }

    public long lastFsyncMs() {
        return syncer == null ? 0 : syncer.lastSyncMs();
    }

    public long lastFsyncMicros() {
        return syncer == null ? 0 : syncer.lastSyncMicros();
    }

    public long fsyncs() {
        return syncer == null ? 0 : syncer.syncs();
    }

    public long fsyncMicrosTotal() {
        return syncer == null ? 0 : syncer.syncMicrosTotal();
    }

    public boolean fsyncInProgress() {
        return syncer != null && syncer.inProgress();
    }

    /**
     * Stops the syncer and closes the log (which fsyncs what is written). After the engine
     * stopped; any thread.
     */
    public void close() throws IOException {
        releaseRaw(); // only if the engine stopped inside an iteration: its end never came
        if (syncer != null) {
            try {
                syncer.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        commandLog.close();
    }
}
