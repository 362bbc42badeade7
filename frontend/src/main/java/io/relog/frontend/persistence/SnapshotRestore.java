package io.relog.frontend.persistence;

import io.relog.engine.Engine;
import io.relog.frontend.config.ServerConfig;
import io.relog.log.CommandLog;
import io.relog.snapshot.SnapshotFiles;
import io.relog.snapshot.rdb.RdbLoad;
import io.relog.snapshot.rdb.RdbReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restore at start, before the log is replayed: the newest snapshot the log still continues
 * (its offset between the log's start and end), else the one before it with a warning; with no
 * snapshot, the log from its start (which must then be offset 0's data, or the start fails: the
 * writes below it are gone). A data directory that holds only Redis' {@code dump.rdb} starts
 * from it.
 */
public final class SnapshotRestore {

    private static final Logger log = LoggerFactory.getLogger(SnapshotRestore.class);

    /**
     * What the start restored.
     *
     * @param snapshot      the snapshot loaded, or {@code null}
     * @param replayFrom    the log offset to replay from
     * @param streamDb      the database the log has selected at {@code replayFrom} (the snapshot's
     *                      {@code repl-stream-db}), or 0
     * @param fromRedisDump the data came from {@code dump.rdb} and is in no snapshot or log of ours yet
     */
    public record Restored(SnapshotFiles.Snapshot snapshot, long replayFrom, int streamDb, boolean fromRedisDump) {
    }

    private SnapshotRestore() {
    }

    /** Loads the starting point into {@code engine} (empty); returns where to replay the log from. */
    public static Restored restore(ServerConfig config, Engine engine, CommandLog commandLog,
            List<SnapshotFiles.Snapshot> snapshots) throws IOException {
        for (int i = snapshots.size() - 1; i >= 0; i--) {
            SnapshotFiles.Snapshot s = snapshots.get(i);
            if (s.offset() < commandLog.startOffset() || s.offset() > commandLog.endOffset()) {
                log.warn("Snapshot {} is at offset {}, outside the log ({} to {}): skipped", s.path().getFileName(),
                        s.offset(), commandLog.startOffset(), commandLog.endOffset());
                continue;
            }
            try {
                RdbLoad load = load(s.path(), config, engine);
                return new Restored(s, s.offset(), Math.max(0, load.replStreamDb()), false);
            } catch (IOException e) {
                log.warn("Snapshot {} cannot be loaded ({}); trying the previous one", s.path().getFileName(),
                        e.getMessage());
                clear(engine);
            }
        }
        if (commandLog.startOffset() > 0 && commandLog.endOffset() > commandLog.startOffset()
                || !snapshots.isEmpty() && commandLog.startOffset() > 0) {
            throw new IOException("The log starts at offset " + commandLog.startOffset()
                    + " and no usable snapshot holds the data below it: cannot restore");
        }
        Path dump = config.dir().resolve(config.get("dbfilename"));
        if (snapshots.isEmpty() && commandLog.endOffset() == 0 && Files.exists(dump)) {
            load(dump, config, engine);
            return new Restored(null, 0, 0, true);
        }
        return new Restored(null, commandLog.startOffset(), 0, false);
    }

    /**
     * Replaces the engine's data set with the snapshot at {@code path} (DEBUG RELOAD, which saves
     * it first, so the content is the same). Engine thread.
     */
    public static void reload(Engine engine, Path path) throws IOException {
        RdbLoad load = RdbReader.read(path, RdbReader.Options.of(engine));
        for (int db = 0; db < engine.databases(); db++) {
            engine.db(db).clear();
            if (db < load.databases().length && load.databases()[db] != null) {
                engine.db(db).swapWith(load.databases()[db]);
            }
        }
    }

    private static RdbLoad load(Path path, ServerConfig config, Engine engine) throws IOException {
        long start = System.nanoTime();
        RdbLoad load = RdbReader.read(path, RdbReader.Options.of(engine));
        for (String w : load.warnings()) {
            log.warn("{}: {}", path.getFileName(), w);
        }
        for (int db = 0; db < engine.databases() && db < load.databases().length; db++) {
            if (load.databases()[db] != null) {
                engine.db(db).swapWith(load.databases()[db]);
            }
        }
        log.info("Loaded {} ({} keys, RDB version {}) in {} seconds", path.getFileName(), load.keys(), load.version(),
                String.format(java.util.Locale.ROOT, "%.3f", (System.nanoTime() - start) / 1e9));
        return load;
    }

    private static void clear(Engine engine) {
        for (int db = 0; db < engine.databases(); db++) {
            engine.db(db).clear();
        }
    }
}
