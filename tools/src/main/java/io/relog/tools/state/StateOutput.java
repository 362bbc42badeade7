package io.relog.tools.state;

import io.relog.log.CommandLog;
import io.relog.log.LogOptions;
import io.relog.log.ReplicationHistory;
import io.relog.snapshot.SnapshotFiles;
import io.relog.snapshot.rdb.RdbAux;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/** Writes a built data set ({@link Replay}) as an RDB file or as a new Relog data directory. */
public final class StateOutput {

    private StateOutput() {
    }

    /**
     * Writes the data set as the RDB file {@code out} (loadable by Relog and Redis 6.2–7.4): a
     * temp file beside it, fsync, rename. No replication aux fields: the file belongs to no
     * replication history.
     *
     * @return bytes written
     */
    public static long writeRdb(Replay replay, Path out) throws IOException {
        Path dir = out.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(out.getFileName() + ".tmp");
        long n;
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream os = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
            n = replay.writeRdb(os, RdbAux.withoutReplication(System.currentTimeMillis() / 1000, 0));
            os.flush();
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return n;
    }

    /**
     * Makes {@code outDir} (missing or empty) a Relog data directory holding the data set: a
     * snapshot at log offset {@code offset}, an empty log that continues from {@code offset} (so
     * offsets keep counting where the source's did), and a replication history with a new ID
     * starting there (the new directory is a new history: no replica of the old one may continue
     * from it). The server starts on it by loading the snapshot.
     *
     * @return the snapshot written
     */
    public static SnapshotFiles.Snapshot writeDataDir(Replay replay, Path outDir, long offset) throws IOException {
        requireEmpty(outDir);
        Files.createDirectories(outDir);
        try (CommandLog log = CommandLog.open(outDir.resolve("log"), LogOptions.defaults(), offset)) {
            if (log.endOffset() != offset) {
                throw new IOException("the new log in " + outDir + " does not start at offset " + offset);
            }
        }
        ReplicationHistory history = ReplicationHistory.load(outDir, offset);
        RdbAux aux = new RdbAux(RdbAux.REDIS_VERSION, System.currentTimeMillis() / 1000, 0, history.current().replid(),
                offset, Math.max(0, replay.selectedDb()), false);
        return new SnapshotFiles(outDir).write(offset, replay.freeze(), aux);
    }

    /** Fails unless {@code dir} is missing or an empty directory: the tools never write into existing data. */
    public static void requireEmpty(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + " exists and is not a directory");
        }
        try (Stream<Path> s = Files.list(dir)) {
            if (s.findAny().isPresent()) {
                throw new IOException(dir + " is not empty: give a new directory for the data");
            }
        }
    }
}
