package io.relog.log;

import io.relog.log.resp.MalformedCommandException;
import io.relog.log.resp.RespCommands;
import io.relog.log.segment.LogSegment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The segmented command log of one data directory: the replication stream, appended in
 * batches, from {@link #startOffset()} to {@link #endOffset()} (log offsets = Redis replication
 * offsets; see the package documentation).
 *
 * <p><b>Threads.</b> One thread appends ({@link #append}, {@link #maybeRoll}, {@link #retryWrites}:
 * the engine thread). One other thread at a time may {@link #sync}. Readers
 * ({@link #openReader}, {@link #scan}, {@link #offsetForTimestamp}) and the accessors run on any
 * thread. {@link #deleteSegments retention} may run on any thread but the appending one must not
 * be rolling at the same time (call it from the appending thread, or between appends).
 *
 * <p><b>Three ends.</b> {@link #endOffset()} counts every batch appended (what the engine has
 * executed, = {@code master_repl_offset}); {@link #writtenOffset()} the bytes in the files (less
 * than the end only after a failed write, until {@link #retryWrites} succeeds);
 * {@link #syncedOffset()} the bytes known to be on disk.
 *
 * <p><b>When an fsync fails.</b> Linux may mark the pages a failed write-back could not write as
 * clean (and report the error once): fsyncing again would then succeed without those bytes on
 * disk. So a failed fsync leaves the range from {@link #syncedOffset()} to what it was to cover
 * <em>suspect</em>, and the next {@link #sync} first rewrites that range in place from bytes it has
 * checked — each batch read back and compared with the CRC32C of its index entry, then written
 * to the same position, which dirties the pages again — and only then fsyncs; the synced offset
 * advances only after such a sync succeeds. If a batch no longer checks (the page cache lost it
 * and the file now shows other bytes), nothing can put it on disk: {@link #sync} throws
 * {@link LogNotDurableException} from then on and never advances; the process must restart and
 * let recovery check the log. The preallocating thread's fsync also writes back the batches' pages,
 * so it never overlaps a sync's, and marks the same range suspect when it fails.
 */
public final class CommandLog implements AutoCloseable {

    private final Path dir;
    private final LogOptions options;
    private final ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
    private final RecoveryReport recovery;
    private volatile LogSegment active;
    private volatile long startOffset;
    private volatile long endOffset;
    private volatile long writtenOffset;
    private volatile long syncedOffset;
    private volatile boolean readersSeeUnsynced = true;
    private long lastTimestamp;

    /** Batches appended but not (entirely) written after a write failed, oldest first. Appending thread. */
    private final ArrayDeque<Unwritten> unwritten = new ArrayDeque<>();
    private volatile IOException writeError;
    private volatile IOException syncError;
    /**
     * A failed fsync left the bytes from {@link #syncedOffset} up to here of unknown state on
     * disk: the next sync rewrites them first. At or below the synced offset: nothing suspect.
     * Guarded by {@link #syncLock}.
     */
    private long suspectEnd;
    /** Set once a suspect range cannot be verified: the log can no longer be made durable. Guarded by {@link #syncLock}. */
    private volatile LogNotDurableException notDurable;

    private final Object syncLock = new Object();
    /**
     * Held around every fsync of the segment files' data, by {@link #sync} (inside
     * {@link #syncLock}) and by the preallocating thread (alone): the two fsyncs share the file's
     * write-back errors, so they must not overlap, and the preallocator's failure must be seen by
     * the next sync. The appending thread never takes it; {@link #reset} does not wait for a
     * zero-fill fsync that runs while no sync does.
     */
    private final Object forceLock = new Object();
    /** A zero-fill fsync failed: the bytes from the synced offset up to here are suspect. Guarded by {@link #forceLock}. */
    private long zeroFillSuspectEnd;
    /** A segment file was created since the last sync: its directory entry must be fsynced too. */
    private volatile boolean directoryUnsynced = true;
    private final ReentrantLock waitLock = new ReentrantLock();
    private final Condition grown = waitLock.newCondition();
    private volatile int waiters;
    private volatile boolean closed;
    /** Zero-fills the active segment ahead of the writes ({@link LogOptions#preallocate()}), or {@code null}. */
    private final java.util.concurrent.ExecutorService preallocator;
    private final java.util.concurrent.atomic.AtomicBoolean preallocating = new java.util.concurrent.atomic.AtomicBoolean();

    /** A batch not yet written: its entry and all its bytes (a retry writes it again from its start). */
    private record Unwritten(BatchEntry entry, byte[] bytes) {
    }

    private CommandLog(Path dir, LogOptions options, TreeMapHolder recovered) throws IOException {
        this.dir = dir;
        this.options = options;
        this.recovery = recovered.report;
        segments.putAll(recovered.segments);
        if (segments.isEmpty()) {
            LogSegment s = LogSegment.create(dir, recovered.initialOffset);
            segments.put(s.baseOffset(), s);
        }
        this.active = segments.lastEntry().getValue();
        this.startOffset = segments.firstKey();
        this.endOffset = active.endOffset();
        this.writtenOffset = endOffset;
        // The newest entry may be in an earlier segment (the active one is empty right after a roll).
        long lastTs = 0;
        for (LogSegment s : segments.descendingMap().values()) {
            BatchEntry last = s.lastEntry();
            if (last != null) {
                lastTs = last.timestampMs();
                break;
            }
        }
        this.lastTimestamp = lastTs;
        active.force(); // what recovery kept is on disk from here on
        this.syncedOffset = endOffset;
        for (LogSegment s : segments.values()) {
            if (s != active) {
                s.trimPreallocation(); // a crash between a roll and its trim left zeros there
            }
        }
        this.preallocator = options.preallocate() ? java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "relog-log-prealloc");
            t.setDaemon(true);
            return t;
        }) : null;
        maybePreallocate();
    }

    /**
     * Whether the preallocator zero-fills (with {@link LogOptions#preallocate()}): the owner turns
     * it off when no reply waits for an fsync ({@code appendfsync everysec} or {@code no}), where
     * writing every byte twice (zeros, then data) buys nothing anyone waits for.
     */
    private volatile boolean preallocationWanted = true;

    /**
     * Turns zero-filling ahead of the writes on or off (it only ever runs with {@link
     * LogOptions#preallocate()}). Turned off, the space already filled is used up, and cut off at
     * the next roll or close as always. Any thread.
     */
    public void setPreallocation(boolean on) {
        preallocationWanted = on;
        if (on && !closed) {
            maybePreallocate();
        }
    }

    /** Asks the preallocating thread to zero-fill ahead of the active segment's end if it runs low. */
    private void maybePreallocate() {
        if (preallocator == null || !preallocationWanted) {
            return;
        }
        long chunk = options.preallocationChunk();
        if (active.needsPreallocation(chunk) && preallocating.compareAndSet(false, true)) {
            preallocator.execute(() -> {
                try {
                    LogSegment s = active;
                    if (!closed && s.needsPreallocation(chunk)) {
                        s.preallocate(chunk);
                        forceZeroFill(s);
                    }
                } catch (IOException e) {
                    // A full disk: appends extend the file as they go; the next write asks again.
                } finally {
                    preallocating.set(false);
                }
            });
        }
    }

    /**
     * fsyncs the zeros {@link LogSegment#preallocate} wrote. That fsync writes back the batches'
     * dirty pages of the file as well, and the error it reports is not reported again to the next
     * sync; so it runs under {@link #forceLock}, and a failure marks the unsynced range suspect for
     * the next {@link #sync}, exactly as a failed sync does.
     */
    private void forceZeroFill(LogSegment s) {
        synchronized (forceLock) {
            try {
                s.force();
            } catch (java.nio.channels.ClosedChannelException e) {
                // Reset or closed meanwhile: the segment is gone, or closing fsyncs it.
            } catch (IOException e) {
                zeroFillSuspectEnd = Math.max(zeroFillSuspectEnd, writtenOffset);
            }
        }
    }

    private record TreeMapHolder(Map<Long, LogSegment> segments, RecoveryReport report, long initialOffset) {
    }

    /**
     * Opens the log in {@code dir} (created if missing), recovering it as {@link LogRecovery}
     * describes; an empty directory gets a first segment at offset {@code 0}.
     *
     * @throws LogCorruptionException if a batch is corrupt where no torn write explains it and
     *         the options do not allow truncating there
     */
    public static CommandLog open(Path dir, LogOptions options) throws IOException {
        return open(dir, options, 0);
    }

    /** As {@link #open(Path, LogOptions)}; an empty directory's first segment starts at {@code initialOffset}. */
    public static CommandLog open(Path dir, LogOptions options, long initialOffset) throws IOException {
        Files.createDirectories(dir);
        LogRecovery r = new LogRecovery(dir, options);
        Map<Long, LogSegment> segs = r.recover();
        return new CommandLog(dir, options, new TreeMapHolder(segs, r.report(), initialOffset));
    }

    public Path dir() {
        return dir;
    }

    public LogOptions options() {
        return options;
    }

    /** What the open found and repaired. */
    public RecoveryReport recovery() {
        return recovery;
    }

    /** Offset of the first retained byte. */
    public long startOffset() {
        return startOffset;
    }

    /** Offset just past the last appended batch ({@code master_repl_offset}). */
    public long endOffset() {
        return endOffset;
    }

    /** Offset just past the last byte written to a segment file. */
    public long writtenOffset() {
        return writtenOffset;
    }

    /** Offset up to which the segment files are fsynced. */
    public long syncedOffset() {
        return syncedOffset;
    }

    /** The failure that keeps batches unwritten, or {@code null} when every batch is written. */
    public IOException writeError() {
        return writeError;
    }

    /** The last fsync failure, or {@code null} if the last fsync succeeded. */
    public IOException syncError() {
        return syncError;
    }

    /**
     * Why the log can no longer be made durable ({@link #sync} throws it at every call), or
     * {@code null}. Once set, it stays until the process restarts.
     */
    public LogNotDurableException notDurable() {
        return notDurable;
    }

    /** Bytes retained in all segments. */
    public long sizeInBytes() {
        long n = 0;
        for (LogSegment s : segments.values()) {
            n += s.size();
        }
        return n;
    }

    /** Number of segment files. */
    public int segmentCount() {
        return segments.size();
    }

    /** The segments, oldest first (a copy). */
    public List<SegmentInfo> segments() {
        List<SegmentInfo> out = new ArrayList<>();
        for (LogSegment s : segments.values()) {
            out.add(new SegmentInfo(s.baseOffset(), s.endOffset(), s.size(), s.entryCount(), s.firstTimestamp(),
                    s.lastTimestamp(), s.logPath()));
        }
        return out;
    }

    /**
     * A segment as reported.
     *
     * @param baseOffset first offset; @param endOffset offset past its last byte
     */
    public record SegmentInfo(long baseOffset, long endOffset, long bytes, int batches, long firstTimestampMs,
            long lastTimestampMs, Path file) {
    }

    /**
     * Whether {@link #readerLimit()} includes bytes not yet fsynced ({@code true} unless
     * {@code appendfsync always} wants replicas and change-feed readers to see only durable bytes).
     */
    public void setReadersSeeUnsynced(boolean seeUnsynced) {
        this.readersSeeUnsynced = seeUnsynced;
        signal();
    }

    /** The offset readers may read up to (exclusive): the written end, or the synced end. */
    public long readerLimit() {
        return readersSeeUnsynced ? writtenOffset : syncedOffset;
    }

    /** Whether the active segment holds no bytes (just rolled, or new): the next batch should re-select its database. */
    public boolean activeSegmentEmpty() {
        return active.size() == 0;
    }

    // ------------------------------------------------------------------------------ appending

    /**
     * Appends {@code batch} as one batch at {@link #endOffset()}, stamped {@code nowMs} (or the
     * previous batch's time if the clock went back), writes it to the active segment (page cache;
     * no fsync) and rolls the segment when it is full. Appending thread. Does not clear the batch.
     *
     * @return the new end offset
     * @throws IOException if the write failed: the batch is kept and written by
     *         {@link #retryWrites} (the end offset counts it already); while a batch is kept,
     *         later ones queue behind it and this throws the same failure
     */
    public long append(BatchBuilder batch, long nowMs) throws IOException {
        if (batch.isEmpty()) {
            return endOffset;
        }
        if (closed) {
            throw new IOException("log is closed");
        }
        lastTimestamp = Math.max(lastTimestamp, nowMs);
        BatchEntry e = new BatchEntry(endOffset, batch.size(), lastTimestamp, batch.startDb(), batch.commands(),
                batch.flags(), batch.crc());
        endOffset = e.endOffset();
        if (!unwritten.isEmpty()) {
            unwritten.add(new Unwritten(e, java.util.Arrays.copyOf(batch.array(), batch.size())));
            throw writeError;
        }
        write(e, java.nio.ByteBuffer.wrap(batch.array(), 0, batch.size()), nowMs);
        return endOffset;
    }

    /**
     * Appends the remaining bytes of {@code parts}, in order, as one batch at {@link #endOffset()},
     * as {@link #append(BatchBuilder, long)} does with a built batch: for bytes that already are
     * the stream, as a replica receives them from its master, written from the caller's buffers
     * (direct ones go to the file without a copy) with the checksum computed here. Together they
     * must hold whole commands, and a transaction only whole. Appending thread; the buffers'
     * positions are advanced past what was written, and they are not kept after the call.
     *
     * @param commands the number of commands in {@code bytes}
     * @param startDb  the database the stream has selected at the first byte, or -1 if none
     * @param flags    {@link BatchEntry#TRANSACTION} if the bytes hold a {@code MULTI}
     * @return the new end offset
     * @throws IOException as {@link #append(BatchBuilder, long)}
     */
    public long appendRaw(java.nio.ByteBuffer[] parts, int commands, int startDb, int flags, long nowMs)
            throws IOException {
        long length = 0;
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        for (java.nio.ByteBuffer b : parts) {
            length += b.remaining();
            crc.update(b.duplicate());
        }
        if (length == 0) {
            return endOffset;
        }
        if (length > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("batch larger than 2 GiB");
        }
        if (closed) {
            throw new IOException("log is closed");
        }
        lastTimestamp = Math.max(lastTimestamp, nowMs);
        BatchEntry e = new BatchEntry(endOffset, (int) length, lastTimestamp, startDb, commands, flags,
                (int) crc.getValue());
        endOffset = e.endOffset();
        if (!unwritten.isEmpty()) {
            unwritten.add(new Unwritten(e, whole(parts)));
            throw writeError;
        }
        write(e, parts, nowMs);
        return endOffset;
    }

    /** All of {@code parts} from their current positions, in one array (a batch kept for {@link #retryWrites}). */
    private static byte[] whole(java.nio.ByteBuffer... parts) {
        int n = 0;
        for (java.nio.ByteBuffer b : parts) {
            n += b.remaining();
        }
        byte[] whole = new byte[n];
        int at = 0;
        for (java.nio.ByteBuffer b : parts) {
            int k = b.remaining();
            b.get(b.position(), whole, at, k);
            at += k;
        }
        return whole;
    }

    private void write(BatchEntry e, java.nio.ByteBuffer bytes, long nowMs) throws IOException {
        write(e, new java.nio.ByteBuffer[] {bytes}, nowMs);
    }

    private void write(BatchEntry e, java.nio.ByteBuffer[] parts, long nowMs) throws IOException {
        LogSegment s = active;
        int[] starts = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            starts[i] = parts[i].position();
        }
        try {
            s.write(parts);
        } catch (IOException ex) {
            // All or nothing: the segment's size did not move; the retry writes the batch from its start.
            for (int i = 0; i < parts.length; i++) {
                parts[i].position(starts[i]);
            }
            unwritten.add(new Unwritten(e, whole(parts)));
            writeError = ex;
            throw ex;
        }
        s.addEntry(e, nowMs);
        writtenOffset = e.endOffset();
        signal();
        if (s.size() >= options.segmentBytes()) {
            roll(nowMs);
        }
        maybePreallocate();
    }

    /**
     * Writes the batches a failed write left behind, oldest first, each whole from its first byte
     * at its own position (a part written by the failed attempt is written over). Appending thread.
     *
     * @return {@code true} if everything is written now
     */
    public boolean retryWrites(long nowMs) {
        while (!unwritten.isEmpty()) {
            Unwritten u = unwritten.peek();
            LogSegment s = active;
            try {
                s.write(u.bytes(), 0, u.bytes().length);
            } catch (IOException ex) {
                writeError = ex;
                return false;
            }
            unwritten.poll();
            s.addEntry(u.entry(), nowMs);
            writtenOffset = u.entry().endOffset();
            signal();
            if (s.size() >= options.segmentBytes()) {
                roll(nowMs);
            }
        }
        writeError = null;
        return true;
    }

    /**
     * Rolls the active segment if its first batch is older than {@code log-segment-ms}. Appending
     * thread, between batches.
     *
     * @return whether it rolled
     */
    public boolean maybeRoll(long nowMs) {
        LogSegment s = active;
        long first = s.firstTimestamp();
        if (options.segmentMs() > 0 && s.size() > 0 && first >= 0 && nowMs - first >= options.segmentMs()
                && unwritten.isEmpty()) {
            return roll(nowMs);
        }
        return false;
    }

    /** Starts a new segment at the written end. Returns {@code false} (and keeps the current one) if it cannot be created. */
    private boolean roll(long nowMs) {
        LogSegment old = active;
        try {
            old.flushIndex(nowMs);
            LogSegment s = LogSegment.create(dir, old.endOffset());
            directoryUnsynced = true;
            segments.put(s.baseOffset(), s);
            active = s;
            rollError = null;
            try {
                old.trimPreallocation(); // a closed segment is exactly its stream
            } catch (IOException e) {
                // Its zeros stay until the next start trims them; the logical size is right meanwhile.
            }
            return true;
        } catch (IOException e) {
            rollError = e; // keep appending to the current segment; the next full check tries again
            return false;
        }
    }

    private volatile IOException rollError;

    /**
     * Why the last attempt to roll the active segment failed, or {@code null} if it succeeded (or
     * none was needed): the log goes on in the current segment, growing past its size limit.
     */
    public IOException rollError() {
        return rollError;
    }

    // -------------------------------------------------------------------------------- syncing

    /**
     * fsyncs (fdatasync) every segment holding written bytes past {@link #syncedOffset()}, after
     * rewriting what a failed fsync left suspect (see the class documentation). One thread at a
     * time; never the appending thread when latency matters.
     *
     * @return the offset now known to be on disk
     * @throws LogNotDurableException if bytes a failed fsync may have lost cannot be verified, now
     *         or at an earlier call: the log can no longer be made durable, and the synced offset
     *         stays where it is
     * @throws IOException if an fsync (or the rewrite before it) failed: {@link #syncError()}
     *         reports it until a sync succeeds, and the range it was to cover is rewritten by the
     *         next call before that fsyncs
     */
    public long sync() throws IOException {
        synchronized (syncLock) {
            if (notDurable != null) {
                throw notDurable;
            }
            long target = writtenOffset;
            if (target <= syncedOffset) {
                return syncedOffset;
            }
            Long from = segments.floorKey(syncedOffset);
            synchronized (forceLock) {
                try {
                    suspectEnd = Math.max(suspectEnd, zeroFillSuspectEnd);
                    if (suspectEnd > syncedOffset) {
                        rewriteSuspect(from == null ? startOffset : from);
                    }
                    if (directoryUnsynced) {
                        directoryUnsynced = false; // cleared first: a roll during the fsync sets it again
                        try {
                            DirectorySync.fsync(dir);
                        } catch (IOException e) {
                            directoryUnsynced = true;
                            throw e;
                        }
                    }
                    for (LogSegment s : segments.subMap(from == null ? startOffset : from, true, target, false).values()) {
                        s.force();
                    }
                } catch (LogNotDurableException e) {
                    notDurable = e;
                    syncError = e;
                    throw e;
                } catch (IOException e) {
                    suspectEnd = Math.max(suspectEnd, target);
                    syncError = e;
                    throw e;
                }
            }
            syncError = null;
            syncedOffset = target;
            signal();
            return target;
        }
    }

    /**
     * Rewrites the suspect range, {@link #syncedOffset} to {@link #suspectEnd}, segment by
     * segment from the one based at {@code fromBase}, from bytes checked against their CRC32C
     * ({@link LogSegment#rewriteBatches}). Under the sync lock.
     */
    private void rewriteSuspect(long fromBase) throws IOException {
        for (LogSegment s : segments.subMap(fromBase, true, suspectEnd, false).values()) {
            s.rewriteBatches(Math.max(syncedOffset, s.baseOffset()), suspectEnd);
        }
    }

    /**
     * Writes the active segment's pending index entries if they have waited {@code maxLagMs} or
     * more (without it an idle log keeps its last entries in memory until the next append, roll or
     * close). No fsync. Appending thread.
     */
    public void flushIndexIfOlderThan(long nowMs, long maxLagMs) throws IOException {
        active.flushIndexIfOlderThan(nowMs, maxLagMs);
    }

    /** fsyncs the index files too (they may lag; recovery rebuilds what is missing). */
    public void syncIndexes() throws IOException {
        for (LogSegment s : segments.values()) {
            s.forceIndex();
        }
    }

    // -------------------------------------------------------------------------------- reading

    private void signal() {
        if (waiters > 0) {
            waitLock.lock();
            try {
                grown.signalAll();
            } finally {
                waitLock.unlock();
            }
        }
    }

    /**
     * Waits until {@link #readerLimit()} is beyond {@code offset}, the log is closed, or the time
     * is up. Any thread but the appending one.
     *
     * @return the reader limit when it returns
     */
    public long awaitBeyond(long offset, long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        waitLock.lock();
        waiters++;
        try {
            while (readerLimit() <= offset && !closed && nanos > 0) {
                nanos = grown.awaitNanos(nanos);
            }
            return readerLimit();
        } finally {
            waiters--;
            waitLock.unlock();
        }
    }

    /**
     * A reader positioned at log offset {@code offset} (any byte, also inside a batch), from
     * {@link #startOffset()} to {@link #endOffset()} inclusive.
     *
     * @throws OffsetOutOfRangeException if the offset is not retained or beyond the end
     */
    public LogReader openReader(long offset) throws OffsetOutOfRangeException {
        if (offset < startOffset || offset > endOffset) {
            throw new OffsetOutOfRangeException(offset, startOffset, endOffset);
        }
        return new LogReader(this, offset);
    }

    /**
     * A batch reader positioned at log offset {@code offset}, which must be a command boundary
     * (checked when the first batch is read), from {@link #startOffset()} to {@link #endOffset()}
     * inclusive: what the server serves change-feed readers with.
     *
     * @throws OffsetOutOfRangeException if the offset is not retained or beyond the end
     */
    public LogBatchReader openBatchReader(long offset) throws OffsetOutOfRangeException {
        if (offset < startOffset || offset > endOffset) {
            throw new OffsetOutOfRangeException(offset, startOffset, endOffset);
        }
        return new LogBatchReader(this, offset);
    }

    /** The segment holding {@code offset} (its base is the greatest at or below it), or {@code null}. */
    LogSegment segmentFor(long offset) {
        Map.Entry<Long, LogSegment> e = segments.floorEntry(offset);
        return e == null ? null : e.getValue();
    }

    /**
     * The offset of the first batch appended at or after {@code timestampMs} (Unix ms), or
     * {@link #endOffset()} if every retained batch is older. Any thread.
     */
    public long offsetForTimestamp(long timestampMs) throws IOException {
        for (LogSegment s : segments.values()) {
            if (s.lastTimestamp() >= timestampMs) {
                BatchEntry e = s.firstEntryAtOrAfter(timestampMs);
                if (e != null) {
                    return e.offset();
                }
            }
        }
        return endOffset;
    }

    /** Receives commands read by {@link #scan}. */
    @FunctionalInterface
    public interface CommandVisitor {
        /**
         * One command.
         *
         * @param argv   its arguments
         * @param offset log offset of its first byte
         * @param length bytes it takes
         */
        void command(byte[][] argv, long offset, int length) throws IOException;
    }

    /**
     * Reads every command from {@code fromOffset} (a command boundary) up to the written end, in
     * order. Used for replay at start.
     *
     * @throws IOException also if the bytes are not whole commands (the offset was no boundary)
     */
    public void scan(long fromOffset, CommandVisitor visitor) throws IOException {
        long offset = fromOffset;
        long end = writtenOffset;
        byte[] buf = new byte[1 << 20];
        int have = 0;
        long bufOffset = offset; // log offset of buf[0]
        while (bufOffset + have < end || have > 0) {
            long readAt = bufOffset + have;
            if (readAt < end) {
                if (have == buf.length) {
                    buf = java.util.Arrays.copyOf(buf, buf.length * 2);
                }
                LogSegment s = segmentFor(readAt);
                if (s == null) {
                    throw new OffsetOutOfRangeException(readAt, startOffset, endOffset);
                }
                int want = (int) Math.min(buf.length - have, Math.min(end, s.endOffset()) - readAt);
                ByteBuffer b = ByteBuffer.wrap(buf, have, want);
                while (b.hasRemaining()) {
                    if (s.read(b, readAt - s.baseOffset() + (b.position() - have)) < 0) {
                        throw new IOException("unexpected end of " + s.logPath());
                    }
                }
                have += want;
            }
            int p = 0;
            while (p < have) {
                RespCommands.Parsed c;
                try {
                    c = RespCommands.parse(buf, p, have);
                } catch (MalformedCommandException e) {
                    throw new IOException("unreadable command at offset " + (bufOffset + p + e.position()) + ": "
                            + e.getMessage());
                }
                if (c == null) {
                    break;
                }
                visitor.command(c.argv(), bufOffset + p, c.length());
                p += c.length();
            }
            if (p == 0 && bufOffset + have >= end && have > 0) {
                throw new IOException("incomplete command at offset " + bufOffset);
            }
            System.arraycopy(buf, p, buf, 0, have - p);
            have -= p;
            bufOffset += p;
            if (have == 0 && bufOffset >= end) {
                break;
            }
        }
    }

    // ------------------------------------------------------------------------------ retention

    /**
     * Deletes whole closed segments, oldest first, while they lie entirely below
     * {@code keepFromOffset} (what restore still needs) and the oldest is older than
     * {@code retentionMs} (by its last batch; {@code <= 0}: no limit by age) or the log without it
     * still holds {@code retentionBytes} or more ({@code < 0}: no limit by size). Never the
     * active segment. Readers positioned in a deleted segment keep reading it (their open file).
     *
     * @return the files deleted
     */
    public List<Path> deleteSegments(long nowMs, long retentionMs, long retentionBytes, long keepFromOffset)
            throws IOException {
        List<Path> deleted = new ArrayList<>();
        long total = sizeInBytes();
        while (segments.size() > 1) {
            LogSegment oldest = segments.firstEntry().getValue();
            if (oldest == active || oldest.endOffset() > keepFromOffset || oldest.endOffset() > syncedOffset) {
                break;
            }
            boolean byAge = retentionMs > 0 && oldest.lastTimestamp() >= 0 && nowMs - oldest.lastTimestamp() > retentionMs;
            boolean bySize = retentionBytes >= 0 && total - oldest.size() >= retentionBytes;
            if (!byAge && !bySize) {
                break;
            }
            segments.remove(oldest.baseOffset());
            startOffset = segments.firstKey();
            total -= oldest.size();
            oldest.close();
            oldest.delete();
            deleted.add(oldest.logPath());
        }
        return deleted;
    }

    /**
     * Discards the whole log and starts an empty one at log offset {@code newStartOffset}: a
     * replica's full sync, after which its log must continue the master's stream at the offset the
     * master's snapshot was taken ({@code +FULLRESYNC <replid> <offset>}). Every segment file is
     * deleted, newest first (a crash midway leaves a prefix of the old stream, which is still a
     * valid log), a new empty segment is created at {@code newStartOffset} and the directory is
     * fsynced. Batches kept after a failed write are dropped with the rest.
     *
     * <p>Appending thread, between batches. Readers must be closed first (a replica drops its own
     * replicas before a full sync, as Redis does): a reader positioned in a deleted segment would
     * read the old stream.
     *
     * @param newStartOffset the log offset of the first byte appended next (any value, lower or
     *                       higher than the current end)
     */
    public void reset(long newStartOffset) throws IOException {
        if (newStartOffset < 0) {
            throw new IllegalArgumentException("negative offset " + newStartOffset);
        }
        if (closed) {
            throw new IOException("log is closed");
        }
        synchronized (syncLock) { // no fsync of a segment being deleted
            for (LogSegment s : segments.descendingMap().values()) {
                s.close();
                s.delete();
            }
            segments.clear();
            unwritten.clear();
            writeError = null;
            suspectEnd = newStartOffset; // a new log: nothing of the old one needs to reach the disk (notDurable stays)
            synchronized (forceLock) {
                zeroFillSuspectEnd = newStartOffset;
            }
            LogSegment s = LogSegment.create(dir, newStartOffset);
            segments.put(s.baseOffset(), s);
            active = s;
            startOffset = newStartOffset;
            endOffset = newStartOffset;
            writtenOffset = newStartOffset;
            DirectorySync.fsync(dir);
            directoryUnsynced = false;
            syncedOffset = newStartOffset;
        }
        signal();
    }

    /** Flushes index entries, fsyncs everything written, closes the files. Appending thread; idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        signal();
        if (preallocator != null) {
            preallocator.shutdown();
            try {
                preallocator.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        IOException first = null;
        try {
            sync();
        } catch (IOException e) {
            first = e;
        }
        for (LogSegment s : segments.values()) {
            try {
                s.flushIndex(System.currentTimeMillis());
                s.forceIndex();
                s.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    public boolean isClosed() {
        return closed;
    }
}
