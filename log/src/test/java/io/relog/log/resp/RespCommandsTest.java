package io.relog.log.resp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RespCommandsTest {

    /**
     * Parses with both forms, the array one and the {@link java.nio.ByteBuffer} one (on a direct
     * buffer, as a replica's stream arrives), and checks they agree: same command, same length,
     * same incompleteness, same error at the same position.
     */
    private static RespCommands.Parsed parse(byte[] buf, int pos, int limit) throws MalformedCommandException {
        java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(buf.length).put(buf).clear();
        RespCommands.Parsed fromArray;
        try {
            fromArray = RespCommands.parse(buf, pos, limit);
        } catch (MalformedCommandException e) {
            assertThatThrownBy(() -> RespCommands.parse(direct, pos, limit))
                    .isInstanceOf(MalformedCommandException.class)
                    .hasMessage(e.getMessage())
                    .satisfies(d -> assertThat(((MalformedCommandException) d).position()).isEqualTo(e.position()));
            throw e;
        }
        RespCommands.Parsed fromBuffer = RespCommands.parse(direct, pos, limit);
        if (fromArray == null) {
            assertThat(fromBuffer).isNull();
        } else {
            assertThat(fromBuffer.length()).isEqualTo(fromArray.length());
            assertThat(fromBuffer.argv()).isDeepEqualTo(fromArray.argv());
        }
        return fromArray;
    }

    private static byte[][] randomArgv(Random rnd, int maxLarge) {
        byte[][] argv = new byte[1 + rnd.nextInt(8)][];
        for (int i = 0; i < argv.length; i++) {
            int kind = rnd.nextInt(10);
            int len = kind == 0 ? 0 : kind < 8 ? rnd.nextInt(20) : rnd.nextInt(maxLarge + 1);
            argv[i] = new byte[len];
            for (int j = 0; j < len; j++) {
                argv[i][j] = switch (rnd.nextInt(5)) {
                    case 0 -> '\r';
                    case 1 -> '\n';
                    case 2 -> (byte) "*$0123456789".charAt(rnd.nextInt(12));
                    default -> (byte) rnd.nextInt(256);
                };
            }
        }
        return argv;
    }

    @Test
    void encodeThenParseGivesTheSameArgvAtAnyPosition() throws Exception {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        for (int iter = 0; iter < 2000; iter++) {
            byte[][] argv = randomArgv(rnd, iter % 50 == 0 ? 70_000 : 300);
            String ctx = "seed=" + seed + "L iter=" + iter;
            int len = RespCommands.encodedLength(argv);
            byte[] alone = RespCommands.encode(argv);
            assertThat(alone).as(ctx).hasSize(len);
            int pad = rnd.nextInt(5);
            int tail = rnd.nextInt(5);
            byte[] buf = new byte[pad + len + tail];
            rnd.nextBytes(buf);
            assertThat(RespCommands.encode(argv, buf, pad)).as(ctx).isEqualTo(pad + len);
            assertThat(Arrays.copyOfRange(buf, pad, pad + len)).as(ctx).isEqualTo(alone);
            // Parsing with trailing garbage still reads exactly one command.
            RespCommands.Parsed p = parse(buf, pad, buf.length);
            assertThat(p).as(ctx).isNotNull();
            assertThat(p.length()).as(ctx).isEqualTo(len);
            assertThat(p.argv()).as(ctx).isDeepEqualTo(argv);
        }
    }

    @Test
    void theEncodingIsRespMultibulk() {
        byte[][] argv = {"SET".getBytes(), new byte[0], "a\r\nb".getBytes()};
        assertThat(new String(RespCommands.encode(argv), StandardCharsets.ISO_8859_1))
                .isEqualTo("*3\r\n$3\r\nSET\r\n$0\r\n\r\n$4\r\na\r\nb\r\n");
        assertThat(RespCommands.encode("SELECT", "10")).isEqualTo("*2\r\n$6\r\nSELECT\r\n$2\r\n10\r\n".getBytes());
    }

    @Test
    void everyProperPrefixIsIncomplete() throws Exception {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        for (int iter = 0; iter < 300; iter++) {
            byte[][] argv = randomArgv(rnd, 2000);
            byte[] cmd = RespCommands.encode(argv);
            int pad = rnd.nextInt(3);
            byte[] buf = new byte[pad + cmd.length];
            System.arraycopy(cmd, 0, buf, pad, cmd.length);
            for (int k = pad; k < buf.length; k++) {
                assertThat(parse(buf, pad, k)).as("seed=" + seed + "L iter=" + iter + " prefix " + (k - pad))
                        .isNull();
            }
            assertThat(parse(buf, pad, buf.length)).isNotNull();
        }
    }

    @Test
    void consecutiveCommandsParseOneAfterAnother() throws Exception {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        byte[][][] all = new byte[200][][];
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < all.length; i++) {
            all[i] = randomArgv(rnd, 500);
            out.writeBytes(RespCommands.encode(all[i]));
        }
        byte[] buf = out.toByteArray();
        int p = 0;
        for (int i = 0; i < all.length; i++) {
            RespCommands.Parsed c = parse(buf, p, buf.length);
            assertThat(c).as("seed=" + seed + "L command " + i).isNotNull();
            assertThat(c.argv()).as("seed=" + seed + "L command " + i).isDeepEqualTo(all[i]);
            p += c.length();
        }
        assertThat(p).isEqualTo(buf.length);
        assertThat(parse(buf, p, buf.length)).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // input (\r and \n written as \\r \\n) | position | message fragment
            "X|0|expected '*'",
            "+OK\\r\\n|0|expected '*'",
            "*x\\r\\n|1|bad multibulk length",
            "*\\r\\n|1|bad multibulk length",
            "*0\\r\\n|2|bad multibulk length",
            "*-1\\r\\n|1|bad multibulk length",
            "*1234567890\\r\\n|10|bad multibulk length",
            "*1\\rX|3|expected LF",
            "*1\\r\\n:5\\r\\n|4|expected '$'",
            "*1\\r\\n$x\\r\\n|5|bad bulk length",
            "*1\\r\\n$\\r\\n|5|bad bulk length",
            "*1\\r\\n$-1\\r\\n|5|bad bulk length",
            "*1\\r\\n$12345678901\\r\\n|15|bad bulk length",
            "*1\\r\\n$9999999999\\r\\n|15|bad bulk length",
            "*1\\r\\n$3\\rX|7|expected LF",
            "*1\\r\\n$3\\r\\nabcXY|11|not followed by CRLF",
            "*1\\r\\n$3\\r\\nabc\\rX|11|not followed by CRLF",
            "*2\\r\\n$1\\r\\na\\r\\n#|11|expected '$'",
    })
    void malformedInputIsRejectedAtItsPosition(String input, int position, String reason) {
        byte[] bytes = input.replace("\\r", "\r").replace("\\n", "\n").getBytes(StandardCharsets.ISO_8859_1);
        for (int pad : new int[] {0, 3}) {
            byte[] buf = new byte[pad + bytes.length];
            Arrays.fill(buf, 0, pad, (byte) '?');
            System.arraycopy(bytes, 0, buf, pad, bytes.length);
            assertThatThrownBy(() -> parse(buf, pad, buf.length))
                    .isInstanceOf(MalformedCommandException.class)
                    .hasMessageContaining(reason)
                    .satisfies(e -> assertThat(((MalformedCommandException) e).position()).as("position").isEqualTo(position));
        }
    }

    @Test
    void aHugeArgumentCountInAShortInputIsIncompleteAndAllocatesLittle() throws Exception {
        byte[] buf = "*999999999\r\n$3\r\nSET\r\n".getBytes(StandardCharsets.US_ASCII);
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        RespCommands.parse(buf, 0, 1); // warm up
        long before = mx.getThreadAllocatedBytes(tid);
        assertThat(RespCommands.parse(buf, 0, buf.length)).isNull();
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        // A corrupt count must not make recovery or a reader allocate gigabytes.
        assertThat(allocated).as("bytes allocated").isLessThan(1 << 20);
        java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(buf.length).put(buf).clear();
        RespCommands.parse(direct, 0, 1); // warm up
        before = mx.getThreadAllocatedBytes(tid);
        assertThat(RespCommands.parse(direct, 0, buf.length)).isNull();
        assertThat(mx.getThreadAllocatedBytes(tid) - before).as("bytes allocated, direct buffer").isLessThan(1 << 20);
    }

    @Test
    void isComparesAsciiIgnoringCase() {
        assertThat(RespCommands.is("MuLtI".getBytes(), "multi")).isTrue();
        assertThat(RespCommands.is("exec".getBytes(), "exec")).isTrue();
        assertThat(RespCommands.is("exe".getBytes(), "exec")).isFalse();
        assertThat(RespCommands.is("execs".getBytes(), "exec")).isFalse();
        assertThat(RespCommands.is("selecu".getBytes(), "select")).isFalse();
    }
}
