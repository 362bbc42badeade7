package io.relog.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.relog.log.resp.RespCommands;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Test support: writes random batches to a {@link CommandLog} the way the engine does (a SELECT at
 * the start of each segment, transactions inside one batch) and keeps a model of what was written
 * — every command with its offset, every batch with the index entry it must get, the raw stream.
 */
final class LogFixture {

    static final long T0 = 1_700_000_000_000L;

    /** A command as written: its argv, log offset, RESP length, and whether a unit (command or whole MULTI…EXEC) ends with it. */
    record Cmd(byte[][] argv, long offset, int length, boolean unitEnd) {
        long end() {
            return offset + length;
        }
    }

    CommandLog log;
    final Random rnd;
    final List<Cmd> cmds = new ArrayList<>();
    final List<BatchEntry> batches = new ArrayList<>();
    final ByteArrayOutputStream stream = new ByteArrayOutputStream();
    final BatchBuilder batch = new BatchBuilder();
    int streamDb = -1;
    long now = T0;
    private long lastTs;
    private boolean inMulti;

    LogFixture(CommandLog log, Random rnd) {
        this.log = log;
        this.rnd = rnd;
    }

    static byte[][] argv(String... args) {
        byte[][] a = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            a[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return a;
    }

    static String str(byte[][] argv) {
        StringBuilder sb = new StringBuilder();
        for (byte[] a : argv) {
            sb.append(sb.length() == 0 ? "" : " ").append(new String(a, StandardCharsets.ISO_8859_1));
        }
        return sb.toString();
    }

    /** Random bytes: empty, short binary (CR, LF, '*', '$' and NUL included), or large. */
    static byte[] randomBytes(Random rnd, int maxLarge) {
        int kind = rnd.nextInt(10);
        int len = kind == 0 ? 0 : kind < 8 ? rnd.nextInt(12) : rnd.nextInt(maxLarge + 1);
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            int c = rnd.nextInt(6);
            b[i] = switch (c) {
                case 0 -> '\r';
                case 1 -> '\n';
                case 2 -> (byte) "*$:+-0123456789".charAt(rnd.nextInt(15));
                default -> (byte) rnd.nextInt(256);
            };
        }
        return b;
    }

    /** Adds one command to the open batch and to the model. */
    void add(byte[][] argv) {
        long offset = log.endOffset() + batch.size();
        int before = batch.size();
        batch.add(argv, streamDb);
        int len = batch.size() - before;
        if (RespCommands.is(argv[0], "select")) {
            streamDb = Integer.parseInt(new String(argv[1], StandardCharsets.US_ASCII));
        }
        if (RespCommands.is(argv[0], "multi")) {
            inMulti = true;
        } else if (RespCommands.is(argv[0], "exec")) {
            inMulti = false;
        }
        cmds.add(new Cmd(argv, offset, len, !inMulti));
    }

    void add(String... args) {
        add(argv(args));
    }

    /** Starts a batch the way the writer does: a SELECT first when the active segment is empty. */
    void begin() {
        if (log.activeSegmentEmpty()) {
            add("SELECT", Integer.toString(Math.max(streamDb, 0)));
        }
    }

    /** Adds a random unit: a write, a SELECT, a PING or a whole transaction. */
    void addRandomUnit(int maxLarge) {
        int kind = rnd.nextInt(10);
        if (kind < 5) {
            add(new byte[][] {"SET".getBytes(), randomBytes(rnd, maxLarge), randomBytes(rnd, maxLarge)});
        } else if (kind == 5) {
            add("SELECT", Integer.toString(rnd.nextInt(16)));
        } else if (kind == 6) {
            add("PING");
        } else if (kind == 7) {
            int n = 1 + rnd.nextInt(4);
            byte[][] a = new byte[n + 1][];
            a[0] = "DEL".getBytes();
            for (int i = 1; i <= n; i++) {
                a[i] = randomBytes(rnd, 20);
            }
            add(a);
        } else {
            add("MULTI");
            int n = rnd.nextInt(4);
            for (int i = 0; i < n; i++) {
                add(new byte[][] {"INCR".getBytes(), randomBytes(rnd, 30)});
            }
            add("EXEC");
        }
    }

