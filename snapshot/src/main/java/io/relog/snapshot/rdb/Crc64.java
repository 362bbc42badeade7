package io.relog.snapshot.rdb;

/**
 * The CRC-64 that RDB files and DUMP payloads end with: Jones' polynomial
 * ({@code 0xad93d23594c935a9}) in reflected form, initial value 0, no final xor, as Redis'
 * {@code crc64.c} computes it. Check value: {@code "123456789"} → {@code 0xe9c6d914c4b8d9ca}.
 *
 * <p>Table-driven, eight bytes per step ("slicing by 8"), so the checksum costs well under a
 * nanosecond per byte and never dominates writing or loading a snapshot. The running value is a
 * plain {@code long}; callers fold bytes into it with {@link #update}.
 */
public final class Crc64 {

    /** Jones' polynomial, bit-reversed for the reflected (LSB-first) algorithm. */
    private static final long POLY_REFLECTED = 0x95AC9329AC4BC9B5L;

    private static final long[][] TABLES = new long[8][256];

    static {
        for (int i = 0; i < 256; i++) {
            long c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ POLY_REFLECTED : c >>> 1;
            }
            TABLES[0][i] = c;
        }
        for (int i = 0; i < 256; i++) {
            long c = TABLES[0][i];
            for (int t = 1; t < 8; t++) {
                c = TABLES[0][(int) (c & 0xff)] ^ (c >>> 8);
                TABLES[t][i] = c;
            }
        }
    }

    private Crc64() {
    }

    /** The checksum {@code crc} extended by {@code b[off .. off+len)}. Start a checksum with 0. */
    public static long update(long crc, byte[] b, int off, int len) {
        long[] t0 = TABLES[0];
        long[] t1 = TABLES[1];
        long[] t2 = TABLES[2];
        long[] t3 = TABLES[3];
        long[] t4 = TABLES[4];
        long[] t5 = TABLES[5];
        long[] t6 = TABLES[6];
        long[] t7 = TABLES[7];
        int i = off;
        int end = off + len;
        while (end - i >= 8) {
            long x = crc
                    ^ ((b[i] & 0xffL) | (b[i + 1] & 0xffL) << 8 | (b[i + 2] & 0xffL) << 16 | (b[i + 3] & 0xffL) << 24
                    | (b[i + 4] & 0xffL) << 32 | (b[i + 5] & 0xffL) << 40 | (b[i + 6] & 0xffL) << 48
                    | (b[i + 7] & 0xffL) << 56);
            crc = t7[(int) (x & 0xff)] ^ t6[(int) ((x >>> 8) & 0xff)] ^ t5[(int) ((x >>> 16) & 0xff)]
                    ^ t4[(int) ((x >>> 24) & 0xff)] ^ t3[(int) ((x >>> 32) & 0xff)]
                    ^ t2[(int) ((x >>> 40) & 0xff)] ^ t1[(int) ((x >>> 48) & 0xff)] ^ t0[(int) (x >>> 56)];
            i += 8;
        }
        while (i < end) {
            crc = t0[(int) ((crc ^ b[i++]) & 0xff)] ^ (crc >>> 8);
        }
        return crc;
    }

    /** The checksum of all of {@code b}. */
    public static long of(byte[] b) {
        return update(0, b, 0, b.length);
    }
}
