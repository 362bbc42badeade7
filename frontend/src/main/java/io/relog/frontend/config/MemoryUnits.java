package io.relog.frontend.config;

import java.util.Locale;

/**
 * Memory amounts as redis.conf writes them: a plain byte count or a number with a unit,
 * case-insensitive: {@code k}=1000, {@code kb}=1024, {@code m}=1000², {@code mb}=1024²,
 * {@code g}=1000³, {@code gb}=1024³, {@code b}=1.
 */
public final class MemoryUnits {

    private MemoryUnits() {
    }

    /** The number of bytes, or -1 when {@code text} is not a memory value. */
    public static long parse(String text) {
        String s = text.toLowerCase(Locale.ROOT);
        long mul = 1;
        String digits = s;
        String[][] units = {{"kb", "1024"}, {"mb", "1048576"}, {"gb", "1073741824"},
            {"k", "1000"}, {"m", "1000000"}, {"g", "1000000000"}, {"b", "1"}};
        for (String[] u : units) {
            if (s.endsWith(u[0])) {
                mul = Long.parseLong(u[1]);
                digits = s.substring(0, s.length() - u[0].length());
                break;
            }
        }
        if (digits.isEmpty() || digits.length() > 19) {
            return -1;
        }
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        long v = Long.parseLong(digits);
        if (v > Long.MAX_VALUE / mul) {
            return -1;
        }
        return v * mul;
    }
}
