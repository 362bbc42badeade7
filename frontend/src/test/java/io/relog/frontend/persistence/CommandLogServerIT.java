package io.relog.frontend.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.relog.frontend.RelogServer;
import io.relog.frontend.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The server writing its command log: restart restores the data, segments roll and start with a
 * SELECT, replies under {@code appendfsync always} come only after the fsync, one fsync serves
 * many clients, and INFO reports the log.
 */
class CommandLogServerIT {

    @TempDir
    Path dir;

    private RelogServer start(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--bind", "127.0.0.1", "--dir", dir.toString()));
        args.addAll(List.of(extra));
        return RelogServer.start(ServerConfig.fromArgs(args.toArray(new String[0])));
    }

    private static Map<String, String> info(Jedis j, String section) {
        Map<String, String> m = new java.util.HashMap<>();
        for (String line : j.info(section).split("\r\n")) {
            int c = line.indexOf(':');
            if (c > 0) {
                m.put(line.substring(0, c), line.substring(c + 1));
            }
        }
        return m;
    }

    @Test
    void restartReplaysEveryTypeAndDatabase() throws Exception {
        try (RelogServer s = start("--appendonly", "yes"); Jedis j = new Jedis("127.0.0.1", s.port())) {
            j.set("s", "v");
            j.setex("ttl", 1000, "x");
            j.hset("h", Map.of("a", "1", "b", "2"));
            j.rpush("l", "1", "2", "3");
            j.sadd("set", "x", "y");
            j.zadd("z", 1.5, "m");
            j.incrByFloat("f", 1.25);
            j.select(3);
            j.set("in3", "yes");
            j.select(0);
            var t = j.multi();
            t.set("t1", "a");
            t.set("t2", "b");
            t.exec();
            j.del("s");
            j.set("s", "again");
        }
        try (RelogServer s = start("--appendonly", "yes"); Jedis j = new Jedis("127.0.0.1", s.port())) {
            assertThat(j.get("s")).isEqualTo("again");
            assertThat(j.ttl("ttl")).isBetween(990L, 1000L);
            assertThat(j.hgetAll("h")).isEqualTo(Map.of("a", "1", "b", "2"));
            assertThat(j.lrange("l", 0, -1)).containsExactly("1", "2", "3");
            assertThat(j.smembers("set")).containsExactlyInAnyOrder("x", "y");
            assertThat(j.zscore("z", "m")).isEqualTo(1.5);
            assertThat(j.get("f")).isEqualTo("1.25");
            assertThat(j.mget("t1", "t2")).containsExactly("a", "b");
            j.select(3);
            assertThat(j.get("in3")).isEqualTo("yes");
            Map<String, String> repl = info(j, "replication");
            Map<String, String> pers = info(j, "persistence");
            assertThat(repl.get("master_repl_offset")).isEqualTo(pers.get("log_end_offset"));
            assertThat(Long.parseLong(pers.get("log_end_offset"))).isPositive();
            assertThat(repl.get("repl_backlog_first_byte_offset")).isEqualTo("1");
            assertThat(repl.get("repl_backlog_histlen")).isEqualTo(pers.get("log_end_offset"));
            assertThat(repl.get("master_replid")).matches("[0-9a-f]{40}");
            assertThat(repl.get("master_replid2")).isEqualTo("0".repeat(40)); // both stops were clean
        }
    }

