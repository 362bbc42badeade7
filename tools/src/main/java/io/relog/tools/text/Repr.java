package io.relog.tools.text;

import java.time.Instant;

/**
 * Binary-safe text for people: a byte string quoted as redis-cli prints it ({@code sdscatrepr}):
 * {@code "} around it, {@code \\ \" \n \r \t \a \b} escaped, other printable ASCII as is, every
 * other byte as {@code \xhh}. So any key or value prints on one line and can be pasted back into
 * redis-cli.
 */
public final class Repr {

    private Repr() {
    }

    /** {@code bytes} quoted and escaped as redis-cli does. */
    public static String quote(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length + 2);
        append(sb, bytes);
        return sb.toString();
    }

    /** Appends {@code bytes} quoted and escaped to {@code sb}. */
    public static StringBuilder append(StringBuilder sb, byte[] bytes) {
        sb.append('"');
        for (byte b : bytes) {
            int c = b & 0xff;
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 7 -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        sb.append((char) c);
                    } else {
                        sb.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
                    }
                }
            }
        }
        return sb.append('"');
    }

    /** A command as one line: every argument quoted, separated by spaces. */
    public static String command(byte[][] argv) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < argv.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            append(sb, argv[i]);
        }
        return sb.toString();
    }

    /** A Unix-millisecond time as ISO-8601 in UTC, e.g. {@code 2026-11-21T20:49:43.120Z}. */
    public static String time(long unixMs) {
        return Instant.ofEpochMilli(unixMs).toString();
    }
}
