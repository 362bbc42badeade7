package io.relog.bench;

import io.relog.log.BatchBuilder;
import io.relog.log.CommandLog;
import io.relog.log.LogOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Append throughput of the {@link CommandLog} under each {@code appendfsync} policy, in batches
 * per second (one operation = one batch). Multiply by the batch's bytes for bytes per second.
 *
 * <p>One operation builds a batch of {@code SET key:<12 digits> <57-byte value>} commands (100
 * bytes each in RESP) whose size is the nearest multiple of 100 to {@code batchBytes} (at least
 * one command: 100, 1,000 and 16,400 bytes for the three defaults), appends it — which encodes
 * nothing more, computes the batch's CRC32C, writes the bytes to the active segment and the
 * index entry to its buffer, and rolls the segment when full — and then, by {@code policy}:
 * <ul>
 *   <li>{@code always}: {@link CommandLog#sync()} (fdatasync) after every batch, in the benchmark
 *       thread. This is the fsync-bound rate: the most batches per second one appender can make
 *       durable one at a time. The server does better per client because one fsync serves every
 *       client whose commands are in the batch (group commit), and it syncs on another thread
 *       while the engine builds the next batch.</li>
 *   <li>{@code everysec}: {@code sync()} when at least one second has passed since the last one,
 *       in the benchmark thread, so its cost is amortised over the batches of that second. The
 *       server runs this sync on a separate thread, off the engine thread; on a machine with a
 *       spare core that costs the appender nothing, so this benchmark is the pessimistic case.</li>
 *   <li>{@code no}: append only; the kernel writes the pages back when it chooses. Short runs
 *       therefore measure writes into the page cache; a sustained run is eventually throttled to
 *       the disk's write bandwidth by the kernel's dirty-page limits.</li>
 * </ul>
 *
 * <p>Files: one log directory per trial under {@link ScratchDirectory} ({@code -Drelog.bench.dir},
 * never a tmpfs unless asked), deleted at the end of the trial. Segments roll at the default size
 * (128 MiB; {@code -Drelog.bench.segmentBytes} changes it). So that long runs cannot fill the
 * disk, the benchmark deletes the closed segments whenever more than
 * {@code -Drelog.bench.maxLogBytes} (default 2 GiB) are retained, and after every iteration
 * (outside the measurement). Retention only deletes synced segments, so under {@code no} such a
 * mid-iteration clean-up syncs first: a run that writes more than 2 GiB per iteration under
 * {@code no} includes one fdatasync per 2 GiB, which is the write-back it would have to wait for
 * anyway at that rate.
 *
 * <p>The {@code SELECT} the server starts each segment with is left out: 17 bytes per 128 MiB.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class LogAppendBench {

    /** Bytes of one {@code SET} command in RESP: 4+4+5 ({@code *3 $3 SET}) + 5+18 (key) + 5+59 (value). */
    static final int COMMAND_BYTES = 100;
    private static final int VALUE_BYTES = 57;
    private static final int KEYS = 1024;
    private static final long SYNC_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** {@code appendfsync} policy: {@code always}, {@code everysec} or {@code no}. */
    @Param({"always", "everysec", "no"})
    public String policy;

    /** Approximate size of one batch in bytes (rounded to whole 100-byte commands). */
    @Param({"100", "1000", "16384"})
    public int batchBytes;

    private enum Policy { ALWAYS, EVERYSEC, NO }

    private Policy fsync;
    private Path dir;
    private CommandLog log;
    private final BatchBuilder batch = new BatchBuilder();
    private byte[][][] commands;
    private int commandsPerBatch;
    private int nextKey;
    private long lastSyncNanos;
    private int maxSegments;

    @Setup(Level.Trial)
    public void open() throws IOException {
        fsync = switch (policy) {
            case "always" -> Policy.ALWAYS;
            case "everysec" -> Policy.EVERYSEC;
            case "no" -> Policy.NO;
            default -> throw new IllegalArgumentException("policy must be always, everysec or no: " + policy);
        };
        long segmentBytes = Long.getLong("relog.bench.segmentBytes", LogOptions.DEFAULT_SEGMENT_BYTES);
        long maxLogBytes = Long.getLong("relog.bench.maxLogBytes", 2L << 30);
        maxSegments = (int) Math.max(2, maxLogBytes / segmentBytes);
        dir = Files.createTempDirectory(ScratchDirectory.parent(null), "relog-log-bench-");
        log = CommandLog.open(dir, new LogOptions(segmentBytes, 0, false));

        byte[] set = "SET".getBytes(StandardCharsets.US_ASCII);
        byte[] value = new byte[VALUE_BYTES];
        Arrays.fill(value, (byte) 'v');
        commands = new byte[KEYS][][];
        for (int i = 0; i < KEYS; i++) {
            byte[] key = String.format("key:%012d", i).getBytes(StandardCharsets.US_ASCII);
            commands[i] = new byte[][] {set, key, value};
        }
        commandsPerBatch = Math.max(1, Math.round(batchBytes / (float) COMMAND_BYTES));
        fillBatch();
        if (batch.size() != commandsPerBatch * COMMAND_BYTES) {
            throw new IllegalStateException("a SET is " + batch.size() / commandsPerBatch + " bytes, not "
                    + COMMAND_BYTES);
        }
        System.out.printf("# batch: %d SET commands, %d bytes; segments of %d bytes, clean-up above %d segments;"
                + " log in %s%n", commandsPerBatch, batch.size(), segmentBytes, maxSegments, dir);
        batch.clear();
        lastSyncNanos = System.nanoTime();
    }

    private void fillBatch() {
        for (int i = 0; i < commandsPerBatch; i++) {
            batch.add(commands[nextKey], 0);
            nextKey = (nextKey + 1) & (KEYS - 1);
        }
    }

    /** One batch: build, append, and sync as the policy says. Returns the log's end offset. */
    @Benchmark
    public long appendBatch() throws IOException {
        fillBatch();
        long end = log.append(batch, System.currentTimeMillis());
        batch.clear();
        switch (fsync) {
            case ALWAYS -> log.sync();
            case EVERYSEC -> {
                long now = System.nanoTime();
                if (now - lastSyncNanos >= SYNC_INTERVAL_NANOS) {
                    log.sync();
                    lastSyncNanos = now;
                }
            }
            case NO -> { }
        }
        if (log.segmentCount() > maxSegments) {
            deleteClosedSegments();
        }
        return end;
    }

    /** Deletes every closed segment; under {@code no} syncs first, since retention keeps unsynced ones. */
    private void deleteClosedSegments() throws IOException {
        if (fsync == Policy.NO) {
            log.sync();
        }
        log.deleteSegments(System.currentTimeMillis(), 0, 0, Long.MAX_VALUE);
    }

    /** Between iterations, unmeasured: keep the disk usage of a long run bounded. */
    @TearDown(Level.Iteration)
    public void trim() throws IOException {
        log.sync();
        log.deleteSegments(System.currentTimeMillis(), 0, 0, Long.MAX_VALUE);
        lastSyncNanos = System.nanoTime();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        try {
            log.close();
        } finally {
            ScratchDirectory.deleteRecursively(dir);
        }
    }
}
