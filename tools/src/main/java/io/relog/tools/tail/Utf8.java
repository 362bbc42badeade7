package io.relog.tools.tail;

/** Strict UTF-8 validation (no overlong forms, no surrogates, nothing above U+10FFFF), as JSON needs. */
final class Utf8 {

    private Utf8() {
    }

    static boolean isValid(byte[] b) {
        int i = 0;
        int n = b.length;
        while (i < n) {
            int c = b[i];
            if (c >= 0) {
                i++;
                continue;
            }
            c &= 0xff;
            if (c >= 0xc2 && c <= 0xdf) {
                if (i + 1 >= n || !cont(b[i + 1])) {
                    return false;
                }
                i += 2;
            } else if (c >= 0xe0 && c <= 0xef) {
                if (i + 2 >= n || !cont(b[i + 1]) || !cont(b[i + 2])) {
                    return false;
                }
                int c1 = b[i + 1] & 0xff;
                if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 > 0x9f)) {
                    return false; // overlong, or a surrogate
                }
                i += 3;
            } else if (c >= 0xf0 && c <= 0xf4) {
                if (i + 3 >= n || !cont(b[i + 1]) || !cont(b[i + 2]) || !cont(b[i + 3])) {
                    return false;
                }
                int c1 = b[i + 1] & 0xff;
                if ((c == 0xf0 && c1 < 0x90) || (c == 0xf4 && c1 > 0x8f)) {
                    return false; // overlong, or above U+10FFFF
                }
                i += 4;
            } else {
                return false;
            }
        }
        return true;
    }

    private static boolean cont(byte b) {
        return (b & 0xc0) == 0x80;
    }
}
