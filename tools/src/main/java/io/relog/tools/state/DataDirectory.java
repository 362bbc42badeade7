package io.relog.tools.state;

import io.relog.log.ReadOnlyLog;
import io.relog.log.ReplicationHistory;
import io.relog.snapshot.SnapshotFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * A Relog data directory as the tools see it: {@code log/} (segments), {@code snapshots/} (RDB
 * files named by offset) and {@code replication-history}. Opening one reads nothing yet and
 * never writes.
 */
public record DataDirectory(Path root) {

    /** The data directory at {@code root}; fails clearly if it is not one. */
    public static DataDirectory open(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new NoSuchFileException(root.toString(), null, "no such data directory");
        }
        if (!Files.isDirectory(root.resolve("log")) && !Files.isDirectory(root.resolve("snapshots"))) {
            throw new NoSuchFileException(root.toString(), null, "not a Relog data directory (no log/ or snapshots/ in it)");
        }
        return new DataDirectory(root);
    }

    public Path logDir() {
        return root.resolve("log");
    }

    public SnapshotFiles snapshotFiles() {
        return new SnapshotFiles(root);
    }

    public List<SnapshotFiles.Snapshot> snapshots() throws IOException {
        return snapshotFiles().list();
    }

    public Path historyFile() {
        return root.resolve(ReplicationHistory.FILE_NAME);
    }

    /** A read-only view of the log ({@link ReadOnlyLog}). */
    public ReadOnlyLog openLog() throws IOException {
        if (!Files.isDirectory(logDir())) {
            throw new NoSuchFileException(logDir().toString(), null, "no log directory");
        }
        return ReadOnlyLog.open(logDir());
    }
}
