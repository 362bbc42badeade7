package io.relog.frontend.persistence;

import io.relog.log.CommandLog;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that fsyncs the log, so the engine thread never does. Under {@code always} it
 * syncs whenever asked ({@link #request}), as soon as the previous sync ends: everything written
 * meanwhile is covered by one fsync (group commit). Under {@code everysec} it syncs once a
 * second; under {@code no} never. After each sync it reports the durable offset
 * ({@code onSynced}); after a failure it reports it ({@code onFailure}) and retries every second;
 * the log rewrites what the failed fsync may have lost before it fsyncs again (see
 * {@link CommandLog}). When that is impossible ({@link io.relog.log.LogNotDurableException})
 * every retry fails the same way, and the writes stay refused until the server restarts.
 *
 * <p><b>Group commit interval</b> ({@code log-group-commit-us}, default 0: off). Under
 * {@code always} and many writers, syncing back to back makes each fsync cover only what arrived
 * during the previous one: with 50 clients at -P 1 on 2 cores, 7 writes per fsync, and each fsync
 * (the system call, the journal commit, the wake-ups around it) costs CPU that the engine and
 * the clients need. With an interval set, when other writes arrived while the previous fsync
 * ran, the next one starts no sooner than the interval after the previous one started, and
 * covers everything that arrived meanwhile, as MySQL's {@code binlog_group_commit_sync_delay}
 * does. A lone client writing in sequence never waits: nothing else asks while its fsync runs.
 * It is a trade (measured in README): more throughput with many writers, but a few concurrent
 * writers each wait for the interval, so it is not on by default.
 */
final class LogSyncer implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(LogSyncer.class);

    enum Policy { ALWAYS, EVERYSEC, NO }

    private final CommandLog commandLog;
    private final LongConsumer onSynced;
    private final java.util.function.Consumer<IOException> onFailure;
    private final Thread thread;
    private volatile Policy policy;
    private volatile boolean requested;
    private volatile boolean running = true;
    private volatile boolean parked;
    private volatile boolean failing;
    /** {@code log-group-commit-us}, in nanoseconds. */
    private volatile long groupCommitNanos;
    /** Iterations that asked for a sync ({@link #request}) since the last sync started. */
    private final AtomicInteger asked = new AtomicInteger();
    // Syncer thread only: when the last sync started, and whether writes arrived while it ran.
    private long lastStartNanos;
    private boolean askedDuringLast;
    /** The log's {@link io.relog.log.LogNotDurableException} was logged (it is final: logged once). */
    private boolean reportedFinal;

    // Statistics (written by the syncer thread, read by INFO).
    private volatile long lastSyncMs;
    private volatile long lastSyncNanos;
    private volatile long syncs;
    private volatile long syncNanosTotal;
    private volatile boolean inProgress;

    LogSyncer(CommandLog commandLog, Policy policy, LongConsumer onSynced,
            java.util.function.Consumer<IOException> onFailure) {
        this.commandLog = commandLog;
        this.policy = policy;
        this.onSynced = onSynced;
        this.onFailure = onFailure;
        this.thread = new Thread(this, "relog-log-sync");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void policy(Policy p) {
        this.policy = p;
        LockSupport.unpark(thread);
    }

    Policy policy() {
        return policy;
    }

    /**
     * The least time between the starts of two fsyncs under {@code always} when writes arrived
     * while the earlier one ran ({@code log-group-commit-us}); 0 syncs back to back. Any thread.
     */
    void groupCommitMicros(long micros) {
        groupCommitNanos = TimeUnit.MICROSECONDS.toNanos(micros);
        LockSupport.unpark(thread);
    }

    /**
     * Asks for a sync of what is written now (under {@code always}); called once per engine
     * iteration that appended. Any thread; cheap when a sync is already asked for.
     */
    void request() {
        asked.incrementAndGet();
        if (!requested) {
            requested = true;
            if (parked) {
                LockSupport.unpark(thread);
            }
        }
    }

    /** Told the duration (µs) of every fsync that made progress, on this thread (the LATENCY monitor's log-fsync). */
    volatile LongConsumer durationListener = us -> { };

    long lastSyncMs() {
        return lastSyncMs;
    }

    long lastSyncMicros() {
        return lastSyncNanos / 1000;
    }

    long syncs() {
        return syncs;
    }

    /** Time spent in fsyncs that made progress, in microseconds. */
    long syncMicrosTotal() {
        return syncNanosTotal / 1000;
    }

    boolean inProgress() {
        return inProgress;
    }

    @Override
    public void run() {
        long nextPeriodic = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (running) {
            Policy p = policy;
            long now = System.nanoTime();
            boolean due = now - nextPeriodic >= 0;
            boolean want = failing ? due // after a failure, retry once a second
                    : (p == Policy.ALWAYS && requested) || (p == Policy.EVERYSEC && due);
            if (!want) {
                if (due) {
                    nextPeriodic = now + TimeUnit.SECONDS.toNanos(1);
                }
                parked = true;
                if (running && !(p == Policy.ALWAYS && requested && !failing)) {
                    LockSupport.parkNanos(this, Math.max(1000, nextPeriodic - System.nanoTime()));
                }
                parked = false;
                continue;
            }
            if (p == Policy.ALWAYS && !failing && askedDuringLast) {
                long wait = lastStartNanos + groupCommitNanos - now;
                if (wait > 0) {
                    // Gather the writes of the other clients (see the class comment).
                    LockSupport.parkNanos(this, wait);
                    continue; // re-checked: a stop or a policy change unparks this thread
                }
            }
            if (due) {
                nextPeriodic = now + TimeUnit.SECONDS.toNanos(1);
            }
            requested = false;
            lastStartNanos = System.nanoTime();
            asked.set(0);
            syncOnce();
            askedDuringLast = asked.get() > 0;
        }
    }

    private void syncOnce() {
        long start = System.nanoTime();
        inProgress = true;
        try {
            long before = commandLog.syncedOffset();
            long synced = commandLog.sync();
            if (synced > before) {
                lastSyncNanos = System.nanoTime() - start;
                lastSyncMs = System.currentTimeMillis();
                syncs++;
                syncNanosTotal += lastSyncNanos;
                durationListener.accept(lastSyncNanos / 1000);
            }
            if (failing) {
                failing = false;
                log.warn("fsync of the log succeeds again");
            }
            onSynced.accept(synced);
        } catch (io.relog.log.LogNotDurableException e) {
            if (!reportedFinal) {
                log.error("Log fsync failed and cannot be retried: {}", e.getMessage());
                reportedFinal = true;
            }
            failing = true;
            onFailure.accept(e);
        } catch (IOException e) {
            if (!failing) {
                log.warn("Error fsyncing the log: {}", e.getMessage());
            }
            failing = true;
            onFailure.accept(e);
        } catch (RuntimeException e) {
            log.error("Log sync failed", e);
            failing = true;
        } finally {
            inProgress = false;
        }
    }

    /** Stops the thread and waits for it. */
    void stop() throws InterruptedException {
        running = false;
        LockSupport.unpark(thread);
        thread.join(10_000);
    }
}
