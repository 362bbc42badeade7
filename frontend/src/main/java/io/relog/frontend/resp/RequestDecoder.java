package io.relog.frontend.resp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.relog.frontend.config.ServerConfig;
import java.util.Arrays;
import java.util.List;
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
        this.config = config;
        this.authRequired = authRequired;
    }

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
        while (in.isReadable()) {
            boolean progressed;
            if (args == null) {
                progressed = in.getByte(in.readerIndex()) == '*' ? multibulkHeader(in, out) : inline(in, out);
            } else {
                progressed = bulks(in, out);
            }
            if (failed) {
                in.skipBytes(in.readableBytes());
                return;
            }
            if (!progressed) {
                return;
            }
        }
    }

    private void fail(List<Object> out, String text) {
        out.add(new ProtocolError("ERR Protocol error: " + text));
        failed = true;
        args = null;
    }

    /** One inline line; returns false when the line is not complete yet. */
    private boolean inline(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int lf = in.indexOf(start, in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            if (in.readableBytes() > INLINE_MAX) {
                fail(out, "too big inline request");
            }
            return false;
        }
        int end = lf;
        if (end > start && in.getByte(end - 1) == '\r') {
            end--;
        }
        byte[] line = new byte[end - start];
        in.getBytes(start, line);
        in.readerIndex(lf + 1);
        List<byte[]> parts = InlineArgs.split(line, 0, line.length);
        if (parts == null) {
            fail(out, "unbalanced quotes in request");
            return true;
        }
        if (!parts.isEmpty()) {
            out.add(parts.toArray(new byte[0][]));
        }
        return true;
    }

    /** The {@code *N} line; returns false when not complete yet. */
    private boolean multibulkHeader(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int cr = in.indexOf(start, in.writerIndex(), (byte) '\r');
        if (cr < 0 || cr + 1 >= in.writerIndex()) {
            if (in.readableBytes() > INLINE_MAX) {
                fail(out, "too big mbulk count string");
            }
            return false;
        }
        long n = parseCanonicalLong(in, start + 1, cr);
        in.readerIndex(cr + 2);
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

    /** As many {@code $len data} pairs of the current request as have arrived. */
    private boolean bulks(ByteBuf in, List<Object> out) {
        boolean progressed = false;
        while (argCount < argsExpected) {
            if (bulkLen < 0) {
                int start = in.readerIndex();
                int cr = in.indexOf(start, in.writerIndex(), (byte) '\r');
                if (cr < 0 || cr + 1 >= in.writerIndex()) {
                    if (in.readableBytes() > INLINE_MAX) {
                        fail(out, "too big bulk count string");
                    }
                    return progressed;
                }
                byte first = in.getByte(start);
                if (first != '$') {
                    fail(out, "expected '$', got '" + (char) (first & 0xff) + "'");
                    return true;
                }
                long n = parseCanonicalLong(in, start + 1, cr);
                in.readerIndex(cr + 2);
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
                progressed = true;
            }
            if (in.readableBytes() < bulkLen + 2) {
                return progressed;
            }
            byte[] arg = new byte[(int) bulkLen];
            in.readBytes(arg);
            in.skipBytes(2); // Redis takes the two bytes after the data as CRLF without looking
            bulkLen = -1;
            if (argCount == args.length) {
                args = Arrays.copyOf(args, (int) Math.min((long) args.length * 2, argsExpected));
            }
            args[argCount++] = arg;
            progressed = true;
        }
        byte[][] argv = argCount == args.length ? args : Arrays.copyOf(args, argCount);
        args = null;
        out.add(argv);
        return true;
    }

    /**
     * Parses {@code in[from, to)} as Redis' {@code string2ll} does (optional '-', no leading zeros
     * or '+', at most 20 characters). Returns {@link Long#MIN_VALUE} when it is not such a number.
     */
    static long parseCanonicalLong(ByteBuf in, int from, int to) {
        int len = to - from;
        if (len <= 0 || len > 20) {
            return Long.MIN_VALUE;
        }
        int i = from;
        boolean neg = false;
        if (in.getByte(i) == '-') {
            neg = true;
            i++;
            if (i == to) {
                return Long.MIN_VALUE;
            }
        }
        byte c = in.getByte(i);
        if (c == '0') {
            return (i + 1 == to && !neg) ? 0 : Long.MIN_VALUE;
        }
        long v = 0;
        for (; i < to; i++) {
            int d = in.getByte(i) - '0';
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
