package io.relog.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.relog.frontend.RelogServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Moving data between Relog and Debian's real redis-server 7.0 in two commands, both ways, every
 * key compared through a client.
 */
class ExportImportTest {

    @TempDir
    Path tmp;

    private final long seed = System.nanoTime();
    private final Random rnd = new Random(seed);

    private String ctx() {
        return "seed=" + seed + "L";
    }

    /** A Relog data directory with a workload, a snapshot in the middle; returns its data set. */
    private TreeMap<String, String> relogWithData(Path dir) throws Exception {
        try (RelogServer server = PointInTimeRestoreTest.startRelog(dir, "--log-segment-bytes", "16kb", "--save", "");
                Jedis w = new Jedis("127.0.0.1", server.port(), 10_000);
                Jedis r = new Jedis("127.0.0.1", server.port(), 10_000)) {
            Workload load = new Workload(rnd);
            load.run(w, 300);
            r.save();
            load.run(w, 300);
            r.select(0); // the workload's connection may have another database selected
            r.set("ttl:key", "expires later");
            r.pexpireAt("ttl:key", System.currentTimeMillis() + 3_600_000);
            return Keyspace.read(r, 3);
        }
    }

    @Test
    void exportedRdbAndAofLoadInRedisServer() throws Exception {
        Path data = tmp.resolve("relog");
        TreeMap<String, String> expected = relogWithData(data);

        Path rdbDir = Files.createDirectories(tmp.resolve("redis-rdb"));
        ToolRun run = ToolRun.run("export", "--dir", data.toString(), "--format", "rdb", "--out",
                rdbDir.resolve("dump.rdb").toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        try (RedisProcess redis = RedisProcess.start(rdbDir); Jedis j = redis.client()) {
            TreeMap<String, String> got = Keyspace.read(j, 3);
            assertThat(got).as(ctx() + " rdb:\n" + Keyspace.diff(expected, got)).isEqualTo(expected);
            assertThat(j.pttl("ttl:key")).isBetween(3_000_000L, 3_600_000L);
        }

        Path aofDir = Files.createDirectories(tmp.resolve("redis-aof"));
        run = ToolRun.run("export", "--dir", data.toString(), "--format", "aof", "--out",
                aofDir.resolve("appendonly.aof").toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(new String(Files.readAllBytes(aofDir.resolve("appendonly.aof")), java.nio.charset.StandardCharsets.ISO_8859_1))
                .startsWith("*2\r\n$6\r\nSELECT\r\n").contains("PEXPIREAT");
        try (RedisProcess redis = RedisProcess.start(aofDir, "--appendonly", "yes"); Jedis j = redis.client()) {
            TreeMap<String, String> got = Keyspace.read(j, 3);
            assertThat(got).as(ctx() + " aof:\n" + Keyspace.diff(expected, got)).isEqualTo(expected);
            assertThat(j.pttl("ttl:key")).isBetween(3_000_000L, 3_600_000L);
        }
    }

    /** Writes a workload to redis-server; returns its data set. */
    private TreeMap<String, String> redisWorkload(RedisProcess redis, int n) {
        try (Jedis w = redis.client(); Jedis r = redis.client()) {
            new Workload(rnd).run(w, n);
            return Keyspace.read(r, 3);
        }
    }

    private void assertRelogServes(Path relogDir, TreeMap<String, String> expected, String what) throws Exception {
        try (RelogServer server = PointInTimeRestoreTest.startRelog(relogDir);
                Jedis j = new Jedis("127.0.0.1", server.port(), 10_000)) {
            TreeMap<String, String> got = Keyspace.read(j, 3);
            assertThat(got).as(ctx() + " " + what + ":\n" + Keyspace.diff(expected, got)).isEqualTo(expected);
        }
    }

    @Test
    void aRedisDumpRdbImportsIntoARelogDataDirectory() throws Exception {
        Path redisDir = Files.createDirectories(tmp.resolve("redis"));
        TreeMap<String, String> expected;
        try (RedisProcess redis = RedisProcess.start(redisDir)) {
            expected = redisWorkload(redis, 500);
            try (Jedis j = redis.client()) {
                j.save();
            }
        }
        Path out = tmp.resolve("imported");
        ToolRun run = ToolRun.run("import", redisDir.resolve("dump.rdb").toString(), "--out-dir", out.toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertRelogServes(out, expected, "dump.rdb");
    }

    private void waitForRewrite(Jedis j) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            String info = j.info("persistence");
            if (info.contains("aof_rewrite_in_progress:0") && info.contains("aof_rewrite_scheduled:0")) {
                return;
            }
            assertThat(System.nanoTime()).as("BGREWRITEAOF finishes").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void aRedis7MultiPartAofImportsWithAndWithoutRdbPreamble() throws Exception {
        for (String preamble : new String[] {"yes", "no"}) {
            Path redisDir = Files.createDirectories(tmp.resolve("redis-" + preamble));
            TreeMap<String, String> expected;
            try (RedisProcess redis = RedisProcess.start(redisDir, "--appendonly", "yes", "--aof-use-rdb-preamble", preamble,
                    "--aof-timestamp-enabled", "yes")) {
                redisWorkload(redis, 300);
                try (Jedis j = redis.client()) {
                    j.bgrewriteaof();
                    waitForRewrite(j);
                }
                // After the rewrite: a base file and an increment with the writes since.
                expected = redisWorkload(redis, 300);
            }
            Path aofDir = redisDir.resolve("appendonlydir");
            try (Stream<Path> s = Files.list(aofDir)) {
                assertThat(s.map(p -> p.getFileName().toString()).toList()).as(preamble)
                        .anyMatch(n -> n.endsWith(preamble.equals("yes") ? ".base.rdb" : ".base.aof"))
                        .anyMatch(n -> n.endsWith(".incr.aof"))
                        .anyMatch(n -> n.endsWith(".manifest"));
            }
            Path out = tmp.resolve("imported-" + preamble);
            ToolRun run = ToolRun.run("import", aofDir.toString(), "--out-dir", out.toString());
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).contains("multi-part AOF");
            assertRelogServes(out, expected, "appendonlydir, aof-use-rdb-preamble " + preamble);
        }
    }

    @Test
    void aSingleAofWithATruncatedEndLoadsWhatIsWholeAndSaysWhatItCut() throws Exception {
        Path aof = tmp.resolve("appendonly.aof");
        String whole = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n#TS:1700000000\r\n"
                + "*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n*1\r\n$4\r\nEXEC\r\n";
        String torn = "*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$1\r\n3\r\n*3\r\n$3\r\nSE";
        Files.writeString(aof, whole + torn, java.nio.charset.StandardCharsets.ISO_8859_1);
        Path out = tmp.resolve("imported");
        ToolRun run = ToolRun.run("import", aof.toString(), "--out-dir", out.toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Cut the truncated end", torn.length() + " bytes from position " + whole.length());
        TreeMap<String, String> expected = new TreeMap<>();
        expected.put("0:a", "string 1");
        expected.put("0:b", "string 2");
        assertRelogServes(out, expected, "truncated AOF");

        // Garbage is not skipped: the error names the file and position.
        Path bad = tmp.resolve("bad.aof");
        Files.writeString(bad, whole + "+OK\r\n" + whole, java.nio.charset.StandardCharsets.ISO_8859_1);
        run = ToolRun.run("import", bad.toString(), "--out-dir", tmp.resolve("bad-out").toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains(bad.toString(), "position " + whole.length());
    }
}
