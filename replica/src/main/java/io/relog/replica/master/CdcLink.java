package io.relog.replica.master;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.DefaultFileRegion;
import io.relog.log.CommandLog;
import io.relog.log.LogBatchReader;
import io.relog.log.OffsetOutOfRangeException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One change-feed (CDC) reader connected over the PSYNC protocol: the server's end of its link,
 * which serves it the log from its offset with the annotations described in the package page
 * ({@code #relog <offset> <timestamp-ms> <db> <tx>} before each batch).
 *
 * <p><b>Bounded memory.</b> A reader may be slow or stop reading while the log grows by
 * gigabytes; the link must never buffer the difference. It hands the channel at most
 * {@link #MAX_IN_FLIGHT} bytes not yet written to the socket (annotations, copied small batches
 * and sendfile regions alike, counted by the link itself because Netty counts a file region as
 * zero bytes against the channel's writability), and reads the next batches from the log files
 * only when the socket has taken those. Batches of at least {@link #ZERO_COPY_BYTES} go by
 * {@code sendfile} ({@link DefaultFileRegion}) unless the connection is TLS; smaller ones are copied, many at a time with their
 * annotations, into one buffer of at most {@link #COPY_CHUNK} bytes — one write instead of two
 * system calls per small batch.
 *
 * <p>A reader sends nothing back: no {@code REPLCONF ACK}, so no timeout by acknowledgement, and
 * it never counts for {@code WAIT} or {@code min-replicas-to-write}.
 *
 * <p>All of the link's work runs on its channel's event loop; {@link #logGrew} may be called from
 * any thread.
 */
public final class CdcLink {

    private static final Logger log = LoggerFactory.getLogger(CdcLink.class);
    /** Bytes handed to the channel and not yet written to the socket, at most. */
    public static final long MAX_IN_FLIGHT = 1L << 20;
    /** A batch at least this big is sent by sendfile; smaller ones are copied. */
    static final int ZERO_COPY_BYTES = 64 * 1024;

    /** Whether large batches may go by sendfile: not through TLS. */
    private final boolean zeroCopy;
    /** Bytes of small batches (with their annotations) copied into one buffer at most. */
    static final int COPY_CHUNK = 256 * 1024;

    private final Channel channel;
    private final CommandLog commandLog;
    private final long id;
    private final String ip;
    private final int port;
    private LogBatchReader reader;
    /** The first slice, read before {@code +CONTINUE} to validate the start; sent first. */
    private LogBatchReader.BatchSlice first;
    private final AtomicBoolean pumpScheduled = new AtomicBoolean();
    private volatile boolean online;
    private volatile boolean closed;
    /** Bytes handed to the channel, not yet written. Event loop. */
    private long inFlight;
    /** The last pump stopped at the in-flight bound: the next completed write below half of it pumps again. */
    private boolean stalled;
    private volatile long maxInFlightSeen;
    private volatile long sentOffset = -1;
    private volatile long caughtUpMs = System.currentTimeMillis();

    /**
     * @param id   client id of the reader's connection
     * @param ip   the reader's address as this server sees it
     * @param port the reader's port as this server sees it
     */
    public CdcLink(Channel channel, CommandLog commandLog, long id, String ip, int port) {
        this.channel = channel;
        // sendfile cannot encrypt: on a TLS connection (tls-port) every batch is copied.
        this.zeroCopy = channel.pipeline().get(io.netty.handler.ssl.SslHandler.class) == null;
        this.commandLog = commandLog;
        this.id = id;
        this.ip = ip;
        this.port = port;
        channel.closeFuture().addListener(f -> close());
    }

    public long id() {
        return id;
    }

    public String ip() {
        return ip;
    }

    public int port() {
        return port;
    }

    public Channel channel() {
        return channel;
    }

    public boolean isClosed() {
        return closed;
    }

    /** The log offset up to which the link has handed the log to the socket (-1 before it started). */
    public long sentOffset() {
        return sentOffset;
    }

    /** The most bytes the link had handed to the channel and not yet written at once (tests, INFO). */
    public long maxInFlight() {
        return maxInFlightSeen;
    }

    /**
     * Seconds since the link last had sent everything readers may see: 0 while it keeps up; grows
     * while the reader is behind.
     */
    public long lagSeconds(long nowMs) {
        if (sentOffset >= commandLog.readerLimit()) {
            return 0;
        }
        return Math.max(0, nowMs - caughtUpMs) / 1000;
    }

    /**
     * Answers the reader's {@code PSYNC}: validates that log offset {@code offset} is retained and
     * a command boundary, then replies {@code +CONTINUE <replid>} and streams from it; otherwise
     * replies an error ({@code -TRIMMED ...} naming the earliest available offset when retention
     * removed it) and closes the connection. Any thread.
     */
    public void start(String replid, long offset) {
        channel.eventLoop().execute(() -> {
            if (closed) {
                return;
            }
            try {
                reader = commandLog.openBatchReader(offset);
                first = reader.next(); // checks the start is a command boundary
            } catch (OffsetOutOfRangeException e) {
                refuse(e.requested() < e.startOffset()
                        ? "TRIMMED offset " + e.requested() + " is no longer retained; the earliest available offset is "
                                + e.startOffset()
                        : "ERR offset " + e.requested() + " is beyond the log end offset " + e.endOffset());
                return;
            } catch (IOException e) {
                refuse("ERR " + e.getMessage());
                return;
            }
            log.info("CDC reader {}:{} reads the log from offset {}", ip, port, offset);
            channel.write(Unpooled.copiedBuffer("+CONTINUE " + replid + "\r\n", StandardCharsets.US_ASCII));
            sentOffset = offset;
            online = true;
            pump();
            channel.flush();
        });
    }

    private void refuse(String error) {
        log.info("CDC reader {}:{} refused: {}", ip, port, error);
        channel.writeAndFlush(Unpooled.copiedBuffer("-" + error + "\r\n", StandardCharsets.US_ASCII))
                .addListener(ChannelFutureListener.CLOSE);
        closeReader();
    }

    /** The log has grown (or become durable further): sends the new bytes. Any thread; cheap. */
    public void logGrew() {
        if (online && !closed && pumpScheduled.compareAndSet(false, true)) {
            channel.eventLoop().execute(() -> {
                pumpScheduled.set(false);
                pump();
            });
        }
    }

    /** The socket can take more again. Event loop. */
    public void writable() {
        if (online) {
            pump();
        }
    }

    /** The annotation line that precedes a slice's bytes. */
    static byte[] annotation(LogBatchReader.BatchSlice s) {
        return ("#relog " + s.offset() + " " + s.timestampMs() + " " + s.db() + " " + s.transactionStart() + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Sends batches while the socket and the in-flight bound allow. Event loop. */
    private void pump() {
        if (closed || reader == null) {
            return;
        }
        ByteBuf copy = null;
        boolean wrote = false;
        try {
            while (inFlight < MAX_IN_FLIGHT && channel.isWritable()) {
                LogBatchReader.BatchSlice s = first != null ? first : reader.next();
                first = null;
                if (s == null) {
                    caughtUpMs = System.currentTimeMillis();
                    break;
                }
                byte[] ann = annotation(s);
                if (zeroCopy && s.length() >= ZERO_COPY_BYTES) {
                    if (copy != null) {
                        send(copy, copy.readableBytes());
                        copy = null;
                    }
                    send(Unpooled.wrappedBuffer(ann), ann.length);
                    FileChannel own = FileChannel.open(s.file(), StandardOpenOption.READ); // the region closes it
                    send(new DefaultFileRegion(own, s.filePosition(), s.length()), s.length());
                } else {
                    if (copy != null && copy.writableBytes() < ann.length + s.length()) {
                        send(copy, copy.readableBytes());
                        copy = null;
                    }
                    if (copy == null) {
                        copy = channel.alloc().directBuffer(Math.max(COPY_CHUNK, ann.length + s.length()));
                    }
                    copy.writeBytes(ann);
                    int done = 0;
                    while (done < s.length()) {
                        int n = copy.writeBytes(s.channel(), s.filePosition() + done, s.length() - done);
                        if (n < 0) {
                            throw new IOException("unexpected end of " + s.file());
                        }
                        done += n;
                    }
                    if (inFlight + copy.readableBytes() >= MAX_IN_FLIGHT) {
                        send(copy, copy.readableBytes());
                        copy = null;
                    }
                }
                wrote = true;
                sentOffset = s.endOffset();
            }
            if (copy != null) {
                send(copy, copy.readableBytes());
                copy = null;
            }
            stalled = inFlight >= MAX_IN_FLIGHT;
        } catch (OffsetOutOfRangeException e) {
            log.warn("CDC reader {}:{}: {}", ip, port, e.getMessage());
            channel.close();
        } catch (IOException e) {
            log.warn("CDC reader {}:{}: cannot read the log: {}", ip, port, e.getMessage());
            channel.close();
        } finally {
            if (copy != null) {
                copy.release();
            }
        }
        if (wrote) {
            channel.flush();
        }
    }

    private void send(Object msg, long bytes) {
        inFlight += bytes;
        if (inFlight > maxInFlightSeen) {
            maxInFlightSeen = inFlight;
        }
        channel.write(msg).addListener((ChannelFutureListener) f -> {
            inFlight -= bytes;
            if (!f.isSuccess()) {
                channel.close();
            } else if (stalled && inFlight < MAX_IN_FLIGHT / 2) {
                stalled = false;
                pump();
            }
        });
    }

    private void close() {
        closed = true;
        if (channel.eventLoop().inEventLoop()) {
            closeReader();
        } else {
            channel.eventLoop().execute(this::closeReader);
        }
    }

    private void closeReader() {
        if (reader != null) {
            try {
                reader.close();
            } catch (IOException ignored) {
                // nothing to do
            }
            reader = null;
        }
    }
}
