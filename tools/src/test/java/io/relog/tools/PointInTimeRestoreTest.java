package io.relog.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.relog.frontend.RelogServer;
import io.relog.frontend.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Point-in-time restore against a workload recorded through a real Relog server: the data set at
 * 20 random moments (read through a client at that moment) must be exactly what {@code relog
 * restore} builds for that time, and for that offset; the RDB loads in redis-server 7.0 and a
 * restored data directory starts a server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PointInTimeRestoreTest {

    @TempDir
    static Path tmp;

    private Path data;
    private long seed;
    private final List<Point> points = new ArrayList<>();
    private long endOffset;

    /** A moment of the workload: its time, the log offset then, and the data set then. */
    record Point(long timeMs, long offset, TreeMap<String, String> state) {
    }

    static RelogServer startRelog(Path dir, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--bind", "127.0.0.1", "--dir", dir.toString()));
        args.addAll(List.of(extra));
        return RelogServer.start(ServerConfig.fromArgs(args.toArray(new String[0])));
    }

    static long masterReplOffset(Jedis j) {
        for (String line : j.info("replication").split("\r\n")) {
            if (line.startsWith("master_repl_offset:")) {
                return Long.parseLong(line.substring("master_repl_offset:".length()).trim());
            }
        }
        throw new IllegalStateException("no master_repl_offset in INFO");
    }

    @BeforeAll
    void recordWorkload() throws Exception {
        seed = System.nanoTime();
        Random rnd = new Random(seed);
        data = tmp.resolve("data");
        // Small segments (many rolls); snapshots only when asked.
        try (RelogServer server = startRelog(data, "--log-segment-bytes", "8kb", "--save", "");
                Jedis w = new Jedis("127.0.0.1", server.port(), 10_000);
                Jedis r = new Jedis("127.0.0.1", server.port(), 10_000)) {
            Workload load = new Workload(rnd);
            for (int i = 0; i < 20; i++) {
                load.run(w, 20 + rnd.nextInt(60));
                if (i == 6 || i == 13) {
                    r.save(); // a snapshot: later points restore from it
                    load.run(w, 5);
                }
                long offset = masterReplOffset(r);
                TreeMap<String, String> state = Keyspace.read(r, 3);
                long t = System.currentTimeMillis();
                points.add(new Point(t, offset, state));
                while (System.currentTimeMillis() <= t + 1) {
                    Thread.onSpinWait(); // the next write is appended strictly later
                }
            }
            load.run(w, 30);
            endOffset = masterReplOffset(r);
        }
    }

    private String ctx() {
        return "seed=" + seed + "L";
    }

    @Test
    void everyRecordedMomentIsRestoredExactlyByTimeAndByOffset() throws Exception {
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            Path byTime = tmp.resolve("t" + i + ".rdb");
            ToolRun run = ToolRun.run("restore", "--dir", data.toString(), "--to-time", Long.toString(p.timeMs()), "--out",
                    byTime.toString());
            assertThat(run.exitCode()).as(ctx() + " point " + i + ": " + run).isZero();
            TreeMap<String, String> got = Keyspace.read(byTime);
            assertThat(got).as(ctx() + " point " + i + " by time:\n" + Keyspace.diff(p.state(), got)).isEqualTo(p.state());

            Path byOffset = tmp.resolve("o" + i + ".rdb");
            run = ToolRun.run("restore", "--dir", data.toString(), "--to-offset", Long.toString(p.offset()), "--out",
                    byOffset.toString());
            assertThat(run.exitCode()).as(ctx() + " point " + i + ": " + run).isZero();
            assertThat(run.out()).contains("Data set at offset " + p.offset());
            got = Keyspace.read(byOffset);
            assertThat(got).as(ctx() + " point " + i + " by offset:\n" + Keyspace.diff(p.state(), got)).isEqualTo(p.state());
        }
        // The ISO-8601 form names the same moment.
        Point p = points.get(10);
        Path iso = tmp.resolve("iso.rdb");
        ToolRun run = ToolRun.run("restore", "--dir", data.toString(), "--to-time",
                java.time.Instant.ofEpochMilli(p.timeMs()).toString(), "--out", iso.toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(Keyspace.read(iso)).isEqualTo(p.state());
    }

    @Test
    void theRestoredRdbLoadsInRedisServer() throws Exception {
        for (int i : new int[] {4, 17}) {
            Point p = points.get(i);
            Path dir = Files.createDirectories(tmp.resolve("redis" + i));
            ToolRun run = ToolRun.run("restore", "--dir", data.toString(), "--to-time", Long.toString(p.timeMs()), "--out",
                    dir.resolve("dump.rdb").toString());
            assertThat(run.exitCode()).as(run.toString()).isZero();
            try (RedisProcess redis = RedisProcess.start(dir, "--dbfilename", "dump.rdb");
                    Jedis j = redis.client()) {
                TreeMap<String, String> got = Keyspace.read(j, 3);
                assertThat(got).as(ctx() + " point " + i + " in redis-server:\n" + Keyspace.diff(p.state(), got))
                        .isEqualTo(p.state());
            }
        }
    }

    @Test
    void aRestoredDataDirectoryStartsAServerWithTheDataSet() throws Exception {
        Point p = points.get(15);
        Path out = tmp.resolve("restored-dir");
        ToolRun run = ToolRun.run("restore", "--dir", data.toString(), "--to-time", Long.toString(p.timeMs()), "--out-dir",
                out.toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        try (RelogServer server = startRelog(out); Jedis j = new Jedis("127.0.0.1", server.port(), 10_000)) {
            assertThat(Keyspace.read(j, 3)).as(ctx()).isEqualTo(p.state());
            assertThat(masterReplOffset(j)).as("offsets continue where the source's were").isEqualTo(p.offset());
            j.set("after", "restore");
        }
        // It restarts with the write made after the restore (snapshot + its own log).
        try (RelogServer server = startRelog(out); Jedis j = new Jedis("127.0.0.1", server.port(), 10_000)) {
            assertThat(j.get("after")).isEqualTo("restore");
        }
        // A non-empty target is refused.
        run = ToolRun.run("restore", "--dir", data.toString(), "--to-offset", "0", "--out-dir", out.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("not empty");
    }

    @Test
    void aPointOutsideWhatIsRetainedIsRefusedNamingTheRange() throws Exception {
        ToolRun run = ToolRun.run("restore", "--dir", data.toString(), "--to-offset", Long.toString(endOffset + 1000), "--out",
                tmp.resolve("x.rdb").toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("Cannot restore to offset " + (endOffset + 1000), "retained range is offsets 0 to " + endOffset);
        assertThat(tmp.resolve("x.rdb")).doesNotExist();

        // Retention: the segments below the first snapshot are gone.
        Path trimmed = tmp.resolve("trimmed");
        copy(data, trimmed);
        long snapshot;
        try (Stream<Path> s = Files.list(trimmed.resolve("snapshots"))) {
            snapshot = s.map(f -> Long.parseLong(f.getFileName().toString().substring(0, 20))).min(Comparator.naturalOrder())
                    .orElseThrow();
        }
        List<Path> segments;
        try (Stream<Path> s = Files.list(trimmed.resolve("log"))) {
            segments = s.filter(f -> f.toString().endsWith(".log")).sorted().toList();
        }
        int deleted = 0;
        for (int i = 0; i + 1 < segments.size(); i++) {
            long nextBase = Long.parseLong(segments.get(i + 1).getFileName().toString().substring(0, 20));
            if (nextBase <= snapshot) {
                Files.delete(segments.get(i));
                Files.deleteIfExists(Path.of(segments.get(i).toString().replace(".log", ".idx")));
                deleted++;
            }
        }
        assertThat(deleted).as("the workload rolled segments below the first snapshot").isPositive();
        Point before = points.get(2);
        assertThat(before.offset()).isLessThan(snapshot);
        run = ToolRun.run("restore", "--dir", trimmed.toString(), "--to-offset", Long.toString(before.offset()), "--out",
                tmp.resolve("y.rdb").toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("retained range is offsets " + snapshot + " to " + endOffset);
        run = ToolRun.run("restore", "--dir", trimmed.toString(), "--to-time", Long.toString(before.timeMs()), "--out",
                tmp.resolve("y.rdb").toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("before what is retained", "offsets " + snapshot + " to " + endOffset);
        // What is retained still restores exactly.
        Point after = points.get(18);
        run = ToolRun.run("restore", "--dir", trimmed.toString(), "--to-time", Long.toString(after.timeMs()), "--out",
                tmp.resolve("z.rdb").toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(Keyspace.read(tmp.resolve("z.rdb"))).isEqualTo(after.state());

        // Without its snapshots nothing below the log start can be built.
        try (Stream<Path> s = Files.list(trimmed.resolve("snapshots"))) {
            for (Path f : s.toList()) {
                Files.delete(f);
            }
        }
        run = ToolRun.run("restore", "--dir", trimmed.toString(), "--to-time", Long.toString(after.timeMs()), "--out",
                tmp.resolve("w.rdb").toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("retained range is nothing");
    }

    @Test
    void aPointInsideATransactionStopsBeforeIt() throws Exception {
        io.relog.log.BatchEntry tx = null;
        long multiAt = -1;
        long inside = -1;
        try (io.relog.log.ReadOnlyLog log = io.relog.log.ReadOnlyLog.open(data.resolve("log"))) {
            List<io.relog.log.ReadOnlyLog.Command> cmds = new ArrayList<>();
            log.scan(0, -1, c -> cmds.add(c) || true);
            for (int i = 0; i + 2 < cmds.size() && inside < 0; i++) {
                if (cmds.get(i).is("multi") && cmds.get(i + 1).inTransaction() && !cmds.get(i + 1).is("exec")) {
                    multiAt = cmds.get(i).offset();
                    inside = cmds.get(i + 1).nextOffset(); // after the first queued write, before EXEC
                }
            }
        }
        assertThat(inside).as(ctx() + ": the workload has a transaction").isPositive();
        Path in = tmp.resolve("inside.rdb");
        ToolRun run = ToolRun.run("restore", "--dir", data.toString(), "--to-offset", Long.toString(inside), "--out", in.toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("falls inside the transaction (MULTI ... EXEC) that starts at offset " + multiAt,
                "Data set at offset " + multiAt);
        Path before = tmp.resolve("before-multi.rdb");
        run = ToolRun.run("restore", "--dir", data.toString(), "--to-offset", Long.toString(multiAt), "--out", before.toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(Keyspace.read(in)).as(ctx()).isEqualTo(Keyspace.read(before));
    }

    @Test
    void restoreReadsTheDirectoryOfARunningServerWhileItWrites() throws Exception {
        Path live = tmp.resolve("live");
        Random rnd = new Random(seed + 1);
        try (RelogServer server = startRelog(live, "--log-segment-bytes", "8kb", "--save", "");
                Jedis w = new Jedis("127.0.0.1", server.port(), 10_000);
                Jedis r = new Jedis("127.0.0.1", server.port(), 10_000)) {
            Workload load = new Workload(rnd);
            load.run(w, 400);
            long offset = masterReplOffset(r);
            TreeMap<String, String> state = Keyspace.read(r, 3);
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            Thread writer = new Thread(() -> {
                while (!stop.get()) {
                    load.run(w, 10);
                }
            });
            writer.start();
            try {
                for (int i = 0; i < 3; i++) {
                    Path out = tmp.resolve("live" + i + ".rdb");
                    ToolRun run = ToolRun.run("restore", "--dir", live.toString(), "--to-offset", Long.toString(offset),
                            "--out", out.toString());
                    assertThat(run.exitCode()).as(run.toString()).isZero();
                    assertThat(Keyspace.read(out)).as(ctx() + " restore " + i + " while the server writes").isEqualTo(state);
                }
                ToolRun check = ToolRun.run("check", "--dir", live.toString());
                assertThat(check.out()).as(check.toString()).doesNotContain("corrupt", "Corrupt");
            } finally {
                stop.set(true);
                writer.join();
            }
        }
    }

    static void copy(Path from, Path to) throws Exception {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}
