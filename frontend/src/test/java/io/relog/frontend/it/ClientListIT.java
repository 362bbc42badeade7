package io.relog.frontend.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * CLIENT LIST / CLIENT INFO fields that describe what a connection is doing (run against both
 * targets): flags, multi, cmd, sub, age and idle, and the buffers (qbuf, omem) of a client that
 * sent half a command or stopped reading.
 */
class ClientListIT extends AbstractServerIT {

    /** The fields of the CLIENT LIST line of the client with {@code id}. */
    private Map<String, String> line(long id) {
        String list = (String) call("CLIENT", "LIST", "ID", Long.toString(id));
        return fields(list.trim());
    }

    private static Map<String, String> fields(String line) {
        Map<String, String> m = new HashMap<>();
        for (String kv : line.split(" ")) {
            int eq = kv.indexOf('=');
            m.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return m;
    }

    @Test
    void clientInfoDescribesTheCaller() {
        Map<String, String> me = fields(((String) call("CLIENT", "INFO")).trim());
        assertThat(me).containsEntry("flags", "N").containsEntry("cmd", "client|info").containsEntry("multi", "-1")
                .containsEntry("argv-mem", "10").containsEntry("db", "0").containsEntry("resp", "2")
                .containsEntry("omem", "0").containsEntry("oll", "0").containsEntry("events", "r");
        assertThat(me.get("laddr")).endsWith(":" + server.port());
        assertThat(Long.parseLong(me.get("tot-mem"))).isPositive();
    }

    @Test
    void flagsAndCountsFollowWhatEachClientIsDoing() throws Exception {
        Jedis inMulti = newConnection();
        long multiId = inMulti.clientId();
        call(inMulti, "WATCH", "w");
        call(inMulti, "MULTI");
        call(inMulti, "SET", "a", "1");
        call(inMulti, "SET", "b", "2");
        call("SET", "w", "touched");
        Map<String, String> m = line(multiId);
        assertThat(m).containsEntry("flags", "xd").containsEntry("multi", "2").containsEntry("cmd", "set");
        assertThat(Long.parseLong(m.get("multi-mem"))).isPositive();
        call(inMulti, "DISCARD");
        assertThat(line(multiId)).containsEntry("flags", "N").containsEntry("multi", "-1");

        try (RespConnection subscriber = new RespConnection(server.server());
             RespConnection monitor = new RespConnection(server.server());
             RespConnection blocked = new RespConnection(server.server())) {
            long subId = Long.parseLong(subscriber.call("CLIENT", "ID").substring(1).trim());
            subscriber.call("SUBSCRIBE", "c1");
            long monId = Long.parseLong(monitor.call("CLIENT", "ID").substring(1).trim());
            monitor.call("MONITOR");
            long blockedId = Long.parseLong(blocked.call("CLIENT", "ID").substring(1).trim());
            blocked.send("BLPOP", "nothing", "0");
            assertThat(line(subId)).containsEntry("flags", "P").containsEntry("sub", "1").containsEntry("cmd", "subscribe");
            assertThat(line(monId)).containsEntry("flags", "O");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(line(blockedId)).containsEntry("flags", "b").containsEntry("cmd", "blpop"));
            // Age and idle count seconds since connecting and since the last command.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                Map<String, String> s = line(subId);
                assertThat(Long.parseLong(s.get("idle"))).isGreaterThanOrEqualTo(1);
                assertThat(Long.parseLong(s.get("age"))).isGreaterThanOrEqualTo(Long.parseLong(s.get("idle")));
            });
        }
    }

    @Test
    void buffersShowHalfACommandAndRepliesNotRead() throws Exception {
        call("SET", "big", "x".repeat(1 << 20));
        try (Socket half = new Socket(); Socket slow = new Socket()) {
            half.connect(new InetSocketAddress(server.server().host(), server.port()), 5000);
            OutputStream out = half.getOutputStream();
            out.write("*1\r\n$9\r\nCLIENT".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // The half-sent CLIENT ID's bytes wait in the query buffer.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                String list = (String) call("CLIENT", "LIST");
                assertThat(list.lines().map(ClientListIT::fields)
                        .filter(f -> f.get("cmd").equals("NULL"))
                        .anyMatch(f -> Long.parseLong(f.get("qbuf")) > 0)).isTrue();
            });

            slow.setReceiveBufferSize(4096);
            slow.connect(new InetSocketAddress(server.server().host(), server.port()), 5000);
            OutputStream s = slow.getOutputStream();
            s.write("CLIENT SETNAME slow\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 32; i++) {
                s.write("GET big\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            s.flush();
            // Of the 32 MB asked for, replies past the 1 MiB high water mark wait on the server's
            // side (the rest of the pipeline is paused), and the server stops reading the client.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Map<String, String> f = ((String) call("CLIENT", "LIST")).lines().map(ClientListIT::fields)
                        .filter(x -> x.get("name").equals("slow")).findFirst().orElseThrow();
                assertThat(Long.parseLong(f.get("omem"))).isGreaterThan(1 << 20);
                assertThat(Long.parseLong(f.get("oll"))).isPositive();
                assertThat(f.get("events")).isEqualTo("w");
                assertThat(Long.parseLong(f.get("tot-mem"))).isGreaterThanOrEqualTo(Long.parseLong(f.get("omem")));
            });
        }
    }
}
