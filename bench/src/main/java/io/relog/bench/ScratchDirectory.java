package io.relog.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where the disk benchmarks put their files: a directory on a disk-backed file system.
 *
 * <p>Why it matters: on many systems {@code /tmp} is a tmpfs, where {@code fsync} returns at once
 * because there is no disk behind it. A log benchmark run there reports the cost of a memory copy
 * as the cost of durability. So the parent directory is {@code -Drelog.bench.dir} if given (used
 * as is, with a warning if it is a tmpfs: the caller asked for it), else {@code java.io.tmpdir}
 * unless that is a tmpfs, else {@code /var/tmp} (disk-backed on Debian and most distributions).
 * The choice and its file-system type are printed so that a result can be traced to the medium
 * it was measured on.
 */
final class ScratchDirectory {

    /** The system property naming the parent directory of the scratch directories. */
    static final String PROPERTY = "relog.bench.dir";

    private static final Path FALLBACK = Path.of("/var/tmp");

    private ScratchDirectory() {
    }

    /**
     * The parent directory for scratch files, chosen as the class documentation says and printed
     * to standard output with its file-system type.
     *
     * @param explicit a directory the user named ({@code --dir}, the property), or {@code null}
     */
    static Path parent(String explicit) throws IOException {
        if (explicit == null) {
            explicit = System.getProperty(PROPERTY);
        }
        Path chosen;
        String why;
        if (explicit != null && !explicit.isEmpty()) {
            chosen = Path.of(explicit);
            Files.createDirectories(chosen);
            why = "as given";
        } else {
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
            if (!isTmpfs(tmp)) {
                chosen = tmp;
                why = "java.io.tmpdir";
            } else {
                chosen = FALLBACK;
                why = tmp + " is a tmpfs, using " + FALLBACK;
            }
        }
        FileStore store = Files.getFileStore(chosen);
        System.out.printf("# scratch directory: %s (%s; file system %s, type %s)%n", chosen.toAbsolutePath(), why,
                store.name(), store.type());
        if (isTmpfs(chosen)) {
            System.out.println("# WARNING: " + chosen + " is a tmpfs: fsync costs nothing there, so durable-write"
                    + " numbers measured in it are meaningless. Name a directory on a disk.");
        }
        return chosen;
    }

    /** Whether {@code dir} (which must exist) lies on a memory-backed file system. */
    static boolean isTmpfs(Path dir) throws IOException {
        String type = Files.getFileStore(dir).type();
        return type.equals("tmpfs") || type.equals("ramfs");
    }

    /** Deletes {@code dir} and everything under it; a missing directory is fine. */
    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }
}
