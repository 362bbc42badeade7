package io.relog.log;

import io.relog.log.resp.MalformedCommandException;
import io.relog.log.resp.RespCommands;
import io.relog.log.segment.LogSegment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * A read-only view of a log directory ({@code <data dir>/log}) for tools: change-feed readers,
 * restore, check and dump. It never writes, truncates, creates or deletes a file, so it may be
 * opened on the directory of a running server while that server appends, rolls and deletes
 * segments.
 *
 * <h2>What it shows</h2>
 *
 * <p>A consistent prefix of the log, as recovery ({@link LogRecovery}) would keep it, without
 * repairing anything: per segment, the {@code .idx} entries that are whole, check their own
 * checksum and continue each other, then the {@code .log} bytes past the last of them parsed
 * again into units — one command, or one whole {@code MULTI … EXEC} — as recovery re-indexes
 * them ({@link BatchEntry#REBUILT}, time estimated from the previous entry or the file's
 * modification time). What follows in the last segment — an incomplete command, an unfinished
 * transaction, the zero-filled space a server keeps ahead of its writes, or the torn tail of a
 * crash — is "not yet there": {@link #endOffset()} stops before it, and a later
 * {@link #refresh()} sees it once it is whole ({@link #tornTail()} describes it). A batch whose
 * index entry says it reaches past the end of the last {@code .log} ends the view at its start,
 * as recovery cuts it.
 *
 * <p>Corruption is reported, never skipped: a gap between segments, an earlier segment that does
 * not end in whole commands, an indexed batch past the end of an earlier segment
 * ({@link #refresh()}), and a batch that fails its CRC32C when read ({@link #scan},
 * {@link #verify}) throw {@link LogCorruptionException} naming the file, the file position and the
 * log offset.
 *
 * <h2>Units and bounds</h2>
 *
 * <p>Every {@code offset} here is a log offset (a byte of the replication stream, see the package
 * documentation), never a file position unless named {@code position}. Ranges are
 * {@code [from, to)}: inclusive start, exclusive end. Times are Unix milliseconds.
 *
 * <h2>Threads</h2>
 *
 * <p>Not thread-safe: one thread opens, refreshes, scans and closes a view. Several views of the
 * same directory (in one process or several) are independent. The server's writes are not
 * synchronized with a view: a view reads what the page cache holds, which is why only whole,
 * checked units count.
 */
public final class ReadOnlyLog implements AutoCloseable {

    /**
     * A segment as the view sees it.
     *
     * @param baseOffset        log offset of its first byte
     * @param endOffset         log offset just past its last whole unit in the view
     * @param indexedBatches    batches taken from the {@code .idx} file
     * @param batches           batches in the view: indexed plus re-parsed units
     * @param firstTimestampMs  time of its first batch, or -1 when it has none
     * @param lastTimestampMs   time of its last batch, or -1 when it has none
     * @param logFile           the {@code .log} file
     * @param indexFile         the {@code .idx} file (may not exist)
     * @param indexBytesIgnored bytes of the {@code .idx} past its valid entries: a torn or damaged
     *                          entry, or, on a live server, an entry being written
     */
    public record Segment(long baseOffset, long endOffset, int indexedBatches, int batches, long firstTimestampMs,
            long lastTimestampMs, Path logFile, Path indexFile, long indexBytesIgnored) {

        /** Bytes of the segment in the view. */
        public long bytes() {
            return endOffset - baseOffset;
        }
    }

    /**
     * Bytes at the end of the last segment that are not (yet) part of the log.
     *
     * @param file     the {@code .log} file
     * @param position file position of the first such byte
     * @param offset   its log offset ({@link #endOffset()})
     * @param bytes    how many bytes follow there up to the end of the file, zero fill excluded
     * @param reason   why they are not whole units
     */
    public record TornTail(Path file, long position, long offset, long bytes, String reason) {
    }

    /**
     * One command of the log.
     *
     * @param argv          its arguments, {@code argv[0]} the command name
     * @param offset        log offset of its first byte
     * @param nextOffset    log offset just past it: where the next command starts (resume from here)
     * @param timestampMs   append time of its batch (estimated for {@link BatchEntry#REBUILT} units)
     * @param db            the database the stream has selected when it executes (-1 if none yet); for a
     *                      {@code SELECT}, the database it selects
     * @param inTransaction whether it is {@code MULTI}, {@code EXEC}, {@code DISCARD} or between them
     */
    public record Command(byte[][] argv, long offset, long nextOffset, long timestampMs, int db,
            boolean inTransaction) {

        /** Bytes the command takes in the stream. */
        public int length() {
            return (int) (nextOffset - offset);
        }

        /** Whether the command's name is {@code lowerCaseName}, ignoring case. */
        public boolean is(String lowerCaseName) {
            return RespCommands.is(argv[0], lowerCaseName);
        }
    }

    /** Receives commands from {@link #scan}. */
    @FunctionalInterface
    public interface CommandVisitor {
        /** @return {@code true} to go on, {@code false} to stop before the next command */
        boolean command(Command command) throws IOException;
    }

    /**
     * What a {@link #refresh()} found changed.
     *
     * @param added   segments that appeared (rolls), by base offset
     * @param deleted segments whose files are gone (retention), by base offset
     * @param grewBy  bytes by which {@link #endOffset()} grew (negative: shrank, when the server
     *                truncated a torn tail at start, or retention reached the end)
     */
    public record Changes(List<Long> added, List<Long> deleted, long grewBy) {
        public boolean any() {
            return !added.isEmpty() || !deleted.isEmpty() || grewBy != 0;
        }
    }

    private final Path dir;
    /** The one segment viewed ({@link #openSegment}), or {@code null} for all of them. */
    private final Long onlyBase;
    private final TreeMap<Long, View> views = new TreeMap<>();
    private byte[] buf = new byte[1 << 16];

    private ReadOnlyLog(Path dir, Long onlyBase) {
        this.dir = dir;
        this.onlyBase = onlyBase;
    }

    /**
     * Opens a view of one segment file {@code <base>.log} (with its {@code .idx} beside it, if
     * any) as if it were the whole log: it is the last segment, so an incomplete end is a torn
     * tail, not corruption.
     *
     * @throws IllegalArgumentException if the file name is not {@code <20 digits>.log}
     */
    public static ReadOnlyLog openSegment(Path logFile) throws IOException {
        String name = logFile.getFileName().toString();
        if (!isSegmentName(name)) {
            throw new IllegalArgumentException(logFile + " is not a segment file (<20-digit offset>.log)");
        }
        if (!Files.isRegularFile(logFile)) {
            throw new NoSuchFileException(logFile.toString());
        }
        Path parent = logFile.toAbsolutePath().getParent();
        ReadOnlyLog log = new ReadOnlyLog(parent, Long.parseLong(name.substring(0, 20)));
        try {
            log.refresh();
        } catch (IOException | RuntimeException e) {
            log.close();
            throw e;
        }
        return log;
    }

    /** Whether {@code fileName} is a segment's name, {@code <20 digits>.log}. */
    public static boolean isSegmentName(String fileName) {
        return fileName.length() == 24 && fileName.endsWith(".log")
                && fileName.substring(0, 20).chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /**
     * Opens a view of the log directory {@code dir} (the {@code log} folder of a data directory)
     * and reads it as {@link #refresh()} does.
     *
     * @throws NoSuchFileException    if {@code dir} does not exist
     * @throws LogCorruptionException if the log is corrupt (see the class documentation)
     */
    public static ReadOnlyLog open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "not a log directory");
        }
        ReadOnlyLog log = new ReadOnlyLog(dir, null);
        try {
            log.refresh();
        } catch (IOException | RuntimeException e) {
            log.close();
            throw e;
        }
        return log;
    }

    /** The log directory. */
    public Path dir() {
        return dir;
    }

    /** The data directory the log directory is in (where {@code replication-history} lives). */
    public Path dataDir() {
        return dir.toAbsolutePath().getParent();
    }

    /**
     * Reads what changed since the last refresh: new index entries and whole units past them,
     * new segments, segments deleted by retention.
     *
     * @throws LogCorruptionException if the log is corrupt (see the class documentation); the view
     *                                should then be closed
     */
    public Changes refresh() throws IOException {
        long endBefore = endOffset();
        TreeMap<Long, Path> files = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (isSegmentName(name)) {
                    long base = Long.parseLong(name.substring(0, 20));
                    if (onlyBase == null || onlyBase == base) {
                        files.put(base, p);
                    }
                }
            }
        }
        List<Long> deleted = new ArrayList<>();
        for (Long base : new ArrayList<>(views.keySet())) {
            if (!files.containsKey(base) || !Files.exists(files.get(base))) {
                views.remove(base).close();
                deleted.add(base);
            }
        }
        List<Long> added = new ArrayList<>();
        for (Map.Entry<Long, Path> f : files.entrySet()) {
            if (!views.containsKey(f.getKey())) {
                FileChannel ch;
                try {
                    ch = FileChannel.open(f.getValue(), StandardOpenOption.READ);
                } catch (NoSuchFileException e) {
                    continue; // deleted by retention since the listing
                }
                views.put(f.getKey(), new View(f.getKey(), f.getValue(), dir.resolve(LogSegment.fileName(f.getKey(), ".idx")), ch));
                added.add(f.getKey());
            }
        }
        View prev = null;
        Map.Entry<Long, View> lastEntry = views.lastEntry();
        for (View v : views.values()) {
            if (prev != null && v.base != prev.end) {
                throw new LogCorruptionException(prev.logPath, prev.end - prev.base, prev.end,
                        "segment " + v.logPath.getFileName() + " starts at offset " + v.base
                                + " but the previous one ends at " + prev.end);
            }
            v.update(v == lastEntry.getValue(), prev == null ? Integer.MIN_VALUE : prev.dbAtEnd());
            prev = v;
        }
        return new Changes(added, deleted, endOffset() - endBefore);
    }

    /** Offset of the first retained byte (the first segment's base), or 0 when there is no segment. */
    public long startOffset() {
        return views.isEmpty() ? 0 : views.firstKey();
    }

    /** Offset just past the last whole unit in the view (the log end as far as it is there). */
    public long endOffset() {
        return views.isEmpty() ? 0 : views.lastEntry().getValue().end;
    }

    /** Bytes of the log in the view. */
    public long sizeInBytes() {
        return endOffset() - startOffset();
    }

    /** The segments, oldest first. */
    public List<Segment> segments() {
        List<Segment> out = new ArrayList<>(views.size());
        for (View v : views.values()) {
            out.add(v.info());
        }
        return out;
    }

    /**
     * The batches of the segment based at {@code baseOffset} in the view, in offset order:
     * {@link Segment#indexedBatches()} entries of the {@code .idx}, then re-parsed units
     * (flag {@link BatchEntry#REBUILT}). Unmodifiable; valid until the next {@link #refresh()}.
     *
     * @throws IllegalArgumentException if no segment has that base offset
     */
    public List<BatchEntry> batches(long baseOffset) {
        View v = views.get(baseOffset);
        if (v == null) {
            throw new IllegalArgumentException("no segment at base offset " + baseOffset);
        }
        return Collections.unmodifiableList(v.entries);
    }

    /**
     * The batch holding {@code offset}, or {@code null} if the view does not hold it.
     */
    public BatchEntry batchAt(long offset) {
        Map.Entry<Long, View> e = views.floorEntry(offset);
        if (e == null || offset >= e.getValue().end) {
            return null;
        }
        List<BatchEntry> list = e.getValue().entries;
        return list.get(floorIndex(list, offset));
    }

    /** Describes the bytes after {@link #endOffset()} in the last segment that are not whole units, or {@code null}. */
    public TornTail tornTail() throws IOException {
        return views.isEmpty() ? null : views.lastEntry().getValue().tornTail();
    }

    /**
     * The replication history of the data directory ({@link ReplicationHistory#read}), oldest
     * first; empty if the file does not exist.
     */
    public List<ReplicationHistory.Entry> history() throws IOException {
        return ReplicationHistory.read(dataDir());
    }

    /**
     * The offset of the first batch appended at or after {@code timestampMs} (Unix ms), or
     * {@link #endOffset()} if every batch in the view is older.
     */
    public long offsetForTimestamp(long timestampMs) {
        for (View v : views.values()) {
            List<BatchEntry> list = v.entries;
            if (list.isEmpty() || list.get(list.size() - 1).timestampMs() < timestampMs) {
                continue;
            }
            int lo = 0;
            int hi = list.size() - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (list.get(mid).timestampMs() >= timestampMs) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            return list.get(lo).offset();
        }
        return endOffset();
    }

    /**
     * Reads {@code length} bytes of the log from {@code offset}; the range must lie in one segment
     * of the view.
     */
    public byte[] read(long offset, int length) throws IOException {
        Map.Entry<Long, View> e = views.floorEntry(offset);
        if (e == null || offset + length > e.getValue().end || offset < startOffset()) {
            throw new OffsetOutOfRangeException(offset, startOffset(), endOffset());
        }
        byte[] out = new byte[length];
        e.getValue().readFully(offset - e.getKey(), out, 0, length);
        return out;
    }

    /**
     * Checks {@code batch} (an entry of this view) against its CRC32C.
     *
     * @return {@code null} if it holds, else what is wrong
     */
    public String verify(BatchEntry batch) throws IOException {
        byte[] bytes = read(batch.offset(), batch.length());
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, batch.length());
        if ((int) crc.getValue() != batch.crc()) {
            return "CRC mismatch (stored " + Integer.toHexString(batch.crc()) + ", computed "
                    + Integer.toHexString((int) crc.getValue()) + ")";
        }
        return null;
    }

    /**
     * Visits, in order, every command that starts at or after {@code fromOffset} and ends at or
     * before {@code toOffset} (exclusive bound; {@code -1}: the view's end). {@code fromOffset} may
     * be any byte: inside a batch, commands are parsed from the batch's start so the database and
     * the transaction state are known; a command that starts before {@code fromOffset} is not
     * visited. Every batch read is checked against its CRC32C first.
     *
     * @return the offset of the first command not visited: where a scan continuing this one starts
     * @throws OffsetOutOfRangeException if {@code fromOffset} is outside [{@link #startOffset()},
     *                                   {@link #endOffset()}] (trimmed by retention, or not there yet)
     * @throws LogCorruptionException    if a batch fails its CRC or does not parse
     */
    public long scan(long fromOffset, long toOffset, CommandVisitor visitor) throws IOException {
        long end = endOffset();
        if (fromOffset < startOffset() || fromOffset > end || views.isEmpty()) {
            if (fromOffset == end) {
                return end;
            }
            throw new OffsetOutOfRangeException(fromOffset, startOffset(), end);
        }
        long limit = toOffset < 0 ? end : Math.min(toOffset, end);
        long next = fromOffset;
        if (limit <= fromOffset) {
            return fromOffset;
        }
        Map.Entry<Long, View> ve = views.floorEntry(fromOffset);
        boolean first = true;
        for (View v : views.tailMap(ve.getKey(), true).values()) {
            List<BatchEntry> list = v.entries;
            int i = first ? (fromOffset >= v.end ? list.size() : floorIndex(list, fromOffset)) : 0;
            first = false;
            for (; i < list.size(); i++) {
                BatchEntry b = list.get(i);
                if (b.offset() >= limit) {
                    return Math.max(next, b.offset());
                }
                byte[] bytes = batchBytes(v, b);
                int db = b.db();
                boolean tx = false;
                int p = 0;
                while (p < b.length()) {
                    RespCommands.Parsed c;
                    try {
                        c = RespCommands.parse(bytes, p, b.length());
                    } catch (MalformedCommandException e) {
                        c = null;
                    }
                    if (c == null) {
                        throw new LogCorruptionException(v.logPath, b.offset() - v.base, b.offset(),
                                "batch is not whole RESP commands (at byte " + p + " of " + b.length() + ")");
                    }
                    long off = b.offset() + p;
                    long after = off + c.length();
                    byte[][] argv = c.argv();
                    boolean inTx = tx;
                    if (RespCommands.is(argv[0], "multi")) {
                        tx = true;
                        inTx = true;
                    } else if (RespCommands.is(argv[0], "exec") || RespCommands.is(argv[0], "discard")) {
                        tx = false;
                    }
                    db = selected(argv, db);
                    p += c.length();
                    if (off < fromOffset) {
                        continue;
                    }
                    if (after > limit) {
                        return off;
                    }
                    if (!visitor.command(new Command(argv, off, after, b.timestampMs(), db, inTx))) {
                        return off;
                    }
                    next = after;
                }
            }
        }
        return next;
    }

    private byte[] batchBytes(View v, BatchEntry b) throws IOException {
        if (buf.length < b.length()) {
            buf = new byte[Math.max(b.length(), buf.length * 2)];
        }
        v.readFully(b.offset() - v.base, buf, 0, b.length());
        CRC32C crc = new CRC32C();
        crc.update(buf, 0, b.length());
        if ((int) crc.getValue() != b.crc()) {
            throw new LogCorruptionException(v.logPath, b.offset() - v.base, b.offset(), "batch CRC mismatch (stored "
                    + Integer.toHexString(b.crc()) + ", computed " + Integer.toHexString((int) crc.getValue()) + ")");
        }
        return buf;
    }

    /** Index of the last entry whose offset is at or below {@code offset} (0 if none). */
    private static int floorIndex(List<BatchEntry> list, long offset) {
        int lo = 0;
        int hi = list.size() - 1;
        int found = 0;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (list.get(mid).offset() <= offset) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    static int selected(byte[][] argv, int db) {
        if (argv.length == 2 && RespCommands.is(argv[0], "select")) {
            try {
                return Integer.parseInt(new String(argv[1], StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                return db;
            }
        }
        return db;
    }

    /** Closes the files the view holds open. */
    @Override
    public void close() {
        for (View v : views.values()) {
            v.close();
        }
        views.clear();
    }

    // ------------------------------------------------------------------------------ one segment

    private static final int UNKNOWN_DB = Integer.MIN_VALUE;

    /** What the view knows of one segment; updated in place by {@link #update}. */
    private static final class View {
        final long base;
        final Path logPath;
        final Path idxPath;
        final FileChannel log;
        /** Indexed entries, then re-parsed units. */
        final List<BatchEntry> entries = new ArrayList<>();
        int indexed;
        long indexBytesIgnored;
        /** Offset past the last entry. */
        long end;
        /** The database selected after the last entry, computed when needed. */
        int dbAtEnd = UNKNOWN_DB;
        /** The database selected at the end of the previous segment. */
        int dbBefore = UNKNOWN_DB;
        /** An index entry reaching past the end of the file stopped the view (last segment only). */
        String stoppedBy;

        View(long base, Path logPath, Path idxPath, FileChannel log) {
            this.base = base;
            this.logPath = logPath;
            this.idxPath = idxPath;
            this.log = log;
            this.end = base;
        }

        Segment info() {
            return new Segment(base, end, indexed, entries.size(),
                    entries.isEmpty() ? -1 : entries.get(0).timestampMs(),
                    entries.isEmpty() ? -1 : entries.get(entries.size() - 1).timestampMs(), logPath, idxPath,
                    indexBytesIgnored);
        }

        void close() {
            try {
                log.close();
            } catch (IOException ignored) {
                // read-only: nothing to lose
            }
        }

        void readFully(long position, byte[] dst, int off, int len) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(dst, off, len);
            while (b.hasRemaining()) {
                if (log.read(b, position + b.position() - off) < 0) {
                    throw new LogCorruptionException(logPath, position + b.position() - off, base + position + b.position() - off,
                            "file ends before the view's end (truncated while read?)");
                }
            }
        }

        int dbAtEnd() throws IOException {
            if (dbAtEnd == UNKNOWN_DB) {
                dbAtEnd = entries.isEmpty() ? dbBefore : dbAfter(entries.get(entries.size() - 1));
            }
            return dbAtEnd;
        }

        private int dbAfter(BatchEntry e) throws IOException {
            byte[] bytes = new byte[e.length()];
            readFully(e.offset() - base, bytes, 0, e.length());
            int db = e.db();
            int p = 0;
            try {
                while (p < e.length()) {
                    RespCommands.Parsed c = RespCommands.parse(bytes, p, e.length());
                    if (c == null) {
                        break;
                    }
                    db = selected(c.argv(), db);
                    p += c.length();
                }
            } catch (MalformedCommandException ignored) {
                // reported when the batch is scanned
            }
            return db;
        }

        /** Reads new index entries and re-parses the bytes past them. */
        void update(boolean last, int prevDb) throws IOException {
            if (dbBefore == UNKNOWN_DB) {
                dbBefore = prevDb == UNKNOWN_DB ? -1 : prevDb;
            }
            long size = log.size();
            // 1. New entries of the .idx.
            long idxSize;
            List<BatchEntry> fresh = new ArrayList<>();
            long indexedEnd = indexed == 0 ? base : entries.get(indexed - 1).endOffset();
            String stop = null;
            try (FileChannel idx = FileChannel.open(idxPath, StandardOpenOption.READ)) {
                idxSize = idx.size();
                ByteBuffer b = ByteBuffer.allocate(LogSegment.ENTRY_BYTES * 1024);
                long pos = (long) indexed * LogSegment.ENTRY_BYTES;
                outer:
                while (pos + LogSegment.ENTRY_BYTES <= idxSize) {
                    b.clear();
                    long want = Math.min(b.capacity(), (idxSize - pos) / LogSegment.ENTRY_BYTES * LogSegment.ENTRY_BYTES);
                    b.limit((int) want);
                    while (b.hasRemaining()) {
                        if (idx.read(b, pos + b.position()) < 0) {
                            break;
                        }
                    }
                    b.flip();
                    while (b.remaining() >= LogSegment.ENTRY_BYTES) {
                        ByteBuffer one = b.slice(b.position(), LogSegment.ENTRY_BYTES);
                        b.position(b.position() + LogSegment.ENTRY_BYTES);
                        BatchEntry e = LogSegment.decodeChecked(one, base);
                        if (e == null || e.offset() != indexedEnd || e.length() <= 0) {
                            break outer;
                        }
                        if (e.endOffset() - base > size) {
                            if (!last) {
                                throw new LogCorruptionException(logPath, e.offset() - base, e.offset(),
                                        "indexed batch extends past the end of the file (" + e.length()
                                                + " bytes at position " + (e.offset() - base) + ", file size " + size + ")");
                            }
                            stop = "indexed batch extends past the end of the file (" + e.length() + " bytes at position "
                                    + (e.offset() - base) + ", file size " + size + ")";
                            break outer;
                        }
                        fresh.add(e);
                        indexedEnd = e.endOffset();
                        pos += LogSegment.ENTRY_BYTES;
                    }
                }
            } catch (NoSuchFileException e) {
                idxSize = 0;
            }
            // 2. The re-parsed units the new entries now cover go; the entries take their place.
            if (!fresh.isEmpty()) {
                List<BatchEntry> parsed = new ArrayList<>(entries.subList(indexed, entries.size()));
                entries.subList(indexed, entries.size()).clear();
                entries.addAll(fresh);
                indexed = entries.size();
                for (BatchEntry p : parsed) {
                    if (p.offset() >= indexedEnd) {
                        entries.add(p);
                    }
                }
                // A unit that straddles the new index end cannot be: parse again from the index end.
                if (entries.size() > indexed && entries.get(indexed).offset() != indexedEnd) {
                    entries.subList(indexed, entries.size()).clear();
                }
                dbAtEnd = UNKNOWN_DB;
            }
            indexBytesIgnored = idxSize - (long) indexed * LogSegment.ENTRY_BYTES;
            stoppedBy = stop;
            if (stop != null) {
                entries.subList(indexed, entries.size()).clear();
                end = indexedEnd;
                dbAtEnd = UNKNOWN_DB;
                return;
            }
            // 3. Whole units past the entries.
            long parsedEnd = entries.isEmpty() ? base : entries.get(entries.size() - 1).endOffset();
            end = parsedEnd;
            if (parsedEnd - base < size) {
                reparse(parsedEnd, size, last);
            } else if (!last && parsedEnd - base > size) {
                throw new LogCorruptionException(logPath, size, base + size, "file is shorter than its index");
            }
        }

        /**
         * Parses units from {@code from} (a unit boundary) to the file's end {@code size} as
         * recovery does ({@link UnindexedTail}); adds the whole ones. In an earlier segment whatever
         * does not parse is corruption (zero fill to the file's end excepted).
         */
        private void reparse(long from, long size, boolean last) throws IOException {
            int db = dbAtEnd();
            long timestamp = Math.max(entries.isEmpty() ? 0 : entries.get(entries.size() - 1).timestampMs(),
                    Files.getLastModifiedTime(logPath).toMillis());
            UnindexedTail tail = UnindexedTail.parse(log::read, base, from, size, db, timestamp,
                    UnindexedTail.Rules.READ_ONLY_VIEW);
            entries.addAll(tail.units());
            end = tail.end();
            dbAtEnd = tail.dbAtEnd();
            String problem = tail.problem();
            if (!last && problem != null) {
                long kept = end - base;
                if (!problem.startsWith("zero bytes") || !zerosFrom(kept, size)) {
                    throw new LogCorruptionException(logPath, kept, end, problem);
                }
            }
        }

        /** Whether the file holds only zero bytes from {@code position} to {@code size}. */
        private boolean zerosFrom(long position, long size) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(64 * 1024);
            long pos = position;
            while (pos < size) {
                b.clear();
                b.limit((int) Math.min(b.capacity(), size - pos));
                int n = log.read(b, pos);
                if (n < 0) {
                    return true;
                }
                for (int i = 0; i < n; i++) {
                    if (b.get(i) != 0) {
                        return false;
                    }
                }
                pos += n;
            }
            return true;
        }

        /** What follows the view's end in this (last) segment, or {@code null} when nothing or only zero fill. */
        TornTail tornTail() throws IOException {
            long size = log.size();
            long position = end - base;
            if (position >= size) {
                return null;
            }
            // The last non-zero byte: zero fill past it is preallocated space, not data.
            long dataEnd = position;
            ByteBuffer b = ByteBuffer.allocate(64 * 1024);
            long pos = position;
            while (pos < size) {
                b.clear();
                b.limit((int) Math.min(b.capacity(), size - pos));
                int n = log.read(b, pos);
                if (n < 0) {
                    break;
                }
                for (int i = n - 1; i >= 0; i--) {
                    if (b.get(i) != 0) {
                        dataEnd = pos + i + 1;
                        break;
                    }
                }
                pos += n;
            }
            if (dataEnd == position) {
                return null;
            }
            String reason = stoppedBy != null ? stoppedBy : describeTail(position, dataEnd);
            return new TornTail(logPath, position, end, dataEnd - position, reason);
        }

        private String describeTail(long position, long dataEnd) throws IOException {
            int len = (int) Math.min(dataEnd - position, 1 << 24);
            byte[] bytes = new byte[len];
            readFully(position, bytes, 0, len);
            int p = 0;
            boolean multi = false;
            try {
                while (p < len) {
                    RespCommands.Parsed c = RespCommands.parse(bytes, p, len);
                    if (c == null) {
                        return "incomplete command at position " + (position + p);
                    }
                    if (RespCommands.is(c.argv()[0], "multi")) {
                        multi = true;
                    }
                    p += c.length();
                }
            } catch (MalformedCommandException e) {
                return "unreadable command (" + e.getMessage() + ") at position " + (position + p + e.position());
            }
            return multi ? "MULTI without EXEC" : "incomplete unit";
        }
    }
}
