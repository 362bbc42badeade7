package io.relog.replica.replica;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.relog.log.resp.MalformedCommandException;
import io.relog.log.resp.RespCommands;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A replica's end of its link to the master (see the package documentation): sends the handshake,
 * reads the PSYNC answer, receives a full sync's RDB into a file, then frames the stream into whole
 * commands. It decides nothing about the data set: a {@link Listener} applies what it reads.
 *
 * <p>One instance per connection, on that channel's event loop, except {@link #resume} and
 * {@link #sendAck} (any thread).
 */
public final class MasterLinkHandler extends ChannelInboundHandlerAdapter {

    /**
     * What the handshake announces and asks.
     *
     * @param user          {@code masteruser}, or empty
     * @param password      {@code masterauth}, or empty (no AUTH)
     * @param listeningPort this server's port ({@code REPLCONF listening-port})
     * @param replid        the replication ID this replica's data follows ({@code PSYNC <replid>})
     * @param offset        the log offset this replica has applied up to (PSYNC asks for {@code offset + 1})
     * @param rdbDir        where a full sync's RDB is received (a temp file named {@code *.tmp})
     */
    public record Handshake(String user, String password, int listeningPort, String replid, long offset, Path rdbDir) {
    }

    /** Receives what the link reads. Called on the channel's event loop. */
    public interface Listener {
        /** {@code +FULLRESYNC <replid> <offset>}: the RDB follows. */
        void fullResync(String replid, long offset);

        /**
         * The RDB is in {@code file}; reading stops until {@link #resume} (the stream after it
         * must be applied on the new data set).
         */
        void rdbReceived(Path file, String replid, long offset);

        /** {@code +CONTINUE [<replid>]}: the stream continues at the offset asked; {@code replid} null if absent. */
        void continued(String replid);

        /** Whole commands of the stream, in order. */
        void stream(StreamChunk chunk);

        /** The handshake or the stream failed: the channel is being closed. */
        void failed(String reason);
    }

    /**
     * Whole commands read from the stream: their bytes as received, still in the network buffer
     * they arrived in (a retained slice of it: no copy), and each one's arguments, copied out once,
     * and length (command {@code i} is {@code bytes} from {@code sum(lengths[0..i))}, {@code
     * lengths[i]} long). The consumer owns {@code bytes} and calls {@link #release()} once it has
     * applied the chunk (or dropped it), after it has written the bytes to its log.
     *
     * @param size the bytes of the chunk ({@code bytes.readableBytes()} when made)
     */
    public record StreamChunk(ByteBuf bytes, List<byte[][]> commands, int[] lengths, int size) {

        public StreamChunk(ByteBuf bytes, List<byte[][]> commands, int[] lengths) {
            this(bytes, commands, lengths, bytes.readableBytes());
        }

        /** Gives the network buffer back. Once, any thread. */
        public void release() {
            bytes.release();
        }
    }

    private enum State { PONG, AUTH, PORT, CAPA, PSYNC, RDB_HEADER, RDB_BODY, LOADING, STREAMING, FAILED }

    private static final int MAX_LINE = 64 * 1024;
    /**
     * Most bytes of stream handed over but not yet {@link #applied}: beyond it the link stops
     * reading until the consumer catches up to half of it, so a replica whose engine falls behind
     * leaves the rest in the socket (and the master's log) instead of in its memory.
     */
    static final long MAX_UNAPPLIED_BYTES = 32L << 20;

    private final java.util.concurrent.atomic.AtomicLong unappliedBytes = new java.util.concurrent.atomic.AtomicLong();
    /** Reading is paused because too much is unapplied. Event loop. */
    private boolean throttled;

    private final Handshake handshake;
    private final Listener listener;
    private ChannelHandlerContext ctx;
    private State state = State.PONG;
    /** What the handshake and the RDB read (lines, file bytes); {@code have} bytes of it are unread. */
    private byte[] buf = new byte[16 * 1024];
    private int have;
    /**
     * While streaming: the bytes received and not yet handed over (at most the start of a command),
     * in Netty's buffers, which the commands framed from them are sliced from (see {@link #stream}).
     */
    private ByteBuf cumulation;
    /** The channel is closed: nothing more is gathered (its buffers were given back). Event loop. */
    private boolean inactive;
    private volatile long lastIoMs = System.currentTimeMillis();
    private volatile long rdbReceivedBytes;

    // Full sync in progress.
    private String syncReplid;
    private long syncOffset;
    private Path rdbFile;
    private FileChannel rdbOut;
    private long rdbRemaining; // disk form: bytes still to come
    private byte[] eofMark;    // EOF form: the 40-byte mark that ends it

    public MasterLinkHandler(Handshake handshake, Listener listener) {
        this.handshake = handshake;
        this.listener = listener;
    }

    /** Unix ms of the last bytes read from the master. Any thread. */
    public long lastIoMs() {
        return lastIoMs;
    }

    /** Bytes of the RDB received so far in a full sync. Any thread. */
    public long rdbReceivedBytes() {
        return rdbReceivedBytes;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        send("PING");
        ctx.fireChannelActive();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        lastIoMs = System.currentTimeMillis();
        if (state == State.STREAMING && have == 0) {
            cumulate(in);
        } else {
            try {
                int n = in.readableBytes();
                ensure(n);
                in.readBytes(buf, have, n);
                have += n;
            } finally {
                in.release();
            }
        }
        process();
    }

    /**
     * Adds {@code in} (released here) after the stream bytes not yet framed. They are copied into
     * a direct block of {@value #BLOCK_BYTES} bytes, filled read after read: a command that
     * straddles two reads is then whole in one buffer without a merge per read, and the chunks
     * handed over are slices of the block. Only the bytes past its writer index are ever written,
     * so the slices still held by the engine never change; when a read does not fit, the pending
     * start of a command moves to a new block and the old one is freed with its last slice.
     */
    private void cumulate(ByteBuf in) {
        try {
            int n = in.readableBytes();
            ByteBuf c = cumulation;
            if (c != null && c.capacity() - c.writerIndex() >= n) {
                c.writeBytes(in);
                return;
            }
            int pending = c == null ? 0 : c.readableBytes();
            // Twice what is needed when that is more than a block: a huge command is gathered in
            // amortised linear time, not copied again at every read.
            long need = (long) pending + n;
            ByteBuf next = ctx.alloc().directBuffer(need <= BLOCK_BYTES / 2 ? BLOCK_BYTES
                    : (int) Math.min(Integer.MAX_VALUE - 16, 2 * need));
            if (c != null) {
                next.writeBytes(c);
                c.release();
            }
            next.writeBytes(in);
            cumulation = next;
        } finally {
            in.release();
        }
    }

    /** Size of the blocks the stream is gathered in (a larger command gets a block of its size). */
    static final int BLOCK_BYTES = 1 << 20;

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        inactive = true; // a resume() still queued must not gather bytes again
        closeRdb(true);
        releaseCumulation();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        inactive = true;
        releaseCumulation();
    }

    private void releaseCumulation() {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail("link error: " + cause.getMessage());
    }

    /** Continues reading after {@link Listener#rdbReceived}: the new data set is in place. Any thread. */
    public void resume() {
        ctx.channel().eventLoop().execute(() -> {
            if (state != State.LOADING || inactive) {
                return; // the link dropped while the RDB was loading: a new one syncs again
            }
            state = State.STREAMING;
            process();
            if (!throttled) {
                ctx.channel().config().setAutoRead(true);
            }
        });
    }

    /**
     * The consumer applied a {@link StreamChunk} of {@code bytes} bytes: reading resumes if it was
     * paused for this consumer to catch up. Any thread; call it once per chunk, applied or dropped.
     */
    public void applied(int bytes) {
        if (unappliedBytes.addAndGet(-bytes) <= MAX_UNAPPLIED_BYTES / 2 && ctx != null) {
            ctx.channel().eventLoop().execute(() -> {
                if (throttled && unappliedBytes.get() <= MAX_UNAPPLIED_BYTES / 2) {
                    throttled = false;
                    if (state == State.STREAMING) {
                        ctx.channel().config().setAutoRead(true);
                    }
                }
            });
        }
    }

    /** Bytes of stream handed over and not yet applied (INFO, tests). Any thread. */
    public long unappliedBytes() {
        return unappliedBytes.get();
    }

    /** Sends {@code REPLCONF ACK <offset>}. Any thread. */
    public void sendAck(long offset) {
        if (ctx != null && ctx.channel().isActive()) {
            ctx.channel().writeAndFlush(Unpooled.wrappedBuffer(
                    RespCommands.encode("REPLCONF", "ACK", Long.toString(offset))), ctx.channel().voidPromise());
        }
    }

    // ------------------------------------------------------------------------------ protocol

    private void process() {
        try {
            while (state != State.FAILED && state != State.LOADING) {
                boolean progressed = switch (state) {
                    case PONG, AUTH, PORT, CAPA, PSYNC, RDB_HEADER -> handshakeLine();
                    case RDB_BODY -> rdbBody();
                    case STREAMING -> stream();
                    default -> false;
                };
                if (!progressed) {
                    return;
                }
            }
        } catch (IOException e) {
            fail("I/O error receiving the RDB: " + e.getMessage());
        } catch (MalformedCommandException e) {
            fail("protocol error in the master's stream: " + e.getMessage());
        }
    }

    /** Reads one reply line and acts on it; {@code false} if the line is not complete yet. */
    private boolean handshakeLine() {
        int nl = indexOf((byte) '\n', 0, have);
        if (nl < 0) {
            if (have > MAX_LINE) {
                fail("reply line from the master too long");
            }
            return false;
        }
        int end = nl > 0 && buf[nl - 1] == '\r' ? nl - 1 : nl;
        String line = new String(buf, 0, end, StandardCharsets.UTF_8);
        consume(nl + 1);
        switch (state) {
            case PONG -> {
                // -NOAUTH (and -NOPERM) also prove the master is alive, as Redis accepts them.
                if (line.startsWith("-") && !line.startsWith("-NOAUTH") && !line.startsWith("-NOPERM")
                        && !line.startsWith("-ERR operation not permitted")) {
                    fail("Error reply to PING from master: '" + line + "'");
                    return false;
                }
                if (!handshake.password().isEmpty()) {
                    if (handshake.user().isEmpty()) {
                        send("AUTH", handshake.password());
                    } else {
                        send("AUTH", handshake.user(), handshake.password());
                    }
                    state = State.AUTH;
                } else {
                    state = State.PORT;
                }
                send("REPLCONF", "listening-port", Integer.toString(handshake.listeningPort()));
                send("REPLCONF", "capa", "eof", "capa", "psync2");
            }
            case AUTH -> {
                if (line.startsWith("-")) {
                    fail("Unable to AUTH to MASTER: " + line);
                    return false;
                }
                state = State.PORT;
            }
            case PORT -> state = State.CAPA; // an error is not fatal (Redis only logs it)
            case CAPA -> {
                send("PSYNC", handshake.replid(), Long.toString(handshake.offset() + 1));
                state = State.PSYNC;
            }
            case PSYNC -> {
                if (line.isEmpty()) {
                    return true; // a newline keep-alive while the master prepares
                }
                if (line.startsWith("+FULLRESYNC")) {
                    String[] p = line.split(" ");
                    if (p.length < 3 || !isLong(p[2])) {
                        fail("bad FULLRESYNC reply: '" + line + "'");
                        return false;
                    }
                    syncReplid = p[1];
                    syncOffset = Long.parseLong(p[2]);
                    state = State.RDB_HEADER;
                    listener.fullResync(syncReplid, syncOffset);
                } else if (line.startsWith("+CONTINUE")) {
                    String id = line.length() > "+CONTINUE ".length() ? line.substring("+CONTINUE ".length()).trim()
                            : null;
                    state = State.STREAMING;
                    listener.continued(id == null || id.isEmpty() ? null : id);
                } else {
                    fail("Unexpected reply to PSYNC from master: '" + line + "'");
                    return false;
                }
            }
            case RDB_HEADER -> {
                if (line.isEmpty()) {
                    return true; // keep-alive
                }
                if (line.startsWith("-")) {
                    fail("MASTER aborted replication with an error: " + line);
                    return false;
                }
                if (!line.startsWith("$")) {
                    fail("Bad protocol from MASTER, the first byte is not '$' (we received '" + line + "')");
                    return false;
                }
                try {
                    if (line.startsWith("$EOF:")) {
                        byte[] mark = line.substring(5).getBytes(StandardCharsets.US_ASCII);
                        if (mark.length != 40) {
                            fail("bad EOF mark '" + line + "'");
                            return false;
                        }
                        eofMark = mark;
                    } else {
                        eofMark = null;
                        rdbRemaining = Long.parseLong(line.substring(1));
                    }
                    Files.createDirectories(handshake.rdbDir());
                    // ".tmp": a start deletes what an interrupted transfer left (see SnapshotFiles).
                    rdbFile = handshake.rdbDir().resolve("replica-sync-" + System.currentTimeMillis() + ".rdb.tmp");
                    rdbOut = FileChannel.open(rdbFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                            StandardOpenOption.TRUNCATE_EXISTING);
                    rdbReceivedBytes = 0;
                } catch (IOException | NumberFormatException e) {
                    fail("cannot receive the RDB: " + e.getMessage());
                    return false;
                }
                state = State.RDB_BODY;
            }
            default -> throw new IllegalStateException(state.name());
        }
        return true;
    }

    /** Writes RDB bytes to the file; at its end hands the file over and pauses reading. */
    private boolean rdbBody() throws IOException {
        if (have == 0) {
            return false;
        }
        if (eofMark == null) {
            int n = (int) Math.min(have, rdbRemaining);
            write(0, n);
            consume(n);
            rdbRemaining -= n;
            if (rdbRemaining > 0) {
                return false;
            }
        } else {
            // The mark is 40 random hex characters: finding it inside the RDB is not a practical risk.
            // (A Relog master streams right after it, so it need not be the last bytes read.)
            int at = indexOf(eofMark, 0, have);
            if (at < 0) {
                int keep = Math.min(have, eofMark.length - 1);
                write(0, have - keep);
                consume(have - keep);
                return false;
            }
            write(0, at);
            consume(at + eofMark.length);
        }
        rdbOut.force(true);
        closeRdb(false);
        state = State.LOADING;
        ctx.channel().config().setAutoRead(false);
        Path file = rdbFile;
        rdbFile = null;
        listener.rdbReceived(file, syncReplid, syncOffset);
        return true;
    }

    private void write(int off, int len) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(buf, off, len);
        while (b.hasRemaining()) {
            rdbOut.write(b);
        }
        rdbReceivedBytes += len;
    }

    private void closeRdb(boolean delete) {
        if (rdbOut != null) {
            try {
                rdbOut.close();
            } catch (IOException ignored) {
                // nothing more to do with it
            }
            rdbOut = null;
        }
        if (delete && rdbFile != null) {
            try {
                Files.deleteIfExists(rdbFile);
            } catch (IOException ignored) {
                // a temp file; removed at the next start
            }
            rdbFile = null;
        }
    }

    /**
     * Frames whole commands and hands them over: their arguments copied out of the network buffer
     * (the one copy the engine needs, as it keeps values), their bytes as a slice of it, which the
     * consumer writes to its log from there. What follows the last whole command stays pending.
     */
    private boolean stream() throws MalformedCommandException {
        if (inactive) {
            return false;
        }
        if (have > 0) {
            // Stream bytes that came in one read with the end of the handshake or of the RDB.
            ByteBuf early = ctx.alloc().buffer(have);
            early.writeBytes(buf, 0, have);
            have = 0;
            buf = new byte[0]; // not needed again on this link
            cumulate(early);
        }
        ByteBuf c = cumulation;
        if (c == null) {
            return false;
        }
        int readable = c.readableBytes();
        java.nio.ByteBuffer view = c.nioBuffer(c.readerIndex(), readable);
        int p = 0;
        List<byte[][]> cmds = new ArrayList<>();
        int[] lengths = new int[16];
        while (p < readable) {
            RespCommands.Parsed cmd = RespCommands.parse(view, p, readable);
            if (cmd == null) {
                break;
            }
            if (cmds.size() == lengths.length) {
                lengths = Arrays.copyOf(lengths, lengths.length * 2);
            }
            lengths[cmds.size()] = cmd.length();
            cmds.add(cmd.argv());
            p += cmd.length();
        }
        if (p > 0) {
            ByteBuf bytes = c.readRetainedSlice(p);
            if (unappliedBytes.addAndGet(p) > MAX_UNAPPLIED_BYTES && !throttled) {
                throttled = true;
                ctx.channel().config().setAutoRead(false);
            }
            listener.stream(new StreamChunk(bytes, cmds, Arrays.copyOf(lengths, cmds.size())));
        }
        return false;
    }

    // ------------------------------------------------------------------------------ helpers

    private void fail(String reason) {
        if (state == State.FAILED) {
            return;
        }
        state = State.FAILED;
        closeRdb(true);
        releaseCumulation();
        listener.failed(reason);
        if (ctx != null) {
            ctx.close();
        }
    }

    private void send(String... args) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(RespCommands.encode(args)), ctx.voidPromise());
    }

    private void ensure(int more) {
        if (have + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(have + more, buf.length * 2));
        }
    }

    private void consume(int n) {
        System.arraycopy(buf, n, buf, 0, have - n);
        have -= n;
        if (have == 0 && buf.length > 1 << 20) {
            buf = new byte[16 * 1024];
        }
    }

    private int indexOf(byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private int indexOf(byte[] needle, int from, int to) {
        outer:
        for (int i = from; i + needle.length <= to; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (buf[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static boolean isLong(String s) {
        try {
            Long.parseLong(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
