package io.relog.engine.strings;

import io.relog.engine.command.Args;
import io.relog.engine.command.Errors;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * INCRBYFLOAT's arithmetic, bit for bit as Redis does it on x86-64: in the 80-bit x87
 * {@code long double} (64-bit significand, 15-bit exponent), printed with {@code "%.17Lf"} and
 * trailing zeros removed. Java has no such type, so values are kept as exact {@link BigDecimal}s
 * rounded to a 64-bit significand after every operation, which gives the same numbers — and the
 * same printed digits, including Redis' visible rounding noise such as
 * {@code 3005.76000000000000001} — as the C code.
 *
 * <p>Hexadecimal input is accepted as {@code strtold} does ({@code 0x10}, {@code -0x1.8p3}).
 * Not covered: subnormal results (below about 3.4e-4932), which become zero.
 */
final class LongDouble {

    private LongDouble() {
    }

    /** Bits of the x87 extended significand. */
    private static final int SIGNIFICAND_BITS = 64;
    /** A finite long double is below 2^16384. */
    private static final int MAX_EXPONENT = 16384;
    /** Smallest normal long double is 2^-16382. */
    private static final int MIN_EXPONENT = -16382;
    private static final double LOG2_10 = Math.log(10) / Math.log(2);
    private static final int PRINT_DECIMALS = 17;

