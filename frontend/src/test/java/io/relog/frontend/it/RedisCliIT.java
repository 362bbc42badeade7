package io.relog.frontend.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Debian's {@code redis-cli} (redis-tools) against the server: its stdout is compared byte for
 * byte, in raw mode (the default when stdout is not a terminal) and formatted ({@code --no-raw}),
 * over RESP2 and RESP3 ({@code -3}), plus its SCAN, pipe and bigkeys modes; and a short
 * {@code redis-benchmark} run (many pipelining clients at once).
 */
class RedisCliIT extends AbstractServerIT {

    static final String REDIS_CLI = System.getProperty("relog.it.redis-cli", "/usr/bin/redis-cli");

    @Test
    void rawRepliesOfBasicCommands() {
        assertThat(cli("PING")).isEqualTo("PONG\n");
        assertThat(cli("SET", "k", "v")).isEqualTo("OK\n");
        assertThat(cli("GET", "k")).isEqualTo("v\n");
        assertThat(cli("GET", "missing")).isEqualTo("\n");
        assertThat(cli("INCR", "n")).isEqualTo("1\n");
        assertThat(cli("MGET", "k", "missing", "n")).isEqualTo("v\n\n1\n");
        assertThat(cli("DBSIZE")).isEqualTo("2\n");
        assertThat(cli("ECHO", "hello world")).isEqualTo("hello world\n");
    }

    @Test
    void formattedReplies() {
        assertThat(cli("--no-raw", "PING")).isEqualTo("PONG\n");
        assertThat(cli("--no-raw", "SET", "k", "v")).isEqualTo("OK\n");
        assertThat(cli("--no-raw", "GET", "k")).isEqualTo("\"v\"\n");
        assertThat(cli("--no-raw", "GET", "missing")).isEqualTo("(nil)\n");
        assertThat(cli("--no-raw", "INCRBY", "n", "5")).isEqualTo("(integer) 5\n");
        assertThat(cli("--no-raw", "MGET", "k", "missing")).isEqualTo("1) \"v\"\n2) (nil)\n");
        assertThat(cli("--no-raw", "KEYS", "nomatch*")).isEqualTo("(empty array)\n");
        assertThat(cli("--no-raw", "INCRBYFLOAT", "f", "1.5")).isEqualTo("\"1.5\"\n");
        assertThat(cli("--no-raw", "TYPE", "k")).isEqualTo("string\n");
        assertThat(cli("--no-raw", "TTL", "k")).isEqualTo("(integer) -1\n");
    }

    @Test
    void nestedReplyFormatting() {
        call("MSET", "a", "ohmytext", "b", "mynewtext");
        assertThat(cli("--no-raw", "LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN")).isEqualTo(
                "1) \"matches\"\n"
                + "2) 1) 1) 1) (integer) 4\n"
                + "         2) (integer) 7\n"
                + "      2) 1) (integer) 5\n"
                + "         2) (integer) 8\n"
                + "      3) (integer) 4\n"
                + "3) \"len\"\n"
                + "4) (integer) 6\n");
    }

    @Test
    void errors() {
        call("SET", "k", "v");
        assertThat(cli("INCR", "k")).isEqualTo("ERR value is not an integer or out of range\n\n");
        assertThat(cli("--no-raw", "INCR", "k")).isEqualTo("(error) ERR value is not an integer or out of range\n");
        assertThat(cli("--no-raw", "GET")).isEqualTo("(error) ERR wrong number of arguments for 'get' command\n");
        assertThat(cli("--no-raw", "SELECT", "16")).isEqualTo("(error) ERR DB index is out of range\n");
        assertThat(cli("--no-raw", "nosuchcommand", "x"))
                .isEqualTo("(error) ERR unknown command 'nosuchcommand', with args beginning with: 'x' \n");
        CliResult failing = run(List.of("-e", "INCR", "k"), null);
        assertThat(failing.exitCode).as("-e exits non-zero on an error reply").isEqualTo(1);
        assertThat(failing.stdout).isEmpty();
        assertThat(failing.stderr).isEqualTo("ERR value is not an integer or out of range\n");
    }

    @Test
    void resp3WithDashThree() {
        assertThat(cli("-3", "--no-raw", "GET", "missing")).isEqualTo("(nil)\n");
        assertThat(cli("-3", "--no-raw", "CONFIG", "GET", "databases")).isEqualTo("1# \"databases\" => \"16\"\n");
        String hello = cli("-3", "--no-raw", "HELLO", "3");
        assertThat(hello).contains("# \"proto\" => (integer) 3\n", "# \"mode\" => \"standalone\"\n",
                "# \"role\" => \"master\"\n", "# \"modules\" => (empty array)\n");
        assertThat(cli("-3", "SET", "k", "v")).isEqualTo("OK\n");
        assertThat(cli("-3", "--no-raw", "GET", "k")).isEqualTo("\"v\"\n");
    }

    @Test
    void selectDatabaseWithDashN() {
        assertThat(cli("-n", "3", "SET", "k", "three")).isEqualTo("OK\n");
        assertThat(call("GET", "k")).isNull();
        call("SELECT", "3");
        assertThat(call("GET", "k")).isEqualTo("three");
        assertThat(cli("-n", "3", "GET", "k")).isEqualTo("three\n");
    }

