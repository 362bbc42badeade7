package io.relog.engine.types;

import io.relog.engine.command.Reply;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * Sorted-set scores as Redis 7.0 writes them: C's {@code %.17g} ({@code 1}, {@code 1.5},
 * {@code 0.10000000000000001}, {@code 1e+20}, {@code 1.0000000000000001e-05}) and {@code inf},
 * {@code -inf}. Used for every score reply and for scores Relog writes into the propagated stream.
 */
public final class Scores {

    private Scores() {
    }

    private static final MathContext SEVENTEEN = new MathContext(17, RoundingMode.HALF_EVEN);

    /** {@code score} formatted as C's {@code printf("%.17g")}, with {@code inf}/{@code -inf}. */
    public static String format(double score) {
        if (Double.isInfinite(score)) {
            return score > 0 ? "inf" : "-inf";
        }
        if (Double.isNaN(score)) {
            return "nan";
        }
        if (score == 0) {
            return 1 / score < 0 ? "-0" : "0";
        }
        if (score == Math.rint(score) && Math.abs(score) < 1e15) {
            return Long.toString((long) score);
        }
        BigDecimal bd = new BigDecimal(score).round(SEVENTEEN);
        String digits = bd.unscaledValue().abs().toString();
        int exp = digits.length() - 1 - bd.scale(); // decimal exponent of the first digit
        int end = digits.length();
        while (end > 1 && digits.charAt(end - 1) == '0') {
            end--;
        }
        digits = digits.substring(0, end);
        StringBuilder sb = new StringBuilder(24);
        if (score < 0) {
            sb.append('-');
        }
        if (exp < -4 || exp >= 17) {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            sb.append('e').append(exp < 0 ? '-' : '+');
            int a = Math.abs(exp);
            if (a < 10) {
                sb.append('0');
            }
            sb.append(a);
        } else if (exp >= 0) {
            if (digits.length() <= exp + 1) {
                sb.append(digits);
                for (int i = digits.length(); i <= exp; i++) {
                    sb.append('0');
                }
            } else {
                sb.append(digits, 0, exp + 1).append('.').append(digits, exp + 1, digits.length());
            }
        } else {
            sb.append("0.");
            for (int i = -1; i > exp; i--) {
                sb.append('0');
            }
            sb.append(digits);
        }
        return sb.toString();
    }

    /** ASCII bytes of {@link #format}. */
    public static byte[] bytes(double score) {
        return format(score).getBytes(StandardCharsets.US_ASCII);
    }

    /** Replies a score: a bulk string in RESP2, a RESP3 double otherwise (Redis' {@code addReplyDouble}). */
    public static void reply(Reply reply, double score) {
        if (reply.protocol() == 2) {
            reply.bulk(bytes(score));
        } else {
            reply.doubleValue(score);
        }
    }
}
