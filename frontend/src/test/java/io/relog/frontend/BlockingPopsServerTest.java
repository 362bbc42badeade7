package io.relog.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relog.frontend.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ListDirection;

/**
 * Blocking pops against the real server with real clients, with the engine on its own thread
 * and on the IO event loop. The server runs at {@code hz 1}, so a timeout that fires well under
 * a second proves the loop wakes at the deadline rather than at the next cron.
 */
class BlockingPopsServerTest {

    private RelogServer server;
    private Path dir;
    private final ExecutorService pool = Executors.newCachedThreadPool();

    private void start(String mode) throws Exception {
        dir = Files.createTempDirectory("relog-blocking");
        server = RelogServer.start(ServerConfig.fromArgs("--port", "0", "--dir", dir.resolve("data").toString(),
                "--hz", "1", "--engine-thread", mode));
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
        if (server != null) {
            server.close();
        }
    }

    private Jedis jedis() {
        return new Jedis("127.0.0.1", server.port(), 10_000);
    }

    private long blockedClients(Jedis j) {
        for (String line : j.info("clients").split("\r\n")) {
            if (line.startsWith("blocked_clients:")) {
                return Long.parseLong(line.substring("blocked_clients:".length()));
            }
        }
        throw new AssertionError("no blocked_clients in INFO");
    }

    private void awaitBlocked(Jedis j, long n) {
        await().atMost(Duration.ofSeconds(5)).until(() -> blockedClients(j) == n);
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "dedicated"})
    void blockedClientIsServedWhenAnotherPushes(String mode) throws Exception {
        start(mode);
        try (Jedis waiter = jedis(); Jedis pusher = jedis()) {
            CompletableFuture<List<String>> popped = CompletableFuture.supplyAsync(() -> waiter.blpop(0, "k"), pool);
            awaitBlocked(pusher, 1);
            assertThat(pusher.clientList()).contains("flags=b");
            assertThat(pusher.rpush("k", "v")).isEqualTo(1);
            assertThat(popped.get(5, TimeUnit.SECONDS)).containsExactly("k", "v");
            assertThat(pusher.exists("k")).isFalse();
            assertThat(blockedClients(pusher)).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "dedicated"})
    void firstBlockedIsFirstServed(String mode) throws Exception {
        start(mode);
        try (Jedis a = jedis(); Jedis b = jedis(); Jedis c = jedis(); Jedis pusher = jedis()) {
            CompletableFuture<List<String>> fa = CompletableFuture.supplyAsync(() -> a.blpop(0, "k"), pool);
            awaitBlocked(pusher, 1);
            CompletableFuture<List<String>> fb = CompletableFuture.supplyAsync(() -> b.blpop(0, "other", "k"), pool);
            awaitBlocked(pusher, 2);
            CompletableFuture<List<String>> fc = CompletableFuture.supplyAsync(() -> c.brpop(0, "k"), pool);
            awaitBlocked(pusher, 3);
            pusher.rpush("k", "1", "2");
            assertThat(fa.get(5, TimeUnit.SECONDS)).containsExactly("k", "1");
            assertThat(fb.get(5, TimeUnit.SECONDS)).containsExactly("k", "2");
            assertThat(fc).isNotDone();
            pusher.rpush("k", "3");
            assertThat(fc.get(5, TimeUnit.SECONDS)).containsExactly("k", "3");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "dedicated"})
    void subSecondTimeoutFiresOnTimeWhileIdle(String mode) throws Exception {
        start(mode);
        try (Jedis j = jedis()) {
            j.ping();
            long start = System.nanoTime();
            assertThat(j.blpop(0.1, "nothing")).isNull();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(ms).isBetween(95L, 700L);
            start = System.nanoTime();
            assertThat(j.blmove("nothing", "d", ListDirection.LEFT, ListDirection.RIGHT, 0.15)).isNull();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(145L, 750L);
            assertThat(blockedClients(j)).isZero();
        }
        try (RawClient raw = new RawClient(server.port())) {
            raw.command("BLMOVE", "nothing", "d", "LEFT", "LEFT", "0.05");
            assertThat(raw.read(5)).isEqualTo("*-1\r\n"); // Redis 7.0 times BLMOVE out with a null array
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "dedicated"})
    void pipelinedCommandsWaitBehindTheBlockedOne(String mode) throws Exception {
        start(mode);
        try (RawClient raw = new RawClient(server.port()); Jedis other = jedis()) {
            raw.send("*3\r\n$5\r\nBLPOP\r\n$1\r\nk\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$5\r\nafter\r\n$1\r\n1\r\n*1\r\n$4\r\nPING\r\n");
            awaitBlocked(other, 1);
            // The SET arrived with the BLPOP; it must not have run while the client is blocked.
            assertThat(other.get("after")).isNull();
            other.lpush("k", "v");
            assertThat(raw.read(30)).isEqualTo("*2\r\n$1\r\nk\r\n$1\r\nv\r\n+OK\r\n+PONG\r\n");
            assertThat(other.get("after")).isEqualTo("1");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "dedicated"})
    void clientThatDisconnectsWhileBlockedIsForgotten(String mode) throws Exception {
        start(mode);
        try (Jedis other = jedis()) {
            try (RawClient raw = new RawClient(server.port())) {
                raw.command("BLPOP", "k", "0");
                awaitBlocked(other, 1);
            }
            awaitBlocked(other, 0);
            other.rpush("k", "v");
            assertThat(other.llen("k")).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "dedicated"})
    void blmoveServedMovesTheElement(String mode) throws Exception {
        start(mode);
        try (Jedis waiter = jedis(); Jedis pusher = jedis()) {
            CompletableFuture<String> moved = CompletableFuture.supplyAsync(
                    () -> waiter.blmove("src", "dst", ListDirection.LEFT, ListDirection.RIGHT, 0), pool);
            awaitBlocked(pusher, 1);
            pusher.rpush("dst", "old");
            pusher.rpush("src", "a", "b");
            assertThat(moved.get(5, TimeUnit.SECONDS)).isEqualTo("a");
            assertThat(pusher.lrange("src", 0, -1)).containsExactly("b");
            assertThat(pusher.lrange("dst", 0, -1)).containsExactly("old", "a");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "dedicated"})
    void clientUnblock(String mode) throws Exception {
        start(mode);
        try (RawClient raw = new RawClient(server.port()); Jedis other = jedis()) {
            raw.command("CLIENT", "ID");
            String idReply = readLine(raw);
            long id = Long.parseLong(idReply.substring(1));
            raw.command("BZPOPMIN", "z", "0");
            awaitBlocked(other, 1);
            assertThat(other.clientUnblock(id + 1000)).isZero();
            assertThat(other.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "UNBLOCK", Long.toString(id), "ERROR"))
                    .isEqualTo(1L);
            assertThat(readLine(raw)).isEqualTo("-UNBLOCKED client unblocked via CLIENT UNBLOCK");
            raw.command("BLPOP", "k", "0");
            awaitBlocked(other, 1);
            assertThat(other.clientUnblock(id)).isEqualTo(1);
            assertThat(readLine(raw)).isEqualTo("*-1");
            assertThat(blockedClients(other)).isZero();
        }
    }

    private static String readLine(RawClient raw) throws Exception {
        StringBuilder sb = new StringBuilder();
        while (true) {
            String ch = raw.read(1);
            if (ch.equals("\n") && sb.length() > 0 && sb.charAt(sb.length() - 1) == '\r') {
                return sb.substring(0, sb.length() - 1);
            }
            sb.append(ch);
        }
    }
}
