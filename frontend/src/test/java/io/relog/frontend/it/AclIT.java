package io.relog.frontend.it;

import static io.relog.frontend.it.AbstractServerIT.call;
import static io.relog.frontend.it.AbstractServerIT.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * ACL users through real clients: every rule type, the exact NOPERM texts of Redis 7.0, ACL LOG,
 * DRYRUN, DELUSER closing the user's connections, and the rule descriptions of ACL LIST compared
 * with what Debian's redis-server 7.0 prints for the same SETUSER.
 */
class AclIT {

    @RegisterExtension
    static final ServerUnderTest server = new ServerUnderTest();

    static final String NOPERM_KEYS = "NOPERM this user has no permissions to access one of the keys used as arguments";
    static final String NOPERM_CHANNELS =
            "NOPERM this user has no permissions to access one of the channels used as arguments";
    static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";

    static String noperm(String command) {
        return "NOPERM this user has no permissions to run the '" + command + "' command";
    }

    Jedis admin() {
        return new Jedis(server.host(), server.port(), 15_000); // the shared machine can be slow
    }

    /** A new connection authenticated as {@code user}. */
    Jedis as(String user, String password) {
        Jedis j = admin();
        assertThat(call(j, "AUTH", user, password)).isEqualTo("OK");
        return j;
    }

    @AfterEach
    void dropUsers() {
        try (Jedis j = admin()) {
            for (Object u : (List<?>) call(j, "ACL", "USERS")) {
                if (!u.equals("default")) {
                    call(j, "ACL", "DELUSER", (String) u);
                }
            }
            call(j, "ACL", "LOG", "RESET");
        }
    }

    @Test
    void commandRulesAllowAndDenyWithRedisTexts() {
        try (Jedis a = admin()) {
            assertThat(call(a, "ACL", "SETUSER", "u", "on", ">pw", "allkeys", "+@string", "-set", "+config|get",
                    "+select|0", "+@pubsub", "-publish")).isEqualTo("OK");
        }
        try (Jedis u = as("u", "pw")) {
            assertThat(call(u, "GET", "cmd:none")).isNull();
            assertThat(call(u, "INCR", "cmd:n")).isEqualTo(1L);
            assertThat(error(u, "SET", "k", "v")).isEqualTo(noperm("set"));
            assertThat(error(u, "LPUSH", "l", "x")).isEqualTo(noperm("lpush"));
            assertThat(call(u, "CONFIG", "GET", "port")).isInstanceOf(List.class);
            assertThat(error(u, "CONFIG", "SET", "hz", "10")).isEqualTo(noperm("config|set"));
            assertThat(call(u, "SELECT", "0")).isEqualTo("OK");
            assertThat(error(u, "SELECT", "1")).isEqualTo(noperm("select"));
            assertThat(error(u, "PUBLISH", "c", "m")).isEqualTo(noperm("publish"));
            // Unknown commands and arity are reported before permissions, as in Redis.
            assertThat(error(u, "NOSUCH")).startsWith("ERR unknown command 'NOSUCH'");
            assertThat(error(u, "SET", "k")).isEqualTo("ERR wrong number of arguments for 'set' command");
        }
        try (Jedis a = admin()) {
            call(a, "ACL", "SETUSER", "u", "allcommands", "-flushall");
            call(a, "ACL", "SETUSER", "v", "on", "nopass", "allkeys", "nocommands", "+ping");
        }
        try (Jedis u = as("u", "pw"); Jedis v = as("v", "anything")) {
            assertThat(call(u, "SET", "k", "v")).isEqualTo("OK");
            assertThat(error(u, "FLUSHALL")).isEqualTo(noperm("flushall"));
            assertThat(call(v, "PING")).isEqualTo("PONG");
            assertThat(error(v, "GET", "k")).isEqualTo(noperm("get"));
        }
    }

