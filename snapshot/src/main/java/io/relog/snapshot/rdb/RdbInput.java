package io.relog.snapshot.rdb;

import io.relog.engine.command.Args;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads RDB primitives — bytes, lengths, strings in every encoding — keeping the byte offset of
 * the next byte and the CRC-64 of every byte consumed. Every error is an
 * {@link RdbFormatException} naming the offset and the key being read (set by the reader with
 * {@link #enterKey}). Not thread-safe.
 *
 * <p>Two sources: a stream, read through this object's own buffer and checksummed here; or a file
 * ({@link #open}), read ahead and checksummed by a thread of its own ({@link PrefetchedFile}),
 * whose chunks are parsed in place. Both give the same values, offsets and errors.
 */
public final class RdbInput implements AutoCloseable {

    private static final int BUFFER_SIZE = 64 * 1024;
    /** Largest string read into one array. Redis' own limit is 512 MB (proto-max-bulk-len). */
    private static final long MAX_STRING = Integer.MAX_VALUE - 16;

    /** The stream read, or {@code null} when reading a {@link PrefetchedFile}. */
    private final InputStream in;
    /** Total bytes of the input if known (a file, a payload), else -1. */
    private final long limit;
    /**
     * The bytes at hand, {@code buf[pos .. lim)}: this object's buffer for a stream, the current
     * chunk's array for a prefetched file.
     */
    private byte[] buf;
    private int pos;
    private int lim;
    /** Offset of {@code buf[0]} in the input (negative while a chunk's head is in front of it). */
    private long base;
    /** Stream only: CRC of the bytes before {@code buf[crcFrom]}. */
    private long crc;
    private int crcFrom;

    /** Prefetched file only: the file, the chunk {@code buf} belongs to, and the one before it. */
    private final PrefetchedFile file;
    private PrefetchedFile.Chunk current;
    private PrefetchedFile.Chunk previous;
    /** Prefetched file only: whether the last chunk has been taken. */
    private boolean ended;

    private byte[] key;
    private int db = -1;

    /** Reads {@code in}, whose total length is {@code limit} bytes (-1 if unknown). */
    public RdbInput(InputStream in, long limit) {
        this.in = in;
        this.limit = limit;
        this.buf = new byte[BUFFER_SIZE];
        this.file = null;
    }

    private RdbInput(PrefetchedFile file, long limit) {
        this.in = null;
        this.limit = limit;
        this.file = file;
        this.buf = new byte[0];
    }

    /**
     * Reads the file at {@code path}, {@code size} bytes long, read ahead and checksummed by a
     * thread of its own until {@link #close()}.
     */
    public static RdbInput open(java.nio.file.Path path, long size) throws IOException {
        return open(path, size, PrefetchedFile.CHUNK_SIZE);
    }

    /** {@link #open(java.nio.file.Path, long)} with chunks of {@code chunkSize} bytes (tests use small ones). */
    static RdbInput open(java.nio.file.Path path, long size, int chunkSize) throws IOException {
        return new RdbInput(new PrefetchedFile(path, chunkSize), size);
    }

    /** Stops reading ahead (a prefetched file) and closes the file; a stream is left to its owner. */
    @Override
    public void close() throws IOException {
        if (file != null) {
            file.close();
        }
    }

    /** Reads {@code bytes[0 .. length)}. */
    public static RdbInput of(byte[] bytes, int length) {
        return new RdbInput(new ByteArrayInputStream(bytes, 0, length), length);
    }

    /** Offset of the next byte from the start of the input. */
    public long position() {
        return base + pos;
    }

    /** Bytes left before the end of the input, or -1 if its length is unknown. */
    public long remaining() {
        return limit < 0 ? -1 : limit - position();
    }

    /** The CRC-64 of every byte consumed so far. */
    public long checksum() {
        if (file == null) {
            return Crc64.update(crc, buf, crcFrom, pos - crcFrom);
        }
        if (current == null) {
            return 0;
        }
        // The reader thread checksummed each chunk's predecessors; the bytes consumed lie in the
        // current chunk or, while its head holds the previous chunk's tail, in the previous one
        // (kept unchanged until the next switch for this).
        long at = position();
        PrefetchedFile.Chunk c = at >= current.start || previous == null ? current : previous;
        return Crc64.update(c.crcBefore, c.data, PrefetchedFile.HEAD, (int) (at - c.start));
    }

    /** Names the key (and database, or -1) that errors from now on concern. */
    public void enterKey(byte[] key, int db) {
        this.key = key;
        this.db = db;
    }

    /** Errors from now on concern no key. */
    public void leaveKey() {
        this.key = null;
        this.db = -1;
    }

    /** An error at the current offset. */
    public RdbFormatException error(String reason) {
        return errorAt(position(), reason);
    }

    /** An error at {@code offset}. */
    public RdbFormatException errorAt(long offset, String reason) {
        return new RdbFormatException(offset, key == null ? null : RdbFormatException.quote(key), db, reason);
    }

    // ------------------------------------------------------------------ buffer

    /** Makes at least {@code n} (≤ buffer size) bytes available, or fails with "truncated". */
    private void require(int n) throws IOException {
        if (lim - pos >= n) {
            return;
        }
        if (file != null) {
            if (!nextChunk()) {
                throw truncated(n - (lim - pos));
            }
            if (lim - pos < n) { // only the last chunk is short
                throw truncated(n - (lim - pos));
            }
            return;
        }
        crc = Crc64.update(crc, buf, crcFrom, pos - crcFrom);
        int keep = lim - pos;
        System.arraycopy(buf, pos, buf, 0, keep);
        base += pos;
        pos = 0;
        lim = keep;
        crcFrom = 0;
        while (lim < n) {
            int r = in.read(buf, lim, buf.length - lim);
            if (r < 0) {
                throw truncated(n - lim);
            }
            lim += r;
        }
    }

    /**
     * Prefetched file: moves to the next chunk, carrying the unread bytes ({@code ≤ HEAD}) into
     * its head so they stay contiguous with its data. Returns false, changing nothing, at the end
     * of the file.
     */
    private boolean nextChunk() throws IOException {
        if (ended) {
            return false;
        }
        PrefetchedFile.Chunk next = file.take();
        int keep = lim - pos;
        System.arraycopy(buf, pos, next.data, PrefetchedFile.HEAD - keep, keep);
        base += pos - (PrefetchedFile.HEAD - keep);
        pos = PrefetchedFile.HEAD - keep;
        lim = PrefetchedFile.HEAD + next.length;
        buf = next.data;
        if (previous != null) {
            file.recycle(previous);
        }
        previous = current;
        current = next;
        ended = next.length < file.chunkSize();
        return true;
    }

    private RdbFormatException truncated(long missing) {
        return error("unexpected end of data (" + missing + " more byte(s) needed): the file is truncated");
    }

    public int readUnsignedByte() throws IOException {
        require(1);
        return buf[pos++] & 0xff;
    }

    /** {@code n} (1..8) bytes as a little-endian number. */
    public long readLittleEndian(int n) throws IOException {
        require(n);
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (buf[pos++] & 0xffL) << (8 * i);
        }
        return v;
    }

    private long readBigEndian(int n) throws IOException {
        require(n);
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 8) | (buf[pos++] & 0xffL);
        }
        return v;
    }

    /** The next {@code n} bytes in a new array. */
    public byte[] readBytes(long n) throws IOException {
        if (n < 0 || n > MAX_STRING) {
            throw error("bad length " + Long.toUnsignedString(n));
        }
        if (limit >= 0 && position() + n > limit) {
            throw error("length " + n + " runs past the end of the data (" + (limit - position())
                    + " byte(s) left): bad length or truncated file");
        }
        int len = (int) n;
        if (limit < 0 && len > 16 * BUFFER_SIZE) {
            return readChunked(len);
        }
        byte[] out = new byte[len];
        readFully(out, 0, len);
        return out;
    }

    /** Reads a long string of unknown validity in growing steps, so a bad length fails at the end of the data. */
    private byte[] readChunked(int len) throws IOException {
        byte[] out = new byte[16 * BUFFER_SIZE];
        int done = 0;
        while (done < len) {
            if (done == out.length) {
                out = java.util.Arrays.copyOf(out, (int) Math.min(len, (long) out.length * 2));
            }
            int step = Math.min(len - done, out.length - done);
            readFully(out, done, step);
            done += step;
        }
        return out;
    }

    /** Copies up to {@code len} buffered bytes into {@code dst} at {@code off}; returns how many. */
    private int copyBuffered(byte[] dst, int off, int len) {
        int c = Math.min(len, lim - pos);
        System.arraycopy(buf, pos, dst, off, c);
        pos += c;
        return c;
    }

    private void readFully(byte[] dst, int off, int len) throws IOException {
        int c = copyBuffered(dst, off, len);
        off += c;
        len -= c;
        if (file != null) {
            while (len > 0) {
                if (!nextChunk()) {
                    throw truncated(len);
                }
                c = copyBuffered(dst, off, len);
                off += c;
                len -= c;
            }
            return;
        }
        if (len == 0) {
            return;
        }
        if (len < BUFFER_SIZE / 2) {
            require(len);
            System.arraycopy(buf, pos, dst, off, len);
            pos += len;
            return;
        }
        // Large: straight from the stream, after folding the buffer into the checksum.
        crc = Crc64.update(crc, buf, crcFrom, pos - crcFrom);
        base += lim;
        pos = lim = crcFrom = 0;
        int start = off;
        int end = off + len;
        while (off < end) {
            int r = in.read(dst, off, end - off);
            if (r < 0) {
                base += off - start;
                throw truncated(end - off);
            }
            off += r;
        }
        crc = Crc64.update(crc, dst, start, len);
        base += len;
    }

    public void skip(long n) throws IOException {
        while (n > 0) {
            int step = (int) Math.min(n, file != null ? PrefetchedFile.HEAD : BUFFER_SIZE);
            require(step);
            pos += step;
            n -= step;
        }
    }

    // ------------------------------------------------------------------ RDB primitives

    /** A length (6-bit, 14-bit, 32- or 64-bit big-endian); a special string encoding here is an error. */
    public long readLength() throws IOException {
        int b = readUnsignedByte();
        int kind = b >>> 6;
        if (kind == Rdb.LEN_6BIT) {
            return b & 0x3f;
        } else if (kind == Rdb.LEN_14BIT) {
            return ((b & 0x3f) << 8) | readUnsignedByte();
        } else if (b == Rdb.LEN_32BIT) {
            return readBigEndian(4);
        } else if (b == Rdb.LEN_64BIT) {
            return readBigEndian(8);
        }
        throw errorAt(position() - 1, String.format("unknown length encoding 0x%02x", b));
    }

    /** A length used as an element count or index: at most {@code max}. */
    public int readCount(String what, long max) throws IOException {
        long start = position();
        long n = readLength();
        if (n < 0 || n > max) {
            throw errorAt(start, "bad " + what + " " + Long.toUnsignedString(n));
        }
        return (int) n;
    }

    /** A string in any encoding: raw, integer (8/16/32-bit, returned as decimal text) or LZF. */
    public byte[] readString() throws IOException {
        long start = position();
        int b = readUnsignedByte();
        int kind = b >>> 6;
        if (kind != Rdb.LEN_ENCVAL) {
            long len;
            if (kind == Rdb.LEN_6BIT) {
                len = b & 0x3f;
            } else if (kind == Rdb.LEN_14BIT) {
                len = ((b & 0x3f) << 8) | readUnsignedByte();
            } else if (b == Rdb.LEN_32BIT) {
                len = readBigEndian(4);
            } else if (b == Rdb.LEN_64BIT) {
                len = readBigEndian(8);
            } else {
                throw errorAt(start, String.format("unknown length encoding 0x%02x", b));
            }
            return readBytes(len);
        }
        switch (b & 0x3f) {
            case Rdb.ENC_INT8:
                return Args.bytes((byte) readLittleEndian(1));
            case Rdb.ENC_INT16:
                return Args.bytes((short) readLittleEndian(2));
            case Rdb.ENC_INT32:
                return Args.bytes((int) readLittleEndian(4));
            case Rdb.ENC_LZF: {
                long clen = readLength();
                long len = readLength();
                if (len < 0 || len > MAX_STRING) {
                    throw errorAt(start, "bad LZF length " + Long.toUnsignedString(len));
                }
                byte[] compressed = readBytes(clen);
                // One LZF back reference (3 bytes) expands to at most 264 bytes: a longer length is
                // a lie, refused before the output is allocated.
                if (len > (long) compressed.length * Lzf.MAX_EXPANSION) {
                    throw errorAt(start, "bad LZF length " + len + " for " + compressed.length + " compressed bytes");
                }
                byte[] out = Lzf.decompress(compressed, (int) len);
                if (out == null) {
                    throw errorAt(start, "invalid LZF compressed string");
                }
                return out;
            }
            default:
                throw errorAt(start, String.format("unknown string encoding 0x%02x", b));
        }
    }

    /** A binary double (8 bytes, little-endian IEEE 754), as sorted sets of type 5 store scores. */
    public double readBinaryDouble() throws IOException {
        return Double.longBitsToDouble(readLittleEndian(8));
    }

    /**
     * A double as the old sorted-set type 3 stores it: a length byte (253 NaN, 254 +inf,
     * 255 -inf) followed by that many ASCII characters.
     */
    public double readAsciiDouble() throws IOException {
        long start = position();
        int len = readUnsignedByte();
        switch (len) {
            case 253:
                return Double.NaN;
            case 254:
                return Double.POSITIVE_INFINITY;
            case 255:
                return Double.NEGATIVE_INFINITY;
            default:
                byte[] text = readBytes(len);
                try {
                    return Double.parseDouble(new String(text, java.nio.charset.StandardCharsets.US_ASCII));
                } catch (NumberFormatException e) {
                    throw errorAt(start, "bad double value");
                }
        }
    }
}
