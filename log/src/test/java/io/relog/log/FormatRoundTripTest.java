package io.relog.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.relog.log.LogFixture.Cmd;
import io.relog.log.segment.LogSegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FormatRoundTripTest {

    @TempDir
    Path dir;

    /** Decodes a {@code .idx} file from the layout in the package documentation (independently of LogSegment). */
    static List<BatchEntry> decodeIndexFile(Path idx, long base) throws Exception {
        byte[] raw = Files.readAllBytes(idx);
        assertThat(raw.length % 32).as(idx + " size").isZero();
        List<BatchEntry> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(raw); // big-endian
        for (int at = 0; at < raw.length; at += 32) {
            CRC32C c = new CRC32C();
            c.update(raw, at, 28);
            assertThat(b.getInt(at + 28)).as("entry CRC of entry " + at / 32 + " in " + idx).isEqualTo((int) c.getValue());
            out.add(new BatchEntry(base + b.getInt(at), b.getInt(at + 4), b.getLong(at + 8), b.getShort(at + 20),
                    b.getInt(at + 16), b.getShort(at + 22) & 0xffff, b.getInt(at + 24)));
        }
        return out;
    }

    private static LogOptions small() {
        return new LogOptions(4096, 0, false);
    }

    /** Everything the files and the API say must match the model of what was appended. */
    static void verify(Path dir, CommandLog log, LogFixture f, long segmentBytes, String ctx) throws Exception {
        verify(dir, log, f, segmentBytes, true, true, ctx);
    }

    /**
     * @param rolledBySize the segments rolled by size only (each closed one is full)
     * @param indexFlushed the log was closed, so every entry is in the {@code .idx} files (while
     *                     open, the active segment's entries may still be pending)
     */
    static void verify(Path dir, CommandLog log, LogFixture f, long segmentBytes, boolean rolledBySize,
            boolean indexFlushed, String ctx) throws Exception {
        long total = f.batches.stream().mapToLong(BatchEntry::length).sum();
        long start = f.batches.isEmpty() ? 0 : f.batches.get(0).offset();
        assertThat(log.endOffset()).as(ctx).isEqualTo(start + total);
        assertThat(log.writtenOffset()).as(ctx).isEqualTo(log.endOffset());
        LogFixture.assertSameCommands(LogFixture.scan(log, start), f.cmds, ctx);
        assertThat(LogFixture.concatLogs(dir)).as(ctx + ": the segment files are the raw stream").isEqualTo(f.streamBytes());

        Set<Long> batchStarts = new HashSet<>();
        f.batches.forEach(b -> batchStarts.add(b.offset()));
        List<Path> logs = LogFixture.logFiles(dir);
        List<CommandLog.SegmentInfo> infos = log.segments();
        assertThat(infos).as(ctx).hasSize(logs.size());
        long expectedBase = start;
        int batchIndex = 0;
        for (int k = 0; k < logs.size(); k++) {
            Path p = logs.get(k);
            String name = p.getFileName().toString();
            assertThat(name).as(ctx).matches("\\d{20}\\.log");
            long base = Long.parseLong(name.substring(0, 20));
            assertThat(base).as(ctx + ": base of " + name + " is the previous segment's end").isEqualTo(expectedBase);
            long size = Files.size(p);
            boolean lastSegment = k == logs.size() - 1;
            if (!lastSegment || size > 0) {
                assertThat(batchStarts).as(ctx + ": " + name + " starts on a batch boundary").contains(base);
            }
            Path idx = dir.resolve(LogSegment.fileName(base, ".idx"));
            List<BatchEntry> entries = decodeIndexFile(idx, base);
            List<BatchEntry> expected = new ArrayList<>();
            while (batchIndex < f.batches.size() && f.batches.get(batchIndex).offset() < base + size) {
                expected.add(f.batches.get(batchIndex++));
            }
            if (indexFlushed || !lastSegment) {
                assertThat(entries).as(ctx + ": entries of " + idx).isEqualTo(expected);
                assertThat(Files.size(idx)).as(ctx).isEqualTo(32L * expected.size());
            } else {
                assertThat(expected).as(ctx + ": flushed entries of the active " + idx).startsWith(
                        entries.toArray(BatchEntry[]::new));
            }
            if (!expected.isEmpty()) {
                assertThat(expected.get(expected.size() - 1).endOffset()).as(ctx + ": " + name + " ends on a batch boundary")
                        .isEqualTo(base + size);
                // The writer began the segment with a SELECT, so each segment is a stand-alone AOF.
                Cmd first = f.cmds.stream().filter(c -> c.offset() == base).findFirst().orElseThrow();
                assertThat(LogFixture.str(first.argv())).as(ctx).startsWith("SELECT ");
            }
            if (!lastSegment && rolledBySize) {
                long lastLen = expected.get(expected.size() - 1).length();
                assertThat(size).as(ctx + ": " + name + " rolled once full, not before").isGreaterThanOrEqualTo(segmentBytes);
                assertThat(size - lastLen).as(ctx + ": " + name + " rolled right after the batch that filled it")
                        .isLessThan(segmentBytes);
            } else if (rolledBySize) {
                assertThat(size).as(ctx).isLessThan(segmentBytes);
            }
            CommandLog.SegmentInfo info = infos.get(k);
            assertThat(info.baseOffset()).as(ctx).isEqualTo(base);
            assertThat(info.endOffset()).as(ctx).isEqualTo(base + size);
            assertThat(info.bytes()).as(ctx).isEqualTo(size);
            assertThat(info.batches()).as(ctx).isEqualTo(expected.size());
            assertThat(info.file()).as(ctx).isEqualTo(p);
            if (!expected.isEmpty()) {
                assertThat(info.firstTimestampMs()).as(ctx).isEqualTo(expected.get(0).timestampMs());
                assertThat(info.lastTimestampMs()).as(ctx).isEqualTo(expected.get(expected.size() - 1).timestampMs());
            }
            expectedBase = base + size;
        }
        assertThat(batchIndex).as(ctx + ": every batch is indexed").isEqualTo(f.batches.size());
        for (int i = 1; i < f.batches.size(); i++) {
            assertThat(f.batches.get(i).timestampMs()).as(ctx + ": timestamps never decrease")
                    .isGreaterThanOrEqualTo(f.batches.get(i - 1).timestampMs());
        }
    }

    @Test
    void randomBatchesSurviveCloseAndReopenByteForByte() throws Exception {
        long seed = System.nanoTime();
        String ctx = LogFixture.seedMsg(seed);
        Random rnd = new Random(seed);
        LogFixture f = new LogFixture(CommandLog.open(dir, small()), rnd);
        for (int i = 0; i < 250; i++) {
            if (rnd.nextInt(20) == 0) { // the clock goes back: the entry keeps the previous time
                f.begin();
                f.addRandomUnit(100);
                f.commit(f.now - 1 - rnd.nextInt(5000));
            } else {
                f.randomBatch(5, 1500, 40);
            }
        }
        assertThat(f.log.segmentCount()).as(ctx).isGreaterThan(3);
        verify(dir, f.log, f, 4096, true, false, ctx + " (open)");
        f.log.close();

        f.log = CommandLog.open(dir, small());
        assertThat(f.log.recovery().warnings()).as(ctx).isEmpty();
        assertThat(f.log.recovery().batchesChecked()).as(ctx).isEqualTo(f.batches.size());
        assertThat(f.log.recovery().entriesRebuilt()).as(ctx).isZero();
        assertThat(f.log.recovery().bytesTruncated()).as(ctx).isZero();
        assertThat(f.log.startOffset()).as(ctx).isZero();
        verify(dir, f.log, f, 4096, ctx + " (reopened)");

        // Appending continues where it left off.
        for (int i = 0; i < 40; i++) {
            f.randomBatch(4, 800, 40);
        }
        f.log.close();
        f.log = CommandLog.open(dir, small());
        assertThat(f.log.recovery().warnings()).as(ctx + ": appending after a reopen kept the index intact").isEmpty();
        verify(dir, f.log, f, 4096, ctx + " (reopened twice)");
        for (CommandLog.SegmentInfo info : f.log.segments()) {
            LogSegment s = LogSegment.open(dir, info.baseOffset());
            try {
                List<BatchEntry> expected = f.batches.stream()
                        .filter(b -> b.offset() >= info.baseOffset() && b.offset() < info.endOffset()).toList();
                List<BatchEntry> read = s.readIndexFile();
                assertThat(read).as(ctx).isEqualTo(expected);
                assertThat(s.entryCount()).as(ctx + ": not loaded before useIndex").isZero();
                s.useIndex(read);
                assertThat(s.entryCount()).as(ctx).isEqualTo(expected.size());
                for (int i = 0; i < expected.size(); i++) {
                    assertThat(s.entry(i)).as(ctx).isEqualTo(expected.get(i));
                }
                int n = expected.size();
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.entry(n))
                        .isInstanceOf(IndexOutOfBoundsException.class);
            } finally {
                s.close();
            }
        }
        f.log.close();
    }

    @Test
    void theIndexRecordsDatabaseCommandsAndTransactionFlag() throws Exception {
        LogFixture f = new LogFixture(CommandLog.open(dir, small()), new Random(1));
        f.begin(); // SELECT 0
        f.add("SET", "a", "1");
        BatchEntry plain = f.commit(LogFixture.T0);
        f.add("SELECT", "7");
        f.add("MULTI");
        f.add("SET", "b", "2");
        f.add("EXEC");
        BatchEntry tx = f.commit(LogFixture.T0 + 1);
        f.add("PING");
        BatchEntry ping = f.commit(LogFixture.T0 + 2);
        assertThat(plain.db()).isEqualTo(-1);
        assertThat(plain.commands()).isEqualTo(2);
        assertThat(plain.flags()).isZero();
        assertThat(tx.db()).isZero();
        assertThat(tx.commands()).isEqualTo(4);
        assertThat(tx.flags()).isEqualTo(BatchEntry.TRANSACTION);
        assertThat(ping.db()).isEqualTo(7);
        f.log.close();
        assertThat(decodeIndexFile(dir.resolve(LogSegment.fileName(0, ".idx")), 0)).containsExactly(plain, tx, ping);
        try (CommandLog log = CommandLog.open(dir, small())) {
            assertThat(log.recovery().endDb()).isEqualTo(7);
        }
    }

    @Test
    void rawBatchesFromAMasterAreStoredAsGiven() throws Exception {
        try (CommandLog log = CommandLog.open(dir, small(), 1000)) {
            byte[] a = io.relog.log.resp.RespCommands.encode("SET", "k", "v");
            byte[] b = io.relog.log.resp.RespCommands.encode("MULTI");
            byte[] c = io.relog.log.resp.RespCommands.encode("EXEC");
            byte[] all = new byte[a.length + b.length + c.length + 4];
            System.arraycopy(a, 0, all, 2, a.length);
            System.arraycopy(b, 0, all, 2 + a.length, b.length);
            System.arraycopy(c, 0, all, 2 + a.length + b.length, c.length);
            BatchBuilder bb = new BatchBuilder();
            bb.addRaw(all, 2, a.length, 1, 3, false);
            bb.addRaw(all, 2 + a.length, b.length + c.length, 2, 9, true);
            assertThat(bb.startDb()).isEqualTo(3);
            assertThat(bb.commands()).isEqualTo(3);
            assertThat(bb.flags()).isEqualTo(BatchEntry.TRANSACTION);
            assertThat(log.append(bb, LogFixture.T0)).isEqualTo(1000 + all.length - 4);
            assertThat(log.startOffset()).isEqualTo(1000);
            assertThat(LogFixture.scan(log, 1000)).extracting(cmd -> LogFixture.str(cmd.argv()))
                    .containsExactly("SET k v", "MULTI", "EXEC");
        }
        assertThat(new String(Files.readAllBytes(dir.resolve(LogSegment.fileName(1000, ".log")))))
                .isEqualTo("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*1\r\n$5\r\nMULTI\r\n*1\r\n$4\r\nEXEC\r\n");
    }

    @Test
    void aNewLogStartsAtTheInitialOffsetAndAnEmptyBatchWritesNothing() throws Exception {
        try (CommandLog log = CommandLog.open(dir, small(), 12345)) {
            assertThat(log.startOffset()).isEqualTo(12345);
            assertThat(log.endOffset()).isEqualTo(12345);
            assertThat(log.activeSegmentEmpty()).isTrue();
            assertThat(log.append(new BatchBuilder(), LogFixture.T0)).isEqualTo(12345);
            assertThat(log.activeSegmentEmpty()).isTrue();
        }
        assertThat(LogFixture.logFiles(dir)).extracting(p -> p.getFileName().toString())
                .containsExactly("00000000000000012345.log");
        try (CommandLog log = CommandLog.open(dir, small(), 0)) {
            assertThat(log.startOffset()).as("the existing segment wins over the initial offset").isEqualTo(12345);
            assertThat(log.endOffset()).isEqualTo(12345);
        }
    }

    @Test
    void rollsByAgeOfTheSegmentsFirstBatch() throws Exception {
        LogOptions opts = new LogOptions(1 << 20, 1000, false);
        LogFixture f = new LogFixture(CommandLog.open(dir, opts), new Random(2));
        CommandLog log = f.log;
        assertThat(log.maybeRoll(LogFixture.T0 + 1_000_000)).as("an empty segment never rolls").isFalse();
        f.begin();
        f.add("SET", "a", "1");
        f.commit(LogFixture.T0);
        f.add("SET", "b", "2");
        f.commit(LogFixture.T0 + 900);
        assertThat(log.maybeRoll(LogFixture.T0 + 999)).isFalse();
        assertThat(log.segmentCount()).isEqualTo(1);
        assertThat(log.maybeRoll(LogFixture.T0 + 1000)).as("first batch is 1000 ms old").isTrue();
        assertThat(log.segmentCount()).isEqualTo(2);
        assertThat(log.activeSegmentEmpty()).isTrue();
        assertThat(log.segments().get(1).baseOffset()).isEqualTo(log.endOffset());
        assertThat(log.maybeRoll(LogFixture.T0 + 100_000)).as("the new segment is empty").isFalse();
        f.begin();
        f.add("SET", "c", "3");
        f.commit(LogFixture.T0 + 5000);
        assertThat(log.maybeRoll(LogFixture.T0 + 5999)).isFalse();
        assertThat(log.maybeRoll(LogFixture.T0 + 6000)).isTrue();
        assertThat(log.segmentCount()).isEqualTo(3);
        log.close();
        f.log = CommandLog.open(dir, opts);
        verify(dir, f.log, f, 1 << 20, false, true, "by age");
        f.log.close();

        Path other = dir.resolve("never");
        try (CommandLog never = CommandLog.open(other, new LogOptions(1 << 20, 0, false))) {
            BatchBuilder b = new BatchBuilder();
            b.add(LogFixture.argv("SET", "a", "1"), -1);
            never.append(b, LogFixture.T0);
            assertThat(never.maybeRoll(Long.MAX_VALUE / 2)).as("segmentMs 0: never by age").isFalse();
        }
    }

    @Test
    void optionsRejectSizesOutsideTheRange() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LogOptions(1023, 0, false))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LogOptions((1L << 30) + 1, 0, false))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LogOptions(4096, -1, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Arrays.asList(LogOptions.defaults().segmentBytes(), LogOptions.defaults().segmentMs()))
                .containsExactly(128L << 20, 0L);
    }
}
