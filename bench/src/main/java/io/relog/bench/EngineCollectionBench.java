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
 * Engine hash, list, set and sorted-set commands on one value of each type holding {@code size}
 * elements (10: the small flat forms; 1,000,000: the structure-sharing forms), through
 * {@link Engine#execute}. Writes keep the sizes constant (update, or add then remove). With {@code freezeEvery}
 * above 0 the database is frozen every that many operations, as a snapshot would, so the writes
 * pay the path copies of the counted tree and the CHAMP map; compare with 0 for the cost of a
 * snapshot in progress.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
public class EngineCollectionBench {

    @Param({"10", "1000000"})
    public int size;

    @Param({"0", "1000"})
    public int freezeEvery;

    private Engine engine;
    private Session session;
    private DiscardingReply reply;
    private byte[][] members;
    private byte[][] indexes;
    private int next;
    private int ops;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static final byte[] HASH = ascii("hash");
    private static final byte[] SET = ascii("set");
    private static final byte[] HSET = ascii("HSET");
    private static final byte[] SADD = ascii("SADD");
    private static final byte[] SREM = ascii("SREM");
    private static final byte[] ZRANGE = ascii("ZRANGE");
    private static final byte[] EXTRA = ascii("extra-member");
    private static final byte[] LIST = ascii("list");
    private static final byte[] ZSET = ascii("zset");
    private static final byte[] RPUSH = ascii("RPUSH");
    private static final byte[] LPUSH = ascii("LPUSH");
    private static final byte[] RPOP = ascii("RPOP");
    private static final byte[] LINDEX = ascii("LINDEX");
    private static final byte[] LSET = ascii("LSET");
    private static final byte[] ZADD = ascii("ZADD");
    private static final byte[] ZRANK = ascii("ZRANK");
    private static final byte[] ZSCORE = ascii("ZSCORE");
    private static final byte[] ZRANGEBYSCORE = ascii("ZRANGEBYSCORE");
    private static final byte[] LIMIT = ascii("LIMIT");
    private static final byte[] ZERO = ascii("0");
    private static final byte[] TEN = ascii("10");
    private static final byte[] VALUE = ascii("v".repeat(16));

    @Setup(Level.Trial)
    public void fill(Blackhole bh) {
        engine = new Engine(16, Clock.SYSTEM, Propagation.DISCARD);
        EngineCommands.registerAll(engine.commands());
        session = new Session(1);
        reply = new DiscardingReply(bh);
        members = new byte[size][];
        indexes = new byte[size][];
        for (int i = 0; i < size; i++) {
            members[i] = ascii(String.format("member:%010d", i));
            indexes[i] = ascii(Integer.toString(i));
            engine.execute(session, new byte[][] {RPUSH, LIST, VALUE}, reply);
            engine.execute(session, new byte[][] {ZADD, ZSET, indexes[i], members[i]}, reply);
            engine.execute(session, new byte[][] {HSET, HASH, members[i], VALUE}, reply);
            engine.execute(session, new byte[][] {SADD, SET, members[i]}, reply);
        }
    }

    /** A pseudo-random walk over positions that is cheap and defeats the CPU's prefetcher. */
    private int nextIndex() {
        next = (int) ((next * 1103515245L + 12345) & 0x7fffffff);
        return next % size;
    }

    private void maybeFreeze() {
        if (freezeEvery > 0 && ++ops % freezeEvery == 0) {
            engine.freeze();
        }
    }

    @Benchmark
    public void lpushRpop() {
        maybeFreeze();
        engine.execute(session, new byte[][] {LPUSH, LIST, VALUE}, reply);
        engine.execute(session, new byte[][] {RPOP, LIST}, reply);
    }

    /** Overwrites an existing field. */
    @Benchmark
    public void hset() {
        maybeFreeze();
        engine.execute(session, new byte[][] {HSET, HASH, members[nextIndex()], VALUE}, reply);
    }

    /** Adds a member and removes it again. */
    @Benchmark
    public void saddSrem() {
        maybeFreeze();
        engine.execute(session, new byte[][] {SADD, SET, EXTRA}, reply);
        engine.execute(session, new byte[][] {SREM, SET, EXTRA}, reply);
    }

    /** Ten members from a random rank. */
    @Benchmark
    public void zrange10() {
        int i = nextIndex();
        engine.execute(session, new byte[][] {ZRANGE, ZSET, indexes[i], indexes[Math.min(size - 1, i + 9)]}, reply);
    }

    @Benchmark
    public void lindex() {
        engine.execute(session, new byte[][] {LINDEX, LIST, indexes[nextIndex()]}, reply);
    }

    @Benchmark
    public void lset() {
        maybeFreeze();
        engine.execute(session, new byte[][] {LSET, LIST, indexes[nextIndex()], VALUE}, reply);
    }

    /** Moves an existing member to a new score: a remove and an insert in the tree plus a map update. */
    @Benchmark
    public void zaddUpdate() {
        maybeFreeze();
        int i = nextIndex();
        engine.execute(session, new byte[][] {ZADD, ZSET, indexes[nextIndex()], members[i]}, reply);
    }

    @Benchmark
    public void zrank() {
        engine.execute(session, new byte[][] {ZRANK, ZSET, members[nextIndex()]}, reply);
    }

    @Benchmark
    public void zscore() {
        engine.execute(session, new byte[][] {ZSCORE, ZSET, members[nextIndex()]}, reply);
    }

    @Benchmark
    public void zrangebyscoreLimit10() {
        engine.execute(session, new byte[][] {ZRANGEBYSCORE, ZSET, indexes[nextIndex()], ascii("+inf"),
                LIMIT, ZERO, TEN}, reply);
    }
}
