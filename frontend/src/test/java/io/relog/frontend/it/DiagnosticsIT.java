package io.relog.frontend.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;

/**
 * SLOWLOG, LATENCY and MONITOR as Redis 7.0 has them (run against both targets): entries fed
 * after each command ran, EXEC's commands one by one, EXEC itself not in the slow log, admin
 * commands hidden from monitors, passwords redacted, long arguments trimmed.
 */
class DiagnosticsIT extends AbstractServerIT {

    @SuppressWarnings("unchecked")
    private List<List<Object>> slowlog() {
        return (List<List<Object>>) (List<?>) call("SLOWLOG", "GET", "-1");
    }

    @SuppressWarnings("unchecked")
    private static List<String> argv(List<Object> entry) {
        return (List<String>) entry.get(3);
    }

    @Test
    void slowlogAtThresholdZeroKeepsEveryCommandNewestFirst() {
        try {
            call("CONFIG", "SET", "slowlog-log-slower-than", "0");
            call("SLOWLOG", "RESET");
            call("CLIENT", "SETNAME", "metrics-it");
            call("SET", "a", "1");
            Transaction tx = redis.multi();
            tx.set("b", "2");
            tx.exec();
            error("AUTH", "someone", "secret");
            List<List<Object>> log = slowlog();
            List<List<String>> commands = new ArrayList<>();
            log.forEach(e -> commands.add(argv(e)));
            // EXEC is not logged (skip_slowlog); the SET it ran is.
            assertThat(commands).containsExactly(
                    List.of("AUTH", "(redacted)", "(redacted)"),
                    List.of("SET", "b", "2"),
                    List.of("MULTI"),
                    List.of("SET", "a", "1"),
                    List.of("CLIENT", "SETNAME", "metrics-it"),
                    List.of("SLOWLOG", "RESET"));
            List<Object> newest = log.get(0);
            long id = (Long) newest.get(0);
            assertThat((Long) log.get(1).get(0)).isEqualTo(id - 1);
            assertThat((Long) newest.get(1)).isBetween(System.currentTimeMillis() / 1000 - 60,
                    System.currentTimeMillis() / 1000 + 1);
            assertThat((Long) newest.get(2)).isGreaterThanOrEqualTo(0);
            assertThat((String) newest.get(4)).matches("127\\.0\\.0\\.1:\\d+");
            assertThat(newest.get(5)).isEqualTo("metrics-it");
            assertThat(log.get(5).get(5)).isEqualTo(""); // before CLIENT SETNAME
            assertThat(call("SLOWLOG", "LEN")).isEqualTo(7L); // the GET above is in it now
            assertThat((List<?>) call("SLOWLOG", "GET")).hasSize(8);
            assertThat((List<?>) call("SLOWLOG", "GET", "2")).hasSize(2);
        } finally {
            call("CONFIG", "SET", "slowlog-log-slower-than", "10000");
            call("SLOWLOG", "RESET");
        }
    }

    @Test
    void slowlogTrimsLongArgumentsAndLongCommands() {
        try {
            call("CONFIG", "SET", "slowlog-log-slower-than", "0");
            String value = "v".repeat(200);
            call("SET", "long", value);
            String[] rpush = new String[42];
            rpush[0] = "RPUSH";
            rpush[1] = "list";
            for (int i = 2; i < rpush.length; i++) {
                rpush[i] = "e" + i;
            }
            call(rpush);
            List<List<Object>> log = slowlog();
            List<String> push = argv(log.get(0));
            assertThat(push).hasSize(32);
            assertThat(push.subList(0, 3)).containsExactly("RPUSH", "list", "e2");
            assertThat(push.get(30)).isEqualTo("e30");
            assertThat(push.get(31)).isEqualTo("... (11 more arguments)");
            assertThat(argv(log.get(1))).containsExactly("SET", "long", "v".repeat(128) + "... (72 more bytes)");

            call("CONFIG", "SET", "slowlog-max-len", "2");
            assertThat(call("SLOWLOG", "LEN")).isEqualTo(2L);
            call("CONFIG", "SET", "slowlog-log-slower-than", "-1");
            call("SLOWLOG", "RESET");
            call("SET", "x", "y");
            assertThat(call("SLOWLOG", "LEN")).isEqualTo(0L);
        } finally {
            call("CONFIG", "SET", "slowlog-max-len", "128");
            call("CONFIG", "SET", "slowlog-log-slower-than", "10000");
            call("SLOWLOG", "RESET");
        }
    }

