package io.relog.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exact RESP2 replies recorded from redis-server 7.0.15: each transcript holds command lines
 * ({@code > CMD arg ...}, arguments separated by single spaces) each followed by the raw reply
 * Redis sent ({@code < ...}, CR and LF written as {@code \r\n}), in RESP2 or, for the
 * {@code resp3} transcript, RESP3 after {@code HELLO 3}. The engine, given the same
 * commands in the same order, must answer byte for byte the same.
 */
class RedisTranscriptTest {

    @ParameterizedTest
    @ValueSource(strings = {"redis-7.0.15-lists.txt", "redis-7.0.15-zsets.txt", "redis-7.0.15-large.txt",
        "redis-7.0.15-resp3.txt", "redis-7.0.15-types.txt",
        "redis-7.0.15-scores.txt", "redis-7.0.15-zset-set-inputs.txt"})
    void repliesMatchRedis(String resource) throws IOException {
        TestEngine t = new TestEngine(16, resource.contains("resp3") ? 3 : 2);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                RedisTranscriptTest.class.getResourceAsStream("/" + resource), StandardCharsets.ISO_8859_1))) {
            String line;
            String command = null;
            int n = 0;
            while ((line = in.readLine()) != null) {
                n++;
                if (line.startsWith("> ")) {
                    command = line.substring(2);
                } else if (line.startsWith("< ")) {
                    String want = line.substring(2).replace("\\r\\n", "\r\n");
                    String got = t.cmd(command.split(" ", -1));
                    assertThat(got).as("%s line %d: %s", resource, n, command).isEqualTo(want);
                }
            }
        }
    }
}
