package io.relog.snapshot.rdb;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.relog.snapshot.dump.DumpPayload;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing of the RDB reader and of RESTORE's payload check and decoding (README
 * "Fuzzing"). Any bytes must either load or fail with an {@link RdbFormatException} naming the
 * byte offset — never another exception, never an allocation sized by a declared length that the
 * input cannot back (Jazzer reports an {@link OutOfMemoryError} or a blown RSS limit as a finding).
 *
 * <p>The first byte picks the mode, so that one corpus serves all three: an RDB file of known
 * length, an RDB stream of unknown length (a replica's diskless {@code $EOF:} transfer), and a
 * DUMP payload, which the harness completes with the version and CRC-64 footer so that the
 * fuzzer reaches the value decoder instead of stopping at the checksum.
 *
 * <p>Seeds: {@code src/test/resources/io/relog/snapshot/rdb/RdbReaderFuzzTestInputs/}.
 */
class RdbReaderFuzzTest {

    private static final RdbReader.Options OPTIONS = RdbReader.Options.defaults(16);

    @FuzzTest
    void readsOrRefusesAnyInput(byte[] input) throws IOException {
        if (input.length == 0) {
            return;
        }
        byte[] body = Arrays.copyOfRange(input, 1, input.length);
        switch (input[0] & 3) {
            case 0 -> rdb(body, body.length);
            case 1 -> rdb(body, -1);
            case 2 -> dump(withFooter(body));
            default -> dump(body);
        }
    }

    private static void rdb(byte[] body, long length) throws IOException {
        try {
            RdbLoad load = RdbReader.read(new ByteArrayInputStream(body), length, OPTIONS);
            assertThat(load).isNotNull();
        } catch (RdbFormatException e) {
            assertThat(e.getMessage()).contains("byte offset");
            assertThat(e.offset()).isBetween(0L, (long) body.length);
        }
    }

    private static void dump(byte[] payload) {
        if (!DumpPayload.verify(payload)) {
            return; // RESTORE answers "ERR DUMP payload version or checksum are wrong"
        }
        try {
            DumpPayload.decode(payload, new Object(), EncodingLimits.DEFAULTS);
        } catch (RdbFormatException e) {
            assertThat(e.getMessage()).contains("byte offset");
            assertThat(e.offset()).isBetween(0L, (long) payload.length);
        }
    }

    /** {@code value} followed by RDB version 9 and the CRC-64 of everything before the checksum, as DUMP writes it. */
    static byte[] withFooter(byte[] value) {
        byte[] p = Arrays.copyOf(value, value.length + 10);
        p[value.length] = 9;
        long crc = Crc64.update(0, p, 0, value.length + 2);
        for (int i = 0; i < 8; i++) {
            p[value.length + 2 + i] = (byte) (crc >>> (8 * i));
        }
        return p;
    }
}