    @Test
    void keyPatternsWithReadAndWritePermissions() {
        try (Jedis a = admin()) {
            call(a, "ACL", "SETUSER", "k", "on", ">pw", "+@all", "~app:*", "%R~ro:*", "%W~wo:*", "%RW~both:*");
            call(a, "SET", "ro:1", "x");
        }
        try (Jedis k = as("k", "pw")) {
            assertThat(call(k, "SET", "app:1", "v")).isEqualTo("OK");
            assertThat(error(k, "SET", "other", "v")).isEqualTo(NOPERM_KEYS);
            assertThat(call(k, "GET", "ro:1")).isEqualTo("x");
            assertThat(error(k, "SET", "ro:1", "y")).isEqualTo(NOPERM_KEYS);
            assertThat(call(k, "SET", "wo:1", "y")).as("SET without GET only writes").isEqualTo("OK");
            assertThat(error(k, "GET", "wo:1")).isEqualTo(NOPERM_KEYS);
            assertThat(error(k, "SET", "wo:1", "z", "GET")).as("SET .. GET reads too").isEqualTo(NOPERM_KEYS);
            assertThat(error(k, "INCR", "wo:n")).as("INCR reads and writes").isEqualTo(NOPERM_KEYS);
            assertThat(call(k, "LPUSH", "wo:l", "a")).as("LPUSH inserts without reading").isEqualTo(1L);
            assertThat(call(k, "INCR", "both:n")).isEqualTo(1L);
            // Every key of a multi-key command is checked, each for what the command does with it.
            assertThat(error(k, "MSET", "app:2", "v", "other", "v")).isEqualTo(NOPERM_KEYS);
            assertThat(call(k, "COPY", "ro:1", "wo:copy")).as("COPY reads the source, writes the target")
                    .isEqualTo(1L);
            assertThat(error(k, "COPY", "wo:copy", "ro:2")).isEqualTo(NOPERM_KEYS);
            assertThat(call(k, "EXISTS", "wo:1")).as("EXISTS neither reads nor writes the value").isEqualTo(1L);
            assertThat(error(k, "ZUNIONSTORE", "app:z", "2", "app:a", "other")).isEqualTo(NOPERM_KEYS);
            assertThat(call(k, "ZUNIONSTORE", "app:z", "2", "app:a", "ro:z")).isEqualTo(0L);
        }
        try (Jedis a = admin()) {
            assertThat(call(a, "ACL", "SETUSER", "k", "resetkeys", "allkeys")).isEqualTo("OK");
            assertThat(error(a, "ACL", "SETUSER", "k", "~more")).isEqualTo("ERR Error in ACL SETUSER modifier '~more': "
                    + "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any "
                    + "effect. Try 'resetkeys' to start with an empty list of patterns");
        }
        try (Jedis k = as("k", "pw")) {
            assertThat(call(k, "SET", "other", "v")).isEqualTo("OK");
        }
    }

    @Test
    void channelPatternsForPublishAndSubscribe() {
        try (Jedis a = admin()) {
            call(a, "ACL", "SETUSER", "p", "on", ">pw", "+@all", "allkeys", "resetchannels", "&news.*");
        }
        try (Jedis p = as("p", "pw")) {
            assertThat(call(p, "PUBLISH", "news.1", "m")).isEqualTo(0L);
            assertThat(error(p, "PUBLISH", "sports", "m")).isEqualTo(NOPERM_CHANNELS);
            assertThat(error(p, "SUBSCRIBE", "news.1", "sports")).isEqualTo(NOPERM_CHANNELS);
            // PSUBSCRIBE patterns must equal an allowed pattern, not merely match it.
            assertThat(error(p, "PSUBSCRIBE", "news.1*")).isEqualTo(NOPERM_CHANNELS);
        }
        try (Jedis p = as("p", "pw")) {
            assertThat(call(p, "PSUBSCRIBE", "news.*")).isInstanceOf(List.class);
        }
        try (Jedis a = admin()) {
            call(a, "ACL", "SETUSER", "p", "allchannels");
        }
        try (Jedis p = as("p", "pw")) {
            assertThat(call(p, "PUBLISH", "sports", "m")).isEqualTo(0L);
        }
    }