    /** Thrown when a result is not finite; the caller replies Redis' NaN-or-Infinity error. */
    static final class NotFinite extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotFinite() {
            super(null, null, false, false);
        }
    }

    /**
     * Parses like Redis' {@code string2ld}: no surrounding spaces, no NaN, nothing left over, and
     * a value that overflows or underflows to zero is rejected. {@code inf} and friends parse and
     * parse as {@code null} (infinite: any sum with it is not finite). Throws {@link Args.ArgException} with {@link Errors#NOT_FLOAT}.
     */
    static BigDecimal parse(byte[] s) {
        BigDecimal hex = parseHex(s);
        if (hex != null) {
            return checkRange(hex);
        }
        // Args.parseDouble screens the syntax (and spaces, NaN); its double value is not used.
        double d = Args.parseDouble(s);
        boolean literalInfinity = false;
        for (byte b : s) {
            if (b == 'i' || b == 'I') {
                literalInfinity = true;
                break;
            }
        }
        if (literalInfinity) {
            if (Double.isInfinite(d)) {
                return null;
            }
            throw new Args.ArgException(Errors.NOT_FLOAT);
        }
        BigDecimal exact;
        try {
            exact = new BigDecimal(new String(s, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new Args.ArgException(Errors.NOT_FLOAT);
        }
        return checkRange(exact);
    }

    private static BigDecimal checkRange(BigDecimal exact) {
        if (exact.signum() == 0) {
            return BigDecimal.ZERO;
        }
        BigDecimal r;
        try {
            r = round(exact);
        } catch (NotFinite e) {
            throw new Args.ArgException(Errors.NOT_FLOAT); // strtold: ERANGE with HUGE_VALL
        }
        if (r.signum() == 0) {
            throw new Args.ArgException(Errors.NOT_FLOAT); // strtold: ERANGE with zero
        }
        return r;
    }

    /**
     * A C99 hexadecimal float ({@code [+-]0x<hex>[.<hex>][p[+-]<dec>]}) as an exact decimal, or
     * {@code null} if {@code s} does not start like one. Malformed hex throws NOT_FLOAT.
     */
    private static BigDecimal parseHex(byte[] s) {
        int i = 0;
        int n = s.length;
        boolean neg = false;
        if (i < n && (s[i] == '+' || s[i] == '-')) {
            neg = s[i] == '-';
            i++;
        }
        if (i + 1 >= n || s[i] != '0' || (s[i + 1] != 'x' && s[i + 1] != 'X')) {
            return null;
        }
        i += 2;
        BigInteger mantissa = BigInteger.ZERO;
        int digits = 0;
        int fractionDigits = 0;
        boolean dot = false;
        for (; i < n; i++) {
            int d = Character.digit(s[i], 16);
            if (d >= 0) {
                mantissa = mantissa.shiftLeft(4).add(BigInteger.valueOf(d));
                digits++;
                if (dot) {
                    fractionDigits++;
                }
            } else if (s[i] == '.' && !dot) {
                dot = true;
            } else {
                break;
            }
        }
        if (digits == 0) {
            throw new Args.ArgException(Errors.NOT_FLOAT);
        }
        long exponent = 0;
        if (i < n) {
            if (s[i] != 'p' && s[i] != 'P') {
                throw new Args.ArgException(Errors.NOT_FLOAT);
            }
            i++;
            boolean expNeg = false;
            if (i < n && (s[i] == '+' || s[i] == '-')) {
                expNeg = s[i] == '-';
                i++;
            }
            if (i >= n) {
                throw new Args.ArgException(Errors.NOT_FLOAT);
            }
            for (; i < n; i++) {
                if (s[i] < '0' || s[i] > '9') {
                    throw new Args.ArgException(Errors.NOT_FLOAT);
                }
                exponent = Math.min(exponent * 10 + (s[i] - '0'), 1_000_000);
            }
            if (expNeg) {
                exponent = -exponent;
            }
        }
        long e = exponent - 4L * fractionDigits;
        if (mantissa.signum() == 0) {
            return BigDecimal.ZERO;
        }
        if (e > 20_000 || e < -20_000 - mantissa.bitLength()) {
            // Far outside the long double range: overflow or underflow, both rejected by string2ld.
            throw new Args.ArgException(Errors.NOT_FLOAT);
        }
        BigDecimal v = e >= 0
                ? new BigDecimal(mantissa.shiftLeft((int) e))
                : new BigDecimal(mantissa.multiply(BigInteger.valueOf(5).pow((int) -e))).scaleByPowerOfTen((int) e);
        return neg ? v.negate() : v;
    }

    /** {@code a + b} rounded to a long double; throws {@link NotFinite} on overflow or an infinite ({@code null}) operand. */
    static BigDecimal add(BigDecimal a, BigDecimal b) {
        if (a == null || b == null) {
            throw new NotFinite();
        }
        return round(a.add(b));
    }

    /**
     * Rounds an exact value to the nearest long double (ties to even). Returns zero for values
     * below the smallest normal one (subnormals are not modelled); throws {@link NotFinite} above
     * the largest.
     */
    static BigDecimal round(BigDecimal x) {
        if (x.signum() == 0) {
            return BigDecimal.ZERO;
        }
        BigDecimal a = x.abs();
        // e such that a / 2^e has 64 integer bits; start from an estimate of log2(a).
        double log2 = a.unscaledValue().bitLength() - a.scale() * LOG2_10;
        int e = (int) Math.floor(log2) - SIGNIFICAND_BITS;
        BigInteger m;
        while (true) {
            BigDecimal q = e >= 0
                    ? a.multiply(new BigDecimal(BigInteger.valueOf(5).pow(e))).scaleByPowerOfTen(-e)
                    : a.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(-e)));
            m = q.setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
            int bits = m.bitLength();
            if (bits > SIGNIFICAND_BITS) {
                e++;
            } else if (bits < SIGNIFICAND_BITS) {
                e--;
            } else {
                break;
            }
        }
        if (e + SIGNIFICAND_BITS > MAX_EXPONENT) {
            throw new NotFinite();
        }
        if (e + SIGNIFICAND_BITS - 1 < MIN_EXPONENT) {
            return BigDecimal.ZERO;
        }
        BigDecimal v = e >= 0
                ? new BigDecimal(m.shiftLeft(e))
                : new BigDecimal(m.multiply(BigInteger.valueOf(5).pow(-e))).scaleByPowerOfTen(e);
        return x.signum() < 0 ? v.negate() : v;
    }

    /** {@code "%.17Lf"} with trailing zeros (and a trailing dot) removed, {@code -0} printed as {@code 0}. */
    static byte[] format(BigDecimal v) {
        String s = v.setScale(PRINT_DECIMALS, RoundingMode.HALF_EVEN).toPlainString();
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        s = s.substring(0, end);
        if (s.equals("-0")) {
            s = "0";
        }
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
