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
 * What per-command metrics cost the engine thread: GET and PING through {@link Engine#execute}
 * with {@code latency-tracking} on (each call recorded into its command's HdrHistogram, as INFO
 * latencystats and the metrics endpoint need) and off, on a small keyspace (1,000 keys, in cache)
 * so that the recording is not hidden behind cache misses, with a call listener installed as the
 * server does (SLOWLOG/LATENCY/MONITOR). {@code -prof gc} shows that recording allocates nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class LatencyTrackingBench {

    @Param({"yes", "no"})
    public String tracking;

    private Engine engine;
    private Session session;
    private byte[][] keys;
    private byte[] get;
    private byte[][] ping;
    private int next;
    private DiscardingReply reply;
    private long slowerThanMicros = 10_000;

    @Setup(Level.Trial)
    public void fill(Blackhole bh) {
        engine = new Engine(16, Clock.SYSTEM, Propagation.DISCARD);
        EngineCommands.registerAll(engine.commands());
        engine.setLatencyTracking(tracking.equals("yes"));
        // The server's listener tests two thresholds and the monitor list per command.
        engine.setCallListener((s, spec, argv, nanos) -> {
            if (nanos / 1000 >= slowerThanMicros) {
                bh.consume(argv);
            }
        });
        session = new Session(1);
        reply = new DiscardingReply(bh);
        byte[] set = "SET".getBytes(StandardCharsets.US_ASCII);
        get = "GET".getBytes(StandardCharsets.US_ASCII);
        ping = new byte[][] {"PING".getBytes(StandardCharsets.US_ASCII)};
        keys = new byte[1000][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = String.format("key:%012d", i).getBytes(StandardCharsets.US_ASCII);
            engine.execute(session, new byte[][] {set, keys[i], "v".repeat(32).getBytes(StandardCharsets.US_ASCII)}, reply);
        }
    }

    @Benchmark
    public void get() {
        next = (next + 1) % keys.length;
        engine.execute(session, new byte[][] {get, keys[next]}, reply);
    }

    @Benchmark
    public void ping() {
        engine.execute(session, ping, reply);
    }
}
