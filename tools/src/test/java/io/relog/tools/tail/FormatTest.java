package io.relog.tools.tail;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The output encodings: decimal numbers, strict UTF-8 detection, JSON escaping and base64 fallback. */
class FormatTest {

    @Test
    void decimalsMatchLongToString() throws Exception {
        Random rnd = new Random(42);
        for (int i = 0; i < 10_000; i++) {
            long v = switch (i % 4) {
                case 0 -> rnd.nextLong();
                case 1 -> rnd.nextInt(1000) - 500;
                case 2 -> i == 2 ? Long.MIN_VALUE : i == 6 ? Long.MAX_VALUE : 0;
                default -> (long) Math.pow(10, i % 19);
            };
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            ByteOut out = new ByteOut(b);
            out.decimal(v);
            out.flush();
            assertThat(b.toString(StandardCharsets.US_ASCII)).isEqualTo(Long.toString(v));
        }
    }

    @Test
    void utf8ValidationIsStrict() {
        assertThat(Utf8.isValid("plain ascii".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(Utf8.isValid("é € 𝄞 ✓".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(Utf8.isValid(new byte[] {(byte) 0xff})).isFalse();
        assertThat(Utf8.isValid(new byte[] {(byte) 0xc0, (byte) 0xaf})).as("overlong /").isFalse();
        assertThat(Utf8.isValid(new byte[] {(byte) 0xe0, (byte) 0x80, (byte) 0xaf})).as("overlong").isFalse();
        assertThat(Utf8.isValid(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80})).as("surrogate").isFalse();
        assertThat(Utf8.isValid(new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80})).as("> U+10FFFF")
                .isFalse();
        assertThat(Utf8.isValid(new byte[] {(byte) 0xe2, (byte) 0x82})).as("truncated").isFalse();
        // Agrees with the JDK's decoder on random bytes.
        Random rnd = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[rnd.nextInt(6)];
            rnd.nextBytes(b);
            boolean jdk;
            try {
                StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b));
                jdk = true;
            } catch (java.nio.charset.CharacterCodingException e) {
                jdk = false;
            }
            assertThat(Utf8.isValid(b)).as(java.util.HexFormat.of().formatHex(b)).isEqualTo(jdk);
        }
    }

    @Test
    void jsonEscapesControlCharactersAndFallsBackToBase64() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ByteOut out = new ByteOut(b);
        JsonFormat json = new JsonFormat(out);
        byte[][] argv = {"SET".getBytes(StandardCharsets.UTF_8), "k\"\\\n\t\u0001é".getBytes(StandardCharsets.UTF_8),
            {(byte) 0xff, 0x00}};
        json.event(new ChangeEvent(10, 40, 1234, 2, 5, argv, false), List.of(argv[1]));
        out.flush();
        assertThat(b.toString(StandardCharsets.UTF_8)).isEqualTo("{\"offset\":10,\"next_offset\":40,\"timestamp\":1234,"
                + "\"db\":2,\"tx\":5,\"command\":\"set\",\"args\":[\"k\\\"\\\\\\n\\t\\u0001é\",{\"base64\":\"/wA=\"}],"
                + "\"keys\":[\"k\\\"\\\\\\n\\t\\u0001é\"]}\n");
    }
}
