package io.relog.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import io.relog.frontend.config.ServerConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/** The real server on a free port, driven by raw sockets, Jedis and Lettuce. */
class RelogServerTest {

    @TempDir
    static Path dir;

    static RelogServer server;

    @BeforeAll
    static void start() throws Exception {
        server = RelogServer.start(ServerConfig.fromArgs("--port", "0", "--dir", dir.resolve("data").toString(),
                "--hz", "100"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Asserts the server still answers a fresh client. */
    private static void assertServed() throws IOException {
        try (RawClient c = new RawClient(server.port())) {
            assertThat(c.command("PING").read(7)).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void createsDataDirAndBindsRandomPort() {
        assertThat(server.port()).isPositive();
        assertThat(Files.isDirectory(dir.resolve("data"))).isTrue();
        assertThat(server.config().get("port")).isEqualTo(Integer.toString(server.port()));
    }

    @Test
    void inlineAndMultibulkPipelined() throws IOException {
        try (RawClient c = new RawClient(server.port())) {
            c.send("PING\r\nECHO \"a\\x41b\"\r\n*2\r\n$4\r\nECHO\r\n$3\r\nxyz\r\nPING hi\n");
            assertThat(c.read(7 + 9 + 9 + 8)).isEqualTo("+PONG\r\n$3\r\naAb\r\n$3\r\nxyz\r\n$2\r\nhi\r\n");
        }
    }

    @Test
    void tenThousandPipelinedPingsInOneWrite() throws IOException {
        try (RawClient c = new RawClient(server.port())) {
            c.send("*1\r\n$4\r\nPING\r\n".repeat(10_000));
            assertThat(c.read(7 * 10_000)).isEqualTo("+PONG\r\n".repeat(10_000));
        }
    }

    @Test
    void protocolErrorsAnswerOnceAndCloseOnlyThatConnection() throws IOException {
        String[][] cases = {
            {"*99999999999\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
            {"*2\r\n$2147483648\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
            {"*1\r\nx\r\n", "-ERR Protocol error: expected '$', got 'x'\r\n"},
            {"set \"a b\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n"},
            {"PING\r\n*1\r\n\u0000garbage\r\n", "+PONG\r\n-ERR Protocol error: expected '$', got '\u0000'\r\n"},
        };
        try (RawClient bystander = new RawClient(server.port())) {
            for (String[] cs : cases) {
                try (RawClient c = new RawClient(server.port())) {
                    assertThat(c.send(cs[0]).readUntilClosed()).isEqualTo(cs[1]);
                }
                assertThat(bystander.command("PING").read(7)).isEqualTo("+PONG\r\n");
            }
        }
        assertServed();
    }

    @Test
    void garbageBytes() throws IOException {
        byte[] junk = new byte[100_000];
        new java.util.Random(42).nextBytes(junk);
        junk[0] = '*';
        try (RawClient c = new RawClient(server.port())) {
            c.send(junk);
            assertThat(c.readUntilClosed()).startsWith("-ERR Protocol error:");
        } catch (java.net.SocketException resetWhileWriting) {
            // the server may close before all garbage is written: also fine
        }
        assertServed();
    }

    @Test
    void halfSentCommandsThenClose() throws IOException {
        for (String partial : List.of("*3\r\n$3\r\nSET\r\n$1\r\nk", "*1\r\n$4\r\nPI", "PIN", "*2\r\n$100000\r\nabc")) {
            try (RawClient c = new RawClient(server.port())) {
                c.send(partial);
            }
        }
        assertServed();
    }

    @Test
    void twoHundredConnectionsClosingMidPipeline() throws Exception {
        String burst = "*1\r\n$4\r\nPING\r\n".repeat(500) + "*2\r\n$4\r\nECHO\r\n$10\r\nabc";
        List<RawClient> clients = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            clients.add(new RawClient(server.port()));
        }
        for (RawClient c : clients) {
            c.send(burst);
        }
        for (RawClient c : clients) {
            c.socket.setSoLinger(true, 0); // reset: replies in flight hit a dead socket
            c.close();
        }
        assertServed();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            try (Jedis j = new Jedis("127.0.0.1", server.port())) {
                assertThat(j.info("clients")).contains("connected_clients:1\r\n");
            }
        });
    }

    @Test
    void queryBufferLimitClosesTheClient() throws Exception {
        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
            j.configSet("client-query-buffer-limit", "1mb");
            try (RawClient c = new RawClient(server.port())) {
                byte[] chunk = new byte[64 * 1024];
                java.util.Arrays.fill(chunk, (byte) 'a');
                c.send("*2\r\n$4\r\nECHO\r\n$2000000\r\n");
                assertThatThrownBy(() -> {
                    for (int i = 0; i < 40; i++) {
                        c.send(chunk);
                    }
                    c.readUntilClosed();
                    throw new IOException("closed");
                }).isInstanceOf(IOException.class);
            } finally {
                j.configSet("client-query-buffer-limit", "1gb");
            }
            assertThat(j.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void jedisConnectionAndServerCommands() {
        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
            assertThat(j.ping()).isEqualTo("PONG");
            assertThat(j.echo("hello")).isEqualTo("hello");
            long id = j.clientId();
            assertThat(id).isPositive();
            assertThat(j.clientGetname()).isNull();
            assertThat(j.clientSetname("tester")).isEqualTo("OK");
            assertThat(j.clientGetname()).isEqualTo("tester");
            assertThat(j.clientList()).contains("id=" + id + " ").contains("name=tester").contains("cmd=client|list");
            assertThat(j.clientInfo()).contains("id=" + id + " ");
            assertThatThrownBy(() -> j.clientSetname("a b")).isInstanceOf(JedisDataException.class)
                    .hasMessage("ERR Client names cannot contain spaces, newlines or special characters.");
            assertThat(j.configGet("maxmemory-policy")).isEqualTo(Map.of("maxmemory-policy", "noeviction"));
            assertThat(j.configGet("*")).containsKeys("port", "bind", "appendfsync", "save", "requirepass");
            assertThat(j.configSet("maxclients", "5000", "timeout", "0")).isEqualTo("OK");
            assertThat(j.configGet("maxclients")).isEqualTo(Map.of("maxclients", "5000"));
            assertThatThrownBy(() -> j.configSet("databases", "3")).hasMessage(
                    "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config");
            assertThatThrownBy(() -> j.configSet("maxclients", "6000", "hz", "x")).hasMessage(
                    "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer");
            assertThat(j.configGet("maxclients")).isEqualTo(Map.of("maxclients", "5000")); // all or nothing
            j.configSet("maxclients", "10000");
            String info = j.info();
            assertThat(info).contains("redis_version:7.0.15\r\n", "relog_version:", "role:master\r\n",
                    "connected_slaves:0\r\n", "master_repl_offset:0\r\n", "# Keyspace");
            assertThat(j.info("commandstats")).contains("cmdstat_ping:calls=", "cmdstat_client|id:calls=",
                    "cmdstat_config|set:calls=").doesNotContain("cmdstat_client:");
            assertThat(j.info("stats")).containsPattern("total_net_input_bytes:[1-9]")
                    .containsPattern("total_net_output_bytes:[1-9]");
            assertThat(j.lastsave()).isPositive();
        }
    }

    @Test
    void engineCommandsAndActiveExpiry() {
        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
            j.select(3);
            j.set("k", "v");
            j.psetex("gone", 30, "v");
            assertThat(j.info("keyspace")).contains("db3:keys=2,expires=1,avg_ttl=0");
            // Deleted by the server cron's active expiry, without anyone reading the key.
            await().atMost(Duration.ofSeconds(5)).until(() -> j.dbSize() == 1);
            j.flushDB();
        }
    }

    @Test
    void commandIntrospection() throws IOException {
        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
            assertThat(j.commandCount()).isGreaterThan(20);
            assertThat(j.commandList()).contains("ping", "client|id", "config|set", "get");
            assertThat(j.commandGetKeys("get", "a")).containsExactly("a");
        }
        try (RawClient c = new RawClient(server.port())) {
            c.command("COMMAND", "INFO", "ping");
            String expected = "*1\r\n*10\r\n$4\r\nping\r\n:-1\r\n*1\r\n+fast\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@fast\r\n"
                    + "+@connection\r\n*0\r\n*0\r\n*0\r\n";
            assertThat(c.read(expected.length())).isEqualTo(expected);
        }
    }

    @Test
    void clientReplyOffSkipOn() throws IOException {
        try (RawClient c = new RawClient(server.port())) {
            c.command("CLIENT", "REPLY", "OFF").command("PING").command("CLIENT", "REPLY", "SKIP")
                    .command("CLIENT", "REPLY", "ON").command("ECHO", "a")
                    .command("CLIENT", "REPLY", "SKIP").command("ECHO", "b").command("ECHO", "c");
            assertThat(c.read(5 + 7 + 7)).isEqualTo("+OK\r\n$1\r\na\r\n$1\r\nc\r\n");
        }
    }

    @Test
    void idleClientsAreClosedAfterTimeout() throws IOException {
        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
            j.configSet("timeout", "1");
        }
        try (RawClient idle = new RawClient(server.port())) {
            assertThat(idle.command("PING").read(7)).isEqualTo("+PONG\r\n");
            assertThat(idle.readUntilClosed()).isEmpty(); // within the 5 s socket timeout
        } finally {
            try (Jedis j = new Jedis("127.0.0.1", server.port())) {
                j.configSet("timeout", "0");
            }
        }
    }

    private static final redis.clients.jedis.commands.ProtocolCommand DEBUG = () -> "DEBUG".getBytes();

    @Test
    void debugNeedsEnableDebugCommand() throws Exception {
        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
            assertThatThrownBy(() -> j.sendCommand(DEBUG, "SLEEP", "0"))
                    .hasMessageStartingWith("ERR DEBUG command not allowed.");
        }
        try (RelogServer local = RelogServer.start(ServerConfig.fromArgs("--port", "0", "--dir",
                dir.resolve("debug").toString(), "--enable-debug-command", "local"));
                Jedis j = new Jedis("127.0.0.1", local.port());
                Jedis other = new Jedis("127.0.0.1", local.port())) {
            other.ping();
            long start = System.nanoTime();
            Thread sleeper = new Thread(() -> j.sendCommand(DEBUG, "SLEEP", "0.3"));
            sleeper.start();
            Thread.sleep(50);
            assertThat(other.ping()).isEqualTo("PONG"); // served only once the engine thread wakes up
            assertThat(System.nanoTime() - start).isGreaterThan(250_000_000L);
            sleeper.join();
        }
    }

    @Test
    void repliesAreReleasedOnlyAfterTheIterationHook() throws Exception {
        java.util.concurrent.atomic.AtomicLong hookDone = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean slow = new java.util.concurrent.atomic.AtomicBoolean();
        server.engineLoop().addIterationHook(() -> {
            if (slow.compareAndSet(true, false)) {
                try {
                    Thread.sleep(200); // like waiting for an fsync under appendfsync always
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                hookDone.set(System.nanoTime());
            }
        });
        try (RawClient c = new RawClient(server.port())) {
            slow.set(true);
            c.command("ECHO", "after-hook");
            assertThat(c.read(17)).isEqualTo("$10\r\nafter-hook\r\n");
            long received = System.nanoTime();
            assertThat(hookDone.get()).isPositive().isLessThanOrEqualTo(received);
        }
    }

    @Test
    void maxclientsRefusesWithRedisError() throws Exception {
        try (RelogServer small = RelogServer.start(ServerConfig.fromArgs("--port", "0", "--dir",
                dir.resolve("small").toString(), "--maxclients", "1"));
                RawClient first = new RawClient(small.port())) {
            assertThat(first.command("PING").read(7)).isEqualTo("+PONG\r\n");
            try (RawClient second = new RawClient(small.port())) {
                assertThat(second.readUntilClosed()).isEqualTo("-ERR max number of clients reached\r\n");
            }
            assertThat(first.command("PING").read(7)).isEqualTo("+PONG\r\n"); // still served
        }
    }

    @Test
    void configSetPortRebindsAndKeepsClients() throws Exception {
        try (RelogServer s = RelogServer.start(ServerConfig.fromArgs("--port", "0", "--dir",
                dir.resolve("rebind").toString()));
                Jedis j = new Jedis("127.0.0.1", s.port());
                java.net.ServerSocket busy = new java.net.ServerSocket(0, 1,
                        java.net.InetAddress.getByName("127.0.0.1"))) {
            int old = s.port();
            int fresh;
            try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
                fresh = probe.getLocalPort();
            }
            assertThat(j.configSet("port", Integer.toString(fresh))).isEqualTo("OK");
            assertThat(s.port()).isEqualTo(fresh);
            assertThat(j.configGet("port")).isEqualTo(Map.of("port", Integer.toString(fresh)));
            assertThat(j.ping()).isEqualTo("PONG"); // the connected client stays
            try (Jedis viaNew = new Jedis("127.0.0.1", fresh)) {
                assertThat(viaNew.ping()).isEqualTo("PONG");
            }
            assertThatThrownBy(() -> new Socket("127.0.0.1", old).close()).isInstanceOf(ConnectException.class);
            assertThatThrownBy(() -> j.configSet("port", Integer.toString(busy.getLocalPort())))
                    .hasMessageStartingWith("ERR CONFIG SET failed (possibly related to argument 'port') - "
                            + "Unable to listen on this port: ");
            assertThat(s.port()).isEqualTo(fresh); // restored
            try (Jedis viaNew = new Jedis("127.0.0.1", fresh)) {
                assertThat(viaNew.ping()).isEqualTo("PONG");
            }
        }
    }

    @Test
    void quitClosesAfterOk() throws IOException {
        try (RawClient c = new RawClient(server.port())) {
            assertThat(c.command("QUIT").readUntilClosed()).isEqualTo("+OK\r\n");
        }
    }

    @Test
    void clientKill() throws IOException {
        try (RawClient victim = new RawClient(server.port()); Jedis j = new Jedis("127.0.0.1", server.port())) {
            victim.command("CLIENT", "ID");
            String idReply = victim.read(4);
            while (!idReply.endsWith("\r\n")) {
                idReply += victim.read(1);
            }
            String id = idReply.substring(1, idReply.length() - 2);
            assertThat(j.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "KILL", "ID", id)).isEqualTo(1L);
            assertThat(victim.readUntilClosed()).isEmpty();
            assertThatThrownBy(() -> j.clientKill("1.2.3.4:5")).hasMessage("ERR No such client");
        }
    }

