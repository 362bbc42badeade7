package io.relog.frontend.it;

import static io.relog.frontend.it.RedisReplicaOfRelogIT.dump;
import static io.relog.frontend.it.RedisReplicaOfRelogIT.info;
import static io.relog.frontend.it.RelogReplicaIT.awaitInSync;
import static io.relog.frontend.it.RelogReplicaIT.relog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relog.frontend.RelogServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * Evictions are writes: the master's log holds a {@code DEL} for each evicted key, a replica
 * applies them from the stream (and does not evict by itself, whatever its own maxmemory), and
 * the {@code evicted} keyspace event is published.
 */
class EvictionReplicationIT {

    @TempDir
    Path masterDir;
    @TempDir
    Path replicaDir;

    @Test
    void evictionsReachTheLogAndTheReplicaAsDel() throws Exception {
        try (RelogServer master = relog(masterDir, "--maxmemory-policy", "allkeys-lru",
                "--notify-keyspace-events", "Ee");
             RelogServer replica = relog(replicaDir, "--replicaof", "127.0.0.1", Integer.toString(master.port()),
                     "--maxmemory", "1", "--maxmemory-policy", "allkeys-random");
             Jedis m = new Jedis("127.0.0.1", master.port());
             Jedis r = new Jedis("127.0.0.1", replica.port());
             Jedis sub = new Jedis("127.0.0.1", master.port())) {
            List<String> evictedEvents = new CopyOnWriteArrayList<>();
            JedisPubSub listener = new JedisPubSub() {
                @Override
                public void onMessage(String channel, String message) {
                    evictedEvents.add(message);
                }
            };
            Thread t = new Thread(() -> sub.subscribe(listener, "__keyevent@0__:evicted"));
            t.start();
            await().atMost(Duration.ofSeconds(10)).until(listener::isSubscribed);

            String value = "x".repeat(300);
            for (int i = 0; i < 50; i++) {
                m.set("k:" + i, value);
            }
            awaitInSync(m, r);
            assertThat(r.dbSize()).isEqualTo(50); // the replica's maxmemory 1 evicted nothing
            long used = Long.parseLong(info(m, "memory").get("used_memory"));
            m.configSet("maxmemory", Long.toString(used / 2));
            m.set("trigger", "1");
            long evicted = Long.parseLong(info(m, "stats").get("evicted_keys"));
            assertThat(evicted).isBetween(24L, 27L);
            assertThat(m.dbSize()).isEqualTo(51 - evicted);

            awaitInSync(m, r);
            assertThat(dump(r)).isEqualTo(dump(m));
            assertThat(info(r, "stats").get("evicted_keys")).isEqualTo("0");
            await().atMost(Duration.ofSeconds(10)).until(() -> evictedEvents.size() == evicted);
            listener.unsubscribe();
            t.join(10_000);

            // Every evicted key is in the master's log as DEL, and in the replica's (its master's bytes).
            String masterLog = readLog(masterDir);
            String replicaLog = readLog(replicaDir);
            for (String k : evictedEvents) {
                String del = "*2\r\n$3\r\nDEL\r\n$" + k.length() + "\r\n" + k + "\r\n";
                assertThat(masterLog).contains(del);
                assertThat(replicaLog).contains(del);
            }
        }
    }

    static String readLog(Path dir) throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try (Stream<Path> files = Files.list(dir.resolve("log"))) {
            for (Path p : files.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
                all.write(Files.readAllBytes(p));
            }
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }
}