    @Test
    void commandsFromStdinAndRepeat() {
        assertThat(run(List.of(), "SET a 1\nGET a\nINCR a\nEXISTS a missing\n").stdout).isEqualTo("OK\n1\n2\n1\n");
        assertThat(cli("-r", "3", "INCR", "counter")).isEqualTo("1\n2\n3\n");
        assertThat(run(List.of("-x", "SET", "fromstdin"), "hello").stdout).isEqualTo("OK\n");
        assertThat(call("GET", "fromstdin")).isEqualTo("hello");
    }

    @Test
    void scanMode() {
        for (int i = 0; i < 30; i++) {
            call("SET", "user:" + i, "x");
            call("SET", "item:" + i, "x");
        }
        List<String> keys = new ArrayList<>(Arrays.asList(cli("--scan", "--pattern", "user:*").split("\n")));
        keys.sort(null);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            expected.add("user:" + i);
        }
        expected.sort(null);
        assertThat(keys).isEqualTo(expected);
        assertThat(cli("--scan").split("\n")).hasSize(60);
    }

    @Test
    void pipeModeMassInsertion() {
        StringBuilder protocol = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            String key = "mass:" + i;
            String value = Integer.toString(i);
            protocol.append("*3\r\n$3\r\nSET\r\n$").append(key.length()).append("\r\n").append(key)
                    .append("\r\n$").append(value.length()).append("\r\n").append(value).append("\r\n");
        }
        protocol.append("*2\r\n$4\r\nINCR\r\n$6\r\nmass:7\r\n");
        CliResult result = run(List.of("--pipe"), protocol.toString());
        assertThat(result.exitCode).isZero();
        assertThat(result.stdout).endsWith("errors: 0, replies: 1001\n");
        assertThat(call("DBSIZE")).isEqualTo(1000L);
        assertThat(call("GET", "mass:7")).isEqualTo("8");
    }

    @Test
    void bigkeysMode() {
        call("SET", "small", "x");
        call("SET", "largest", "x".repeat(100));
        String out = cli("--bigkeys");
        assertThat(out).contains("Biggest string found '\"largest\"' has 100 bytes",
                "2 strings with 101 bytes (100.00% of keys, avg size 50.50)");
    }

    @Test
    void redisBenchmarkWithManyPipelinedClients() {
        CliResult result = runTool(server.server(), "/usr/bin/redis-benchmark",
                List.of("-t", "set,get,incr", "-n", "2000", "-c", "10", "-P", "8", "-q"));
        assertThat(result.exitCode).as(result.stderr).isZero();
        assertThat(result.stdout).contains("SET: ", "GET: ", "INCR: ").contains("requests per second");
        assertThat(call("GET", "counter:__rand_int__")).as("every pipelined INCR counted").isEqualTo("2000");
        assertThat(call("STRLEN", "key:__rand_int__")).isEqualTo(3L);
        assertThat(call("DBSIZE")).isEqualTo(2L);
    }

    @Test
    void infoAndConfig() {
        assertThat(cli("INFO", "server")).startsWith("# Server\r\n").contains("\r\nredis_version:");
        assertThat(cli("CONFIG", "GET", "databases")).isEqualTo("databases\n16\n");
        assertThat(cli("--no-raw", "CONFIG", "GET", "databases")).isEqualTo("1) \"databases\"\n2) \"16\"\n");
    }

    @Test
    void authWithRequirepass() {
        try (RunningServer secured = ServerUnderTest.start("--requirepass", "clipw")) {
            assertThat(run(secured, List.of("--no-raw", "PING"), null, Map.of()).stdout)
                    .isEqualTo("(error) NOAUTH Authentication required.\n");
            CliResult authed = run(secured, List.of("PING"), null, Map.of("REDISCLI_AUTH", "clipw"));
            assertThat(authed.stdout).isEqualTo("PONG\n");
            CliResult wrong = run(secured, List.of("PING"), null, Map.of("REDISCLI_AUTH", "nope"));
            assertThat(wrong.stdout + wrong.stderr).contains("WRONGPASS");
        }
    }

    // ---------------------------------------------------------------- running redis-cli

    static final class CliResult {
        final int exitCode;
        final String stdout;
        final String stderr;

        CliResult(int exitCode, String stdout, String stderr) {
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
        }
    }

    /** Runs redis-cli with {@code args} against the class' server and returns its stdout. */
    private String cli(String... args) {
        CliResult result = run(List.of(args), null);
        assertThat(result.stderr).as("redis-cli stderr for %s", Arrays.toString(args)).isEmpty();
        return result.stdout;
    }

    private CliResult run(List<String> args, String stdin) {
        return run(server.server(), args, stdin, Map.of());
    }

    static CliResult runTool(RunningServer target, String executable, List<String> args) {
        return run(target, executable, args, null, Map.of());
    }

    static CliResult run(RunningServer target, List<String> args, String stdin, Map<String, String> env) {
        return run(target, REDIS_CLI, args, stdin, env);
    }

    static CliResult run(RunningServer target, String executable, List<String> args, String stdin, Map<String, String> env) {
        List<String> command = new ArrayList<>(List.of(executable, "-h", target.host(), "-p", Integer.toString(target.port())));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("REDISCLI_AUTH");
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            try (var stdinStream = process.getOutputStream()) {
                if (stdin != null) {
                    stdinStream.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("redis-cli " + args + " did not finish within 20 s");
            }
            return new CliResult(process.exitValue(),
                    new String(out.join(), StandardCharsets.UTF_8), new String(err.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
