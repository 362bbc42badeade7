package io.relog.tools.tail;

import io.relog.log.resp.MalformedCommandException;
import io.relog.log.resp.RespCommands;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the change feed from a running server over the PSYNC protocol, as a CDC reader (see the
 * server's {@code io.relog.replica.master} package page for the wire form):
 *
 * <pre>
 *   [AUTH [user] pass]
 *   REPLCONF relog-cdc 1                    → +OK
 *   PSYNC ? &lt;from + 1&gt;                      → +CONTINUE &lt;replid&gt;  |  -TRIMMED … | -ERR …
 *   then: "#relog &lt;offset&gt; &lt;timestamp-ms&gt; &lt;db&gt; &lt;tx&gt;\r\n" before each batch, and the raw stream
 * </pre>
 *
 * <p>The annotation lines do not count in offsets; each one must name the offset the reader has
 * counted to, or the stream is out of step and the read fails. A lost connection is retried
 * from the last whole command (forever with {@code --follow}, else for 30 s), so a server
 * restart does not end a tail. A plain blocking socket: one reader, one thread.
 */
final class ServerSource implements EventSource {

    private final String host;
    private final int port;
    private final String user;
    private final String pass;
    private final long retryMs;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private byte[] buf = new byte[1 << 20];
    private int pos;
    private int lim;
    /** Warned about a lost connection already (once per outage). */
    private boolean warned;

    /**
     * @param retryMs how long to keep reconnecting after the connection is lost, in ms (-1: forever)
     */
    ServerSource(String host, int port, String user, String pass, long retryMs) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.pass = pass;
        this.retryMs = retryMs;
    }

    // ----------------------------------------------------------------------- plain commands

    private void connect() throws IOException {
        closeSocket();
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setKeepAlive(true);
        s.setReceiveBufferSize(1 << 20);
        s.connect(new InetSocketAddress(host, port), 5000);
        socket = s;
        in = s.getInputStream();
        out = s.getOutputStream();
        pos = 0;
        lim = 0;
        if (pass != null) {
            Object r = user == null ? call("AUTH", pass) : call("AUTH", user, pass);
            if (r instanceof RespError e) {
                throw new TailException("authentication failed: " + e.message());
            }
        }
    }

    private void ensureConnected() throws IOException {
        if (socket == null) {
            connect();
        }
    }

    /** Sends a command and reads its reply: Long, String (bulk or simple), List, {@link RespError} or null. */
    private Object call(String... args) throws IOException {
        out.write(RespCommands.encode(args));
        out.flush();
        return readReply();
    }

    record RespError(String message) {
    }

    private Object readReply() throws IOException {
        String line = readLine();
        char t = line.charAt(0);
        String rest = line.substring(1);
        switch (t) {
            case '+':
                return rest;
            case '-':
                return new RespError(rest);
            case ':':
                return Long.parseLong(rest);
            case '$': {
                int n = Integer.parseInt(rest);
                if (n < 0) {
                    return null;
                }
                fill(n + 2);
                String s = new String(buf, pos, n, StandardCharsets.UTF_8);
                pos += n + 2;
                return s;
            }
            case '*': {
                int n = Integer.parseInt(rest);
                if (n < 0) {
                    return null;
                }
                List<Object> l = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    l.add(readReply());
                }
                return l;
            }
            default:
                throw new IOException("unexpected reply from the server: " + line);
        }
    }

    /** Reads a line ending in CRLF (without it). */
    private String readLine() throws IOException {
        while (true) {
            int end = lineEnd(pos);
            if (end >= 0) {
                String s = new String(buf, pos, end - pos, StandardCharsets.UTF_8);
                pos = end + 2;
                return s;
            }
            readMore(lim - pos + 1);
        }
    }

    /** Makes sure at least {@code n} bytes are buffered from {@code pos}. */
    private void fill(int n) throws IOException {
        while (lim - pos < n) {
            readMore(n);
        }
    }

    /**
     * Reads more bytes (blocking) after those buffered, first compacting or growing the buffer
     * so that {@code want} bytes from {@code pos} fit.
     */
    private void readMore(int want) throws IOException {
        if (buf.length - pos < want || lim == buf.length) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        if (buf.length < want || lim == buf.length) {
            buf = java.util.Arrays.copyOf(buf, Math.max(want, buf.length * 2));
        }
        int n = in.read(buf, lim, buf.length - lim);
        if (n < 0) {
            throw new EOFException("the server closed the connection");
        }
        lim += n;
    }

    /** {@code RELOG.LOG INFO} as a map (RESP2: a flat array of name/value pairs). */
    private Map<String, Object> logInfo() throws IOException {
        Object r = withRetry(() -> call("RELOG.LOG", "INFO"));
        if (r instanceof RespError e) {
            throw new TailException(e.message().startsWith("NOAUTH")
                    ? "the server needs a password (--pass, or RELOG_PASSWORD): " + e.message()
                    : "RELOG.LOG INFO failed: " + e.message() + " (is this a Relog server? the change feed needs one)");
        }
        List<?> l = (List<?>) r;
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < l.size(); i += 2) {
            m.put((String) l.get(i), l.get(i + 1));
        }
        return m;
    }

    @Override
    public long earliest() throws IOException {
        return (Long) logInfo().get("start-offset");
    }

    @Override
    public long latest() throws IOException {
        return (Long) logInfo().get("end-offset");
    }

    @Override
    public long offsetForTime(long unixMs) throws IOException {
        Object r = withRetry(() -> call("RELOG.LOG", "OFFSET", Long.toString(unixMs)));
        if (r instanceof RespError e) {
            throw new TailException("RELOG.LOG OFFSET failed: " + e.message());
        }
        return (Long) r;
    }

    private interface IoCall<T> {
        T run() throws IOException;
    }

    /** Runs a plain command, reconnecting once if the connection was lost. */
    private <T> T withRetry(IoCall<T> c) throws IOException {
        try {
            ensureConnected();
            return c.run();
        } catch (TailException e) {
            throw e;
        } catch (IOException e) {
            connect();
            return c.run();
        }
    }

    // ------------------------------------------------------------------------------ streaming

    @Override
    public void stream(long from, long to, EventConsumer consumer) throws IOException {
        long offset = from;
        long lostSince = -1;
        long lostAt = -1;
        while (true) {
            try {
                streamOnce(offset, to, consumer);
                return;
            } catch (TailException e) {
                throw e;
            } catch (IOException e) {
                long now = System.currentTimeMillis();
                if (lostSince < 0 || resumeOffset != lostAt) { // progress since the last loss: a new outage
                    lostSince = now;
                    lostAt = resumeOffset;
                }
                if (retryMs >= 0 && now - lostSince > retryMs) {
                    throw new TailException("lost the connection to " + host + ":" + port + " at offset "
                            + resumeOffset + " and could not reconnect: " + e.getMessage()
                            + " (resume with --from " + resumeOffset + ")");
                }
                if (!warned) {
                    System.err.println("relog tail: connection to " + host + ":" + port + " lost at offset "
                            + resumeOffset + " (" + e.getMessage() + "); reconnecting");
                    warned = true;
                }
                offset = resumeOffset;
                closeSocket();
                consumer.idle();
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted");
                }
            }
        }
    }

    /** The offset of the next whole command not yet handed to the consumer. */
    private long resumeOffset;

    /** One connection's worth of streaming; returns the offset reached when {@code to} is reached. */
    private long streamOnce(long from, long to, EventConsumer consumer) throws IOException {
        resumeOffset = from;
        connect();
        Object ok = call("REPLCONF", "relog-cdc", "1");
        if (ok instanceof RespError e) {
            throw new TailException(e.message().startsWith("NOAUTH")
                    ? "the server needs a password (--pass, or RELOG_PASSWORD): " + e.message()
                    : "the server does not serve change-feed readers: " + e.message());
        }
        out.write(RespCommands.encode("PSYNC", "?", Long.toString(from + 1)));
        out.flush();
        String line = readLine();
        if (line.startsWith("-TRIMMED")) {
            throw new TailException(line.substring("-TRIMMED ".length()));
        }
        if (line.startsWith("-")) {
            throw new TailException("the server refused offset " + from + ": " + line.substring(1));
        }
        if (!line.startsWith("+CONTINUE")) {
            throw new TailException("unexpected answer to PSYNC: " + line);
        }
        if (warned) {
            System.err.println("relog tail: reconnected to " + host + ":" + port + " at offset " + from);
            warned = false;
        }
        long offset = from;
        long ts = -1;
        StreamTracker tracker = null;
        while (to < 0 || offset < to) {
            if (pos == lim) {
                if (in.available() == 0) {
                    consumer.idle();
                }
                readMore(1);
            }
            byte b = buf[pos];
            if (b == '#') {
                int end = lineEnd(pos);
                if (end < 0) {
                    readMore(lim - pos + 1);
                    continue;
                }
                String ann = new String(buf, pos, end - pos, StandardCharsets.US_ASCII);
                pos = end + 2;
                if (!ann.startsWith("#relog ")) {
                    continue; // another kind of annotation: skipped, as AOF loaders do
                }
                String[] f = ann.split(" ");
                long at = Long.parseLong(f[1]);
                if (at != offset) {
                    throw new IOException("stream out of step: annotation for offset " + at + " at offset " + offset);
                }
                ts = Long.parseLong(f[2]);
                int db = Integer.parseInt(f[3]);
                long tx = Long.parseLong(f[4]);
                if (tracker == null) {
                    tracker = new StreamTracker(db, tx);
                } else {
                    tracker.batchStart(db, tx);
                }
                continue;
            }
            if (tracker == null) {
                throw new IOException("the stream did not start with an annotation (is the server a Relog with CDC?)");
            }
            RespCommands.Parsed c;
            try {
                c = RespCommands.parse(buf, pos, lim);
            } catch (MalformedCommandException e) {
                throw new TailException("unreadable command in the stream at offset " + offset + ": " + e.getMessage());
            }
            if (c == null) {
                readMore(lim - pos + 1);
                continue;
            }
            ChangeEvent e = tracker.next(c.argv(), offset, offset + c.length(), ts);
            pos += c.length();
            offset += c.length();
            consumer.event(e);
            resumeOffset = offset;
        }
        closeSocket();
        return offset;
    }

    private int lineEnd(int from) {
        for (int i = from; i + 1 < lim; i++) {
            if (buf[i] == '\r' && buf[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void closeSocket() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            socket = null;
        }
    }

    @Override
    public void close() {
        closeSocket();
    }
}
