package io.relog.replica.master;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.ssl.SslHandler;
import io.relog.log.CommandLog;
import io.relog.log.LogReader;
import io.relog.log.LogRegion;
import io.relog.log.OffsetOutOfRangeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica connected to this server: the master's end of the link, which serves the replica
 * the log from its offset.
 *
 * <p><b>Why the log is sent from the files.</b> The segment files hold exactly the bytes the
 * replica must receive, so the link needs no copy of the stream in memory: it keeps a
 * {@link LogReader} at the replica's position and, whenever the socket can take more, sends the
 * next range of the file with {@code sendfile} ({@link DefaultFileRegion}), up to what the log
 * lets readers see (under {@code appendfsync always} only what is fsynced, so a replica never
 * holds a write the master could lose). A replica far behind reads from disk at its own pace; a
 * slow one holds no server memory beyond the socket's buffer.
 *
 * <p><b>The live tail comes from memory.</b> A replica that is up to date gets each batch the
 * engine appends as the bytes the engine just wrote, with one write ({@link #tail}), when its
 * reader stands exactly at the batch's offset and the socket is writable; anything else (behind,
 * congested, {@code appendfsync always}) goes through the files as above. The reader's position
 * decides, on the event loop, so the two paths never send a byte twice or out of order.
 *
 * <p><b>Over TLS the bytes are copied.</b> Encryption needs the bytes in memory, so on a TLS
 * connection (an {@code SslHandler} in the pipeline, from {@code tls-port}) the snapshot and the log
 * are read into buffers of {@value #COPY_CHUNK_BYTES} bytes, one after the other while the channel
 * is writable, as Kafka's {@code SslTransportLayer} does: the memory a link holds stays bounded by
 * the channel's high water mark plus one chunk, and a slow replica still only slows its own reads.
 *
 * <p>All of the link's work runs on its channel's event loop; {@link #logGrew} may be called from
 * any thread.
 */
public final class ReplicaLink {

    private static final Logger log = LoggerFactory.getLogger(ReplicaLink.class);
    /** Bytes one sendfile region covers at most. */
    private static final long REGION_BYTES = 4L * 1024 * 1024;
    /** Bytes read into one buffer when the connection encrypts (no sendfile through TLS). */
    static final int COPY_CHUNK_BYTES = 64 * 1024;

    /** Where the replica is in its sync, as INFO reports it. */
    public enum State {
        /** Full sync: waiting for the snapshot to send ({@code wait_bgsave}). */
        WAIT_BGSAVE("wait_bgsave"),
        /** Full sync: sending the snapshot ({@code send_bulk}). */
        SEND_BULK("send_bulk"),
        /** Streaming the log ({@code online}). */
        ONLINE("online");

        private final String info;

        State(String info) {
            this.info = info;
        }

        public String info() {
            return info;
        }
    }

    private final Channel channel;
    private final CommandLog commandLog;
    private final long id;
    private final String ip;
    private volatile int listeningPort;
    private volatile boolean capaEof;
    private volatile boolean capaPsync2;
    private volatile State state = State.WAIT_BGSAVE;
    private volatile long ackOffset;
    private volatile long ackTimeMs = System.currentTimeMillis();
    private LogReader reader;
    private final AtomicBoolean pumpScheduled = new AtomicBoolean();
    private volatile boolean closed;
    /** Whether the connection is TLS: the bytes go through memory, not sendfile. */
    private final boolean copying;
    /** A full sync over TLS: the snapshot file being copied, its next position and its end. Event loop. */
    private java.nio.channels.FileChannel bulkFile;
    private long bulkPosition;
    private long bulkEnd;
    private Runnable bulkDone;

    /**
     * @param id the client id of the replica's connection
     * @param ip the replica's address as this server sees it
     */
    public ReplicaLink(Channel channel, CommandLog commandLog, long id, String ip) {
        this.channel = channel;
        this.commandLog = commandLog;
        this.id = id;
        this.ip = ip;
        this.copying = channel.pipeline().get(SslHandler.class) != null;
        channel.closeFuture().addListener(f -> close());
    }

    public long id() {
        return id;
    }

    public String ip() {
        return ip;
    }

    public Channel channel() {
        return channel;
    }

    public int listeningPort() {
        return listeningPort;
    }

    public void listeningPort(int port) {
        this.listeningPort = port;
    }

    /** Records a {@code REPLCONF capa} the replica announced ({@code eof}, {@code psync2}; others ignored). */
    public void capa(String capa) {
        if (capa.equalsIgnoreCase("eof")) {
            capaEof = true;
        } else if (capa.equalsIgnoreCase("psync2")) {
            capaPsync2 = true;
        }
    }

    public boolean capaEof() {
        return capaEof;
    }

    public boolean capaPsync2() {
        return capaPsync2;
    }

    public State state() {
        return state;
    }

    /** The offset the replica last acknowledged ({@code REPLCONF ACK}). */
    public long ackOffset() {
        return ackOffset;
    }

    /** Unix ms of the last {@code REPLCONF ACK}. */
    public long ackTimeMs() {
        return ackTimeMs;
    }

    /** {@code REPLCONF ACK <offset>}. Any thread. */
    public void ack(long offset, long nowMs) {
        if (offset > ackOffset) {
            ackOffset = offset;
        }
        ackTimeMs = nowMs;
    }

    public boolean isClosed() {
        return closed;
    }

    // ------------------------------------------------------------------------------ starting

    /**
     * Answers a continuable PSYNC: {@code +CONTINUE <replid>} (bare {@code +CONTINUE} for a
     * replica without {@code capa psync2}), then the log from {@code offset}. Any thread.
     */
    public void startContinue(String replid, long offset) {
        channel.eventLoop().execute(() -> {
            String line = capaPsync2 ? "+CONTINUE " + replid + "\r\n" : "+CONTINUE\r\n";
            // Flushed on its own: with nothing to send from the log yet (a replica exactly at the
            // end, as after a failover), the reply would otherwise wait for the next write or PING.
            channel.writeAndFlush(Unpooled.copiedBuffer(line, StandardCharsets.US_ASCII));
            goOnline(offset);
        });
    }

    /**
     * A full sync is waiting for its snapshot: sends a newline every second, as Redis does while
     * it prepares the RDB, so the replica's read timeout does not fire. Any thread.
     */
    public void awaitSnapshot() {
        state = State.WAIT_BGSAVE;
        channel.eventLoop().execute(this::keepaliveNewline);
    }

    private void keepaliveNewline() {
        if (closed || state != State.WAIT_BGSAVE) {
            return;
        }
        channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'\n'}));
        channel.eventLoop().schedule(this::keepaliveNewline, 1, TimeUnit.SECONDS);
    }

    /**
     * Sends {@code +FULLRESYNC <replid> <offset>}, the snapshot {@code rdb} (taken at log offset
     * {@code offset}) in the disk form {@code $<len>\r\n<bytes>} or, for a replica with
     * {@code capa eof} when {@code diskless}, the form {@code $EOF:<40 chars>\r\n<bytes><same 40>},
     * then the log from {@code offset}. Any thread.
     */
    public void sendSnapshot(String replid, long offset, Path rdb, long rdbBytes, boolean diskless) {
        channel.eventLoop().execute(() -> {
            if (closed) {
                return;
            }
            state = State.SEND_BULK;
            if (replid != null) { // null: legacy SYNC, which gets the RDB without a preamble
                channel.write(Unpooled.copiedBuffer("+FULLRESYNC " + replid + " " + offset + "\r\n",
                        StandardCharsets.US_ASCII));
            }
            byte[] mark = null;
            if (diskless && capaEof) {
                byte[] random = new byte[20];
                ThreadLocalRandom.current().nextBytes(random);
                mark = HexFormat.of().formatHex(random).getBytes(StandardCharsets.US_ASCII);
                ByteBuf head = Unpooled.buffer(48);
                head.writeBytes("$EOF:".getBytes(StandardCharsets.US_ASCII)).writeBytes(mark)
                        .writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
                channel.write(head);
            } else {
                channel.write(Unpooled.copiedBuffer("$" + rdbBytes + "\r\n", StandardCharsets.US_ASCII));
            }
            byte[] eofMark = mark;
            if (copying) {
                try {
                    bulkFile = java.nio.channels.FileChannel.open(rdb, java.nio.file.StandardOpenOption.READ);
                } catch (IOException e) {
                    log.warn("Full sync of replica {}:{} failed: {}", ip, listeningPort, e.toString());
                    channel.close();
                    return;
                }
                bulkPosition = 0;
                bulkEnd = rdbBytes;
                bulkDone = () -> finishSnapshot(eofMark, offset);
                pumpBulk();
                return;
            }
            channel.write(new DefaultFileRegion(rdb.toFile(), 0, rdbBytes));
            finishSnapshot(eofMark, offset);
        });
    }

    /** After the snapshot's bytes: the EOF mark of a diskless transfer, then the log. Event loop. */
    private void finishSnapshot(byte[] mark, long offset) {
        {
            if (mark != null) {
                channel.write(Unpooled.wrappedBuffer(mark));
            }
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    log.warn("Full sync of replica {}:{} failed: {}", ip, listeningPort, f.cause().toString());
                    channel.close();
                    return;
                }
                log.info("Synchronization with replica {}:{} succeeded", ip, listeningPort);
                goOnline(offset);
            });
        }
    }

    /** Copies the snapshot into the TLS connection while it is writable. Event loop. */
    private void pumpBulk() {
        if (bulkFile == null) {
            return;
        }
        if (closed) {
            closeBulk();
            return;
        }
        try {
            while (bulkPosition < bulkEnd && channel.isWritable()) {
                int n = (int) Math.min(COPY_CHUNK_BYTES, bulkEnd - bulkPosition);
                channel.writeAndFlush(copy(bulkFile, bulkPosition, n));
                bulkPosition += n;
            }
        } catch (IOException e) {
            log.warn("Full sync of replica {}:{} failed: {}", ip, listeningPort, e.toString());
            closeBulk();
            channel.close();
            return;
        }
        if (bulkPosition == bulkEnd) {
            Runnable done = bulkDone;
            closeBulk();
            done.run();
        }
    }

    private void closeBulk() {
        if (bulkFile != null) {
            try {
                bulkFile.close();
            } catch (IOException ignored) {
                // read-only
            }
            bulkFile = null;
            bulkDone = null;
        }
    }

    /** {@code length} bytes of {@code file} from {@code position} in a new buffer (the caller hands it on). */
    private io.netty.buffer.ByteBuf copy(java.nio.channels.FileChannel file, long position, int length)
            throws IOException {
        io.netty.buffer.ByteBuf buf = channel.alloc().ioBuffer(length);
        try {
            while (buf.readableBytes() < length) {
                int read = buf.writeBytes(file, position + buf.readableBytes(), length - buf.readableBytes());
                if (read < 0) {
                    throw new java.io.EOFException("file ends before the position " + (position + length));
                }
            }
            return buf;
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e;
        }
    }

    private void goOnline(long offset) {
        try {
            reader = commandLog.openReader(offset);
        } catch (OffsetOutOfRangeException e) {
            log.warn("Replica {}:{}: {}", ip, listeningPort, e.getMessage());
            channel.close();
            return;
        }
        ackOffset = Math.max(ackOffset, offset);
        state = State.ONLINE;
        pump();
    }

    // ----------------------------------------------------------------------------- streaming

    /** The log has grown (or become durable further): sends the new bytes. Any thread; cheap. */
    public void logGrew() {
        if (state == State.ONLINE && !closed && pumpScheduled.compareAndSet(false, true)) {
            channel.eventLoop().execute(() -> {
                pumpScheduled.set(false);
                pump();
            });
        }
    }

    /**
     * The engine has just appended {@code bytes} to the log at {@code offset} (readers may see
     * them): a link that has sent everything before them sends them from memory, with one write,
     * instead of reading them back from the segment file; any other link sends from the file as
     * on {@link #logGrew}. At {@code -P 1} an engine iteration holds a couple of commands, and a
     * {@code sendfile} of a few hundred bytes per iteration and replica cost the master more than
     * the copy (README, replication). Any thread; {@code bytes} is not changed afterwards.
     */
    public void tail(long offset, byte[] bytes) {
        if (state == State.ONLINE && !closed) {
            channel.eventLoop().execute(() -> sendTail(offset, bytes));
        }
    }

    private void sendTail(long offset, byte[] bytes) {
        if (closed || reader == null) {
            return;
        }
        if (reader.position() == offset && channel.isWritable()) {
            try {
                reader.advance(offset + bytes.length);
            } catch (IllegalArgumentException e) {
                pump(); // the log was reset under this link since: it is about to be closed
                return;
            }
            channel.writeAndFlush(Unpooled.wrappedBuffer(bytes), channel.voidPromise());
        } else {
            pump(); // behind (or congested): the files, in order, from where the reader is
        }
    }

    /** The socket can take more again. Event loop. */
    public void writable() {
        if (state == State.ONLINE) {
            pump();
        } else if (state == State.SEND_BULK) {
            pumpBulk();
        }
    }

    /** Sends from the log while the socket takes it. Event loop. */
    private void pump() {
        if (closed || reader == null) {
            return;
        }
        boolean wrote = false;
        try {
            while (channel.isWritable()) {
                LogRegion r = reader.nextRegion(copying ? COPY_CHUNK_BYTES : REGION_BYTES);
                if (r == null) {
                    break;
                }
                if (copying) {
                    // Flushed chunk by chunk, so the encrypted bytes count against the water mark at once.
                    channel.writeAndFlush(copy(r.channel(), r.position(), (int) r.length()));
                } else {
                    channel.write(new DefaultFileRegion(r.file().toFile(), r.position(), r.length()));
                }
                wrote = true;
            }
        } catch (IOException e) {
            log.warn("Replica {}:{}: cannot read the log: {}", ip, listeningPort, e.getMessage());
            channel.close();
        }
        if (wrote) {
            channel.flush();
        }
    }

    /** The offset up to which the link has handed the log to the socket. */
    public long sentOffset() {
        LogReader r = reader;
        return r == null ? -1 : r.position();
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
        closeBulk();
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
