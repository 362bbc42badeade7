package io.relog.frontend.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {

    @TempDir
    Path tmp;

    @Test
    void defaultsAreRedisDefaults() {
        ServerConfig c = ServerConfig.defaults();
        assertThat(c.port()).isEqualTo(6379);
        assertThat(c.get("proto-max-bulk-len")).isEqualTo("536870912");
        assertThat(c.get("client-query-buffer-limit")).isEqualTo("1073741824");
        assertThat(c.hz()).isEqualTo(10);
        assertThat(c.get("appendfsync")).isEqualTo("everysec");
        assertThat(c.get("save")).isEqualTo("3600 1 300 100 60 10000");
        assertThat(c.dir().isAbsolute()).isTrue();
        assertThat(c.dir().getFileName().toString()).isEqualTo("data");
        assertThat(c.bind()).containsExactly("127.0.0.1", "-::1");
    }

    @Test
    void oldZiplistNamesAreAliases() {
        ServerConfig c = ServerConfig.fromArgs("--hash-max-ziplist-entries", "7");
        assertThat(c.get("hash-max-listpack-entries")).isEqualTo("7");
        assertThat(c.get("hash-max-ziplist-entries")).isEqualTo("7");
        c.set("zset-max-ziplist-value", "9");
        assertThat(c.get("zset-max-listpack-value")).isEqualTo("9");
        assertThat(c.all()).containsEntry("zset-max-ziplist-value", "9").containsEntry("set-max-intset-entries", "512");
    }

    @Test
    void fileThenArguments() throws Exception {
        Path f = tmp.resolve("relog.conf");
        Files.writeString(f, """
                # a comment
                port 7000
                  maxmemory 1gb
                requirepass "p a\\x41ss"
                bind 127.0.0.1 ::1
                save 900 1
                save 300 10
                APPENDONLY Yes
                """);
        ServerConfig c = ServerConfig.parse(f, "--port", "7001", "--loglevel", "warning");
        assertThat(c.port()).isEqualTo(7001);
        assertThat(c.maxmemory()).isEqualTo(1024L * 1024 * 1024);
        assertThat(c.requirepass()).isEqualTo("p aAss");
        assertThat(c.bind()).containsExactly("127.0.0.1", "::1");
        assertThat(c.get("save")).isEqualTo("900 1 300 10");
        assertThat(c.appendonly()).isTrue();
        assertThat(c.loglevel()).isEqualTo("warning");
    }

    @Test
    void argumentsTakeSeveralValuesAndEmptySave() {
        ServerConfig c = ServerConfig.fromArgs("--bind", "127.0.0.1", "::1", "--save", "", "--port", "0");
        assertThat(c.bind()).containsExactly("127.0.0.1", "::1");
        assertThat(c.get("save")).isEmpty();
        assertThat(ServerConfig.fromArgs("--save", "--port", "1").get("save")).isEmpty();
    }

    @Test
    void includeReadsAnotherFile() throws Exception {
        Files.writeString(tmp.resolve("extra.conf"), "hz 50\n");
        Path f = tmp.resolve("main.conf");
        Files.writeString(f, "include " + tmp.resolve("extra.conf") + "\nport 1234\n");
        ServerConfig c = ServerConfig.parse(f);
        assertThat(c.hz()).isEqualTo(50);
        assertThat(c.port()).isEqualTo(1234);
    }

    @Test
    void badLineNamesFileLineAndReason() throws Exception {
        Path f = tmp.resolve("bad.conf");
        Files.writeString(f, "port 7000\n\n# fine so far\nport abc\n");
        assertThatThrownBy(() -> ServerConfig.parse(f))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("*** FATAL CONFIG FILE ERROR")
                .hasMessageContaining(f.toString())
                .hasMessageContaining("at line 4")
                .hasMessageContaining(">>> 'port abc'")
                .hasMessageContaining("argument couldn't be parsed into an integer")
                .satisfies(e -> {
                    ConfigException ce = (ConfigException) e;
                    assertThat(ce.line()).isEqualTo(4);
                    assertThat(ce.reason()).isEqualTo("argument couldn't be parsed into an integer");
                });
    }

    @Test
    void reasonsMatchRedis() throws Exception {
        assertReason("foo bar", "Bad directive or wrong number of arguments");
        assertReason("port 70000", "argument must be between 0 and 65535 inclusive");
        assertReason("appendonly maybe", "argument must be 'yes' or 'no'");
        assertReason("appendfsync sometimes", "argument(s) must be one of the following: everysec, always, no");
        assertReason("maxmemory 1x", "argument must be a memory value");
        assertReason("save 1", "Invalid save parameters");
        assertReason("proto-max-bulk-len 10", "argument must be between 1048576 and 9223372036854775807 inclusive");
        assertReason("port 1 2", "Bad directive or wrong number of arguments");
        assertReason("requirepass \"abc", "Unbalanced quotes in configuration line");
        assertReason("client-output-buffer-limit notanumber", "Wrong number of arguments in buffer limit configuration.");
        assertReason("client-output-buffer-limit normal 0 0 0 pubsub 1mb",
                "Wrong number of arguments in buffer limit configuration.");
        assertReason("client-output-buffer-limit public 0 0 0", "Invalid client class specified in buffer limit configuration.");
        assertReason("daemonize yes",
                "Relog does not daemonize: run it in the foreground under a service manager (systemd, Docker)");
    }

    private void assertReason(String line, String reason) throws Exception {
        Path f = Files.writeString(tmp.resolve("r.conf"), line + "\n");
        assertThatThrownBy(() -> ServerConfig.parse(f)).isInstanceOf(ConfigException.class)
                .extracting(e -> ((ConfigException) e).reason()).isEqualTo(reason);
    }

    @Test
    void badArgumentIsReportedToo() {
        assertThatThrownBy(() -> ServerConfig.parse(null, "--hz", "x"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("the command line arguments")
                .hasMessageContaining("argument couldn't be parsed into an integer");
        assertThatThrownBy(() -> ServerConfig.parse(null, "port", "1")).isInstanceOf(ConfigException.class);
    }

    @Test
    void setAtRunTime() {
        ServerConfig c = ServerConfig.defaults();
        c.set("HZ", "20");
        assertThat(c.hz()).isEqualTo(20);
        c.set("proto-max-bulk-len", "2mb");
        assertThat(c.protoMaxBulkLen()).isEqualTo(2 * 1024 * 1024);
        assertThatThrownBy(() -> c.set("databases", "4")).hasMessage("can't set immutable config");
        assertThatThrownBy(() -> c.set("nope", "4"))
                .hasMessage("Unknown option or number of arguments for CONFIG SET - 'nope'");
        assertThatThrownBy(() -> c.set("hz", "x")).hasMessage("argument couldn't be parsed into an integer");
    }

    @Test
    void memoryUnits() {
        assertThat(MemoryUnits.parse("10k")).isEqualTo(10_000);
        assertThat(MemoryUnits.parse("10KB")).isEqualTo(10_240);
        assertThat(MemoryUnits.parse("512mb")).isEqualTo(512L * 1024 * 1024);
        assertThat(MemoryUnits.parse("1g")).isEqualTo(1_000_000_000L);
        assertThat(MemoryUnits.parse("123")).isEqualTo(123);
        assertThat(MemoryUnits.parse("12x")).isEqualTo(-1);
        assertThat(MemoryUnits.parse("-1")).isEqualTo(-1);
        assertThat(MemoryUnits.parse("gb")).isEqualTo(-1);
    }

    /** Found by ServerConfigFuzzTest (seed invalid-utf8-crash): such a file failed as "can't open", at line 0. */
    @Test
    void bytesThatAreNotUtf8AreRefusedNamingTheirLine() throws Exception {
        Path f = tmp.resolve("binary.conf");
        Files.write(f, new byte[] {'p', 'o', 'r', 't', ' ', '1', '\r', '\n', 'b', 'i', 'n', 'd', ' ', (byte) 0x94, '\n'});
        assertThatThrownBy(() -> ServerConfig.parse(f)).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.source()).isEqualTo("the configuration file " + f);
            assertThat(e.line()).isEqualTo(2);
            assertThat(e.reason()).isEqualTo("Invalid UTF-8 in configuration line");
        });
        Files.write(f, "port 1234\rhz 50".getBytes(java.nio.charset.StandardCharsets.UTF_8)); // CR alone ends a line too
        assertThat(ServerConfig.parse(f).port()).isEqualTo(1234);
    }

    /** Found by ServerConfigFuzzTest (seed include-nul-crash): an InvalidPathException escaped the parser. */
    @Test
    void anIncludeWhoseNameHoldsANulIsRefusedNamingTheLine() throws Exception {
        Path f = tmp.resolve("nul.conf");
        Files.writeString(f, "port 1234\ninclude \"other\\x00.conf\"\n");
        assertThatThrownBy(() -> ServerConfig.parse(f)).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.source()).isEqualTo("the configuration file " + f);
            assertThat(e.line()).isEqualTo(2);
            assertThat(e.reason()).startsWith("Fatal error, can't open config file 'other");
        });
    }
}
