package io.relog.frontend.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.relog.log.BatchBuilder;
import io.relog.log.CommandLog;
import io.relog.log.LogOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sync thread's group commit interval ({@code log-group-commit-us}) against a real log on
 * disk: while writes keep arriving during fsyncs, fsyncs start no more often than the interval
 * allows; without an interval they run back to back.
 */
class LogSyncerTest {

    @TempDir
    Path dir;

    /**
     * Appends one SET and asks for a sync every 50 us for {@code millis}, as the engine does at
     * the end of each iteration under many writers, so that writes arrive while each fsync runs.
     *
     * @return the elapsed milliseconds
     */
    private static long writeContinuously(CommandLog log, LogSyncer syncer, long millis) throws Exception {
        BatchBuilder b = new BatchBuilder();
        byte[][] argv = {"SET".getBytes(StandardCharsets.US_ASCII), "k".getBytes(StandardCharsets.US_ASCII),
                "v".getBytes(StandardCharsets.US_ASCII)};
        long start = System.nanoTime();
        long end = start + millis * 1_000_000;
        while (System.nanoTime() < end) {
            b.add(argv, 0);
            log.append(b, System.currentTimeMillis());
            b.clear();
            syncer.request();
            LockSupport.parkNanos(50_000);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Runs a syncer under {@code always} with the interval while writes arrive continuously; returns {syncs, elapsed ms}. */
    private long[] run(long intervalMicros) throws Exception {
        CommandLog log = CommandLog.open(dir.resolve("i" + intervalMicros), new LogOptions(64 << 20, 0, false));
        LogSyncer syncer = new LogSyncer(log, LogSyncer.Policy.ALWAYS, offset -> { }, e -> { });
        syncer.groupCommitMicros(intervalMicros);
        syncer.start();
        try {
            long elapsed = writeContinuously(log, syncer, 400);
            long syncs = syncer.syncs();
            syncer.request();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (log.syncedOffset() < log.writtenOffset() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(1_000_000);
            }
            assertThat(log.syncedOffset()).as("everything written is synced in the end").isEqualTo(log.writtenOffset());
            return new long[] {syncs, elapsed};
        } finally {
            syncer.stop();
            log.close();
        }
    }

    @Test
    void busyFsyncsStartNoMoreOftenThanTheInterval() throws Exception {
        long[] r = run(20_000);
        // The first fsync starts at once; every later one waits for 20 ms after its predecessor's start.
        assertThat(r[0]).as("fsyncs in %d ms with a 20 ms interval", r[1]).isBetween(2L, r[1] / 20 + 2);
    }

    @Test
    void withoutAnIntervalFsyncsRunBackToBack() throws Exception {
        long[] r = run(0);
        // An fdatasync of a small append takes well under 10 ms on any disk CI runs on.
        assertThat(r[0]).as("fsyncs in %d ms without an interval", r[1]).isGreaterThan(r[1] / 10);
    }
}
