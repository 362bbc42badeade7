package io.relog.engine.types;

import io.relog.engine.command.Args;
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

    /**
     * Parses a score the way Redis' {@code getDoubleFromObject} does for ZADD, ZINCRBY and WEIGHTS:
     * C {@code strtod} syntax (decimal, hexadecimal such as {@code 0x10} or {@code 0x1.8p3},
     * {@code inf}/{@code infinity} in any case, optional sign), no surrounding spaces, NaN refused,
     * and refused when the value overflows to infinity or underflows to zero ({@code ERANGE}).
     * Throws {@link Args.ArgException} with {@code error}.
     */
    public static double parse(byte[] arg, String error) {
        return parse(arg, error, true);
    }

    /**
     * Parses a score interval bound the way Redis' {@code zslParseRange} does: {@code strtod}
     * syntax, NaN refused, but an overflow is infinity and an underflow zero.
     */
    public static double parseBound(byte[] arg, String error) {
        return parse(arg, error, false);
    }

    private static final java.util.regex.Pattern HEX =
            java.util.regex.Pattern.compile("([0-9a-f]+\\.?[0-9a-f]*|\\.[0-9a-f]+)(p[+-]?[0-9]+)?");

    private static double parse(byte[] arg, String error, boolean strict) {
        int n = arg.length;
        if (n == 0 || n > 5000) {
            throw new Args.ArgException(error);
        }
        int i = 0;
        boolean negative = false;
        if (arg[0] == '+' || arg[0] == '-') {
            negative = arg[0] == '-';
            i = 1;
        }
        if (i == n) {
            throw new Args.ArgException(error);
        }
        int first = arg[i] | 0x20;
        double v;
        if (first == 'i') {
            String word = new String(arg, i, n - i, StandardCharsets.ISO_8859_1);
            if (word.equalsIgnoreCase("inf") || word.equalsIgnoreCase("infinity")) {
                return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            }
            throw new Args.ArgException(error);
        } else if (n - i > 2 && arg[i] == '0' && (arg[i + 1] | 0x20) == 'x') {
            String hex = new String(arg, i + 2, n - i - 2, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
            if (!HEX.matcher(hex).matches()) {
                throw new Args.ArgException(error);
            }
            v = Double.parseDouble("0x" + (hex.indexOf('p') >= 0 ? hex : hex + "p0"));
        } else {
            // strtod's decimal grammar; Java's parser agrees on these characters once a sign,
            // spaces and its own suffixes (d, f) are screened out.
            if (arg[i] == '+' || arg[i] == '-') {
                throw new Args.ArgException(error);
            }
            for (int j = i; j < n; j++) {
                byte c = arg[j];
                if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+')) {
                    throw new Args.ArgException(error);
                }
            }
            try {
                v = Double.parseDouble(new String(arg, i, n - i, StandardCharsets.ISO_8859_1));
            } catch (NumberFormatException e) {
                throw new Args.ArgException(error);
            }
        }
        if (strict && (Double.isInfinite(v) || (v == 0 && nonZeroMantissa(arg, i)))) {
            throw new Args.ArgException(error); // strtod's ERANGE, which Redis refuses
        }
        return negative ? -v : v;
    }

    /** Whether the mantissa of the number at {@code arg[from..]} has a non-zero digit. */
    private static boolean nonZeroMantissa(byte[] arg, int from) {
        boolean hex = arg.length - from > 2 && arg[from] == '0' && (arg[from + 1] | 0x20) == 'x';
        for (int j = hex ? from + 2 : from; j < arg.length; j++) {
            int c = arg[j] | 0x20;
            if (c == (hex ? 'p' : 'e')) {
                return false;
            }
            if ((c >= '1' && c <= '9') || (hex && c >= 'a' && c <= 'f')) {
                return true;
            }
        }
        return false;
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
