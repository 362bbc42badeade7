package io.relog.snapshot.rdb;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The CRC-64 that RDB files and DUMP payloads end with: Jones' polynomial
 * ({@code 0xad93d23594c935a9}) in reflected form, initial value 0, no final xor, as Redis'
 * {@code crc64.c} computes it. Check value: {@code "123456789"} → {@code 0xe9c6d914c4b8d9ca}.
 *
 * <p>Table-driven, sixteen bytes per step ("slicing by 16", two little-endian {@code long}
 * loads and sixteen lookups in one flat table), about 1.5 GB/s on the project's VMs: slicing by 8
 * with byte-by-byte loads ran at ~0.6 GB/s and was more than half of the time spent loading a
 * snapshot of 1 KB strings. The running value is a plain {@code long}; callers fold bytes into
 * it with {@link #update}.
 */
public final class Crc64 {

    /** Jones' polynomial, bit-reversed for the reflected (LSB-first) algorithm. */
    private static final long POLY_REFLECTED = 0x95AC9329AC4BC9B5L;

    /**
     * {@code TABLE[k * 256 + i]}: the CRC of byte {@code i} followed by {@code k} zero bytes, so
     * sixteen input bytes are folded with sixteen independent lookups.
     */
    private static final long[] TABLE = new long[16 * 256];

    private static final VarHandle LITTLE_ENDIAN_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    static {
        for (int i = 0; i < 256; i++) {
            long c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ POLY_REFLECTED : c >>> 1;
            }
            TABLE[i] = c;
        }
        for (int i = 0; i < 256; i++) {
            long c = TABLE[i];
            for (int k = 1; k < 16; k++) {
                c = TABLE[(int) (c & 0xff)] ^ (c >>> 8);
                TABLE[k * 256 + i] = c;
            }
        }
    }

    private Crc64() {
    }

    /** The checksum {@code crc} extended by {@code b[off .. off+len)}. Start a checksum with 0. */
    public static long update(long crc, byte[] b, int off, int len) {
        final long[] t = TABLE;
        int i = off;
        int end = off + len;
        while (end - i >= 16) {
            long x = crc ^ (long) LITTLE_ENDIAN_LONG.get(b, i);
            long y = (long) LITTLE_ENDIAN_LONG.get(b, i + 8);
            crc = t[15 * 256 + (int) (x & 0xff)] ^ t[14 * 256 + (int) ((x >>> 8) & 0xff)]
                    ^ t[13 * 256 + (int) ((x >>> 16) & 0xff)] ^ t[12 * 256 + (int) ((x >>> 24) & 0xff)]
                    ^ t[11 * 256 + (int) ((x >>> 32) & 0xff)] ^ t[10 * 256 + (int) ((x >>> 40) & 0xff)]
                    ^ t[9 * 256 + (int) ((x >>> 48) & 0xff)] ^ t[8 * 256 + (int) (x >>> 56)]
                    ^ t[7 * 256 + (int) (y & 0xff)] ^ t[6 * 256 + (int) ((y >>> 8) & 0xff)]
                    ^ t[5 * 256 + (int) ((y >>> 16) & 0xff)] ^ t[4 * 256 + (int) ((y >>> 24) & 0xff)]
                    ^ t[3 * 256 + (int) ((y >>> 32) & 0xff)] ^ t[2 * 256 + (int) ((y >>> 40) & 0xff)]
                    ^ t[256 + (int) ((y >>> 48) & 0xff)] ^ t[(int) (y >>> 56)];
            i += 16;
        }
        while (i < end) {
            crc = t[(int) ((crc ^ b[i++]) & 0xff)] ^ (crc >>> 8);
        }
        return crc;
    }

    /** The checksum of all of {@code b}. */
    public static long of(byte[] b) {
        return update(0, b, 0, b.length);
    }
}