    @Test
    void passwordsAndOnOff() {
        String hash = "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"; // sha256("x")
        try (Jedis a = admin()) {
            call(a, "ACL", "SETUSER", "w", ">one", ">two", "#" + hash, "+@all");
            assertThat(error(admin(), "AUTH", "w", "one")).as("off").isEqualTo(WRONGPASS);
            call(a, "ACL", "SETUSER", "w", "on");
            for (String pw : List.of("one", "two", "x")) {
                try (Jedis w = as("w", pw)) {
                    assertThat(call(w, "ACL", "WHOAMI")).isEqualTo("w");
                }
            }
            call(a, "ACL", "SETUSER", "w", "<one", "!" + hash);
            assertThat(error(admin(), "AUTH", "w", "one")).isEqualTo(WRONGPASS);
            assertThat(error(admin(), "AUTH", "w", "x")).isEqualTo(WRONGPASS);
            assertThat(error(a, "ACL", "SETUSER", "w", "<nope")).isEqualTo("ERR Error in ACL SETUSER modifier "
                    + "'<nope': The password you are trying to remove from the user does not exist");
            assertThat(error(a, "ACL", "SETUSER", "w", "#abc")).isEqualTo("ERR Error in ACL SETUSER modifier '#abc': "
                    + "The password hash must be exactly 64 characters and contain only lowercase hexadecimal "
                    + "characters");
            call(a, "ACL", "SETUSER", "w", "nopass");
            as("w", "whatever").close();
            call(a, "ACL", "SETUSER", "w", "resetpass");
            assertThat(error(admin(), "AUTH", "w", "whatever")).isEqualTo(WRONGPASS);
            call(a, "ACL", "SETUSER", "w", "reset");
            assertThat(call(a, "ACL", "LIST")).asList().contains("user w off sanitize-payload resetchannels -@all");
            // A refused rule changes nothing: SETUSER is all or nothing.
            assertThat(error(a, "ACL", "SETUSER", "w", "on", "+nosuch")).isEqualTo(
                    "ERR Error in ACL SETUSER modifier '+nosuch': Unknown command or category name in ACL");
            assertThat(call(a, "ACL", "GETUSER", "w")).asList().element(1).asList().containsExactly("off",
                    "sanitize-payload");
            assertThat(error(a, "ACL", "SETUSER", "w", "bogus"))
                    .isEqualTo("ERR Error in ACL SETUSER modifier 'bogus': Syntax error");
        }
    }

    @Test
    void helloAuthAndResetAndClientList() {
        try (Jedis a = admin()) {
            call(a, "ACL", "SETUSER", "h", "on", ">pw", "+@all", "allkeys");
        }
        try (Jedis h = admin()) {
            assertThat(error(h, "HELLO", "3", "AUTH", "h", "bad")).isEqualTo(WRONGPASS);
            assertThat(call(h, "HELLO", "2", "AUTH", "h", "pw")).asList().contains("proto", 2L);
            assertThat(call(h, "ACL", "WHOAMI")).isEqualTo("h");
            assertThat((String) call(h, "CLIENT", "INFO")).contains(" user=h ");
            assertThat(call(h, "RESET")).isEqualTo("RESET");
            assertThat(call(h, "ACL", "WHOAMI")).isEqualTo("default");
        }
    }

