package io.relog.snapshot.rdb;

/**
 * LZF decompression, the compression of RDB strings ({@code 0xC3 clen len data}): a stream of
 * literal runs (control byte < 32: copy control+1 bytes) and back references (length in the top
 * three bits, 7 meaning an extra length byte follows; distance in the low five bits plus the next
 * byte, counted back from the output position, which may overlap the bytes being written).
 */
final class Lzf {

    /** The most bytes one input byte can decompress to: a 3-byte back reference copies 264. */
    static final int MAX_EXPANSION = 88;

    private Lzf() {
    }

    /**
     * Decompresses {@code in} into a new array of exactly {@code len} bytes; returns {@code null}
     * if the data is malformed or does not decompress to {@code len} bytes.
     */
    static byte[] decompress(byte[] in, int len) {
        byte[] out = new byte[len];
        int ip = 0;
        int op = 0;
        while (ip < in.length) {
            int ctrl = in[ip++] & 0xff;
            if (ctrl < 32) {
                int run = ctrl + 1;
                if (ip + run > in.length || op + run > len) {
                    return null;
                }
                System.arraycopy(in, ip, out, op, run);
                ip += run;
                op += run;
            } else {
                int n = ctrl >>> 5;
                if (n == 7) {
                    if (ip >= in.length) {
                        return null;
                    }
                    n += in[ip++] & 0xff;
                }
                if (ip >= in.length) {
                    return null;
                }
                int ref = op - ((ctrl & 0x1f) << 8) - 1 - (in[ip++] & 0xff);
                n += 2;
                if (ref < 0 || op + n > len) {
                    return null;
                }
                for (int i = 0; i < n; i++) {
                    out[op++] = out[ref++];
                }
            }
        }
        return op == len ? out : null;
    }
}
