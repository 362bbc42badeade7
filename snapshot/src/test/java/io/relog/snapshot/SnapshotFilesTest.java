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
