package io.relog.log;

import java.nio.file.Path;

/**
 * The log can no longer be made durable: after an fsync failed, the bytes it may have lost could
 * not be read back intact (a batch, or its index entry, no longer matches its CRC32C), so no
 * later fsync can put them on disk. The failure is final for this process: every later
 * {@link CommandLog#sync} throws it without touching the files, the synced offset stays below the
 * damaged bytes, and the server must be restarted (recovery then checks every batch against its
 * CRC and cuts or refuses what is damaged). The message names the file, the file position and
 * the log offset.
 */
public final class LogNotDurableException extends LogPositionException {

    public LogNotDurableException(Path file, long position, long offset, String reason) {
        super("the log cannot be made durable after a failed fsync: " + reason + " in " + file + " at position "
                + position + " (offset " + offset + "); restart the server (recovery checks the log)",
                file, position, offset);
    }
}
