package io.relog.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.relog.log.segment.LogSegment;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimeAndRetentionTest {

    private static final LogOptions OPTS = new LogOptions(1024, 0, false);

    @TempDir
    Path dir;

    private static long expectedOffsetFor(LogFixture f, long t, long start, long end) {
        for (BatchEntry b : f.batches) {
            if (b.offset() >= start && b.timestampMs() >= t) {
                return b.offset();
            }
        }
        return end;
    }

    @Test
    void offsetForTimestampFindsTheFirstBatchAtOrAfterIt() throws Exception {
        long seed = System.nanoTime();
        String ctx = LogFixture.seedMsg(seed);
        Random rnd = new Random(seed);
        LogFixture f = new LogFixture(CommandLog.open(dir, OPTS), rnd);
        while (f.log.segmentCount() < 4) {
            f.randomBatch(3, 60, 30); // steps of 0..30 ms: equal times too
            if (rnd.nextInt(10) == 0) { // the clock goes back: clamped
                f.add("PING");
                BatchEntry e = f.commit(f.now - 1 - rnd.nextInt(1000));
                assertThat(e.timestampMs()).as(ctx).isEqualTo(f.batches.get(f.batches.size() - 2).timestampMs());
            }
        }
        long first = f.batches.get(0).timestampMs();
        long last = f.batches.get(f.batches.size() - 1).timestampMs();
        for (int pass = 0; pass < 2; pass++) {
            CommandLog log = f.log;
            for (long t = first - 5; t <= last + 5; t++) {
                assertThat(log.offsetForTimestamp(t)).as(ctx + " pass " + pass + " t=" + t)
                        .isEqualTo(expectedOffsetFor(f, t, 0, log.endOffset()));
            }
            assertThat(log.offsetForTimestamp(Long.MIN_VALUE)).isEqualTo(log.startOffset());
            assertThat(log.offsetForTimestamp(last + 1)).isEqualTo(log.endOffset());
            log.close();
            f.log = CommandLog.open(dir, OPTS); // the index read back answers the same
        }
        f.log.close();
    }

    @Test
    void theClockClampSurvivesAReopenAfterARoll() throws Exception {
        LogFixture f = new LogFixture(CommandLog.open(dir, OPTS), new Random(7));
        f.begin();
        f.add("SET", "big", "x".repeat(1100)); // fills the segment: it rolls, the new one is empty
        f.commit(LogFixture.T0 + 10_000);
        assertThat(f.log.activeSegmentEmpty()).isTrue();
        f.log.close();
        try (CommandLog log = CommandLog.open(dir, OPTS)) {
            BatchBuilder b = new BatchBuilder();
            b.add(LogFixture.argv("SELECT", "0"), 0);
            log.append(b, LogFixture.T0); // 10 s earlier than the last batch
            List<CommandLog.SegmentInfo> segs = log.segments();
            assertThat(segs.get(1).firstTimestampMs()).as("timestamps never decrease").isEqualTo(LogFixture.T0 + 10_000);
            assertThat(log.offsetForTimestamp(LogFixture.T0 + 10_000)).isZero();
        }
    }

    /** A log of several segments whose batches are 100 ms apart, synced. */
    private LogFixture segmentedLog(Random rnd, int segments) throws Exception {
        LogFixture f = new LogFixture(CommandLog.open(dir, OPTS), rnd);
        while (f.log.segmentCount() < segments) {
            f.now += 100;
            f.begin();
            f.addRandomUnit(80);
            f.addRandomUnit(80);
            f.commit(f.now);
        }
        f.randomBatch(1, 10, 10);
        return f;
    }

    @Test
    void retentionBySizeDeletesWholeOldSegmentsButNeverTheActiveOne() throws Exception {
        long seed = System.nanoTime();
        String ctx = LogFixture.seedMsg(seed);
        LogFixture f = segmentedLog(new Random(seed), 6);
        CommandLog log = f.log;
        List<CommandLog.SegmentInfo> before = log.segments();
        assertThat(log.deleteSegments(f.now, 0, 0, Long.MAX_VALUE)).as(ctx + ": unsynced segments are kept").isEmpty();
        log.sync();

        // Keep at least the last three segments' worth of bytes.
        long keep = before.get(3).bytes() + before.get(4).bytes() + before.get(5).bytes();
        List<Path> deleted = log.deleteSegments(f.now, 0, keep, Long.MAX_VALUE);
        List<Path> expected = new ArrayList<>();
        long total = before.stream().mapToLong(CommandLog.SegmentInfo::bytes).sum();
        for (CommandLog.SegmentInfo s : before.subList(0, before.size() - 1)) {
            if (total - s.bytes() < keep) {
                break;
            }
            total -= s.bytes();
            expected.add(s.file());
        }
        assertThat(expected).as(ctx).isNotEmpty();
        assertThat(deleted).as(ctx).isEqualTo(expected);
        assertThat(log.sizeInBytes()).as(ctx).isGreaterThanOrEqualTo(keep);
        for (Path p : deleted) {
            assertThat(p).doesNotExist();
            long base = Long.parseLong(p.getFileName().toString().substring(0, 20));
            assertThat(dir.resolve(LogSegment.fileName(base, ".idx"))).doesNotExist();
        }
        CommandLog.SegmentInfo firstKept = before.get(deleted.size());
        assertThat(log.startOffset()).as(ctx).isEqualTo(firstKept.baseOffset());
        assertThat(LogFixture.logFiles(dir).get(0)).isEqualTo(firstKept.file());

        // keepFromOffset: nothing ending above it goes, even with no size limit left.
        long keepFrom = before.get(4).baseOffset() + 1;
        log.deleteSegments(f.now, 0, 0, keepFrom);
        assertThat(log.startOffset()).as(ctx).isEqualTo(before.get(4).baseOffset());

        // Size 0: everything but the active segment.
        log.deleteSegments(f.now, 0, 0, Long.MAX_VALUE);
        assertThat(log.segmentCount()).isEqualTo(1);
        assertThat(log.startOffset()).isEqualTo(before.get(before.size() - 1).baseOffset());
        LogFixture.assertSameCommands(LogFixture.scan(log, log.startOffset()), f.cmds.stream()
                .filter(c -> c.offset() >= log.startOffset()).toList(), ctx);
        log.close();
        try (CommandLog again = CommandLog.open(dir, OPTS)) {
            assertThat(again.startOffset()).isEqualTo(before.get(before.size() - 1).baseOffset());
            assertThat(again.recovery().warnings()).isEmpty();
        }
    }

    @Test
    void retentionByAgeDeletesSegmentsWhoseLastBatchIsOlder() throws Exception {
        long seed = System.nanoTime();
        String ctx = LogFixture.seedMsg(seed);
        LogFixture f = segmentedLog(new Random(seed), 5);
        CommandLog log = f.log;
        log.sync();
        List<CommandLog.SegmentInfo> before = log.segments();
        long retention = 1000;
        // "Now" such that exactly the first two segments are older than the retention.
        long now = before.get(1).lastTimestampMs() + retention + 1;
        assertThat(before.get(2).lastTimestampMs()).as(ctx).isGreaterThan(before.get(1).lastTimestampMs());
        List<Path> deleted = log.deleteSegments(now, retention, -1, Long.MAX_VALUE);
        assertThat(deleted).as(ctx).containsExactly(before.get(0).file(), before.get(1).file());
        assertThat(log.startOffset()).isEqualTo(before.get(2).baseOffset());
        assertThat(log.deleteSegments(now, retention, -1, Long.MAX_VALUE)).isEmpty();
        // Far in the future: all but the active one.
        assertThat(log.deleteSegments(now + 1_000_000, retention, -1, Long.MAX_VALUE)).hasSize(before.size() - 3);
        assertThat(log.segmentCount()).isEqualTo(1);
        log.close();
    }

    @Test
    void retentionByAgeWorksAfterARestart() throws Exception {
        LogFixture f = segmentedLog(new Random(3), 3);
        f.log.close();
        try (CommandLog log = CommandLog.open(dir, OPTS)) {
            assertThat(log.deleteSegments(f.now + 1_000_000, 1000, -1, Long.MAX_VALUE)).hasSize(2);
        }
    }

    @Test
    void aReaderInsideADeletedSegmentKeepsReading() throws Exception {
        long seed = System.nanoTime();
        String ctx = LogFixture.seedMsg(seed);
        LogFixture f = segmentedLog(new Random(seed), 5);
        CommandLog log = f.log;
        log.sync();
        List<CommandLog.SegmentInfo> before = log.segments();
        // Inside the last segment to be deleted: it reads that one to its end, then the next.
        long from = before.get(2).baseOffset() + before.get(2).bytes() / 2;
        LogReader inside = log.openReader(from);
        assertThat(inside.read(ByteBuffer.allocate(10))).isEqualTo(10);
        // Inside the first: it reads that segment, but the next one is gone when it gets there.
        long fromFirst = before.get(0).baseOffset() + 3;
        LogReader early = log.openReader(fromFirst);
        assertThat(early.read(ByteBuffer.allocate(10))).isEqualTo(10);
        // Positioned in a deleted segment, but no file opened yet.
        LogReader notStarted = log.openReader(before.get(1).baseOffset() + 5);
        assertThat(log.deleteSegments(f.now, 0, 0, before.get(3).baseOffset())).hasSize(3);
        assertThat(before.get(2).file()).doesNotExist();

        ByteArrayOutputStream got = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(333);
        int n;
        while ((n = inside.read(b.clear())) > 0) {
            got.write(b.array(), 0, n);
        }
        assertThat(got.toByteArray()).as(ctx).isEqualTo(Arrays.copyOfRange(f.streamBytes(), (int) from + 10, f.stream.size()));
        inside.close();

        long rest = before.get(0).endOffset() - (fromFirst + 10);
        ByteBuffer firstRest = ByteBuffer.allocate((int) rest);
        assertThat(early.read(firstRest)).as(ctx + ": the open segment reads to its end").isEqualTo((int) rest);
        assertThat(firstRest.array()).isEqualTo(Arrays.copyOfRange(f.streamBytes(), (int) (fromFirst + 10),
                (int) before.get(0).endOffset()));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> early.read(ByteBuffer.allocate(10)))
                .isInstanceOf(OffsetOutOfRangeException.class)
                .hasMessageContaining("earliest available offset is " + before.get(3).baseOffset());
        early.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> notStarted.read(ByteBuffer.allocate(10)))
                .isInstanceOf(OffsetOutOfRangeException.class)
                .hasMessageContaining("earliest available offset is " + before.get(3).baseOffset());
        notStarted.close();
        log.close();
    }
}
