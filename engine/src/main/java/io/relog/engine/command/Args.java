package io.relog.engine.command;

import java.nio.charset.StandardCharsets;

/**
 * Parsing of command arguments exactly as Redis does it ({@code string2ll}, {@code string2ld}),
 * without allocating on the success path. Methods that can fail return a sentinel-free result
 * through exceptions of type {@link ArgException}, whose message is the Redis error text to reply.
 */
public final class Args {

    private Args() {
    }

    /** A bad argument; {@link #getMessage()} is the full Redis error reply text. */
    public static final class ArgException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ArgException(String redisError) {
            super(redisError, null, false, false);
        }
    }

    /** Whether {@code arg} equals the ASCII word {@code lower} (given in lower case), ignoring case. */
    public static boolean is(byte[] arg, String lower) {
        int n = lower.length();
        if (arg.length != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            int c = arg[i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses a 64-bit signed decimal integer the way Redis' {@code string2ll} does: no leading
     * '+', no spaces, no leading zeros (except "0"), "-0" rejected, 1..20 chars. Returns
     * {@code false} in {@code ok[0]}-free style: throws {@link ArgException} with
     * {@link Errors#NOT_INTEGER} on failure.
     */
    public static long parseLong(byte[] arg) {
        return parseLong(arg, Errors.NOT_INTEGER);
    }

    /** Like {@link #parseLong(byte[])} with a custom error text. */
    public static long parseLong(byte[] arg, String error) {
        long v = parseLongOrMin(arg);
        if (v == Long.MIN_VALUE && !isLongMin(arg)) {
            throw new ArgException(error);
        }
        return v;
    }

    /** Whether {@code arg} is a canonical 64-bit integer as {@link #parseLong} accepts. */
    public static boolean isLong(byte[] arg) {
        return parseLongOrMin(arg) != Long.MIN_VALUE || isLongMin(arg);
    }

    private static final byte[] LONG_MIN = Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);

    private static boolean isLongMin(byte[] arg) {
        return java.util.Arrays.equals(arg, LONG_MIN);
    }

    /** Returns the value, or Long.MIN_VALUE when not a canonical integer (ambiguous with MIN itself). */
    private static long parseLongOrMin(byte[] s) {
        int n = s.length;
        if (n == 0 || n > 20) {
            return Long.MIN_VALUE;
        }
        if (n == 1 && s[0] == '0') {
            return 0;
        }
        int i = 0;
        boolean neg = false;
        if (s[0] == '-') {
            neg = true;
            i = 1;
            if (n == 1) {
                return Long.MIN_VALUE;
            }
        }
        if (s[i] < '1' || s[i] > '9') {
            return Long.MIN_VALUE;
        }
        long v = 0; // accumulate negatively to reach Long.MIN_VALUE
        for (; i < n; i++) {
            int d = s[i] - '0';
            if (d < 0 || d > 9) {
                return Long.MIN_VALUE;
            }
            if (v < (Long.MIN_VALUE + d) / 10) {
                return Long.MIN_VALUE;
            }
            v = v * 10 - d;
        }
        if (neg) {
            return v;
        }
        return v == Long.MIN_VALUE ? Long.MIN_VALUE : -v;
    }

    /** Parses an int in [min, max] or throws with {@code error}. */
    public static int parseInt(byte[] arg, int min, int max, String error) {
        long v = parseLong(arg, error);
        if (v < min || v > max) {
            throw new ArgException(error);
        }
        return (int) v;
    }

    /**
     * Parses a double the way Redis' {@code getDoubleFromObject} does: no spaces, accepts
     * {@code inf}, {@code +inf}, {@code -inf} in any case, rejects NaN. Throws
     * {@link Errors#NOT_FLOAT} on failure.
     */
    public static double parseDouble(byte[] arg) {
        return parseDouble(arg, Errors.NOT_FLOAT);
    }

    public static double parseDouble(byte[] arg, String error) {
        int n = arg.length;
        if (n == 0 || n > 5000) {
            throw new ArgException(error);
        }
        if (isSpace(arg[0]) || isSpace(arg[n - 1])) {
            throw new ArgException(error);
        }
        String s = new String(arg, StandardCharsets.US_ASCII);
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        switch (lower) {
            case "inf", "+inf", "infinity", "+infinity":
                return Double.POSITIVE_INFINITY;
            case "-inf", "-infinity":
                return Double.NEGATIVE_INFINITY;
            default:
                break;
        }
        // Java accepts forms strtod rejects ("1d", "1f", hex floats with 'p'); screen them out.
        for (int i = 0; i < n; i++) {
            byte c = arg[i];
            boolean ok = (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+';
            if (!ok) {
                throw new ArgException(error);
            }
        }
        try {
            double d = Double.parseDouble(s);
            if (Double.isNaN(d)) {
                throw new ArgException(error);
            }
            return d;
        } catch (NumberFormatException e) {
            throw new ArgException(error);
        }
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0b || b == '\f';
    }

    /** ASCII bytes of a long, as Redis formats integers. */
    public static byte[] bytes(long v) {
        if (v == Long.MIN_VALUE) {
            return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
        }
        // Straight into the array (INCR's hot path): no String and no encoding step.
        long m = Math.abs(v);
        int digits = 1;
        for (long t = m; t >= 10; t /= 10) {
            digits++;
        }
        int len = v < 0 ? digits + 1 : digits;
        byte[] out = new byte[len];
        for (int i = len - 1; i >= len - digits; i--) {
            out[i] = (byte) ('0' + m % 10);
            m /= 10;
        }
        if (v < 0) {
            out[0] = '-';
        }
        return out;
    }

    /** UTF-8 bytes of a string. */
    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
