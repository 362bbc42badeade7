package io.relog.frontend.it;

import static io.relog.frontend.it.RedisReplicaOfRelogIT.dump;
import static io.relog.frontend.it.RedisReplicaOfRelogIT.info;
import static io.relog.frontend.it.RelogReplicaIT.awaitInSync;
import static io.relog.frontend.it.RelogReplicaIT.logRange;
import static io.relog.frontend.it.RelogReplicaIT.logStart;
import static io.relog.frontend.it.RelogReplicaIT.relog;
import static io.relog.frontend.it.RelogReplicaIT.writeEveryType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relog.frontend.RelogServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Failover without a full sync anywhere: master M with replicas R1 and R2, R3 replicating from R1
 * and R4 from R2. Writes stop on M, every offset becomes equal, R1 is promoted ({@code REPLICAOF NO
 * ONE}), then M and R2 are pointed at R1. Every one of them continues with {@code +CONTINUE}. A
 * server whose replication ID changes drops its own replicas, as Redis does, so that they learn
 * the new ID from a {@code +CONTINUE} of their own: R3 when R1 is promoted, R4 when R2 continues
 * under R1's new ID; both continue partially. Writes on R1 then reach all others, the data sets
 * are equal key by key, and the five logs hold the same bytes at the same offsets: a chained
 * replica receives the identical stream, before and after the switch.
 *
 * <p>M runs with a long {@code repl-ping-replica-period}: a keep-alive PING appended by M after R1
 * was promoted would put M's log past the offset where R1's new history begins, and M would need a
 * full sync (README, "Failover").
 */
class FailoverIT {

    @TempDir
    Path mDir;
    @TempDir
    Path r1Dir;
    @TempDir
    Path r2Dir;
    @TempDir
    Path r3Dir;
    @TempDir
    Path r4Dir;

    private static String[] replicaOf(RelogServer master) {
        return new String[] {"--replicaof", "127.0.0.1", Integer.toString(master.port())};
    }

    @Test
    void promoteAReplicaAndPointTheOthersAtItWithoutAFullSync() throws Exception {
        try (RelogServer m = relog(mDir, "--repl-ping-replica-period", "3600");
                RelogServer r1 = relog(r1Dir, replicaOf(m));
                RelogServer r2 = relog(r2Dir, replicaOf(m));
                RelogServer r3 = relog(r3Dir, replicaOf(r1));
                RelogServer r4 = relog(r4Dir, replicaOf(r2));
                Jedis jm = new Jedis("127.0.0.1", m.port()); Jedis j1 = new Jedis("127.0.0.1", r1.port());
                Jedis j2 = new Jedis("127.0.0.1", r2.port()); Jedis j3 = new Jedis("127.0.0.1", r3.port());
                Jedis j4 = new Jedis("127.0.0.1", r4.port())) {
            writeEveryType(jm, "before");
            for (int i = 0; i < 2000; i++) {
                jm.set("k" + i, "v" + i);
            }
            // Writes stop on M; wait until every offset equals M's.
            awaitInSync(jm, j1);
            awaitInSync(jm, j2);
            awaitInSync(j1, j3);
            awaitInSync(jm, j3);
            awaitInSync(j2, j4);
            awaitInSync(jm, j4);
            String oldId = info(jm, "replication").get("master_replid");
            long switchOffset = Long.parseLong(info(jm, "replication").get("master_repl_offset"));
            assertThat(info(jm, "stats").get("sync_full")).isEqualTo("2");
            assertThat(info(j1, "stats").get("sync_full")).isEqualTo("1"); // R3's first sync
            String r1PartialErr = info(j1, "stats").get("sync_partial_err"); // R3 asked with its own ID first
            assertThat(info(j3, "replication").get("master_replid")).isEqualTo(oldId);

            assertThat(j1.replicaofNoOne()).isEqualTo("OK");
            Map<String, String> promoted = info(j1, "replication");
            String newId = promoted.get("master_replid");
            assertThat(newId).isNotEqualTo(oldId);
            assertThat(promoted).containsEntry("role", "master").containsEntry("master_replid2", oldId)
                    .containsEntry("second_repl_offset", Long.toString(switchOffset + 1));

            assertThat(jm.replicaof("127.0.0.1", r1.port())).isEqualTo("OK");
            assertThat(j2.replicaof("127.0.0.1", r1.port())).isEqualTo("OK");
            for (Jedis j : List.of(jm, j2, j3)) {
                awaitInSync(j1, j);
                assertThat(info(j, "replication")).containsEntry("role", "slave")
                        .containsEntry("master_port", Integer.toString(r1.port()))
                        .containsEntry("master_replid", newId).containsEntry("master_replid2", oldId);
            }
            // R2 dropped R4 once it continued under R1's ID: R4 is back, under that ID.
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> newId.equals(info(j4, "replication").get("master_replid")));
            awaitInSync(j2, j4);
            assertThat(info(j4, "replication")).containsEntry("master_port", Integer.toString(r2.port()))
                    .containsEntry("master_replid2", oldId);
            Map<String, String> r1Stats = info(j1, "stats");
            assertThat(r1Stats.get("sync_full")).as("R1 served no full sync after the promotion").isEqualTo("1");
            // M and R2 pointed at R1, and R3 reconnecting after R1 dropped it to tell it the new ID.
            assertThat(r1Stats.get("sync_partial_ok")).isEqualTo("3");
            assertThat(r1Stats.get("sync_partial_err")).isEqualTo(r1PartialErr);
            assertThat(info(j2, "stats").get("sync_full")).as("R4's first sync only").isEqualTo("1");
            assertThat(info(j2, "stats").get("sync_partial_ok")).as("R4 after R2's ID changed").isEqualTo("1");
            assertThat(logStart(mDir)).as("M's log was not reset by a full sync").isZero();

            // Writes on the new master reach everyone.
            writeEveryType(j1, "after");
            j1.set("after-promotion", "1");
            for (Jedis j : List.of(jm, j2, j3)) {
                awaitInSync(j1, j);
            }
            awaitInSync(j1, j4);
            Map<String, String> expected = dump(j1);
            assertThat(expected).containsKey("0:after-promotion").containsKey("0:k1999");
            assertThat(dump(jm)).isEqualTo(expected);
            assertThat(dump(j2)).isEqualTo(expected);
            assertThat(dump(j3)).isEqualTo(expected);
            assertThat(dump(j4)).isEqualTo(expected);
            assertThat(info(j2, "stats").get("sync_full")).isEqualTo("1");
            assertThat(info(j1, "stats").get("sync_full")).isEqualTo("1");

            // The same bytes at the same offsets in all four logs, across the switch.
            long end = Long.parseLong(info(j1, "replication").get("master_repl_offset"));
            assertThat(end).isGreaterThan(switchOffset);
            long from = 0;
            for (Path d : List.of(mDir, r1Dir, r2Dir, r3Dir, r4Dir)) {
                from = Math.max(from, logStart(d));
            }
            assertThat(from).isLessThan(switchOffset);
            byte[] reference = logRange(r1Dir, from, end);
            assertThat(logRange(mDir, from, end)).isEqualTo(reference);
            assertThat(logRange(r2Dir, from, end)).isEqualTo(reference);
            assertThat(logRange(r3Dir, from, end)).isEqualTo(reference);
            assertThat(logRange(r4Dir, from, end)).isEqualTo(reference);
        }
    }
}
