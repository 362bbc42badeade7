package io.relog.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.relog.log.segment.LogSegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The last {@code .log} cut at every byte of its last batches, with the index intact, gone or cut. */
class TornTailTest {

    private static final LogOptions OPTS = new LogOptions(1024, 0, false);

    @TempDir
    Path tmp;

    private Path pristine;
    private LogFixture f;
    private CommandLog.SegmentInfo last;
    private long seed;
    private int run;
    private long multiA;
    private long incrA;
    private long multiB;
    private long bigB;

    @BeforeEach
    void writeLog() throws Exception {
        seed = Long.getLong("relog.seed", System.nanoTime()); // -Drelog.seed=N replays a failure
        pristine = tmp.resolve("pristine");
        f = new LogFixture(CommandLog.open(pristine, OPTS), new Random(seed));
        while (f.log.segmentCount() < 2 || !f.log.activeSegmentEmpty()) {
            f.randomBatch(4, 60, 20);
        }
        f.randomBatch(3, 10, 20);
        f.begin();
        f.add("SET", "k1", "v1");
        multiA = f.log.endOffset() + f.batch.size();
        f.add("MULTI");
        f.add("SET", "a", "1");
        incrA = f.log.endOffset() + f.batch.size();
        f.add("INCR", "b");
        f.add("EXEC");
        f.add("PING");
        f.commit(f.now += 5);
        multiB = f.log.endOffset();
        f.add("MULTI");
        bigB = f.log.endOffset() + f.batch.size();
        f.add("SET", "big", "x".repeat(200));
        f.add("EXEC");
        f.commit(f.now += 5);
        f.add("SELECT", "3");
        f.add("SET", "x", "y");
        f.commit(f.now += 5);
        assertThat(f.log.segmentCount()).as("the crafted batches did not roll").isEqualTo(2);
        last = f.log.segments().get(1);
        f.log.close();
    }

    private String ctx() {
        return LogFixture.seedMsg(seed);
    }

    private List<BatchEntry> lastBatches() {
        return f.batches.stream().filter(b -> b.offset() >= last.baseOffset()).toList();
    }

    /** Cut variants of the index. */
    private enum Idx { INTACT, DELETED, CUT }

