package io.relog.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relog.log.resp.RespCommands;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CommandLog#reset}: a replica's full sync restarts its log at the master's offset. */
class LogResetTest {

    private static final LogOptions OPTS = new LogOptions(1024, 0, false);

    @TempDir
    Path dir;

    private static void appendCommands(CommandLog log, BatchBuilder b, int n, ByteArrayOutputStream model)
            throws Exception {
        for (int i = 0; i < n; i++) {
            byte[][] argv = LogFixture.argv("SET", "key" + i, "value-" + i + "-".repeat(i % 50));
            b.add(argv, 0);
            model.write(RespCommands.encode(argv));
            log.append(b, LogFixture.T0 + i);
            b.clear();
        }
    }

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".log") || p.toString().endsWith(".idx")).sorted().toList();
        }
    }

    @Test
    void resetDeletesEverySegmentAndContinuesAtTheNewOffset() throws Exception {
        CommandLog log = CommandLog.open(dir, OPTS);
        BatchBuilder b = new BatchBuilder();
        appendCommands(log, b, 200, new ByteArrayOutputStream());
        assertThat(log.segmentCount()).isGreaterThan(3);
        long oldEnd = log.endOffset();

        long base = 1_000_000; // beyond the old end; a lower one is as valid
        log.reset(base);
        assertThat(log.startOffset()).isEqualTo(base);
        assertThat(log.endOffset()).isEqualTo(base);
        assertThat(log.writtenOffset()).isEqualTo(base);
        assertThat(log.syncedOffset()).isEqualTo(base);
        assertThat(log.segmentCount()).isEqualTo(1);
        assertThat(files(dir)).extracting(p -> p.getFileName().toString())
                .containsExactly(String.format("%020d.idx", base), String.format("%020d.log", base));
        assertThat(oldEnd).isLessThan(base);

        ByteArrayOutputStream model = new ByteArrayOutputStream();
        appendCommands(log, b, 50, model);
        log.sync();
        List<byte[][]> seen = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        log.scan(base, (argv, offset, length) -> {
            seen.add(argv);
            offsets.add(offset);
        });
        assertThat(seen).hasSize(50);
        assertThat(offsets.get(0)).isEqualTo(base);
        assertThat(log.endOffset()).isEqualTo(base + model.size());
        assertThatThrownBy(() -> log.openReader(base - 1)).isInstanceOf(OffsetOutOfRangeException.class);
        log.close();

        // Reopened, the log is the new stream only, byte for byte.
        CommandLog again = CommandLog.open(dir, OPTS);
        assertThat(again.startOffset()).isEqualTo(base);
        assertThat(again.endOffset()).isEqualTo(base + model.size());
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        for (Path p : files(dir)) {
            if (p.toString().endsWith(".log")) {
                read.write(Files.readAllBytes(p));
            }
        }
        assertThat(read.toByteArray()).isEqualTo(model.toByteArray());
        again.close();
    }

    @Test
    void resetToALowerOffsetAndToTheSameBase() throws Exception {
        CommandLog log = CommandLog.open(dir, OPTS, 5000);
        BatchBuilder b = new BatchBuilder();
        appendCommands(log, b, 40, new ByteArrayOutputStream());
        log.reset(70);
        assertThat(log.startOffset()).isEqualTo(70);
        assertThat(log.endOffset()).isEqualTo(70);
        appendCommands(log, b, 3, new ByteArrayOutputStream());
        log.reset(70); // the active segment's own base: recreated empty
        assertThat(log.endOffset()).isEqualTo(70);
        assertThat(log.sizeInBytes()).isZero();
        log.close();
        assertThatThrownBy(() -> log.reset(0)).hasMessageContaining("closed");
    }
}
