package io.relog.frontend.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.relog.frontend.RelogServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** WAIT counts the replicas that have acknowledged the caller's writes, Relog and redis-server alike. */
class WaitIT {

    @TempDir
    Path masterDir;
    @TempDir
    Path replicaDir;
    @TempDir
    Path redisDir;

    @Test
    void waitReturnsTheReplicasThatAcknowledgedTheWrites() throws Exception {
        try (RelogServer master = RelogReplicaIT.relog(masterDir); Jedis m = new Jedis("127.0.0.1", master.port())) {
            m.set("a", "1");
            assertThat(m.waitReplicas(1, 100)).as("no replica yet: the timeout answers").isZero();
            try (RelogServer replica = RelogReplicaIT.relog(replicaDir, "--replicaof", "127.0.0.1",
                    Integer.toString(master.port()));
                    RedisServerProcess redis = RedisServerProcess.start(redisDir,
                            List.of("--replicaof", "127.0.0.1", Integer.toString(master.port())));
                    Jedis r = new Jedis("127.0.0.1", replica.port());
                    Jedis rr = new Jedis("127.0.0.1", redis.port())) {
                RelogReplicaIT.awaitInSync(m, r);
                RelogReplicaIT.awaitInSync(m, rr);
                m.set("b", "2");
                // GETACK makes both replicas acknowledge at once, long before the timeout.
                long start = System.nanoTime();
                assertThat(m.waitReplicas(2, 10_000)).isEqualTo(2);
                assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
                assertThat(r.get("b")).isEqualTo("2");
                assertThat(rr.get("b")).isEqualTo("2");
                // Asking for more replicas than exist waits out the timeout and reports those that have it.
                m.set("c", "3");
                assertThat(m.waitReplicas(3, 1_000)).isEqualTo(2); // well within Jedis' 2 s read timeout
                // A pipeline behind a WAIT runs after it, in order.
                var p = m.pipelined();
                p.set("d", "4");
                var waited = p.waitReplicas(2, 10_000);
                var got = p.get("d");
                p.sync();
                assertThat(waited.get()).isEqualTo(2);
                assertThat(got.get()).isEqualTo("4");
                assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> r.waitReplicas(0, 0)))
                        .hasMessageStartingWith("ERR WAIT cannot be used with replica instances.");
            }
        }
    }

    @Test
    void minReplicasToWriteRefusesWritesUntilEnoughReplicasAcknowledge() throws Exception {
        try (RelogServer master = RelogReplicaIT.relog(masterDir, "--min-replicas-to-write", "1",
                "--min-replicas-max-lag", "10"); Jedis m = new Jedis("127.0.0.1", master.port())) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> {
                try {
                    m.set("x", "1");
                    return false;
                } catch (redis.clients.jedis.exceptions.JedisDataException e) {
                    return e.getMessage().equals("NOREPLICAS Not enough good replicas to write.");
                }
            });
            assertThat(m.ping()).isEqualTo("PONG");
            assertThat(m.get("x")).isNull();
            assertThat(RedisReplicaOfRelogIT.info(m, "replication").get("min_slaves_good_slaves")).isEqualTo("0");
            try (RelogServer replica = RelogReplicaIT.relog(replicaDir, "--replicaof", "127.0.0.1",
                    Integer.toString(master.port())); Jedis r = new Jedis("127.0.0.1", replica.port())) {
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).ignoreExceptions()
                        .until(() -> "OK".equals(m.set("x", "2")));
                assertThat(RedisReplicaOfRelogIT.info(m, "replication").get("min_slaves_good_slaves")).isEqualTo("1");
            }
        }
    }
}
