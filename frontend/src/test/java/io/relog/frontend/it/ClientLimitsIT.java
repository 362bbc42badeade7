package io.relog.frontend.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Client limits through real sockets: {@code client-output-buffer-limit} closes a normal client
 * that does not read its replies (hard limit) and a subscriber that does not read its messages
 * (soft limit held for its seconds); {@code timeout} spares pub/sub subscribers as Redis 7.0
 * does; CONFIG SET changes only the classes it names. (maxclients, timeout for plain clients
 * and client-query-buffer-limit are covered by RelogServerTest.) Passes on redis-server 7.0 too.
 */
class ClientLimitsIT extends AbstractServerIT {

    private final List<Socket> sockets = new java.util.ArrayList<>();

    @AfterEach
    void restore() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        call("CONFIG", "SET", "client-output-buffer-limit", "normal 0 0 0 pubsub 32mb 8mb 60");
        call("CONFIG", "SET", "timeout", "0");
    }

    /** A client socket that reads nothing unless asked, with a small receive buffer. */
    private Socket rawClient() throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress(server.host(), server.port()), 5000);
        s.setSoTimeout(5000);
        sockets.add(s);
        return s;
    }

    private static byte[] command(String... args) {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private boolean connected(Socket s) {
        String clients = (String) call("CLIENT", "LIST");
        return clients.contains("addr=127.0.0.1:" + s.getLocalPort() + " ");
    }

    /** Reads until the server closes the connection; returns the bytes read. */
    private static long drainUntilClosed(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
            }
        } catch (java.net.SocketException e) {
            // reset by the server: closed as well
        }
        return total;
    }

    @Test
    void normalClientOverTheHardLimitIsClosed() throws Exception {
        call("CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 0 0");
        redis.set("big", "x".repeat(100_000));
        Socket slow = rawClient();
        ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
        for (int i = 0; i < 300; i++) {
            pipeline.write(command("GET", "big"));
        }
        slow.getOutputStream().write(pipeline.toByteArray());
        slow.getOutputStream().flush();
        await().atMost(Duration.ofSeconds(20)).until(() -> !connected(slow));
        // It got far less than the 30 MB it asked for before it was cut off.
        assertThat(drainUntilClosed(slow)).isLessThan(300L * 100_000);
        assertThat(redis.ping()).isEqualTo("PONG");
    }

    @Test
    void subscriberOverTheSoftLimitForItsSecondsIsClosed() throws Exception {
        call("CONFIG", "SET", "client-output-buffer-limit", "pubsub 0 100kb 1");
        Socket subscriber = rawClient();
        subscriber.getOutputStream().write(command("SUBSCRIBE", "news"));
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.pubsubNumSub("news").get("news") == 1L);
        String message = "m".repeat(100_000);
        for (int i = 0; i < 100; i++) {
            redis.publish("news", message);
        }
        // No hard limit: only the soft one, exceeded for more than a second, closes it.
        await().atMost(Duration.ofSeconds(20)).until(() -> !connected(subscriber));
        assertThat(redis.pubsubNumSub("news").get("news")).isZero();
        // A subscriber that keeps up is not affected.
        Socket reader = rawClient();
        reader.getOutputStream().write(command("SUBSCRIBE", "news"));
        // The server accepts the connection asynchronously: wait until it has subscribed.
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.pubsubNumSub("news").get("news") == 1L);
        redis.publish("news", "small");
        assertThat(connected(reader)).isTrue();
    }

    @Test
    void timeoutSparesSubscribersButClosesIdleClients() throws Exception {
        Socket subscriber = rawClient();
        subscriber.getOutputStream().write(command("SUBSCRIBE", "news"));
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.pubsubNumSub("news").get("news") == 1L);
        Socket idle = rawClient();
        idle.getOutputStream().write(command("PING"));
        call("CONFIG", "SET", "timeout", "1");
        await().atMost(Duration.ofSeconds(10)).until(() -> !connected(idle));
        // The subscriber has been idle at least as long, and stays.
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> connected(subscriber));
    }

    @Test
    void configSetChangesOnlyTheNamedClasses() {
        assertThat(call("CONFIG", "GET", "client-output-buffer-limit")).isEqualTo(List.of("client-output-buffer-limit",
                "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"));
        call("CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 512kb 10");
        assertThat(call("CONFIG", "GET", "client-output-buffer-limit")).isEqualTo(List.of("client-output-buffer-limit",
                "normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 524288 10"));
        assertError("ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - "
                + "Invalid client class specified in buffer limit configuration.",
                "CONFIG", "SET", "client-output-buffer-limit", "bogus 1 1 1");
        assertError("ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - "
                + "Wrong number of arguments in buffer limit configuration.",
                "CONFIG", "SET", "client-output-buffer-limit", "normal 1 1");
    }
}
