package io.relog.frontend.resp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplyBufferTest {

    private static String encode(int protocol, Consumer<ReplyBuffer> writes) {
        ReplyBuffer r = new ReplyBuffer(PooledByteBufAllocator.DEFAULT);
        r.protocol(protocol);
        writes.accept(r);
        ByteBuf b = r.take();
        try {
            return b == null ? "" : b.toString(StandardCharsets.UTF_8);
        } finally {
            if (b != null) {
                b.release();
            }
        }
    }

    @Test
    void scalarsInResp2() {
        assertThat(encode(2, r -> {
            r.ok();
            r.simple("PONG");
            r.error("ERR bad\r\nthing");
            r.integer(0);
            r.integer(1);
            r.integer(-42);
            r.integer(123456789012L);
            r.integer(Long.MIN_VALUE);
            r.bulk("héllo");
            r.bulk(new byte[0]);
            r.nullBulk();
            r.nullArray();
        })).isEqualTo("+OK\r\n+PONG\r\n-ERR bad  thing\r\n:0\r\n:1\r\n:-42\r\n:123456789012\r\n"
                + ":-9223372036854775808\r\n$6\r\nhéllo\r\n$0\r\n\r\n$-1\r\n*-1\r\n");
    }

    /** Integers of every digit count and sign are written as Long.toString writes them. */
    @Test
    void integersOfEveryLength() {
        long seed = new java.util.Random().nextLong();
        java.util.Random rnd = new java.util.Random(seed);
        StringBuilder expected = new StringBuilder();
        long[] values = new long[2_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i < 4 ? new long[] {Long.MAX_VALUE, Long.MIN_VALUE + 1, 10, -10}[i]
                    : rnd.nextLong() >> rnd.nextInt(64);
            expected.append(':').append(values[i]).append("\r\n");
        }
        assertThat(encode(2, r -> {
            for (long v : values) {
                r.integer(v);
            }
        })).as("seed " + seed).isEqualTo(expected.toString());
    }

    @Test
    void resp3TypesDegradeToResp2AsRedisDoes() {
        Consumer<ReplyBuffer> writes = r -> {
            r.map(1);
            r.bulk("k");
            r.doubleValue(1.5);
            r.set(2);
            r.bool(true);
            r.bool(false);
            r.push(1);
            r.verbatim("txt", "hi".getBytes(StandardCharsets.UTF_8));
            r.nullBulk();
            r.nullArray();
            r.bulk((String) null);
        };
        assertThat(encode(2, writes)).isEqualTo(
                "*2\r\n$1\r\nk\r\n$3\r\n1.5\r\n*2\r\n:1\r\n:0\r\n*1\r\n$2\r\nhi\r\n$-1\r\n*-1\r\n$-1\r\n");
        assertThat(encode(3, writes)).isEqualTo(
                "%1\r\n$1\r\nk\r\n,1.5\r\n~2\r\n#t\r\n#f\r\n>1\r\n=6\r\ntxt:hi\r\n_\r\n_\r\n_\r\n");
    }

    @Test
    void infinitiesAndLargeDoubles() {
        assertThat(encode(3, r -> {
            r.doubleValue(Double.POSITIVE_INFINITY);
            r.doubleValue(Double.NEGATIVE_INFINITY);
            r.doubleValue(1.1);
        })).isEqualTo(",inf\r\n,-inf\r\n,1.1000000000000001\r\n");
        assertThat(encode(2, r -> r.doubleValue(Double.NEGATIVE_INFINITY))).isEqualTo("$4\r\n-inf\r\n");
    }

    @Test
    void truncateDropsSuppressedReplies() {
        assertThat(encode(2, r -> {
            r.ok();
            int mark = r.size();
            r.bulk("dropped");
            r.truncate(mark);
            r.integer(7);
        })).isEqualTo("+OK\r\n:7\r\n");
    }

    @Test
    void takeOfNothingIsNullAndReleaseIsSafe() {
        ReplyBuffer r = new ReplyBuffer(PooledByteBufAllocator.DEFAULT);
        assertThat(r.take()).isNull();
        r.ok();
        r.release();
        r.release();
        assertThat(r.take()).isNull();
    }

    /** Expected values are C's printf("%.17g"), as produced by Python's '%.17g' % x. */
    @ParameterizedTest
    @CsvSource({
        "1.1, 1.1000000000000001",
        "0.1, 0.10000000000000001",
        "1e20, 1e+20",
        "1.5e-5, 1.5e-05",
        "123456789012345678, 1.2345678901234568e+17",
        "3.0, 3",
        "-2.5, -2.5",
        "1e-4, 0.0001",
        "0.0001234, 0.00012339999999999999",
        "1e16, 10000000000000000",
        "1e17, 1e+17",
        "12345.678, 12345.678",
        "-0.0, -0",
        "5e-324, 4.9406564584124654e-324",
        "1.7976931348623157e308, 1.7976931348623157e+308",
        "100, 100",
        "0.5, 0.5",
    })
    void doublesFormatLikePercent17g(String in, String expected) {
        assertThat(io.relog.engine.types.Scores.format(Double.parseDouble(in))).isEqualTo(expected);
    }
}
