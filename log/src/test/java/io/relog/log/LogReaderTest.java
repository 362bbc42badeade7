package io.relog.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogReaderTest {

    @TempDir
    Path dir;

    private long seed;
    private Random rnd;
    private LogFixture f;
    private final ExecutorService pool = Executors.newSingleThreadExecutor();

    @BeforeEach
    void writeLog() throws Exception {
        seed = System.nanoTime();
        rnd = new Random(seed);
        f = new LogFixture(CommandLog.open(dir, new LogOptions(1024, 0, false)), rnd);
        while (f.log.segmentCount() < 4) {
            f.randomBatch(3, 60, 10);
        }
        f.randomBatch(2, 10, 10);
    }

    @AfterEach
    void close() throws Exception {
        pool.shutdownNow();
        f.log.close();
    }

    private String ctx() {
        return LogFixture.seedMsg(seed);
    }

    @Test
    void advancingSkipsBytesAcrossSegmentsAndReadingGoesOnFromThere() throws Exception {
        byte[] stream = f.streamBytes();
        long end = f.log.endOffset();
        try (LogReader r = f.log.openReader(0)) {
            long at = 0;
            while (at < end) {
                String ctx = ctx() + " at offset " + at;
                // Read a little (opening a segment), then skip ahead by up to one and a half
                // segments, as a replica link does when it sends the engine's batch from memory.
                LogRegion region = r.nextRegion(1 + rnd.nextInt(50));
                assertThat(region).as(ctx).isNotNull();
                ByteBuffer b = ByteBuffer.allocate((int) region.length());
                while (b.hasRemaining()) {
                    region.channel().read(b, region.position() + b.position());
                }
                assertThat(b.array()).as(ctx).isEqualTo(Arrays.copyOfRange(stream, (int) at, (int) region.endOffset()));
                at = Math.min(end, region.endOffset() + rnd.nextInt(1536));
                r.advance(at);
                assertThat(r.position()).as(ctx).isEqualTo(at);
            }
            assertThat(r.nextRegion(10)).isNull();
            assertThatThrownBy(() -> r.advance(end + 1)).as("beyond the reader limit")
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> r.advance(end - 1)).as("backwards").isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void advancingPastTheActiveSegmentAfterItRolledReadsFromItsSuccessor() throws Exception {
        long activeBase = f.log.segments().get(f.log.segments().size() - 1).baseOffset();
        try (LogReader r = f.log.openReader(activeBase)) {
            assertThat(r.nextRegion(5)).isNotNull(); // the active segment is open in the reader
            int segments = f.log.segmentCount();
            while (f.log.segmentCount() == segments) {
                f.randomBatch(3, 60, 10); // it grows, then rolls
            }
            f.randomBatch(2, 10, 10);
            long skipTo = f.log.segments().get(f.log.segments().size() - 1).baseOffset() + 1;
            r.advance(skipTo); // past the end the reader knew, into the new segment
            byte[] stream = f.streamBytes();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            LogRegion region;
            while ((region = r.nextRegion(100)) != null) {
                ByteBuffer b = ByteBuffer.allocate((int) region.length());
                while (b.hasRemaining()) {
                    region.channel().read(b, region.position() + b.position());
                }
                got.write(b.array());
            }
            assertThat(got.toByteArray()).as(ctx())
                    .isEqualTo(Arrays.copyOfRange(stream, (int) skipTo, stream.length));
        }
    }

    @Test
    void readingFromEveryOffsetGivesTheRestOfTheStream() throws Exception {
        byte[] stream = f.streamBytes();
        long end = f.log.endOffset();
        assertThat(end).isEqualTo(stream.length);
        for (long o = 0; o <= end; o++) {
            String at = ctx() + " from offset " + o;
            byte[] expected = Arrays.copyOfRange(stream, (int) o, stream.length);
            try (LogReader r = f.log.openReader(o)) {
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                while (true) {
                    ByteBuffer b = ByteBuffer.allocate(1 + rnd.nextInt(300));
                    int n = r.read(b);
                    assertThat(n).as(at).isEqualTo(b.position());
                    if (n == 0) {
                        break;
                    }
                    got.write(b.array(), 0, n);
                }
                assertThat(got.toByteArray()).as(at + " via read").isEqualTo(expected);
                assertThat(r.position()).as(at).isEqualTo(end);
            }
            try (LogReader r = f.log.openReader(o)) {
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                LogRegion region;
                long max = 1 + rnd.nextInt(700);
                while ((region = r.nextRegion(max)) != null) {
                    assertThat(region.length()).as(at).isPositive().isLessThanOrEqualTo(max);
                    long segBase = region.offset() - region.position();
                    CommandLog.SegmentInfo seg = f.log.segments().stream().filter(s -> s.baseOffset() == segBase)
                            .findFirst().orElseThrow(() -> new AssertionError(at + ": region not at a segment base"));
                    assertThat(region.endOffset()).as(at + ": a region stays in one segment").isLessThanOrEqualTo(seg.endOffset());
                    if (rnd.nextBoolean()) {
                        long done = 0;
                        while (done < region.length()) {
                            done += region.channel().transferTo(region.position() + done, region.length() - done,
                                    Channels.newChannel(got));
                        }
                    } else {
                        ByteBuffer b = ByteBuffer.allocate((int) region.length());
                        while (b.hasRemaining()) {
                            region.channel().read(b, region.position() + b.position());
                        }
                        got.write(b.array());
                    }
                }
                assertThat(got.toByteArray()).as(at + " via nextRegion").isEqualTo(expected);
            }
        }
    }

    @Test
    void offsetsOutsideTheLogAreRejectedNamingTheRange() throws Exception {
        long end = f.log.endOffset();
        assertThatThrownBy(() -> f.log.openReader(end + 1)).isInstanceOf(OffsetOutOfRangeException.class)
                .hasMessageContaining("beyond the log end offset " + end)
                .satisfies(e -> {
                    OffsetOutOfRangeException o = (OffsetOutOfRangeException) e;
                    assertThat(o.requested()).isEqualTo(end + 1);
                    assertThat(o.startOffset()).isZero();
                    assertThat(o.endOffset()).isEqualTo(end);
                });
        assertThatThrownBy(() -> f.log.openReader(-1)).isInstanceOf(OffsetOutOfRangeException.class)
                .hasMessageContaining("earliest available offset is 0");
        f.log.sync();
        assertThat(f.log.deleteSegments(f.now, 0, 0, Long.MAX_VALUE)).isNotEmpty();
        long start = f.log.startOffset();
        assertThat(start).isPositive();
        assertThatThrownBy(() -> f.log.openReader(start - 1)).isInstanceOf(OffsetOutOfRangeException.class)
                .hasMessageContaining("offset " + (start - 1) + " is no longer retained")
                .hasMessageContaining("earliest available offset is " + start)
                .satisfies(e -> assertThat(((OffsetOutOfRangeException) e).startOffset()).isEqualTo(start));
        assertThatThrownBy(() -> f.log.scan(0, (a, o, l) -> { })).isInstanceOf(OffsetOutOfRangeException.class)
                .hasMessageContaining("earliest available offset is " + start);
        try (LogReader r = f.log.openReader(start)) {
            ByteBuffer b = ByteBuffer.allocate((int) (end - start));
            assertThat(r.read(b)).isEqualTo(end - start);
        }
    }

    /** Waits until {@code t} is blocked in a timed wait (the reader's await), without sleeping. */
    private static void awaitBlocked(AtomicReference<Thread> t) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (t.get() == null || t.get().getState() != Thread.State.TIMED_WAITING) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the reader never started waiting");
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void aWaitingReaderWakesWhenABatchIsAppended() throws Exception {
        long end = f.log.endOffset();
        try (LogReader r = f.log.openReader(end)) {
            assertThat(r.read(ByteBuffer.allocate(10))).isZero();
            assertThat(r.nextRegion(10)).isNull();
            AtomicReference<Thread> waiter = new AtomicReference<>();
            Future<Boolean> woke = pool.submit(() -> {
                waiter.set(Thread.currentThread());
                return r.await(10, TimeUnit.MINUTES);
            });
            awaitBlocked(waiter);
            f.add("SET", "late", "value");
            f.commit(f.now + 1);
            assertThat(woke.get(60, TimeUnit.SECONDS)).isTrue();
            ByteBuffer b = ByteBuffer.allocate(1000);
            r.read(b);
            assertThat(Arrays.copyOf(b.array(), b.position())).isEqualTo(
                    Arrays.copyOfRange(f.streamBytes(), (int) end, f.stream.size()));
        }
    }

    @Test
    void readersSeeOnlySyncedBytesWhenAsked() throws Exception {
        f.log.sync();
        long synced = f.log.endOffset();
        f.log.setReadersSeeUnsynced(false);
        f.add("SET", "a", "1");
        f.commit(f.now + 1);
        assertThat(f.log.syncedOffset()).isEqualTo(synced);
        assertThat(f.log.readerLimit()).isEqualTo(synced);
        assertThat(f.log.endOffset()).isGreaterThan(synced);
        try (LogReader r = f.log.openReader(synced)) {
            assertThat(r.read(ByteBuffer.allocate(100))).as("unsynced bytes are hidden").isZero();
            assertThat(r.await(1, TimeUnit.MILLISECONDS)).isFalse();
            AtomicReference<Thread> waiter = new AtomicReference<>();
            Future<Boolean> woke = pool.submit(() -> {
                waiter.set(Thread.currentThread());
                return r.await(10, TimeUnit.MINUTES);
            });
            awaitBlocked(waiter);
            assertThat(f.log.sync()).isEqualTo(f.log.endOffset());
            assertThat(woke.get(60, TimeUnit.SECONDS)).as("sync wakes the reader").isTrue();
            assertThat(f.log.readerLimit()).isEqualTo(f.log.endOffset());
            ByteBuffer b = ByteBuffer.allocate(100);
            assertThat(r.read(b)).isEqualTo(f.log.endOffset() - synced);
        }
        f.add("SET", "b", "2");
        f.commit(f.now + 2);
        assertThat(f.log.readerLimit()).isLessThan(f.log.endOffset());
        f.log.setReadersSeeUnsynced(true);
        assertThat(f.log.readerLimit()).isEqualTo(f.log.endOffset());
    }

    @Test
    void closingTheLogReleasesWaitingReaders() throws Exception {
        LogReader r = f.log.openReader(f.log.endOffset());
        AtomicReference<Thread> waiter = new AtomicReference<>();
        Future<Boolean> woke = pool.submit(() -> {
            waiter.set(Thread.currentThread());
            return r.await(10, TimeUnit.MINUTES);
        });
        awaitBlocked(waiter);
        f.log.close();
        assertThat(woke.get(60, TimeUnit.SECONDS)).isFalse();
        r.close();
    }

    @Test
    void aReaderFollowsTheActiveSegmentAcrossRolls() throws Exception {
        long from = f.log.endOffset();
        try (LogReader r = f.log.openReader(from)) {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            int segments = f.log.segmentCount();
            while (f.log.segmentCount() < segments + 2) {
                f.randomBatch(3, 60, 10);
                ByteBuffer b = ByteBuffer.allocate(1 + rnd.nextInt(200));
                int n = r.read(b);
                got.write(b.array(), 0, n);
            }
            ByteBuffer b = ByteBuffer.allocate(1 << 16);
            got.write(b.array(), 0, r.read(b));
            assertThat(got.toByteArray()).as(ctx()).isEqualTo(Arrays.copyOfRange(f.streamBytes(), (int) from, f.stream.size()));
        }
        List<LogFixture.Cmd> all = LogFixture.scan(f.log, 0);
        LogFixture.assertSameCommands(all, f.cmds, ctx());
    }
}