    @Test
    void lettuceResp3() {
        RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", server.port()));
        client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP3).build());
        try (StatefulRedisConnection<String, String> conn = client.connect()) {
            RedisCommands<String, String> sync = conn.sync();
            assertThat(sync.ping()).isEqualTo("PONG");
            long id = sync.clientId();
            assertThat(id).isPositive();
            assertThat(sync.clientList()).contains("id=" + id + " ").contains("resp=3");
            sync.set("lettuce", "v");
            assertThat(sync.get("lettuce")).isEqualTo("v");
            assertThat(sync.configGet("hz")).containsEntry("hz", "100");
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Test
    void resp3RepliesOnTheWire() throws IOException {
        try (RawClient c = new RawClient(server.port())) {
            c.command("HELLO", "4");
            assertThat(c.read(39)).isEqualTo("-NOPROTO unsupported protocol version\r\n");
            c.command("HELLO", "3");
            String head = "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n";
            assertThat(c.read(head.length())).isEqualTo(head);
            c.command("RESET");
            String rest = "";
            while (!rest.endsWith("+RESET\r\n")) {
                rest += c.read(1);
            }
            c.command("HELLO", "3").command("CONFIG", "GET", "hz").command("GET", "missing");
            String all = "";
            while (!all.endsWith("_\r\n")) {
                all += c.read(1);
            }
            assertThat(all).endsWith("%1\r\n$2\r\nhz\r\n$3\r\n100\r\n_\r\n");
        }
    }

    @Test
    void authentication() throws Exception {
        try (RelogServer secured = RelogServer.start(ServerConfig.fromArgs("--port", "0", "--dir",
                dir.resolve("secured").toString(), "--requirepass", "s3cret"))) {
            try (RawClient c = new RawClient(secured.port())) {
                c.command("PING").command("NOSUCH").command("AUTH", "bad").command("AUTH", "s3cret").command("PING");
                String expected = "-NOAUTH Authentication required.\r\n"
                        + "-ERR unknown command 'NOSUCH', with args beginning with: \r\n"
                        + "-WRONGPASS invalid username-password pair or user is disabled.\r\n+OK\r\n+PONG\r\n";
                assertThat(c.read(expected.length())).isEqualTo(expected);
            }
            try (RawClient c = new RawClient(secured.port())) {
                assertThat(c.send("*11\r\n").readUntilClosed())
                        .isEqualTo("-ERR Protocol error: unauthenticated multibulk length\r\n");
            }
            try (RawClient c = new RawClient(secured.port())) {
                assertThat(c.send("*1\r\n$16385\r\n").readUntilClosed())
                        .isEqualTo("-ERR Protocol error: unauthenticated bulk length\r\n");
            }
            try (Jedis j = new Jedis("127.0.0.1", secured.port())) {
                assertThat(j.auth("default", "s3cret")).isEqualTo("OK");
                assertThat(j.ping()).isEqualTo("PONG");
                assertThat(j.sendCommand(redis.clients.jedis.Protocol.Command.RESET)).isEqualTo("RESET".getBytes());
                assertThatThrownBy(j::ping).hasMessage("NOAUTH Authentication required.");
            }
        }
        try (Jedis j = new Jedis("127.0.0.1", server.port()); Jedis before = new Jedis("127.0.0.1", server.port())) {
            assertThatThrownBy(() -> j.auth("x")).hasMessageStartingWith(
                    "ERR AUTH <password> called without any password configured for the default user.");
            before.ping();
            j.configSet("requirepass", "later");
            try (RawClient after = new RawClient(server.port())) {
                // Connected before the password: still authenticated, as in Redis. New ones are not.
                assertThat(before.ping()).isEqualTo("PONG");
                assertThat(after.command("PING").read(34)).isEqualTo("-NOAUTH Authentication required.\r\n");
            } finally {
                j.configSet("requirepass", "");
            }
        }
    }

    @Test
    void shutdownStopsTheServerAndReleasesThePort() throws Exception {
        RelogServer s = RelogServer.start(ServerConfig.fromArgs("--port", "0", "--dir", dir.resolve("s").toString()));
        int port = s.port();
        try (RawClient c = new RawClient(port)) {
            assertThat(c.command("SHUTDOWN", "NOSAVE").readUntilClosed()).isEmpty();
        }
        s.awaitTermination();
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
        s.close(); // idempotent
        // The port can be bound again right away.
        RelogServer again = RelogServer.start(ServerConfig.fromArgs("--port", Integer.toString(port), "--dir",
                dir.resolve("s").toString()));
        again.close();
        again.close();
    }
}
