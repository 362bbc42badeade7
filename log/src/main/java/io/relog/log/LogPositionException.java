package io.relog.log;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A failure about a place in the log: the segment file, the position in that file and the log
 * offset of the batch concerned, which every such message names. The subclasses say what went
 * wrong there.
 */
public abstract class LogPositionException extends IOException {

    private final Path file;
    private final long position;
    private final long offset;

    protected LogPositionException(String message, Path file, long position, long offset) {
        super(message);
        this.file = file;
        this.position = position;
        this.offset = offset;
    }

    /** The segment file. */
    public Path file() {
        return file;
    }

    /** Position in {@link #file()}. */
    public long position() {
        return position;
    }

    /** Log offset of the batch concerned. */
    public long offset() {
        return offset;
    }
}
