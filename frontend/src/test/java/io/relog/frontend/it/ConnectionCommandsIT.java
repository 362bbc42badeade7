package io.relog.frontend.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;

/**
 * Connection commands through Jedis, and through a bare {@link RespConnection} where a library
 * would hide the behaviour (no reply, closed connection, exact reply types).
 */
class ConnectionCommandsIT extends AbstractServerIT {

    @Test
    void ping() {
        assertThat(call("PING")).isEqualTo("PONG");
        assertThat(call("PING", "hello world")).isEqualTo("hello world");
        assertError(wrongArgs("ping"), "PING", "a", "b");
        try (RespConnection raw = new RespConnection(server.server())) {
            assertThat(raw.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(raw.call("PING", "x")).as("PING with a message is a bulk reply").isEqualTo("$1\r\nx\r\n");
            raw.sendRaw("PING\r\n".getBytes());
            assertThat(raw.readReply()).as("inline command").isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void echo() {
        assertThat(call("ECHO", "hello")).isEqualTo("hello");
        assertThat(call("ECHO", "")).isEqualTo("");
        assertError(wrongArgs("echo"), "ECHO");
        assertError(wrongArgs("echo"), "ECHO", "a", "b");
    }

    @Test
    void unknownCommandErrors() {
        assertError("ERR unknown command 'nosuchcommand', with args beginning with: ", "nosuchcommand");
        assertError("ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b' ", "NOSUCH", "a", "b");
        assertThat(call("PING")).as("the connection survives").isEqualTo("PONG");
    }

    @Test
    void helloWithoutArgumentsDescribesTheServerInResp2() {
        Map<String, Object> hello = ServerCommandsIT.pairs((List<?>) call("HELLO"));
        assertThat(hello).containsKeys("server", "version", "proto", "id", "mode", "role", "modules");
        assertThat(hello.get("proto")).isEqualTo(2L);
        assertThat(hello.get("mode")).isEqualTo("standalone");
        assertThat(hello.get("role")).isEqualTo("master");
        assertThat(hello.get("modules")).isEqualTo(List.of());
        assertThat((String) hello.get("version")).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(hello.get("id")).isEqualTo(call("CLIENT", "ID"));
    }

    @Test
    void hello3SwitchesToResp3AndHello2Back() {
        try (RespConnection raw = new RespConnection(server.server())) {
            String hello3 = raw.call("HELLO", "3");
            assertThat(hello3).startsWith("%7\r\n").contains("$5\r\nproto\r\n:3\r\n", "$4\r\nmode\r\n$10\r\nstandalone\r\n");
            assertThat(raw.call("GET", "missing")).as("RESP3 null").isEqualTo("_\r\n");
            assertThat(raw.call("CONFIG", "GET", "databases")).as("RESP3 map")
                    .isEqualTo("%1\r\n$9\r\ndatabases\r\n$2\r\n16\r\n");
            assertThat(raw.call("HELLO", "2")).startsWith("*14\r\n").contains("$5\r\nproto\r\n:2\r\n");
            assertThat(raw.call("GET", "missing")).as("RESP2 null bulk").isEqualTo("$-1\r\n");
        }
    }

    @Test
    void jedisOverResp3() {
        try (Jedis resp3 = new Jedis(new HostAndPort(server.host(), server.port()),
                DefaultJedisClientConfig.builder()
                        .protocol(RedisProtocol.RESP3).build())) {
            assertThat(resp3.ping()).isEqualTo("PONG");
            assertThat(resp3.clientInfo()).contains(" resp=3");
            assertThat(resp3.set("k", "v")).isEqualTo("OK");
            assertThat(resp3.get("k")).isEqualTo("v");
            assertThat(resp3.get("missing")).isNull();
            assertThat(resp3.configGet("databases")).containsEntry("databases", "16");
            assertThat(resp3.incrByFloat("f", 1.5)).isEqualTo(1.5);
            assertThat(resp3.mget("k", "missing")).containsExactly("v", null);
        }
    }

    @Test
    void resp3ReplyTypesOnTheWire() {
        try (RespConnection raw = new RespConnection(server.server())) {
            raw.call("HELLO", "3");
            assertThat(raw.call("SET", "k", "v")).isEqualTo("+OK\r\n");
            assertThat(raw.call("SET", "k", "w", "NX")).isEqualTo("_\r\n");
            assertThat(raw.call("MGET", "k", "missing")).isEqualTo("*2\r\n$1\r\nv\r\n_\r\n");
            assertThat(raw.call("INCRBYFLOAT", "f", "1.5")).isEqualTo("$3\r\n1.5\r\n");
            assertThat(raw.call("OBJECT", "ENCODING", "missing")).isEqualTo("_\r\n");
            assertThat(raw.call("CLIENT", "GETNAME")).isEqualTo("_\r\n");
            assertThat(raw.call("SCAN", "0", "MATCH", "nomatch")).isEqualTo("*2\r\n$1\r\n0\r\n*0\r\n");
            assertThat(raw.call("INFO", "keyspace")).as("INFO is a verbatim string")
                    .isEqualTo("=48\r\ntxt:# Keyspace\r\ndb0:keys=2,expires=0,avg_ttl=0\r\n\r\n");
            assertThat(raw.call("CLIENT", "INFO")).startsWith("=").contains("\r\ntxt:id=");
            assertThat(raw.call("COMMAND", "INFO", "get")).startsWith("*1\r\n*10\r\n$3\r\nget\r\n:2\r\n"
                    + "~2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@read\r\n+@string\r\n+@fast\r\n");
            raw.call("MSET", "a", "ohmytext", "b", "mynewtext");
            assertThat(raw.call("LCS", "a", "b", "IDX", "MINMATCHLEN", "4")).isEqualTo("%2\r\n$7\r\nmatches\r\n"
                    + "*1\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n$3\r\nlen\r\n:6\r\n");
            assertThat(raw.call("GET")).isEqualTo("-ERR wrong number of arguments for 'get' command\r\n");
        }
    }

    @Test
    void helloAuthWithoutConfiguredPasswordAcceptsTheDefaultUser() {
        Map<String, Object> hello = ServerCommandsIT.pairs((List<?>) call("HELLO", "2", "AUTH", "default", "anything"));
        assertThat(hello.get("proto")).isEqualTo(2L);
        assertThat(call("AUTH", "default", "anything")).isEqualTo("OK");
    }

    @Test
    void helloOptionsAndErrors() {
        assertThat(error("HELLO", "4")).isEqualTo("NOPROTO unsupported protocol version");
        assertThat(error("HELLO", "1")).isEqualTo("NOPROTO unsupported protocol version");
        assertError("ERR Protocol version is not an integer or out of range", "HELLO", "foo");
        assertError("ERR Syntax error in HELLO option 'y'", "HELLO", "3", "SETNAME", "x", "y");
        assertError("ERR Syntax error in HELLO option 'SETNAME'", "HELLO", "2", "SETNAME");
        assertError("ERR Syntax error in HELLO option 'setname'", "HELLO", "2", "setname");
        assertError("ERR Syntax error in HELLO option 'auth'", "HELLO", "2", "auth", "default");
        assertError("ERR Syntax error in HELLO option 'foo'", "HELLO", "3", "foo");
        assertThat(error("HELLO", "0")).isEqualTo("NOPROTO unsupported protocol version");
        assertThat(error("HELLO", "-1")).isEqualTo("NOPROTO unsupported protocol version");
        assertError("ERR Client names cannot contain spaces, newlines or special characters.",
                "HELLO", "3", "SETNAME", "a b");
        assertThat(clientFields((String) call("CLIENT", "INFO"))).as("a failed HELLO 3 keeps RESP2").containsEntry("resp", "2");
        Map<String, Object> hello = ServerCommandsIT.pairs((List<?>) call("HELLO", "2", "SETNAME", "myname"));
        assertThat(hello.get("proto")).isEqualTo(2L);
        assertThat(call("CLIENT", "GETNAME")).isEqualTo("myname");
    }

    @Test
    void authWithoutConfiguredPassword() {
        assertError("ERR AUTH <password> called without any password configured for the default user."
                + " Are you sure your configuration is correct?", "AUTH", "x");
        assertThat(error("AUTH", "nosuchuser", "pw")).isEqualTo("WRONGPASS invalid username-password pair or user is disabled.");
        assertError("ERR syntax error", "AUTH", "a", "b", "c");
        assertError(wrongArgs("auth"), "AUTH");
    }

    @Test
    void selectIsolatesDatabases() {
        call("SET", "k", "zero");
        assertThat(call("SELECT", "1")).isEqualTo("OK");
        assertThat(call("GET", "k")).isNull();
        call("SET", "k", "one");
        assertThat(call("SELECT", "15")).isEqualTo("OK");
        assertThat(call("DBSIZE")).isEqualTo(0L);
        call("SELECT", "0");
        assertThat(call("GET", "k")).isEqualTo("zero");
        Jedis other = newConnection();
        assertThat(call(other, "GET", "k")).as("a new connection starts in db 0").isEqualTo("zero");
        assertError("ERR DB index is out of range", "SELECT", "16");
        assertError("ERR DB index is out of range", "SELECT", "-1");
        assertError("ERR value is not an integer or out of range", "SELECT", "x");
        assertError(wrongArgs("select"), "SELECT", "1", "2");
        assertError(wrongArgs("select"), "SELECT");
    }

    @Test
    void quitRepliesOkAndCloses() {
        try (RespConnection raw = new RespConnection(server.server())) {
            assertThat(raw.call("QUIT")).isEqualTo("+OK\r\n");
            assertThat(raw.isClosedByServer()).isTrue();
        }
        try (RespConnection raw = new RespConnection(server.server())) {
            assertThat(raw.call("QUIT", "extra")).as("QUIT ignores arguments").isEqualTo("+OK\r\n");
            assertThat(raw.isClosedByServer()).isTrue();
        }
    }

    @Test
    void resetRestoresConnectionDefaults() {
        try (RespConnection raw = new RespConnection(server.server())) {
            assertThat(raw.call("SELECT", "3")).isEqualTo("+OK\r\n");
            assertThat(raw.call("CLIENT", "SETNAME", "before")).isEqualTo("+OK\r\n");
            assertThat(raw.call("HELLO", "3")).startsWith("%7\r\n");
            raw.send("CLIENT", "REPLY", "OFF");
            assertThat(raw.call("RESET")).isEqualTo("+RESET\r\n");
            String info = bulkText(raw.call("CLIENT", "INFO"));
            Map<String, String> fields = clientFields(info);
            assertThat(fields).containsEntry("db", "0").containsEntry("name", "").containsEntry("resp", "2")
                    .containsEntry("flags", "N");
            assertThat(raw.call("GET", "missing")).isEqualTo("$-1\r\n");
        }
        assertError(wrongArgs("reset"), "RESET", "x");
    }

    @Test
    void clientIdIsUniquePerConnection() {
        long id = (Long) call("CLIENT", "ID");
        long otherId = (Long) call(newConnection(), "CLIENT", "ID");
        assertThat(otherId).isNotEqualTo(id).isPositive();
        assertThat(call("CLIENT", "ID")).isEqualTo(id);
        assertThat(clientFields((String) call("CLIENT", "INFO"))).containsEntry("id", Long.toString(id));
        assertError(wrongArgs("client|id"), "CLIENT", "ID", "x");
    }

    @Test
    void clientSetnameGetname() {
        assertThat(call("CLIENT", "GETNAME")).isNull();
        assertThat(call("CLIENT", "SETNAME", "worker-1")).isEqualTo("OK");
        assertThat(call("CLIENT", "GETNAME")).isEqualTo("worker-1");
        assertThat(clientFields((String) call("CLIENT", "INFO"))).containsEntry("name", "worker-1");
        assertError("ERR Client names cannot contain spaces, newlines or special characters.", "CLIENT", "SETNAME", "a b");
        assertError("ERR Client names cannot contain spaces, newlines or special characters.", "CLIENT", "SETNAME", "a\nb");
        assertThat(call("CLIENT", "GETNAME")).isEqualTo("worker-1");
        assertThat(call("CLIENT", "SETNAME", "")).isEqualTo("OK");
        assertThat(call("CLIENT", "GETNAME")).as("an empty name clears it").isNull();
        assertError(wrongArgs("client|setname"), "CLIENT", "SETNAME");
    }

    @Test
    void clientInfoDescribesThisConnection() {
        call("SELECT", "2");
        String info = (String) call("CLIENT", "INFO");
        assertThat(info).endsWith("\n");
        Map<String, String> fields = clientFields(info);
        assertThat(fields).containsKeys("id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db",
                "sub", "psub", "multi", "qbuf", "obl", "oll", "omem", "tot-mem", "events", "cmd", "user", "resp");
        assertThat(fields).containsEntry("db", "2").containsEntry("cmd", "client|info")
                .containsEntry("resp", "2").containsEntry("user", "default").containsEntry("flags", "N");
        assertThat(fields.get("addr")).startsWith("127.0.0.1:");
        assertThat(fields.get("laddr")).isEqualTo("127.0.0.1:" + server.port());
        assertError(wrongArgs("client|info"), "CLIENT", "INFO", "x");
    }

    @Test
    void clientListShowsEveryConnection() {
        Jedis other = newConnection();
        call(other, "CLIENT", "SETNAME", "other");
        long otherId = (Long) call(other, "CLIENT", "ID");
        long myId = (Long) call("CLIENT", "ID");
        String list = (String) call("CLIENT", "LIST");
        assertThat(list).endsWith("\n");
        Map<String, Map<String, String>> byId = new HashMap<>();
        for (String line : list.split("\n")) {
            Map<String, String> fields = clientFields(line);
            byId.put(fields.get("id"), fields);
        }
        assertThat(byId).containsKeys(Long.toString(myId), Long.toString(otherId));
        assertThat(byId.get(Long.toString(otherId))).containsEntry("name", "other");
        assertThat(byId.get(Long.toString(myId))).containsEntry("cmd", "client|list");
        String one = (String) call("CLIENT", "LIST", "ID", Long.toString(otherId));
        assertThat(one.split("\n")).hasSize(1);
        assertThat(clientFields(one)).containsEntry("name", "other");
        assertThat((String) call("CLIENT", "LIST", "ID", "999999")).isEmpty();
        String both = (String) call("CLIENT", "LIST", "ID", Long.toString(myId), "999999", Long.toString(otherId));
        assertThat(both.split("\n")).hasSize(2);
        assertThat((String) call("CLIENT", "LIST", "TYPE", "normal")).contains("id=" + myId + " ", "id=" + otherId + " ");
        assertError("ERR Unknown client type 'foo'", "CLIENT", "LIST", "TYPE", "foo");
        assertError("ERR Invalid client ID", "CLIENT", "LIST", "ID", "x");
    }

    @Test
    void clientKill() {
        try (RespConnection victim = new RespConnection(server.server())) {
            long victimId = Long.parseLong(victim.call("CLIENT", "ID").substring(1).trim());
            assertThat(call("CLIENT", "KILL", "ID", "999999")).isEqualTo(0L);
            assertThat(call("CLIENT", "KILL", "ID", Long.toString(victimId))).isEqualTo(1L);
            assertThat(victim.isClosedByServer()).isTrue();
        }
        try (RespConnection victim = new RespConnection(server.server())) {
            String addr = clientFields(bulkText(victim.call("CLIENT", "INFO"))).get("addr");
            assertThat(call("CLIENT", "KILL", addr)).as("old form: CLIENT KILL addr").isEqualTo("OK");
            assertThat(victim.isClosedByServer()).isTrue();
        }
        try (RespConnection victim = new RespConnection(server.server())) {
            String addr = clientFields(bulkText(victim.call("CLIENT", "INFO"))).get("addr");
            assertThat(call("CLIENT", "KILL", "ADDR", addr)).isEqualTo(1L);
            assertThat(victim.isClosedByServer()).isTrue();
        }
        try (RespConnection victim = new RespConnection(server.server())) {
            String victimId = victim.call("CLIENT", "ID").substring(1).trim();
            assertThat(call("CLIENT", "KILL", "ID", victimId, "LADDR", "1.2.3.4:5")).as("filters combine").isEqualTo(0L);
            assertThat(call("CLIENT", "KILL", "ID", victimId, "LADDR", "127.0.0.1:" + server.port(), "USER", "default"))
                    .isEqualTo(1L);
            assertThat(victim.isClosedByServer()).isTrue();
        }
        assertError("ERR No such user 'nosuchuser'", "CLIENT", "KILL", "USER", "nosuchuser");
        assertError("ERR No such client", "CLIENT", "KILL", "1.2.3.4:5");
        assertError("ERR client-id should be greater than 0", "CLIENT", "KILL", "ID", "x");
        assertError("ERR Unknown client type 'foo'", "CLIENT", "KILL", "TYPE", "foo");
        assertError("ERR syntax error", "CLIENT", "KILL", "SKIPME", "maybe");
        assertThat(call("CLIENT", "KILL", "ID", Long.toString((Long) call("CLIENT", "ID")), "SKIPME", "yes"))
                .as("SKIPME yes spares the caller").isEqualTo(0L);
        assertThat(call("PING")).isEqualTo("PONG");
    }

    @Test
    void clientNoEvict() {
        assertThat(call("CLIENT", "NO-EVICT", "on")).isEqualTo("OK");
        assertThat(clientFields((String) call("CLIENT", "INFO")).get("flags")).contains("e");
        assertThat(call("CLIENT", "NO-EVICT", "off")).isEqualTo("OK");
        assertThat(clientFields((String) call("CLIENT", "INFO")).get("flags")).doesNotContain("e");
        assertError("ERR syntax error", "CLIENT", "NO-EVICT", "maybe");
        assertError(wrongArgs("client|no-evict"), "CLIENT", "NO-EVICT");
    }

    @Test
    void clientReplyOffSkipOn() {
        try (RespConnection raw = new RespConnection(server.server())) {
            raw.send("CLIENT", "REPLY", "OFF");
            raw.send("SET", "k", "silent");
            raw.send("PING");
            assertThat(raw.call("CLIENT", "REPLY", "ON")).as("only the ON gets a reply").isEqualTo("+OK\r\n");
            raw.send("CLIENT", "REPLY", "SKIP");
            raw.send("PING", "skipped");
            assertThat(raw.call("PING", "answered")).isEqualTo("$8\r\nanswered\r\n");
            assertThat(raw.call("GET", "k")).as("commands under REPLY OFF still ran").isEqualTo("$6\r\nsilent\r\n");
            assertThat(raw.call("CLIENT", "REPLY", "maybe")).isEqualTo("-ERR syntax error\r\n");
        }
    }

    @Test
    void clientUnknownSubcommandAndHelp() {
        assertError("ERR unknown subcommand 'foo'. Try CLIENT HELP.", "CLIENT", "foo");
        assertError("ERR unknown subcommand 'FOO'. Try CLIENT HELP.", "CLIENT", "FOO");
        List<String> help = strings(call("CLIENT", "HELP"));
        assertThat(help.get(0)).startsWith("CLIENT <subcommand>");
        assertThat(help).anyMatch(l -> l.startsWith("KILL")).anyMatch(l -> l.startsWith("SETNAME"));
        assertError(wrongArgs("client"), "CLIENT");
    }

    @Test
    void clientSetinfoAsInRedis72() {
        assumeRelog("CLIENT SETINFO arrived in Redis 7.2; Debian's 7.0 replies 'unknown subcommand'");
        assertThat(call("CLIENT", "SETINFO", "lib-name", "mylib")).isEqualTo("OK");
        assertThat(call("CLIENT", "SETINFO", "LIB-VER", "1.2.3")).isEqualTo("OK");
        Map<String, String> fields = clientFields((String) call("CLIENT", "INFO"));
        assertThat(fields).containsEntry("lib-name", "mylib").containsEntry("lib-ver", "1.2.3");
        assertThat(error("CLIENT", "SETINFO", "lib-name", "a b")).startsWith("ERR");
        assertThat(error("CLIENT", "SETINFO", "nosuchattr", "x")).startsWith("ERR");
        assertError(wrongArgs("client|setinfo"), "CLIENT", "SETINFO", "lib-name");
    }

    @Test
    void clientNoTouchAsInRedis72() {
        assumeRelog("CLIENT NO-TOUCH arrived in Redis 7.2; Debian's 7.0 replies 'unknown subcommand'");
        assertThat(call("CLIENT", "NO-TOUCH", "on")).isEqualTo("OK");
        assertThat(clientFields((String) call("CLIENT", "INFO")).get("flags")).contains("T");
        assertThat(call("CLIENT", "NO-TOUCH", "off")).isEqualTo("OK");
        assertThat(clientFields((String) call("CLIENT", "INFO")).get("flags")).doesNotContain("T");
        assertError("ERR syntax error", "CLIENT", "NO-TOUCH", "maybe");
        call("SET", "k", "v");
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> (Long) call("OBJECT", "IDLETIME", "k") >= 1);
        call("CLIENT", "NO-TOUCH", "on");
        assertThat(call("GET", "k")).isEqualTo("v");
        assertThat((Long) call("OBJECT", "IDLETIME", "k")).as("a no-touch GET leaves the idle time").isGreaterThanOrEqualTo(1L);
        assertThat(call("TOUCH", "k")).isEqualTo(1L);
        assertThat(call("OBJECT", "IDLETIME", "k")).as("TOUCH still touches").isEqualTo(0L);
    }

    @Test
    void clientSetinfoAndNoTouchAreUnknownInRedis70() {
        assumeRedis();
        assertError("ERR unknown subcommand 'SETINFO'. Try CLIENT HELP.", "CLIENT", "SETINFO", "lib-name", "x");
        assertError("ERR unknown subcommand 'no-touch'. Try CLIENT HELP.", "CLIENT", "no-touch", "on");
    }

    private static void assumeRedis() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Target.current() == Target.REDIS,
                "documents Redis 7.0's reply; Relog implements the 7.2 subcommands");
    }

    /** The text of a raw RESP bulk (or RESP3 verbatim) reply. */
    static String bulkText(String rawReply) {
        int start = rawReply.indexOf("\r\n") + 2;
        String text = rawReply.substring(start, rawReply.length() - 2);
        return rawReply.startsWith("=") ? text.substring(4) : text;
    }

    /** The {@code name=value} fields of one CLIENT INFO / CLIENT LIST line. */
    static Map<String, String> clientFields(String line) {
        Map<String, String> fields = new HashMap<>();
        for (String field : line.trim().split(" ")) {
            int eq = field.indexOf('=');
            assertThat(eq).as("field '%s' of '%s'", field, line).isPositive();
            fields.put(field.substring(0, eq), field.substring(eq + 1));
        }
        return fields;
    }
}
