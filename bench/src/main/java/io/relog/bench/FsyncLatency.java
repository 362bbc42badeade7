package io.relog.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The cost of one {@code fdatasync} after a small append, as {@code appendfsync always} pays it
 * per batch: appends a record (100 bytes unless {@code --bytes} says otherwise) to a new file, calls {@code FileChannel.force(false)}
 * (fdatasync on Linux), and repeats. The file grows with every write, as a log segment does, so
 * each fdatasync also commits the new file size. Prints the median, p90, p99 and maximum of the
 * {@code force} calls alone, in microseconds.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.relog.bench.FsyncLatency [--dir D] [--count N] [--warmup W] [--bytes B]
 * </pre>
 *
 * {@code --dir}: where to create the scratch file (default as {@link ScratchDirectory} chooses:
 * never a tmpfs unless named); {@code --count}: measured syncs (default 5000); {@code --warmup}:
 * syncs made first and not counted (default 100); {@code --bytes}: size of each append
 * (default 100, about one small {@code SET}). The file is deleted at the end.
 *
 * <p>Latencies are kept in an array and sorted: a few thousand samples need no histogram.
 */
public final class FsyncLatency {

    private FsyncLatency() {
    }

    public static void main(String[] args) throws IOException {
        String dirArg = null;
        int count = 5000;
        int warmup = 100;
        int recordBytes = 100;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir" -> dirArg = value(args, ++i);
                case "--count" -> count = Integer.parseInt(value(args, ++i));
                case "--warmup" -> warmup = Integer.parseInt(value(args, ++i));
                case "--bytes" -> recordBytes = Integer.parseInt(value(args, ++i));
                case "-h", "--help" -> {
                    System.out.println("usage: FsyncLatency [--dir D] [--count N] [--warmup W] [--bytes B]");
                    return;
                }
                default -> {
                    System.err.println("unknown option " + args[i] + " (usage: FsyncLatency [--dir D] [--count N]"
                            + " [--warmup W] [--bytes B])");
                    System.exit(2);
                }
            }
        }
        if (count < 1 || warmup < 0 || recordBytes < 2) {
            System.err.println("--count must be at least 1, --warmup at least 0, --bytes at least 2");
            System.exit(2);
        }
        Path parent = ScratchDirectory.parent(dirArg);
        Path file = Files.createTempFile(parent, "relog-fsync-", ".dat");
        long[] nanos = new long[count];
        ByteBuffer record = ByteBuffer.allocateDirect(recordBytes);
        for (int i = 0; i < recordBytes - 2; i++) {
            record.put((byte) 'x');
        }
        record.put((byte) '\r').put((byte) '\n').flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            for (int i = -warmup; i < count; i++) {
                record.rewind();
                while (record.hasRemaining()) {
                    ch.write(record);
                }
                long t0 = System.nanoTime();
                ch.force(false);
                long t = System.nanoTime() - t0;
                if (i >= 0) {
                    nanos[i] = t;
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
        Arrays.sort(nanos);
        long sum = 0;
        for (long n : nanos) {
            sum += n;
        }
        FileStore store = Files.getFileStore(parent);
        System.out.printf("fdatasync after a %d-byte append, %d samples (%d warm-up) in %s (%s, %s):%n",
                recordBytes, count, warmup, parent.toAbsolutePath(), store.name(), store.type());
        System.out.printf("  median %.1f us  p90 %.1f us  p99 %.1f us  max %.1f us  mean %.1f us  (%.0f syncs/s)%n",
                micros(percentile(nanos, 50)), micros(percentile(nanos, 90)), micros(percentile(nanos, 99)),
                micros(nanos[count - 1]), micros(sum / count), 1e9 * count / sum);
    }

    /** The nearest-rank percentile {@code p} (0..100] of the sorted {@code sorted}. */
    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    private static double micros(long nanos) {
        return nanos / 1000.0;
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            System.err.println(args[i - 1] + " needs a value");
            System.exit(2);
        }
        return args[i];
    }
}
