package io.relog.log;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The log holds bytes that fail their check where no torn write can explain them (not at the
 * tail): the open stops rather than skip or drop acknowledged data silently. The message names
 * the file, the file position and the log offset.
 */
public final class LogCorruptionException extends IOException {

    private final Path file;
    private final long position;
    private final long offset;

    public LogCorruptionException(Path file, long position, long offset, String reason) {
        super("Corrupt log: " + reason + " in " + file + " at position " + position + " (offset " + offset
                + "); set 'log-recovery-policy truncate' to drop the log from there on");
        this.file = file;
        this.position = position;
        this.offset = offset;
    }

    public Path file() {
        return file;
    }

    /** Position in {@link #file()}. */
    public long position() {
        return position;
    }

    /** Log offset of the first bad byte's batch. */
    public long offset() {
        return offset;
    }
}
