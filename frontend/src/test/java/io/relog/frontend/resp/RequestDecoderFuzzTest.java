package io.relog.frontend.resp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.relog.frontend.config.ServerConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Coverage-guided fuzzing of the request framing (README "Fuzzing"). Any byte sequence, cut into
 * any reads, must frame into commands and at most one trailing {@link ProtocolError} with one of
 * the texts Redis uses — no other exception escapes the pipeline — and the framing must not
 * depend on where the reads were cut. Nothing may be allocated for what has not arrived: the
 * arguments framed hold at most the bytes received, and when the client is closed for its query
 * buffer the unparsed input was past {@code client-query-buffer-limit}.
 *
 * <p>Seeds: {@code src/test/resources/io/relog/frontend/resp/RequestDecoderFuzzTestInputs/}.
 */
class RequestDecoderFuzzTest {

    /** The smallest limits the configuration accepts, so that fuzz inputs can reach them. */
    private static final ServerConfig CONFIG = ServerConfig.fromArgs(
            "--proto-max-bulk-len", "1mb", "--client-query-buffer-limit", "1mb");

    private static final List<String> REDIS_PROTOCOL_ERRORS = List.of(
            "too big inline request", "unbalanced quotes in request", "too big mbulk count string",
            "invalid multibulk length", "unauthenticated multibulk length", "too big bulk count string",
            "invalid bulk length", "unauthenticated bulk length");

    @FuzzTest
    void framesAnyInput(FuzzedDataProvider data) {
        boolean authRequired = data.consumeBoolean();
        int[] cuts = new int[data.consumeInt(0, 8)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = data.consumeInt(1, 64);
        }
        byte[] input = data.consumeRemainingAsBytes();

        Framed whole = frame(input, new int[0], authRequired);
        Framed pieces = frame(input, cuts, authRequired);
        assertThat(pieces.toString()).as("framing must not depend on how the input was cut into reads")
                .isEqualTo(whole.toString());
    }

    /** What a channel framed from {@code input} delivered in reads of the sizes {@code cuts} (cycled). */
    private static Framed frame(byte[] input, int[] cuts, boolean authRequired) {
        EmbeddedChannel ch = new EmbeddedChannel(new RequestDecoder(CONFIG, () -> authRequired));
        try {
            int at = 0;
            int k = 0;
            while (at < input.length && ch.isOpen()) {
                int n = cuts.length == 0 ? input.length : Math.min(cuts[k++ % cuts.length], input.length - at);
                ByteBuf b = Unpooled.copiedBuffer(input, at, n);
                ch.writeInbound(b); // an exception thrown by the decoder is rethrown here
                at += n;
            }
            Framed f = new Framed();
            long argBytes = 0;
            long args = 0;
            Object o;
            while ((o = ch.readInbound()) != null) {
                assertThat(f.error).as("nothing is framed after a protocol error").isNull();
                if (o instanceof byte[][] argv) {
                    assertThat(argv.length).isPositive();
                    for (byte[] a : argv) {
                        argBytes += a.length; // a null argument would throw here
                    }
                    args += argv.length;
                    f.commands.add(argv);
                } else {
                    assertThat(o).isInstanceOf(ProtocolError.class);
                    String msg = ((ProtocolError) o).message();
                    assertThat(msg).startsWith("ERR Protocol error: ");
                    String text = msg.substring("ERR Protocol error: ".length());
                    assertThat(REDIS_PROTOCOL_ERRORS.contains(text) || text.startsWith("expected '$', got '"))
                            .as("a protocol error Redis defines: %s", text).isTrue();
                    f.error = msg;
                }
            }
            assertThat(argBytes).as("argument bytes framed ≤ bytes received").isLessThanOrEqualTo(input.length);
            assertThat(args).as("arguments framed ≤ bytes received").isLessThanOrEqualTo(input.length);
            f.closed = !ch.isOpen();
            if (f.closed) {
                assertThat((long) input.length).as("closed only past client-query-buffer-limit")
                        .isGreaterThan(CONFIG.clientQueryBufferLimit());
            }
            return f;
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    private static final class Framed {
        final List<byte[][]> commands = new ArrayList<>();
        String error;
        boolean closed;

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            for (byte[][] argv : commands) {
                sb.append(Arrays.deepToString(argv)).append('\n');
            }
            return sb.append("error=").append(error).append(" closed=").append(closed).toString();
        }
    }
}
