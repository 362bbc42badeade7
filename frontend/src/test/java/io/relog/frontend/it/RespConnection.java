package io.relog.frontend.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A bare RESP connection for what a client library hides: the exact bytes of a reply (RESP3
 * types, simple vs bulk strings), commands that send no reply (CLIENT REPLY OFF/SKIP), and
 * connections the server closes (QUIT, CLIENT KILL).
 *
 * <p>{@link #call(String...)} sends one command as a RESP array of bulk strings and returns the
 * complete next reply exactly as received, e.g. {@code "+PONG\r\n"} or {@code "%1\r\n..."}.
 */
final class RespConnection implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    RespConnection(RunningServer server) {
        try {
            socket = new Socket();
            socket.connect(new InetSocketAddress(server.host(), server.port()), 5000);
            socket.setSoTimeout(5000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends one command and returns its whole reply as text. */
    String call(String... args) {
        send(args);
        return readReply();
    }

    /** Sends one command without reading a reply. */
    void send(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        writeAscii(buf, "*" + args.length + "\r\n");
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            writeAscii(buf, "$" + bytes.length + "\r\n");
            buf.writeBytes(bytes);
            writeAscii(buf, "\r\n");
        }
        sendRaw(buf.toByteArray());
    }

    /** Sends bytes as they are (an inline command, a pipeline). */
    void sendRaw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one complete reply (recursively for aggregates) and returns its bytes as text. */
    String readReply() {
        StringBuilder reply = new StringBuilder();
        try {
            readValue(reply);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return reply.toString();
    }

    /** True once the server has closed the connection (reads end of stream within the timeout). */
    boolean isClosedByServer() {
        try {
            return in.read() == -1;
        } catch (IOException e) {
            return true;
        }
    }

    private void readValue(StringBuilder reply) throws IOException {
        String line = readLine();
        reply.append(line).append("\r\n");
        char type = line.charAt(0);
        switch (type) {
            case '+': case '-': case ':': case '_': case ',': case '#': case '(':
                return;
            case '$': case '=': case '!': {
                int length = Integer.parseInt(line.substring(1));
                if (length < 0) {
                    return;
                }
                byte[] data = in.readNBytes(length + 2);
                if (data.length < length + 2) {
                    throw new EOFException("connection closed inside a bulk reply");
                }
                reply.append(new String(data, StandardCharsets.UTF_8));
                return;
            }
            case '*': case '~': case '>': case '%': case '|': {
                int count = Integer.parseInt(line.substring(1));
                int elements = (type == '%' || type == '|') ? 2 * count : count;
                for (int i = 0; i < elements; i++) {
                    readValue(reply);
                }
                if (type == '|') {
                    readValue(reply); // attributes precede the actual reply
                }
                return;
            }
            default:
                throw new IOException("not a RESP reply: " + line);
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b == -1) {
                throw new EOFException("connection closed; read so far: " + line.toString(StandardCharsets.UTF_8));
            }
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(b);
            previous = b;
        }
    }

    private static void writeAscii(ByteArrayOutputStream buf, String s) {
        buf.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing is best effort
        }
    }
}
