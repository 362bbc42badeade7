package io.relog.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With preallocation the active segment is zero-filled ahead of the writes; the zeros are never
 * log data: a crash leaves them behind and recovery ignores them silently, a roll or a close cuts
 * them off, so closed segments are exactly the stream.
 */
class PreallocationTest {

    @TempDir
    Path dir;

    private static final LogOptions OPTIONS = new LogOptions(256 * 1024, 0, false, true);

    @Test
    void zerosAheadOfTheWritesAreNeitherDataNorCorruption() throws Exception {
        Path logDir = dir.resolve("log");
        Path crashed = dir.resolve("crashed");
        Random rnd = new Random(42);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        long end;
        try (CommandLog log = CommandLog.open(logDir, OPTIONS)) {
            BatchBuilder b = new BatchBuilder();
            for (int i = 0; i < 3000; i++) {
                byte[][] argv = LogFixture.argv("SET", "key" + rnd.nextInt(1000), "v".repeat(rnd.nextInt(200)));
                b.add(argv, 0);
                stream.write(io.relog.log.resp.RespCommands.encode(argv));
                log.append(b, 1_000 + i);
                b.clear();
                log.sync();
            }
            end = log.endOffset();
            assertThat(log.segmentCount()).isGreaterThan(1);
            Path active = LogFixture.logFiles(logDir).get(LogFixture.logFiles(logDir).size() - 1);
            // The preallocating thread runs in the background: wait until it has filled ahead.
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (Files.size(active) <= log.endOffset() - log.segments().get(log.segmentCount() - 1).baseOffset()
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(Files.size(active)).as("zero-filled ahead")
                    .isGreaterThan(end - log.segments().get(log.segmentCount() - 1).baseOffset());
            // Closed segments were cut to their stream when they rolled.
            List<CommandLog.SegmentInfo> segs = log.segments();
            for (int i = 0; i < segs.size() - 1; i++) {
                assertThat(Files.size(segs.get(i).file())).isEqualTo(segs.get(i).bytes());
            }
            LogFixture.copyDir(logDir, crashed); // the files as a kill -9 would leave them
        }
        assertThat(LogFixture.concatLogs(logDir)).as("a clean close leaves exactly the stream")
                .isEqualTo(stream.toByteArray());
        try (CommandLog log = CommandLog.open(crashed, OPTIONS)) {
            assertThat(log.endOffset()).isEqualTo(end);
            assertThat(log.recovery().warnings()).noneMatch(w -> w.contains("Truncated"));
            assertThat(log.recovery().bytesTruncated()).isZero();
        }
        assertThat(LogFixture.concatLogs(crashed)).isEqualTo(stream.toByteArray());
    }
}
