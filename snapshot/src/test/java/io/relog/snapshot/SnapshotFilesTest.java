package io.relog.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relog.engine.Clock;
import io.relog.engine.Engine;
import io.relog.engine.propagation.Propagation;
import io.relog.snapshot.rdb.RdbAux;
import io.relog.snapshot.rdb.RdbLoad;
import io.relog.snapshot.rdb.RdbReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotFilesTest {

    @TempDir
    Path dataDir;

    @Test
    void writesNamedByOffsetAndListsOldestFirst() throws Exception {
        SnapshotFiles files = new SnapshotFiles(dataDir);
        assertThat(files.list()).isEmpty();
        Engine engine = new Engine(2, Clock.SYSTEM, Propagation.DISCARD);
        engine.db(1).put("k".getBytes(), "v".getBytes(), 0, false);
        RdbAux aux = new RdbAux(RdbAux.REDIS_VERSION, 1, 2, "a".repeat(40), 1234, 1, false);
        SnapshotFiles.Snapshot s = files.write(1234, engine.freeze(), aux);
        files.write(99, engine.freeze(), aux);
        assertThat(s.path()).isEqualTo(dataDir.resolve("snapshots/00000000000000001234.rdb"));
        assertThat(s.size()).isEqualTo(Files.size(s.path()));
        assertThat(files.list()).extracting(SnapshotFiles.Snapshot::offset).containsExactly(99L, 1234L);
        RdbLoad load = RdbReader.read(s.path(), RdbReader.Options.defaults(2));
        assertThat(load.databases()[1].peek("k".getBytes())).isEqualTo("v".getBytes());
        assertThat(load.replOffset()).isEqualTo(1234);
    }

    /**
     * With incremental fsync (the default) a snapshot larger than the sync interval is written
     * through the syncing stream; with it off, straight. Either way the file holds exactly the
     * bytes written, whatever mix of single bytes and arrays they came in.
     */
    @Test
    void incrementalSyncKeepsEveryByte() throws Exception {
        SnapshotFiles files = new SnapshotFiles(dataDir);
        long size = SnapshotFiles.INCREMENTAL_SYNC_BYTES * 2 + 12_345;
        for (boolean on : new boolean[] {true, false}) {
            files.setIncrementalSync(on);
            java.security.MessageDigest written = java.security.MessageDigest.getInstance("SHA-256");
            SnapshotFiles.Snapshot snap = files.write(on ? 1 : 2, out -> {
                java.util.Random rnd = new java.util.Random(7);
                byte[] chunk = new byte[70_001];
                long left = size;
                while (left > 0) {
                    if (rnd.nextInt(10) == 0) {
                        int b = rnd.nextInt(256);
                        out.write(b);
                        written.update((byte) b);
                        left--;
                    } else {
                        rnd.nextBytes(chunk);
                        int n = (int) Math.min(left, 1 + rnd.nextInt(chunk.length));
                        out.write(chunk, 0, n);
                        written.update(chunk, 0, n);
                        left -= n;
                    }
                }
            });
            assertThat(snap.size()).isEqualTo(size);
            java.security.MessageDigest read = java.security.MessageDigest.getInstance("SHA-256");
            try (java.io.InputStream in = Files.newInputStream(snap.path())) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    read.update(buf, 0, n);
                }
            }
            assertThat(read.digest()).as("incremental sync " + on).isEqualTo(written.digest());
        }
    }

    @Test
    void aFailedWriteLeavesNoFileAndKeepsThePreviousSnapshot() throws Exception {
        SnapshotFiles files = new SnapshotFiles(dataDir);
        files.write(5, out -> out.write("old".getBytes()));
        assertThatThrownBy(() -> files.write(5, out -> {
            out.write("partial".getBytes());
            throw new IOException("disk full");
        })).hasMessage("disk full");
        assertThat(files.list()).hasSize(1);
        assertThat(Files.readString(files.list().get(0).path())).isEqualTo("old");
        try (var stream = Files.list(files.directory())) {
            assertThat(stream).hasSize(1);
        }
        Files.writeString(files.directory().resolve("00000000000000000007.rdb.tmp"), "junk");
        assertThat(files.list()).hasSize(1);
        assertThat(files.deleteTemporaryFiles()).isEqualTo(1);
    }
}
