package io.relog.snapshot.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relog.engine.types.SetValue;
import io.relog.snapshot.rdb.EncodingLimits;
import io.relog.snapshot.rdb.RdbFormatException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DumpPayloadTest {

    static final Object TOKEN = new Object();

    @Test
    void stringPayloadLayout() throws Exception {
        byte[] p = DumpPayload.create("hello".getBytes());
        // type 0, length 5, "hello", version 9 LE, then the CRC.
        assertThat(HexFormat.of().formatHex(p, 0, 9)).isEqualTo("000568656c6c6f0900");
        assertThat(p).hasSize(17);
        assertThat(DumpPayload.verify(p)).isTrue();
        assertThat((byte[]) DumpPayload.decode(p, TOKEN, EncodingLimits.DEFAULTS)).isEqualTo("hello".getBytes());
    }

    /** A payload DUMP returned on redis-server 7.0.15 for the string "bar" (version 10). */
    @Test
    void restoresRedis70Payload() throws Exception {
        byte[] p = HexFormat.of().parseHex("00036261720a00e6be4960ee66fd17");
        assertThat(DumpPayload.verify(p)).isTrue();
        assertThat((byte[]) DumpPayload.decode(p, TOKEN, EncodingLimits.DEFAULTS)).isEqualTo("bar".getBytes());
        byte[] flipped = p.clone();
        flipped[2] ^= 1;
        assertThat(DumpPayload.verify(flipped)).isFalse();
        byte[] newer = p.clone();
        newer[5] = 12; // RDB 12 (Redis 7.4): refused, as 7.0 refuses newer versions
        assertThat(DumpPayload.verify(newer)).isFalse();
        assertThat(DumpPayload.verify(new byte[9])).isFalse();
    }

    @Test
    void collectionsRoundTripAndBadValuesAreFormatErrors() throws Exception {
        SetValue s = SetValue.create(TOKEN);
        s.add("1".getBytes(), 512);
        s.add("x".getBytes(), 512);
        byte[] p = DumpPayload.create(s);
        SetValue back = (SetValue) DumpPayload.decode(p, TOKEN, EncodingLimits.DEFAULTS);
        assertThat(back.size()).isEqualTo(2);
        assertThat(back.contains("x".getBytes())).isTrue();
        // A stream payload (type 19): refused with a clear reason.
        byte[] stream = {19, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        assertThatThrownBy(() -> DumpPayload.decode(stream, TOKEN, EncodingLimits.DEFAULTS))
                .isInstanceOf(RdbFormatException.class).hasMessageContaining("stream type not supported yet");
    }
}