    /** Appends the open batch at {@code nowMs} and records the entry it must get. */
    BatchEntry commit(long nowMs) throws IOException {
        byte[] bytes = Arrays.copyOf(batch.array(), batch.size());
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        long ts = Math.max(lastTs, nowMs);
        lastTs = ts;
        BatchEntry e = new BatchEntry(log.endOffset(), batch.size(), ts, batch.startDb(), batch.commands(),
                batch.flags(), (int) crc.getValue());
        long end = log.append(batch, nowMs);
        assertThat(end).isEqualTo(e.endOffset());
        stream.writeBytes(bytes);
        batches.add(e);
        batch.clear();
        return e;
    }

    /** Appends a random batch of 1..units units; time advances by 0..maxStep ms. */
    BatchEntry randomBatch(int units, int maxLarge, int maxStep) throws IOException {
        begin();
        int n = 1 + rnd.nextInt(units);
        for (int i = 0; i < n; i++) {
            addRandomUnit(maxLarge);
        }
        now += rnd.nextInt(maxStep + 1);
        return commit(now);
    }

    byte[] streamBytes() {
        return stream.toByteArray();
    }

    /** Commands wholly below {@code end}. */
    List<Cmd> commandsBelow(long end) {
        return cmds.stream().filter(c -> c.end() <= end).toList();
    }

    /** The end of the last whole unit (command or transaction) at or below {@code cut}, not below {@code floor}. */
    long lastUnitBoundary(long cut, long floor) {
        long best = floor;
        for (Cmd c : cmds) {
            if (c.unitEnd() && c.end() <= cut && c.end() > best) {
                best = c.end();
            }
        }
        return best;
    }

    /** Commands read back by {@link CommandLog#scan} from {@code from}. */
    static List<Cmd> scan(CommandLog log, long from) throws IOException {
        List<Cmd> out = new ArrayList<>();
        log.scan(from, (argv, offset, length) -> out.add(new Cmd(argv, offset, length, false)));
        return out;
    }

    /** Asserts that {@code actual} are exactly {@code expected} (argv, offsets, lengths), in order. */
    static void assertSameCommands(List<Cmd> actual, List<Cmd> expected, String context) {
        assertThat(actual).as(context + ": command count").hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            Cmd a = actual.get(i);
            Cmd e = expected.get(i);
            assertThat(a.offset()).as(context + ": offset of command " + i).isEqualTo(e.offset());
            assertThat(a.length()).as(context + ": length of command " + i).isEqualTo(e.length());
            assertThat(a.argv()).as(context + ": argv of command " + i + " " + str(e.argv())).isDeepEqualTo(e.argv());
        }
    }

    /** Segment files ({@code .log}) in the directory, by name. */
    static List<Path> logFiles(Path dir) {
        return files(dir, ".log");
    }

    static List<Path> files(Path dir, String suffix) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The concatenation of all {@code .log} files. */
    static byte[] concatLogs(Path dir) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Path p : logFiles(dir)) {
            out.write(Files.readAllBytes(p));
        }
        return out.toByteArray();
    }

    /** Copies the files of {@code from} (flat) into a new directory {@code to}. */
    static void copyDir(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
    }

    static void deleteDir(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    /** Flips bits of the byte at {@code position} of {@code file}. */
    static void flip(Path file, long position, int mask) throws IOException {
        byte[] b = Files.readAllBytes(file);
        b[(int) position] ^= (byte) mask;
        Files.write(file, b);
    }

    /** Truncates {@code file} to {@code size} bytes. */
    static void truncate(Path file, long size) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    /** A failure-message prefix that names the seed. */
    static String seedMsg(long seed) {
        return "seed=" + seed + "L";
    }
}
