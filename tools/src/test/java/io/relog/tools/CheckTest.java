package io.relog.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.relog.log.BatchBuilder;
import io.relog.log.BatchEntry;
import io.relog.log.CommandLog;
import io.relog.log.LogOptions;
import io.relog.log.ReadOnlyLog;
import io.relog.log.ReplicationHistory;
import io.relog.snapshot.SnapshotFiles;
import io.relog.snapshot.rdb.RdbAux;
import io.relog.tools.state.Replay;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code relog check} on a data directory written by {@link CommandLog}, with the damage the log
 * module's CorruptionTest and TornTailTest inflict: flipped bytes in batches (corruption, or a
 * torn tail in the last batch), flipped index entries, deleted indexes, a cut last segment, a gap
 * between segments, a cut earlier segment, an orphan index; plus a damaged snapshot and history.
 */
class CheckTest {

    @TempDir
    Path tmp;

    private Path pristine;
    private long seed;
    private Random rnd;
    private List<ReadOnlyLog.Segment> segments;
    private List<BatchEntry> batches;
    private int run;

    private static byte[][] argv(String... a) {
        byte[][] out = new byte[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        return out;
    }

    @BeforeEach
    void writeDataDir() throws Exception {
        seed = System.nanoTime();
        rnd = new Random(seed);
        pristine = tmp.resolve("pristine");
        long now = 1_700_000_000_000L;
        Replay model = new Replay();
        int db = -1;
        try (CommandLog log = CommandLog.open(pristine.resolve("log"), new LogOptions(1024, 0, false))) {
            BatchBuilder b = new BatchBuilder();
            while (log.segmentCount() < 3 || log.segments().get(2).batches() < 3) {
                if (log.activeSegmentEmpty()) {
                    b.add(argv("SELECT", Integer.toString(Math.max(db, 0))), db);
                    db = Math.max(db, 0);
                }
                int n = 1 + rnd.nextInt(3);
                for (int i = 0; i < n; i++) {
                    switch (rnd.nextInt(4)) {
                        case 0 -> {
                            int to = rnd.nextInt(3);
                            b.add(argv("SELECT", Integer.toString(to)), db);
                            db = to;
                        }
                        case 1 -> {
                            b.add(argv("MULTI"), db);
                            b.add(argv("SET", "k" + rnd.nextInt(20), "\u0000\r\n" + rnd.nextInt()), db);
                            b.add(argv("EXEC"), db);
                        }
                        default -> b.add(argv("SET", "k" + rnd.nextInt(20), "v".repeat(rnd.nextInt(80))), db);
                    }
                }
                log.append(b, now += 1 + rnd.nextInt(20));
                b.clear();
            }
        }
        try (ReadOnlyLog view = ReadOnlyLog.open(pristine.resolve("log"))) {
            segments = view.segments();
            batches = segments.stream().flatMap(s -> view.batches(s.baseOffset()).stream()).toList();
            view.scan(0, -1, c -> {
                model.apply(c);
                return true;
            });
        }
        new SnapshotFiles(pristine).write(batches.get(3).offset(), model.freeze(),
                RdbAux.withoutReplication(now / 1000, 0));
        ReplicationHistory.load(pristine, 0);
    }

    private String ctx() {
        return "seed=" + seed + "L";
    }

    private Path copy() throws Exception {
        Path d = tmp.resolve("run" + run++);
        PointInTimeRestoreTest.copy(pristine, d);
        return d;
    }

    private static ToolRun check(Path d, String... more) {
        String[] args = new String[2 + more.length + 1];
        args[0] = "check";
        args[1] = "--dir";
        args[2] = d.toString();
        System.arraycopy(more, 0, args, 3, more.length);
        return ToolRun.run(args);
    }

    private static TreeMap<String, String> fingerprint(Path dir) throws Exception {
        TreeMap<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(p).toString(),
                        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        }
        return out;
    }

