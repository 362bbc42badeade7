package io.relog.tools.tail;

import io.relog.log.BatchEntry;
import io.relog.log.OffsetOutOfRangeException;
import io.relog.log.ReadOnlyLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the change feed from a data directory through {@link ReadOnlyLog}: offline, read-only,
 * safe while a server writes, rolls and trims the same log.
 *
 * <p>It gives the same events as the server for the same range: the database and transaction
 * state at the start come from parsing the start's batch from its first byte, the times from the
 * index. One difference is waited out rather than printed: the newest batches of a running
 * server may not be in the {@code .idx} file yet (the server writes its index behind the log, at
 * most a second behind when idle), and the view then shows them re-parsed with an estimated time.
 * Before printing such a unit the source re-reads the directory for up to
 * {@link #INDEX_WAIT_MS} until the index has it; a log whose index never comes (a crashed
 * server's tail) is printed with the estimate, as the server itself would report it after
 * recovery.
 */
final class DirectorySource implements EventSource {

    /** How long a re-parsed unit at the tail waits for its index entry. */
    static final long INDEX_WAIT_MS = 2500;
    /** How often a follow re-reads the directory when there is nothing new. */
    static final long POLL_MS = 20;

    private final ReadOnlyLog log;

    private DirectorySource(ReadOnlyLog log) {
        this.log = log;
    }

    /** Opens the log of data directory {@code dataDir} ({@code <dataDir>/log}). */
    static DirectorySource open(Path dataDir) throws IOException {
        Path logDir = dataDir.resolve("log");
        if (!Files.isDirectory(logDir)) {
            throw new TailException(dataDir + " is not a Relog data directory (no log/ in it)");
        }
        return new DirectorySource(ReadOnlyLog.open(logDir));
    }

    @Override
    public long earliest() throws IOException {
        log.refresh();
        return log.startOffset();
    }

    @Override
    public long latest() throws IOException {
        log.refresh();
        return log.endOffset();
    }

    /**
     * The first batch at or after {@code unixMs}, by the index: re-parsed units at the tail carry
     * estimated times, so their index entries are waited for first (up to {@link #INDEX_WAIT_MS}).
     */
    @Override
    public long offsetForTime(long unixMs) throws IOException {
        log.refresh();
        long deadline = System.currentTimeMillis() + INDEX_WAIT_MS;
        while (unindexedFrom() != Long.MAX_VALUE && System.currentTimeMillis() < deadline) {
            sleep();
            log.refresh();
        }
        return log.offsetForTimestamp(unixMs);
    }

    @Override
    public void stream(long from, long to, EventConsumer consumer) throws IOException {
        log.refresh();
        check(from);
        StreamTracker tracker = new StreamTracker(-1, startTransaction(from));
        long next = from;
        boolean first = true;
        long acceptUntil = -1; // re-parsed units below this are printed with their estimated time
        long waitStart = -1;
        while (to < 0 || next < to) {
            Visitor v = new Visitor(tracker, consumer, Math.max(unindexedFrom(), acceptUntil));
            long reached;
            try {
                reached = log.scan(next, to, v);
            } catch (OffsetOutOfRangeException e) {
                throw trimmed(next);
            }
            if (first && v.firstOffset >= 0) {
                if (v.firstOffset != from) {
                    throw new TailException("offset " + from + " is not at a command boundary");
                }
                first = false;
            }
            if (v.stoppedAt >= 0) {
                // A unit the server has not indexed yet: give its index a moment to catch up.
                next = v.stoppedAt;
                long now = System.currentTimeMillis();
                if (waitStart < 0) {
                    waitStart = now;
                }
                if (now - waitStart >= INDEX_WAIT_MS) {
                    acceptUntil = log.endOffset(); // no index is coming (a crashed server's tail)
                    waitStart = -1;
                    continue;
                }
                consumer.idle();
                sleep();
                refreshAt(next);
                continue;
            }
            waitStart = -1;
            next = reached;
            if (to >= 0 && next >= to) {
                break;
            }
            consumer.idle(); // all there is now: wait for more
            sleep();
            refreshAt(next);
        }
        consumer.idle();
    }

    /** Where the units of the last segment that are not in its {@code .idx} yet start (re-parsed by the view). */
    private long unindexedFrom() {
        var segments = log.segments();
        if (segments.isEmpty()) {
            return Long.MAX_VALUE;
        }
        ReadOnlyLog.Segment last = segments.get(segments.size() - 1);
        if (last.indexedBatches() == last.batches()) {
            return Long.MAX_VALUE;
        }
        return last.indexedBatches() == 0 ? last.baseOffset()
                : log.batches(last.baseOffset()).get(last.indexedBatches() - 1).endOffset();
    }

    @Override
    public void close() {
        log.close();
    }

    /** Re-reads the directory; the position must still be retained. */
    private void refreshAt(long next) throws IOException {
        log.refresh();
        if (next < log.startOffset()) {
            throw trimmed(next);
        }
    }

    private TailException trimmed(long offset) {
        return new TailException("offset " + offset + " is no longer retained; the earliest available offset is "
                + log.startOffset());
    }

    private void check(long from) {
        if (from < log.startOffset()) {
            throw trimmed(from);
        }
        if (from > log.endOffset()) {
            throw new TailException("offset " + from + " is beyond the log end offset " + log.endOffset());
        }
    }

    /** The offset of the MULTI whose transaction {@code from} lies in, or -1. */
    private long startTransaction(long from) throws IOException {
        BatchEntry b = log.batchAt(from);
        if (b == null || b.offset() == from) {
            return -1;
        }
        long[] multi = {-1};
        log.scan(b.offset(), from, c -> {
            if (c.is("multi")) {
                multi[0] = c.offset();
            } else if (c.is("exec") || c.is("discard")) {
                multi[0] = -1;
            }
            return true;
        });
        return multi[0];
    }

    private static void sleep() throws IOException {
        try {
            Thread.sleep(POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
    }

    /** Turns the view's commands into events; stops at the first unit not indexed yet. */
    private static final class Visitor implements ReadOnlyLog.CommandVisitor {
        private final StreamTracker tracker;
        private final EventConsumer consumer;
        private final long stopFrom;
        long firstOffset = -1;
        long stoppedAt = -1;

        /** @param stopFrom offset from which commands are not printed yet (not indexed) */
        Visitor(StreamTracker tracker, EventConsumer consumer, long stopFrom) {
            this.tracker = tracker;
            this.consumer = consumer;
            this.stopFrom = stopFrom;
        }

        @Override
        public boolean command(ReadOnlyLog.Command c) throws IOException {
            if (firstOffset < 0) {
                firstOffset = c.offset();
            }
            if (c.offset() >= stopFrom) {
                stoppedAt = c.offset();
                return false;
            }
            tracker.batchStart(c.db(), tracker.tx());
            consumer.event(tracker.next(c.argv(), c.offset(), c.nextOffset(), c.timestampMs()));
            return true;
        }
    }
}
