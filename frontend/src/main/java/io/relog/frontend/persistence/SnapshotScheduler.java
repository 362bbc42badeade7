package io.relog.frontend.persistence;

import io.relog.engine.Engine;
import io.relog.engine.keyspace.Database;
import io.relog.log.CommandLog;
import io.relog.log.ReplicationHistory;
import io.relog.snapshot.SnapshotFiles;
import io.relog.snapshot.rdb.RdbAux;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When snapshots are taken, and what happens around them: {@code save} rules, {@code BGSAVE},
 * {@code SAVE}, growth of the log since the last snapshot, and the state {@code INFO persistence}
 * reports.
 *
 * <p><b>Why no fork.</b> A snapshot is written from {@link Engine#freeze()}, an O(1) frozen view
 * of every database, on the snapshot thread while the engine goes on writing. The freeze happens
 * at a batch boundary — in the after-iteration hook that runs once the iteration's batch is in the
 * log — so the snapshot holds exactly the writes below the log's end offset at that moment, which
 * becomes its {@code repl-offset} and its file name. Before the file is renamed into place the
 * log is fsynced up to that offset, so a restart always finds the log covering its snapshot.
 *
 * <p><b>Memory.</b> What the live keyspace shares with the view costs nothing; a write copies the
 * path it changes, and what it replaces stays alive for the view. The writer consumes the view as
 * it goes ({@link SnapshotFiles#writeConsuming}), so only the part not yet written is held: a
 * value overwritten behind the writer is garbage at once. INFO's {@code rdb_last_cow_size} reports
 * the copies (see {@link io.relog.engine.keyspace.EditToken}).
 *
 * <p>Engine thread, except the write itself.
 */
public final class SnapshotScheduler {

    private static final Logger log = LoggerFactory.getLogger(SnapshotScheduler.class);
    private static final long RETRY_DELAY_MS = 5_000; // as Redis' CONFIG_BGSAVE_RETRY_DELAY

    /** A snapshot finished: its offset, or the failure. */
    private record Outcome(long offset, long bytes, IOException failure) {
    }

    /** Path of the last snapshot written by the snapshot thread (read after its outcome is handed over). */
    private volatile java.nio.file.Path lastWritten;

    private final Engine engine;
    private final CommandLog commandLog;
    private final SnapshotFiles files;
    private final Supplier<ReplicationHistory> history;
    private final LogWriter writer;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "relog-snapshot");
        t.setDaemon(true);
        return t;
    });
    private Executor engineThread;

    private List<long[]> saveRules = List.of();
    private long growthPercent = 100;
    private long growthMinBytes = 64L * 1024 * 1024;
    private boolean stopWritesOnError = true;

    private boolean requested;
    private boolean scheduled;
    private boolean inProgress;
    private long startedMs;
    private long dirtyAtFreeze;
    private long lastSaveSec;
    private long lastTryMs;
    private boolean lastOk = true;
    private long lastDurationSec = -1;
    private long saves;
    private long lastOffset = -1;
    /** Memory the last background snapshot's frozen view kept alive beyond the live data (INFO rdb_last_cow_size). */
    private long lastRetainedBytes;
    private volatile long keySaveDelayMicros;
    private long lastBytes;
    private java.nio.file.Path lastPath;
    private final List<Runnable> afterNext = new ArrayList<>();

    public SnapshotScheduler(Engine engine, CommandLog commandLog, SnapshotFiles files,
            Supplier<ReplicationHistory> history, LogWriter writer, long startTimeSec) {
        this.engine = engine;
        this.commandLog = commandLog;
        this.files = files;
        this.history = history;
        this.writer = writer;
        this.lastSaveSec = startTimeSec;
    }

    /** The engine thread's executor, for reporting a finished snapshot. Before the first snapshot. */
    public void start(Executor engineThread) {
        this.engineThread = engineThread;
    }

    /**
     * Applies the settings (at start and after CONFIG SET).
     *
     * @param rules              {@code save} as (seconds, changes) pairs; empty: no automatic snapshots
     * @param growthPercent      {@code snapshot-log-growth-percent}; 0 disables
     * @param growthMinBytes     {@code snapshot-log-growth-min-size}
     * @param stopWritesOnError  {@code stop-writes-on-bgsave-error}
     */
    public void configure(List<long[]> rules, long growthPercent, long growthMinBytes, boolean stopWritesOnError) {
        this.saveRules = List.copyOf(rules);
        this.growthPercent = growthPercent;
        this.growthMinBytes = growthMinBytes;
        this.stopWritesOnError = stopWritesOnError;
        writer.snapshotDenial(snapshotDenial());
    }

    /** {@code rdb-save-incremental-fsync}: see {@link SnapshotFiles#setIncrementalSync}. Any thread. */
    public void incrementalSync(boolean on) {
        files.setIncrementalSync(on);
    }

    /**
     * {@code rdb-key-save-delay}: microseconds a background snapshot pauses after each key, as in
     * Redis, where tests use it to keep a snapshot running while they write. 0: none.
     */
    public void keySaveDelayMicros(long micros) {
        this.keySaveDelayMicros = micros;
    }

    /** The snapshot the last start restored from: the base for log growth and the restore floor. */
    public void restoredFrom(long offset, long bytes, long savedSec) {
        this.lastOffset = offset;
        this.lastBytes = bytes;
        if (savedSec > 0) {
            this.lastSaveSec = savedSec;
        }
        writer.restoreFloor(offset);
    }

    /**
     * Deletes every snapshot (they hold data the full sync replaced, at offsets of the old log) and
     * makes {@code rdb} (the master's, loaded already) the snapshot at {@code offset}: the new
     * log's restore point, which this replica's own replicas can be served. Engine thread, while
     * no snapshot is being written.
     */
    public void adoptFullSync(java.nio.file.Path rdb, long offset) throws IOException {
        if (inProgress) {
            throw new IllegalStateException("a snapshot is being written");
        }
        for (SnapshotFiles.Snapshot old : files.list()) {
            java.nio.file.Files.deleteIfExists(old.path());
        }
        SnapshotFiles.Snapshot s = files.adopt(rdb, offset);
        lastPath = s.path();
        restoredFrom(offset, s.size(), System.currentTimeMillis() / 1000);
    }

    // ------------------------------------------------------------------------------ requests

    /** Whether a background snapshot is being written. */
    public boolean inProgress() {
        return inProgress;
    }

    /**
     * Asks for a background snapshot at the end of this iteration. Returns {@code false} if one is
     * running already (then, with {@code schedule}, it is taken after that one).
     */
    public boolean requestBackground(boolean schedule) {
        if (inProgress || requested) {
            if (schedule) {
                scheduled = true;
            }
            return false;
        }
        requested = true;
        return true;
    }

    /** Runs {@code r} on the engine thread once the next snapshot (or the running one) finished. */
    public void afterNextSnapshot(Runnable r) {
        afterNext.add(r);
    }

    /**
     * Takes a snapshot now, on the calling (engine) thread, as Redis' SAVE blocks. Only between
     * commands when the log holds every write executed so far (after the iteration's batch was
     * appended, or when nothing was written since): callers use it from {@code SHUTDOWN} and
     * {@code SAVE} after flushing the batch through {@link LogWriter#afterIteration()}.
     *
     * @throws IOException if the snapshot could not be written (the previous ones stay)
     */
    public void saveNow() throws IOException {
        Database[] frozen = engine.freeze();
        io.relog.snapshot.rdb.RdbAccessData access = io.relog.snapshot.rdb.RdbAccessData.of(engine);
        long offset = commandLog.endOffset();
        int streamDb = engine.propagator().streamDb();
        long dirty = engine.dirty();
        long start = System.currentTimeMillis();
        try {
            SnapshotFiles.Snapshot s = write(frozen, access, offset, streamDb, start);
            lastPath = s.path();
            succeeded(offset, s.size(), dirty, start);
        } catch (IOException e) {
            failed(e, start);
            throw e;
        }
    }

    // ------------------------------------------------------------------------- the schedule

    /** After-iteration hook (after the log writer's): takes a requested snapshot at this batch boundary. */
    public void afterIteration() {
        if (requested && !inProgress) {
            requested = false;
            startBackground();
        }
    }

    /** Server cron: save rules and log growth. */
    public void cron() {
        if (inProgress || requested) {
            return;
        }
        long nowMs = System.currentTimeMillis();
        long dirty = engine.dirty();
        boolean retryOk = lastOk || nowMs - lastTryMs > RETRY_DELAY_MS;
        for (long[] rule : saveRules) {
            if (dirty >= rule[1] && nowMs / 1000 - lastSaveSec > rule[0] && retryOk) {
                log.info("{} changes in {} seconds. Saving...", rule[1], rule[0]);
                requested = true;
                return;
            }
        }
        long base = lastOffset < 0 ? commandLog.startOffset() : lastOffset;
        long grown = commandLog.endOffset() - base;
        if (growthPercent > 0 && retryOk && grown >= growthMinBytes
                && grown * 100 >= Math.max(lastBytes, 1) * growthPercent) {
            log.info("The log grew by {} bytes since the last snapshot ({}% of its {} bytes). Saving...", grown,
                    lastBytes == 0 ? 100 : grown * 100 / lastBytes, lastBytes);
            requested = true;
        }
    }

    private void startBackground() {
        Database[] frozen = engine.freeze();
        io.relog.snapshot.rdb.RdbAccessData access = io.relog.snapshot.rdb.RdbAccessData.of(engine);
        long offset = commandLog.endOffset();
        int streamDb = engine.propagator().streamDb();
        long dirty = engine.dirty();
        long start = System.currentTimeMillis();
        inProgress = true;
        startedMs = start;
        log.info("Background saving started at log offset {}", offset);
        thread.execute(() -> {
            Outcome o;
            try {
                SnapshotFiles.Snapshot s = write(frozen, access, offset, streamDb, start);
                o = new Outcome(offset, s.size(), null);
                lastWritten = s.path();
            } catch (IOException | RuntimeException e) {
                o = new Outcome(offset, 0, e instanceof IOException io ? io : new IOException(e.toString(), e));
            }
            Outcome done = o;
            engineThread.execute(() -> finished(done, dirty, start));
        });
    }

    /** Writes the snapshot (any thread): the log first fsynced up to its offset, then the RDB file. */
    private SnapshotFiles.Snapshot write(Database[] frozen, io.relog.snapshot.rdb.RdbAccessData access, long offset,
                                         int streamDb, long startMs) throws IOException {
        while (commandLog.syncedOffset() < offset) {
            if (commandLog.writtenOffset() < offset) {
                throw new IOException("the log is not written up to the snapshot's offset " + offset
                        + " (a log write is failing)");
            }
            commandLog.sync();
        }
        ReplicationHistory.Entry id = history.get().current();
        RdbAux aux = new RdbAux(RdbAux.REDIS_VERSION, startMs / 1000,
                Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory(), id.replid(), offset,
                Math.max(0, streamDb), false).withAccess(access);
        return files.writeConsuming(offset, frozen, aux, keySaveDelayMicros);
    }

    private void finished(Outcome o, long dirty, long start) {
        inProgress = false;
        // Read before anything else can freeze again: the tokens handed out by this snapshot's
        // freeze carry what the writes since cost in copies (see EditToken).
        lastRetainedBytes = engine.retainedBytesSinceFreeze();
        if (o.failure() == null) {
            lastPath = lastWritten;
            succeeded(o.offset(), o.bytes(), dirty, start);
            log.info("Background saving terminated with success");
        } else {
            failed(o.failure(), start);
            log.warn("Background saving error: {}", o.failure().getMessage());
        }
        if (scheduled) {
            scheduled = false;
            requested = true;
        }
        List<Runnable> run = new ArrayList<>(afterNext);
        afterNext.clear();
        run.forEach(Runnable::run);
    }

    private void succeeded(long offset, long bytes, long dirtyAtStart, long startMs) {
        long now = System.currentTimeMillis();
        engine.addDirty(-Math.min(dirtyAtStart, engine.dirty()));
        lastSaveSec = now / 1000;
        lastTryMs = now;
        lastOk = true;
        lastDurationSec = (now - startMs) / 1000;
        lastDurationMs = now - startMs;
        saves++;
        lastOffset = offset;
        lastBytes = bytes;
        writer.restoreFloor(offset);
        writer.snapshotDenial(null);
        pruneSnapshots(offset);
    }

    private void failed(IOException e, long startMs) {
        long now = System.currentTimeMillis();
        lastTryMs = now;
        lastOk = false;
        lastDurationSec = (now - startMs) / 1000;
        lastDurationMs = now - startMs;
        writer.snapshotDenial(snapshotDenial());
    }

    /** Keeps the newest snapshot and the one before it (the fallback if the newest is damaged). */
    private void pruneSnapshots(long newest) {
        try {
            List<SnapshotFiles.Snapshot> all = files.list();
            int kept = 0;
            for (int i = all.size() - 1; i >= 0; i--) {
                SnapshotFiles.Snapshot s = all.get(i);
                if (s.offset() > newest) {
                    continue;
                }
                if (++kept > 2) {
                    java.nio.file.Files.deleteIfExists(s.path());
                    log.info("Deleted old snapshot {}", s.path().getFileName());
                }
            }
        } catch (IOException e) {
            log.warn("Could not delete old snapshots: {}", e.getMessage());
        }
    }

    /** The MISCONF text while {@code stop-writes-on-bgsave-error} applies, else {@code null}. */
    private String snapshotDenial() {
        if (stopWritesOnError && !saveRules.isEmpty() && !lastOk) {
            return "MISCONF Relog is configured to save RDB snapshots, but it's currently unable to persist to disk. "
                    + "Commands that may modify the data set are disabled, because this instance is configured to "
                    + "report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). "
                    + "Please check the Relog logs for details about the RDB error.";
        }
        return null;
    }

    // ------------------------------------------------------------------------------------ INFO

    public long lastSaveSec() {
        return lastSaveSec;
    }

    public boolean lastOk() {
        return lastOk;
    }

    public long lastDurationSec() {
        return lastDurationSec;
    }

    /** How long the last snapshot (successful or not) took, in ms; -1 before the first. Engine thread. */
    public long lastDurationMs() {
        return lastDurationMs;
    }

    private long lastDurationMs = -1;

    public long currentDurationSec() {
        return inProgress ? (System.currentTimeMillis() - startedMs) / 1000 : -1;
    }

    public long saves() {
        return saves;
    }

    /** Offset of the newest snapshot, or -1. */
    /**
     * Estimated bytes the frozen view of the last background snapshot kept alive beyond the live
     * data set, read when it finished: Relog's counterpart of Redis' {@code rdb_last_cow_size}
     * (see {@link io.relog.engine.keyspace.EditToken}). 0 for {@code SAVE}, which blocks writes.
     * Engine thread.
     */
    public long lastRetainedBytes() {
        return lastRetainedBytes;
    }

    /** The same estimate for the snapshot in progress, 0 when none is. Engine thread. */
    public long currentRetainedBytes() {
        return inProgress ? engine.retainedBytesSinceFreeze() : 0;
    }

    public long lastOffset() {
        return lastOffset;
    }

    /** The newest snapshot this server wrote, or {@code null}. */
    public java.nio.file.Path lastSnapshotPath() {
        return lastPath;
    }

    public boolean hasSaveRules() {
        return !saveRules.isEmpty();
    }

    /** Stops the snapshot thread, waiting for a snapshot being written. */
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(10, java.util.concurrent.TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