    @Test
    void segmentsRollOnBatchBoundariesAndEachStartsWithSelect() throws Exception {
        try (RelogServer s = start("--appendonly", "yes", "--log-segment-bytes", "4kb");
                Jedis j = new Jedis("127.0.0.1", s.port())) {
            j.select(5);
            for (int i = 0; i < 500; i++) {
                j.set("key:" + i, "value-" + i);
            }
        }
        List<Path> segments;
        try (Stream<Path> files = Files.list(dir.resolve("log"))) {
            segments = files.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
        assertThat(segments.size()).isGreaterThan(3);
        long expectedBase = 0;
        for (Path p : segments) {
            assertThat(p.getFileName().toString()).isEqualTo(String.format("%020d.log", expectedBase));
            byte[] bytes = Files.readAllBytes(p);
            assertThat(new String(bytes, 0, Math.min(bytes.length, 25), StandardCharsets.US_ASCII))
                    .startsWith("*2\r\n$6\r\nSELECT\r\n$1\r\n5\r\n");
            expectedBase += bytes.length;
        }
        try (RelogServer s = start("--appendonly", "yes", "--log-segment-bytes", "4kb");
                Jedis j = new Jedis("127.0.0.1", s.port())) {
            j.select(5);
            assertThat(j.dbSize()).isEqualTo(500);
            assertThat(j.get("key:499")).isEqualTo("value-499");
        }
    }

    @Test
    void underAlwaysAReplyComesOnlyOnceItsWriteIsFsynced() throws Exception {
        try (RelogServer s = start("--appendonly", "yes", "--appendfsync", "always");
                Jedis j = new Jedis("127.0.0.1", s.port())) {
            for (int i = 0; i < 200; i++) {
                j.set("k" + i, "v");
                Map<String, String> p = info(j, "persistence");
                // Nothing else writes: the SET's bytes end at log_end_offset, and its reply came after the fsync.
                assertThat(Long.parseLong(p.get("log_synced_offset")))
                        .as("synced offset after write %d", i).isEqualTo(Long.parseLong(p.get("log_end_offset")));
            }
        }
    }

    /** {@code clients} connections each SET {@code writes} keys {@code c<id>:<i>}, all at once; returns when all are acknowledged. */
    private static void writeConcurrently(int port, int clients, int writes) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int id = c;
                done.add(pool.submit(() -> {
                    try (Jedis j = new Jedis("127.0.0.1", port)) {
                        for (int i = 0; i < writes; i++) {
                            j.set("c" + id + ":" + i, "v");
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void oneFsyncServesManyClientsUnderAlways() throws Exception {
        int clients = 16;
        int writes = 200;
        try (RelogServer s = start("--appendonly", "yes", "--appendfsync", "always")) {
            writeConcurrently(s.port(), clients, writes);
            try (Jedis j = new Jedis("127.0.0.1", s.port())) {
                long fsyncs = Long.parseLong(info(j, "persistence").get("log_fsyncs"));
                assertThat(j.dbSize()).isEqualTo((long) clients * writes);
                assertThat(fsyncs).as("fsyncs for %d acknowledged writes", clients * writes)
                        .isPositive().isLessThan((long) clients * writes / 2);
            }
        }
    }

    @Test
    void groupCommitIntervalDoesNotDelayALoneSequentialWriter() throws Exception {
        long intervalMs = 500;
        int writes = 20;
        try (RelogServer s = start("--appendonly", "yes", "--appendfsync", "always");
                Jedis j = new Jedis("127.0.0.1", s.port())) {
            assertThat(j.configSet("log-group-commit-us", Long.toString(intervalMs * 1000))).isEqualTo("OK");
            assertThat(j.configGet("log-group-commit-us")).containsEntry("log-group-commit-us", "500000");
            long start = System.nanoTime();
            for (int i = 0; i < writes; i++) {
                j.set("k" + i, "v");
            }
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            Map<String, String> p = info(j, "persistence");
            assertThat(p.get("log_synced_offset")).isEqualTo(p.get("log_end_offset"));
            // Each write is one iteration and one fsync of its own: none waits for the interval
            // (that would take (writes - 1) * 500 ms = 9.5 s).
            assertThat(elapsedMs).as("%d sequential writes", writes).isLessThan((writes - 1) * intervalMs / 2);
        }
    }

    @Test
    void appendfsyncAndAppendonlyChangeAtRunTime() throws Exception {
        try (RelogServer s = start("--appendonly", "no"); Jedis j = new Jedis("127.0.0.1", s.port())) {
            assertThat(info(j, "persistence").get("aof_enabled")).isEqualTo("0");
            j.set("a", "1");
            assertThat(j.configSet("appendonly", "yes")).isEqualTo("OK");
            assertThat(j.configSet("appendfsync", "always")).isEqualTo("OK");
            assertThat(j.configGet("appendfsync")).containsEntry("appendfsync", "always");
            j.set("b", "2");
            Map<String, String> p = info(j, "persistence");
            assertThat(p.get("aof_enabled")).isEqualTo("1");
            assertThat(p.get("log_synced_offset")).isEqualTo(p.get("log_end_offset"));
            assertThat(j.configSet("appendfsync", "everysec")).isEqualTo("OK");
            j.set("c", "3");
        }
        try (RelogServer s = start(); Jedis j = new Jedis("127.0.0.1", s.port())) {
            // appendonly no still keeps the log (it is the backlog): everything is back.
            assertThat(j.mget("a", "b", "c")).containsExactly("1", "2", "3");
        }
    }
}
