package io.relog.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.relog.log.segment.LogSegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A flipped byte anywhere in a batch or an index entry of a small closed log. */
class CorruptionTest {

    private static final LogOptions STRICT = new LogOptions(1024, 0, false);
    private static final LogOptions TRUNCATE = new LogOptions(1024, 0, true);

    @TempDir
    Path tmp;

    private Path pristine;
    private LogFixture f;
    private List<CommandLog.SegmentInfo> segments;
    private long seed;
    private Random rnd;
    private int run;

    @BeforeEach
    void writeSmallLog() throws Exception {
        seed = System.nanoTime();
        rnd = new Random(seed);
        pristine = tmp.resolve("pristine");
        f = new LogFixture(CommandLog.open(pristine, STRICT), rnd);
        while (f.log.segmentCount() < 3) {
            f.randomBatch(4, 60, 20);
        }
        f.randomBatch(2, 10, 20);
        f.randomBatch(2, 10, 20); // the last segment holds at least two batches
        segments = f.log.segments();
        f.log.close();
    }

    private String ctx() {
        return LogFixture.seedMsg(seed);
    }

    /** A fresh copy of the pristine log. */
    private Path copy() throws Exception {
        Path d = tmp.resolve("run" + run++);
        LogFixture.copyDir(pristine, d);
        return d;
    }

    private CommandLog.SegmentInfo segmentOf(BatchEntry b) {
        return segments.stream().filter(s -> s.baseOffset() <= b.offset() && b.offset() < s.endOffset()).findFirst()
                .orElseThrow();
    }

    private List<BatchEntry> batchesIn(CommandLog.SegmentInfo s) {
        return f.batches.stream().filter(b -> b.offset() >= s.baseOffset() && b.offset() < s.endOffset()).toList();
    }

    private int mask() {
        return rnd.nextBoolean() ? 0x01 : 1 + rnd.nextInt(255);
    }

    /** For every byte of {@code batch}: strict open refuses naming file, position, offset; truncate policy cuts there. */
    private void everyByteOfBatchIsCorruption(BatchEntry batch, boolean truncateAll) throws Exception {
        CommandLog.SegmentInfo seg = segmentOf(batch);
        long position = batch.offset() - seg.baseOffset();
        String name = seg.file().getFileName().toString();
        for (int i = 0; i < batch.length(); i++) {
            String at = ctx() + " byte " + i + " of batch at offset " + batch.offset();
            Path d = copy();
            Path file = d.resolve(name);
            LogFixture.flip(file, position + i, mask());
            LogCorruptionException e = catchThrowableOfType(() -> CommandLog.open(d, STRICT), LogCorruptionException.class);
            assertThat(e).as(at).isNotNull();
            assertThat(e.file()).as(at).isEqualTo(file);
            assertThat(e.position()).as(at).isEqualTo(position);
            assertThat(e.offset()).as(at).isEqualTo(batch.offset());
            assertThat(e.getMessage()).as(at).contains(file.toString(), "position " + position, "offset " + batch.offset());
            assertThat(LogFixture.concatLogs(d)).as(at + ": a strict open changes nothing").hasSize(f.stream.size());

            if (truncateAll || i == 0 || i == batch.length() - 1 || rnd.nextInt(8) == 0) {
                try (CommandLog log = CommandLog.open(d, TRUNCATE)) {
                    assertThat(log.endOffset()).as(at).isEqualTo(batch.offset());
                    assertThat(log.recovery().warnings()).as(at).anySatisfy(w -> assertThat(w)
                            .contains("Corrupt log", file.toString(), "offset " + batch.offset(), "truncating"));
                    assertThat(LogFixture.logFiles(d)).as(at + ": later segments are deleted").last()
                            .isEqualTo(file);
                    assertThat(LogFixture.files(d, ".idx")).as(at).last()
                            .isEqualTo(d.resolve(LogSegment.fileName(seg.baseOffset(), ".idx")));
                    long later = segments.stream().filter(s -> s.baseOffset() > seg.baseOffset()).count();
                    assertThat(log.recovery().warnings().stream().filter(w -> w.startsWith("Deleted segment")))
                            .as(at).hasSize((int) later);
                    assertThat(log.recovery().bytesTruncated()).as(at).isEqualTo(f.stream.size() - batch.offset());
                    LogFixture.assertSameCommands(LogFixture.scan(log, 0), f.commandsBelow(batch.offset()), at);
                }
                try (CommandLog log = CommandLog.open(d, STRICT)) {
                    assertThat(log.recovery().warnings()).as(at + ": the truncated log is clean").isEmpty();
                    assertThat(log.endOffset()).as(at).isEqualTo(batch.offset());
                }
            }
            LogFixture.deleteDir(d);
        }
    }

    @Test
    void aFlippedByteInTheFirstSegmentStopsTheOpen() throws Exception {
        List<BatchEntry> first = batchesIn(segments.get(0));
        everyByteOfBatchIsCorruption(first.get(0), true);
        everyByteOfBatchIsCorruption(first.get(first.size() - 1), false);
    }

    @Test
    void aFlippedByteInTheLastSegmentBeforeItsLastBatchStopsTheOpen() throws Exception {
        List<BatchEntry> last = batchesIn(segments.get(segments.size() - 1));
        everyByteOfBatchIsCorruption(last.get(last.size() - 2), false);
        everyByteOfBatchIsCorruption(batchesIn(segments.get(1)).get(0), false);
    }

