package io.relog.log.segment;

import io.relog.log.BatchEntry;
import io.relog.log.LogNotDurableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * One segment: {@code <base>.log}, the raw replication stream from log offset {@code base}
 * (file position = offset − base), and {@code <base>.idx}, one {@value #ENTRY_BYTES}-byte entry
 * per batch (see the package documentation of {@code io.relog.log} for both layouts).
 *
 * <p><b>Threads.</b> The appending thread calls {@link #write}, {@link #addEntry},
 * {@link #flushIndex}; any one thread at a time may call {@link #force}; lookups
 * ({@link #entryCount}, {@link #entry}, {@link #firstEntryAtOrAfter}) may run on any thread and
 * are synchronized with {@link #addEntry} on this object.
 */
public final class LogSegment {

    /** Bytes of one index entry. */
    public static final int ENTRY_BYTES = 32;

    private static final int PENDING_ENTRIES = 128;

    private final long baseOffset;
    private final Path logPath;
    private final Path idxPath;
    private final FileChannel log;
    private final FileChannel idx;
    /** Bytes written to the {@code .log} (its logical size). */
    private volatile long size;
    /** Entries written to the {@code .idx} file. */
    private int flushedEntries;
    /** Entries not yet written to the {@code .idx} file (written in groups: the index may lag). */
    private ByteBuffer pendingEntries = ByteBuffer.allocate(PENDING_ENTRIES * ENTRY_BYTES);
    /** The last failure writing the {@code .idx}, or {@code null}: the index may lag, it is rebuilt at recovery. */
    private volatile IOException indexError;
    private long firstTimestamp = -1;
    private long lastTimestamp = -1;
    private BatchEntry lastEntry;
    private long lastIndexFlushMs;

    /** Opens a segment's {@code .log} channel. */
    @FunctionalInterface
    interface ChannelOpener {
        FileChannel open(Path path, OpenOption... options) throws IOException;
    }

    /**
     * How {@code .log} files are opened: {@link FileChannel#open}. A seam for the tests of this
     * package, which open through a channel that fails {@code force} on demand; nothing else sets
     * it. Read once per segment, at open: it costs the appends nothing.
     */
    static volatile ChannelOpener logChannels = FileChannel::open;

    private LogSegment(long baseOffset, Path dir, boolean create) throws IOException {
        this.baseOffset = baseOffset;
        this.logPath = dir.resolve(fileName(baseOffset, ".log"));
        this.idxPath = dir.resolve(fileName(baseOffset, ".idx"));
        StandardOpenOption[] opts = create
                ? new StandardOpenOption[] {StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE}
                : new StandardOpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE};
        this.log = logChannels.open(logPath, opts);
        FileChannel i;
        try {
            i = FileChannel.open(idxPath, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            log.close();
            throw e;
        }
        this.idx = i;
        this.size = log.size();
        this.allocated = size;
    }

    /** Creates the empty segment starting at log offset {@code baseOffset} in {@code dir}. */
    public static LogSegment create(Path dir, long baseOffset) throws IOException {
        return new LogSegment(baseOffset, dir, true);
    }

    /** Opens an existing segment for recovery; its index is not read yet (see {@link #readIndexFile}). */
    public static LogSegment open(Path dir, long baseOffset) throws IOException {
        return new LogSegment(baseOffset, dir, false);
    }

    /** {@code <20-digit offset><suffix>}, the name of a segment's file. */
    public static String fileName(long baseOffset, String suffix) {
        return String.format("%020d%s", baseOffset, suffix);
    }

    public long baseOffset() {
        return baseOffset;
    }

    /** Log offset just past the last byte written. */
    public long endOffset() {
        return baseOffset + size;
    }

    /** Bytes written to the {@code .log}. */
    public long size() {
        return size;
    }

    public Path logPath() {
        return logPath;
    }

    public Path idxPath() {
        return idxPath;
    }

    /** Append timestamp of the first batch, or -1 when empty. */
    public synchronized long firstTimestamp() {
        return firstTimestamp;
    }

    /** Append timestamp of the last batch, or -1 when empty. */
    public synchronized long lastTimestamp() {
        return lastTimestamp;
    }

    /** The last entry, or {@code null} when there is none. */
    public synchronized BatchEntry lastEntry() {
        return lastEntry;
    }

    /**
     * Writes {@code len} bytes of {@code src} at the end of the {@code .log} (page cache; no
     * fsync), all or nothing as far as {@link #size()} goes: it grows by {@code len} only once
     * every byte is written. A write that fails may have put a part of the bytes into the file past
     * {@link #size()}; the caller retries with the same bytes, which are written again from the
     * same position (so a retry rewrites a batch from its start, never continues a partial one), and
     * a crash before that leaves a torn tail that recovery cuts.
     */
    public void write(byte[] src, int off, int len) throws IOException {
        write(new ByteBuffer[] {ByteBuffer.wrap(src, off, len)});
    }

    /**
     * Writes the remaining bytes of {@code parts}, in order, at the end of the {@code .log} (page
     * cache; no fsync); a direct buffer goes to the file without a copy in between. All or nothing
     * as far as {@link #size()} goes, as {@link #write(byte[], int, int)}: the size grows by the
     * bytes of every part only once all are written; the parts' positions advance as bytes are
     * written, so after a failure the caller must rewind them to retry the whole batch.
     */
    public void write(ByteBuffer... parts) throws IOException {
        long len = 0;
        for (ByteBuffer b : parts) {
            len += b.remaining();
        }
        if (size + len <= allocated) {
            writeAt(parts, false); // inside the zero-filled space: the preallocator never writes there
            return;
        }
        synchronized (extendLock) {
            writeAt(parts, true);
        }
    }

    private void writeAt(ByteBuffer[] parts, boolean extending) throws IOException {
        long pos = size;
        try {
            for (ByteBuffer b : parts) {
                while (b.hasRemaining()) {
                    pos += log.write(b, pos);
                }
            }
        } finally {
            if (extending) {
                // Bytes of a failed write past the old end count as allocated, so trimPreallocation cuts them.
                allocated = Math.max(allocated, pos);
            }
        }
        size = pos;
    }

    // ---------------------------------------------------------------------------- preallocation
    //
    // Why: fdatasync after an append that grows the file must also commit the new size and block
    // allocation to the filesystem journal; after an overwrite of blocks that are already
    // allocated and written it flushes the data pages only. So the active segment is kept
    // zero-filled ahead of the write position (as databases do with their WAL), which makes the
    // fsync that every appendfsync-always reply waits for cheaper, and keeps it out of the
    // journal that other processes' fsyncs share. The zeros are never part of the log: the
    // logical size is kept in memory, a closed or rolled segment is cut to it, and recovery drops
    // trailing zeros (a command always ends with LF, so real data never ends in a zero byte).

    /** Physical size of the {@code .log}: the logical size plus zero-filled space. */
    private volatile long allocated;
    private final Object extendLock = new Object();

    /** Whether less than half of {@code chunk} is zero-filled ahead of the write position. Any thread. */
    public boolean needsPreallocation(long chunk) {
        return allocated - size < chunk / 2;
    }

    /**
     * Zero-fills the next {@code chunk} bytes past the write position, so later appends overwrite
     * allocated blocks. No fsync: the caller forces the file afterwards so that the fsync never
     * overlaps another of the same file ({@code CommandLog}'s force lock), because that fsync also
     * writes back the batches' dirty pages, and a failure it reports concerns them (see
     * {@link #rewriteBatches}). The preallocating thread;
     * writes that would pass the filled space meanwhile wait for it.
     */
    public void preallocate(long chunk) throws IOException {
        // Never take the last free space of the disk: the log's own writes need it more.
        if (Files.getFileStore(logPath).getUsableSpace() < 4 * chunk) {
            return;
        }
        synchronized (extendLock) {
            long from = Math.max(allocated, size);
            ByteBuffer zeros = ByteBuffer.allocate(256 * 1024);
            long pos = from;
            long end = from + chunk;
            try {
                while (pos < end) {
                    zeros.clear();
                    zeros.limit((int) Math.min(zeros.capacity(), end - pos));
                    pos += log.write(zeros, pos);
                }
            } catch (IOException e) {
                log.truncate(from); // give the space back
                throw e;
            }
            allocated = end;
        }
    }

    /** Cuts the zero-filled space off the file (a rolled or closing segment). Appending thread. */
    public void trimPreallocation() throws IOException {
        synchronized (extendLock) {
            if (allocated > size) {
                log.truncate(size);
                allocated = size;
            }
        }
    }

    /**
     * Recovery: takes the position after the last non-zero byte as the segment's size, so
     * zero-filled space left by a crash is not taken for log data (it stays allocated).
     *
     * @return the bytes of zeros found at the end
     */
    public long dropTrailingZeros() throws IOException {
        long physical = log.size();
        long end = physical;
        ByteBuffer b = ByteBuffer.allocate(64 * 1024);
        outer:
        while (end > 0) {
            long from = Math.max(0, end - b.capacity());
            b.clear();
            b.limit((int) (end - from));
            while (b.hasRemaining()) {
                if (log.read(b, from + b.position()) < 0) {
                    break;
                }
            }
            for (int i = b.position() - 1; i >= 0; i--) {
                if (b.get(i) != 0) {
                    end = from + i + 1;
                    break outer;
                }
            }
            end = from;
        }
        size = end;
        allocated = physical;
        return physical - end;
    }

    /**
     * Records the entry of a batch whose bytes are written. The entry reaches the {@code .idx}
     * file in groups ({@link #flushIndex}), so after a crash the index may be behind the
     * {@code .log}; recovery rebuilds the missing entries.
     */
    public void addEntry(BatchEntry e, long nowMs) {
        synchronized (this) {
            if (!pendingEntries.hasRemaining()) {
                // The index could not be written (disk full): keep the entries until it can.
                ByteBuffer bigger = ByteBuffer.allocate(pendingEntries.capacity() * 2);
                bigger.put(pendingEntries.flip());
                pendingEntries = bigger;
            }
            pendingEntries.put(encode(e, baseOffset));
            if (firstTimestamp < 0) {
                firstTimestamp = e.timestampMs();
            }
            lastTimestamp = e.timestampMs();
            lastEntry = e;
        }
        if (pendingEntries.position() >= PENDING_ENTRIES * ENTRY_BYTES || nowMs - lastIndexFlushMs >= 1000) {
            try {
                flushIndex(nowMs);
                indexError = null;
            } catch (IOException ex) {
                indexError = ex;
            }
        }
    }

    /** The last failure writing the index file, or {@code null}. */
    public IOException indexError() {
        return indexError;
    }

    /**
     * Writes the pending index entries out if the last write of the index was at least
     * {@code maxLagMs} ago: an idle log's index catches up with its {@code .log}, so readers of the
     * files (tools) see real batch times instead of re-parsing the tail. Appending thread.
     */
    public void flushIndexIfOlderThan(long nowMs, long maxLagMs) throws IOException {
        synchronized (this) {
            if (pendingEntries.position() == 0 || nowMs - lastIndexFlushMs < maxLagMs) {
                return;
            }
        }
        flushIndex(nowMs);
    }

    /** Writes the pending index entries to the {@code .idx} file (no fsync). Appending thread. */
    public synchronized void flushIndex(long nowMs) throws IOException {
        lastIndexFlushMs = nowMs;
        if (pendingEntries.position() == 0) {
            return;
        }
        // Under the lock so lookups never see entries that are neither pending nor written.
        int count = pendingEntries.position() / ENTRY_BYTES;
        ByteBuffer out = pendingEntries.flip();
        long pos = (long) flushedEntries * ENTRY_BYTES;
        ByteBuffer view = out.duplicate();
        out.limit(out.capacity()).position(count * ENTRY_BYTES); // stays pending until written
        while (view.hasRemaining()) {
            pos += idx.write(view, pos);
        }
        pendingEntries.clear();
        if (pendingEntries.capacity() > PENDING_ENTRIES * ENTRY_BYTES) {
            pendingEntries = ByteBuffer.allocate(PENDING_ENTRIES * ENTRY_BYTES);
        }
        flushedEntries += count;
    }

    /**
     * fsyncs the {@code .log} data (fdatasync). After a failure, the bytes written since the last
     * successful force are of unknown state on disk, and a second force may succeed without
     * writing them (Linux may have marked the pages it failed to write clean): call
     * {@link #rewriteBatches} over them before forcing again.
     */
    public void force() throws IOException {
        log.force(false);
    }

    /** Bytes of a file page: a failed write-back loses (or tears) whole pages. */
    static final int PAGE_BYTES = 4096;

    /**
     * Makes the batches from log offset {@code fromOffset} to {@code toOffset} (exclusive; clipped
     * to this segment's end) dirty again in the page cache from bytes checked to be right, so that
     * the next {@link #force} writes them to disk: each batch is read back from the {@code .log},
     * checked against the CRC32C of its index entry (the entry itself checked against its own
     * checksum, whether still pending in memory or read back from the {@code .idx}), and written
     * back at the same file position. The first batch rewritten is the one holding the first byte
     * of the {@value #PAGE_BYTES}-byte page that holds {@code fromOffset}: the bytes before it on
     * that page were part of the failed write-back as well. Any one thread, the one that forces;
     * the appending thread may go on writing past {@code toOffset}.
     *
     * @param fromOffset a log offset in this segment, at a batch boundary, at or below
     *                   {@link #endOffset()}
     * @param toOffset   a log offset at a batch boundary (or past this segment's end)
     * @throws LogNotDurableException if an entry or a batch does not check: the bytes the page
     *         cache holds now are not the ones appended, and no fsync can make the log durable
     * @throws IOException if reading or writing the file fails (the call may be repeated)
     */
    public void rewriteBatches(long fromOffset, long toOffset) throws IOException {
        long to = Math.min(toOffset, endOffset());
        if (fromOffset >= to) {
            return;
        }
        long pageStart = baseOffset + (fromOffset - baseOffset) / PAGE_BYTES * PAGE_BYTES;
        int i = entryIndexFor(pageStart);
        if (i < 0) {
            throw new LogNotDurableException(logPath, fromOffset - baseOffset, fromOffset, "no index entry holds the offset");
        }
        byte[] buf = new byte[0];
        CRC32C crc = new CRC32C();
        int count = entryCount();
        long expected = -1;
        for (; i < count; i++) {
            BatchEntry e = checkedEntry(i);
            if (e != null && e.offset() >= to && e.offset() == expected) {
                break;
            }
            if (e == null || (expected >= 0 && e.offset() != expected) || e.length() <= 0 || e.endOffset() > endOffset()) {
                throw new LogNotDurableException(idxPath, (long) i * ENTRY_BYTES, expected >= 0 ? expected : pageStart,
                        "index entry " + i + " does not check");
            }
            long pos = e.offset() - baseOffset;
            if (buf.length < e.length()) {
                buf = new byte[e.length()];
            }
            ByteBuffer b = ByteBuffer.wrap(buf, 0, e.length());
            while (b.hasRemaining()) {
                if (log.read(b, pos + b.position()) < 0) {
                    throw new LogNotDurableException(logPath, pos, e.offset(), "the file ends inside the batch");
                }
            }
            crc.reset();
            crc.update(buf, 0, e.length());
            if ((int) crc.getValue() != e.crc()) {
                throw new LogNotDurableException(logPath, pos, e.offset(),
                        "the batch read back does not match its CRC32C");
            }
            b.flip();
            while (b.hasRemaining()) {
                log.write(b, pos + b.position());
            }
            expected = e.endOffset();
        }
    }

    /** Entry {@code i} if its own checksum holds, else {@code null}. */
    private BatchEntry checkedEntry(int i) throws IOException {
        return decodeChecked(entryBytes(i), baseOffset);
    }

    /** fsyncs the {@code .idx} file. */
    public void forceIndex() throws IOException {
        idx.force(false);
    }

    /** Number of entries, written to the file or pending. */
    public synchronized int entryCount() {
        return flushedEntries + pendingEntries.position() / ENTRY_BYTES;
    }

    /** Entry {@code i} (0-based). Any thread. */
    public BatchEntry entry(int i) throws IOException {
        return decode(entryBytes(i), baseOffset);
    }

    /** The {@value #ENTRY_BYTES} bytes of entry {@code i}, pending or from the file, at positions 0..31. */
    private ByteBuffer entryBytes(int i) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(ENTRY_BYTES);
        synchronized (this) {
            if (i < 0 || i >= entryCount()) {
                throw new IndexOutOfBoundsException("entry " + i + " of " + entryCount() + " in " + idxPath);
            }
            if (i >= flushedEntries) {
                int at = (i - flushedEntries) * ENTRY_BYTES;
                b.put(0, pendingEntries, at, ENTRY_BYTES);
                return b;
            }
        }
        long pos = (long) i * ENTRY_BYTES;
        while (b.hasRemaining()) {
            int n = idx.read(b, pos + b.position());
            if (n < 0) {
                throw new IOException("index " + idxPath + " is shorter than its entries");
            }
        }
        return b.flip();
    }

    /**
     * The index of the entry whose batch holds log offset {@code offset} (its first byte at or
     * below {@code offset}, its end above it), or -1 if no entry does (below the first batch, or at
     * or past the last one's end). Any thread.
     */
    public int entryIndexFor(long offset) throws IOException {
        int lo = 0;
        int hi = entryCount() - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (entry(mid).offset() <= offset) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found >= 0 && entry(found).endOffset() > offset ? found : -1;
    }

    /** The first entry whose timestamp is at least {@code timestampMs}, or {@code null}. Any thread. */
    public BatchEntry firstEntryAtOrAfter(long timestampMs) throws IOException {
        int lo = 0;
        int hi = entryCount() - 1;
        BatchEntry found = null;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            BatchEntry e = entry(mid);
            if (e.timestampMs() >= timestampMs) {
                found = e;
                hi = mid - 1;
            } else {
                lo = mid + 1;
            }
        }
        return found;
    }

    /**
     * Reads the {@code .idx} file for recovery: every whole entry whose own checksum holds and
     * which continues the previous one, stopping at the first that does not (the index may be
     * behind or torn; the caller rebuilds the rest from the {@code .log}).
     */
    public List<BatchEntry> readIndexFile() throws IOException {
        long bytes = idx.size();
        List<BatchEntry> entries = new ArrayList<>((int) Math.min(bytes / ENTRY_BYTES, 1 << 20));
        ByteBuffer b = ByteBuffer.allocate(ENTRY_BYTES * 1024);
        long pos = 0;
        long expected = baseOffset;
        outer:
        while (pos + ENTRY_BYTES <= bytes) {
            b.clear();
            int n = idx.read(b, pos);
            if (n <= 0) {
                break;
            }
            b.flip();
            while (b.remaining() >= ENTRY_BYTES) {
                ByteBuffer one = b.slice(b.position(), ENTRY_BYTES);
                b.position(b.position() + ENTRY_BYTES);
                BatchEntry e = decodeChecked(one, baseOffset);
                if (e == null || e.offset() != expected || e.length() <= 0) {
                    break outer;
                }
                entries.add(e);
                expected = e.endOffset();
                pos += ENTRY_BYTES;
            }
        }
        return entries;
    }

    /**
     * Replaces the index with {@code entries} (recovery: the valid ones plus those rebuilt) and
     * truncates the {@code .log} to {@code logSize} bytes. Appending thread, before appends.
     */
    public void resetTo(List<BatchEntry> entries, long logSize) throws IOException {
        if (logSize < log.size()) {
            log.truncate(logSize);
        }
        size = logSize;
        allocated = logSize;
        ByteBuffer out = ByteBuffer.allocate(Math.max(ENTRY_BYTES, entries.size() * ENTRY_BYTES));
        for (BatchEntry e : entries) {
            out.put(encode(e, baseOffset));
        }
        out.flip();
        idx.truncate(0);
        long pos = 0;
        while (out.hasRemaining()) {
            pos += idx.write(out, pos);
        }
        adopt(entries);
    }

    /**
     * Takes {@code entries} — the first entries of the {@code .idx} file, checked by recovery and
     * covering the whole {@code .log} — as this segment's index, without rewriting them; index
     * bytes past them (a torn entry) are cut so the next entries are written right after them.
     * Appending thread, before appends.
     */
    public void useIndex(List<BatchEntry> entries) throws IOException {
        long bytes = (long) entries.size() * ENTRY_BYTES;
        if (idx.size() > bytes) {
            idx.truncate(bytes);
        }
        adopt(entries);
    }

    private synchronized void adopt(List<BatchEntry> entries) {
        flushedEntries = entries.size();
        pendingEntries.clear();
        firstTimestamp = entries.isEmpty() ? -1 : entries.get(0).timestampMs();
        lastTimestamp = entries.isEmpty() ? -1 : entries.get(entries.size() - 1).timestampMs();
        lastEntry = entries.isEmpty() ? null : entries.get(entries.size() - 1);
    }

    /** Reads {@code dst.remaining()} bytes (or up to the end) from file position {@code position}. */
    public int read(ByteBuffer dst, long position) throws IOException {
        return log.read(dst, position);
    }

    /** Closes the files (flushing pending index entries first, cutting zero-filled space off). */
    public void close() throws IOException {
        try {
            flushIndex(System.currentTimeMillis());
            if (log.isOpen()) {
                trimPreallocation();
            }
        } finally {
            try {
                log.close();
            } finally {
                idx.close();
            }
        }
    }

    /** Deletes both files; the segment must be closed. */
    public void delete() throws IOException {
        Files.deleteIfExists(logPath);
        Files.deleteIfExists(idxPath);
    }

    // --------------------------------------------------------------- entry layout (big-endian)
    // 0 int32 relative offset | 4 int32 length | 8 int64 timestamp ms | 16 int32 command count
    // 20 int16 db at start | 22 int16 flags | 24 int32 CRC32C of the batch | 28 int32 CRC32C of bytes 0..27

    static ByteBuffer encode(BatchEntry e, long baseOffset) {
        ByteBuffer b = ByteBuffer.allocate(ENTRY_BYTES);
        b.putInt((int) (e.offset() - baseOffset));
        b.putInt(e.length());
        b.putLong(e.timestampMs());
        b.putInt(e.commands());
        b.putShort((short) e.db());
        b.putShort((short) e.flags());
        b.putInt(e.crc());
        CRC32C c = new CRC32C();
        c.update(b.array(), 0, 28);
        b.putInt((int) c.getValue());
        return b.flip();
    }

    private static BatchEntry decode(ByteBuffer b, long baseOffset) {
        return new BatchEntry(baseOffset + Integer.toUnsignedLong(b.getInt(0)), b.getInt(4), b.getLong(8),
                b.getShort(20), b.getInt(16), b.getShort(22) & 0xffff, b.getInt(24));
    }

    /**
     * Decodes the {@value #ENTRY_BYTES}-byte entry at positions 0..31 of {@code b} (absolute
     * positions; {@code b}'s position is not moved) of the segment based at {@code baseOffset}, or
     * returns {@code null} if the entry's own checksum does not hold (torn or damaged). Any thread.
     */
    public static BatchEntry decodeChecked(ByteBuffer b, long baseOffset) {
        byte[] raw = new byte[28];
        b.get(0, raw);
        CRC32C c = new CRC32C();
        c.update(raw);
        if ((int) c.getValue() != b.getInt(28)) {
            return null;
        }
        return decode(b, baseOffset);
    }
}
