package io.relog.frontend.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.relog.engine.command.Reply;
import java.nio.charset.StandardCharsets;

/**
 * The engine's {@link Reply} for one connection, encoding RESP2 or RESP3 straight into a pooled
 * {@link ByteBuf} that collects every reply of one engine iteration. Engine thread only.
 *
 * <p>Ownership: the buffer is allocated on the first write after a {@link #take()}. {@link #take()}
 * hands the filled buffer to the caller (which writes it to the channel, and Netty releases it
 * after the write); {@link #release()} frees an untaken buffer when the connection is gone.
 */
public final class ReplyBuffer implements Reply {

    private static final byte[] OK = ascii("+OK\r\n");
    private static final byte[] NULL_BULK2 = ascii("$-1\r\n");
    private static final byte[] NULL_ARRAY2 = ascii("*-1\r\n");
    private static final byte[] NULL3 = ascii("_\r\n");
    private static final byte[] TRUE3 = ascii("#t\r\n");
    private static final byte[] FALSE3 = ascii("#f\r\n");
    private static final byte[] CRLF = ascii("\r\n");
    /** {@code :0\r\n} .. {@code :9999\r\n}, the integers most replies carry. */
    private static final byte[][] SMALL_INTS = new byte[10000][];

    static {
        for (int i = 0; i < SMALL_INTS.length; i++) {
            SMALL_INTS[i] = ascii(":" + i + "\r\n");
        }
    }

    private final ByteBufAllocator alloc;
    private ByteBuf buf;
    private int protocol = 2;
    private long errorReplies;

    public ReplyBuffer(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private ByteBuf out() {
        ByteBuf b = buf;
        if (b == null) {
            b = buf = alloc.ioBuffer(256);
        }
        return b;
    }

    /** Values from this size on make the buffer grow to fit them exactly (see {@link #outFor}). */
    private static final int LARGE_VALUE = 64 * 1024;
    /** Room left after a large value for the small replies that may follow it. */
    private static final int SLACK = 1024;

    /**
     * The buffer, with room for {@code bytes} more when they are a large value. A buffer grows to
     * the next power of two, so a 1 MB value would take 2 MB; the engine pauses a client whose
     * replies are above the high water mark, so a client that does not read holds about one such
     * reply, and with thousands of them that doubling would be most of the direct memory. A value
     * at least as large as what the buffer already holds is therefore fitted exactly (one copy of
     * the smaller content); a series of large values still grows by doubling, so the copies stay
     * linear.
     */
    private ByteBuf outFor(int bytes) {
        ByteBuf b = out();
        if (bytes >= LARGE_VALUE && b.writableBytes() < bytes && b.writerIndex() < bytes) {
            ByteBuf fitted = alloc.ioBuffer(b.writerIndex() + bytes + SLACK);
            fitted.writeBytes(b, b.readerIndex(), b.readableBytes());
            b.release();
            b = buf = fitted;
        }
        return b;
    }

    /** Sets the protocol the following replies are encoded in (2 or 3). */
    public void protocol(int protocol) {
        this.protocol = protocol;
    }

    @Override
    public int protocol() {
        return protocol;
    }

    /** Bytes written since the last {@link #take()}. */
    public int size() {
        return buf == null ? 0 : buf.writerIndex();
    }

    /** Drops what was written after {@code size} bytes (replies a client asked not to get). */
    public void truncate(int size) {
        if (buf != null && buf.writerIndex() > size) {
            buf.writerIndex(size);
        }
    }

    /** Bytes the current buffer can hold before it grows, 0 when none is allocated (CLIENT LIST rbs). */
    public int capacity() {
        return buf == null ? 0 : buf.capacity();
    }

    /** The most bytes one buffer held before it was handed over (CLIENT LIST rbp). */
    public int peak() {
        return Math.max(peak, size());
    }

    private int peak;

    /** The filled buffer, now owned by the caller, or {@code null} when nothing was written. */
    public ByteBuf take() {
        ByteBuf b = buf;
        buf = null;
        if (b != null && b.writerIndex() > peak) {
            peak = b.writerIndex();
        }
        if (b != null && !b.isReadable()) {
            b.release();
            return null;
        }
        return b;
    }

    /** Frees an untaken buffer. */
    public void release() {
        if (buf != null) {
            buf.release();
            buf = null;
        }
    }

    /** Writes pre-encoded RESP bytes as they are. */
    public void raw(byte[] resp) {
        out().writeBytes(resp);
    }

    // ------------------------------------------------------------------ Reply

    @Override
    public void ok() {
        out().writeBytes(OK);
    }

    @Override
    public void simple(String text) {
        ByteBuf b = out();
        b.writeByte('+');
        writeLine(b, text);
    }

    /** Error replies written to this buffer since it was created ({@code total_error_replies}). */
    public long errorReplies() {
        return errorReplies;
    }

    @Override
    public void error(String text) {
        errorReplies++;
        ByteBuf b = out();
        b.writeByte('-');
        writeLine(b, text);
    }

    /** Writes text, with CR and LF turned into spaces as Redis does for status and error lines, then CRLF. */
    private static void writeLine(ByteBuf b, String text) {
        if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
            text = text.replace('\r', ' ').replace('\n', ' ');
        }
        ByteBufUtil.writeUtf8(b, text);
        b.writeBytes(CRLF);
    }

