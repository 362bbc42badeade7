package io.relog.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * fsync of a directory: a file created, renamed or deleted in it survives a power loss only once
 * the directory itself is fsynced (a file's own fsync does not cover its name).
 */
public final class DirectorySync {

    private DirectorySync() {
    }

    /** fsyncs {@code dir}, making the creations, renames and deletions in it durable. */
    public static void fsync(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