    /**
     * Cuts the last {@code .log} to {@code cutSize} bytes (and the index as told), opens, and checks
     * that the log kept exactly the expected prefix. Returns the end offset.
     */
    private long cutAndOpen(long cutSize, Idx idx) throws Exception {
        long cut = last.baseOffset() + cutSize;
        String at = ctx() + " cut at offset " + cut + " (" + cutSize + " bytes), index " + idx;
        Path d = tmp.resolve("run" + run++);
        LogFixture.copyDir(pristine, d);
        Path file = d.resolve(last.file().getFileName());
        Path idxFile = d.resolve(LogSegment.fileName(last.baseOffset(), ".idx"));
        LogFixture.truncate(file, cutSize);
        List<BatchEntry> batches = lastBatches();
        int keptEntries = 0;
        long expectedEnd;
        switch (idx) {
            case INTACT -> {
                // The index names the batch the cut is in: it goes whole (it cannot have been acknowledged).
                BatchEntry torn = batches.stream().filter(b -> b.offset() <= cut && cut < b.endOffset()).findFirst()
                        .orElseThrow();
                expectedEnd = torn.offset();
                keptEntries = batches.indexOf(torn);
            }
            case DELETED -> {
                Files.delete(idxFile);
                expectedEnd = f.lastUnitBoundary(cut, last.baseOffset());
            }
            default -> {
                // Keep the entries of all but the last whole batch before the cut, plus a torn entry.
                int whole = (int) batches.stream().filter(b -> b.endOffset() <= cut).count();
                keptEntries = Math.max(0, whole - 1);
                LogFixture.truncate(idxFile, 32L * keptEntries + 13);
                expectedEnd = f.lastUnitBoundary(cut, last.baseOffset());
            }
        }
        // Recovery first drops trailing zero bytes as preallocated space; a cut right after a zero
        // byte of a value loses that byte there, so the torn-tail warning counts the rest.
        byte[] cutBytes = Files.readAllBytes(file);
        long zeros = 0;
        while (cutSize - zeros > expectedEnd - last.baseOffset() && cutBytes[(int) (cutSize - zeros - 1)] == 0) {
            zeros++;
        }
        try (CommandLog log = CommandLog.open(d, OPTS)) {
            assertThat(log.endOffset()).as(at).isEqualTo(expectedEnd);
            assertThat(Files.size(file)).as(at).isEqualTo(expectedEnd - last.baseOffset());
            LogFixture.assertSameCommands(LogFixture.scan(log, 0), f.commandsBelow(expectedEnd), at);
            List<String> w = log.recovery().warnings();
            long dropped = cut - zeros - expectedEnd;
            if (idx == Idx.INTACT || dropped > 0) {
                assertThat(w).as(at).anySatisfy(s -> assertThat(s).contains("torn", file.toString(),
                        "dropped " + dropped + " bytes", "position " + (expectedEnd - last.baseOffset())));
            } else {
                assertThat(w).as(at).noneMatch(s -> s.contains("torn"));
            }
            assertThat(log.recovery().bytesTruncated()).as(at).isEqualTo(dropped);
            if (idx != Idx.INTACT && expectedEnd > batches.get(keptEntries).offset()) {
                assertThat(w).as(at).anySatisfy(s -> assertThat(s).startsWith("Rebuilt").contains(idxFile.toString()));
            }
        }
        List<BatchEntry> entries = FormatRoundTripTest.decodeIndexFile(idxFile, last.baseOffset());
        assertThat(entries.subList(0, Math.min(keptEntries, entries.size()))).as(at).isEqualTo(
                batches.subList(0, Math.min(keptEntries, entries.size())));
        long expect = last.baseOffset();
        for (int i = 0; i < entries.size(); i++) {
            BatchEntry e = entries.get(i);
            assertThat(e.offset()).as(at + ": entries are contiguous").isEqualTo(expect);
            assertThat(e.flags() & BatchEntry.REBUILT).as(at + ": entry " + i).isEqualTo(i < keptEntries ? 0 : BatchEntry.REBUILT);
            expect = e.endOffset();
        }
        assertThat(expect).as(at + ": the index covers the segment").isEqualTo(expectedEnd);
        // A second open finds nothing to repair, and appending continues at the new end.
        if (run % 5 == 0) {
            reopenAndAppend(d, expectedEnd, at);
        }
        LogFixture.deleteDir(d);
        return expectedEnd;
    }

    private void reopenAndAppend(Path d, long expectedEnd, String at) throws Exception {
        try (CommandLog log = CommandLog.open(d, OPTS)) {
            assertThat(log.recovery().warnings()).as(at).isEmpty();
            BatchBuilder b = new BatchBuilder();
            b.add(LogFixture.argv("SET", "after", "cut"), log.recovery().endDb());
            log.append(b, f.now + 1);
            List<LogFixture.Cmd> all = LogFixture.scan(log, 0);
            assertThat(all).as(at).hasSize(f.commandsBelow(expectedEnd).size() + 1);
            assertThat(all.get(all.size() - 1).offset()).as(at).isEqualTo(expectedEnd);
        }
    }

    @Test
    void everyCutInTheLastBatchesKeepsAPrefixOfWholeCommands() throws Exception {
        // Each open fsyncs, so not every (cut, index) pair is tried: every cut near a command
        // boundary with every index variant, the inside of the 200-byte value sparsely, the
        // remaining cuts with a variant chosen in turn.
        List<BatchEntry> batches = lastBatches();
        long base = last.baseOffset();
        long from = batches.get(batches.size() - 4).offset() - base;
        int tried = 0;
        for (long cut = from; cut < last.bytes(); cut++) {
            long off = base + cut;
            boolean nearBoundary = f.cmds.stream().anyMatch(c -> Math.abs(c.offset() - off) <= 2 || Math.abs(c.end() - off) <= 2);
            boolean insideBig = off > bigB + 20 && off < bigB + 200;
            if (nearBoundary) {
                for (Idx idx : Idx.values()) {
                    cutAndOpen(cut, idx);
                    tried++;
                }
            } else if (!insideBig || cut % 17 == 0) {
                cutAndOpen(cut, Idx.values()[(int) (cut % 3)]);
                tried++;
            }
        }
        assertThat(tried).isGreaterThan(150);
    }

