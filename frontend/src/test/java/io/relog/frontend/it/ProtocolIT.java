package io.relog.frontend.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * The wire protocol as clients meet it: inline commands with quoting, protocol errors (which
 * close only the offending connection), pipelining, concurrent clients, large values, and the
 * connection bookkeeping INFO and CLIENT report.
 */
class ProtocolIT extends AbstractServerIT {

    @Test
    void inlineCommandsWithQuotesAndEscapes() {
        try (RespConnection raw = new RespConnection(server.server())) {
            raw.sendRaw("SET k \"a b\"\r\nGET k\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(raw.readReply()).isEqualTo("+OK\r\n");
            assertThat(raw.readReply()).isEqualTo("$3\r\na b\r\n");
            raw.sendRaw("SET k \"a\\x41\\n\"\r\nSTRLEN k\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(raw.readReply()).isEqualTo("+OK\r\n");
            assertThat(raw.readReply()).isEqualTo(":3\r\n");
            raw.sendRaw("\r\n\r\nPING\nPING\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(raw.readReply()).as("empty lines are skipped, bare \\n ends a line").isEqualTo("+PONG\r\n");
            assertThat(raw.readReply()).isEqualTo("+PONG\r\n");
            raw.sendRaw("*0\r\n*-1\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(raw.readReply()).as("empty and null arrays are ignored").isEqualTo("+PONG\r\n");
        }
        assertThat(call("GET", "k")).isEqualTo("aA\n");
    }

    @Test
    void protocolErrorsReplyAndCloseOnlyThatConnection() {
        assertProtocolError("SET k \"a b\r\nPING\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n");
        assertProtocolError("*1\r\n$abc\r\nPING\r\n", "-ERR Protocol error: invalid bulk length\r\n");
        assertProtocolError("*abc\r\n", "-ERR Protocol error: invalid multibulk length\r\n");
        assertProtocolError("*2\r\n$3\r\nGET\r\nk\r\n", "-ERR Protocol error: expected '$', got 'k'\r\n");
        assertThat(call("PING")).as("other connections are unaffected").isEqualTo("PONG");
    }

    private void assertProtocolError(String request, String expectedReply) {
        try (RespConnection raw = new RespConnection(server.server())) {
            raw.sendRaw(request.getBytes(StandardCharsets.US_ASCII));
            assertThat(raw.readReply()).isEqualTo(expectedReply);
            assertThat(raw.isClosedByServer()).as("connection closed after %s", expectedReply.trim()).isTrue();
        }
    }

    @Test
    void pipelinedRepliesComeInOrder() {
        try (RespConnection raw = new RespConnection(server.server())) {
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < 500; i++) {
                batch.append("*3\r\n$3\r\nSET\r\n$").append(("p" + i).length()).append("\r\np").append(i)
                        .append("\r\n$").append(Integer.toString(i).length()).append("\r\n").append(i).append("\r\n");
                batch.append("*2\r\n$4\r\nINCR\r\n$").append(("p" + i).length()).append("\r\np").append(i).append("\r\n");
            }
            raw.sendRaw(batch.toString().getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 500; i++) {
                assertThat(raw.readReply()).isEqualTo("+OK\r\n");
                assertThat(raw.readReply()).isEqualTo(":" + (i + 1) + "\r\n");
            }
        }
        Pipeline pipeline = redis.pipelined();
        List<Response<String>> gets = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            gets.add(pipeline.get("p" + i));
        }
        Response<Long> dbsize = pipeline.dbSize();
        pipeline.sync();
        for (int i = 0; i < 500; i++) {
            assertThat(gets.get(i).get()).isEqualTo(Integer.toString(i + 1));
        }
        assertThat(dbsize.get()).isEqualTo(500L);
    }

    @Test
    void concurrentClientsIncrementAtomically() throws Exception {
        int clients = 4;
        int increments = 500;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                done.add(pool.submit(() -> {
                    try (Jedis jedis = connect(server.server())) {
                        for (int i = 0; i < increments; i++) {
                            jedis.incr("counter");
                            jedis.append("log", "x");
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(call("GET", "counter")).isEqualTo(Integer.toString(clients * increments));
        assertThat(call("STRLEN", "log")).isEqualTo((long) clients * increments);
    }

    @Test
    void largeValuesRoundTrip() {
        byte[] big = new byte[4 * 1024 * 1024];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        assertThat(redis.set("big".getBytes(), big)).isEqualTo("OK");
        assertThat(redis.get("big".getBytes())).isEqualTo(big);
        assertThat(redis.strlen("big")).isEqualTo(big.length);
        assertThat(redis.getrange("big".getBytes(), big.length - 3, -1))
                .isEqualTo(new byte[] {big[big.length - 3], big[big.length - 2], big[big.length - 1]});
        assertThat(redis.setrange("big", 10 * 1024 * 1024, "end")).isEqualTo(10 * 1024 * 1024 + 3L);
    }

    @Test
    void connectedClientsAndClientIdsTrackConnections() {
        long firstId = (Long) call("CLIENT", "ID");
        List<Jedis> extra = new ArrayList<>();
        List<String> extraIds = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Jedis jedis = newConnection();
            long id = (Long) call(jedis, "CLIENT", "ID");
            assertThat(id).as("ids increase").isGreaterThan(firstId);
            extra.add(jedis);
            extraIds.add(Long.toString(id));
        }
        assertThat(clientListIds()).containsAll(extraIds);
        // connected_clients agrees with CLIENT LIST (closes of earlier tests' connections may still be in flight).
        await().atMost(Duration.ofSeconds(5)).until(() -> connectedClients() == clientListIds().size());
        extra.forEach(Jedis::close);
        await().atMost(Duration.ofSeconds(5)).until(() -> clientListIds().stream().noneMatch(extraIds::contains));
        await().atMost(Duration.ofSeconds(5)).until(() -> connectedClients() == clientListIds().size());
        long received = Long.parseLong(ServerCommandsIT.infoFields((String) call("INFO", "stats")).get("total_connections_received"));
        assertThat(received).isGreaterThanOrEqualTo(4);
    }

    private List<String> clientListIds() {
        List<String> ids = new ArrayList<>();
        for (String line : ((String) call("CLIENT", "LIST")).split("\n")) {
            ids.add(ConnectionCommandsIT.clientFields(line).get("id"));
        }
        return ids;
    }

    @Test
    void objectIdletimeGrowsAndAnAccessResetsIt() {
        call("SET", "k", "v");
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> (Long) call("OBJECT", "IDLETIME", "k") >= 1);
        call("GET", "k");
        assertThat(call("OBJECT", "IDLETIME", "k")).isEqualTo(0L);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> (Long) call("OBJECT", "IDLETIME", "k") >= 1);
        assertThat(call("TOUCH", "k")).isEqualTo(1L);
        assertThat(call("OBJECT", "IDLETIME", "k")).as("TOUCH resets the idle time").isEqualTo(0L);
    }

    private long connectedClients() {
        return Long.parseLong(ServerCommandsIT.infoFields((String) call("INFO", "clients")).get("connected_clients"));
    }
}
