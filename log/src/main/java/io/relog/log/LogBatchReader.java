package io.relog.log;

import io.relog.log.resp.MalformedCommandException;
import io.relog.log.resp.RespCommands;
import io.relog.log.segment.LogSegment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;

/**
 * Reads the live log forward batch by batch from a command boundary, for a change-feed reader
 * served by the server: each step returns the next batch (or, for the first step, the part of a
 * batch from the start position on) with what its index entry knows — append time, database
 * selected at its first byte — and where its bytes lie in a segment file, for a zero-copy send.
 *
 * <p>Why batches and not byte ranges ({@link LogReader}): a change-feed reader needs the time and
 * the selected database of what it receives, which the raw stream does not carry; the index
 * gives them per batch. A start inside a batch is allowed when it is a command boundary: the
 * reader parses the batch from its first byte up to the start to learn the database selected
 * there and whether the start lies inside a {@code MULTI … EXEC} (and at which offset the
 * {@code MULTI} is).
 *
 * <p>Like {@link LogReader}, it opens each segment's {@code .log} itself, read-only, so retention
 * may delete a segment being read; a segment already gone (or closed) when the reader needs its
 * index ends the read with {@link OffsetOutOfRangeException}. Batches are returned only below the
 * log's {@link CommandLog#readerLimit() reader limit}. One thread at a time; close it.
 */
public final class LogBatchReader implements AutoCloseable {

    /**
     * A batch, or the tail of one, ready to send.
     *
     * @param offset           log offset of its first byte
     * @param length           bytes
     * @param timestampMs      the batch's append time, Unix ms
     * @param db               database the stream has selected at {@code offset} (-1: none yet)
     * @param transactionStart log offset of the {@code MULTI} when {@code offset} lies inside a
     *                         transaction (only possible for the first slice), else -1
     * @param channel          the segment's {@code .log}, owned by the reader (do not close)
     * @param filePosition     file position of {@code offset} in {@code channel}
     * @param file             the segment's {@code .log} path (for a sendfile region of its own)
     */
    public record BatchSlice(long offset, int length, long timestampMs, int db, long transactionStart,
            FileChannel channel, long filePosition, java.nio.file.Path file) {

        /** Log offset just past the slice. */
        public long endOffset() {
            return offset + length;
        }
    }

    private final CommandLog log;
    private long position;
    private LogSegment segment;
    private int nextEntry;
    private FileChannel channel;

    LogBatchReader(CommandLog log, long offset) {
        this.log = log;
        this.position = offset;
    }

    /** The log offset of the next byte this reader returns. */
    public long position() {
        return position;
    }

    /**
     * The next batch (or the rest of the batch holding {@link #position()}) below the reader
     * limit, and advances past it; {@code null} if there is none yet.
     *
     * @throws OffsetOutOfRangeException if the position is no longer retained
     * @throws IOException also if the start position is not a command boundary
     */
    public BatchSlice next() throws IOException {
        if (position >= log.readerLimit()) {
            return null;
        }
        try {
            if (segment == null || nextEntry >= segment.entryCount() || position >= segment.endOffset()) {
                if (!locate()) {
                    return null;
                }
            }
            BatchEntry e = segment.entry(nextEntry);
            int db = e.db();
            long tx = -1;
            if (e.offset() < position) {
                long[] state = stateInside(e);
                db = (int) state[0];
                tx = state[1];
            } else if (e.offset() != position) {
                throw new IOException("the index of " + segment.logPath() + " does not continue at offset " + position);
            }
            BatchSlice s = new BatchSlice(position, (int) (e.endOffset() - position), e.timestampMs(), db, tx, channel,
                    position - segment.baseOffset(), segment.logPath());
            position = e.endOffset();
            nextEntry++;
            return s;
        } catch (ClosedChannelException gone) {
            throw new OffsetOutOfRangeException(position, log.startOffset(), log.endOffset());
        }
    }

    /** Finds the segment and entry holding {@link #position()}; {@code false} if not indexed yet. */
    private boolean locate() throws IOException {
        LogSegment s = log.segmentFor(position);
        if (s == null || position < log.startOffset()) {
            throw new OffsetOutOfRangeException(position, log.startOffset(), log.endOffset());
        }
        int i = s.entryIndexFor(position);
        if (i < 0) {
            return false; // at the segment's end; its successor is not there yet
        }
        if (s != segment) {
            closeChannel();
            try {
                channel = FileChannel.open(s.logPath(), StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                throw new OffsetOutOfRangeException(position, log.startOffset(), log.endOffset());
            }
            segment = s;
        }
        nextEntry = i;
        return true;
    }

    /**
     * Parses batch {@code e} from its first byte up to {@link #position()}: the database selected
     * there and the offset of an open {@code MULTI} (-1 if none).
     */
    private long[] stateInside(BatchEntry e) throws IOException {
        int n = (int) (position - e.offset());
        ByteBuffer b = ByteBuffer.allocate(n);
        long filePos = e.offset() - segment.baseOffset();
        while (b.hasRemaining()) {
            if (channel.read(b, filePos + b.position()) < 0) {
                throw new IOException("unexpected end of " + segment.logPath());
            }
        }
        byte[] buf = b.array();
        long db = e.db();
        long tx = -1;
        int p = 0;
        while (p < n) {
            RespCommands.Parsed c;
            try {
                c = RespCommands.parse(buf, p, n);
            } catch (MalformedCommandException ex) {
                throw new IOException("unreadable command at offset " + (e.offset() + p) + ": " + ex.getMessage());
            }
            if (c == null) {
                break;
            }
            byte[][] argv = c.argv();
            if (RespCommands.is(argv[0], "select") && argv.length == 2) {
                db = Long.parseLong(new String(argv[1], StandardCharsets.US_ASCII));
            } else if (RespCommands.is(argv[0], "multi")) {
                tx = e.offset() + p;
            } else if (RespCommands.is(argv[0], "exec")) {
                tx = -1;
            }
            p += c.length();
        }
        if (p != n) {
            throw new NotACommandBoundaryException(position, e.offset(), e.offset() + p);
        }
        return new long[] {db, tx};
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

    /** A start offset inside a command. */
    public static final class NotACommandBoundaryException extends IOException {
        NotACommandBoundaryException(long offset, long batchStart, long lastBoundary) {
            super("offset " + offset + " is not at a command boundary (the batch at " + batchStart
                    + " has a command starting at " + lastBoundary + " that runs past it)");
        }
    }
}
