package io.relog.snapshot.rdb;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A file read ahead, in order, by a thread of its own that also computes the RDB CRC-64 of
 * everything it reads: the consumer ({@link RdbInput}) takes filled {@link Chunk}s and parses
 * them while the next ones are read and checksummed.
 *
 * <p>Why: loading a snapshot is one pass over the file on one thread, and before this split a
 * fifth of that thread's time went to the checksum and more to the {@code read} system calls
 * (JFR, 2 GiB of 1 KiB strings). Both depend only on the bytes, not on what they mean, so the
 * second core does them while the loading thread parses and builds the keyspace; the loading
 * thread copies each string straight out of a chunk, with no buffer of its own in between.
 *
 * <p>Each chunk's array has {@link #HEAD} free bytes in front of its data, where the consumer
 * copies the unread tail of the previous chunk, so that any read of up to {@code HEAD} bytes is
 * contiguous. Every chunk but the last holds exactly {@code chunkSize} bytes; a chunk of fewer
 * bytes (possibly none) is the last. A read error reaches the consumer as a chunk carrying it, in
 * order. A fixed pool of arrays circulates between the two threads, so the memory used is
 * {@code POOL × (HEAD + chunkSize)} whatever the file's size.
 *
 * <p>One consumer thread; {@link #close()} from it stops the reader thread and closes the file.
 */
final class PrefetchedFile implements AutoCloseable {

    /** Bytes in front of every chunk's data, for the tail of the previous chunk: the longest contiguous read. */
    static final int HEAD = 64 * 1024;
    /** Default bytes of data per chunk. */
    static final int CHUNK_SIZE = 1024 * 1024;
    /** Arrays in circulation: the consumer holds two (current and previous), the rest are read ahead. */
    private static final int POOL = 8;

    /**
     * A part of the file: {@code data[HEAD .. HEAD + length)} holds the file's bytes from
     * {@code start}; {@code crcBefore} is the CRC-64 of all the file's bytes before {@code start}.
     */
    static final class Chunk {
        final byte[] data;
        long start;
        int length;
        long crcBefore;
        IOException error;

        Chunk(int chunkSize) {
            data = new byte[HEAD + chunkSize];
        }
    }

    private final FileChannel channel;
    private final int chunkSize;
    private final BlockingQueue<Chunk> free = new ArrayBlockingQueue<>(POOL);
    private final BlockingQueue<Chunk> filled = new ArrayBlockingQueue<>(POOL);
    private final Thread reader;

    /** Opens {@code path} and starts reading it ahead in chunks of {@code chunkSize} (≥ {@link #HEAD}) bytes. */
    PrefetchedFile(Path path, int chunkSize) throws IOException {
        if (chunkSize < HEAD) {
            throw new IllegalArgumentException("chunk size " + chunkSize + " below " + HEAD);
        }
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        this.chunkSize = chunkSize;
        for (int i = 0; i < POOL; i++) {
            free.add(new Chunk(chunkSize));
        }
        reader = new Thread(this::readAhead, "rdb-read-ahead " + path.getFileName());
        reader.setDaemon(true);
        reader.start();
    }

    int chunkSize() {
        return chunkSize;
    }

    private void readAhead() {
        long crc = 0;
        long start = 0;
        try {
            while (true) {
                Chunk c = free.take();
                c.start = start;
                c.crcBefore = crc;
                c.error = null;
                int n = 0;
                try {
                    ByteBuffer into = ByteBuffer.wrap(c.data, HEAD, chunkSize);
                    while (into.hasRemaining()) {
                        int r = channel.read(into);
                        if (r < 0) {
                            break;
                        }
                    }
                    n = into.position() - HEAD;
                } catch (IOException e) {
                    if (Thread.currentThread().isInterrupted() || !channel.isOpen()) {
                        return; // closed by the consumer
                    }
                    c.length = 0;
                    c.error = e;
                    filled.put(c);
                    return;
                }
                c.length = n;
                crc = Crc64.update(crc, c.data, HEAD, n);
                start += n;
                filled.put(c);
                if (n < chunkSize) {
                    return; // the end of the file
                }
            }
        } catch (InterruptedException e) {
            // closed by the consumer
        }
    }

    /** The next chunk in file order; blocks until it is read. After the last chunk, never called. */
    Chunk take() throws IOException {
        Chunk c;
        try {
            c = filled.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the file to be read");
        }
        if (c.error != null) {
            throw c.error;
        }
        return c;
    }

    /** Gives back a chunk the consumer no longer reads. */
    void recycle(Chunk c) {
        free.add(c);
    }

    /** Stops the reader thread and closes the file. Idempotent. */
    @Override
    public void close() throws IOException {
        reader.interrupt();
        try {
            channel.close();
        } finally {
            boolean interrupted = false;
            while (true) {
                try {
                    reader.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
