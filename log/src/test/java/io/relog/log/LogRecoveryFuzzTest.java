package io.relog.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coverage-guided fuzzing of the log's readers of its own files (README "Fuzzing"): the recovery
 * that {@link CommandLog#open} runs, and the tools' {@link ReadOnlyLog}. A fuzzed log directory —
 * one or two segments, each a {@code .log} and an {@code .idx} — must open (possibly with a torn
 * tail cut) or fail with a {@link LogCorruptionException} naming the file and position; never
 * another exception, never a hang. What opens must then scan to its end without error.
 *
 * <p>Input layout ({@link #layout}): one byte of flags (bit 0: a second segment, bit 1:
 * {@code log-recovery-policy truncate}), then per segment a 2-byte big-endian length and that many
 * bytes of {@code .idx}, a 2-byte length and that many bytes of {@code .log} (lengths are cut to
 * what the input holds). The second segment's base offset is the first one's {@code .log} size,
 * so that a well-formed input is a well-formed log.
 *
 * <p>Seeds, real logs written by {@link CommandLog}:
 * {@code src/test/resources/io/relog/log/LogRecoveryFuzzTestInputs/}.
 */
class LogRecoveryFuzzTest {

    private static final Path ROOT;

    static {
        try {
            ROOT = Files.createTempDirectory("relog-log-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void opensOrReportsCorruption(byte[] input) throws IOException {
        if (input.length == 0) {
            return;
        }
        boolean truncate = (input[0] & 2) != 0;
        LogOptions options = new LogOptions(1024 * 1024, 0, truncate, false);

        Path dir = fresh("read-only");
        layout(input, dir);
        try (ReadOnlyLog view = ReadOnlyLog.open(dir)) {
            view.scan(view.startOffset(), view.endOffset(), c -> true);
            for (ReadOnlyLog.Segment s : view.segments()) {
                for (BatchEntry b : view.batches(s.baseOffset())) {
                    view.verify(b);
                }
            }
        } catch (LogCorruptionException e) {
            assertNamesPosition(e, dir);
        }

        dir = fresh("recovery");
        layout(input, dir);
        try (CommandLog log = CommandLog.open(dir, options)) {
            long[] last = {log.startOffset()};
            log.scan(log.startOffset(), (argv, offset, length) -> {
                assertThat(offset).isGreaterThanOrEqualTo(last[0]);
                last[0] = offset + length;
            });
            assertThat(last[0]).isLessThanOrEqualTo(log.endOffset());
        } catch (LogCorruptionException e) {
            assertNamesPosition(e, dir);
        }
    }

    private static void assertNamesPosition(LogCorruptionException e, Path dir) {
        assertThat(e.file()).isNotNull();
        assertThat(e.file().toString()).startsWith(dir.toString());
        assertThat(e.position()).isNotNegative();
        assertThat(e.getMessage()).contains(e.file().toString()).contains("at position " + e.position());
    }

    private static Path fresh(String name) throws IOException {
        Path dir = ROOT.resolve(name);
        if (Files.exists(dir)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path p : ds) {
                    Files.delete(p);
                }
            }
        } else {
            Files.createDirectories(dir);
        }
        return dir;
    }

    /** Writes the segments an input describes into {@code dir} (see the class documentation). */
    static void layout(byte[] input, Path dir) throws IOException {
        int segments = (input[0] & 1) != 0 ? 2 : 1;
        int at = 1;
        long base = 0;
        for (int s = 0; s < segments && at < input.length; s++) {
            byte[][] parts = new byte[2][];
            for (int k = 0; k < 2; k++) {
                int len = at + 2 <= input.length ? ((input[at] & 0xff) << 8 | (input[at + 1] & 0xff)) : 0;
                at = Math.min(at + 2, input.length);
                len = Math.min(len, input.length - at);
                parts[k] = java.util.Arrays.copyOfRange(input, at, at + len);
                at += len;
            }
            String name = String.format("%020d", base);
            Files.write(dir.resolve(name + ".idx"), parts[0]);
            Files.write(dir.resolve(name + ".log"), parts[1]);
            base += parts[1].length;
        }
    }

    /** The input that {@link #layout} turns back into {@code dir}'s segments (at most two, each under 64 KiB). */
    static byte[] encode(Path dir, boolean truncate) throws IOException {
        List<Path> logs = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.log")) {
            ds.forEach(logs::add);
        }
        logs.sort(null);
        assertThat(logs).hasSizeBetween(1, 2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((logs.size() == 2 ? 1 : 0) | (truncate ? 2 : 0));
        for (Path log : logs) {
            Path idx = dir.resolve(log.getFileName().toString().replace(".log", ".idx"));
            for (byte[] b : new byte[][] {Files.readAllBytes(idx), Files.readAllBytes(log)}) {
                assertThat(b.length).isLessThan(65536);
                out.write(b.length >>> 8);
                out.write(b.length);
                out.writeBytes(b);
            }
        }
        return out.toByteArray();
    }

    /**
     * The layout round-trips a real log: {@link #encode} then {@link #layout} gives a directory that
     * opens with the same commands. With {@code -Drelog.fuzz.writeSeeds=<dir>} it also writes the
     * inputs there (how the checked-in seeds were made).
     */
    @Test
    void layoutRoundTripsRealLogs(@TempDir Path tmp) throws IOException {
        String seedDir = System.getProperty("relog.fuzz.writeSeeds");
        String[][] shapes = {{"one-segment", "1"}, {"two-segments", "2"}, {"torn-tail", "1"}};
        for (String[] shape : shapes) {
            Path src = tmp.resolve(shape[0]);
            List<String> written = new ArrayList<>();
            try (CommandLog log = CommandLog.open(src, new LogOptions(shape[1].equals("2") ? 1024 : 1 << 20, 0, false, false))) {
                BatchBuilder batch = new BatchBuilder();
                long now = 1_700_000_000_000L;
                for (int i = 0; i < 6; i++) {
                    if (log.activeSegmentEmpty()) {
                        batch.add(argv("SELECT", "0"), -1);
                        written.add("SELECT 0");
                    }
                    String value = "value\r\n" + i + (shape[1].equals("2") ? "x".repeat(150) : "");
                    batch.add(argv("SET", "key" + i, value), 0);
                    written.add("SET key" + i + " " + value);
                    if (i % 2 == 1) {
                        batch.add(argv("MULTI"), 0);
                        batch.add(argv("INCR", "n"), 0);
                        batch.add(argv("EXEC"), 0);
                        written.addAll(List.of("MULTI", "INCR n", "EXEC"));
                    }
                    log.append(batch, now + i);
                    batch.clear();
                    log.maybeRoll(now + i);
                }
                log.sync();
                log.syncIndexes();
            }
            if (shape[0].equals("torn-tail")) {
                Path seg = src.resolve(String.format("%020d.log", 0));
                Files.write(seg, "*2\r\n$3\r\nDEL\r\n$2\r\nke".getBytes(StandardCharsets.US_ASCII),
                        java.nio.file.StandardOpenOption.APPEND);
            }
            byte[] input = encode(src, false);
            Path copy = tmp.resolve(shape[0] + "-copy");
            Files.createDirectories(copy);
            layout(input, copy);
            List<String> read = new ArrayList<>();
            try (CommandLog log = CommandLog.open(copy, new LogOptions(1 << 20, 0, false, false))) {
                log.scan(log.startOffset(), (argv, offset, length) -> {
                    read.add(LogFixture.str(argv));
                });
            }
            assertThat(read).as(shape[0]).isEqualTo(written);
            if (seedDir != null) {
                Files.createDirectories(Path.of(seedDir));
                Files.write(Path.of(seedDir, shape[0]), input);
            }
        }
    }

    private static byte[][] argv(String... a) {
        return LogFixture.argv(a);
    }
}
