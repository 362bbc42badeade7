package io.relog.snapshot.rdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Crc64Test {

    @Test
    void checkValueOfRedisCrc64() {
        assertThat(Crc64.of("123456789".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0xe9c6d914c4b8d9caL);
        assertThat(Crc64.of(new byte[0])).isZero();
    }

    @Test
    void slicedUpdatesEqualOneUpdate() {
        Random r = new Random(42);
        byte[] data = new byte[10_000];
        r.nextBytes(data);
        long whole = Crc64.of(data);
        for (int split = 0; split < 40; split++) {
            long crc = Crc64.update(0, data, 0, split);
            crc = Crc64.update(crc, data, split, data.length - split);
            assertThat(crc).isEqualTo(whole);
        }
        // Byte at a time equals the sliced loop.
        long crc = 0;
        for (int i = 0; i < data.length; i++) {
            crc = Crc64.update(crc, data, i, 1);
        }
        assertThat(crc).isEqualTo(whole);
    }

    /** The table-driven loop agrees with the bit-by-bit definition at every length and alignment. */
    @Test
    void agreesWithTheBitwiseDefinition() {
        Random r = new Random(7);
        byte[] data = new byte[300];
        r.nextBytes(data);
        for (int off = 0; off < 9; off++) {
            for (int len = 0; off + len <= data.length; len += 1 + len / 7) {
                long bitwise = 0;
                for (int i = off; i < off + len; i++) {
                    bitwise ^= data[i] & 0xffL;
                    for (int k = 0; k < 8; k++) {
                        bitwise = (bitwise & 1) != 0 ? (bitwise >>> 1) ^ 0x95AC9329AC4BC9B5L : bitwise >>> 1;
                    }
                }
                assertThat(Crc64.update(0, data, off, len)).as("off %d len %d", off, len).isEqualTo(bitwise);
            }
        }
    }
}
