package io.relog.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.relog.log.resp.RespCommands;
import io.relog.log.segment.LogSegment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ReadOnlyLog} against real logs written by {@link CommandLog}, closed, live, torn and corrupt. */
class ReadOnlyLogTest {

    private static final LogOptions OPTS = new LogOptions(2048, 0, false);

    @TempDir
    Path tmp;

    /** What a command must look like in a scan, computed from the fixture's model. */
    private record Expected(LogFixture.Cmd cmd, long timestampMs, int db, boolean inTransaction) {
    }

    private static List<Expected> expected(LogFixture f) {
        List<Expected> out = new ArrayList<>();
        int db = -1;
        boolean tx = false;
        for (LogFixture.Cmd c : f.cmds) {
            BatchEntry b = f.batches.stream().filter(e -> e.offset() <= c.offset() && c.offset() < e.endOffset())
                    .findFirst().orElse(null);
            if (b == null) {
                continue; // still in the open batch
            }
            db = ReadOnlyLog.selected(c.argv(), db);
            boolean inTx = tx;
            if (RespCommands.is(c.argv()[0], "multi")) {
                tx = true;
                inTx = true;
            } else if (RespCommands.is(c.argv()[0], "exec")) {
                tx = false;
            }
            out.add(new Expected(c, b.timestampMs(), db, inTx));
        }
        return out;
    }

    private static List<ReadOnlyLog.Command> scan(ReadOnlyLog log, long from, long to) throws IOException {
        List<ReadOnlyLog.Command> out = new ArrayList<>();
        log.scan(from, to, c -> out.add(c));
        return out;
    }

    private static void assertMatches(List<ReadOnlyLog.Command> actual, List<Expected> expected, String ctx) {
        assertThat(actual).as(ctx + ": count").hasSize(expected.size());
        for (int i = 0; i < actual.size(); i++) {
            ReadOnlyLog.Command a = actual.get(i);
            Expected e = expected.get(i);
            String at = ctx + ": command " + i + " (" + LogFixture.str(e.cmd().argv()) + ")";
            assertThat(a.offset()).as(at).isEqualTo(e.cmd().offset());
            assertThat(a.nextOffset()).as(at).isEqualTo(e.cmd().end());
            assertThat(a.argv()).as(at).isDeepEqualTo(e.cmd().argv());
            assertThat(a.timestampMs()).as(at).isEqualTo(e.timestampMs());
            assertThat(a.db()).as(at).isEqualTo(e.db());
            assertThat(a.inTransaction()).as(at).isEqualTo(e.inTransaction());
        }
    }

