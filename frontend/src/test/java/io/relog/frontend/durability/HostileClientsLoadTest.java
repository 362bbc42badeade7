package io.relog.frontend.durability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile clients at scale (README "Fuzzing and hostile input"): many connections, some of which
 * pipeline GETs of a 1 MB value and never read a reply. The server — a separate process with a
 * 1 GB heap, so its resident memory can be measured — must stay within a bound far below what
 * the slow readers asked for, and keep serving everybody else: a control client's round trips
 * and a PING on every idle connection.
 *
 * <p><b>What bounds it.</b> Back-pressure on reads alone (a connection whose replies are not
 * taken stops being read) acts between reads, not within one: the replies to every GET that
 * arrived in one read would be encoded at once (200 MB per slow reader here), exhausting the
 * server's direct memory and stalling its event loop for everybody. The engine therefore pauses
 * a connection's remaining pipelined commands while its unsent replies are above the channel's
 * high water mark (1 MiB) and resumes them when the channel is writable again ({@code
 * EngineLoop}), so each slow reader holds about one reply beyond the mark, whatever it
 * pipelined; {@code client-output-buffer-limit} is {@code 0 0 0} for normal clients, as in
 * Redis, and plays no part. {@code SlowReaderPauseTest} is the small form that runs in the
 * default build. This test is heavy (minutes, 10,000 sockets), so it runs only with {@code
 * -Pload}.
 *
 * <p>Sizes: {@code -Drelog.load.connections} and {@code -Drelog.load.slowReaders}; {@code -Pload}
 * sets 10,000 connections and 500 slow readers; the client JVM and the
 * server each need about one file descriptor per connection (Redis' rule: maxclients + 32), so
 * {@code ulimit -n} must be at least connections + 1,000 (the test checks it).
 */
@Tag("load")
class HostileClientsLoadTest {

    private static final int CONNECTIONS = Integer.getInteger("relog.load.connections", 1000);
    private static final int SLOW_READERS = Integer.getInteger("relog.load.slowReaders", 50);
    private static final int GETS_PER_SLOW_READER = 200;
    private static final int VALUE_BYTES = 1024 * 1024;
    /** Resident memory allowed to the server: its 1 GB heap, Netty's direct buffers, code and threads. */
    private static final long RSS_BOUND = 2560L * 1024 * 1024;
    private static final long CONTROL_MILLIS = Long.getLong("relog.load.controlMillis", 10_000);

    @TempDir
    Path dir;

    @Test
    void slowReadersCannotExhaustMemoryOrStarveOthers() throws Exception {
        long fdLimit = openFilesLimit();
        assertThat(fdLimit).as("ulimit -n (raise it for %d connections)", CONNECTIONS)
                .isGreaterThanOrEqualTo(CONNECTIONS + 1000L);
        long started = System.nanoTime();
        try (RelogProcess server = RelogProcess.start(dir, "--maxclients", Integer.toString(CONNECTIONS + 10),
                "--save", "", "--appendfsync", "no")) {
            List<Socket> sockets = new ArrayList<>(CONNECTIONS);
            try (Socket control = connect(server.port())) {
                roundTrip(control, "*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$" + VALUE_BYTES + "\r\n"
                        + "v".repeat(VALUE_BYTES) + "\r\n", "+OK\r\n");
                long rssBefore = rss(server.pid());

                for (int i = 0; i < CONNECTIONS; i++) {
                    sockets.add(connect(server.port()));
                }
                long connectedMs = (System.nanoTime() - started) / 1_000_000;

                byte[] gets = "GET big\r\n".repeat(GETS_PER_SLOW_READER).getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < SLOW_READERS; i++) {
                    OutputStream out = sockets.get(i).getOutputStream();
                    out.write(gets);
                    out.flush();
                }
                long asked = (long) SLOW_READERS * GETS_PER_SLOW_READER * VALUE_BYTES;

                long peakRss = 0;
                long worstMicros = 0;
                int trips = 0;
                long until = System.nanoTime() + CONTROL_MILLIS * 1_000_000;
                long nextSample = 0;
                while (System.nanoTime() < until) {
                    long t0 = System.nanoTime();
                    roundTrip(control, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n" + (trips % 10) + "\r\n", "+OK\r\n");
                    roundTrip(control, "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", "$1\r\n" + (trips % 10) + "\r\n");
                    worstMicros = Math.max(worstMicros, (System.nanoTime() - t0) / 1000);
                    trips++;
                    if (System.nanoTime() > nextSample) {
                        peakRss = Math.max(peakRss, rss(server.pid()));
                        nextSample = System.nanoTime() + 100_000_000;
                    }
                }
                peakRss = Math.max(peakRss, rss(server.pid()));

                // Every connection that is not a slow reader is still served.
                byte[] ping = "PING\r\n".getBytes(StandardCharsets.US_ASCII);
                for (int i = SLOW_READERS; i < CONNECTIONS; i++) {
                    sockets.get(i).getOutputStream().write(ping);
                }
                for (int i = SLOW_READERS; i < CONNECTIONS; i++) {
                    expect(sockets.get(i), "+PONG\r\n");
                }
                String info = request(control, "*2\r\n$4\r\nINFO\r\n$6\r\nmemory\r\n");
                long heap = field(info, "used_memory");
                long totalMs = (System.nanoTime() - started) / 1_000_000;

                System.out.printf("hostile load: %d connections (connected in %d ms), %d slow readers asked for %d MB;"
                                + " server RSS %d MB before, peak %d MB; heap used %d MB at the end;"
                                + " control client %d round trips in %d ms, worst %d ms; total %d ms%n",
                        CONNECTIONS, connectedMs, SLOW_READERS, asked >> 20, rssBefore >> 20, peakRss >> 20,
                        heap >> 20, trips, CONTROL_MILLIS, worstMicros / 1000, totalMs);

                assertThat(server.isAlive()).isTrue();
                assertThat(asked).as("the slow readers asked for far more than the bound").isGreaterThan(RSS_BOUND);
                assertThat(peakRss).as("server RSS stays bounded").isLessThan(RSS_BOUND);
                assertThat(trips).as("the control client is served throughout").isGreaterThan(100);
                assertThat(worstMicros).as("no control round trip waits on the slow readers").isLessThan(2_000_000);
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.setSoTimeout(30_000);
        s.connect(new InetSocketAddress("127.0.0.1", port), 30_000);
        return s;
    }

    private static void roundTrip(Socket s, String request, String expected) throws IOException {
        s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        expect(s, expected);
    }

    private static void expect(Socket s, String expected) throws IOException {
        byte[] want = expected.getBytes(StandardCharsets.ISO_8859_1);
        byte[] got = s.getInputStream().readNBytes(want.length);
        assertThat(new String(got, StandardCharsets.ISO_8859_1)).isEqualTo(expected);
    }

    /** Sends a request whose reply is one bulk string and returns that string. */
    private static String request(Socket s, String request) throws IOException {
        s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = s.getInputStream();
        StringBuilder header = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            header.append((char) c);
        }
        int len = Integer.parseInt(header.toString().trim().substring(1));
        String body = new String(in.readNBytes(len), StandardCharsets.ISO_8859_1);
        in.readNBytes(2);
        return body;
    }

    private static long field(String info, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ":(\\d+)").matcher(info);
        assertThat(m.find()).as("INFO field %s", name).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** Resident set of a process, from /proc (bytes). */
    static long rss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for " + pid);
    }

    private static long openFilesLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        return 0;
    }
}
