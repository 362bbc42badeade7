package io.relog.frontend.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relog.frontend.RelogServer;
import io.relog.frontend.config.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Debian's redis-server 7.0 as a replica of Relog: full sync from Relog's snapshot, then every
 * kind of write streamed from the log, then a partial resynchronization after the link is cut.
 */
public class RedisReplicaOfRelogIT {

    @TempDir
    Path relogDir;
    @TempDir
    Path redisDir;

    @Test
    void redisServerReplicatesFromRelogAndResyncsPartially() throws Exception {
        try (RelogServer master = RelogServer.start(ServerConfig.fromArgs("--port", "0", "--bind", "127.0.0.1",
                "--dir", relogDir.toString(), "--appendonly", "yes", "--save", ""));
                Jedis m = new Jedis("127.0.0.1", master.port())) {
            writeEveryType(m, "before");
            try (RedisServerProcess replica = RedisServerProcess.start(redisDir,
                    List.of("--replicaof", "127.0.0.1", Integer.toString(master.port())));
                    Jedis r = new Jedis("127.0.0.1", replica.port())) {
                awaitInSync(m, r);
                assertThat(info(m, "stats").get("sync_full")).isEqualTo("1");
                writeEveryType(m, "streamed");
                awaitInSync(m, r);
                assertThat(dump(r)).isEqualTo(dump(m));

                r.clientKill(new redis.clients.jedis.params.ClientKillParams().type(
                        redis.clients.jedis.args.ClientType.MASTER));
                writeEveryType(m, "during-the-cut"); // the replica reconnects within a second
                awaitInSync(m, r);
                assertThat(dump(r)).isEqualTo(dump(m));
                assertThat(info(m, "stats").get("sync_full")).isEqualTo("1");
                assertThat(info(m, "stats").get("sync_partial_ok")).isEqualTo("1");
                Map<String, String> repl = info(m, "replication");
                assertThat(repl.get("connected_slaves")).isEqualTo("1");
                assertThat(repl.get("slave0")).contains("state=online");
                // The replica acknowledges its offset once a second (REPLCONF ACK).
                await().atMost(Duration.ofSeconds(10)).until(() -> info(m, "replication").get("slave0")
                        .contains("offset=" + info(m, "replication").get("master_repl_offset") + ","));
            }
        }
    }

    private static void writeEveryType(Jedis m, String tag) {
        m.select(0);
        m.set(tag + ":s", "v");
        m.psetex(tag + ":ttl", 500_000, "x");
        m.incrByFloat(tag + ":f", 1.5);
        m.hset(tag + ":h", Map.of("a", "1", "b", "2"));
        m.rpush(tag + ":l", "1", "2", "3");
        m.lpop(tag + ":l");
        m.sadd(tag + ":set", "x", "y", "z");
        m.spop(tag + ":set");
        m.zadd(tag + ":z", Map.of("a", 1.0, "b", 2.5));
        m.zincrby(tag + ":z", 3, "a");
        var t = m.multi();
        t.set(tag + ":t1", "1");
        t.incr(tag + ":t2");
        t.exec();
        m.select(5);
        m.set(tag + ":in5", "five");
        m.select(0);
        m.del(tag + ":s");
        m.set(tag + ":s", "again");
    }

    private static void awaitInSync(Jedis m, Jedis r) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            String masterOffset = info(m, "replication").get("master_repl_offset");
            Map<String, String> ri = info(r, "replication");
            return "up".equals(ri.get("master_link_status")) && masterOffset.equals(ri.get("slave_repl_offset"));
        });
    }

    public static Map<String, String> info(Jedis j, String section) {
        Map<String, String> out = new TreeMap<>();
        for (String line : j.info(section).split("\r\n")) {
            int c = line.indexOf(':');
            if (c > 0) {
                out.put(line.substring(0, c), line.substring(c + 1));
            }
        }
        return out;
    }

    /** Every key of every database with its type, value and whether it has a TTL. */
    public static Map<String, String> dump(Jedis j) {
        Map<String, String> out = new TreeMap<>();
        for (int db = 0; db < 16; db++) {
            j.select(db);
            String cursor = ScanParams.SCAN_POINTER_START;
            List<String> keys = new ArrayList<>();
            do {
                ScanResult<String> page = j.scan(cursor);
                keys.addAll(page.getResult());
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            for (String k : keys) {
                String type = j.type(k);
                String value = switch (type) {
                    case "string" -> j.get(k);
                    case "hash" -> new TreeMap<>(j.hgetAll(k)).toString();
                    case "list" -> j.lrange(k, 0, -1).toString();
                    case "set" -> new java.util.TreeSet<>(j.smembers(k)).toString();
                    case "zset" -> j.zrangeWithScores(k, 0, -1).toString();
                    default -> "?";
                };
                out.put(db + ":" + k, type + "=" + value + (j.pttl(k) > 0 ? " (ttl)" : ""));
            }
        }
        j.select(0);
        return out;
    }
}
