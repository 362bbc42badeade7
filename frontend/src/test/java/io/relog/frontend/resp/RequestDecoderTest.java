package io.relog.frontend.resp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.relog.frontend.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestDecoderTest {

    private final ServerConfig config = ServerConfig.defaults();

    /** Feeds {@code input} in chunks of {@code chunk} bytes; returns what came out, argv as lists of strings. */
    private List<Object> decode(String input, int chunk, boolean authRequired) {
        EmbeddedChannel ch = new EmbeddedChannel(new RequestDecoder(config, () -> authRequired));
        byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < bytes.length; i += chunk) {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, i, Math.min(chunk, bytes.length - i)));
        }
        List<Object> out = new ArrayList<>();
        Object o;
        while ((o = ch.readInbound()) != null) {
            if (o instanceof byte[][] argv) {
                List<String> l = new ArrayList<>();
                for (byte[] a : argv) {
                    l.add(new String(a, StandardCharsets.ISO_8859_1));
                }
                out.add(l);
            } else {
                out.add(o);
            }
        }
        ch.finishAndReleaseAll();
        return out;
    }

    private List<Object> decode(String input) {
        return decode(input, Integer.MAX_VALUE, false);
    }

    private static ProtocolError err(String text) {
        return new ProtocolError("ERR Protocol error: " + text);
    }

    @Test
    void multibulkAndInlineAndPipelining() {
        String in = "*2\r\n$4\r\nECHO\r\n$5\r\nhe\r\no\r\nPING\r\nset \"a b\" 'c\\'d' \"\\x41\\n\"\r\n\r\n*0\r\n*-1\r\n"
                + "*1\r\n$4\r\nPINGxx";
        List<Object> expected = List.of(List.of("ECHO", "he\r\no"), List.of("PING"), List.of("set", "a b", "c'd", "A\n"),
                List.of("PING"));
        // Any split of the input gives the same commands.
        for (int chunk : new int[] {1, 2, 3, 7, 1000}) {
            assertThat(decode(in, chunk, false)).as("chunk %d", chunk).isEqualTo(expected);
        }
    }

    @Test
    void redisErrorTexts() {
        assertThat(decode("*99999999999\r\n")).containsExactly(err("invalid multibulk length"));
        assertThat(decode("*abc\r\n")).containsExactly(err("invalid multibulk length"));
        assertThat(decode("*2\r\n$2147483648\r\n")).containsExactly(err("invalid bulk length"));
        assertThat(decode("*1\r\n$-1\r\n")).containsExactly(err("invalid bulk length"));
        assertThat(decode("*1\r\n$05\r\nhello\r\n")).containsExactly(err("invalid bulk length"));
        assertThat(decode("*1\r\nx\r\n")).containsExactly(err("expected '$', got 'x'"));
        assertThat(decode("set \"a b\r\n")).containsExactly(err("unbalanced quotes in request"));
        assertThat(decode("PING\r\nset 'a'b\r\nPING\r\n")).containsExactly(List.of("PING"),
                err("unbalanced quotes in request"));
    }

    @Test
    void oversizedLinesWithoutTerminator() {
        String big = "x".repeat(RequestDecoder.INLINE_MAX + 1);
        assertThat(decode(big, 4096, false)).containsExactly(err("too big inline request"));
        assertThat(decode("*" + "1".repeat(RequestDecoder.INLINE_MAX + 1), 4096, false))
                .containsExactly(err("too big mbulk count string"));
        assertThat(decode("*1\r\n$" + "1".repeat(RequestDecoder.INLINE_MAX + 1), 4096, false))
                .containsExactly(err("too big bulk count string"));
    }

    @Test
    void unauthenticatedLimits() {
        assertThat(decode("*11\r\n", 100, true)).containsExactly(err("unauthenticated multibulk length"));
        assertThat(decode("*1\r\n$16385\r\n", 100, true)).containsExactly(err("unauthenticated bulk length"));
        assertThat(decode("*1\r\n$16384\r\n", 100, true)).isEmpty(); // allowed, waiting for data
        assertThat(decode("*11\r\n", 100, false)).isEmpty();
    }

    @Test
    void protoMaxBulkLenIsEnforced() {
        ServerConfig small = ServerConfig.fromArgs("--proto-max-bulk-len", "1mb");
        EmbeddedChannel ch = new EmbeddedChannel(new RequestDecoder(small, () -> false));
        ch.writeInbound(Unpooled.copiedBuffer("*1\r\n$1048577\r\n", StandardCharsets.US_ASCII));
        assertThat((Object) ch.readInbound()).isEqualTo(err("invalid bulk length"));
        ch.finishAndReleaseAll();
    }

    @Test
    void nothingIsDecodedAfterAnError() {
        assertThat(decode("*1\r\nx\r\nPING\r\n*1\r\n$4\r\nPING\r\n")).containsExactly(err("expected '$', got 'x'"));
    }

    @Test
    void largeBulkAssembledAcrossReads() {
        byte[] value = new byte[300_000];
        Arrays.fill(value, (byte) 'v');
        String v = new String(value, StandardCharsets.ISO_8859_1);
        for (int chunk : new int[] {8192, 1 << 20}) {
            List<Object> out = decode("*2\r\n$3\r\nSET\r\n$300000\r\n" + v + "\r\n*1\r\n$4\r\nPING\r\n", chunk, false);
            assertThat(out).hasSize(2);
            assertThat(out.get(1)).isEqualTo(List.of("PING"));
            @SuppressWarnings("unchecked")
            List<String> set = (List<String>) out.get(0);
            assertThat(set.get(0)).isEqualTo("SET");
            assertThat(set.get(1).equals(v)).as("300,000-byte value intact").isTrue();
        }
    }
}
