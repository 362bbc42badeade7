package io.relog.frontend.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relog.frontend.RelogServer;
import io.relog.frontend.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** Snapshots taken by the server and the restore at start: newest snapshot plus the log after it. */
class SnapshotRestoreIT {

    @TempDir
    Path dir;

    private RelogServer start(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--bind", "127.0.0.1", "--dir", dir.toString(),
                "--appendonly", "yes", "--save", ""));
        args.addAll(List.of(extra));
        return RelogServer.start(ServerConfig.fromArgs(args.toArray(new String[0])));
    }

    private static Map<String, String> info(Jedis j) {
        Map<String, String> m = new java.util.HashMap<>();
        for (String line : j.info("persistence").split("\r\n")) {
            int c = line.indexOf(':');
            if (c > 0) {
                m.put(line.substring(0, c), line.substring(c + 1));
            }
        }
        return m;
    }

    private List<Path> snapshots() throws Exception {
        if (!Files.isDirectory(dir.resolve("snapshots"))) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir.resolve("snapshots"))) {
            return s.filter(p -> p.toString().endsWith(".rdb")).sorted().toList();
        }
    }

    @Test
    void restartLoadsTheNewestSnapshotAndReplaysOnlyTheLogAfterIt() throws Exception {
        long snapshotOffset;
        try (RelogServer s = start(); Jedis j = new Jedis("127.0.0.1", s.port())) {
            j.select(3);
            j.set("before", "1");
            j.hset("h", "f", "v");
            assertThat(j.bgsave()).isEqualTo("Background saving started");
            await().atMost(Duration.ofSeconds(10)).until(() -> info(j).get("rdb_saves").equals("1"));
            Map<String, String> p = info(j);
            assertThat(p.get("rdb_last_bgsave_status")).isEqualTo("ok");
            assertThat(p.get("rdb_changes_since_last_save")).isEqualTo("0");
            snapshotOffset = Long.parseLong(p.get("rdb_last_snapshot_offset"));
            assertThat(snapshotOffset).isEqualTo(Long.parseLong(p.get("log_end_offset")));
            j.set("after", "2"); // in db 3 with no SELECT after the snapshot's offset
            j.del("before");
        }
        assertThat(snapshots()).extracting(p -> p.getFileName().toString())
                .containsExactly(String.format("%020d.rdb", snapshotOffset));
        try (RelogServer s = start(); Jedis j = new Jedis("127.0.0.1", s.port())) {
            j.select(3);
            assertThat(j.get("after")).isEqualTo("2");
            assertThat(j.exists("before")).isFalse();
            assertThat(j.hget("h", "f")).isEqualTo("v");
            j.select(0);
            assertThat(j.dbSize()).isZero();
        }
    }

    @Test
    void aDamagedNewestSnapshotFallsBackToThePreviousOne() throws Exception {
        try (RelogServer s = start(); Jedis j = new Jedis("127.0.0.1", s.port())) {
            j.set("a", "1");
            assertThat(j.save()).isEqualTo("OK");
            j.set("b", "2");
            assertThat(j.save()).isEqualTo("OK");
            j.set("c", "3");
        }
        List<Path> snaps = snapshots();
        assertThat(snaps).hasSize(2);
        byte[] newest = Files.readAllBytes(snaps.get(1));
        newest[newest.length / 2] ^= 0x5a;
        Files.write(snaps.get(1), newest);
        try (RelogServer s = start(); Jedis j = new Jedis("127.0.0.1", s.port())) {
            assertThat(j.mget("a", "b", "c")).containsExactly("1", "2", "3");
        }
    }

    @Test
    void lastsaveAndShutdownSaveWriteASnapshot() throws Exception {
        try (RelogServer s = start("--save", "3600 1"); Jedis j = new Jedis("127.0.0.1", s.port())) {
            long before = j.lastsave();
            j.set("k", "v");
            assertThat(j.bgsave()).isEqualTo("Background saving started");
            await().atMost(Duration.ofSeconds(10)).until(() -> info(j).get("rdb_bgsave_in_progress").equals("0")
                    && info(j).get("rdb_saves").equals("1"));
            assertThat(j.lastsave()).isGreaterThanOrEqualTo(before);
            j.set("k2", "v2");
        } // close with save rules: a snapshot at the log end
        List<Path> snaps = snapshots();
        assertThat(snaps).hasSize(2);
        try (RelogServer s = start(); Jedis j = new Jedis("127.0.0.1", s.port())) {
            assertThat(j.get("k2")).isEqualTo("v2");
        }
    }

    @Test
    void aDataDirWithOnlyRedisDumpRdbStartsFromIt() throws Exception {
        try (RelogServer s = start(); Jedis j = new Jedis("127.0.0.1", s.port())) {
            j.set("from", "dump");
            j.rpush("list", "a", "b");
            assertThat(j.save()).isEqualTo("OK");
        }
        Path rdb = snapshots().get(0);
        Path other = dir.resolveSibling(dir.getFileName() + "-dump");
        Files.createDirectories(other);
        Files.copy(rdb, other.resolve("dump.rdb"));
        Path original = dir;
        dir = other;
        try (RelogServer s = start(); Jedis j = new Jedis("127.0.0.1", s.port())) {
            assertThat(j.get("from")).isEqualTo("dump");
            assertThat(j.lrange("list", 0, -1)).containsExactly("a", "b");
            j.set("more", "x");
        }
        // The dump's data was snapshotted into this data dir: it survives without dump.rdb.
        Files.delete(other.resolve("dump.rdb"));
        try (RelogServer s = start(); Jedis j = new Jedis("127.0.0.1", s.port())) {
            assertThat(j.get("from")).isEqualTo("dump");
            assertThat(j.get("more")).isEqualTo("x");
        } finally {
            dir = original;
        }
    }

    @Test
    void debugReloadSavesAndLoadsTheDataSetBack() throws Exception {
        try (RelogServer s = start("--enable-debug-command", "yes"); Jedis j = new Jedis("127.0.0.1", s.port())) {
            j.set("s", "v");
            j.zadd("z", 2, "m");
            j.select(2);
            j.sadd("set", "a", "b");
            j.select(0);
            redis.clients.jedis.commands.ProtocolCommand debug = () -> "DEBUG".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(new String((byte[]) j.sendCommand(debug, "RELOAD"), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("OK");
            assertThat(j.get("s")).isEqualTo("v");
            assertThat(j.zscore("z", "m")).isEqualTo(2.0);
            j.select(2);
            assertThat(j.smembers("set")).containsExactlyInAnyOrder("a", "b");
            assertThat(snapshots()).hasSize(1);
        }
    }

    @Test
    void aFailingSnapshotStopsWritesWhenSaveRulesAreSetAndRecovers() throws Exception {
        try (RelogServer s = start("--save", "3600 1"); Jedis j = new Jedis("127.0.0.1", s.port())) {
            j.set("a", "1");
            // A regular file where the snapshots directory must go makes every snapshot fail.
            Files.writeString(dir.resolve("snapshots"), "in the way");
            assertThat(j.bgsave()).isEqualTo("Background saving started");
            await().atMost(Duration.ofSeconds(10)).until(() -> info(j).get("rdb_last_bgsave_status").equals("err"));
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> j.set("b", "2")))
                    .hasMessageStartingWith("MISCONF Relog is configured to save RDB snapshots");
            assertThat(j.get("a")).isEqualTo("1"); // reads go on
            assertThat(j.configSet("stop-writes-on-bgsave-error", "no")).isEqualTo("OK");
            assertThat(j.set("b", "2")).isEqualTo("OK");
            assertThat(j.configSet("stop-writes-on-bgsave-error", "yes")).isEqualTo("OK");
            Files.delete(dir.resolve("snapshots"));
            assertThat(j.bgsave()).isEqualTo("Background saving started");
            await().atMost(Duration.ofSeconds(10)).until(() -> info(j).get("rdb_last_bgsave_status").equals("ok"));
            assertThat(j.set("c", "3")).isEqualTo("OK");
        }
    }

    @Test
    void retentionTrimsOnlyWhatTheNewestSnapshotNoLongerNeeds() throws Exception {
        try (RelogServer s = start("--log-segment-bytes", "4kb", "--log-retention-bytes", "0");
                Jedis j = new Jedis("127.0.0.1", s.port())) {
            for (int i = 0; i < 300; i++) {
                j.set("k" + i, "value-" + i);
            }
            Thread.sleep(1500); // retention runs once a second: nothing may go without a snapshot
            assertThat(info(j).get("log_start_offset")).isEqualTo("0");
            assertThat(j.save()).isEqualTo("OK");
            long snapshot = Long.parseLong(info(j).get("rdb_last_snapshot_offset"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Long.parseLong(info(j).get("log_start_offset")) > 0);
            long start = Long.parseLong(info(j).get("log_start_offset"));
            assertThat(start).isLessThanOrEqualTo(snapshot);
            for (int i = 0; i < 10; i++) {
                j.set("after" + i, "x");
            }
        }
        try (RelogServer s = start(); Jedis j = new Jedis("127.0.0.1", s.port())) {
            assertThat(j.dbSize()).isEqualTo(310);
            assertThat(j.get("k0")).isEqualTo("value-0");
            assertThat(j.get("after9")).isEqualTo("x");
        }
    }
}
