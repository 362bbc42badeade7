package io.relog.log;

import java.nio.channels.FileChannel;

/**
 * A byte range of the log inside one segment file, ready for a zero-copy
 * {@code FileChannel.transferTo}.
 *
 * @param channel  the segment's {@code .log}, opened read-only by the reader that returned it
 *                 (closed by the reader, not by the user of the region)
 * @param position file position of the first byte
 * @param length   bytes in the range
 * @param offset   log offset of the first byte ({@code position + segment base})
 * @param file     the segment file (to open it again, e.g. for a sendfile region of its own)
 */
public record LogRegion(FileChannel channel, long position, long length, long offset, java.nio.file.Path file) {

    /** Log offset just past the range. */
    public long endOffset() {
        return offset + length;
    }
}
