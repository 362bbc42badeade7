package io.relog.frontend.it;

import static io.relog.frontend.it.AbstractServerIT.call;
import static io.relog.frontend.it.AbstractServerIT.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.relog.frontend.RelogServer;
import io.relog.frontend.config.ConfigException;
import io.relog.frontend.config.ServerConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * What is configured at start: {@code aclfile} (save and load round trip, a bad line stopping the
 * start), {@code user} directives, {@code rename-command}, and protected mode against a client
 * connecting from a non-loopback address of this machine.
 */
class AclConfigIT {

    @TempDir
    Path dir;

    RelogServer start(Path configFile, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--port", "0", "--bind", "127.0.0.1", "--dir",
                dir.resolve("data").toString(), "--save", ""));
        all.addAll(List.of(args));
        return RelogServer.start(ServerConfig.parse(configFile, all.toArray(String[]::new)));
    }

    static Jedis connect(RelogServer s) {
        return new Jedis("127.0.0.1", s.port(), 15_000);
    }

    @Test
    void aclfileSaveAndLoadRoundTrip() throws Exception {
        Path aclfile = dir.resolve("users.acl");
        Files.writeString(aclfile, "# users\n\nuser alice on >apw ~a:* +@read\n");
        try (RelogServer s = start(null, "--aclfile", aclfile.toString()); Jedis admin = connect(s)) {
            assertThat(call(admin, "ACL", "USERS")).isEqualTo(List.of("alice", "default"));
            try (Jedis alice = connect(s)) {
                assertThat(call(alice, "AUTH", "alice", "apw")).isEqualTo("OK");
                assertThat(call(alice, "GET", "a:1")).isNull();
                assertThat(error(alice, "SET", "a:1", "v")).isEqualTo(AclIT.noperm("set"));
            }
            call(admin, "ACL", "SETUSER", "bob", "on", ">bpw", "allkeys", "+@all", "-flushall");
            call(admin, "ACL", "SETUSER", "default", ">dpw");
            assertThat(call(admin, "ACL", "SAVE")).isEqualTo("OK");
            assertThat(Files.readAllLines(aclfile)).isEqualTo(call(admin, "ACL", "LIST"));
        }
        try (RelogServer s = start(null, "--aclfile", aclfile.toString()); Jedis admin = connect(s)) {
            assertThat(error(admin, "PING")).as("default now has a password").isEqualTo("NOAUTH Authentication required.");
            assertThat(call(admin, "AUTH", "dpw")).isEqualTo("OK");
            assertThat(call(admin, "ACL", "LIST")).isEqualTo(Files.readAllLines(aclfile));
            try (Jedis bob = connect(s); Jedis alice = connect(s)) {
                assertThat(call(bob, "AUTH", "bob", "bpw")).isEqualTo("OK");
                assertThat(error(bob, "FLUSHALL")).isEqualTo(AclIT.noperm("flushall"));
                assertThat(call(alice, "AUTH", "alice", "apw")).isEqualTo("OK");
                // ACL LOAD replaces the users: their connections are closed, the default user's stay.
                Files.writeString(aclfile, "user default on nopass ~* &* +@all\nuser carol on >cpw +ping\n");
                assertThat(call(admin, "ACL", "LOAD")).isEqualTo("OK");
                assertThat(AclIT.catchIo(() -> call(bob, "PING"))).isTrue();
                assertThat(AclIT.catchIo(() -> call(alice, "PING"))).isTrue();
                assertThat(call(admin, "ACL", "USERS")).isEqualTo(List.of("carol", "default"));
                // A bad file changes nothing.
                Files.writeString(aclfile, "user default on nopass ~* &* +@all\nuser dave on +nosuch\n");
                assertThat(error(admin, "ACL", "LOAD")).isEqualTo("ERR " + aclfile + ":2: Error in applying operation "
                        + "'+nosuch': Unknown command or category name in ACL. WARNING: ACL errors detected, no change "
                        + "to the previously active ACL rules was performed");
                assertThat(call(admin, "ACL", "USERS")).isEqualTo(List.of("carol", "default"));
            }
        }
    }

    @Test
    void aclSaveAndLoadNeedAnAclfile() throws Exception {
        try (RelogServer s = start(null); Jedis admin = connect(s)) {
            assertThat(error(admin, "ACL", "SAVE")).startsWith(
                    "ERR This Redis instance is not configured to use an ACL file.");
            assertThat(error(admin, "ACL", "LOAD")).startsWith(
                    "ERR This Redis instance is not configured to use an ACL file.");
        }
    }

    @Test
    void aBadAclfileLineStopsTheStartNamingFileLineAndReason() throws Exception {
        Path aclfile = dir.resolve("bad.acl");
        Files.writeString(aclfile, "user default on nopass ~* &* +@all\n# comment\nuser eve on +nosuch\n");
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> start(null, "--aclfile", aclfile.toString()).close());
        assertThat(e).isNotNull();
        assertThat(e.source()).isEqualTo("the ACL file " + aclfile);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.getMessage()).contains("user eve on +nosuch")
                .contains("Error in applying operation '+nosuch': Unknown command or category name in ACL");

        Files.writeString(aclfile, "usr default on\n");
        e = catchThrowableOfType(ConfigException.class, () -> start(null, "--aclfile", aclfile.toString()).close());
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.reason()).contains("should start with user keyword followed by the username");

        e = catchThrowableOfType(ConfigException.class,
                () -> start(null, "--aclfile", dir.resolve("missing.acl").toString()).close());
        assertThat(e.reason()).contains("No such file or directory");
    }

    @Test
    void userDirectivesInTheConfigFile() throws Exception {
        Path conf = dir.resolve("relog.conf");
        Files.writeString(conf, "# users\nuser default on >dpw ~* &* +@all\nuser \"app\" on >apw ~app:* +@all\n");
        try (RelogServer s = start(conf); Jedis j = connect(s)) {
            assertThat(error(j, "PING")).isEqualTo("NOAUTH Authentication required.");
            assertThat(call(j, "AUTH", "app", "apw")).isEqualTo("OK");
            assertThat(call(j, "SET", "app:1", "v")).isEqualTo("OK");
            assertThat(error(j, "SET", "other", "v")).isEqualTo(AclIT.NOPERM_KEYS);
        }
        Files.writeString(conf, "port 0\n\nuser alice on +nosuch\n");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> start(conf).close());
        assertThat(e.source()).contains(conf.toString());
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.reason()).isEqualTo("Error in applying operation '+nosuch': Unknown command or category name in ACL");

        Files.writeString(conf, "user alice on\naclfile " + dir.resolve("x.acl") + "\n");
        e = catchThrowableOfType(ConfigException.class, () -> start(conf).close());
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.reason()).startsWith("Configuring Redis with users defined in redis.conf and at the same setting "
                + "an ACL file path is invalid.");
    }

    @Test
    void renameCommandChangesTheNameClientsUseButNotTheLog() throws Exception {
        Path conf = dir.resolve("relog.conf");
        Files.writeString(conf, "rename-command set myset\nrename-command FLUSHALL \"\"\n");
        long count;
        try (RelogServer plain = RelogServer.start(ServerConfig.fromArgs("--port", "0", "--bind", "127.0.0.1",
                "--dir", dir.resolve("plain").toString(), "--save", "")); Jedis j = connect(plain)) {
            count = (Long) call(j, "COMMAND", "COUNT");
        }
        try (RelogServer s = start(conf, "--appendonly", "yes"); Jedis j = connect(s)) {
            assertThat(call(j, "MYSET", "k", "v")).isEqualTo("OK");
            assertThat(call(j, "GET", "k")).isEqualTo("v");
            assertThat(error(j, "SET", "k", "v")).isEqualTo("ERR unknown command 'SET', with args beginning with: 'k' 'v' ");
            assertThat(error(j, "FLUSHALL")).startsWith("ERR unknown command 'FLUSHALL'");
            assertThat(call(j, "COMMAND", "COUNT")).isEqualTo(count - 1);
            assertThat(call(j, "COMMAND", "INFO", "myset")).asList().element(0).asList().element(0).isEqualTo("set");
            assertThat(call(j, "COMMAND", "INFO", "set")).asList().containsExactly((Object) null);
            call(j, "MULTI");
            call(j, "myset", "t", "1");
            assertThat(call(j, "EXEC")).isEqualTo(List.of("OK"));
            // ACL rules name commands by their original names.
            assertThat(call(j, "ACL", "SETUSER", "u", "+set")).isEqualTo("OK");
            assertThat(error(j, "ACL", "SETUSER", "u", "+myset")).isEqualTo(
                    "ERR Error in ACL SETUSER modifier '+myset': Unknown command or category name in ACL");
            await().atMost(Duration.ofSeconds(10)).until(() -> logBytes().contains("$3\r\nset\r\n$1\r\nt"));
            assertThat(logBytes()).contains("$3\r\nset\r\n$1\r\nk\r\n").doesNotContain("myset");
        }
        // The log replays at the next start, with or without the renames.
        try (RelogServer s = start(conf, "--appendonly", "yes"); Jedis j = connect(s)) {
            assertThat(call(j, "GET", "k")).isEqualTo("v");
            assertThat(call(j, "GET", "t")).isEqualTo("1");
        }
        try (RelogServer s = start(null, "--appendonly", "yes"); Jedis j = connect(s)) {
            assertThat(call(j, "GET", "t")).isEqualTo("1");
            assertThat(call(j, "SET", "x", "y")).isEqualTo("OK");
        }
        Files.writeString(conf, "port 0\nrename-command nosuch x\n");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> start(conf).close());
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.reason()).isEqualTo("No such command in rename-command");
        Files.writeString(conf, "rename-command set get\n");
        e = catchThrowableOfType(ConfigException.class, () -> start(conf).close());
        assertThat(e.reason()).isEqualTo("Target command name already exists");
    }

    private String logBytes() throws Exception {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.list(dir.resolve("data").resolve("log"))) {
            for (Path p : files.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
                sb.append(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
            }
        }
        return sb.toString();
    }

    /** A non-loopback IPv4 address of this machine, or {@code null}. */
    static InetAddress nonLoopbackAddress() throws Exception {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!ni.isUp() || ni.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return a;
                }
            }
        }
        return null;
    }

    /** Connects from {@code local} to {@code host:port}, sends PING and returns the first reply line. */
    static String firstLine(InetAddress host, int port) throws Exception {
        try (Socket sock = new Socket(host, port, host, 0)) {
            sock.setSoTimeout(15_000);
            OutputStream out = sock.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new BufferedReader(new InputStreamReader(sock.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
        }
    }

    @Test
    void protectedModeRefusesRemoteClientsWhileTheDefaultUserHasNoPassword() throws Exception {
        InetAddress remote = nonLoopbackAddress();
        assertThat(remote).as("this test needs a non-loopback address on the machine").isNotNull();
        try (RelogServer s = start(null, "--bind", "127.0.0.1", remote.getHostAddress()); Jedis local = connect(s)) {
            assertThat(s.config().get("protected-mode")).isEqualTo("yes");
            String denied = firstLine(remote, s.port());
            assertThat(denied).startsWith("-DENIED Redis is running in protected mode because protected mode is "
                    + "enabled and no password is set for the default user.")
                    .endsWith("NOTE: You only need to do one of the above things in order for the server to start "
                            + "accepting connections from the outside.");
            assertThat(firstLine(InetAddress.getLoopbackAddress(), s.port())).isEqualTo("+PONG");
            call(local, "CONFIG", "SET", "requirepass", "pw");
            assertThat(firstLine(remote, s.port())).as("a password lifts protected mode")
                    .isEqualTo("-NOAUTH Authentication required.");
            call(local, "CONFIG", "SET", "requirepass", "");
            assertThat(firstLine(remote, s.port())).startsWith("-DENIED");
            call(local, "CONFIG", "SET", "protected-mode", "no");
            assertThat(firstLine(remote, s.port())).isEqualTo("+PONG");
        }
    }

    @Test
    void theDefaultBindIsLoopbackOnly() {
        ServerConfig c = ServerConfig.defaults();
        assertThat(c.get("bind")).isEqualTo("127.0.0.1 -::1");
        assertThat(c.get("protected-mode")).isEqualTo("yes");
    }
}
