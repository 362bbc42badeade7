package io.relog.log.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.relog.log.BatchBuilder;
import io.relog.log.CommandLog;
import io.relog.log.LogNotDurableException;
import io.relog.log.LogOptions;
import io.relog.log.resp.RespCommands;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failed fsync may drop the bytes it failed to write and a retried fsync then succeed without
 * them (Linux marks the failed pages clean: the "fsyncgate" problem). The segments here are opened
 * through {@link SimulatedDiskChannel}, which behaves that way, and the tests check what the log
 * claims to be durable against what the simulated disk holds: a retry rewrites the range and
 * syncs it again, the synced offset never passes bytes the disk lacks, and bytes that cannot be
 * verified end every claim of durability.
 */
class FsyncFailureTest {

    @TempDir
    Path dir;

    private final Map<Path, SimulatedDiskChannel> channels = new ConcurrentHashMap<>();
    private final ByteArrayOutputStream stream = new ByteArrayOutputStream();
    private final BatchBuilder batch = new BatchBuilder();
    private CommandLog log;
    private long now = 1_700_000_000_000L;

    @BeforeEach
    void openThroughSimulatedDisk() {
        LogSegment.logChannels = (path, options) -> {
            FileChannel real = FileChannel.open(path, options);
            if (!path.startsWith(dir)) {
                return real; // another test's log, should one run at the same time
            }
            SimulatedDiskChannel c = new SimulatedDiskChannel(real);
            channels.put(path, c);
            return c;
        };
    }

    @AfterEach
    void restore() throws IOException {
        LogSegment.logChannels = FileChannel::open;
        if (log != null && !log.isClosed()) {
            try {
                log.close();
            } catch (IOException e) {
                // a log that can no longer be made durable fails its closing fsync
            }
        }
    }

    private SimulatedDiskChannel disk() {
        return channels.get(dir.resolve(LogSegment.fileName(0, ".log")));
    }

