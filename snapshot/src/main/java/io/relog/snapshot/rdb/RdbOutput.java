package io.relog.snapshot.rdb;

import io.relog.engine.types.CountedTree;
import io.relog.engine.types.HashValue;
import io.relog.engine.types.ListValue;
import io.relog.engine.types.SetValue;
import io.relog.engine.types.ZSetValue;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Writes RDB primitives — lengths, strings, values in their plain encodings — through its own
 * buffer to an {@link OutputStream}, folding every byte into a running {@link Crc64}.
 *
 * <p>The value encodings written are the plain ones every Redis since 2.x loads: string (type 0,
 * integer-encoded when the string is a canonical integer of at most 11 characters that fits in
 * 32 bits, as Redis' {@code rdbTryIntegerEncoding}), list (1), set (2), hash (4) and sorted set
 * with binary scores (5). Not thread-safe; one writer per output.
 */
public final class RdbOutput {

    private static final int BUFFER_SIZE = 64 * 1024;

    private final OutputStream sink;
    private final byte[] buf = new byte[BUFFER_SIZE];
    private int pos;
    private long crc;
    private long written;

    public RdbOutput(OutputStream sink) {
        this.sink = sink;
    }

    /** Bytes written so far (buffered ones included). */
    public long position() {
        return written + pos;
    }

    /** The CRC-64 of every byte written so far. */
    public long checksum() {
        return Crc64.update(crc, buf, 0, pos);
    }

    /** Writes the buffered bytes to the sink and flushes it. */
    public void flush() throws IOException {
        drain();
        sink.flush();
    }

    private void drain() throws IOException {
        if (pos > 0) {
            crc = Crc64.update(crc, buf, 0, pos);
            sink.write(buf, 0, pos);
            written += pos;
            pos = 0;
        }
    }

    private void ensure(int n) throws IOException {
        if (BUFFER_SIZE - pos < n) {
            drain();
        }
    }

    public void writeByte(int b) throws IOException {
        ensure(1);
        buf[pos++] = (byte) b;
    }

    public void writeBytes(byte[] b, int off, int len) throws IOException {
        if (len <= BUFFER_SIZE - pos) {
            System.arraycopy(b, off, buf, pos, len);
            pos += len;
            return;
        }
        drain();
        if (len >= BUFFER_SIZE / 2) {
            crc = Crc64.update(crc, b, off, len);
            sink.write(b, off, len);
            written += len;
        } else {
            System.arraycopy(b, off, buf, pos, len);
            pos += len;
        }
    }

    public void writeBytes(byte[] b) throws IOException {
        writeBytes(b, 0, b.length);
    }

    /** {@code v} as {@code n} little-endian bytes. */
    public void writeLittleEndian(long v, int n) throws IOException {
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[pos++] = (byte) (v >>> (8 * i));
        }
    }

    /** An RDB length: 6 bits, 14 bits, or a 32-/64-bit big-endian number after a marker byte. */
    public void writeLength(long len) throws IOException {
        ensure(9);
        if (len < 0) {
            throw new IllegalArgumentException("negative length " + len);
        }
        if (len < (1 << 6)) {
            buf[pos++] = (byte) len;
        } else if (len < (1 << 14)) {
            buf[pos++] = (byte) ((Rdb.LEN_14BIT << 6) | (len >>> 8));
            buf[pos++] = (byte) len;
        } else if (len <= 0xFFFF_FFFFL) {
            buf[pos++] = (byte) Rdb.LEN_32BIT;
            for (int i = 3; i >= 0; i--) {
                buf[pos++] = (byte) (len >>> (8 * i));
            }
        } else {
            buf[pos++] = (byte) Rdb.LEN_64BIT;
            for (int i = 7; i >= 0; i--) {
                buf[pos++] = (byte) (len >>> (8 * i));
            }
        }
    }

    /** An RDB string: integer-encoded when it is a canonical 32-bit integer of ≤ 11 characters, else raw. */
    public void writeString(byte[] s) throws IOException {
        if (s.length <= 11 && s.length > 0) {
            long v = canonicalInt(s);
            if (v != NOT_INT) {
                writeInt(v);
                return;
            }
        }
        writeLength(s.length);
        writeBytes(s);
    }

    public void writeString(String s) throws IOException {
        writeString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static final long NOT_INT = Long.MIN_VALUE;

    /**
     * The value of {@code s} if it is the canonical decimal form of an integer in the 32-bit range
     * (no sign but '-', no leading zero, not "-0"), else {@link #NOT_INT}.
     */
    static long canonicalInt(byte[] s) {
        int i = 0;
        boolean neg = s[0] == '-';
        if (neg) {
            i = 1;
            if (s.length == 1) {
                return NOT_INT;
            }
        }
        if (s[i] == '0' && (s.length > i + 1 || neg)) {
            return NOT_INT;
        }
        long v = 0;
        for (; i < s.length; i++) {
            int d = s[i] - '0';
            if (d < 0 || d > 9) {
                return NOT_INT;
            }
            v = v * 10 + d;
        }
        v = neg ? -v : v;
        return v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? v : NOT_INT;
    }

    private void writeInt(long v) throws IOException {
        int marker = Rdb.LEN_ENCVAL << 6;
        if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            writeByte(marker | Rdb.ENC_INT8);
            writeLittleEndian(v, 1);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            writeByte(marker | Rdb.ENC_INT16);
            writeLittleEndian(v, 2);
        } else {
            writeByte(marker | Rdb.ENC_INT32);
            writeLittleEndian(v, 4);
        }
    }

    /** The plain RDB type byte Relog writes for a stored value. */
    public static int typeOf(Object value) {
        if (value instanceof byte[]) {
            return Rdb.TYPE_STRING;
        } else if (value instanceof ListValue) {
            return Rdb.TYPE_LIST;
        } else if (value instanceof SetValue) {
            return Rdb.TYPE_SET;
        } else if (value instanceof HashValue) {
            return Rdb.TYPE_HASH;
        } else if (value instanceof ZSetValue) {
            return Rdb.TYPE_ZSET_2;
        }
        throw new IllegalArgumentException("no RDB type for " + value.getClass().getName());
    }

    /**
     * Writes a stored value (without its type byte) in its plain encoding. The value must not
     * change while it is written: a value of a frozen view, or a live one on the engine thread.
     */
    public void writeValue(Object value) throws IOException {
        try {
            if (value instanceof byte[] s) {
                writeString(s);
            } else if (value instanceof ListValue l) {
                CountedTree items = l.items();
                writeLength(items.size());
                for (CountedTree.Cursor c = items.cursor(0); c.hasNext(); ) {
                    writeString((byte[]) c.next());
                }
            } else if (value instanceof SetValue s) {
                writeLength(s.size());
                s.forEachMember(m -> writeUnchecked(m));
            } else if (value instanceof HashValue h) {
                writeLength(h.size());
                h.forEach((f, v) -> {
                    writeUnchecked(f);
                    writeUnchecked(v);
                });
            } else if (value instanceof ZSetValue z) {
                writeLength(z.size());
                for (CountedTree.Cursor c = z.order().cursor(0); c.hasNext(); ) {
                    ZSetValue.Entry e = (ZSetValue.Entry) c.next();
                    writeString(e.member());
                    writeLittleEndian(Double.doubleToLongBits(e.score()), 8);
                }
            } else {
                throw new IllegalArgumentException("no RDB encoding for " + value.getClass().getName());
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private void writeUnchecked(byte[] s) {
        try {
            writeString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
