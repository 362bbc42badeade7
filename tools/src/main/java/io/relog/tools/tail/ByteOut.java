package io.relog.tools.tail;

import java.io.IOException;
import java.io.OutputStream;

/** A growable byte buffer written to an output stream in large chunks: the formats' output path. */
final class ByteOut {

    private final OutputStream out;
    private byte[] buf = new byte[1 << 16];
    private int n;

    ByteOut(OutputStream out) {
        this.out = out;
    }

    void ensure(int more) {
        if (n + more > buf.length) {
            buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
        }
    }

    void write(int b) {
        if (n == buf.length) {
            ensure(1);
        }
        buf[n++] = (byte) b;
    }

    void write(byte[] b) {
        write(b, 0, b.length);
    }

    void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, n, len);
        n += len;
    }

    void ascii(String s) {
        int len = s.length();
        ensure(len);
        for (int i = 0; i < len; i++) {
            buf[n++] = (byte) s.charAt(i);
        }
    }

    /** Writes {@code v} in decimal without allocating (offsets and times are written per event). */
    void decimal(long v) {
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                ascii(Long.toString(v));
                return;
            }
            write('-');
            v = -v;
        }
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) {
            digits++;
        }
        ensure(digits);
        for (int i = n + digits - 1; i >= n; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        n += digits;
    }

    /** Writes the buffer out when it is large; call after each event. Returns whether it wrote. */
    boolean maybeFlush() throws IOException {
        if (n >= (1 << 16) - 512) {
            drain();
            return true;
        }
        return false;
    }

    /** Writes the buffer out and flushes the stream. */
    void flush() throws IOException {
        drain();
        out.flush();
    }

    private void drain() throws IOException {
        if (n > 0) {
            out.write(buf, 0, n);
            n = 0;
        }
    }
}
