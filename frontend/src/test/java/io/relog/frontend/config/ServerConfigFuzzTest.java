package io.relog.frontend.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of the configuration file parser (README "Fuzzing"): any file either
 * loads or fails with a {@link ConfigException} that names the file, a line of it and a reason —
 * never another exception.
 *
 * <p>Inputs that {@code include} a device or kernel file ({@code /dev}, {@code /proc},
 * {@code /sys}) are skipped: reading {@code /dev/zero} or {@code /dev/stdin} is what an operator
 * asked for, not a parser bug.
 *
 * <p>Seeds: {@code src/test/resources/io/relog/frontend/config/ServerConfigFuzzTestInputs/}.
 */
class ServerConfigFuzzTest {

    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("relog-config-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void loadsOrNamesFileLineAndReason(byte[] input) throws IOException {
        String latin1 = new String(input, StandardCharsets.ISO_8859_1);
        if (latin1.contains("/dev") || latin1.contains("/proc") || latin1.contains("/sys")) {
            return;
        }
        Path file = DIR.resolve("relog.conf");
        Files.write(file, input);
        long lines = latin1.lines().count();
        try {
            ServerConfig c = ServerConfig.parse(file);
            assertThat(c).isNotNull();
        } catch (ConfigException e) {
            assertThat(e.getMessage()).contains(e.source()).contains("at line " + e.line());
            assertThat(e.reason()).as("a reason").isNotBlank();
            if (latin1.toLowerCase(java.util.Locale.ROOT).contains("include")) {
                // The error may concern an included file, whose lines this test does not know.
                assertThat(e.source()).startsWith("the configuration file ");
                assertThat(e.line()).isNotNegative();
            } else {
                assertThat(e.source()).as("names the file").isEqualTo("the configuration file " + file);
                assertThat(e.line()).as("a line of the file").isBetween(1, (int) Math.max(lines, 1));
            }
        }
    }
}
