package io.relog.tools.tail;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;

/** {@code relog tail} against a running server: formats, plumbing, transactions, binary data, filters. */
class TailServerIT {

    static TestServer server;
    static long end;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer();
        try (Jedis j = server.jedis()) {
            j.set("user:1", "alice");
            j.set("user:2", "bob");
            j.del("user:1");
            j.select(3);
            j.hset("h:1", "f", "v");
            j.set("bin".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xff, 0, 'x'});
            j.select(0);
            // The time test needs events 3 and 6 in different milliseconds of the log's clock.
            awaitNextMillisecond();
            Transaction t = j.multi();
            t.set("tx:a", "1");
            t.incr("tx:n");
            t.exec();
            j.set("quote\"d\n", "é");
            end = Long.parseLong(j.info("replication").lines().filter(l -> l.startsWith("master_repl_offset:"))
                    .findFirst().orElseThrow().split(":")[1].trim());
        }
    }

    private static void awaitNextMillisecond() {
        long now = System.currentTimeMillis();
        while (System.currentTimeMillis() <= now) {
            Thread.onSpinWait();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void jsonEventsCarryOffsetsTimeDbKeysAndTransactions() {
        Tail.Result r = Tail.online(server.port(), "--from", "earliest");
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.lines();
        assertThat(lines).hasSize(8);
        assertThat(lines.get(0)).matches("\\{\"offset\":\\d+,\"next_offset\":\\d+,\"timestamp\":\\d{13},\"db\":0,"
                + "\"command\":\"set\",\"args\":\\[\"user:1\",\"alice\"\\],\"keys\":\\[\"user:1\"\\]\\}");
        assertThat(lines.get(2)).contains("\"db\":0,\"command\":\"del\",\"args\":[\"user:1\"],\"keys\":[\"user:1\"]");
        assertThat(lines.get(3)).contains("\"db\":3,\"command\":\"hset\",\"args\":[\"h:1\",\"f\",\"v\"]");
        assertThat(lines.get(4)).contains("\"args\":[\"bin\",{\"base64\":\"/wB4\"}]");
        long multi = Long.parseLong(lines.get(5).replaceAll(".*\"tx\":(\\d+).*", "$1"));
        assertThat(lines.get(5)).contains("\"command\":\"set\",\"args\":[\"tx:a\",\"1\"]");
        assertThat(lines.get(6)).contains("\"tx\":" + multi + ",").contains("\"command\":\"incr\"");
        assertThat(multi).isLessThan(offset(lines.get(5)));
        assertThat(lines.get(7)).contains("\"args\":[\"quote\\\"d\\n\",\"é\"]").doesNotContain("\"tx\"");
        // Contiguous except where plumbing (SELECT, MULTI, EXEC) was left out; the last ends at the log end.
        assertThat(nextOffset(lines.get(7))).isEqualTo(end);
        assertThat(nextOffset(lines.get(0))).isEqualTo(offset(lines.get(1)));
    }

    @Test
    void rawKeepsPlumbingAndIsContiguous() {
        Tail.Result r = Tail.online(server.port(), "--from", "earliest", "--raw");
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.lines();
        assertThat(lines.get(0)).contains("\"command\":\"select\",\"args\":[\"0\"]");
        assertThat(lines).anyMatch(l -> l.contains("\"command\":\"multi\""));
        assertThat(lines).anyMatch(l -> l.contains("\"command\":\"exec\""));
        for (int i = 1; i < lines.size(); i++) {
            assertThat(offset(lines.get(i))).isEqualTo(nextOffset(lines.get(i - 1)));
        }
        assertThat(nextOffset(lines.get(lines.size() - 1))).isEqualTo(end);
    }

    @Test
    void textFormat() {
        Tail.Result r = Tail.online(server.port(), "--from", "earliest", "--format", "text", "--db", "3");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.lines()).hasSize(2);
        assertThat(r.lines().get(0)).matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z offset=\\d+ next=\\d+ db=3 HSET \"h:1\" \"f\" \"v\"");
        assertThat(r.lines().get(1)).endsWith("SET \"bin\" \"\\xff\\x00x\"");
    }

    @Test
    void filters() {
        assertThat(Tail.online(server.port(), "--match", "user:*").lines()).hasSize(3);
        assertThat(Tail.online(server.port(), "--match", "user:[2]", "--commands", "SET").lines()).hasSize(1);
        assertThat(Tail.online(server.port(), "--commands", "del,hset").lines()).hasSize(2);
        assertThat(Tail.online(server.port(), "--db", "0", "--commands", "incr").lines()).singleElement()
                .asString().contains("\"keys\":[\"tx:n\"]");
        assertThat(Tail.online(server.port(), "--db", "7").lines()).isEmpty();
    }

    @Test
    void respIsAnAofOfTheSelectedCommands() {
        Tail.Result r = Tail.online(server.port(), "--format", "resp", "--db", "0", "--match", "tx:*");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.text()).isEqualTo("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*1\r\n$5\r\nMULTI\r\n"
                + "*3\r\n$3\r\nSET\r\n$4\r\ntx:a\r\n$1\r\n1\r\n*2\r\n$4\r\nINCR\r\n$4\r\ntx:n\r\n*1\r\n$4\r\nEXEC\r\n");
    }

    @Test
    void fromAndToOffsetsAndResumeFromNextOffset() {
        List<String> all = Tail.online(server.port()).lines();
        long cut = nextOffset(all.get(3));
        List<String> head = Tail.online(server.port(), "--to", Long.toString(cut)).lines();
        List<String> rest = Tail.online(server.port(), "--from", Long.toString(cut)).lines();
        assertThat(head).isEqualTo(all.subList(0, 4));
        assertThat(rest).isEqualTo(all.subList(4, all.size()));
        // Inside the transaction: the resumed events keep the transaction's id.
        long inTx = nextOffset(all.get(5));
        assertThat(Tail.online(server.port(), "--from", Long.toString(inTx)).lines()).isEqualTo(all.subList(6, all.size()));
    }

    @Test
    void timesMapToTheFirstBatchAtOrAfterThemOnlineAndOffline() {
        List<String> all = Tail.online(server.port()).lines();
        long t1 = timestamp(all.get(3));
        long t2 = timestamp(all.get(6));
        List<String> expected = all.stream().filter(l -> timestamp(l) >= t1 && timestamp(l) < t2).toList();
        assertThat(expected).isNotEmpty();
        for (List<String> source : List.of(List.of("--port", Integer.toString(server.port())),
                List.of("--dir", server.dir.toString()))) {
            for (String from : List.of(t1 + "ms", java.time.Instant.ofEpochMilli(t1).toString())) {
                List<String> a = new java.util.ArrayList<>(source);
                a.addAll(List.of("--from", from, "--to", java.time.Instant.ofEpochMilli(t2).toString()));
                Tail.Result r = Tail.run(a.toArray(new String[0]));
                assertThat(r.exit()).as(r.err()).isZero();
                assertThat(r.lines()).as(a.toString()).isEqualTo(expected);
            }
        }
    }

    @Test
    void offsetInsideACommandIsRefused() {
        List<String> all = Tail.online(server.port()).lines();
        Tail.Result r = Tail.online(server.port(), "--from", Long.toString(offset(all.get(1)) + 3));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("not at a command boundary");
    }

    @Test
    void offsetBeyondTheEndIsRefused() {
        Tail.Result r = Tail.online(server.port(), "--from", Long.toString(end + 1000), "--to", Long.toString(end + 2000));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("beyond the log end offset");
    }

    @Test
    void usageErrorsExitWith2() {
        assertThat(Tail.online(server.port(), "--format", "xml").exit()).isEqualTo(2);
        assertThat(Tail.online(server.port(), "--to", "5", "--follow").exit()).isEqualTo(2);
        assertThat(Tail.online(server.port(), "--from", "yesterday").exit()).isEqualTo(2);
        Tail.Result help = Tail.run("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.text()).contains("--from", "--to", "--follow", "--dir", "--match", "--commands", "--raw",
                "Exit codes:", "  1  failed: the offset is no longer retained");
        assertThat(Tail.run("--dir", "/nonexistent/relog", "--port", "1").exit()).isEqualTo(2);
        Tail.Result noDir = Tail.run("--dir", "/nonexistent/relog");
        assertThat(noDir.exit()).isEqualTo(1);
        assertThat(noDir.err()).contains("not a Relog data directory");
        Tail.Result noServer = Tail.run("--port", "1", "--to", "10");
        assertThat(noServer.exit()).isEqualTo(1);
    }

    static long offset(String json) {
        return Long.parseLong(json.replaceAll("^\\{\"offset\":(\\d+),.*", "$1"));
    }

    static long timestamp(String json) {
        return Long.parseLong(json.replaceAll(".*\"timestamp\":(\\d+),.*", "$1"));
    }

    static long nextOffset(String json) {
        return Long.parseLong(json.replaceAll(".*\"next_offset\":(\\d+),.*", "$1"));
    }
}
