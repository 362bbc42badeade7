package io.relog.frontend.resp;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Doubles as Redis 7.0 writes them in replies: {@code inf}, {@code -inf}, otherwise C's
 * {@code %.17g} — 17 significant digits, trailing zeros removed, scientific notation
 * ({@code 1.0000000000000001e+20}) when the decimal exponent is below -4 or at least 17.
 */
public final class DoubleFormat {

    private DoubleFormat() {
    }

    private static final MathContext SEVENTEEN = new MathContext(17, RoundingMode.HALF_EVEN);

    public static String format(double v) {
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (v == 0) {
            return (1 / v) < 0 ? "-0" : "0";
        }
        // The exact binary value rounded to 17 significant digits, as printf does.
        BigDecimal d = new BigDecimal(v).round(SEVENTEEN);
        String digits = d.unscaledValue().abs().toString();
        // Normalise to exactly 17 digits (unscaledValue may have fewer when the value is short).
        int exp = digits.length() - 1 - d.scale(); // decimal exponent of the first digit
        StringBuilder sig = new StringBuilder(digits);
        while (sig.length() < 17) {
            sig.append('0');
        }
        StringBuilder out = new StringBuilder(32);
        if (v < 0) {
            out.append('-');
        }
        if (exp < -4 || exp >= 17) {
            out.append(sig.charAt(0));
            String frac = stripZeros(sig.substring(1));
            if (!frac.isEmpty()) {
                out.append('.').append(frac);
            }
            out.append('e').append(exp < 0 ? '-' : '+');
            int ae = Math.abs(exp);
            if (ae < 10) {
                out.append('0');
            }
            out.append(ae);
        } else if (exp >= 0) {
            out.append(sig, 0, exp + 1);
            String frac = stripZeros(sig.substring(exp + 1));
            if (!frac.isEmpty()) {
                out.append('.').append(frac);
            }
        } else {
            out.append("0.");
            for (int i = -1; i > exp; i--) {
                out.append('0');
            }
            out.append(stripZeros(sig.toString()));
        }
        return out.toString();
    }

    private static String stripZeros(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '0') {
            end--;
        }
        return s.substring(0, end);
    }
}
