package io.relog.frontend.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relog.frontend.it.RedisReplicaOfRelogIT;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * A replica killed with {@code kill -9} under a write load continues with {@code +CONTINUE} when
 * it starts again as a replica: its log is a prefix of its master's stream, so it keeps the
 * master's replication ID (as Redis' {@code replicationCacheMasterUsingMyself}) instead of taking
 * a new one as a crashed master must. Master and replica run as separate processes.
 *
 * <p>Three kill cycles; in the second, the last bytes of the replica's stream are zeroed after the
 * kill, as a write torn by a power loss would leave them, so recovery cuts a command in half and
 * the replica asks again from an earlier offset. After each restart the master counts one more
 * partial resync and no full one; at the end the data is equal key by key and the replica's log
 * is the master's byte for byte over the range it holds.
 */
class ReplicaCrashIT {

    static final String[] COMMON = {"--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
        "--log-segment-bytes", "256kb"};

    @TempDir
    Path masterDir;
    @TempDir
    Path replicaDir;

    private static String[] replicaArgs(int masterPort) {
        String[] a = Arrays.copyOf(COMMON, COMMON.length + 3);
        a[COMMON.length] = "--replicaof";
        a[COMMON.length + 1] = "127.0.0.1";
        a[COMMON.length + 2] = Integer.toString(masterPort);
        return a;
    }

    private static Map<String, String> info(Jedis j, String section) {
        return RedisReplicaOfRelogIT.info(j, section);
    }

