package io.relog.log;

import io.relog.log.resp.MalformedCommandException;
import io.relog.log.resp.RespCommands;
import io.relog.log.segment.LogSegment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Opening a log directory after a clean stop or a crash.
 *
 * <p><b>What a crash can leave.</b> Batches are written to the {@code .log} first and their index
 * entries later, in groups, so the {@code .idx} may end before the {@code .log}; a write cut short
 * leaves part of a batch (or of a command) at the very end. Neither loses an acknowledged write:
 * under {@code appendfsync always} a reply is only sent once its batch is on disk. So: every
 * indexed batch is checked against its CRC32C; the {@code .log} past the last good entry is parsed
 * command by command and indexed again (a {@code MULTI} without its {@code EXEC} counts as
 * incomplete, so a transaction is kept whole or dropped whole); what remains at the tail of the
 * last segment is cut with a warning naming the file and the bytes. A batch that fails its CRC
 * with good batches after it, or anything wrong in an earlier segment, cannot be a torn write:
 * it is corruption and stops the open ({@link LogCorruptionException}), unless the options say to
 * truncate there, in which case later segments are deleted too, with a warning.
 */
final class LogRecovery {

    private final Path dir;
    private final LogOptions options;
    private final List<String> warnings = new ArrayList<>();
    private long batchesChecked;
    private long bytesChecked;
    private long entriesRebuilt;
    private long bytesTruncated;
    private int streamDb = -1;
    private byte[] buf = new byte[1 << 20];

    LogRecovery(Path dir, LogOptions options) {
        this.dir = dir;
        this.options = options;
    }

    RecoveryReport report() {
        return new RecoveryReport(List.copyOf(warnings), batchesChecked, bytesChecked, entriesRebuilt, bytesTruncated,
                streamDb);
    }

