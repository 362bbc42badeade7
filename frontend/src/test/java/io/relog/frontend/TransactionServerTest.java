package io.relog.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relog.frontend.config.ServerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;

/** MULTI/EXEC/WATCH through the real server and real clients. */
class TransactionServerTest {

    @TempDir
    static Path dir;

    static RelogServer server;

    @BeforeAll
    static void start() throws Exception {
        server = RelogServer.start(ServerConfig.fromArgs("--port", "0", "--dir", dir.resolve("data").toString()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Jedis client() {
        return new Jedis("localhost", server.port());
    }

    @Test
    void jedisTransaction() {
        try (Jedis j = client()) {
            j.del("tx:a", "tx:l");
            Transaction t = j.multi();
            Response<String> set = t.set("tx:a", "1");
            Response<Long> incr = t.incr("tx:a");
            Response<Long> push = t.rpush("tx:l", "x", "y");
            Response<String> get = t.get("tx:a");
            List<Object> results = t.exec();
            assertThat(results).hasSize(4);
            assertThat(set.get()).isEqualTo("OK");
            assertThat(incr.get()).isEqualTo(2L);
            assertThat(push.get()).isEqualTo(2L);
            assertThat(get.get()).isEqualTo("2");
        }
    }

    @Test
    void runtimeErrorIsOneElement() {
        try (Jedis j = client()) {
            j.set("tx:s", "str");
            Transaction t = j.multi();
            t.incr("tx:n");
            t.lpush("tx:s", "x");
            List<Object> results = t.exec();
            assertThat(results.get(0)).isEqualTo(1L);
            assertThat(results.get(1)).isInstanceOf(JedisDataException.class);
            assertThat(((JedisDataException) results.get(1)).getMessage()).startsWith("WRONGTYPE");
        }
    }

    @Test
    void watchBrokenByConcurrentClient() {
        try (Jedis a = client(); Jedis b = client()) {
            a.set("tx:w", "1");
            assertThat(a.watch("tx:w")).isEqualTo("OK");
            b.set("tx:w", "2");
            Transaction t = a.multi();
            t.set("tx:w", "3");
            assertThat(t.exec()).isNull();
            assertThat(a.get("tx:w")).isEqualTo("2");
        }
    }

    @Test
    void execAbortAfterQueueError() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.send("MULTI\r\nSET tx:x\r\nSET tx:x 1\r\nEXEC\r\nGET tx:x\r\n");
            String want = "+OK\r\n-ERR wrong number of arguments for 'set' command\r\n+QUEUED\r\n"
                    + "-EXECABORT Transaction discarded because of previous errors.\r\n$-1\r\n";
            assertThat(c.read(want.length())).isEqualTo(want);
        }
        try (Jedis j = client()) {
            assertThatThrownBy(() -> j.sendCommand(() -> "EXEC".getBytes())).hasMessage("ERR EXEC without MULTI");
        }
    }

    @Test
    void noMultiCommandRefusedAndWatchNullInResp3() throws Exception {
        try (RawClient c = new RawClient(server.port()); Jedis b = client()) {
            c.send("MULTI\r\nSHUTDOWN\r\nDISCARD\r\n");
            String want = "+OK\r\n-ERR Command not allowed inside a transaction\r\n+OK\r\n";
            assertThat(c.read(want.length())).isEqualTo(want);
            // RESP3: a transaction whose watched key changed replies the null "_".
            c.send("HELLO 3\r\nPING\r\n");
            StringBuilder hello = new StringBuilder();
            while (!hello.toString().endsWith("+PONG\r\n")) {
                hello.append(c.read(1));
            }
            c.send("WATCH tx:3\r\n");
            assertThat(c.read(5)).isEqualTo("+OK\r\n");
            b.set("tx:3", "x");
            c.send("MULTI\r\nGET tx:3\r\nEXEC\r\n");
            String want3 = "+OK\r\n+QUEUED\r\n_\r\n";
            assertThat(c.read(want3.length())).isEqualTo(want3);
        }
    }

    @Test
    void resetLeavesMultiAndUnwatches() throws Exception {
        try (RawClient c = new RawClient(server.port()); Jedis b = client()) {
            c.send("WATCH tx:r\r\nMULTI\r\nSET tx:r 1\r\nRESET\r\n");
            String want = "+OK\r\n+OK\r\n+QUEUED\r\n+RESET\r\n";
            assertThat(c.read(want.length())).isEqualTo(want);
            b.set("tx:r", "other");
            c.send("MULTI\r\nGET tx:r\r\nEXEC\r\n");
            String want2 = "+OK\r\n+QUEUED\r\n*1\r\n$5\r\nother\r\n";
            assertThat(c.read(want2.length())).isEqualTo(want2);
        }
    }

    @Test
    void optimisticCountersUnderConcurrentWriters() throws Exception {
        int threads = 6;
        int attemptsEach = 150;
        try (Jedis j = client()) {
            j.set("tx:counter", "0");
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            futures.add(pool.submit(() -> {
                int succeeded = 0;
                try (Jedis j = client()) {
                    for (int n = 0; n < attemptsEach; n++) {
                        j.watch("tx:counter");
                        long v = Long.parseLong(j.get("tx:counter"));
                        Transaction t = j.multi();
                        t.set("tx:counter", Long.toString(v + 1));
                        t.incr("tx:execs");
                        if (t.exec() != null) {
                            succeeded++;
                        }
                    }
                }
                return succeeded;
            }));
        }
        int total = 0;
        for (Future<Integer> f : futures) {
            total += f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(total).isPositive();
        try (Jedis j = client()) {
            assertThat(Long.parseLong(j.get("tx:counter"))).isEqualTo(total);
            assertThat(Long.parseLong(j.get("tx:execs"))).isEqualTo(total);
        }
    }
}
