package io.relog.engine.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ArgsTest {

    /** {@link Args#bytes(long)} writes what {@link Long#toString(long)} does, for every digit count and sign. */
    @Test
    void longBytesMatchLongToString() {
        long[] edges = {0, 1, -1, 9, 10, -10, 99, 100, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1,
                Integer.MAX_VALUE, Integer.MIN_VALUE, 1_000_000_000_000_000_000L, -999_999_999_999_999_999L};
        for (long v : edges) {
            assertThat(new String(Args.bytes(v), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(v));
        }
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        for (int i = 0; i < 100_000; i++) {
            long v = rnd.nextLong() >> rnd.nextInt(64);
            assertThat(new String(Args.bytes(v), StandardCharsets.US_ASCII)).as("seed " + seed).isEqualTo(Long.toString(v));
        }
    }
}