    /** Appends a batch of {@code n} SETs and records its bytes in the expected stream. */
    private void append(String tag, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            byte[][] argv = {"SET".getBytes(StandardCharsets.UTF_8),
                    ("key:" + tag + ":" + i).getBytes(StandardCharsets.UTF_8),
                    ("value-" + tag + "-" + i + "-" + "x".repeat(40)).getBytes(StandardCharsets.UTF_8)};
            batch.add(argv, 0);
            stream.writeBytes(RespCommands.encode(argv));
        }
        log.append(batch, now++);
        batch.clear();
    }

    private byte[] expected(long end) {
        return Arrays.copyOf(stream.toByteArray(), (int) end);
    }

    private void assertDiskHoldsEverythingSynced() {
        long synced = log.syncedOffset();
        assertThat(disk().disk(synced)).as("the disk's bytes below the synced offset %d", synced)
                .isEqualTo(expected(synced));
    }

    @Test
    void retriedFsyncRewritesTheRangeTheFailedOneMayHaveLost() throws IOException {
        log = CommandLog.open(dir, LogOptions.defaults());
        append("a", 3);
        assertThat(log.sync()).isEqualTo(log.writtenOffset());
        long durable = log.syncedOffset();
        assertDiskHoldsEverythingSynced();

        append("b", 5);
        append("c", 2);
        disk().failForces(1);
        assertThatThrownBy(log::sync).isInstanceOf(IOException.class).isNotInstanceOf(LogNotDurableException.class);
        assertThat(log.syncedOffset()).isEqualTo(durable);
        assertThat(log.syncError()).isNotNull();
        assertThat(disk().disk(log.writtenOffset())).as("the simulated failure lost the unsynced bytes")
                .isNotEqualTo(expected(log.writtenOffset()));

        append("d", 1); // written after the failure: dirty, needs no rewrite, but the sync covers it
        assertThat(log.sync()).isEqualTo(log.writtenOffset());
        assertThat(log.syncError()).isNull();
        assertDiskHoldsEverythingSynced();
    }

    @Test
    void syncedOffsetStaysBelowBytesNotOnDiskWhileFsyncsKeepFailing() throws IOException {
        log = CommandLog.open(dir, LogOptions.defaults());
        append("a", 2);
        log.sync();
        long durable = log.syncedOffset();
        append("b", 4);
        disk().failForces(3);
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(log::sync).isInstanceOf(IOException.class);
            assertThat(log.syncedOffset()).as("synced offset after failure %d", i + 1).isEqualTo(durable);
            append("c" + i, 1);
        }
        log.setReadersSeeUnsynced(false);
        assertThat(log.readerLimit()).isEqualTo(durable);
        assertThat(log.sync()).isEqualTo(log.writtenOffset());
        assertDiskHoldsEverythingSynced();
    }

    @Test
    void bytesThatNoLongerMatchTheirChecksumEndEveryClaimOfDurability() throws IOException {
        log = CommandLog.open(dir, LogOptions.defaults());
        append("a", 2);
        log.sync();
        long durable = log.syncedOffset();
        append("b", 4);
        append("c", 4);
        disk().failForces(1);
        assertThatThrownBy(log::sync).isInstanceOf(IOException.class);
        // The kernel dropped the clean pages; reading them back gives what the disk has (not the batches).
        disk().evict(durable, log.writtenOffset());

        assertThatThrownBy(log::sync).isInstanceOf(LogNotDurableException.class)
                .hasMessageContaining("cannot be made durable").hasMessageContaining("restart");
        assertThat(log.syncedOffset()).isEqualTo(durable);
        assertThat(log.notDurable()).isNotNull();
        int forces = disk().forces();

        append("d", 1);
        assertThatThrownBy(log::sync).as("a later sync, with more written").isSameAs(log.notDurable());
        assertThat(log.syncedOffset()).isEqualTo(durable);
        assertThat(disk().forces()).as("no fsync once the log cannot be made durable").isEqualTo(forces);
    }

    @Test
    void damagedIndexEntryOfASuspectBatchAlsoEndsDurability() throws IOException {
        log = CommandLog.open(dir, LogOptions.defaults());
        append("a", 2);
        log.sync();
        long durable = log.syncedOffset();
        append("b", 4);
        log.flushIndexIfOlderThan(now + 10_000, 0); // the entry is in the .idx file now, not pending
        disk().failForces(1);
        assertThatThrownBy(log::sync).isInstanceOf(IOException.class);
        Path idx = dir.resolve(LogSegment.fileName(0, ".idx"));
        byte[] entries = Files.readAllBytes(idx);
        entries[entries.length - 32 + 5] ^= 1; // the second entry's length, under its own checksum
        Files.write(idx, entries);

        assertThatThrownBy(log::sync).isInstanceOf(LogNotDurableException.class).hasMessageContaining(".idx");
        assertThat(log.syncedOffset()).isEqualTo(durable);
    }

    @Test
    void failedFsyncOfThePreallocatorIsNotSwallowed() throws IOException {
        // 1 MiB segments: 1 MiB zero-filled at a time, refilled once less than half is left.
        log = CommandLog.open(dir, new LogOptions(1 << 20, 0, false, true));
        await().atMost(Duration.ofSeconds(30)).until(() -> disk().forces() >= 2); // open + first zero-fill
        append("a", 1);
        log.sync();
        long durable = log.syncedOffset();
        disk().failForces(1);
        int forces = disk().forces();
        int i = 0;
        while (log.writtenOffset() < 600 * 1024) { // past half the chunk: the preallocator runs and its fsync fails
            append("b" + i++, 50);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> disk().forcesToFail() == 0);
        assertThat(disk().forces()).as("the failed fsync was the preallocator's").isGreaterThan(forces);
        assertThat(log.syncedOffset()).isEqualTo(durable);

        assertThat(log.sync()).isEqualTo(log.writtenOffset());
        assertDiskHoldsEverythingSynced();
    }

    @Test
    void retryAfterAFailedWriteRewritesTheBatchFromItsStart() throws IOException {
        log = CommandLog.open(dir, LogOptions.defaults());
        append("a", 2);
        long batchStart = log.writtenOffset();
        disk().failWritesAfter(37); // a short write of 37 bytes, then "no space left"
        assertThatThrownBy(() -> append("b", 3)).isInstanceOf(IOException.class);
        assertThat(log.writtenOffset()).isEqualTo(batchStart);
        assertThat(log.endOffset()).isGreaterThan(batchStart);
        assertThat(log.segments().get(0).bytes()).as("the segment's size counts no part of the batch").isEqualTo(batchStart);

        disk().writePositions.clear();
        assertThat(log.retryWrites(now)).isTrue();
        assertThat(disk().writePositions).as("file positions the retry wrote at").first().isEqualTo(batchStart);
        assertThat(log.writtenOffset()).isEqualTo(log.endOffset());
        assertThat(log.sync()).isEqualTo(log.endOffset());
        assertDiskHoldsEverythingSynced();
        assertThat(Files.readAllBytes(dir.resolve(LogSegment.fileName(0, ".log")))).isEqualTo(stream.toByteArray());
    }
}