    private static void awaitLinkUp(Jedis r) {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> "up".equals(info(r, "replication").get("master_link_status")));
    }

    private static void awaitInSync(Jedis m, Jedis r) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            String masterOffset = info(m, "replication").get("master_repl_offset");
            Map<String, String> ri = info(r, "replication");
            return "up".equals(ri.get("master_link_status")) && masterOffset.equals(ri.get("slave_repl_offset"));
        });
    }

    @Test
    void aKilledReplicaContinuesPartiallyAfterRestart() throws Exception {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        try (RelogProcess master = RelogProcess.start(masterDir, COMMON);
                Jedis m = new Jedis("127.0.0.1", master.port())) {
            String masterReplid = info(m, "replication").get("master_replid");
            RelogProcess replica = RelogProcess.start(replicaDir, replicaArgs(master.port()));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong writes = new AtomicLong();
            AtomicReference<Throwable> writerFailure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                Random w = new Random(seed + 1);
                try (Jedis j = new Jedis("127.0.0.1", master.port())) {
                    while (!stop.get()) {
                        int k = w.nextInt(2000);
                        switch (w.nextInt(4)) {
                            case 0 -> j.set("s" + k, Long.toString(w.nextLong()) + "x".repeat(w.nextInt(300)));
                            case 1 -> j.hincrBy("h" + (k % 7), "f" + k, 1);
                            case 2 -> j.rpush("l" + (k % 5), Integer.toString(k));
                            default -> {
                                var t = j.multi();
                                t.incr("tx:a");
                                t.set("tx:last", Integer.toString(k));
                                t.incr("tx:b");
                                t.exec();
                            }
                        }
                        writes.incrementAndGet();
                    }
                } catch (Throwable t) {
                    writerFailure.set(t);
                }
            }, "writer");
            try {
                try (Jedis r = new Jedis("127.0.0.1", replica.port())) {
                    awaitInSync(m, r);
                }
                assertThat(info(m, "stats").get("sync_full")).isEqualTo("1");
                writer.start();
                for (int cycle = 1; cycle <= 3; cycle++) {
                    long writesBefore = writes.get();
                    // The replica is streaming while the master takes writes when it is killed.
                    await().atMost(Duration.ofSeconds(30)).until(() -> writes.get() > writesBefore + 200);
                    replica.kill9();
                    if (cycle == 2) {
                        tearTail(replicaDir, 1 + rnd.nextInt(20));
                    }
                    long partialBefore = Long.parseLong(info(m, "stats").get("sync_partial_ok"));
                    replica = RelogProcess.start(replicaDir, replicaArgs(master.port()));
                    try (Jedis r = new Jedis("127.0.0.1", replica.port())) {
                        awaitLinkUp(r);
                        Map<String, String> stats = info(m, "stats");
                        assertThat(stats.get("sync_full")).as("seed %d, cycle %d", seed, cycle).isEqualTo("1");
                        assertThat(Long.parseLong(stats.get("sync_partial_ok"))).as("seed %d, cycle %d", seed, cycle)
                                .isEqualTo(partialBefore + 1);
                        assertThat(info(r, "replication").get("master_replid")).isEqualTo(masterReplid);
                    }
                    assertThat(replica.output()).as("cycle %d", cycle)
                            .contains("starting as a replica: continuing under replication ID " + masterReplid);
                    if (cycle == 2) {
                        // Recovery cut the torn command: the replica asked again from before it.
                        assertThat(replica.output()).contains("Truncated the torn tail of");
                    }
                }
            } finally {
                stop.set(true);
                writer.join(); // returns at once if it never started
            }
            assertThat(writerFailure.get()).as("the writer").isNull();
            try (Jedis r = new Jedis("127.0.0.1", replica.port())) {
                awaitInSync(m, r);
                assertThat(info(m, "stats").get("sync_full")).as("seed %d", seed).isEqualTo("1");
                assertThat(info(m, "stats").get("sync_partial_ok")).as("seed %d", seed).isEqualTo("3");
                assertThat(r.get("tx:a")).as("no half transaction").isEqualTo(r.get("tx:b"));
                assertThat(RedisReplicaOfRelogIT.dump(r)).as("seed %d after %d writes", seed, writes.get())
                        .isEqualTo(RedisReplicaOfRelogIT.dump(m));
            } finally {
                replica.stop();
            }
            // The replica's log holds the master's stream byte for byte from where its full sync began.
            byte[] mine = LogDir.concatenated(replicaDir);
            byte[] masters = LogDir.concatenated(masterDir);
            long from = LogDir.baseOffset(LogDir.first(replicaDir));
            long masterBase = LogDir.baseOffset(LogDir.first(masterDir));
            assertThat(mine.length).isGreaterThan(0);
            assertThat(Arrays.equals(mine, 0, mine.length, masters, (int) (from - masterBase),
                    (int) (from - masterBase) + mine.length)).as("the replica's log equals the master's").isTrue();
        }
    }

    /**
     * A crash in the middle of a full sync's swap: the replica had deleted its log and started it
     * empty at the master's offset, but not yet kept the master's RDB (old snapshots only) nor
     * recorded the master's ID. No start is possible from that directory as it stands; the marker
     * the full sync wrote first makes the start discard it, and the replica syncs in full again.
     */
    @Test
    void aReplicaKilledWhileAFullSyncReplacedItsDataStartsEmptyAndSyncsAgain() throws Exception {
        try (RelogProcess master = RelogProcess.start(masterDir, COMMON);
                Jedis m = new Jedis("127.0.0.1", master.port())) {
            for (int i = 0; i < 500; i++) {
                m.set("before:" + i, "v" + i);
            }
            RelogProcess replica = RelogProcess.start(replicaDir, replicaArgs(master.port()));
            try (Jedis r = new Jedis("127.0.0.1", replica.port())) {
                awaitInSync(m, r);
            }
            replica.kill9();
            for (int i = 0; i < 500; i++) {
                m.set("after:" + i, "w" + i);
            }
            long masterOffset = Long.parseLong(info(m, "replication").get("master_repl_offset"));
            // The state between resetLog and adopting the RDB: an empty log at the master's offset.
            Path logDir = replicaDir.resolve("log");
            Files.write(logDir.resolve("full-sync-in-progress"), new byte[0]);
            for (Path p : LogDir.segments(replicaDir)) {
                Files.delete(p);
                Files.deleteIfExists(LogDir.index(p));
            }
            Files.write(logDir.resolve(String.format("%020d.log", masterOffset)), new byte[0]);
            try (var snapshots = Files.list(replicaDir.resolve("snapshots"))) {
                // the RDB of its first full sync, from the old data set
                assertThat(snapshots.filter(p -> p.toString().endsWith(".rdb"))).isNotEmpty();
            }

            replica = RelogProcess.start(replicaDir, replicaArgs(master.port()));
            try (Jedis r = new Jedis("127.0.0.1", replica.port())) {
                assertThat(replica.output()).contains("A full sync from a master was interrupted");
                awaitInSync(m, r);
                assertThat(info(m, "stats").get("sync_full")).isEqualTo("2");
                assertThat(RedisReplicaOfRelogIT.dump(r)).isEqualTo(RedisReplicaOfRelogIT.dump(m));
                assertThat(logDir.resolve("full-sync-in-progress")).doesNotExist();
            } finally {
                replica.stop();
            }
        }
    }

    /**
     * Zeroes the last {@code n} bytes of the stream in the replica's last segment: a write torn by
     * a power loss (the page cache survives a kill -9, so the kill alone never tears it).
     */
    private static void tearTail(Path dataDir, int n) throws IOException {
        Path last = LogDir.last(dataDir);
        long size = LogDir.size(last);
        if (size < n) {
            return;
        }
        try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
            f.seek(size - n);
            f.write(new byte[n]);
            f.getFD().sync();
        }
        assertThat(Files.size(last)).isGreaterThanOrEqualTo(size);
    }
}
