package io.relog.bench;

import io.relog.engine.Clock;
import io.relog.engine.Engine;
import io.relog.engine.EngineCommands;
import io.relog.engine.Session;
import io.relog.engine.keyspace.Database;
import io.relog.engine.propagation.Propagation;
import io.relog.snapshot.SnapshotFiles;
import io.relog.snapshot.rdb.RdbAux;
import io.relog.snapshot.rdb.RdbLoad;
import io.relog.snapshot.rdb.RdbReader;
import io.relog.snapshot.rdb.RdbWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Snapshot write and load throughput: {@link RdbWriter} streaming a frozen view of an engine
 * holding {@code keys} keys of one {@code type}, and {@link RdbReader} loading the file it wrote.
 *
 * <p>One operation is one whole snapshot (or one whole load). Besides operations per second,
 * JMH reports the secondary results {@code bytes} and {@code keys} as rates per second (they are
 * {@link AuxCounters}): {@code bytes} / 10^6 is the MB/s, {@code keys} the keys/s. The RDB's
 * size is also printed once at setup ({@code # rdb: ...}).
 *
 * <ul>
 *   <li>{@code write}, {@code target=null}: into an {@link OutputStream} that drops the bytes —
 *       the writer's own cost (walking the persistent maps, encoding, CRC-64).</li>
 *   <li>{@code write}, {@code target=file}: through {@link SnapshotFiles#write}, as the server does
 *       it: temp file on a disk-backed directory ({@link ScratchDirectory}, {@code -Drelog.bench.dir}),
 *       fsync, rename, directory fsync. Each operation replaces the previous file.</li>
 *   <li>{@code load}: {@link RdbReader#read(Path, RdbReader.Options)} of that file into fresh
 *       databases (16, default encoding limits), discarded after each operation. The file was just
 *       written, so it is read from the page cache: this is the parse-and-build cost, not the
 *       disk's read speed.</li>
 * </ul>
 *
 * <p>Keyspace (16-byte keys {@code key:<12 digits>}, no expiries, database 0):
 * <ul>
 *   <li>{@code string}: 100-byte values;</li>
 *   <li>{@code hash}: 10 fields {@code field:<n>} of 16-byte values;</li>
 *   <li>{@code zset}: 10 members {@code member:<8 digits>} with distinct scores.</li>
 * </ul>
 * The 1,000,000-key cases fit in the 4 GiB fork heap with the loaded copy alongside the source.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
public class SnapshotBench {

    static final int FIELDS = 10;
    static final int STRING_VALUE_BYTES = 100;
    static final int HASH_VALUE_BYTES = 16;

    /** The engine's keyspace, its frozen view and one RDB file of it; shared by every benchmark. */
    @State(Scope.Benchmark)
    public static class Keyspace {

        /** The type of every value: {@code string}, {@code hash} or {@code zset}. */
        @Param({"string", "hash", "zset"})
        public String type;

        @Param({"100000", "1000000"})
        public int keys;

        Database[] views;
        RdbAux aux;
        Path dir;
        SnapshotFiles files;
        Path rdb;
        long rdbBytes;

        @Setup(Level.Trial)
        public void fill(Blackhole bh) throws IOException {
            Engine engine = new Engine(16, Clock.SYSTEM, Propagation.DISCARD);
            EngineCommands.registerAll(engine.commands());
            Session session = new Session(1);
            DiscardingReply reply = new DiscardingReply(bh);
            long started = System.nanoTime();
            for (int i = 0; i < keys; i++) {
                engine.execute(session, command(i), reply);
            }
            views = engine.freeze();
            aux = RdbAux.withoutReplication(System.currentTimeMillis() / 1000, 0);
            dir = Files.createTempDirectory(ScratchDirectory.parent(null), "relog-snapshot-bench-");
            files = new SnapshotFiles(dir);
            SnapshotFiles.Snapshot s = files.write(0, views, aux);
            rdb = s.path();
            rdbBytes = s.size();
            System.out.printf("# rdb: %d keys of type %s, %d bytes (%.1f MB, %.1f bytes/key); filled in %.1f s; %s%n",
                    keys, type, rdbBytes, rdbBytes / 1e6, rdbBytes / (double) keys,
                    (System.nanoTime() - started) / 1e9, rdb);
        }

        private byte[][] command(int i) {
            byte[] key = ascii(String.format("key:%012d", i));
            switch (type) {
                case "string" -> {
                    return new byte[][] {ascii("SET"), key, value(i, STRING_VALUE_BYTES)};
                }
                case "hash" -> {
                    byte[][] argv = new byte[2 + 2 * FIELDS][];
                    argv[0] = ascii("HSET");
                    argv[1] = key;
                    for (int f = 0; f < FIELDS; f++) {
                        argv[2 + 2 * f] = ascii("field:" + f);
                        argv[3 + 2 * f] = value(i + f, HASH_VALUE_BYTES);
                    }
                    return argv;
                }
                case "zset" -> {
                    byte[][] argv = new byte[2 + 2 * FIELDS][];
                    argv[0] = ascii("ZADD");
                    argv[1] = key;
                    for (int f = 0; f < FIELDS; f++) {
                        argv[2 + 2 * f] = ascii(Double.toString(f * 1.5 + (i % 1000) / 1000.0));
                        argv[3 + 2 * f] = ascii(String.format("member:%08d", i * FIELDS + f));
                    }
                    return argv;
                }
                default -> throw new IllegalArgumentException("type must be string, hash or zset: " + type);
            }
        }

        /** {@code n} bytes, different per key so that nothing is shared or trivially compressible. */
        private static byte[] value(int seed, int n) {
            byte[] v = new byte[n];
            long x = seed * 0x9E3779B97F4A7C15L + 1;
            for (int j = 0; j < n; j++) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                v[j] = (byte) ('a' + (int) ((x >>> 33) % 26));
            }
            return v;
        }

        private static byte[] ascii(String s) {
            return s.getBytes(StandardCharsets.US_ASCII);
        }

        @TearDown(Level.Trial)
        public void delete() {
            ScratchDirectory.deleteRecursively(dir);
        }
    }

    /** Where {@code write} sends the snapshot: {@code null} (dropped) or {@code file} (fsynced file). */
    @State(Scope.Thread)
    public static class Target {
        @Param({"null", "file"})
        public String target;
    }

    /** Bytes and keys per operation, reported by JMH as rates per second. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Rates {
        public long bytes;
        public long keys;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
            keys = 0;
        }
    }

    /** An output stream that counts nothing and keeps nothing. */
    private static final OutputStream NULL = new OutputStream() {
        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    };

    @Benchmark
    public long write(Keyspace ks, Target t, Rates rates) throws IOException {
        long n;
        if (t.target.equals("null")) {
            n = RdbWriter.write(ks.views, ks.aux, NULL);
        } else if (t.target.equals("file")) {
            n = ks.files.write(1, ks.views, ks.aux).size();
        } else {
            throw new IllegalArgumentException("target must be null or file: " + t.target);
        }
        rates.bytes += n;
        rates.keys += ks.keys;
        return n;
    }

    @Benchmark
    public RdbLoad load(Keyspace ks, Rates rates) throws IOException {
        RdbLoad load = RdbReader.read(ks.rdb, RdbReader.Options.defaults(16));
        if (load.keys() != ks.keys) {
            throw new IllegalStateException("loaded " + load.keys() + " keys, wrote " + ks.keys);
        }
        rates.bytes += ks.rdbBytes;
        rates.keys += load.keys();
        return load;
    }
}