    private static byte[] concatLogs(Path logDir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Stream<Path> s = Files.list(logDir)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                out.write(Files.readAllBytes(p));
            }
        }
        return out.toByteArray();
    }

    private static void flip(Path file, long position) throws Exception {
        byte[] b = Files.readAllBytes(file);
        b[(int) position] ^= 0x21;
        Files.write(file, b);
    }

    private static void truncate(Path file, long size) throws Exception {
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    private ReadOnlyLog.Segment segmentOf(BatchEntry b) {
        return segments.stream().filter(s -> s.baseOffset() <= b.offset() && b.offset() < s.endOffset()).findFirst().orElseThrow();
    }

    /** Repairs, then checks again: clean, and the log holds exactly the bytes it should. */
    private void repairsToClean(Path d, byte[] expectedLog, String at, String... mentions) throws Exception {
        ToolRun r = check(d, "--repair");
        assertThat(r.exitCode()).as(at + "\n" + r).isZero();
        assertThat(r.out()).as(at).contains("Repairing").contains(mentions).contains("No problems found");
        ToolRun again = check(d);
        assertThat(again.exitCode()).as(at + "\n" + again).isZero();
        assertThat(concatLogs(d.resolve("log"))).as(at + ": the log keeps every valid byte").isEqualTo(expectedLog);
    }

    @Test
    void aCleanDirectoryAndItsFilesPass() throws Exception {
        ToolRun r = check(pristine);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("3 segment(s)", "OK", "RDB version 9", "No problems found");
        ToolRun files = ToolRun.run("check", segments.get(1).logFile().toString(),
                new SnapshotFiles(pristine).list().get(0).path().toString(),
                pristine.resolve("replication-history").toString());
        assertThat(files.exitCode()).as(files.toString()).isZero();
    }

    @Test
    void aFlippedByteInABatchIsCorruptionThatRepairRefusesToTouch() throws Exception {
        List<BatchEntry> targets = List.of(batches.get(0), batches.get(batches.size() / 2), batches.get(batches.size() - 2));
        for (BatchEntry b : targets) {
            ReadOnlyLog.Segment s = segmentOf(b);
            long position = b.offset() - s.baseOffset();
            // Every byte of the batch, flipped one at a time (and flipped back), is reported.
            Path every = copy();
            Path everyFile = every.resolve("log").resolve(s.logFile().getFileName());
            for (int i = 0; i < b.length(); i++) {
                flip(everyFile, position + i);
                ToolRun r = check(every);
                assertThat(r.exitCode()).as(ctx() + " byte " + i + " of the batch at offset " + b.offset() + "\n" + r)
                        .isEqualTo(1);
                assertThat(r.out()).as(ctx() + " byte " + i).contains("corrupt batch in " + everyFile + " at position "
                        + position + " (offset " + b.offset());
                flip(everyFile, position + i);
            }
            // A sample of them: repair refuses and changes nothing.
            for (int i : new int[] {0, b.length() / 2, b.length() - 1, rnd.nextInt(b.length())}) {
                String at = ctx() + " byte " + i + " of the batch at offset " + b.offset();
                Path d = copy();
                Path file = d.resolve("log").resolve(s.logFile().getFileName());
                flip(file, position + i);
                ToolRun r = check(d);
                assertThat(r.exitCode()).as(at + "\n" + r).isEqualTo(1);
                assertThat(r.out()).as(at).contains("corrupt batch in " + file + " at position " + position + " (offset "
                        + b.offset());
                TreeMap<String, String> before = fingerprint(d);
                ToolRun rep = check(d, "--repair");
                assertThat(rep.exitCode()).as(at + "\n" + rep).isEqualTo(1);
                assertThat(rep.out()).as(at).contains("Not repairing");
                assertThat(fingerprint(d)).as(at + ": nothing changed").isEqualTo(before);
            }
        }
    }

    @Test
    void aFlippedByteInTheLastBatchIsATornTailThatRepairCuts() throws Exception {
        BatchEntry last = batches.get(batches.size() - 1);
        ReadOnlyLog.Segment s = segmentOf(last);
        byte[] all = concatLogs(pristine.resolve("log"));
        byte[] kept = java.util.Arrays.copyOf(all, (int) last.offset());
        Path every = copy();
        Path everyFile = every.resolve("log").resolve(s.logFile().getFileName());
        for (int i = 0; i < last.length(); i++) {
            flip(everyFile, last.offset() - s.baseOffset() + i);
            ToolRun r = check(every);
            assertThat(r.exitCode()).as(ctx() + " byte " + i + " of the last batch\n" + r).isEqualTo(1);
            assertThat(r.out()).as(ctx() + " byte " + i + " of the last batch").contains("torn tail", "--repair fixes this");
            flip(everyFile, last.offset() - s.baseOffset() + i);
        }
        for (int i : new int[] {0, last.length() - 1, rnd.nextInt(last.length())}) {
            String at = ctx() + " byte " + i + " of the last batch";
            Path d = copy();
            flip(d.resolve("log").resolve(s.logFile().getFileName()), last.offset() - s.baseOffset() + i);
            ToolRun r = check(d);
            assertThat(r.exitCode()).as(at + "\n" + r).isEqualTo(1);
            assertThat(r.out()).as(at).contains("torn tail", "CRC mismatch", "--repair fixes this");
            repairsToClean(d, kept, at, "dropped " + last.length() + " bytes");
        }
    }

    @Test
    void aDamagedOrMissingIndexIsRebuiltByRepairWithNothingLost() throws Exception {
        byte[] all = concatLogs(pristine.resolve("log"));
        // Every byte of an index entry, flipped one at a time (and flipped back), is reported.
        Path every = copy();
        for (ReadOnlyLog.Segment s : segments) {
            Path idx = every.resolve("log").resolve(s.indexFile().getFileName());
            for (int entry : new int[] {0, s.batches() - 1}) {
                for (int i = 0; i < 32; i++) {
                    flip(idx, 32L * entry + i);
                    ToolRun r = check(every);
                    String at = ctx() + " byte " + i + " of entry " + entry + " of " + idx;
                    assertThat(r.exitCode()).as(at + "\n" + r).isEqualTo(1);
                    assertThat(r.out()).as(at).contains("is damaged");
                    flip(idx, 32L * entry + i);
                }
            }
        }
        for (int k : new int[] {0, segments.size() - 1}) {
            ReadOnlyLog.Segment s = segments.get(k);
            for (int entry : new int[] {0, s.batches() - 1}) {
                for (int i : new int[] {0, 13, 31}) {
                    String at = ctx() + " byte " + i + " of entry " + entry + " of segment " + k;
                    Path d = copy();
                    flip(d.resolve("log").resolve(s.indexFile().getFileName()), 32L * entry + i);
                    ToolRun r = check(d);
                    assertThat(r.exitCode()).as(at + "\n" + r).isEqualTo(1);
                    assertThat(r.out()).as(at).contains("is damaged");
                    repairsToClean(d, all, at, "Rebuilt");
                }
            }
        }
        Path d = copy();
        Files.delete(d.resolve("log").resolve(segments.get(1).indexFile().getFileName()));
        ToolRun r = check(d);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).contains("is missing");
        repairsToClean(d, all, ctx() + " deleted index", "Rebuilt");
    }

    @Test
    void aCutLastSegmentIsATornTailWhateverTheIndexSays() throws Exception {
        ReadOnlyLog.Segment last = segments.get(segments.size() - 1);
        List<BatchEntry> inLast = batches.stream().filter(b -> b.offset() >= last.baseOffset()).toList();
        long from = inLast.get(inLast.size() - 2).offset() - last.baseOffset();
        byte[] all = concatLogs(pristine.resolve("log"));
        for (int k = 0; k < 8; k++) {
            long cut = from + 1 + rnd.nextInt((int) (last.bytes() - from - 1));
            boolean dropIndex = k % 2 == 1;
            String at = ctx() + " cut at " + cut + (dropIndex ? " without index" : "");
            Path d = copy();
            truncate(d.resolve("log").resolve(last.logFile().getFileName()), cut);
            if (dropIndex) {
                Files.delete(d.resolve("log").resolve(last.indexFile().getFileName()));
            }
            long end;
            try (ReadOnlyLog view = ReadOnlyLog.open(d.resolve("log"))) {
                end = view.endOffset();
            }
            ToolRun r = check(d);
            assertThat(r.exitCode()).as(at + "\n" + r).isEqualTo(1);
            if (end < last.baseOffset() + cut) {
                // Cut inside a command or transaction: the bytes after the last whole unit are a torn tail.
                assertThat(r.out()).as(at).contains("torn tail", (last.baseOffset() + cut - end) + " bytes");
                repairsToClean(d, java.util.Arrays.copyOf(all, (int) end), at, "Truncated the torn tail");
            } else {
                // Cut at a boundary: nothing is torn, but the index (missing, or naming bytes now gone) is.
                assertThat(r.out()).as(at).doesNotContain("torn tail").containsPattern("index .* is (missing|damaged)");
                repairsToClean(d, java.util.Arrays.copyOf(all, (int) end), at, "The log now ends at offset " + end);
            }
        }
    }

    @Test
    void gapsAndCutEarlierSegmentsAreCorruption() throws Exception {
        Path d = copy();
        ReadOnlyLog.Segment second = segments.get(1);
        Files.move(d.resolve("log").resolve(second.logFile().getFileName()),
                d.resolve("log").resolve(String.format("%020d.log", second.baseOffset() + 1)));
        Files.delete(d.resolve("log").resolve(second.indexFile().getFileName()));
        ToolRun r = check(d);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).contains("starts at offset " + (second.baseOffset() + 1), "offset " + second.baseOffset());
        assertThat(check(d, "--repair").out()).contains("Not repairing");

        Path c = copy();
        Path first = c.resolve("log").resolve(segments.get(0).logFile().getFileName());
        truncate(first, segments.get(0).bytes() - 3);
        r = check(c);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).contains(first.toString(), "Corrupt log");
    }

    @Test
    void anOrphanIndexABadSnapshotAndABadHistoryAreFound() throws Exception {
        Path d = copy();
        Path orphan = d.resolve("log").resolve(String.format("%020d.idx", 999_999));
        Files.write(orphan, new byte[32]);
        ToolRun r = check(d);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).contains(orphan + " has no segment file");
        repairsToClean(d, concatLogs(pristine.resolve("log")), ctx() + " orphan", "Deleted index");
        assertThat(orphan).doesNotExist();

        Path s = copy();
        Path rdb = new SnapshotFiles(s).list().get(0).path();
        flip(rdb, Files.size(rdb) - 3); // inside the CRC-64
        r = check(s);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).contains("snapshot " + rdb + " does not load");
        assertThat(ToolRun.run("check", rdb.toString()).exitCode()).isEqualTo(1);

        Path h = copy();
        Files.writeString(h.resolve("replication-history"), "not-a-replid 12\n");
        r = check(h);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).contains("Bad line in", "line 1");
    }

    @Test
    void withoutAnythingToCheckItIsAUsageError() {
        ToolRun r = ToolRun.run("check");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("give --dir");
        r = ToolRun.run("check", "--dir", tmp.resolve("nope").toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("nope");
    }
}