    @Test
    void slowlogErrorsAreRedis() {
        assertThat(error("SLOWLOG", "GET", "-2")).isEqualTo("ERR count should be greater than or equal to -1");
        assertThat(error("SLOWLOG", "GET", "abc")).isEqualTo("ERR count should be greater than or equal to -1");
        assertThat(error("SLOWLOG", "LEN", "x")).isEqualTo("ERR wrong number of arguments for 'slowlog|len' command");
        assertThat(error("SLOWLOG", "FOO")).isEqualTo("ERR unknown subcommand 'FOO'. Try SLOWLOG HELP.");
        assertThat((List<?>) call("SLOWLOG", "HELP")).first()
                .isEqualTo("SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    }

    @Test
    @SuppressWarnings("unchecked")
    void latencyMonitorRecordsCommandsOverTheThreshold() throws Exception {
        try (RunningServer s = ServerUnderTest.start("--enable-debug-command", "yes");
             Jedis j = connect(s)) {
            assertThat(((String) call(j, "LATENCY", "DOCTOR"))).startsWith("I'm sorry, Dave, I can't do that.");
            call(j, "DEBUG", "SLEEP", "0.02");
            assertThat((List<?>) call(j, "LATENCY", "LATEST")).isEmpty(); // off: threshold 0
            call(j, "CONFIG", "SET", "latency-monitor-threshold", "5");
            call(j, "PING");
            call(j, "DEBUG", "SLEEP", "0.03");
            List<List<Object>> latest = (List<List<Object>>) call(j, "LATENCY", "LATEST");
            assertThat(latest).hasSize(1);
            assertThat(latest.get(0).get(0)).isEqualTo("command");
            assertThat((Long) latest.get(0).get(2)).isBetween(30L, 10_000L);
            assertThat(latest.get(0).get(3)).isEqualTo(latest.get(0).get(2));
            List<List<Object>> history = (List<List<Object>>) call(j, "LATENCY", "HISTORY", "command");
            assertThat(history).hasSize(1);
            assertThat(history.get(0).get(0)).isEqualTo(latest.get(0).get(1));
            assertThat((List<?>) call(j, "LATENCY", "HISTORY", "fast-command")).isEmpty();
            assertThat(((String) call(j, "LATENCY", "DOCTOR"))).contains("1. command: 1 latency spikes");
            assertThat(call(j, "LATENCY", "RESET", "command", "nothing")).isEqualTo(1L);
            assertThat((List<?>) call(j, "LATENCY", "LATEST")).isEmpty();
        }
    }

    @Test
    void monitorShowsEveryClientsCommandsAfterTheyRan() {
        Jedis other = newConnection();
        other.ping(); // connects (Jedis' CLIENT SETINFO handshake is not part of what is checked)
        try (RespConnection monitor = new RespConnection(server.server())) {
            assertThat(monitor.call("MONITOR")).isEqualTo("+OK\r\n");
            other.set("a", "1");
            error(other, "AUTH", "secret");
            call(other, "CONFIG", "GET", "port"); // admin: not shown
            Transaction tx = other.multi();
            tx.set("b", "2");
            tx.exec();
            other.select(2);
            other.set("c", "x \"y\"\n\u00e9");
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                lines.add(monitor.readReply());
            }
            String prefix = "\\+\\d{10}\\.\\d{6} \\[%d 127\\.0\\.0\\.1:\\d+\\] ";
            assertThat(lines.get(0)).matches(prefix.formatted(0) + "\"SET\" \"a\" \"1\"\r\n");
            assertThat(lines.get(1)).matches(prefix.formatted(0) + "\"AUTH\" \"\\(redacted\\)\"\r\n");
            assertThat(lines.get(2)).matches(prefix.formatted(0) + "\"MULTI\"\r\n");
            assertThat(lines.get(3)).matches(prefix.formatted(0) + "\"SET\" \"b\" \"2\"\r\n");
            assertThat(lines.get(4)).matches(prefix.formatted(0) + "\"EXEC\"\r\n");
            assertThat(lines.get(5)).matches(prefix.formatted(2) + "\"SELECT\" \"2\"\r\n");
            assertThat(lines.get(6)).endsWith("] \"SET\" \"c\" \"x \\\"y\\\"\\n\\xc3\\xa9\"\r\n");
        }
    }
}
