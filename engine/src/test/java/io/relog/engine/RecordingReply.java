package io.relog.engine;

import io.relog.engine.command.Reply;
import java.nio.charset.StandardCharsets;

/**
 * A {@link Reply} that records the RESP bytes a connection would receive, so tests can assert
 * exact replies such as {@code $5\r\nhello\r\n}. Bytes are kept as ISO-8859-1 characters, one
 * char per byte. Speaks RESP2 or RESP3 as constructed.
 */
public final class RecordingReply implements Reply {

    private final int protocol;
    private final StringBuilder out = new StringBuilder();

    public RecordingReply() {
        this(2);
    }

    public RecordingReply(int protocol) {
        this.protocol = protocol;
    }

    /** Everything recorded so far. */
    public String text() {
        return out.toString();
    }

    /** Returns everything recorded so far and forgets it. */
    public String take() {
        String s = out.toString();
        out.setLength(0);
        return s;
    }

    @Override
    public int protocol() {
        return protocol;
    }

    @Override
    public void ok() {
        simple("OK");
    }

    @Override
    public void simple(String text) {
        out.append('+').append(text).append("\r\n");
    }

    @Override
    public void error(String text) {
        out.append('-').append(text).append("\r\n");
    }

    @Override
    public void integer(long v) {
        out.append(':').append(v).append("\r\n");
    }

    @Override
    public void bulk(byte[] value) {
        if (value == null) {
            nullBulk();
            return;
        }
        out.append('$').append(value.length).append("\r\n")
                .append(new String(value, StandardCharsets.ISO_8859_1)).append("\r\n");
    }

    @Override
    public void bulk(String value) {
        bulk(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void nullBulk() {
        out.append(protocol == 3 ? "_\r\n" : "$-1\r\n");
    }

    @Override
    public void nullArray() {
        out.append(protocol == 3 ? "_\r\n" : "*-1\r\n");
    }

    @Override
    public void array(int n) {
        out.append('*').append(n).append("\r\n");
    }

    @Override
    public void map(int n) {
        if (protocol == 3) {
            out.append('%').append(n).append("\r\n");
        } else {
            array(2 * n);
        }
    }

    @Override
    public void set(int n) {
        out.append(protocol == 3 ? '~' : '*').append(n).append("\r\n");
    }

    @Override
    public void push(int n) {
        out.append(protocol == 3 ? '>' : '*').append(n).append("\r\n");
    }

    @Override
    public void doubleValue(double v) {
        String s = Double.isInfinite(v) ? (v > 0 ? "inf" : "-inf") : Double.toString(v);
        if (protocol == 3) {
            out.append(',').append(s).append("\r\n");
        } else {
            bulk(s);
        }
    }

    @Override
    public void bool(boolean v) {
        if (protocol == 3) {
            out.append('#').append(v ? 't' : 'f').append("\r\n");
        } else {
            integer(v ? 1 : 0);
        }
    }

    @Override
    public void verbatim(String format, byte[] text) {
        if (protocol == 3) {
            out.append('=').append(text.length + 4).append("\r\n").append(format).append(':')
                    .append(new String(text, StandardCharsets.ISO_8859_1)).append("\r\n");
        } else {
            bulk(text);
        }
    }
}