    @Test
    void aFlippedByteInTheLastBatchIsATornTail() throws Exception {
        CommandLog.SegmentInfo seg = segments.get(segments.size() - 1);
        BatchEntry batch = f.batches.get(f.batches.size() - 1);
        long position = batch.offset() - seg.baseOffset();
        for (int i = 0; i < batch.length(); i++) {
            String at = ctx() + " byte " + i + " of the last batch";
            Path d = copy();
            Path file = d.resolve(seg.file().getFileName());
            LogFixture.flip(file, position + i, mask());
            try (CommandLog log = CommandLog.open(d, STRICT)) {
                assertThat(log.endOffset()).as(at).isEqualTo(batch.offset());
                assertThat(Files.size(file)).as(at).isEqualTo(position);
                assertThat(log.recovery().warnings()).as(at).singleElement().satisfies(w -> assertThat(w)
                        .contains("torn", file.toString(), "dropped " + batch.length() + " bytes", "CRC mismatch"));
                LogFixture.assertSameCommands(LogFixture.scan(log, 0), f.commandsBelow(batch.offset()), at);
            }
            LogFixture.deleteDir(d);
        }
    }

    /** For every byte of index entry {@code j} of segment {@code k}: the segment's index is rebuilt from there, nothing lost. */
    private void everyByteOfEntryIsRebuilt(int k, int j) throws Exception {
        CommandLog.SegmentInfo seg = segments.get(k);
        List<BatchEntry> entries = batchesIn(seg);
        String idxName = LogSegment.fileName(seg.baseOffset(), ".idx");
        for (int i = 0; i < LogSegment.ENTRY_BYTES; i++) {
            String at = ctx() + " byte " + i + " of entry " + j + " of segment " + k;
            Path d = copy();
            LogFixture.flip(d.resolve(idxName), 32L * j + i, mask());
            try (CommandLog log = CommandLog.open(d, STRICT)) {
                assertThat(log.recovery().warnings()).as(at).singleElement()
                        .satisfies(w -> assertThat(w).startsWith("Rebuilt").contains(idxName, "damaged"));
                assertThat(log.endOffset()).as(at).isEqualTo(f.stream.size());
                LogFixture.assertSameCommands(LogFixture.scan(log, 0), f.cmds, at);
            }
            assertThat(LogFixture.concatLogs(d)).as(at).isEqualTo(f.streamBytes());
            List<BatchEntry> now = FormatRoundTripTest.decodeIndexFile(d.resolve(idxName), seg.baseOffset());
            assertThat(now.subList(0, j)).as(at + ": entries before the damaged one are kept").isEqualTo(entries.subList(0, j));
            long expect = entries.get(j).offset();
            for (BatchEntry e : now.subList(j, now.size())) {
                assertThat(e.offset()).as(at).isEqualTo(expect);
                assertThat(e.flags() & BatchEntry.REBUILT).as(at).isEqualTo(BatchEntry.REBUILT);
                long off = e.offset();
                assertThat(f.cmds).as(at + ": a rebuilt entry starts a command or transaction")
                        .anyMatch(c -> c.offset() == off);
                expect = e.endOffset();
            }
            assertThat(expect).as(at + ": the rebuilt entries cover the segment").isEqualTo(seg.endOffset());
            for (int other = 0; other < segments.size(); other++) {
                if (other != k) {
                    CommandLog.SegmentInfo o = segments.get(other);
                    assertThat(FormatRoundTripTest.decodeIndexFile(d.resolve(LogSegment.fileName(o.baseOffset(), ".idx")),
                            o.baseOffset())).as(at).isEqualTo(batchesIn(o));
                }
            }
            LogFixture.deleteDir(d);
        }
    }

    @Test
    void aFlippedByteInAnIndexEntryRebuildsTheRestOfThatIndex() throws Exception {
        everyByteOfEntryIsRebuilt(0, batchesIn(segments.get(0)).size() / 2);
        everyByteOfEntryIsRebuilt(0, 0);
        int last = segments.size() - 1;
        everyByteOfEntryIsRebuilt(last, batchesIn(segments.get(last)).size() - 1);
    }

    @Test
    void aGapBetweenSegmentsIsCorruption() throws Exception {
        Path d = copy();
        CommandLog.SegmentInfo second = segments.get(1);
        Path file = d.resolve(second.file().getFileName());
        Path moved = d.resolve(LogSegment.fileName(second.baseOffset() + 1, ".log"));
        Files.move(file, moved);
        Files.delete(d.resolve(LogSegment.fileName(second.baseOffset(), ".idx")));
        LogCorruptionException e = catchThrowableOfType(() -> CommandLog.open(d, STRICT), LogCorruptionException.class);
        assertThat(e).as(ctx()).isNotNull();
        assertThat(e.offset()).as(ctx()).isEqualTo(second.baseOffset());
        assertThat(e.getMessage()).as(ctx()).contains("segment starts at offset " + (second.baseOffset() + 1));
        try (CommandLog log = CommandLog.open(d, TRUNCATE)) {
            assertThat(log.endOffset()).as(ctx()).isEqualTo(second.baseOffset());
            assertThat(log.segmentCount()).isEqualTo(1);
            LogFixture.assertSameCommands(LogFixture.scan(log, 0), f.commandsBelow(second.baseOffset()), ctx());
        }
    }
}
