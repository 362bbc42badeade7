package io.relog.frontend.durability;

import static org.assertj.core.api.Assertions.assertThat;

import io.relog.log.segment.LogSegment;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;

/**
 * Recovery from damaged log files, done to the files between two runs of the real server:
 * <ul>
 *   <li>a changed byte in a batch before the tail (a CRC mismatch) stops the start with an error
 *       naming the segment file, the position and offset of the bad batch and the CRC; with
 *       {@code --log-recovery-policy truncate} the server starts instead, with the log cut at
 *       the bad batch: what came before it is there, nothing from it on, and the log on disk is
 *       consistent again (a later start with the default policy succeeds);</li>
 *   <li>a torn tail (the last command cut short, as a crash mid-write leaves it) is truncated
 *       with a warning naming the segment and the bytes dropped, and the server starts with
 *       everything before it; a torn MULTI/EXEC is dropped whole;</li>
 *   <li>an index that ends before the log (its entries are written after the batches) is
 *       rebuilt from the log; but a bad batch followed by whole commands is corruption even when
 *       the index does not cover them: no torn write leaves data after a bad batch.</li>
 * </ul>
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LogCorruptionIT {

    /**
     * No snapshots ({@code --save ""}, else SHUTDOWN saves one): what a start restores comes from
     * the damaged log alone.
     */
    static final String[] SERVER_ARGS = {"--appendonly", "yes", "--appendfsync", "always", "--save", ""};
    private static final Pattern POSITION = Pattern.compile("(?i)position\\D{0,40}?(\\d+)");
    private static final Pattern OFFSET = Pattern.compile("(?i)offset\\D{0,40}?(\\d+)");

    @TempDir
    Path dir;

    static String key(int i) {
        return String.format("k:%03d", i);
    }

    static String value(int i) {
        return String.format("value-%06d-%s", i, "p".repeat(20 + i % 7));
    }

    /** Writes keys {@code [from, to)}, one request each: one batch each under appendfsync always. */
    private static void writeKeys(RelogProcess server, int from, int to) {
        try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
            for (int i = from; i < to; i++) {
                assertThat(jedis.set(key(i), value(i))).isEqualTo("OK");
            }
        }
    }

    /**
     * One segment (the default size) or several (4 KiB segments: the bad batch is then in a
     * segment other than the last, and truncation must delete the later ones).
     */
    @ParameterizedTest(name = "log-segment-bytes {0}, bad batch holds key {1}")
    @CsvSource({"128mb, 60", "4kb, 20"})
    void badBatchInTheMiddleStopsTheStartUnlessPolicyTruncates(String segmentBytes, int victim) throws Exception {
        int keys = 200;
        String[] args = append(SERVER_ARGS, "--log-segment-bytes", segmentBytes);
        try (RelogProcess server = RelogProcess.start(dir, args)) {
            writeKeys(server, 0, keys);
            assertThat(server.stop()).as("exit status after SHUTDOWN").isZero();
        }
        int segments = LogDir.segments(dir).size();
        if (segmentBytes.equals("4kb")) {
            assertThat(segments).as("segments of 4kb").isGreaterThan(2);
        } else {
            assertThat(segments).as("segments of %s", segmentBytes).isEqualTo(1);
        }

        Path segment = LogDir.first(dir);
        byte[] bytes = LogDir.read(segment);
        int at = LogDir.indexOf(bytes, value(victim).getBytes(StandardCharsets.US_ASCII));
        assertThat(at).as("value of %s in %s", key(victim), segment.getFileName()).isPositive();
        assertThat(at).as("changed byte in the first half of the segment").isLessThan(bytes.length / 2);
        // "value-000060-..." becomes "value-000070-...": still well-formed RESP of the same length,
        // so only the batch's CRC can tell.
        int flipped = at + "value-0000".length();
        assertThat((char) bytes[flipped]).isBetween('0', '8');
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.seek(flipped);
            f.write(bytes[flipped] + 1);
        }

        String name = segment.getFileName().toString();
        try (RelogProcess failing = RelogProcess.launch(dir, args)) {
            int status = failing.awaitFailedStart(Duration.ofSeconds(60));
            String out = failing.output();
            assertThat(status).as("exit status of a start on a corrupt log; output:%n%s", out).isNotZero();
            assertThat(out).as("start on a corrupt log").doesNotContain(RelogProcess.READY_LINE)
                    .contains(name).contains("CRC");
            long base = LogDir.baseOffset(segment);
            // The bad batch holds the changed byte: it starts at most one request before it.
            assertThat(numbersAfter(POSITION, out)).as("positions in the error; output:%n%s", out)
                    .anySatisfy(p -> assertThat(p).isBetween(flipped - 4096L, (long) flipped));
            assertThat(numbersAfter(OFFSET, out)).as("offsets in the error; output:%n%s", out)
                    .anySatisfy(o -> assertThat(o).isBetween(base + flipped - 4096L, base + flipped + 1L));
        }

        try (RelogProcess server = RelogProcess.start(dir, append(args, "--log-recovery-policy", "truncate"));
             Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
            for (int i = 0; i < victim; i++) {
                assertThat(jedis.get(key(i))).as("%s, written before the bad batch", key(i)).isEqualTo(value(i));
            }
            for (int i = victim; i < keys; i++) {
                assertThat(jedis.exists(key(i))).as("%s, at or after the bad batch (log truncated there)", key(i))
                        .isFalse();
            }
            assertThat(jedis.dbSize()).isEqualTo(victim);
            assertThat(jedis.set("after-truncate", "yes")).isEqualTo("OK");
            assertThat(server.stop()).isZero();
        }

        long truncatedAt = LogDir.baseOffset(segment) + flipped;
        assertThat(LogDir.segments(dir)).as("segments after truncating the first one (later ones deleted)")
                .allSatisfy(s -> assertThat(LogDir.baseOffset(s)).isLessThanOrEqualTo(truncatedAt));

        // The truncation was done on disk: the default policy now finds a sound log.
        try (RelogProcess server = RelogProcess.start(dir, args);
             Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
            assertThat(jedis.get("after-truncate")).isEqualTo("yes");
            assertThat(jedis.get(key(victim - 1))).isEqualTo(value(victim - 1));
            assertThat(jedis.dbSize()).isEqualTo(victim + 1);
        }
    }

    @Test
    void tornTailIsTruncatedWithAWarning() throws Exception {
        int keys = 100;
        try (RelogProcess server = RelogProcess.start(dir, SERVER_ARGS)) {
            writeKeys(server, 0, keys);
            server.kill9();
        }

        Path segment = LogDir.last(dir);
        byte[] bytes = LogDir.read(segment);
        int lastCommand = lastCommandStart(bytes, "*3\r\n$3\r\nSET\r\n");
        assertThat(new String(bytes, lastCommand, bytes.length - lastCommand, StandardCharsets.US_ASCII))
                .as("the log's last command").contains(key(keys - 1)).contains(value(keys - 1));
        int cut = 7;
        truncate(segment, bytes.length - cut);
        long dropped = (long) bytes.length - cut - lastCommand;

        try (RelogProcess server = RelogProcess.start(dir, SERVER_ARGS);
             Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
            assertWarnsOfTruncation(server.output(), segment, dropped);
            for (int i = 0; i < keys - 1; i++) {
                assertThat(jedis.get(key(i))).as(key(i)).isEqualTo(value(i));
            }
            assertThat(jedis.exists(key(keys - 1))).as("%s, whose command was torn", key(keys - 1)).isFalse();
            assertThat(LogDir.size(segment)).as("%s truncated on disk to its last whole command",
                    segment.getFileName()).isEqualTo(lastCommand);
            assertThat(Info.checkPersistence(jedis)).as("log_end_offset")
                    .isEqualTo(LogDir.baseOffset(segment) + lastCommand);
            assertThat(jedis.set("after-recovery", "1")).isEqualTo("OK");
        }
    }

    @Test
    void tornTransactionIsDroppedWhole() throws Exception {
        try (RelogProcess server = RelogProcess.start(dir, SERVER_ARGS);
             Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
            writeKeys(server, 0, 10);
            Transaction tx = jedis.multi();
            tx.set("tx:a", "1");
            tx.set("tx:b", "2");
            tx.incr("tx:n");
            assertThat(tx.exec()).containsExactly("OK", "OK", 1L);
            server.kill9();
        }

        Path segment = LogDir.last(dir);
        byte[] bytes = LogDir.read(segment);
        int multi = lastCommandStart(bytes, "*1\r\n$5\r\nMULTI\r\n");
        String tail = new String(bytes, multi, bytes.length - multi, StandardCharsets.US_ASCII);
        assertThat(tail.toUpperCase()).as("the log's tail").endsWith("*1\r\n$4\r\nEXEC\r\n").contains("TX:A", "TX:B");
        int cut = 7; // into EXEC: MULTI and the queued commands stay whole
        truncate(segment, bytes.length - cut);
        long dropped = (long) bytes.length - cut - multi;

        try (RelogProcess server = RelogProcess.start(dir, SERVER_ARGS);
             Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
            assertWarnsOfTruncation(server.output(), segment, dropped);
            for (int i = 0; i < 10; i++) {
                assertThat(jedis.get(key(i))).as(key(i)).isEqualTo(value(i));
            }
            assertThat(jedis.exists("tx:a", "tx:b", "tx:n")).as("keys of the torn transaction").isZero();
            assertThat(LogDir.size(segment)).as("%s truncated on disk before MULTI", segment.getFileName())
                    .isEqualTo(multi);
        }
    }

    @Test
    void indexBehindTheLogIsRebuiltAndTheTornTailCut() throws Exception {
        int keys = 100;
        int indexed = 60;
        try (RelogProcess server = RelogProcess.start(dir, SERVER_ARGS)) {
            writeKeys(server, 0, keys);
            assertThat(server.stop()).isZero();
        }
        Path segment = LogDir.last(dir);
        // As a crash leaves it when index entries are written after the batches: the .idx ends
        // before the .log (entries for keys 0..59 only), and the last command is torn.
        truncateIndex(segment, keys, indexed);
        byte[] bytes = LogDir.read(segment);
        int lastCommand = lastCommandStart(bytes, "*3\r\n$3\r\nSET\r\n");
        int cut = 7;
        truncate(segment, bytes.length - cut);

        try (RelogProcess server = RelogProcess.start(dir, SERVER_ARGS);
             Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
            assertWarnsOfTruncation(server.output(), segment, (long) bytes.length - cut - lastCommand);
            for (int i = 0; i < keys - 1; i++) {
                assertThat(jedis.get(key(i))).as("%s (indexed: %s)", key(i), i < indexed).isEqualTo(value(i));
            }
            assertThat(jedis.exists(key(keys - 1))).as("%s, whose command was torn", key(keys - 1)).isFalse();
            assertThat(jedis.set("after", "1")).isEqualTo("OK");
            assertThat(server.stop()).isZero();
        }
        try (RelogProcess server = RelogProcess.start(dir, SERVER_ARGS);
             Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
            assertThat(jedis.dbSize()).isEqualTo(keys);
            assertThat(jedis.get("after")).isEqualTo("1");
        }
    }

    @Test
    void badLastIndexedBatchWithWholeCommandsAfterItIsCorruptionNotATornTail() throws Exception {
        int keys = 100;
        int indexed = 60;
        try (RelogProcess server = RelogProcess.start(dir, SERVER_ARGS)) {
            writeKeys(server, 0, keys);
            assertThat(server.stop()).isZero();
        }
        Path segment = LogDir.last(dir);
        truncateIndex(segment, keys, indexed);
        // Damage the last batch the index still covers (key 59's SET). Forty whole, acknowledged
        // commands follow it in the .log: no torn write explains a bad batch with data after it.
        byte[] bytes = LogDir.read(segment);
        int at = LogDir.indexOf(bytes, value(indexed - 1).getBytes(StandardCharsets.US_ASCII));
        assertThat(at).isPositive();
        int flipped = at + "value-0000".length();
        assertThat((char) bytes[flipped]).isEqualTo('5');
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.seek(flipped);
            f.write('4');
        }

        try (RelogProcess failing = RelogProcess.launch(dir, SERVER_ARGS)) {
            int status = failing.awaitFailedStart(Duration.ofSeconds(60));
            String out = failing.output();
            assertThat(status).as("exit status of a start on a corrupt log; output:%n%s", out).isNotZero();
            assertThat(out).doesNotContain(RelogProcess.READY_LINE)
                    .contains(segment.getFileName().toString()).contains("CRC");
        }
    }

    /**
     * Cuts the segment's index to its first {@code keep} entries (one per batch; a clean stop
     * wrote one for each of the {@code batches} requests).
     */
    private static void truncateIndex(Path segment, int batches, int keep) throws IOException {
        Path idx = LogDir.index(segment);
        assertThat(LogDir.size(idx)).as("%s after a clean stop", idx.getFileName())
                .isEqualTo((long) batches * LogSegment.ENTRY_BYTES);
        truncate(idx, (long) keep * LogSegment.ENTRY_BYTES);
    }

    /**
     * Asserts a warning line (Redis' {@code #} mark) that says it truncated, names the segment
     * and the number of bytes dropped.
     */
    private static void assertWarnsOfTruncation(String output, Path segment, long dropped) {
        String name = segment.getFileName().toString();
        Pattern number = Pattern.compile("(?<!\\d)" + dropped + "(?!\\d)");
        List<String> lines = output.lines()
                .filter(l -> l.toLowerCase().contains("truncat") && l.contains(name))
                .toList();
        assertThat(lines).as("lines saying %s was truncated; output:%n%s", name, output).isNotEmpty();
        assertThat(lines).as("a warning naming the %d bytes dropped; output:%n%s", dropped, output)
                .anySatisfy(l -> {
                    assertThat(l).contains(" # ");
                    assertThat(number.matcher(l).find()).as("%s names %d", l, dropped).isTrue();
                });
    }

    /** Start of the last occurrence of a command header, in either letter case. */
    private static int lastCommandStart(byte[] bytes, String header) {
        int upper = LogDir.lastIndexOf(bytes, header.getBytes(StandardCharsets.US_ASCII));
        int lower = LogDir.lastIndexOf(bytes, header.toLowerCase().getBytes(StandardCharsets.US_ASCII));
        int at = Math.max(upper, lower);
        assertThat(at).as("%s in the log", header.replace("\r\n", "\\r\\n")).isNotNegative();
        return at;
    }

    private static void truncate(Path file, long size) throws IOException {
        try (var channel = Files.newByteChannel(file, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    private static List<Long> numbersAfter(Pattern p, String text) {
        List<Long> numbers = new ArrayList<>();
        Matcher m = p.matcher(text);
        while (m.find()) {
            numbers.add(Long.parseLong(m.group(1)));
        }
        return numbers;
    }

    static String[] append(String[] args, String... more) {
        String[] all = new String[args.length + more.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }
}
