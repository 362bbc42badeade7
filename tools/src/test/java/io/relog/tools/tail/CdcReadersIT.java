package io.relog.tools.tail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The server's side of the change feed, seen through raw CDC connections: how readers are shown
 * and counted, and that a reader that stops reading holds no more than a bounded buffer.
 */
class CdcReadersIT {

    /** A raw CDC reader: handshake done, {@code +CONTINUE} read, nothing else read yet. */
    static final class RawReader implements AutoCloseable {
        final Socket socket = new Socket();
        final InputStream in;
        final OutputStream out;

        RawReader(int port, long offset, int receiveBuffer) throws IOException {
            socket.setReceiveBufferSize(receiveBuffer);
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            socket.setSoTimeout(20_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
            out.write("REPLCONF relog-cdc 1\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(line()).isEqualTo("+OK");
            out.write(("PSYNC ? " + (offset + 1) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new IOException("closed");
                }
                sb.append((char) c);
            }
            return sb.toString().strip();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static long endOffset(Jedis j) {
        return Long.parseLong(field(j.info("replication"), "master_repl_offset"));
    }

    static String field(String info, String name) {
        return info.lines().filter(l -> l.startsWith(name + ":")).findFirst().map(l -> l.substring(name.length() + 1).trim())
                .orElse(null);
    }

    @Test
    @SuppressWarnings("unchecked")
    void readersAreShownApartAndNeverCountAsReplicas() throws Exception {
        try (TestServer s = new TestServer(); Jedis j = s.jedis()) {
            j.set("a", "1");
            try (RawReader r = new RawReader(s.port(), 0, 1 << 16)) {
                assertThat(r.line()).startsWith("+CONTINUE ");
                await().atMost(Duration.ofSeconds(10)).until(() -> "1".equals(field(j.info("replication"),
                        "connected_cdc_readers")));
                String info = j.info("replication");
                assertThat(field(info, "connected_slaves")).isEqualTo("0");
                assertThat(field(info, "cdc0")).matches("ip=127\\.0\\.0\\.1,port=" + r.socket.getLocalPort()
                        + ",offset=\\d+,lag=\\d+");
                assertThat(j.clientList()).containsPattern("flags=C ");
                String id = j.clientList().lines().filter(l -> l.contains("flags=C ")).findFirst().orElseThrow()
                        .replaceAll("^id=(\\d+) .*", "$1");
                // No TYPE names a reader: not normal, not replica.
                assertThat(j.clientList(redis.clients.jedis.args.ClientType.NORMAL)).doesNotContain("flags=C ");
                assertThat(j.clientList(redis.clients.jedis.args.ClientType.REPLICA)).isEmpty();
                // WAIT counts replicas only: it times out with 0 although the reader has the write.
                j.set("b", "2");
                assertThat(j.waitReplicas(1, 300)).isZero();
                assertThat(j.sendCommand(() -> "ROLE".getBytes(StandardCharsets.US_ASCII)).toString()).isNotNull();
                // min-replicas-to-write ignores readers too.
                j.configSet("min-replicas-to-write", "1");
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    try {
                        j.set("c", "3");
                        throw new AssertionError("write accepted with only a CDC reader connected");
                    } catch (JedisDataException e) {
                        assertThat(e.getMessage()).startsWith("NOREPLICAS");
                    }
                });
                j.configSet("min-replicas-to-write", "0");
                // RELOG.LOG INFO counts it.
                List<Object> li = (List<Object>) j.sendCommand(() -> "RELOG.LOG".getBytes(StandardCharsets.US_ASCII),
                        "INFO".getBytes(StandardCharsets.US_ASCII));
                int at = li.indexOf(null);
                assertThat(at).isEqualTo(-1);
                assertThat(new String((byte[]) li.get(li.size() - 2), StandardCharsets.UTF_8)).isEqualTo("cdc-readers");
                assertThat(li.get(li.size() - 1)).isEqualTo(1L);
                // CLIENT KILL ID closes it.
                assertThat(j.clientKill(new redis.clients.jedis.params.ClientKillParams().id(id))).isEqualTo(1L);
                r.socket.setSoTimeout(5000);
                byte[] drain = new byte[1 << 16];
                while (r.in.read(drain) >= 0) {
                    // the stream until the server closes the connection
                }
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> "0".equals(field(j.info("replication"),
                    "connected_cdc_readers")));
        }
    }

    @Test
    void aStuckReaderHoldsABoundedBufferAndCatchesUpFromDisk() throws Exception {
        try (TestServer s = new TestServer(); Jedis j = s.jedis()) {
            long start = endOffset(j);
            try (RawReader r = new RawReader(s.port(), start, 64 * 1024)) {
                assertThat(r.line()).startsWith("+CONTINUE ");
                // The reader reads nothing more while 40 MB are written.
                byte[] value = new byte[10_000];
                Arrays.fill(value, (byte) 'v');
                Pipeline p = j.pipelined();
                for (int i = 0; i < 4000; i++) {
                    p.set(("k" + i).getBytes(StandardCharsets.US_ASCII), value);
                    if (i % 200 == 199) {
                        p.sync();
                    }
                }
                p.sync();
                long end = endOffset(j);
                assertThat(end - start).isGreaterThan(40_000_000L);
                // The link stops at the bound: what it handed to the socket stays within the in-flight
                // bound plus the kernel's socket buffers, far behind the log end.
                Thread.sleep(500);
                long sent = Long.parseLong(field(j.info("replication"), "cdc0").replaceAll(".*offset=(\\d+).*", "$1"));
                assertThat(sent - start).as("bytes handed to a stuck reader's socket").isLessThan(12_000_000L);
                assertThat(end - sent).isGreaterThan(28_000_000L);
                // Reading again, the reader gets every byte, from disk, annotations aside.
                long got = 0;
                byte[] buf = new byte[1 << 16];
                long expected = end - start;
                boolean lineStart = true;
                boolean inAnnotation = false;
                while (got < expected) {
                    int n = r.in.read(buf);
                    assertThat(n).isPositive();
                    for (int i = 0; i < n; i++) {
                        byte b = buf[i];
                        if (lineStart && b == '#' && !inAnnotation && atCommandStart) {
                            inAnnotation = true;
                        }
                        if (inAnnotation) {
                            if (b == '\n') {
                                inAnnotation = false;
                            }
                            continue;
                        }
                        got++;
                        commandTracker(b);
                    }
                }
                assertThat(got).isEqualTo(expected);
            }
        }
    }

    // A tiny RESP framer for the test above: knows when the next byte starts a command.
    private boolean atCommandStart = true;
    private long remainingBulk = -1;
    private int pendingArgs;
    private StringBuilder header = new StringBuilder();

    private void commandTracker(byte b) {
        atCommandStart = false;
        if (remainingBulk > 0) {
            remainingBulk--;
            return;
        }
        if (remainingBulk == 0) { // CR then LF after a bulk
            if (b == '\n') {
                remainingBulk = -1;
                pendingArgs--;
                atCommandStart = pendingArgs == 0;
            }
            return;
        }
        header.append((char) b);
        if (b == '\n') {
            String h = header.toString().strip();
            header.setLength(0);
            if (h.startsWith("*")) {
                pendingArgs = Integer.parseInt(h.substring(1));
            } else if (h.startsWith("$")) {
                remainingBulk = Long.parseLong(h.substring(1)) + 1; // the bytes and the CR
            }
        }
    }

    @Test
    void aTrimmedOffsetIsRefusedNamingTheEarliestAvailable() throws Exception {
        try (TestServer s = new TestServer("--log-segment-bytes", "4kb", "--log-retention-bytes", "1");
                Jedis j = s.jedis()) {
            for (int i = 0; i < 300; i++) {
                j.set("key:" + i, "value-" + i);
            }
            j.save();
            await().atMost(Duration.ofSeconds(10)).until(() -> earliest(j) > 0);
            long earliest = earliest(j);
            try (RawReader r = new RawReader(s.port(), 0, 1 << 16)) {
                assertThat(r.line()).isEqualTo("-TRIMMED offset 0 is no longer retained; the earliest available offset is "
                        + earliest);
            }
            Tail.Result t = Tail.online(s.port(), "--from", "0");
            assertThat(t.exit()).isEqualTo(1);
            assertThat(t.err()).contains("offset 0 is no longer retained; the earliest available offset is " + earliest);
            Tail.Result off = Tail.run("--dir", s.dir.toString(), "--from", "0");
            assertThat(off.exit()).isEqualTo(1);
            assertThat(off.err()).contains("offset 0 is no longer retained; the earliest available offset is " + earliest);
            // From the earliest on, all is there.
            Tail.Result ok = Tail.online(s.port(), "--from", "earliest", "--format", "text");
            assertThat(ok.exit()).as(ok.err()).isZero();
            assertThat(ok.lines()).isNotEmpty().last().asString().endsWith("SET \"key:299\" \"value-299\"");
        }
    }

    @Test
    void aServerWithAPasswordNeedsOne() throws Exception {
        try (TestServer s = new TestServer("--requirepass", "s3cret"); Jedis j = s.jedis()) {
            j.auth("s3cret");
            j.set("a", "1");
            Tail.Result none = Tail.online(s.port());
            assertThat(none.exit()).isEqualTo(1);
            assertThat(none.err()).contains("the server needs a password").contains("NOAUTH");
            Tail.Result wrong = Tail.online(s.port(), "--pass", "nope");
            assertThat(wrong.exit()).isEqualTo(1);
            assertThat(wrong.err()).contains("authentication failed");
            Tail.Result ok = Tail.online(s.port(), "--pass", "s3cret", "--format", "text");
            assertThat(ok.exit()).as(ok.err()).isZero();
            assertThat(ok.lines()).singleElement().asString().endsWith("SET \"a\" \"1\"");
            Tail.Result user = Tail.online(s.port(), "--user", "default", "--pass", "s3cret");
            assertThat(user.exit()).as(user.err()).isZero();
        }
    }

    @SuppressWarnings("unchecked")
    static long earliest(Jedis j) {
        List<Object> li = (List<Object>) j.sendCommand(() -> "RELOG.LOG".getBytes(StandardCharsets.US_ASCII),
                "INFO".getBytes(StandardCharsets.US_ASCII));
        return (Long) li.get(1);
    }
}