    @Override
    public void integer(long v) {
        if (v >= 0 && v < SMALL_INTS.length) {
            out().writeBytes(SMALL_INTS[(int) v]);
            return;
        }
        header(':', v);
    }

    /**
     * Writes {@code <type><n>\r\n} with one write: the line is put together in a scratch array
     * first, because each ByteBuf write pays its bounds and reference-count checks (writing the
     * digits one setByte at a time was 15% of an LPUSH -P 16 profile).
     */
    private void header(char type, long n) {
        byte[] line = headerScratch;
        line[0] = (byte) type;
        int len;
        if (n == Long.MIN_VALUE) {
            byte[] min = LONG_MIN;
            System.arraycopy(min, 0, line, 1, min.length);
            len = 1 + min.length;
        } else {
            long v = Math.abs(n);
            int digits = 1;
            for (long t = v; t >= 10; t /= 10) {
                digits++;
            }
            int at = 1;
            if (n < 0) {
                line[at++] = '-';
            }
            for (int i = at + digits - 1; i >= at; i--) {
                line[i] = (byte) ('0' + v % 10);
                v /= 10;
            }
            len = at + digits;
        }
        line[len] = '\r';
        line[len + 1] = '\n';
        out().writeBytes(line, 0, len + 2);
    }

    private static final byte[] LONG_MIN = "-9223372036854775808".getBytes(StandardCharsets.US_ASCII);

    /** Type byte, sign, 19 digits, CRLF; used by one thread at a time, like the buffer. */
    private final byte[] headerScratch = new byte[1 + 20 + 2];

    @Override
    public void bulk(byte[] value) {
        if (value == null) {
            nullBulk();
            return;
        }
        outFor(value.length + 16); // header, value and CRLF
        header('$', value.length);
        ByteBuf b = out();
        b.writeBytes(value);
        b.writeBytes(CRLF);
    }

    @Override
    public void bulk(String value) {
        if (value == null) {
            nullBulk();
            return;
        }
        header('$', ByteBufUtil.utf8Bytes(value));
        ByteBuf b = out();
        ByteBufUtil.writeUtf8(b, value);
        b.writeBytes(CRLF);
    }

    @Override
    public void nullBulk() {
        out().writeBytes(protocol == 3 ? NULL3 : NULL_BULK2);
    }

    @Override
    public void nullArray() {
        out().writeBytes(protocol == 3 ? NULL3 : NULL_ARRAY2);
    }

    @Override
    public void array(int n) {
        header('*', n);
    }

    @Override
    public void map(int n) {
        if (protocol == 3) {
            header('%', n);
        } else {
            header('*', 2L * n);
        }
    }

    @Override
    public void set(int n) {
        header(protocol == 3 ? '~' : '*', n);
    }

    @Override
    public void push(int n) {
        header(protocol == 3 ? '>' : '*', n);
    }

    @Override
    public void doubleValue(double v) {
        String s = io.relog.engine.types.Scores.format(v);
        if (protocol == 3) {
            ByteBuf b = out();
            b.writeByte(',');
            b.writeCharSequence(s, StandardCharsets.US_ASCII);
            b.writeBytes(CRLF);
        } else {
            bulk(s);
        }
    }

    @Override
    public void bool(boolean v) {
        if (protocol == 3) {
            out().writeBytes(v ? TRUE3 : FALSE3);
        } else {
            integer(v ? 1 : 0);
        }
    }

    @Override
    public void verbatim(String format, byte[] text) {
        if (protocol != 3) {
            bulk(text);
            return;
        }
        header('=', text.length + 4L);
        ByteBuf b = out();
        b.writeCharSequence(format, StandardCharsets.US_ASCII);
        b.writeByte(':');
        b.writeBytes(text);
        b.writeBytes(CRLF);
    }
}
