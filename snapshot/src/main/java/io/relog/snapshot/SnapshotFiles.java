package io.relog.snapshot;

import io.relog.engine.keyspace.Database;
import io.relog.snapshot.rdb.RdbAux;
import io.relog.snapshot.rdb.RdbWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The snapshot files of a data directory: {@code <dir>/snapshots/<20-digit offset>.rdb}, the
 * offset being the log offset of the freeze (the snapshot holds every write below it).
 *
 * <p>A snapshot appears under its final name only once complete and durable: it is written to a
 * temporary file in the same directory, fsynced, renamed atomically, and the directory is fsynced
 * so the rename survives a power loss. A crash at any point leaves either the previous set of
 * snapshots or the new one, plus at worst a {@code .tmp} file that {@link #deleteTemporaryFiles}
 * removes. Any thread; concurrent writers must use distinct offsets.
 */
public final class SnapshotFiles {

    /** A complete snapshot: its freeze offset, path and size in bytes. */
    public record Snapshot(long offset, Path path, long size) {
    }

    /** Writes a snapshot's bytes; the stream is closed by {@link SnapshotFiles}. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private static final Pattern NAME = Pattern.compile("(\\d{20})\\.rdb");
    private static final String TMP_SUFFIX = ".tmp";

    private final Path dir;

    /**
     * Bytes written between two fdatasyncs of a snapshot being written; 0 syncs only at the end.
     * Volatile: set by the engine thread (CONFIG SET), read by the snapshot thread.
     */
    private volatile long incrementalSyncBytes = INCREMENTAL_SYNC_BYTES;

    /** Redis' {@code REDIS_AUTOSYNC_BYTES}: with {@code rdb-save-incremental-fsync yes}, a sync every 32 MiB. */
    public static final long INCREMENTAL_SYNC_BYTES = 32L << 20;

    /** The snapshots of data directory {@code dataDir} (in its {@code snapshots} subdirectory). */
    public SnapshotFiles(Path dataDir) {
        this.dir = dataDir.resolve("snapshots");
    }

    public Path directory() {
        return dir;
    }

    /**
     * {@code rdb-save-incremental-fsync}: whether a snapshot being written is fdatasynced every
     * {@link #INCREMENTAL_SYNC_BYTES} instead of only at the end. Without it the kernel holds up
     * to the whole snapshot as dirty pages, and writing them back (the final fsync, or the
     * kernel's own flushing, which ext4 ties to its journal commits) makes other writers on the
     * file system, such as the command log's appends, wait for it; with it, at most 32 MiB is
     * ever outstanding. Any thread.
     */
    public void setIncrementalSync(boolean on) {
        incrementalSyncBytes = on ? INCREMENTAL_SYNC_BYTES : 0;
    }

    /** {@code <20-digit offset>.rdb}. */
    public static String fileName(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset " + offset);
        }
        return String.format("%020d.rdb", offset);
    }

    /** Writes the frozen {@code views} as the snapshot at log offset {@code offset}. */
    public Snapshot write(long offset, Database[] views, RdbAux aux) throws IOException {
        return write(offset, out -> RdbWriter.write(views, aux, out));
    }

    /**
     * Like {@link #write(long, Database[], RdbAux)} for a running server: consumes the views,
     * letting go of each key once written so that the part already written stops costing memory
     * when writes replace it (see {@link RdbWriter#write(Database[], RdbAux, java.io.OutputStream,
     * long, boolean)}), and pauses {@code keyDelayMicros} after each key ({@code rdb-key-save-delay}).
     * The views' key sets are empty afterwards, whether the write succeeded or not.
     */
    public Snapshot writeConsuming(long offset, Database[] views, RdbAux aux, long keyDelayMicros) throws IOException {
        return write(offset, out -> RdbWriter.write(views, aux, out, keyDelayMicros, true));
    }

    /**
     * Writes {@code body} as the snapshot at {@code offset}: temp file, fsync, atomic rename
     * (replacing a snapshot of the same offset), directory fsync. On failure the temp file is
     * removed and no snapshot changes.
     */
    public Snapshot write(long offset, Body body) throws IOException {
        boolean created = !Files.isDirectory(dir);
        Files.createDirectories(dir);
        if (created) {
            syncDirectory(dir.getParent());
        }
        Path target = dir.resolve(fileName(offset));
        Path tmp = dir.resolve(fileName(offset) + TMP_SUFFIX);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = Channels.newOutputStream(ch);
                long every = incrementalSyncBytes;
                if (every > 0) {
                    out = new IncrementalSync(out, ch, every);
                }
                body.writeTo(out);
                out.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename " + tmp + " atomically", e);
            }
            syncDirectory(dir);
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return new Snapshot(offset, target, Files.size(target));
    }

    /**
     * Makes the complete, fsynced RDB file {@code rdb} (on the same filesystem, e.g. a replica's
     * full-sync download) the snapshot at {@code offset}: atomic rename into place, directory fsync.
     */
    public Snapshot adopt(Path rdb, long offset) throws IOException {
        boolean created = !Files.isDirectory(dir);
        Files.createDirectories(dir);
        if (created) {
            syncDirectory(dir.getParent());
        }
        Path target = dir.resolve(fileName(offset));
        try {
            Files.move(rdb, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + rdb + " atomically", e);
        }
        syncDirectory(dir);
        return new Snapshot(offset, target, Files.size(target));
    }

    /** Every complete snapshot, oldest (lowest offset) first; none if the directory does not exist. */
    public List<Snapshot> list() throws IOException {
        List<Snapshot> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p)) {
                    out.add(new Snapshot(Long.parseLong(m.group(1)), p, Files.size(p)));
                }
            }
        }
        out.sort(Comparator.comparingLong(Snapshot::offset));
        return out;
    }

    /** Removes the temp files of interrupted writes (call at start, before any write); returns how many. */
    public int deleteTemporaryFiles() throws IOException {
        int n = 0;
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + TMP_SUFFIX)) {
            for (Path p : files) {
                Files.deleteIfExists(p);
                n++;
            }
        }
        return n;
    }

    private static void syncDirectory(Path d) throws IOException {
        try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Passes writes through to a file channel and fdatasyncs it after every {@code every} bytes. */
    private static final class IncrementalSync extends java.io.FilterOutputStream {
        private final FileChannel channel;
        private final long every;
        private long sinceSync;

        IncrementalSync(OutputStream out, FileChannel channel, long every) {
            super(out);
            this.channel = channel;
            this.every = every;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            counted(1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            counted(len);
        }

        private void counted(int n) throws IOException {
            sinceSync += n;
            if (sinceSync >= every) {
                out.flush();
                channel.force(false);
                sinceSync = 0;
            }
        }
    }
}
