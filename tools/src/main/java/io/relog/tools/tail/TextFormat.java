package io.relog.tools.tail;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * {@code --format text}: one line per event,
 * {@code <ISO-8601 UTC time> offset=<o> next=<n> db=<d> [tx=<t>] <COMMAND> "arg" …}, the
 * arguments quoted and escaped as {@code redis-cli} shows strings ({@code \n}, {@code \"},
 * {@code \xHH} for other bytes outside printable ASCII).
 */
final class TextFormat implements EventFormat {

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private final ByteOut out;

    TextFormat(ByteOut out) {
        this.out = out;
    }

    @Override
    public void event(ChangeEvent e, List<byte[]> keys) {
        out.ascii(Instant.ofEpochMilli(e.timestampMs()).toString());
        out.ascii(" offset=");
        out.decimal(e.offset());
        out.ascii(" next=");
        out.decimal(e.nextOffset());
        out.ascii(" db=");
        out.decimal(e.db());
        if (e.tx() >= 0) {
            out.ascii(" tx=");
            out.decimal(e.tx());
        }
        byte[][] argv = e.argv();
        out.write(' ');
        for (byte b : argv[0]) {
            out.write(b >= 'a' && b <= 'z' ? b - 32 : b);
        }
        for (int i = 1; i < argv.length; i++) {
            out.write(' ');
            quoted(argv[i]);
        }
        out.write('\n');
    }

    private void quoted(byte[] b) {
        out.write('"');
        for (byte x : b) {
            int c = x & 0xff;
            switch (c) {
                case '\\' -> out.ascii("\\\\");
                case '"' -> out.ascii("\\\"");
                case '\n' -> out.ascii("\\n");
                case '\r' -> out.ascii("\\r");
                case '\t' -> out.ascii("\\t");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        out.write(c);
                    } else {
                        out.ascii("\\x");
                        out.write(HEX[c >> 4]);
                        out.write(HEX[c & 15]);
                    }
                }
            }
        }
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