    @Test
    void aclLogRecordsDenialsAndAuthFailures() {
        try (Jedis a = admin()) {
            call(a, "ACL", "SETUSER", "l", "on", ">pw", "~k*", "&ch*", "+get", "+publish", "+multi", "+exec");
        }
        try (Jedis l = as("l", "pw")) {
            error(l, "SET", "k", "v");
            error(l, "SET", "k", "v");
            error(l, "GET", "zz");
            error(l, "PUBLISH", "other", "m");
            call(l, "MULTI");
            assertThat(error(l, "GET", "zz2")).isEqualTo(NOPERM_KEYS);
            assertThat(error(l, "EXEC")).isEqualTo("EXECABORT Transaction discarded because of previous errors.");
        }
        error(admin(), "AUTH", "l", "wrong");
        try (Jedis a = admin()) {
            List<?> log = (List<?>) call(a, "ACL", "LOG");
            assertThat(log).hasSize(5);
            assertThat(entry(log.get(0))).containsEntry("reason", "auth").containsEntry("object", "AUTH")
                    .containsEntry("username", "l").containsEntry("context", "toplevel");
            assertThat(entry(log.get(1))).containsEntry("reason", "key").containsEntry("object", "zz2")
                    .containsEntry("context", "multi");
            assertThat(entry(log.get(2))).containsEntry("reason", "channel").containsEntry("object", "other");
            assertThat(entry(log.get(3))).containsEntry("reason", "key").containsEntry("object", "zz");
            Map<String, Object> set = entry(log.get(4));
            assertThat(set).containsEntry("reason", "command").containsEntry("object", "set")
                    .containsEntry("count", 2L).containsEntry("username", "l");
            assertThat((String) set.get("client-info")).contains(" user=l ").contains(" cmd=");
            assertThat(Double.parseDouble((String) set.get("age-seconds"))).isBetween(0.0, 60.0);
            assertThat((List<?>) call(a, "ACL", "LOG", "2")).hasSize(2);
            assertThat(call(a, "ACL", "LOG", "RESET")).isEqualTo("OK");
            assertThat((List<?>) call(a, "ACL", "LOG")).isEmpty();
        }
    }

