package io.relog.frontend.it;

import static io.relog.frontend.it.AbstractServerIT.call;
import static io.relog.frontend.it.RedisReplicaOfRelogIT.info;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relog.frontend.RelogServer;
import io.relog.frontend.config.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * A replica authenticates like any client: REPLCONF and PSYNC need a user allowed to run them.
 * A Relog replica and Debian's redis-server 7.0 replicate from a Relog master whose default user
 * has a password, through an ACL user (masteruser/masterauth); a user without +psync gets no
 * stream, and the master's ACL LOG says why.
 */
class ReplicationAclIT {

    @TempDir
    Path masterDir;
    @TempDir
    Path replicaDir;

    static RelogServer relog(Path dir, String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("--port", "0", "--bind", "127.0.0.1", "--dir",
                dir.toString(), "--appendonly", "yes", "--save", ""));
        args.addAll(List.of(extra));
        return RelogServer.start(ServerConfig.fromArgs(args.toArray(String[]::new)));
    }

    static Jedis admin(RelogServer master) {
        Jedis m = new Jedis("127.0.0.1", master.port(), 15_000);
        call(m, "AUTH", "adminpw");
        return m;
    }

    static void awaitInSync(Jedis m, Jedis r) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            String masterOffset = info(m, "replication").get("master_repl_offset");
            Map<String, String> ri = info(r, "replication");
            return "up".equals(ri.get("master_link_status")) && masterOffset.equals(ri.get("slave_repl_offset"));
        });
    }

    @Test
    void relogReplicaAuthenticatesWithMasteruser() throws Exception {
        try (RelogServer master = relog(masterDir, "--requirepass", "adminpw"); Jedis m = admin(master)) {
            call(m, "ACL", "SETUSER", "repl", "on", ">rpw", "-@all", "+psync", "+replconf", "+ping");
            call(m, "SET", "before", "1");
            try (RelogServer replica = relog(replicaDir, "--replicaof", "127.0.0.1", Integer.toString(master.port()),
                    "--masteruser", "repl", "--masterauth", "rpw");
                    Jedis r = new Jedis("127.0.0.1", replica.port(), 15_000)) {
                awaitInSync(m, r);
                call(m, "SET", "after", "2");
                awaitInSync(m, r);
                assertThat(call(r, "MGET", "before", "after")).isEqualTo(List.of("1", "2"));
                assertThat((String) call(m, "CLIENT", "LIST")).contains(" user=repl ");
            }
        }
    }

    @Test
    void aUserWithoutPsyncGetsNoStream() throws Exception {
        try (RelogServer master = relog(masterDir, "--requirepass", "adminpw"); Jedis m = admin(master)) {
            call(m, "ACL", "SETUSER", "weak", "on", ">wpw", "-@all", "+replconf", "+ping");
            try (RelogServer replica = relog(replicaDir, "--replicaof", "127.0.0.1", Integer.toString(master.port()),
                    "--masteruser", "weak", "--masterauth", "wpw");
                    Jedis r = new Jedis("127.0.0.1", replica.port(), 15_000)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> ((List<?>) call(m, "ACL", "LOG")).stream()
                        .map(AclIT::entry).anyMatch(e -> "psync".equals(e.get("object"))
                                && "weak".equals(e.get("username")) && "command".equals(e.get("reason"))));
                assertThat(info(r, "replication").get("master_link_status")).isEqualTo("down");
                assertThat(info(m, "replication").get("connected_slaves")).isEqualTo("0");
            }
        }
    }

    @Test
    void relogReplicaWithAWrongPasswordIsRefused() throws Exception {
        try (RelogServer master = relog(masterDir, "--requirepass", "adminpw"); Jedis m = admin(master)) {
            call(m, "ACL", "SETUSER", "repl", "on", ">rpw", "+@all");
            try (RelogServer replica = relog(replicaDir, "--replicaof", "127.0.0.1", Integer.toString(master.port()),
                    "--masteruser", "repl", "--masterauth", "wrong");
                    Jedis r = new Jedis("127.0.0.1", replica.port(), 15_000)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> ((List<?>) call(m, "ACL", "LOG")).stream()
                        .map(AclIT::entry).anyMatch(e -> "auth".equals(e.get("reason"))
                                && "repl".equals(e.get("username"))));
                assertThat(info(r, "replication").get("master_link_status")).isEqualTo("down");
            }
        }
    }

    @Test
    void redisServerReplicaAuthenticatesWithMasteruser() throws Exception {
        try (RelogServer master = relog(masterDir, "--requirepass", "adminpw"); Jedis m = admin(master)) {
            call(m, "ACL", "SETUSER", "repl", "on", ">rpw", "-@all", "+psync", "+replconf", "+ping");
            call(m, "SET", "before", "1");
            try (RedisServerProcess replica = RedisServerProcess.start(replicaDir, List.of("--replicaof", "127.0.0.1",
                    Integer.toString(master.port()), "--masteruser", "repl", "--masterauth", "rpw"));
                    Jedis r = new Jedis("127.0.0.1", replica.port(), 15_000)) {
                awaitInSync(m, r);
                call(m, "SET", "after", "2");
                awaitInSync(m, r);
                assertThat(call(r, "MGET", "before", "after")).isEqualTo(List.of("1", "2"));
            }
        }
    }
}
