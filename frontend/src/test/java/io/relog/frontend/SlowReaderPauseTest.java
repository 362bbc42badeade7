package io.relog.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relog.frontend.config.ServerConfig;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The small, in-process form of {@code HostileClientsLoadTest}: a client that pipelines many GETs
 * of a large value and does not read. Its replies must stay near the channel's high water mark
 * (1 MiB) instead of all being produced at once, the rest of its pipeline must wait in order and
 * run once it reads, and nobody else waits for it — with the engine on an IO event loop and on
 * its own thread, and with replies held for an fsync ({@code appendfsync always}).
 */
class SlowReaderPauseTest {

    private static final int VALUE_BYTES = 512 * 1024;
    private static final int GETS = 64;
    /** The high water mark (1 MiB), one more reply and Netty's per-write overhead, with room to spare. */
    private static final long OMEM_BOUND = 3L * 1024 * 1024;

    @TempDir
    Path dir;

    private RelogServer start(String engineThread, String appendfsync) throws Exception {
        return RelogServer.start(ServerConfig.fromArgs("--port", "0", "--dir", dir.resolve("data").toString(),
                "--save", "", "--appendonly", "yes", "--appendfsync", appendfsync, "--engine-thread", engineThread,
                "--hz", "100"));
    }

    @ParameterizedTest(name = "engine-thread {0}, appendfsync {1}")
    @CsvSource({"shared,everysec", "dedicated,everysec", "shared,always", "dedicated,always"})
    void slowReaderIsPausedNotBuffered(String engineThread, String appendfsync) throws Exception {
        RelogServer server = start(engineThread, appendfsync);
        try (RawClient control = new RawClient(server.port()); Socket slow = slowSocket(server.port())) {
            control.socket.setSoTimeout(30_000);
            setValue(control, "a", 'a', VALUE_BYTES);
            setValue(control, "b", 'b', VALUE_BYTES);
            InputStream in = new BufferedInputStream(slow.getInputStream());

            // Each GET is followed by a write, so that under appendfsync always the replies are
            // also held for the log's fsync.
            StringBuilder pipeline = new StringBuilder("CLIENT SETNAME slow\r\n");
            for (int i = 0; i < GETS; i++) {
                pipeline.append(i % 2 == 0 ? "GET a\r\n" : "GET b\r\n").append("INCR n\r\n");
            }
            slow.getOutputStream().write(pipeline.toString().getBytes(StandardCharsets.US_ASCII));
            slow.getOutputStream().flush();

            // The slow reader's output fills; the server stops reading it.
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                String line = clientLine(control, "slow");
                return line != null && field(line, "omem") > 0 && !fieldText(line, "events").contains("r");
            });
            long askedFor = (long) GETS * VALUE_BYTES;
            long worst = 0;
            for (int i = 0; i < 20; i++) { // watch it for a while: it must not grow towards what was asked
                String line = clientLine(control, "slow");
                worst = Math.max(worst, field(line, "omem") + field(line, "obl"));
                assertThat(control.command("PING").read(7)).isEqualTo("+PONG\r\n"); // others are served
                Thread.sleep(25);
            }
            assertThat(worst).as("unsent replies of a client that does not read (it asked for %d)", askedFor)
                    .isLessThan(OMEM_BOUND);
            assertThat(get(control, "n")).as("commands executed behind the pause").isLessThan(GETS);

