package io.relog.replica.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replica's link protocol against scripted master bytes, split at every possible point. */
class MasterLinkHandlerTest {

    @TempDir
    Path dir;

    private final List<String> events = new ArrayList<>();
    private final List<byte[]> rdbs = new ArrayList<>();
    private final List<String> commands = new ArrayList<>();
    private final java.io.ByteArrayOutputStream streamBytes = new java.io.ByteArrayOutputStream();
    private final List<byte[][]> argvs = new ArrayList<>();
    /** Chunks are kept unreleased (as an engine behind the link does) until the test lets go. */
    private boolean holdChunks;
    private final List<MasterLinkHandler.StreamChunk> held = new ArrayList<>();

    private MasterLinkHandler handler(String pass) {
        return new MasterLinkHandler(new MasterLinkHandler.Handshake("", pass, 7777, "a".repeat(40), 99, dir),
                new MasterLinkHandler.Listener() {
                    @Override
                    public void fullResync(String replid, long offset) {
                        events.add("full " + replid + " " + offset);
                    }

                    @Override
                    public void rdbReceived(Path file, String replid, long offset) {
                        try {
                            rdbs.add(Files.readAllBytes(file));
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        events.add("rdb");
                    }

                    @Override
                    public void continued(String replid) {
                        events.add("continue " + replid);
                    }

                    @Override
                    public void stream(MasterLinkHandler.StreamChunk chunk) {
                        streamBytes.writeBytes(ByteBufUtil.getBytes(chunk.bytes()));
                        int sum = 0;
                        for (int i = 0; i < chunk.commands().size(); i++) {
                            commands.add(new String(chunk.commands().get(i)[0], StandardCharsets.US_ASCII));
                            argvs.add(chunk.commands().get(i));
                            sum += chunk.lengths()[i];
                        }
                        assertThat(sum).isEqualTo(chunk.size()).isEqualTo(chunk.bytes().readableBytes());
                        if (holdChunks) {
                            held.add(chunk);
                        } else {
                            chunk.release();
                        }
                    }

                    @Override
                    public void failed(String reason) {
                        events.add("failed " + reason);
                    }
                });
    }

    private static String sent(EmbeddedChannel ch) {
        StringBuilder sb = new StringBuilder();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            sb.append(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }
        return sb.toString();
    }

    /** Feeds {@code bytes} in random pieces. */
    private static void feed(EmbeddedChannel ch, MasterLinkHandler h, byte[] bytes, Random rnd) {
        int p = 0;
        while (p < bytes.length) {
            int n = 1 + rnd.nextInt(Math.min(bytes.length - p, 1 + rnd.nextInt(64)));
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, p, n));
            p += n;
            if (!ch.config().isAutoRead()) {
                h.resume(); // the loaded RDB is in place: reading goes on
                ch.runPendingTasks();
            }
        }
    }

    @Test
    void handshakeThenEofMarkedRdbThenStream() throws Exception {
        for (long seed = 0; seed < 50; seed++) {
            events.clear();
            rdbs.clear();
            commands.clear();
            streamBytes.reset();
            Random rnd = new Random(seed);
            MasterLinkHandler h = handler("secret");
            EmbeddedChannel ch = new EmbeddedChannel(h);
            assertThat(sent(ch)).isEqualTo("*1\r\n$4\r\nPING\r\n");
            feed(ch, h, "-NOAUTH Authentication required.\r\n".getBytes(StandardCharsets.US_ASCII), rnd);
            assertThat(sent(ch)).isEqualTo("*2\r\n$4\r\nAUTH\r\n$6\r\nsecret\r\n"
                    + "*3\r\n$8\r\nREPLCONF\r\n$14\r\nlistening-port\r\n$4\r\n7777\r\n"
                    + "*5\r\n$8\r\nREPLCONF\r\n$4\r\ncapa\r\n$3\r\neof\r\n$4\r\ncapa\r\n$6\r\npsync2\r\n");
            feed(ch, h, "+OK\r\n+OK\r\n+OK\r\n".getBytes(StandardCharsets.US_ASCII), rnd);
            assertThat(sent(ch)).isEqualTo("*3\r\n$5\r\nPSYNC\r\n$40\r\n" + "a".repeat(40) + "\r\n$3\r\n100\r\n");
            String mark = "0123456789abcdef0123456789abcdef01234567";
            byte[] rdb = new byte[5000 + rnd.nextInt(5000)];
            rnd.nextBytes(rdb);
            String stream = "*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n";
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            all.writeBytes(("\n\n+FULLRESYNC " + "b".repeat(40) + " 1234\r\n\n\n$EOF:" + mark + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            all.writeBytes(rdb);
            all.writeBytes(mark.getBytes(StandardCharsets.US_ASCII));
            all.writeBytes(stream.getBytes(StandardCharsets.US_ASCII)); // a Relog master streams at once
            feed(ch, h, all.toByteArray(), rnd);
            assertThat(events).as("seed " + seed).containsExactly("full " + "b".repeat(40) + " 1234", "rdb");
            assertThat(rdbs.get(0)).isEqualTo(rdb);
            assertThat(commands).containsExactly("PING", "SET");
            assertThat(streamBytes.toString(StandardCharsets.US_ASCII)).isEqualTo(stream);
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void diskFormRdbAndContinue() throws Exception {
        Random rnd = new Random(7);
        MasterLinkHandler h = handler("");
        EmbeddedChannel ch = new EmbeddedChannel(h);
        sent(ch);
        feed(ch, h, "+PONG\r\n".getBytes(StandardCharsets.US_ASCII), rnd);
        assertThat(sent(ch)).doesNotContain("AUTH").contains("listening-port");
        byte[] rdb = "REDIS0010-not-really".getBytes(StandardCharsets.US_ASCII);
        feed(ch, h, ("+OK\r\n-ERR unknown\r\n+FULLRESYNC " + "c".repeat(40) + " 0\r\n\n$" + rdb.length + "\r\n"
                + new String(rdb, StandardCharsets.US_ASCII) + "*1\r\n$4\r\nPING\r\n").getBytes(StandardCharsets.US_ASCII),
                rnd);
        assertThat(rdbs.get(0)).isEqualTo(rdb);
        assertThat(commands).containsExactly("PING");
        ch.finishAndReleaseAll();

        events.clear();
        MasterLinkHandler h2 = handler("");
        EmbeddedChannel ch2 = new EmbeddedChannel(h2);
        feed(ch2, h2, ("+PONG\r\n+OK\r\n+OK\r\n+CONTINUE " + "d".repeat(40) + "\r\n*1\r\n$4\r\nPING\r\n")
                .getBytes(StandardCharsets.US_ASCII), rnd);
        assertThat(events).containsExactly("continue " + "d".repeat(40));
        ch2.finishAndReleaseAll();
    }

    @Test
    void badPsyncReplyFailsTheLink() {
        MasterLinkHandler h = handler("");
        EmbeddedChannel ch = new EmbeddedChannel(h);
        feed(ch, h, "+PONG\r\n+OK\r\n+OK\r\n-NOMASTERLINK Can't SYNC while not connected with my master\r\n"
                .getBytes(StandardCharsets.US_ASCII), new Random(1));
        assertThat(events).singleElement().asString().startsWith("failed Unexpected reply to PSYNC");
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    /**
     * A consumer that falls behind pauses the link: once more than MAX_UNAPPLIED_BYTES of stream
     * were handed over and not applied, the channel stops reading; applying them resumes it.
     */
    @Test
    void anUnappliedBacklogPausesReadingUntilApplied() {
        MasterLinkHandler h = handler("");
        EmbeddedChannel ch = new EmbeddedChannel(h);
        feed(ch, h, ("+PONG\r\n+OK\r\n+OK\r\n+CONTINUE " + "d".repeat(40) + "\r\n").getBytes(StandardCharsets.US_ASCII),
                new Random(3));
        String value = "x".repeat(1000);
        byte[] cmd = ("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1000\r\n" + value + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] piece = new byte[cmd.length * 1000];
        for (int i = 0; i < 1000; i++) {
            System.arraycopy(cmd, 0, piece, i * cmd.length, cmd.length);
        }
        long handed = 0;
        while (ch.config().isAutoRead()) {
            assertThat(handed).isLessThanOrEqualTo(MasterLinkHandler.MAX_UNAPPLIED_BYTES);
            ch.writeInbound(Unpooled.wrappedBuffer(piece));
            handed += piece.length;
        }
        assertThat(handed).isGreaterThan(MasterLinkHandler.MAX_UNAPPLIED_BYTES);
        assertThat(h.unappliedBytes()).isEqualTo(handed);
        // Applying a little is not enough; applying down to half the bound resumes reading.
        h.applied(piece.length);
        ch.runPendingTasks();
        assertThat(ch.config().isAutoRead()).isFalse();
        h.applied((int) (handed - piece.length - MasterLinkHandler.MAX_UNAPPLIED_BYTES / 2));
        ch.runPendingTasks();
        assertThat(ch.config().isAutoRead()).isTrue();
        assertThat(streamBytes.size()).isEqualTo(handed);
        ch.finishAndReleaseAll();
    }

    /**
     * A long stream of random commands, read in random pieces (from pooled direct buffers, as the
     * network delivers it) while the consumer keeps some chunks unreleased: every command comes out
     * whole with its arguments, the chunks' bytes are the stream byte for byte, and every buffer
     * is released once the chunks are.
     */
    @Test
    void theStreamIsFramedExactlyWhateverThePiecesAndHeldChunks() throws Exception {
        for (long seed = 0; seed < 20; seed++) {
            Random rnd = new Random(seed);
            holdChunks = true;
            MasterLinkHandler h = handler("");
            EmbeddedChannel ch = new EmbeddedChannel(h);
            feed(ch, h, ("+PONG\r\n+OK\r\n+OK\r\n+CONTINUE\r\n").getBytes(StandardCharsets.US_ASCII), rnd);
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            List<byte[][]> sentArgv = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                byte[][] argv = new byte[1 + rnd.nextInt(4)][];
                for (int j = 0; j < argv.length; j++) {
                    argv[j] = new byte[rnd.nextInt(10) == 0 ? rnd.nextInt(40_000) : rnd.nextInt(30)];
                    rnd.nextBytes(argv[j]);
                }
                sentArgv.add(argv);
                all.writeBytes(io.relog.log.resp.RespCommands.encode(argv));
            }
            byte[] bytes = all.toByteArray();
            List<ByteBuf> fed = new ArrayList<>();
            int p = 0;
            while (p < bytes.length) {
                int n = 1 + rnd.nextInt(Math.min(bytes.length - p, rnd.nextBoolean() ? 100 : 70_000));
                ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(n + rnd.nextInt(100));
                b.writeBytes(bytes, p, n);
                fed.add(b);
                ch.writeInbound(b);
                p += n;
                if (rnd.nextInt(3) == 0) {
                    held.forEach(MasterLinkHandler.StreamChunk::release);
                    held.clear();
                }
            }
            assertThat(streamBytes.toByteArray()).as("seed " + seed).isEqualTo(bytes);
            assertThat(argvs).as("seed " + seed).hasSize(sentArgv.size());
            for (int i = 0; i < sentArgv.size(); i++) {
                assertThat(argvs.get(i)).as("seed " + seed + " command " + i).isDeepEqualTo(sentArgv.get(i));
            }
            held.forEach(MasterLinkHandler.StreamChunk::release);
            held.clear();
            ch.finishAndReleaseAll();
            for (ByteBuf b : fed) {
                assertThat(b.refCnt()).as("seed " + seed + ": a buffer read was not released").isZero();
            }
            argvs.clear();
            streamBytes.reset();
        }
    }

    /** Closing the link lets go of its buffers: once the consumer released its chunks, none is left allocated. */
    @Test
    void closingTheLinkFreesItsBuffersOnceTheChunksAreReleased() throws Exception {
        holdChunks = true;
        MasterLinkHandler h = handler("");
        EmbeddedChannel ch = new EmbeddedChannel(h);
        feed(ch, h, ("+PONG\r\n+OK\r\n+OK\r\n+CONTINUE\r\n").getBytes(StandardCharsets.US_ASCII), new Random(5));
        byte[] cmd = io.relog.log.resp.RespCommands.encode("SET", "k", "v".repeat(3000));
        for (int i = 0; i < 50; i++) {
            ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer();
            b.writeBytes(cmd, 0, cmd.length - 7); // each read ends inside a command
            b.writeBytes(cmd, cmd.length - 7, 7);
            b.writeBytes(cmd, 0, 10);
            ch.writeInbound(b);
            ByteBuf rest = PooledByteBufAllocator.DEFAULT.directBuffer();
            rest.writeBytes(cmd, 10, cmd.length - 10);
            ch.writeInbound(rest);
        }
        assertThat(held).isNotEmpty();
        List<ByteBuf> roots = new ArrayList<>();
        for (MasterLinkHandler.StreamChunk c : held) {
            roots.add(c.bytes().unwrap());
        }
        ch.close();
        held.forEach(MasterLinkHandler.StreamChunk::release);
        held.clear();
        for (ByteBuf root : roots) {
            assertThat(root.refCnt()).as("a block of the closed link").isZero();
        }
        ch.finishAndReleaseAll();
    }

    /**
     * The link drops while the RDB loads and the server resumes it afterwards (its resume was
     * already on its way): the stream bytes read with the RDB's end are not gathered into a buffer
     * nobody would release.
     */
    @Test
    void aResumeAfterTheLinkDroppedGathersNothing() throws Exception {
        holdChunks = false;
        MasterLinkHandler h = handler("");
        EmbeddedChannel ch = new EmbeddedChannel(h);
        byte[] rdb = "REDIS0010-not-really".getBytes(StandardCharsets.US_ASCII);
        ch.writeInbound(Unpooled.wrappedBuffer(("+PONG\r\n+OK\r\n+OK\r\n+FULLRESYNC " + "c".repeat(40) + " 0\r\n$"
                + rdb.length + "\r\n" + new String(rdb, StandardCharsets.US_ASCII) + "*1\r\n$4\r\nPING\r\n")
                .getBytes(StandardCharsets.US_ASCII)));
        assertThat(rdbs).hasSize(1);
        assertThat(ch.config().isAutoRead()).isFalse();
        ch.close();
        h.resume();
        ch.runPendingTasks();
        assertThat(commands).isEmpty();
        ch.finishAndReleaseAll();
    }
}