    /** Names, sizes and digests of every file: a read-only view must leave them as they were. */
    private static TreeMap<String, String> fingerprint(Path dir) throws Exception {
        TreeMap<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                byte[] b = Files.readAllBytes(p);
                out.put(p.getFileName().toString(),
                        b.length + ":" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)));
            }
        }
        return out;
    }

    @Test
    void aClosedLogReadsBackEveryCommandWithItsTimeDbAndTransaction() throws Exception {
        long seed = System.nanoTime();
        String ctx = LogFixture.seedMsg(seed);
        Random rnd = new Random(seed);
        Path dir = tmp.resolve("log");
        LogFixture f = new LogFixture(CommandLog.open(dir, OPTS), rnd);
        while (f.log.segmentCount() < 4) {
            f.randomBatch(5, 300, 30);
        }
        List<CommandLog.SegmentInfo> segs = f.log.segments();
        f.log.close();
        TreeMap<String, String> before = fingerprint(dir);
        List<Expected> all = expected(f);
        try (ReadOnlyLog log = ReadOnlyLog.open(dir)) {
            assertThat(log.startOffset()).as(ctx).isZero();
            assertThat(log.endOffset()).as(ctx).isEqualTo(f.stream.size());
            assertThat(log.segments()).as(ctx).hasSize(segs.size());
            for (int i = 0; i < segs.size(); i++) {
                ReadOnlyLog.Segment s = log.segments().get(i);
                assertThat(s.baseOffset()).as(ctx).isEqualTo(segs.get(i).baseOffset());
                assertThat(s.endOffset()).as(ctx).isEqualTo(segs.get(i).endOffset());
                assertThat(s.indexedBatches()).as(ctx).isEqualTo(segs.get(i).batches()).isEqualTo(s.batches());
                assertThat(s.indexBytesIgnored()).as(ctx).isZero();
                assertThat(log.batches(s.baseOffset())).as(ctx).isEqualTo(f.batches.stream()
                        .filter(b -> b.offset() >= s.baseOffset() && b.offset() < s.endOffset()).toList());
            }
            assertThat(log.tornTail()).as(ctx).isNull();
            assertMatches(scan(log, 0, -1), all, ctx + " whole log");

            // From any command boundary (inside batches too) to any later one.
            for (int k = 0; k < 60; k++) {
                int i = rnd.nextInt(all.size());
                int j = i + rnd.nextInt(all.size() - i + 1);
                long from = all.get(i).cmd().offset();
                long to = j == all.size() ? f.stream.size() : all.get(j).cmd().offset();
                List<ReadOnlyLog.Command> got = new ArrayList<>();
                long next = log.scan(from, to, got::add);
                assertMatches(got, all.subList(i, j), ctx + " scan [" + from + ", " + to + ")");
                assertThat(next).as(ctx).isEqualTo(to);
            }
            // An end inside a command stops before it; the visitor can stop early.
            LogFixture.Cmd mid = all.get(all.size() / 2).cmd();
            assertThat(log.scan(0, mid.offset() + 1, c -> true)).as(ctx).isEqualTo(mid.offset());
            int[] seen = {0};
            assertThat(log.scan(0, -1, c -> ++seen[0] < 3)).as(ctx).isEqualTo(all.get(2).cmd().offset());

            // Time: the first batch at or after a time; past the last one, the end.
            for (BatchEntry b : f.batches) {
                long expectedOffset = f.batches.stream().filter(e -> e.timestampMs() >= b.timestampMs()).findFirst()
                        .orElseThrow().offset();
                assertThat(log.offsetForTimestamp(b.timestampMs())).as(ctx).isEqualTo(expectedOffset);
            }
            assertThat(log.offsetForTimestamp(Long.MIN_VALUE)).isZero();
            assertThat(log.offsetForTimestamp(f.now + 1)).isEqualTo(f.stream.size());
            assertThat(log.batchAt(mid.offset())).isNotNull().satisfies(b -> assertThat(b.offset()).isLessThanOrEqualTo(mid.offset()));
            assertThat(log.verify(f.batches.get(1))).isNull();
            assertThatThrownBy(() -> log.scan(f.stream.size() + 1, -1, c -> true))
                    .isInstanceOf(OffsetOutOfRangeException.class).hasMessageContaining("beyond");
            assertThat(log.history()).isEmpty();
        }
        assertThat(fingerprint(dir)).as(ctx + ": nothing written").isEqualTo(before);
    }

    @Test
    void followsALiveLogThroughLaggingIndexesRollsAndRetention() throws Exception {
        long seed = System.nanoTime();
        String ctx = LogFixture.seedMsg(seed);
        Random rnd = new Random(seed);
        Path dir = tmp.resolve("live");
        // Preallocation on: the active segment is zero-filled ahead of the writes, as on a server.
        LogFixture f = new LogFixture(CommandLog.open(dir, new LogOptions(4096, 0, false, true)), rnd);
        f.randomBatch(3, 50, 10);
        try (ReadOnlyLog view = ReadOnlyLog.open(dir)) {
            List<ReadOnlyLog.Command> got = new ArrayList<>();
            long next = view.scan(0, -1, got::add);
            int rounds = 0;
            boolean sawLag = false;
            while (f.log.segmentCount() < 5) {
                int n = 1 + rnd.nextInt(4);
                for (int i = 0; i < n; i++) {
                    f.randomBatch(3, 200, 10);
                }
                // The index is written in groups: the view re-parses what it lacks.
                ReadOnlyLog.Changes changes = view.refresh();
                assertThat(changes.grewBy()).as(ctx).isPositive();
                assertThat(view.endOffset()).as(ctx + ": the view sees every written batch").isEqualTo(f.log.writtenOffset());
                next = view.scan(next, -1, got::add);
                assertThat(next).isEqualTo(view.endOffset());
                ReadOnlyLog.Segment active = view.segments().get(view.segments().size() - 1);
                sawLag |= active.indexedBatches() < active.batches();
                rounds++;
            }
            assertThat(rounds).isGreaterThan(1);
            assertThat(view.segments()).as(ctx).hasSize(5);
            assertThat(sawLag).as(ctx + ": the active index lagged, the view re-parsed").isTrue();
            List<Expected> all = expected(f);
            // The re-parsed units carry estimated times: compare those separately.
            assertThat(got).as(ctx).hasSize(all.size());
            for (int i = 0; i < got.size(); i++) {
                assertThat(got.get(i).offset()).as(ctx).isEqualTo(all.get(i).cmd().offset());
                assertThat(got.get(i).argv()).as(ctx).isDeepEqualTo(all.get(i).cmd().argv());
                assertThat(got.get(i).db()).as(ctx).isEqualTo(all.get(i).db());
                assertThat(got.get(i).inTransaction()).as(ctx).isEqualTo(all.get(i).inTransaction());
            }
            // A half-written batch (a torn tail while the writer runs) is not there yet.
            long end = f.log.endOffset();
            byte[] half = RespCommands.encode("SET", "half", "written");
            Path activeFile = dir.resolve(LogSegment.fileName(f.log.segments().get(4).baseOffset(), ".log"));
            try (var ch = java.nio.channels.FileChannel.open(activeFile, java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(half, 0, half.length - 3), end - f.log.segments().get(4).baseOffset());
            }
            assertThat(view.refresh().any()).as(ctx).isFalse();
            assertThat(view.endOffset()).isEqualTo(end);
            assertThat(view.tornTail()).isNotNull().satisfies(t -> {
                assertThat(t.offset()).isEqualTo(end);
                assertThat(t.bytes()).isEqualTo(half.length - 3);
                assertThat(t.reason()).contains("incomplete");
            });
            try (var ch = java.nio.channels.FileChannel.open(activeFile, java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(new byte[half.length - 3]), end - f.log.segments().get(4).baseOffset());
            }

            // Retention deletes the two oldest segments: the view follows, and says the offset is gone.
            long keep = f.log.segments().get(2).baseOffset();
            f.log.sync();
            List<Path> deleted = f.log.deleteSegments(f.now, -1, 1, keep);
            assertThat(deleted).as(ctx).isNotEmpty();
            ReadOnlyLog.Changes c = view.refresh();
            assertThat(c.deleted()).as(ctx).hasSize((int) deleted.stream().filter(p -> p.toString().endsWith(".log")).count());
            assertThat(view.startOffset()).as(ctx).isEqualTo(f.log.startOffset());
            OffsetOutOfRangeException e = catchThrowableOfType(() -> view.scan(0, -1, x -> true), OffsetOutOfRangeException.class);
            assertThat(e).isNotNull();
            assertThat(e.getMessage()).contains("earliest available offset is " + f.log.startOffset());
            // And the rest reads on from its start.
            List<ReadOnlyLog.Command> rest = new ArrayList<>();
            view.scan(view.startOffset(), -1, rest::add);
            assertThat(rest.get(rest.size() - 1).nextOffset()).isEqualTo(f.log.endOffset());
        } finally {
            f.log.close();
        }
    }

    @Test
    void aTornTailIsNotThereAndNothingIsRepaired() throws Exception {
        long seed = System.nanoTime();
        String ctx = LogFixture.seedMsg(seed);
        Path pristine = tmp.resolve("pristine");
        LogFixture f = new LogFixture(CommandLog.open(pristine, OPTS), new Random(seed));
        while (f.log.segmentCount() < 2) {
            f.randomBatch(4, 100, 10);
        }
        f.randomBatch(4, 100, 10);
        f.randomBatch(4, 100, 10);
        CommandLog.SegmentInfo last = f.log.segments().get(f.log.segmentCount() - 1);
        f.log.close();
        Random rnd = new Random(seed);
        for (int k = 0; k < 25; k++) {
            long cut = 1 + rnd.nextInt((int) last.bytes() - 1);
            boolean dropIndex = rnd.nextBoolean();
            Path d = tmp.resolve("cut" + k);
            LogFixture.copyDir(pristine, d);
            LogFixture.truncate(d.resolve(last.file().getFileName()), cut);
            if (dropIndex) {
                Files.delete(d.resolve(LogSegment.fileName(last.baseOffset(), ".idx")));
            }
            Path r = tmp.resolve("recovered" + k);
            LogFixture.copyDir(d, r);
            long recoveredEnd;
            try (CommandLog rec = CommandLog.open(r, OPTS)) {
                recoveredEnd = rec.endOffset();
            }
            TreeMap<String, String> before = fingerprint(d);
            String at = ctx + " cut " + cut + (dropIndex ? " without index" : "");
            try (ReadOnlyLog view = ReadOnlyLog.open(d)) {
                assertThat(view.endOffset()).as(at + ": the view keeps what recovery keeps").isEqualTo(recoveredEnd);
                List<ReadOnlyLog.Command> got = scan(view, 0, -1);
                LogFixture.assertSameCommands(got.stream().map(c -> new LogFixture.Cmd(c.argv(), c.offset(), c.length(), false))
                        .toList(), f.commandsBelow(recoveredEnd), at);
                if (last.baseOffset() + cut > recoveredEnd) {
                    assertThat(view.tornTail()).as(at).isNotNull().satisfies(t -> {
                        assertThat(t.offset()).isEqualTo(recoveredEnd);
                        assertThat(t.bytes()).isEqualTo(last.baseOffset() + cut - recoveredEnd);
                    });
                } else {
                    assertThat(view.tornTail()).as(at).isNull();
                }
            }
            assertThat(fingerprint(d)).as(at + ": nothing written").isEqualTo(before);
        }
    }

    @Test
    void corruptionIsReportedWithFilePositionAndOffset() throws Exception {
        long seed = System.nanoTime();
        String ctx = LogFixture.seedMsg(seed);
        Path pristine = tmp.resolve("pristine");
        LogFixture f = new LogFixture(CommandLog.open(pristine, OPTS), new Random(seed));
        while (f.log.segmentCount() < 3) {
            f.randomBatch(4, 100, 10);
        }
        List<CommandLog.SegmentInfo> segs = f.log.segments();
        f.log.close();

        // A flipped byte in a batch: the scan that reads it says where.
        BatchEntry victim = f.batches.get(f.batches.size() / 3);
        CommandLog.SegmentInfo seg = segs.stream().filter(s -> s.baseOffset() <= victim.offset() && victim.offset() < s.endOffset())
                .findFirst().orElseThrow();
        Path d = tmp.resolve("flip");
        LogFixture.copyDir(pristine, d);
        Path file = d.resolve(seg.file().getFileName());
        LogFixture.flip(file, victim.offset() - seg.baseOffset() + victim.length() / 2, 0x10);
        try (ReadOnlyLog view = ReadOnlyLog.open(d)) {
            LogCorruptionException e = catchThrowableOfType(() -> view.scan(0, -1, c -> true), LogCorruptionException.class);
            assertThat(e).as(ctx).isNotNull();
            assertThat(e.file()).isEqualTo(file);
            assertThat(e.position()).isEqualTo(victim.offset() - seg.baseOffset());
            assertThat(e.offset()).isEqualTo(victim.offset());
            assertThat(view.verify(victim)).as(ctx).contains("CRC mismatch");
            // The bytes before it read fine.
            assertThat(view.scan(0, victim.offset(), c -> true)).isEqualTo(victim.offset());
        }

        // A gap between segments.
        Path g = tmp.resolve("gap");
        LogFixture.copyDir(pristine, g);
        CommandLog.SegmentInfo second = segs.get(1);
        Files.move(g.resolve(second.file().getFileName()), g.resolve(LogSegment.fileName(second.baseOffset() + 1, ".log")));
        LogCorruptionException gap = catchThrowableOfType(() -> ReadOnlyLog.open(g), LogCorruptionException.class);
        assertThat(gap).as(ctx).isNotNull();
        assertThat(gap.offset()).isEqualTo(second.baseOffset());
        assertThat(gap.getMessage()).contains("starts at offset " + (second.baseOffset() + 1));

        // An earlier segment cut short (its index intact) is not a torn tail.
        Path c = tmp.resolve("cut");
        LogFixture.copyDir(pristine, c);
        Path first = c.resolve(segs.get(0).file().getFileName());
        LogFixture.truncate(first, segs.get(0).bytes() - 2);
        LogCorruptionException cut = catchThrowableOfType(() -> ReadOnlyLog.open(c), LogCorruptionException.class);
        assertThat(cut).as(ctx).isNotNull();
        assertThat(cut.file()).isEqualTo(first);
    }
}
