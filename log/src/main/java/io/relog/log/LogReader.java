package io.relog.log;

import io.relog.log.segment.LogSegment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * Reads the log forward from a position, as a replica or change-feed reader does: byte ranges
 * for zero-copy sends ({@link #nextRegion}) or copies ({@link #read}), up to the log's
 * {@link CommandLog#readerLimit() reader limit}, waiting for more with {@link #await}.
 *
 * <p>The reader opens each segment file itself, read-only, so retention may delete a segment it
 * is reading (the open file stays readable); a segment already gone when the reader reaches it
 * ends the read with {@link OffsetOutOfRangeException}. One thread at a time; close it.
 */
public final class LogReader implements AutoCloseable {

    private final CommandLog log;
    private long position;
    private long segmentBase = -1;
    private long segmentEnd;
    private FileChannel channel;
    private java.nio.file.Path segmentPath;

    LogReader(CommandLog log, long offset) {
        this.log = log;
        this.position = offset;
    }

    /** The log offset of the next byte this reader returns. */
    public long position() {
        return position;
    }

    /**
     * The next range of at most {@code maxBytes} bytes from {@link #position()}, within one
     * segment and below the reader limit, and advances past it; {@code null} if there is nothing
     * to read now.
     */
    public LogRegion nextRegion(long maxBytes) throws IOException {
        long limit = log.readerLimit();
        if (position >= limit) {
            return null;
        }
        positionChannel();
        long n = Math.min(maxBytes, Math.min(limit, segmentEnd) - position);
        if (n <= 0) {
            return null;
        }
        LogRegion r = new LogRegion(channel, position - segmentBase, n, position, segmentPath);
        position += n;
        return r;
    }

    /**
     * Moves the reader forward to log offset {@code offset} without reading: the caller has sent
     * the bytes from {@link #position()} up to it by other means (a replica link sends the batch
     * the engine just appended from memory). The thread that reads, like the other calls.
     *
     * @throws IllegalArgumentException if {@code offset} is behind {@link #position()} or beyond
     *         the log's {@link CommandLog#readerLimit() reader limit}
     */
    public void advance(long offset) {
        if (offset < position || offset > log.readerLimit()) {
            throw new IllegalArgumentException("cannot advance a reader at " + position + " to " + offset
                    + " (reader limit " + log.readerLimit() + ")");
        }
        position = offset; // the segment is found (and opened) when the next region is read
    }

    /**
     * Copies bytes from {@link #position()} into {@code dst} (up to its remaining space and the
     * reader limit) and advances; returns the count, 0 if there is nothing to read now.
     */
    public int read(ByteBuffer dst) throws IOException {
        int total = 0;
        while (dst.hasRemaining()) {
            LogRegion r;
            try {
                r = nextRegion(dst.remaining());
            } catch (OffsetOutOfRangeException e) {
                if (total > 0) {
                    return total; // report what was copied; the next call throws
                }
                throw e;
            }
            if (r == null) {
                break;
            }
            ByteBuffer slice = dst.slice(dst.position(), (int) r.length());
            while (slice.hasRemaining()) {
                if (r.channel().read(slice, r.position() + slice.position()) < 0) {
                    throw new IOException("segment ended early at log offset " + (r.offset() + slice.position()));
                }
            }
            dst.position(dst.position() + (int) r.length());
            total += (int) r.length();
        }
        return total;
    }

    /** Waits up to {@code timeout} for bytes past {@link #position()}; returns whether there are some. */
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return log.awaitBeyond(position, timeout, unit) > position;
    }

    /** Opens the segment holding {@link #position()} if the current one does not. */
    private void positionChannel() throws IOException {
        if (channel != null && position < segmentEnd) {
            return;
        }
        if (channel != null && position >= segmentEnd) {
            // Sealed segment read to its end; its successor starts exactly here.
            LogSegment current = log.segmentFor(segmentBase);
            if (current != null && current.endOffset() > segmentEnd) {
                segmentEnd = current.endOffset(); // the segment was still active and grew
                if (position < segmentEnd) {
                    return;
                }
                // advance() moved past its end, into a later segment
            }
        }
        closeChannel();
        LogSegment s = log.segmentFor(position);
        if (s == null || position < log.startOffset()) {
            throw new OffsetOutOfRangeException(position, log.startOffset(), log.endOffset());
        }
        try {
            channel = FileChannel.open(s.logPath(), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new OffsetOutOfRangeException(position, log.startOffset(), log.endOffset());
        }
        segmentBase = s.baseOffset();
        segmentEnd = s.endOffset();
        segmentPath = s.logPath();
    }

    private void closeChannel() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    @Override
    public void close() throws IOException {
        closeChannel();
    }
}