    @Test
    void execRechecksQueuedCommandsAndRevokedChannelsCloseSubscribers() throws Exception {
        try (Jedis a = admin()) {
            call(a, "ACL", "SETUSER", "x", "on", ">pw", "allkeys", "allchannels", "+@all");
            try (RespConnection x = new RespConnection(server.server())) {
                assertThat(x.call("AUTH", "x", "pw")).isEqualTo("+OK\r\n");
                x.call("MULTI");
                x.call("GET", "exec:k");
                x.call("SET", "exec:k", "v");
                x.call("PUBLISH", "c", "m");
                call(a, "ACL", "SETUSER", "x", "-get", "resetchannels");
                String prefix = "-NOPERM ACLs rules changed between the moment the transaction was accumulated and "
                        + "the EXEC call. This command is no longer allowed for the following reason: ";
                assertThat(x.call("EXEC")).isEqualTo("*3\r\n"
                        + prefix + "no permission to execute the command or subcommand\r\n"
                        + "+OK\r\n"
                        + prefix + "no permission to access one of the channels used as arguments\r\n");
            }
            assertThat(entry(((List<?>) call(a, "ACL", "LOG")).get(0))).containsEntry("context", "multi")
                    .containsEntry("object", "c");
            call(a, "ACL", "SETUSER", "x", "&news");
            try (RespConnection sub = new RespConnection(server.server())) {
                assertThat(sub.call("AUTH", "x", "pw")).isEqualTo("+OK\r\n");
                assertThat(sub.call("SUBSCRIBE", "news")).startsWith("*3\r\n$9\r\nsubscribe\r\n");
                call(a, "ACL", "SETUSER", "x", "&more");
                call(a, "PUBLISH", "news", "still allowed");
                assertThat(sub.readReply()).contains("still allowed");
                call(a, "ACL", "SETUSER", "x", "resetchannels", "&other");
                assertThat(sub.isClosedByServer()).as("a subscriber that lost its channel is closed").isTrue();
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> entry(Object flat) {
        List<Object> l = (List<Object>) flat;
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < l.size(); i += 2) {
            m.put((String) l.get(i), l.get(i + 1));
        }
        return m;
    }

    @Test
    void deluserClosesTheUsersConnections() {
        try (Jedis a = admin()) {
            call(a, "ACL", "SETUSER", "d", "on", ">pw", "+@all", "allkeys");
            try (Jedis d = as("d", "pw"); Jedis other = admin()) {
                assertThat(call(d, "PING")).isEqualTo("PONG");
                assertThat(call(a, "ACL", "DELUSER", "d", "nosuch")).isEqualTo(1L);
                assertThat(catchIo(() -> call(d, "PING"))).as("d's connection is closed").isTrue();
                assertThat(call(other, "PING")).isEqualTo("PONG");
            }
            assertThat(error(a, "ACL", "DELUSER", "default")).isEqualTo("ERR The 'default' user cannot be removed");
            assertThat(call(a, "ACL", "GETUSER", "d")).isNull();
        }
    }

    static boolean catchIo(Runnable r) {
        try {
            r.run();
            return false;
        } catch (redis.clients.jedis.exceptions.JedisConnectionException e) {
            return true;
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void dryrunCatGenpassUsersGetuser() {
        try (Jedis a = admin()) {
            call(a, "ACL", "SETUSER", "t", "on", ">x", "~a", "%W~b", "%R~c", "%RW~d", "allchannels", "+get", "+set");
            assertThat(call(a, "ACL", "DRYRUN", "t", "get", "a")).isEqualTo("OK");
            assertThat(call(a, "ACL", "DRYRUN", "t", "get", "b"))
                    .isEqualTo("This user has no permissions to access the 'b' key");
            assertThat(call(a, "ACL", "DRYRUN", "t", "set", "c", "1"))
                    .isEqualTo("This user has no permissions to access the 'c' key");
            assertThat(call(a, "ACL", "DRYRUN", "t", "publish", "x", "y"))
                    .isEqualTo("This user has no permissions to run the 'publish' command");
            assertThat(error(a, "ACL", "DRYRUN", "nobody", "get", "a")).isEqualTo("ERR User 'nobody' not found");
            assertThat(error(a, "ACL", "DRYRUN", "t", "foo")).isEqualTo("ERR Command 'foo' not found");
            assertThat(call(a, "ACL", "USERS")).isEqualTo(List.of("default", "t"));
            assertThat(call(a, "ACL", "GETUSER", "t")).isEqualTo(List.of(
                    "flags", List.of("on"),
                    "passwords", List.of("2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"),
                    "commands", "-@all +get +set",
                    "keys", "~a %W~b %R~c ~d",
                    "channels", "&*",
                    "selectors", List.of()));
            @SuppressWarnings("unchecked") List<Object> cats = (List<Object>) call(a, "ACL", "CAT");
            assertThat(cats).hasSize(21).startsWith("keyspace", "read", "write").endsWith("scripting");
            assertThat((List<Object>) call(a, "ACL", "CAT", "string")).contains("get", "set", "incr")
                    .doesNotContain("lpush");
            assertThat(error(a, "ACL", "CAT", "nope")).isEqualTo("ERR Unknown category 'nope'");
            assertThat((String) call(a, "ACL", "GENPASS")).matches("[0-9a-f]{64}");
            assertThat((String) call(a, "ACL", "GENPASS", "5")).matches("[0-9a-f]{2}");
            assertThat(error(a, "ACL", "GENPASS", "0")).isEqualTo("ERR ACL GENPASS argument must be the number of "
                    + "bits for the output password, a positive number up to 4096");
        }
    }

    @Test
    void aclListDescribesRulesAsRedisDoes() throws Exception {
        List<List<String>> cases = List.of(
                List.of("on", ">p1", "~foo*", "%R~bar*", "&chan*", "+@string", "-set"),
                List.of("+get", "+get"),
                List.of("+get", "-get"),
                List.of("+@string", "-@dangerous"),
                List.of("allcommands", "-get"),
                List.of("+get", "+set", "-@all", "+incr"),
                List.of("+config", "+config|get"),
                List.of("-config", "+config|get", "-config|get"),
                List.of("+select|0", "+select|1", "-select"),
                // Several single commands are listed in the order of Redis' hash table there and of
                // the command table here: normalized() sorts them, everything else stays in order.
                List.of("reset", "on", "nopass", "allkeys", "allchannels", "+@all", "-flushall"),
                List.of("on", "~a", "%W~b", "%R~c", "%RW~d", "allchannels", "+@list"),
                List.of("+@read", "+@hash"),
                List.of("+@read", "+@string", "-@write"),
                List.of("reset", "on", "nopass", "allkeys", "allchannels", "+@all", "-@admin"));
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("acl-redis");
        try (RedisServerProcess redis = RedisServerProcess.start(dir, List.of());
                Jedis r = new Jedis("127.0.0.1", redis.port()); Jedis a = admin()) {
            for (List<String> rules : cases) {
                String[] args = new String[rules.size() + 3];
                args[0] = "ACL";
                args[1] = "SETUSER";
                args[2] = "cmp";
                for (int i = 0; i < rules.size(); i++) {
                    args[i + 3] = rules.get(i);
                }
                call(r, "ACL", "DELUSER", "cmp");
                call(a, "ACL", "DELUSER", "cmp");
                assertThat(call(r, args)).isEqualTo("OK");
                assertThat(call(a, args)).isEqualTo("OK");
                assertThat(normalized(call(a, "ACL", "LIST"))).as("ACL LIST after %s", rules)
                        .isEqualTo(normalized(call(r, "ACL", "LIST")));
            }
        }
    }

    /** ACL LIST lines with the single-command rules ({@code +get}, {@code -config|set}) sorted. */
    static List<String> normalized(Object list) {
        List<String> out = new java.util.ArrayList<>();
        for (Object line : (List<?>) list) {
            List<String> fixed = new java.util.ArrayList<>();
            List<String> singles = new java.util.ArrayList<>();
            for (String w : ((String) line).split(" ")) {
                boolean single = (w.startsWith("+") || w.startsWith("-")) && !w.startsWith("+@") && !w.startsWith("-@");
                (single ? singles : fixed).add(w);
            }
            java.util.Collections.sort(singles);
            fixed.addAll(singles);
            out.add(String.join(" ", fixed));
        }
        return out;
    }

    @Test
    void requirepassIsTheDefaultUsersPassword() {
        try (Jedis a = admin()) {
            assertThat(error(a, "AUTH", "x")).startsWith("ERR AUTH <password> called without any password");
            call(a, "CONFIG", "SET", "requirepass", "sekret");
            try {
                assertThat(call(a, "ACL", "LIST")).asList().contains(
                        "user default on #" + sha256("sekret") + " ~* &* +@all");
                try (Jedis fresh = admin()) {
                    assertThat(error(fresh, "PING")).isEqualTo("NOAUTH Authentication required.");
                    assertThat(call(fresh, "AUTH", "sekret")).isEqualTo("OK");
                }
                assertThat(call(a, "PING")).as("an authenticated connection stays so").isEqualTo("PONG");
            } finally {
                call(a, "CONFIG", "SET", "requirepass", "");
            }
            assertThat(call(a, "ACL", "LIST")).asList().contains("user default on nopass ~* &* +@all");
        }
    }

    static String sha256(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void redisCliAuthenticatesAsAUser() throws Exception {
        try (Jedis a = admin()) {
            call(a, "ACL", "SETUSER", "cli", "on", ">pw", "+get", "allkeys");
        }
        Process p = new ProcessBuilder(RedisCliIT.REDIS_CLI, "-p", Integer.toString(server.port()), "--user", "cli",
                "--pass", "pw", "--no-auth-warning", "SET", "k", "v").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(out.strip()).isEqualTo(noperm("set"));
        await().atMost(Duration.ofSeconds(5)).until(() -> !p.isAlive());
    }
}