    @Test
    void aTransactionCutShortIsDroppedWhole() throws Exception {
        long base = last.baseOffset();
        // Inside INCR of the first transaction: the log ends before its MULTI, after SET k1 v1.
        assertThat(cutAndOpen(incrA + 3 - base, Idx.DELETED)).as(ctx()).isEqualTo(multiA);
        // Inside the big SET of the second: the log ends before that MULTI.
        assertThat(cutAndOpen(bigB + 100 - base, Idx.DELETED)).as(ctx()).isEqualTo(multiB);
        assertThat(cutAndOpen(bigB + 100 - base, Idx.CUT)).as(ctx()).isEqualTo(multiB);
        // Just before EXEC's last byte.
        assertThat(cutAndOpen(multiB + lastBatches().get(lastBatches().size() - 2).length() - 1 - base, Idx.DELETED))
                .as(ctx()).isEqualTo(multiB);
    }

    @Test
    void aDeletedIndexIsRebuiltWithEveryCommandPresent() throws Exception {
        Path d = tmp.resolve("noidx");
        LogFixture.copyDir(pristine, d);
        for (Path p : LogFixture.files(d, ".idx")) {
            Files.delete(p);
        }
        try (CommandLog log = CommandLog.open(d, OPTS)) {
            assertThat(log.endOffset()).as(ctx()).isEqualTo(f.stream.size());
            LogFixture.assertSameCommands(LogFixture.scan(log, 0), f.cmds, ctx());
            assertThat(log.recovery().warnings()).as(ctx()).hasSize(log.segmentCount())
                    .allSatisfy(w -> assertThat(w).startsWith("Rebuilt").contains("index was behind"));
            assertThat(log.recovery().entriesRebuilt()).as(ctx()).isPositive();
            assertThat(log.segments().stream().mapToInt(CommandLog.SegmentInfo::batches).sum())
                    .as(ctx()).isEqualTo((int) log.recovery().entriesRebuilt());
        }
        assertThat(LogFixture.concatLogs(d)).isEqualTo(f.streamBytes());
        for (Path p : LogFixture.files(d, ".idx")) {
            long base = Long.parseLong(p.getFileName().toString().substring(0, 20));
            List<BatchEntry> entries = FormatRoundTripTest.decodeIndexFile(p, base);
            assertThat(entries).as(ctx()).isNotEmpty().allSatisfy(e -> {
                assertThat(e.flags() & BatchEntry.REBUILT).isEqualTo(BatchEntry.REBUILT);
                assertThat(e.commands()).isPositive();
            });
            // One entry per command or whole transaction; the last transaction is flagged.
            for (BatchEntry e : entries) {
                List<LogFixture.Cmd> in = f.cmds.stream().filter(c -> c.offset() >= e.offset() && c.end() <= e.endOffset())
                        .toList();
                assertThat(in).as(ctx()).hasSize(e.commands());
                assertThat(in.get(in.size() - 1).unitEnd()).as(ctx()).isTrue();
                boolean tx = in.size() > 1;
                assertThat(e.flags() & BatchEntry.TRANSACTION).as(ctx()).isEqualTo(tx ? BatchEntry.TRANSACTION : 0);
            }
        }
        try (CommandLog log = CommandLog.open(d, OPTS)) {
            assertThat(log.recovery().warnings()).as(ctx()).isEmpty();
            assertThat(log.recovery().endDb()).as(ctx()).isEqualTo(3);
        }
    }

    @Test
    void anOrphanIndexIsDeleted() throws Exception {
        Path d = tmp.resolve("orphan");
        LogFixture.copyDir(pristine, d);
        Path orphan = d.resolve(LogSegment.fileName(999_999, ".idx"));
        Files.write(orphan, new byte[32]);
        try (CommandLog log = CommandLog.open(d, OPTS)) {
            assertThat(log.recovery().warnings()).singleElement().satisfies(w -> assertThat(w).contains(orphan.toString()));
        }
        assertThat(orphan).doesNotExist();
    }
}
