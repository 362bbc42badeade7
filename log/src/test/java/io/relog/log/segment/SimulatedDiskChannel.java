package io.relog.log.segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;
import java.util.BitSet;

/**
 * Test support: a {@code .log} channel that models a page cache in front of a disk the way Linux
 * treats a failed write-back. The real file stands for the page cache (reads and writes go to
 * it); a byte array stands for the disk. A write marks its bytes dirty; {@link #force} copies the
 * dirty bytes to the disk and marks them clean. An injected failure ({@link #failForces}) makes
 * {@code force} mark the dirty bytes clean <em>without</em> copying them and throw, as the
 * kernel does after an I/O error: a second {@code force} then succeeds with the bytes not on disk,
 * unless they were written again. {@link #evict} drops a range from the "cache": the file then
 * shows what the disk holds. Positional I/O only, as {@link LogSegment} uses it.
 */
final class SimulatedDiskChannel extends FileChannel {

    private final FileChannel cache;
    private byte[] disk = new byte[0];
    private final BitSet dirty = new BitSet();
    private int forcesToFail;
    private int forces;
    private long bytesToWriteBeforeFailure = -1;
    /** File position of every positional write call, in order. */
    final java.util.List<Long> writePositions = new java.util.ArrayList<>();

    SimulatedDiskChannel(FileChannel cache) {
        this.cache = cache;
    }

    /** The next {@code n} calls of {@link #force} fail, dropping the dirty bytes. */
    synchronized void failForces(int n) {
        forcesToFail = n;
    }

    synchronized int forcesToFail() {
        return forcesToFail;
    }

    /** Calls of {@link #force}, failed ones included. */
    synchronized int forces() {
        return forces;
    }

    /**
     * The next writes put {@code n} more bytes into the file, then a write fails ("No space left on
     * device") after writing nothing more; writes work again after that.
     */
    synchronized void failWritesAfter(long n) {
        bytesToWriteBeforeFailure = n;
    }

    /** What the disk holds from position 0 to {@code end} (zeros past what it has). */
    synchronized byte[] disk(long end) {
        return Arrays.copyOf(disk, (int) end);
    }

    /** Forgets the cached bytes of [from, to): the file shows the disk's bytes (zeros past them) there. */
    synchronized void evict(long from, long to) throws IOException {
        byte[] d = Arrays.copyOfRange(Arrays.copyOf(disk, (int) Math.max(disk.length, to)), (int) from, (int) to);
        ByteBuffer b = ByteBuffer.wrap(d);
        while (b.hasRemaining()) {
            cache.write(b, from + b.position());
        }
        dirty.clear((int) from, (int) to);
    }

    @Override
    public synchronized void force(boolean metaData) throws IOException {
        forces++;
        if (forcesToFail > 0) {
            forcesToFail--;
            dirty.clear(); // write-back failed: the pages are clean now, the disk never got them
            throw new IOException("Input/output error (simulated)");
        }
        long size = cache.size();
        if (disk.length < size) {
            disk = Arrays.copyOf(disk, (int) size);
        }
        for (int i = dirty.nextSetBit(0); i >= 0 && i < size; i = dirty.nextSetBit(i + 1)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            cache.read(one, i);
            disk[i] = one.get(0);
        }
        dirty.clear();
    }

    @Override
    public synchronized int write(ByteBuffer src, long position) throws IOException {
        writePositions.add(position);
        int len = src.remaining();
        if (bytesToWriteBeforeFailure == 0) {
            bytesToWriteBeforeFailure = -1;
            throw new IOException("No space left on device (simulated)");
        }
        if (bytesToWriteBeforeFailure > 0 && len > bytesToWriteBeforeFailure) {
            ByteBuffer part = src.slice(src.position(), (int) bytesToWriteBeforeFailure);
            len = part.remaining();
            int n = writeFully(part, position);
            src.position(src.position() + n);
            bytesToWriteBeforeFailure = 0;
            return n; // a short write; the next call fails
        }
        if (bytesToWriteBeforeFailure > 0) {
            bytesToWriteBeforeFailure -= len;
        }
        return writeFully(src, position);
    }

    private int writeFully(ByteBuffer src, long position) throws IOException {
        int n = 0;
        while (src.hasRemaining()) {
            n += cache.write(src, position + n);
        }
        dirty.set((int) position, (int) (position + n));
        return n;
    }

    @Override
    public synchronized int read(ByteBuffer dst, long position) throws IOException {
        return cache.read(dst, position);
    }

    @Override
    public synchronized long size() throws IOException {
        return cache.size();
    }

    @Override
    public synchronized FileChannel truncate(long size) throws IOException {
        cache.truncate(size);
        dirty.clear((int) Math.min(size, Integer.MAX_VALUE), Integer.MAX_VALUE);
        if (disk.length > size) {
            disk = Arrays.copyOf(disk, (int) size);
        }
        return this;
    }

    @Override
    protected void implCloseChannel() throws IOException {
        cache.close();
    }

    // Not used by LogSegment.

    @Override
    public int read(ByteBuffer dst) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int write(ByteBuffer src) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long position() {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileChannel position(long newPosition) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) {
        throw new UnsupportedOperationException();
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException();
    }
}
