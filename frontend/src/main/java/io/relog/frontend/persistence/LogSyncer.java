package io.relog.frontend.persistence;

import io.relog.log.CommandLog;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that fsyncs the log, so the engine thread never does. Under {@code always} it
 * syncs whenever asked ({@link #request}), as soon as the previous sync ends: everything written
 * meanwhile is covered by one fsync. Under {@code everysec} it syncs once a second; under
 * {@code no} never. After each sync it reports the durable offset ({@code onSynced}); after a
 * failure it reports it ({@code onFailure}) and retries every second; the log rewrites what the
 * failed fsync may have lost before it fsyncs again (see {@link CommandLog}). When that is
 * impossible ({@link io.relog.log.LogNotDurableException}) every retry fails the same way, and the
 * writes stay refused until the server restarts.
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

    /** Asks for a sync of what is written now (under {@code always}). Any thread; cheap when a sync is already asked for. */
    void request() {
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
            if (due) {
                nextPeriodic = now + TimeUnit.SECONDS.toNanos(1);
            }
            requested = false;
            syncOnce();
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
