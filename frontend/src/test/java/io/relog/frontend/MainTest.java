package io.relog.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws Exception {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void version() throws Exception {
        assertThat(run("--version")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Relog server v=")
                .contains("(Redis 7.0.15 compatible)");
    }

    @Test
    void help() throws Exception {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: relog-server").contains("--port");
    }

    @Test
    void badConfigFileStopsTheStart() throws Exception {
        Path f = Files.writeString(tmp.resolve("bad.conf"), "port 6380\nappendfsync sometimes\n");
        assertThat(run(f.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("*** FATAL CONFIG FILE ERROR")
                .contains(f.toString() + ", at line 2")
                .contains(">>> 'appendfsync sometimes'")
                .contains("argument(s) must be one of the following: everysec, always, no");
    }
}
