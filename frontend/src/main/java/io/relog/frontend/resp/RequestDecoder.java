package io.relog.frontend.resp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.FastThreadLocal;
import io.relog.frontend.config.ServerConfig;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frames client requests: bytes in, one {@code byte[][]} argv per command out, in order.
 *
 * <p>Accepts what Redis 7.0 accepts — RESP multibulk ({@code *N $len ...}), inline commands
 * (a line split like {@code sdssplitargs}), any number of requests per read (pipelining) — and
 * refuses what it refuses with the same texts. A refusal emits one {@link ProtocolError} after
 * the commands already framed and then discards all further input: the connection handler
 * answers the error and closes. Declared lengths never size an allocation: the cumulation grows
 * only as bytes arrive, and an argument's array is allocated once all its bytes are here.
 *
 * <p>Limits: {@code proto-max-bulk-len} per bulk; 64 KiB for an inline line or a count line
 * (Redis' {@code PROTO_INLINE_MAX_SIZE}); for a client that has not authenticated while a
 * password is required, 10 arguments and 16384 bytes per bulk; {@code client-query-buffer-limit}
 * for the unparsed input of one client, past which it is closed without a reply (as Redis does).
 *
 * <p>One instance per channel; runs on that channel's event loop.
 */
public final class RequestDecoder extends ByteToMessageDecoder {

    private static final Logger log = LoggerFactory.getLogger(RequestDecoder.class);

    /** Redis' PROTO_INLINE_MAX_SIZE. */
    static final int INLINE_MAX = 64 * 1024;
    static final int UNAUTH_MAX_ARGS = 10;
    static final int UNAUTH_MAX_BULK = 16384;

    private final ServerConfig config;
    private final BooleanSupplier authRequired;
    private final LongAdder inputBytes;

    // Progress through a multibulk request that has not fully arrived.
    private byte[][] args;
    private int argCount;
    private int argsExpected;
    private long bulkLen = -1;
    private boolean failed;

    /**
     * @param config       read for {@code proto-max-bulk-len} and {@code client-query-buffer-limit}
     * @param authRequired whether this client must still authenticate (tightens the limits)
     */
    public RequestDecoder(ServerConfig config, BooleanSupplier authRequired) {
        this(config, authRequired, new LongAdder());
    }

    /** @param inputBytes counts every byte received, for {@code total_net_input_bytes} */
    public RequestDecoder(ServerConfig config, BooleanSupplier authRequired, LongAdder inputBytes) {
        this.config = config;
        this.authRequired = authRequired;
        this.inputBytes = inputBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf b) {
            inputBytes.add(b.readableBytes());
        }
        super.channelRead(ctx, msg);
        ByteBuf q = internalBuffer();
        queryBufferBytes = q.readableBytes();
        queryBufferFree = q.writableBytes();
    }

    // The unparsed input after the last read (CLIENT LIST qbuf and qbuf-free); written on the
    // channel's event loop, read by the engine thread.
    private volatile int queryBufferBytes;
    private volatile int queryBufferFree;

    /** Bytes received and not yet framed into a command (Redis' {@code qbuf}). Any thread. */
    public int queryBufferBytes() {
        return queryBufferBytes;
    }

    /** Room left in the buffer that holds them before it must grow ({@code qbuf-free}). Any thread. */
    public int queryBufferFree() {
        return queryBufferFree;
    }

    /**
     * Where requests are parsed: a copy of the start of the unparsed input. Parsing a plain
     * {@code byte[]} costs two buffer calls per read instead of several per argument (which matters
     * doubly under leak detection, where each buffer call records a trace). Shared by all the
     * decoders of one event loop, which run one at a time; nothing in it outlives a decode call.
     */
    private static final FastThreadLocal<byte[]> WINDOW = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[WINDOW_SIZE];
        }
    };
    static final int WINDOW_SIZE = 2 * INLINE_MAX;

    // The window of the current decode call: w[0, wlen) holds in[base, base + wlen).
    private byte[] w;
    private int wlen;
    private int pos;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() > config.clientQueryBufferLimit()) {
            log.warn("Closing client that reached max query buffer length: {} (qbuf={})",
                    ctx.channel().remoteAddress(), in.readableBytes());
            failed = true;
            in.skipBytes(in.readableBytes());
            ctx.close();
            return;
        }
        w = WINDOW.get();
        try {
            while (in.isReadable()) {
                int base = in.readerIndex();
                wlen = Math.min(in.readableBytes(), w.length);
                boolean everything = wlen == in.readableBytes();
                in.getBytes(base, w, 0, wlen);
                pos = 0;
                boolean needMore = parseWindow(in, base, out);
                if (failed) {
                    in.skipBytes(in.readableBytes());
                    return;
                }
                in.readerIndex(base + pos);
                if (needMore && (everything || pos == 0)) {
                    return; // the next element is incomplete: wait for more bytes
                }
            }
        } finally {
            w = null;
        }
    }

    /**
     * Parses requests from the window. Returns true when it stopped because the next element is
     * incomplete in the window (more bytes are needed, or the window must be refilled from
     * {@code pos}); {@code pos} may pass {@code wlen} when a bulk was read straight from {@code in}.
     */
    private boolean parseWindow(ByteBuf in, int base, List<Object> out) {
        while (true) {
            if (failed) {
                return false;
            }
            if (args == null) {
                if (pos >= wlen) {
                    return true;
                }
                boolean ok = w[pos] == '*' ? multibulkHeader(out) : inline(out);
                if (!ok) {
                    return true;
                }
            } else if (!bulks(in, base, out)) {
                return true;
            }
            if (pos > wlen) {
                return false; // consumed past the window: refill
            }
        }
    }

    private void fail(List<Object> out, String text) {
        out.add(new ProtocolError("ERR Protocol error: " + text));
        failed = true;
        args = null;
    }

    private int indexOf(byte b) {
        for (int i = pos; i < wlen; i++) {
            if (w[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** One inline line; false when the line is not complete in the window. */
    private boolean inline(List<Object> out) {
        int lf = indexOf((byte) '\n');
        if (lf < 0) {
            if (wlen - pos > INLINE_MAX) {
                fail(out, "too big inline request");
            }
            return false;
        }
        int end = lf;
        if (end > pos && w[end - 1] == '\r') {
            end--;
        }
        List<byte[]> parts = InlineArgs.split(w, pos, end);
        pos = lf + 1;
        if (parts == null) {
            fail(out, "unbalanced quotes in request");
            return true;
        }
        if (!parts.isEmpty()) {
            out.add(parts.toArray(new byte[0][]));
        }
        return true;
    }

    /** The {@code *N} line; false when not complete in the window. */
    private boolean multibulkHeader(List<Object> out) {
        int cr = indexOf((byte) '\r');
        if (cr < 0 || cr + 1 >= wlen) {
            if (wlen - pos > INLINE_MAX) {
                fail(out, "too big mbulk count string");
            }
            return false;
        }
        long n = parseCanonicalLong(w, pos + 1, cr);
        pos = cr + 2;
        if (n == Long.MIN_VALUE || n > Integer.MAX_VALUE) {
            fail(out, "invalid multibulk length");
            return true;
        }
        if (n > UNAUTH_MAX_ARGS && authRequired.getAsBoolean()) {
            fail(out, "unauthenticated multibulk length");
            return true;
        }
        if (n <= 0) {
            return true; // "*0" and "*-1" are empty requests, skipped
        }
        argsExpected = (int) n;
        args = new byte[(int) Math.min(n, 1024)][];
        argCount = 0;
        bulkLen = -1;
        return true;
    }

    /**
     * As many {@code $len data} pairs of the current request as are here; false when one is
     * incomplete. A bulk larger than what the window holds is read straight from {@code in}.
     */
    private boolean bulks(ByteBuf in, int base, List<Object> out) {
        while (argCount < argsExpected) {
            if (pos > wlen) {
                return true; // a bulk was read past the window: the caller refills it
            }
            if (bulkLen < 0) {
                int cr = indexOf((byte) '\r');
                if (cr < 0 || cr + 1 >= wlen) {
                    if (wlen - pos > INLINE_MAX) {
                        fail(out, "too big bulk count string");
                    }
                    return false;
                }
                if (w[pos] != '$') {
                    fail(out, "expected '$', got '" + (char) (w[pos] & 0xff) + "'");
                    return true;
                }
                long n = parseCanonicalLong(w, pos + 1, cr);
                pos = cr + 2;
                if (n == Long.MIN_VALUE || n < 0 || n > config.protoMaxBulkLen()) {
                    fail(out, "invalid bulk length");
                    return true;
                }
                if (n > UNAUTH_MAX_BULK && authRequired.getAsBoolean()) {
                    fail(out, "unauthenticated bulk length");
                    return true;
                }
                if (n > Integer.MAX_VALUE - 16) {
                    fail(out, "invalid bulk length"); // cannot be held in one Java array
                    return true;
                }
                bulkLen = n;
            }
            int len = (int) bulkLen;
            byte[] arg;
            if (pos + len + 2 <= wlen) {
                arg = Arrays.copyOfRange(w, pos, pos + len);
            } else if ((long) base + pos + len + 2 <= in.writerIndex()) {
                arg = new byte[len];
                in.getBytes(base + pos, arg);
            } else {
                return false;
            }
            pos += len + 2; // Redis takes the two bytes after the data as CRLF without looking
            bulkLen = -1;
            if (argCount == args.length) {
                args = Arrays.copyOf(args, (int) Math.min((long) args.length * 2, argsExpected));
            }
            args[argCount++] = arg;
        }
        byte[][] argv = argCount == args.length ? args : Arrays.copyOf(args, argCount);
        args = null;
        out.add(argv);
        return true;
    }

    /**
     * Parses {@code b[from, to)} as Redis' {@code string2ll} does (optional '-', no leading zeros
     * or '+', at most 20 characters). Returns {@link Long#MIN_VALUE} when it is not such a number.
     */
    static long parseCanonicalLong(byte[] b, int from, int to) {
        int len = to - from;
        if (len <= 0 || len > 20) {
            return Long.MIN_VALUE;
        }
        int i = from;
        boolean neg = false;
        if (b[i] == '-') {
            neg = true;
            i++;
            if (i == to) {
                return Long.MIN_VALUE;
            }
        }
        if (b[i] == '0') {
            return (i + 1 == to && !neg) ? 0 : Long.MIN_VALUE;
        }
        long v = 0;
        for (; i < to; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return Long.MIN_VALUE;
            }
            if (v > (Long.MAX_VALUE - d) / 10) {
                return Long.MIN_VALUE;
            }
            v = v * 10 + d;
        }
        return neg ? -v : v;
    }
}
