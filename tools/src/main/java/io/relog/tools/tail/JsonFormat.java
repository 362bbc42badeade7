package io.relog.tools.tail;

import java.io.IOException;
import java.util.Base64;
import java.util.List;

/**
 * {@code --format json}: one object per line,
 * {@code {"offset":…,"next_offset":…,"timestamp":…,"db":…[,"tx":…],"command":"set","args":[…],"keys":[…]}}.
 * Strings are binary-safe: a JSON string when the bytes are valid UTF-8, else
 * {@code {"base64":"…"}}. The command name is lower-cased; {@code tx} (the offset of the
 * transaction's {@code MULTI}) is present only on events inside a transaction.
 */
final class JsonFormat implements EventFormat {

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private final ByteOut out;

    JsonFormat(ByteOut out) {
        this.out = out;
    }

    @Override
    public void event(ChangeEvent e, List<byte[]> keys) {
        out.ascii("{\"offset\":");
        out.decimal(e.offset());
        out.ascii(",\"next_offset\":");
        out.decimal(e.nextOffset());
        out.ascii(",\"timestamp\":");
        out.decimal(e.timestampMs());
        out.ascii(",\"db\":");
        out.decimal(e.db());
        if (e.tx() >= 0) {
            out.ascii(",\"tx\":");
            out.decimal(e.tx());
        }
        out.ascii(",\"command\":");
        byte[][] argv = e.argv();
        string(lower(argv[0]));
        out.ascii(",\"args\":[");
        for (int i = 1; i < argv.length; i++) {
            if (i > 1) {
                out.write(',');
            }
            string(argv[i]);
        }
        out.ascii("],\"keys\":[");
        for (int i = 0; i < keys.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            string(keys.get(i));
        }
        out.ascii("]}\n");
    }

    private static byte[] lower(byte[] name) {
        for (byte b : name) {
            if (b >= 'A' && b <= 'Z') {
                byte[] l = name.clone();
                for (int i = 0; i < l.length; i++) {
                    if (l[i] >= 'A' && l[i] <= 'Z') {
                        l[i] += 32;
                    }
                }
                return l;
            }
        }
        return name;
    }

    /** A JSON string of valid UTF-8 {@code b}, or {@code {"base64":"…"}}. */
    void string(byte[] b) {
        if (!Utf8.isValid(b)) {
            out.ascii("{\"base64\":\"");
            out.write(Base64.getEncoder().encode(b));
            out.ascii("\"}");
            return;
        }
        out.ensure(b.length + 2);
        out.write('"');
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            int c = b[i] & 0xff;
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            out.write(b, start, i - start);
            start = i + 1;
            out.write('\\');
            switch (c) {
                case '"' -> out.write('"');
                case '\\' -> out.write('\\');
                case '\n' -> out.write('n');
                case '\r' -> out.write('r');
                case '\t' -> out.write('t');
                case '\b' -> out.write('b');
                case '\f' -> out.write('f');
                default -> {
                    out.ascii("u00");
                    out.write(HEX[c >> 4]);
                    out.write(HEX[c & 15]);
                }
            }
        }
        out.write(b, start, b.length - start);
        out.write('"');
    }

    @Override
    public boolean maybeFlush() throws IOException {
        return out.maybeFlush();
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }
}
