package io.relog.log;

import java.nio.file.Path;

/**
 * The log holds bytes that fail their check where no torn write can explain them (not at the
 * tail): the open stops rather than skip or drop acknowledged data silently. The message names
 * the file, the file position and the log offset.
 */
public final class LogCorruptionException extends LogPositionException {

    public LogCorruptionException(Path file, long position, long offset, String reason) {
        super("Corrupt log: " + reason + " in " + file + " at position " + position + " (offset " + offset
                + "); set 'log-recovery-policy truncate' to drop the log from there on",
                file, position, offset);
    }
}
