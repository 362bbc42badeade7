package io.relog.bench;

import io.relog.engine.Clock;
import io.relog.engine.Engine;
import io.relog.engine.EngineCommands;
import io.relog.engine.Session;
import io.relog.engine.propagation.Propagation;
import java.nio.charset.StandardCharsets;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Engine SET and GET on a keyspace of {@code keys} entries (16-byte keys, 32-byte values), through
 * the same {@link Engine#execute} path the server uses, minus the network. The propagated
 * stream is collected into a sink that drops it, so the cost of building the propagated form is
 * included. Run with {@code -prof gc} for allocation per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
public class EngineStringBench {

    @Param("1000000")
    public int keys;

    private Engine engine;
    private Session session;
    private byte[][] keyBytes;
    private byte[] value;
    private byte[] set;
    private byte[] get;
    private int next;
    private DiscardingReply reply;

    @Setup(Level.Trial)
    public void fill(Blackhole bh) {
        engine = new Engine(16, Clock.SYSTEM, Propagation.DISCARD);
        EngineCommands.registerAll(engine.commands());
        session = new Session(1);
        reply = new DiscardingReply(bh);
        set = "SET".getBytes(StandardCharsets.US_ASCII);
        get = "GET".getBytes(StandardCharsets.US_ASCII);
        value = "v".repeat(32).getBytes(StandardCharsets.US_ASCII);
        keyBytes = new byte[keys][];
        for (int i = 0; i < keys; i++) {
            keyBytes[i] = String.format("key:%012d", i).getBytes(StandardCharsets.US_ASCII);
            engine.execute(session, new byte[][] {set, keyBytes[i], value}, reply);
        }
    }

    /** A pseudo-random walk over the keys that is cheap and defeats the CPU's prefetcher. */
    private byte[] nextKey() {
        next = (int) ((next * 1103515245L + 12345) & 0x7fffffff);
        return keyBytes[next % keys];
    }

    @Benchmark
    public void setExisting() {
        engine.execute(session, new byte[][] {set, nextKey(), value}, reply);
    }

    @Benchmark
    public void get() {
        engine.execute(session, new byte[][] {get, nextKey()}, reply);
    }
}