            // Once it reads, the rest of its pipeline runs, in order, every reply whole.
            slow.setSoTimeout(30_000);
            assertThat(readReply(in)).isEqualTo("OK");
            for (int i = 0; i < GETS; i++) {
                Object v = readReply(in);
                assertThat(v).as("GET %d", i).isInstanceOf(byte[].class);
                assertThat(isFilled((byte[]) v, i % 2 == 0 ? 'a' : 'b', VALUE_BYTES)).as("GET %d", i).isTrue();
                assertThat(readReply(in)).as("INCR %d", i).isEqualTo((long) i + 1);
            }
            assertThat(get(control, "n")).isEqualTo(GETS);
        } finally {
            server.close();
        }
    }

    /**
     * Behind a pause, a transaction still runs as one unit with its reply whole, a blocking pop
     * still waits and is served, and a single reply larger than the high water mark is produced
     * whole.
     */
    @ParameterizedTest(name = "engine-thread {0}")
    @ValueSource(strings = {"shared", "dedicated"})
    void pausedPipelineKeepsTransactionsBlockingAndHugeReplies(String engineThread) throws Exception {
        RelogServer server = start(engineThread, "everysec");
        int huge = 3 * 1024 * 1024;
        try (RawClient control = new RawClient(server.port()); Socket slow = slowSocket(server.port())) {
            control.socket.setSoTimeout(30_000);
            setValue(control, "a", 'a', VALUE_BYTES);
            setValue(control, "huge", 'h', huge);
            InputStream in = new BufferedInputStream(slow.getInputStream());
            StringBuilder pipeline = new StringBuilder("CLIENT SETNAME slow\r\n");
            for (int i = 0; i < 32; i++) {
                pipeline.append("GET a\r\n");
            }
            pipeline.append("MULTI\r\nGET a\r\nINCR t\r\nGET huge\r\nEXEC\r\n")
                    .append("BLPOP q 0\r\n")
                    .append("GET huge\r\n")
                    .append("INCR t\r\n");
            slow.getOutputStream().write(pipeline.toString().getBytes(StandardCharsets.US_ASCII));
            slow.getOutputStream().flush();

            await().atMost(Duration.ofSeconds(20)).until(() -> {
                String line = clientLine(control, "slow");
                return line != null && field(line, "omem") > 0 && !fieldText(line, "events").contains("r");
            });
            assertThat(get(control, "t")).as("the transaction waits behind the pause").isZero();

            slow.setSoTimeout(30_000);
            assertThat(readReply(in)).isEqualTo("OK");
            for (int i = 0; i < 32; i++) {
                assertThat(isFilled((byte[]) readReply(in), 'a', VALUE_BYTES)).isTrue();
            }
            assertThat(readReply(in)).isEqualTo("OK"); // MULTI
            for (int i = 0; i < 3; i++) {
                assertThat(readReply(in)).isEqualTo("QUEUED");
            }
            List<?> exec = (List<?>) readReply(in);
            assertThat(exec).hasSize(3);
            assertThat(isFilled((byte[]) exec.get(0), 'a', VALUE_BYTES)).isTrue();
            assertThat(exec.get(1)).isEqualTo(1L);
            assertThat(isFilled((byte[]) exec.get(2), 'h', huge)).isTrue();

            // BLPOP blocks once the client has drained its replies; the push serves it.
            await().atMost(Duration.ofSeconds(10)).until(() -> fieldText(clientLine(control, "slow"), "flags").contains("b"));
            control.command("RPUSH", "q", "x");
            assertThat(readReplyLine(control)).isEqualTo(":1");
            List<?> popped = (List<?>) readReply(in);
            assertThat(new String((byte[]) popped.get(0), StandardCharsets.US_ASCII)).isEqualTo("q");
            assertThat(new String((byte[]) popped.get(1), StandardCharsets.US_ASCII)).isEqualTo("x");
            assertThat(isFilled((byte[]) readReply(in), 'h', huge)).isTrue();
            assertThat(readReply(in)).isEqualTo(2L);
        } finally {
            server.close();
        }
    }

    /** A client socket with a small receive buffer, so the kernel holds little of what it does not read. */
    private static Socket slowSocket(int port) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(64 * 1024);
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(5000);
        return s;
    }

    private static void setValue(RawClient c, String key, char fill, int size) throws IOException {
        c.command("SET", key, String.valueOf(fill).repeat(size));
        assertThat(c.read(5)).isEqualTo("+OK\r\n");
    }

    private static long get(RawClient c, String key) throws IOException {
        c.command("GET", key);
        String header = readReplyLine(c);
        if (header.equals("$-1")) {
            return 0;
        }
        int len = Integer.parseInt(header.substring(1));
        return Long.parseLong(c.read(len + 2).trim());
    }

    /** The CLIENT LIST line of the connection named {@code name}, or {@code null}. */
    private static String clientLine(RawClient c, String name) throws IOException {
        c.command("CLIENT", "LIST");
        String header = readReplyLine(c);
        String list = c.read(Integer.parseInt(header.substring(1)) + 2);
        for (String line : list.split("\n")) {
            if (line.contains(" name=" + name + " ")) {
                return line;
            }
        }
        return null;
    }

    private static long field(String line, String name) {
        return Long.parseLong(fieldText(line, name));
    }

    private static String fieldText(String line, String name) {
        Matcher m = Pattern.compile("(?:^| )" + name + "=(\\S*)").matcher(line);
        assertThat(m.find()).as("%s in %s", name, line).isTrue();
        return m.group(1);
    }

    private static String readReplyLine(RawClient c) throws IOException {
        return readLine(c.socket.getInputStream());
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) != '\r') {
            if (b < 0) {
                throw new IOException("closed after " + sb);
            }
            sb.append((char) b);
        }
        if (in.read() != '\n') {
            throw new IOException("no LF after " + sb);
        }
        return sb.toString();
    }

    /** One RESP2 reply: String (status), Long, byte[] (bulk, null for nil), List, or an error as "-..." String. */
    private static Object readReply(InputStream in) throws IOException {
        String line = readLine(in);
        switch (line.charAt(0)) {
            case '+':
                return line.substring(1);
            case '-':
                return line;
            case ':':
                return Long.parseLong(line.substring(1));
            case '$': {
                int len = Integer.parseInt(line.substring(1));
                if (len < 0) {
                    return null;
                }
                byte[] b = in.readNBytes(len + 2);
                if (b.length < len + 2) {
                    throw new IOException("bulk cut short");
                }
                return Arrays.copyOf(b, len);
            }
            case '*': {
                int n = Integer.parseInt(line.substring(1));
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    items.add(readReply(in));
                }
                return items;
            }
            default:
                throw new IOException("unexpected reply " + line);
        }
    }

    private static boolean isFilled(byte[] v, char fill, int size) {
        if (v == null || v.length != size) {
            return false;
        }
        for (byte b : v) {
            if (b != fill) {
                return false;
            }
        }
        return true;
    }
}
