package io.relog.frontend.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.relog.frontend.RelogServer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;

/**
 * The log is the backlog: a replica that was away while the master wrote many times Redis'
 * default 1 MB backlog continues with +CONTINUE, and a link cut at random moments under a write
 * load, again and again, always resumes partially and ends with identical data.
 */
class ReplicationFaultIT {

    @TempDir
    Path masterDir;
    @TempDir
    Path replicaDir;

    @Test
    void aReplicaAwayForTenBacklogsWorthOfWritesContinuesPartially() throws Exception {
        try (RelogServer master = RelogReplicaIT.relog(masterDir); Jedis m = new Jedis("127.0.0.1", master.port())) {
            m.set("seed", "1");
            try (RelogServer replica = RelogReplicaIT.relog(replicaDir, "--replicaof", "127.0.0.1",
                    Integer.toString(master.port())); Jedis r = new Jedis("127.0.0.1", replica.port())) {
                RelogReplicaIT.awaitInSync(m, r);
            }
            // The replica is down while the master writes more than 10 MB (10x Redis' repl-backlog-size).
            long before = Long.parseLong(RedisReplicaOfRelogIT.info(m, "replication").get("master_repl_offset"));
            String value = "v".repeat(1000);
            var p = m.pipelined();
            for (int i = 0; i < 11_000; i++) {
                p.set("k" + i, value + i);
            }
            p.sync();
            long after = Long.parseLong(RedisReplicaOfRelogIT.info(m, "replication").get("master_repl_offset"));
            assertThat(after - before).isGreaterThan(10L * 1024 * 1024);
            try (RelogServer replica = RelogReplicaIT.relog(replicaDir, "--replicaof", "127.0.0.1",
                    Integer.toString(master.port())); Jedis r = new Jedis("127.0.0.1", replica.port())) {
                RelogReplicaIT.awaitInSync(m, r);
                assertThat(RedisReplicaOfRelogIT.info(m, "stats").get("sync_full")).isEqualTo("1");
                assertThat(RedisReplicaOfRelogIT.info(m, "stats").get("sync_partial_ok")).isEqualTo("1");
                assertThat(r.get("k10999")).isEqualTo(value + 10999);
                assertThat(RedisReplicaOfRelogIT.dump(r)).isEqualTo(RedisReplicaOfRelogIT.dump(m));
            }
        }
    }

    @Test
    void linkCutAtRandomUnderLoadAHundredTimesResumesPartiallyEveryTime() throws Exception {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        try (RelogServer master = RelogReplicaIT.relog(masterDir); Jedis m = new Jedis("127.0.0.1", master.port());
                RelogServer replica = RelogReplicaIT.relog(replicaDir, "--replicaof", "127.0.0.1",
                        Integer.toString(master.port()));
                Jedis r = new Jedis("127.0.0.1", replica.port())) {
            RelogReplicaIT.awaitInSync(m, r);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong writes = new AtomicLong();
            Thread writer = new Thread(() -> {
                Random w = new Random(seed + 1);
                try (Jedis j = new Jedis("127.0.0.1", master.port())) {
                    while (!stop.get()) {
                        int k = w.nextInt(500);
                        switch (w.nextInt(4)) {
                            case 0 -> j.set("s" + k, Long.toString(w.nextLong()));
                            case 1 -> j.hincrBy("h" + (k % 7), "f" + k, 1);
                            case 2 -> j.rpush("l" + (k % 5), Integer.toString(k));
                            default -> {
                                var t = j.multi();
                                t.incr("tx:a");
                                t.incr("tx:b");
                                t.exec();
                            }
                        }
                        writes.incrementAndGet();
                    }
                }
            }, "writer");
            writer.start();
            try (Jedis admin = new Jedis("127.0.0.1", master.port())) {
                for (int cut = 0; cut < 100; cut++) {
                    // Each cut cuts a live link: wait until the previous cut was followed by a
                    // partial resync (the master counted it) and the replica is up again, then
                    // wait a random moment. Without the count, a replica that still reported "up"
                    // just after a cut could have the next cut land between connections.
                    long resumed = cut;
                    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                            .pollInterval(java.time.Duration.ofMillis(5))
                            .until(() -> Long.parseLong(RedisReplicaOfRelogIT.info(admin, "stats").get("sync_partial_ok"))
                                    >= resumed && "up".equals(RedisReplicaOfRelogIT.info(r, "replication")
                                    .get("master_link_status")));
                    Thread.sleep(rnd.nextInt(20));
                    long killed = rnd.nextBoolean()
                            ? admin.clientKill(new ClientKillParams().type(ClientType.REPLICA))
                            : r.clientKill(new ClientKillParams().type(ClientType.MASTER));
                    assertThat(killed).as("seed %d: cut %d found the link", seed, cut).isEqualTo(1);
                }
            } finally {
                stop.set(true);
                writer.join();
            }
            RelogReplicaIT.awaitInSync(m, r);
            Map<String, String> stats = RedisReplicaOfRelogIT.info(m, "stats");
            assertThat(stats.get("sync_full")).as("seed %d: full syncs after %d writes", seed, writes.get())
                    .isEqualTo("1");
            assertThat(Long.parseLong(stats.get("sync_partial_ok"))).as("seed %d", seed).isGreaterThanOrEqualTo(100);
            assertThat(r.get("tx:a")).as("seed %d: no half transaction", seed).isEqualTo(r.get("tx:b"));
            assertThat(RedisReplicaOfRelogIT.dump(r)).as("seed %d", seed).isEqualTo(RedisReplicaOfRelogIT.dump(m));
        }
    }
}
