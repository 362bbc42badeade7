package io.relog.frontend.it;

import static io.relog.frontend.it.RedisReplicaOfRelogIT.dump;
import static io.relog.frontend.it.RedisReplicaOfRelogIT.info;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.relog.frontend.RelogServer;
import io.relog.frontend.config.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Relog as a replica: of a Relog master (full sync, streaming, restart, promotion) and of
 * Debian's redis-server 7.0 (full sync from Redis' own RDB encodings, every write type streamed,
 * partial resync after the link is cut), with data compared key by key and the replica's log
 * compared with the master's byte for byte.
 */
class RelogReplicaIT {

    @TempDir
    Path masterDir;
    @TempDir
    Path replicaDir;
    @TempDir
    Path otherDir;

    static RelogServer relog(Path dir, String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("--port", "0", "--bind", "127.0.0.1", "--dir",
                dir.toString(), "--appendonly", "yes", "--save", ""));
        args.addAll(List.of(extra));
        return RelogServer.start(ServerConfig.fromArgs(args.toArray(String[]::new)));
    }

    static void awaitInSync(Jedis m, Jedis r) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            String masterOffset = info(m, "replication").get("master_repl_offset");
            Map<String, String> ri = info(r, "replication");
            return "up".equals(ri.get("master_link_status")) && masterOffset.equals(ri.get("slave_repl_offset"));
        });
    }

    static void writeEveryType(Jedis m, String tag) {
        m.select(0);
        m.set(tag + ":s", "v");
        m.psetex(tag + ":ttl", 500_000, "x");
        m.expire(tag + ":s", 100_000);
        m.pexpireAt(tag + ":ttl", System.currentTimeMillis() + 600_000);
        m.incrByFloat(tag + ":f", 1.5);
        m.set(tag + ":kt", "1");
        m.pexpire(tag + ":kt", 700_000);
        m.incrByFloat(tag + ":kt", 2.25); // SET .. KEEPTTL in the stream
        m.hset(tag + ":h", Map.of("a", "1", "b", "2"));
        m.rpush(tag + ":l", "1", "2", "3");
        m.lpop(tag + ":l");
        m.sadd(tag + ":set", "x", "y", "z");
        m.sadd(tag + ":ints", "1", "2", "3");
        m.spop(tag + ":set");
        m.zadd(tag + ":z", Map.of("a", 1.0, "b", 2.5));
        m.zincrby(tag + ":z", 3, "a");
        m.set(tag + ":big", "x".repeat(100_000));
        var t = m.multi();
        t.set(tag + ":t1", "1");
        t.incr(tag + ":t2");
        t.rpush(tag + ":t3", "a", "b");
        t.exec();
        m.select(5);
        m.set(tag + ":in5", "five");
        m.select(0);
        m.del(tag + ":s");
        m.set(tag + ":s", "again");
    }

    /** The bytes of the log segments of {@code dataDir} from log offset {@code from} to {@code to}. */
    static byte[] logRange(Path dataDir, long from, long to) throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        long base = -1;
        try (Stream<Path> s = Files.list(dataDir.resolve("log"))) {
            for (Path p : s.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                if (base < 0) {
                    base = Long.parseLong(p.getFileName().toString().substring(0, 20));
                }
                all.write(Files.readAllBytes(p));
            }
        }
        byte[] b = all.toByteArray();
        return java.util.Arrays.copyOfRange(b, (int) (from - base), (int) (to - base));
    }

    static long logStart(Path dataDir) throws Exception {
        try (Stream<Path> s = Files.list(dataDir.resolve("log"))) {
            return s.filter(f -> f.toString().endsWith(".log")).map(p -> Long.parseLong(
                    p.getFileName().toString().substring(0, 20))).min(Long::compare).orElseThrow();
        }
    }

    @Test
    void relogReplicaOfRelogSyncsStreamsRestartsAndContinues() throws Exception {
        try (RelogServer master = relog(masterDir); Jedis m = new Jedis("127.0.0.1", master.port())) {
            writeEveryType(m, "before");
            RelogServer replica = relog(replicaDir, "--replicaof", "127.0.0.1", Integer.toString(master.port()));
            try (Jedis r = new Jedis("127.0.0.1", replica.port())) {
                awaitInSync(m, r);
                assertThat(info(m, "stats").get("sync_full")).isEqualTo("1");
                writeEveryType(m, "streamed");
                awaitInSync(m, r);
                assertThat(dump(r)).isEqualTo(dump(m));
                Map<String, String> ri = info(r, "replication");
                assertThat(ri).containsEntry("role", "slave").containsEntry("master_host", "127.0.0.1")
                        .containsEntry("master_port", Integer.toString(master.port()))
                        .containsEntry("master_sync_in_progress", "0").containsEntry("slave_read_only", "1")
                        .containsEntry("master_replid", info(m, "replication").get("master_replid"));
                List<Object> role = (List<Object>) r.sendCommand(redis.clients.jedis.Protocol.Command.ROLE);
                assertThat(role).hasSize(5);
                assertThat(new String((byte[]) role.get(0))).isEqualTo("slave");
                assertThat(new String((byte[]) role.get(3))).isEqualTo("connected");
                assertThat(role.get(4)).isEqualTo(Long.parseLong(info(m, "replication").get("master_repl_offset")));
                List<Object> mrole = (List<Object>) m.sendCommand(redis.clients.jedis.Protocol.Command.ROLE);
                assertThat(new String((byte[]) mrole.get(0))).isEqualTo("master");
                assertThat((List<?>) mrole.get(2)).hasSize(1);

                // (d) writes refused with Redis 7.0's text, reads and PING go on
                assertThatThrownBy(() -> r.set("x", "y")).isInstanceOf(JedisDataException.class)
                        .hasMessage("READONLY You can't write against a read only replica.");
                assertThat(r.get("streamed:s")).isEqualTo("again");
                assertThat(r.ping()).isEqualTo("PONG");
                assertThat(r.replicaof("127.0.0.1", master.port()))
                        .isEqualTo("OK Already connected to specified master");
                r.configSet("replica-read-only", "no");
                assertThat(r.set("local", "1")).isEqualTo("OK");
                r.del("local");
                r.configSet("replica-read-only", "yes");
            } finally {
                replica.close();
            }
            writeEveryType(m, "while-down");
            // (b) restarted with the same directory: PSYNC with its replid and log end → +CONTINUE
            replica = relog(replicaDir, "--replicaof", "127.0.0.1", Integer.toString(master.port()));
            try (Jedis r = new Jedis("127.0.0.1", replica.port())) {
                awaitInSync(m, r);
                assertThat(info(m, "stats").get("sync_full")).isEqualTo("1");
                assertThat(info(m, "stats").get("sync_partial_ok")).isEqualTo("1");
                writeEveryType(m, "after-restart");
                awaitInSync(m, r);
                assertThat(dump(r)).isEqualTo(dump(m));
                // (e) the replica's log is the master's stream byte for byte over the range it holds
                long end = Long.parseLong(info(m, "replication").get("master_repl_offset"));
                long from = logStart(replicaDir);
                assertThat(from).isGreaterThan(0);
                assertThat(logRange(replicaDir, from, end)).isEqualTo(logRange(masterDir, from, end));
            } finally {
                replica.close();
            }
        }
    }

    @Test
    void relogReplicatesFromRedisServerAndResyncsPartially() throws Exception {
        try (RedisServerProcess redisServer = RedisServerProcess.start(otherDir,
                List.of("--repl-diskless-sync-delay", "0", "--save", ""));
                Jedis m = new Jedis("127.0.0.1", redisServer.port())) {
            // Redis' own compact encodings in its RDB: listpack, intset, quicklist, and big values.
            m.hset("lp:h", Map.of("a", "1", "b", "2"));
            m.zadd("lp:z", Map.of("a", 1.0, "b", 2.0));
            m.sadd("is:set", "1", "2", "3");
            for (int i = 0; i < 2000; i++) {
                m.rpush("ql:list", "element-" + i);
                m.hset("ht:h", "f" + i, "v" + i);
                m.zadd("sl:z", i, "m" + i);
                m.sadd("ht:set", "s" + i);
            }
            m.set("big", "y".repeat(300_000));
            m.set("n", "12345");
            m.setex("ttl", 100_000, "t");
            writeEveryType(m, "before");
            RelogServer replica = relog(replicaDir, "--replicaof", "127.0.0.1", Integer.toString(redisServer.port()));
            try (Jedis r = new Jedis("127.0.0.1", replica.port())) {
                awaitInSync(m, r);
                assertThat(dump(r)).isEqualTo(dump(m));
                writeEveryType(m, "streamed");
                m.eval("redis.call('set', KEYS[1], 'from-script'); redis.call('incr', KEYS[2])", 2, "sc1", "sc2");
                awaitInSync(m, r);
                assertThat(dump(r)).isEqualTo(dump(m));

                r.clientKill(new redis.clients.jedis.params.ClientKillParams().type(
                        redis.clients.jedis.args.ClientType.MASTER));
                writeEveryType(m, "during-the-cut");
                awaitInSync(m, r);
                assertThat(dump(r)).isEqualTo(dump(m));
                Map<String, String> stats = info(m, "stats");
                assertThat(stats.get("sync_full")).isEqualTo("1");
                assertThat(stats.get("sync_partial_ok")).isEqualTo("1");
                // The replica's log ends where Redis' stream does: the offsets are Redis' own.
                assertThat(info(r, "replication").get("master_repl_offset"))
                        .isEqualTo(info(m, "replication").get("master_repl_offset"));
                await().atMost(Duration.ofSeconds(10)).until(() -> info(m, "replication").get("slave0")
                        .contains("offset=" + info(m, "replication").get("master_repl_offset") + ","));
            } finally {
                replica.close();
            }
            writeEveryType(m, "while-down");
            // Restarted, it continues from its own log (Redis keeps the backlog meanwhile).
            replica = relog(replicaDir, "--replicaof", "127.0.0.1", Integer.toString(redisServer.port()));
            try (Jedis r = new Jedis("127.0.0.1", replica.port())) {
                awaitInSync(m, r);
                assertThat(dump(r)).isEqualTo(dump(m));
                assertThat(info(m, "stats").get("sync_full")).isEqualTo("1");
                assertThat(info(m, "stats").get("sync_partial_ok")).isEqualTo("2");
            } finally {
                replica.close();
            }
        }
    }

    @Test
    void promotedReplicaContinuesTheOtherReplicas() throws Exception {
        try (RelogServer master = relog(masterDir); Jedis m = new Jedis("127.0.0.1", master.port());
                RelogServer a = relog(replicaDir, "--replicaof", "127.0.0.1", Integer.toString(master.port()));
                RelogServer b = relog(otherDir, "--replicaof", "127.0.0.1", Integer.toString(master.port()));
                Jedis ja = new Jedis("127.0.0.1", a.port()); Jedis jb = new Jedis("127.0.0.1", b.port())) {
            writeEveryType(m, "one");
            awaitInSync(m, ja);
            awaitInSync(m, jb);
            assertThat(info(m, "stats").get("sync_full")).isEqualTo("2");
            String oldId = info(m, "replication").get("master_replid");
            master.close(); // the master fails

            assertThat(ja.replicaofNoOne()).isEqualTo("OK");
            Map<String, String> ai = info(ja, "replication");
            assertThat(ai).containsEntry("role", "master").containsEntry("master_replid2", oldId);
            assertThat(ai.get("master_replid")).isNotEqualTo(oldId);
            ja.set("after-promotion", "1");

            assertThat(jb.replicaof("127.0.0.1", a.port())).isEqualTo("OK");
            awaitInSync(ja, jb);
            Map<String, String> as = info(ja, "stats");
            assertThat(as.get("sync_full")).isEqualTo("0");
            assertThat(as.get("sync_partial_ok")).isEqualTo("1");
            assertThat(info(jb, "replication").get("master_replid")).isEqualTo(ai.get("master_replid"));
            assertThat(dump(jb)).isEqualTo(dump(ja));
            assertThat(jb.get("after-promotion")).isEqualTo("1");
        }
    }
}
