package io.relog.snapshot.rdb;

import io.relog.engine.command.Args;
import java.util.ArrayList;
import java.util.List;

/**
 * Decoders for the packed blobs Redis stores as one RDB string: listpack, ziplist, intset and
 * zipmap. Each returns the elements in order, integers as their decimal text (the form Redis
 * hands back to clients). Every structural fact is checked — the header's byte count against the
 * blob, every entry within bounds, the terminator, the element count — and a violation is a
 * {@link BlobException} with the offset inside the blob, which the caller turns into an
 * {@link RdbFormatException} at the blob's offset in the file.
 */
final class PackedBlobs {

    private PackedBlobs() {
    }

    /** A malformed blob; {@code offset} is relative to the blob's first byte. */
    static final class BlobException extends Exception {
        final int offset;

        BlobException(int offset, String message) {
            super(message, null, false, false);
            this.offset = offset;
        }
    }

    private static void check(boolean ok, int offset, String what) throws BlobException {
        if (!ok) {
            throw new BlobException(offset, what);
        }
    }

    private static long le(byte[] b, int at, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (b[at + i] & 0xffL) << (8 * i);
        }
        return v;
    }

    /** Sign-extends the low {@code bits} bits of {@code v}. */
    private static long signed(long v, int bits) {
        return (v << (64 - bits)) >> (64 - bits);
    }

    // ------------------------------------------------------------------ listpack

    /**
     * The entries of a listpack: {@code total bytes u32 LE, count u16 LE (65535 = unknown),
     * entries, 0xFF}; an entry is an encoding byte (7-bit uint, 6/12/32-bit string length,
     * 13/16/24/32/64-bit int), its data, and a 1–5 byte back-length.
     */
    static List<byte[]> listpack(byte[] lp) throws BlobException {
        check(lp.length >= 7, 0, "listpack shorter than its header");
        check(le(lp, 0, 4) == lp.length, 0, "listpack header says " + le(lp, 0, 4) + " bytes, blob has " + lp.length);
        int declared = (int) le(lp, 4, 2);
        List<byte[]> out = new ArrayList<>(declared == 0xffff ? 16 : declared);
        int p = 6;
        while (true) {
            check(p < lp.length, p, "listpack without terminator");
            int b = lp[p] & 0xff;
            if (b == 0xff) {
                check(p == lp.length - 1, p, "listpack terminator before its end");
                break;
            }
            int start = p;
            byte[] value;
            int size; // encoding + data
            if ((b & 0x80) == 0) {
                value = Args.bytes(b & 0x7f);
                size = 1;
            } else if ((b & 0xc0) == 0x80) {
                int len = b & 0x3f;
                size = 1 + len;
                check(p + size <= lp.length, p, "listpack string past the end");
                value = java.util.Arrays.copyOfRange(lp, p + 1, p + size);
            } else if ((b & 0xe0) == 0xc0) {
                check(p + 2 <= lp.length, p, "listpack integer past the end");
                value = Args.bytes(signed(((b & 0x1f) << 8) | (lp[p + 1] & 0xff), 13));
                size = 2;
            } else if ((b & 0xf0) == 0xe0) {
                check(p + 2 <= lp.length, p, "listpack string past the end");
                int len = ((b & 0x0f) << 8) | (lp[p + 1] & 0xff);
                size = 2 + len;
                check(p + size <= lp.length, p, "listpack string past the end");
                value = java.util.Arrays.copyOfRange(lp, p + 2, p + size);
            } else if (b == 0xf0) {
                check(p + 5 <= lp.length, p, "listpack string past the end");
                long len = le(lp, p + 1, 4);
                check(p + 5 + len <= lp.length, p, "listpack string past the end");
                size = 5 + (int) len;
                value = java.util.Arrays.copyOfRange(lp, p + 5, p + size);
            } else {
                int n = switch (b) {
                    case 0xf1 -> 2;
                    case 0xf2 -> 3;
                    case 0xf3 -> 4;
                    case 0xf4 -> 8;
                    default -> throw new BlobException(p, String.format("unknown listpack encoding 0x%02x", b));
                };
                check(p + 1 + n <= lp.length, p, "listpack integer past the end");
                value = Args.bytes(signed(le(lp, p + 1, n), 8 * n));
                size = 1 + n;
            }
            int backlen = size <= 127 ? 1 : size < 16383 ? 2 : size < 2097151 ? 3 : size < 268435455 ? 4 : 5;
            p += size + backlen;
            check(p < lp.length, start, "listpack entry past the end");
            out.add(value);
        }
        check(declared == 0xffff || declared == out.size(), 4,
                "listpack header counts " + declared + " entries, found " + out.size());
        return out;
    }

    // ------------------------------------------------------------------ ziplist

    /**
     * The entries of a ziplist: {@code zlbytes u32, zltail u32, zllen u16, entries, 0xFF}; an
     * entry is a previous-entry length (1 byte, or 0xFE + 4 bytes), an encoding (6/14/32-bit
     * string length, 8/16/24/32/64-bit int, or a 4-bit immediate 0..12) and its data.
     */
    static List<byte[]> ziplist(byte[] zl) throws BlobException {
        check(zl.length >= 11, 0, "ziplist shorter than its header");
        check(le(zl, 0, 4) == zl.length, 0, "ziplist header says " + le(zl, 0, 4) + " bytes, blob has " + zl.length);
        int declared = (int) le(zl, 8, 2);
        List<byte[]> out = new ArrayList<>(declared == 0xffff ? 16 : declared);
        int p = 10;
        while (true) {
            check(p < zl.length, p, "ziplist without terminator");
            if ((zl[p] & 0xff) == 0xff) {
                check(p == zl.length - 1, p, "ziplist terminator before its end");
                break;
            }
            int start = p;
            p += (zl[p] & 0xff) == 0xfe ? 5 : 1;
            check(p < zl.length, start, "ziplist entry past the end");
            int e = zl[p] & 0xff;
            byte[] value;
            if (e >>> 6 == 0) {
                int len = e & 0x3f;
                check(p + 1 + len <= zl.length, start, "ziplist string past the end");
                value = java.util.Arrays.copyOfRange(zl, p + 1, p + 1 + len);
                p += 1 + len;
            } else if (e >>> 6 == 1) {
                check(p + 2 <= zl.length, start, "ziplist entry past the end");
                int len = ((e & 0x3f) << 8) | (zl[p + 1] & 0xff);
                check(p + 2 + len <= zl.length, start, "ziplist string past the end");
                value = java.util.Arrays.copyOfRange(zl, p + 2, p + 2 + len);
                p += 2 + len;
            } else if (e == 0x80) {
                check(p + 5 <= zl.length, start, "ziplist entry past the end");
                long len = ((zl[p + 1] & 0xffL) << 24) | ((zl[p + 2] & 0xff) << 16) | ((zl[p + 3] & 0xff) << 8)
                        | (zl[p + 4] & 0xff);
                check(p + 5 + len <= zl.length, start, "ziplist string past the end");
                value = java.util.Arrays.copyOfRange(zl, p + 5, p + 5 + (int) len);
                p += 5 + (int) len;
            } else if (e >= 0xf1 && e <= 0xfd) {
                value = Args.bytes((e & 0x0f) - 1);
                p += 1;
            } else {
                int n = switch (e) {
                    case 0xfe -> 1;
                    case 0xc0 -> 2;
                    case 0xf0 -> 3;
                    case 0xd0 -> 4;
                    case 0xe0 -> 8;
                    default -> throw new BlobException(p, String.format("unknown ziplist encoding 0x%02x", e));
                };
                check(p + 1 + n <= zl.length, start, "ziplist integer past the end");
                value = Args.bytes(signed(le(zl, p + 1, n), 8 * n));
                p += 1 + n;
            }
            out.add(value);
        }
        check(declared == 0xffff || declared == out.size(), 8,
                "ziplist header counts " + declared + " entries, found " + out.size());
        return out;
    }

    // ------------------------------------------------------------------ intset

    /** The members of an intset: {@code encoding u32 (2, 4 or 8), length u32, ascending integers}. */
    static List<byte[]> intset(byte[] is) throws BlobException {
        check(is.length >= 8, 0, "intset shorter than its header");
        int width = (int) le(is, 0, 4);
        check(width == 2 || width == 4 || width == 8, 0, "bad intset encoding " + width);
        long count = le(is, 4, 4);
        check(8 + count * width == is.length, 4, "intset of " + count + " members does not fill " + is.length + " bytes");
        List<byte[]> out = new ArrayList<>((int) count);
        long prev = 0;
        for (int i = 0; i < count; i++) {
            long v = signed(le(is, 8 + i * width, width), 8 * width);
            check(i == 0 || v > prev, 8 + i * width, "intset not sorted or with duplicates");
            prev = v;
            out.add(Args.bytes(v));
        }
        return out;
    }

    // ------------------------------------------------------------------ zipmap

    /**
     * The keys and values, alternating, of a zipmap (hashes before Redis 2.6):
     * {@code zmlen, (len key len free value [free bytes])*, 0xFF}; a length is one byte below
     * 254, or 254 followed by 4 bytes little-endian.
     */
    static List<byte[]> zipmap(byte[] zm) throws BlobException {
        check(zm.length >= 2, 0, "zipmap too short");
        List<byte[]> out = new ArrayList<>();
        int p = 1;
        while (true) {
            check(p < zm.length, p, "zipmap without terminator");
            if ((zm[p] & 0xff) == 0xff) {
                check(p == zm.length - 1, p, "zipmap terminator before its end");
                break;
            }
            for (int part = 0; part < 2; part++) {
                check(p < zm.length, p, "zipmap entry past the end");
                int b = zm[p] & 0xff;
                long len;
                if (b < 254) {
                    len = b;
                    p += 1;
                } else {
                    check(b == 254 && p + 5 <= zm.length, p, "bad zipmap length");
                    len = le(zm, p + 1, 4);
                    p += 5;
                }
                int free = 0;
                if (part == 1) {
                    check(p < zm.length, p, "zipmap entry past the end");
                    free = zm[p] & 0xff;
                    p += 1;
                }
                check(p + len + free <= zm.length, p, "zipmap entry past the end");
                out.add(java.util.Arrays.copyOfRange(zm, p, p + (int) len));
                p += (int) len + free;
            }
        }
        return out;
    }
}