    /** Opens and repairs every segment in {@code dir}; returns them by base offset (none if the directory is empty). */
    TreeMap<Long, LogSegment> recover() throws IOException {
        TreeMap<Long, Path> files = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.matches("\\d{20}\\.log")) {
                    files.put(Long.parseLong(name.substring(0, 20)), p);
                }
            }
        }
        deleteOrphanIndexes(files);
        TreeMap<Long, LogSegment> segments = new TreeMap<>();
        try {
            Long expectedBase = null;
            List<Long> bases = new ArrayList<>(files.keySet());
            for (int k = 0; k < bases.size(); k++) {
                long base = bases.get(k);
                boolean last = k == bases.size() - 1;
                if (expectedBase != null && base != expectedBase) {
                    String reason = "segment starts at offset " + base + " but the previous one ends at " + expectedBase;
                    corruption(segments.lastEntry().getValue().logPath(),
                            segments.lastEntry().getValue().size(), expectedBase, reason);
                    dropFrom(bases, k, files);
                    break;
                }
                LogSegment s = LogSegment.open(dir, base);
                segments.put(base, s);
                boolean stop = recoverSegment(s, last);
                expectedBase = s.endOffset();
                if (stop) {
                    dropFrom(bases, k + 1, files);
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            for (LogSegment s : segments.values()) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            throw e;
        }
        return segments;
    }

    private void deleteOrphanIndexes(TreeMap<Long, Path> logs) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.idx")) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.matches("\\d{20}\\.idx") && !logs.containsKey(Long.parseLong(name.substring(0, 20)))) {
                    Files.delete(p);
                    warnings.add("Deleted index " + p + " which had no segment file");
                }
            }
        }
    }

    /** Deletes the segments from {@code bases[k]} on (after a truncation under the truncate policy). */
    private void dropFrom(List<Long> bases, int k, TreeMap<Long, Path> files) throws IOException {
        for (int i = k; i < bases.size(); i++) {
            Path log = files.get(bases.get(i));
            long size = Files.size(log);
            bytesTruncated += size;
            Files.delete(log);
            Files.deleteIfExists(dir.resolve(LogSegment.fileName(bases.get(i), ".idx")));
            warnings.add("Deleted segment " + log + " (" + size + " bytes) after the truncation point");
        }
    }

    /** Reports corruption: throws under the strict policy, else records the warning (the caller truncates). */
    private void corruption(Path file, long position, long offset, String reason) throws LogCorruptionException {
        LogCorruptionException e = new LogCorruptionException(file, position, offset, reason);
        if (!options.truncateOnCorruption()) {
            throw e;
        }
        warnings.add(e.getMessage().replace("; set 'log-recovery-policy truncate' to drop the log from there on", "")
                + ": truncating the log there (log-recovery-policy truncate)");
    }

    /**
     * Checks and repairs one segment. Returns {@code true} if the log was truncated inside it
     * because of corruption, so the later segments must go.
     */
    private boolean recoverSegment(LogSegment s, boolean last) throws IOException {
        long base = s.baseOffset();
        s.dropTrailingZeros(); // zero-filled space ahead of the last write is not log data
        long fileSize = s.size();
        List<BatchEntry> indexed = s.readIndexFile();
        List<BatchEntry> valid = new ArrayList<>(indexed.size());
        int firstBad = -1;
        String badReason = null;
        boolean goodAfterBad = false;
        for (int i = 0; i < indexed.size(); i++) {
            BatchEntry e = indexed.get(i);
            String problem = check(s, e, fileSize);
            if (problem == null) {
                if (firstBad < 0) {
                    valid.add(e);
                    batchesChecked++;
                    bytesChecked += e.length();
                } else {
                    goodAfterBad = true;
                    break;
                }
            } else if (firstBad < 0) {
                firstBad = i;
                badReason = problem;
            }
        }
        if (!valid.isEmpty()) {
            BatchEntry lastGood = valid.get(valid.size() - 1);
            streamDb = dbAfter(s, lastGood);
        }
        if (firstBad >= 0) {
            BatchEntry bad = indexed.get(firstBad);
            long position = bad.offset() - base;
            // A torn write is the last thing in the log: whole commands after the bad batch (an
            // index that lagged behind them) mean the log went on, so the batch is corruption.
            if (!last || goodAfterBad || wholeCommandAt(s, bad.endOffset() - base, fileSize)) {
                corruption(s.logPath(), position, bad.offset(), "batch " + badReason);
                truncate(s, valid, position, fileSize);
                return true;
            }
            warnings.add("Truncated the torn tail of " + s.logPath() + ": dropped " + (fileSize - position)
                    + " bytes from position " + position + " (offset " + bad.offset() + "; batch " + badReason + ")");
            truncate(s, valid, position, fileSize);
            return false;
        }
        long tailStart = valid.isEmpty() ? 0 : valid.get(valid.size() - 1).endOffset() - base;
        // Bytes in the .idx past the entries read: a torn or corrupt entry, not just an index behind.
        boolean damagedIndex = Files.size(s.idxPath()) > (long) indexed.size() * LogSegment.ENTRY_BYTES;
        if (tailStart < fileSize || damagedIndex) {
            return rebuildTail(s, valid, tailStart, fileSize, last, damagedIndex);
        }
        s.useIndex(valid); // nothing to repair: the segment still has to know its entries
        return false;
    }

    /** Whether a whole, well-formed command starts at file position {@code position} (before {@code fileSize}). */
    private boolean wholeCommandAt(LogSegment s, long position, long fileSize) throws IOException {
        if (position >= fileSize) {
            return false;
        }
        int len = (int) Math.min(fileSize - position, 1 << 24);
        byte[] bytes = read(s, position, len);
        try {
            return RespCommands.parse(bytes, 0, len) != null;
        } catch (MalformedCommandException e) {
            return false;
        }
    }

    private void truncate(LogSegment s, List<BatchEntry> valid, long position, long fileSize) throws IOException {
        bytesTruncated += fileSize - position;
        s.resetTo(valid, position);
    }

    /** {@code null} if the batch's bytes are present and match its CRC, else what is wrong. */
    private String check(LogSegment s, BatchEntry e, long fileSize) throws IOException {
        long position = e.offset() - s.baseOffset();
        if (position + e.length() > fileSize) {
            return "extends past the end of the file (" + e.length() + " bytes at position " + position + ", file size "
                    + fileSize + ")";
        }
        byte[] bytes = read(s, position, e.length());
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, e.length());
        if ((int) crc.getValue() != e.crc()) {
            return "CRC mismatch (stored " + Integer.toHexString(e.crc()) + ", computed "
                    + Integer.toHexString((int) crc.getValue()) + ")";
        }
        return null;
    }

    private byte[] read(LogSegment s, long position, int length) throws IOException {
        if (buf.length < length) {
            buf = new byte[Math.max(length, buf.length * 2)];
        }
        ByteBuffer b = ByteBuffer.wrap(buf, 0, length);
        while (b.hasRemaining()) {
            int n = s.read(b, position + b.position());
            if (n < 0) {
                throw new IOException("unexpected end of " + s.logPath() + " at position " + (position + b.position()));
            }
        }
        return buf;
    }

    /** The stream's database after batch {@code e}: its starting database, changed by its SELECTs. */
    private int dbAfter(LogSegment s, BatchEntry e) throws IOException {
        byte[] bytes = read(s, e.offset() - s.baseOffset(), e.length());
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
            // The CRC held, so the bytes are what was written; a non-RESP batch only loses the db hint.
        }
        return db;
    }

    private static int selected(byte[][] argv, int db) {
        if (argv.length == 2 && RespCommands.is(argv[0], "select")) {
            try {
                return Integer.parseInt(new String(argv[1], java.nio.charset.StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                return db;
            }
        }
        return db;
    }

    /**
     * Indexes the {@code .log} from {@code tailStart} again, one entry per command or per whole
     * {@code MULTI … EXEC} ({@link UnindexedTail}), and cuts what is left at the end (an incomplete
     * or unreadable command) with a warning; in a segment other than the last that is corruption.
     */
    private boolean rebuildTail(LogSegment s, List<BatchEntry> valid, long tailStart, long fileSize, boolean last,
            boolean damagedIndex) throws IOException {
        long base = s.baseOffset();
        long timestamp = Math.max(valid.isEmpty() ? 0 : valid.get(valid.size() - 1).timestampMs(),
                Files.getLastModifiedTime(s.logPath()).toMillis());
        UnindexedTail tail = UnindexedTail.parse(s::read, base, base + tailStart, fileSize, streamDb, timestamp,
                UnindexedTail.Rules.RECOVERY);
        List<BatchEntry> rebuilt = tail.units();
        long kept = tail.end() - base;
        String problem = tail.problem();
        streamDb = tail.dbAtEnd();
        List<BatchEntry> all = new ArrayList<>(valid);
        all.addAll(rebuilt);
        entriesRebuilt += rebuilt.size();
        if (!rebuilt.isEmpty() || damagedIndex) {
            warnings.add("Rebuilt " + rebuilt.size() + " index entries of " + s.idxPath() + " from the segment ("
                    + (damagedIndex ? "index had a damaged tail" : "index was behind") + ")");
        }
        if (kept < fileSize) {
            if (!last) {
                corruption(s.logPath(), kept, base + kept, problem);
                truncate(s, all, kept, fileSize);
                return true;
            }
            warnings.add("Truncated the torn tail of " + s.logPath() + ": dropped " + (fileSize - kept)
                    + " bytes from position " + kept + " (offset " + (base + kept) + "; " + problem + ")");
        }
        truncate(s, all, kept, fileSize);
        return false;
    }
}
