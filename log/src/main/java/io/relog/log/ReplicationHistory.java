package io.relog.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Every replication ID the log has lived under, with the log offset where each began: the file
 * {@code replication-history} in the data directory, one line {@code <40-hex replid> <start
 * offset>} per ID, oldest first (like Kafka's leader-epoch checkpoint). Redis keeps only two IDs
 * ({@code replid}, {@code replid2}); keeping all of them lets a replica continue from any offset
 * still in the log under whichever ID it knew then.
 *
 * <p>A replid {@code R} starting at {@code S} owns offsets {@code S} up to the next ID's start (or
 * the log end for the current one). The file is replaced atomically (write, fsync, rename, fsync
 * the directory). Not thread-safe; one owner.
 */
public final class ReplicationHistory {

    public static final String FILE_NAME = "replication-history";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One ID and the offset of its first byte. */
    public record Entry(String replid, long startOffset) {
    }

    private final Path file;
    private final List<Entry> entries;

    private ReplicationHistory(Path file, List<Entry> entries) {
        this.file = file;
        this.entries = entries;
    }

    /**
     * Loads {@code dir/replication-history}; if missing, starts one with a new random ID at
     * {@code startOffset} and writes it.
     *
     * @throws IOException naming the file and line if a line is malformed
     */
    public static ReplicationHistory load(Path dir, long startOffset) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        List<Entry> entries = new ArrayList<>(read(dir));
        ReplicationHistory h = new ReplicationHistory(file, entries);
        if (entries.isEmpty()) {
            entries.add(new Entry(randomReplid(), startOffset));
            h.save();
        }
        return h;
    }

    /**
     * Reads {@code dir/replication-history} without creating or changing anything (tools, and
     * readers of a live server's directory: the server replaces the file atomically, so a read
     * sees the old or the new version whole).
     *
     * @return the entries, oldest first; empty if the file does not exist
     * @throws IOException naming the file and line if a line is malformed
     */
    public static List<Entry> read(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        List<Entry> entries = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (java.nio.file.NoSuchFileException e) {
            return entries;
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            long off;
            try {
                off = parts.length == 2 ? Long.parseLong(parts[1]) : -1;
            } catch (NumberFormatException e) {
                off = -1;
            }
            if (parts.length != 2 || !isReplid(parts[0]) || off < 0
                    || (!entries.isEmpty() && off < entries.get(entries.size() - 1).startOffset())) {
                throw new IOException("Bad line in " + file + " at line " + (i + 1) + ": '" + line
                        + "' (expected '<40 hex digits> <offset>', offsets not decreasing)");
            }
            entries.add(new Entry(parts[0], off));
        }
        return entries;
    }

    /** Whether {@code s} looks like a replication ID (40 lower- or upper-case hex digits). */
    public static boolean isReplid(String s) {
        if (s.length() != 40) {
            return false;
        }
        for (int i = 0; i < 40; i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /** A new random 40-hex-digit ID, as Redis' {@code changeReplicationId}. */
    public static String randomReplid() {
        byte[] b = new byte[20];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The current ID (the last entry). */
    public Entry current() {
        return entries.get(entries.size() - 1);
    }

    /** The ID before the current one, or {@code null}. */
    public Entry previous() {
        return entries.size() < 2 ? null : entries.get(entries.size() - 2);
    }

    /** All entries, oldest first. */
    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /**
     * Starts a new ID at {@code offset} (a promotion, or a restart that may have lost an unsynced
     * tail) and saves the file.
     */
    public Entry shift(String replid, long offset) throws IOException {
        if (offset < current().startOffset()) {
            throw new IllegalArgumentException("offset " + offset + " is before the current ID's start " + current().startOffset());
        }
        Entry e = new Entry(replid, offset);
        if (current().startOffset() == offset) {
            entries.set(entries.size() - 1, e); // the previous ID owned no bytes
        } else {
            entries.add(e);
        }
        save();
        return e;
    }

    /** Forgets every ID and starts over with {@code replid} at {@code offset} (a replica's full sync). */
    public void reset(String replid, long offset) throws IOException {
        entries.clear();
        entries.add(new Entry(replid, offset));
        save();
    }

    /**
     * The offset range {@code [start, end]} that {@code replid} owns, given the log end, or
     * {@code null} if it is not in the history: a PSYNC with this ID can continue from any
     * offset in that range (that the log still retains).
     */
    public long[] rangeOf(String replid, long logEndOffset) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).replid().equalsIgnoreCase(replid)) {
                long end = i + 1 < entries.size() ? entries.get(i + 1).startOffset() : logEndOffset;
                return new long[] {entries.get(i).startOffset(), end};
            }
        }
        return null;
    }

    /** Drops entries whose whole range lies below {@code logStartOffset} (their bytes are gone). */
    public void trimBefore(long logStartOffset) throws IOException {
        int drop = 0;
        while (drop + 1 < entries.size() && entries.get(drop + 1).startOffset() <= logStartOffset) {
            drop++;
        }
        if (drop > 0) {
            entries.subList(0, drop).clear();
            save();
        }
    }

    private void save() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Entry e : entries) {
            sb.append(e.replid()).append(' ').append(e.startOffset()).append('\n');
        }
        Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        DirectorySync.fsync(file.getParent());
    }
}
