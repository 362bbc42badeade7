package io.relog.log.resp;

import java.nio.charset.StandardCharsets;

/**
 * The RESP form of commands in the log: each command is a multibulk of bulk strings
 * ({@code *<n>\r\n} then {@code $<len>\r\n<bytes>\r\n} per argument), byte for byte what Redis
 * sends a replica and writes to an AOF. Encoding appends to a caller's array; parsing reads one
 * command from a byte range and tells whether it was complete.
 */
public final class RespCommands {

    private RespCommands() {
    }

    /** Bytes {@code argv} takes in RESP. */
    public static int encodedLength(byte[][] argv) {
        long n = 1 + digits(argv.length) + 2;
        for (byte[] a : argv) {
            n += 1 + digits(a.length) + 2 + a.length + 2;
        }
        if (n > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("command too large for one batch: " + n + " bytes");
        }
        return (int) n;
    }

    /** Writes {@code argv} in RESP into {@code dst} at {@code pos}; returns the position after it. */
    public static int encode(byte[][] argv, byte[] dst, int pos) {
        dst[pos++] = '*';
        pos = writeInt(argv.length, dst, pos);
        dst[pos++] = '\r';
        dst[pos++] = '\n';
        for (byte[] a : argv) {
            dst[pos++] = '$';
            pos = writeInt(a.length, dst, pos);
            dst[pos++] = '\r';
            dst[pos++] = '\n';
            System.arraycopy(a, 0, dst, pos, a.length);
            pos += a.length;
            dst[pos++] = '\r';
            dst[pos++] = '\n';
        }
        return pos;
    }

    /** The RESP bytes of {@code argv}. */
    public static byte[] encode(byte[][] argv) {
        byte[] out = new byte[encodedLength(argv)];
        encode(argv, out, 0);
        return out;
    }

    /** The RESP bytes of the command made of {@code args} (ASCII). */
    public static byte[] encode(String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return encode(argv);
    }

    private static int digits(int v) {
        int d = 1;
        while (v >= 10) {
            v /= 10;
            d++;
        }
        return d;
    }

    private static int writeInt(int v, byte[] dst, int pos) {
        int d = digits(v);
        int end = pos + d;
        for (int i = end - 1; i >= pos; i--) {
            dst[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return end;
    }

    /** Whether {@code arg} equals the lower-case ASCII {@code lower}, ignoring case. */
    public static boolean is(byte[] arg, String lower) {
        if (arg.length != lower.length()) {
            return false;
        }
        for (int i = 0; i < arg.length; i++) {
            if ((arg[i] | 0x20) != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses one command starting at {@code buf[pos]}, reading no further than {@code limit}.
     *
     * @return the command, or {@code null} if the range ends before the command does (read more)
     * @throws MalformedCommandException if the bytes are not a RESP multibulk of bulk strings; its
     *         {@link MalformedCommandException#position()} is relative to {@code pos}
     */
    public static Parsed parse(byte[] buf, int pos, int limit) throws MalformedCommandException {
        return parse(java.nio.ByteBuffer.wrap(buf), pos, limit);
    }

    /**
     * Reads one command from {@code buf[pos, limit)} (absolute indexes; the buffer's position and
     * limit are not used or changed), copying each argument exactly once and only when the whole
     * command is there: a partial command costs a scan of its headers, not copies of its
     * arguments. Made for a replica's stream, whose bytes arrive in off-heap network buffers and
     * go on to the log from there; {@link #parse(byte[], int, int)} is this over a wrapped array.
     *
     * @return the command and its length in bytes, or {@code null} if {@code [pos, limit)} does
     *         not hold it whole yet
     */
    public static Parsed parse(java.nio.ByteBuffer buf, int pos, int limit) throws MalformedCommandException {
        int p = pos;
        if (p >= limit) {
            return null;
        }
        if (buf.get(p) != '*') {
            throw new MalformedCommandException(0, "expected '*', found byte 0x" + Integer.toHexString(buf.get(p) & 0xff));
        }
        p++;
        long count = 0;
        int start = p;
        while (true) {
            if (p >= limit) {
                return null;
            }
            byte b = buf.get(p);
            if (b == '\r') {
                break;
            }
            if (b < '0' || b > '9' || p - start >= 9) {
                throw new MalformedCommandException(p - pos, "bad multibulk length");
            }
            count = count * 10 + (b - '0');
            p++;
        }
        if (p == start || count < 1) {
            throw new MalformedCommandException(p - pos, "bad multibulk length");
        }
        if (p + 1 >= limit) {
            return null;
        }
        if (buf.get(p + 1) != '\n') {
            throw new MalformedCommandException(p + 1 - pos, "expected LF");
        }
        p += 2;
        // First pass: where each argument lies (grown as arguments are found, so a corrupt count
        // allocates nothing before its bytes exist); copies only once the command is whole.
        int[] at = new int[2 * (int) Math.min(count, 16)];
        for (int i = 0; i < count; i++) {
            if (2 * i == at.length) {
                at = java.util.Arrays.copyOf(at, (int) Math.min(2 * count, 2L * at.length));
            }
            if (p >= limit) {
                return null;
            }
            if (buf.get(p) != '$') {
                throw new MalformedCommandException(p - pos, "expected '$', found byte 0x"
                        + Integer.toHexString(buf.get(p) & 0xff));
            }
            p++;
            long len = 0;
            start = p;
            while (true) {
                if (p >= limit) {
                    return null;
                }
                byte b = buf.get(p);
                if (b == '\r') {
                    break;
                }
                if (b < '0' || b > '9' || p - start >= 10) {
                    throw new MalformedCommandException(p - pos, "bad bulk length");
                }
                len = len * 10 + (b - '0');
                p++;
            }
            if (p == start || len > Integer.MAX_VALUE - 16) {
                throw new MalformedCommandException(p - pos, "bad bulk length");
            }
            if (p + 1 >= limit) {
                return null;
            }
            if (buf.get(p + 1) != '\n') {
                throw new MalformedCommandException(p + 1 - pos, "expected LF");
            }
            p += 2;
            if ((long) p + len + 2 > limit) {
                return null;
            }
            at[2 * i] = p;
            at[2 * i + 1] = (int) len;
            p += (int) len;
            if (buf.get(p) != '\r' || buf.get(p + 1) != '\n') {
                throw new MalformedCommandException(p - pos, "bulk string not followed by CRLF");
            }
            p += 2;
        }
        byte[][] argv = new byte[(int) count][];
        for (int i = 0; i < count; i++) {
            byte[] a = new byte[at[2 * i + 1]];
            buf.get(at[2 * i], a, 0, a.length);
            argv[i] = a;
        }
        return new Parsed(argv, p - pos);
    }

    /**
     * A parsed command.
     *
     * @param argv   the arguments, {@code argv[0]} the command name
     * @param length bytes the command took
     */
    public record Parsed(byte[][] argv, int length) {
    }
}
