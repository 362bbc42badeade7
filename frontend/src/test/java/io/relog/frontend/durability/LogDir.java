package io.relog.frontend.durability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the tests know of a data directory's command log from the outside: {@code
 * <dir>/log/<20-digit base offset>.log} segments, each the raw replication stream from its base
 * offset (file position = offset - base), with a {@code .idx} sidecar of the same base.
 */
final class LogDir {

    private static final Pattern SEGMENT = Pattern.compile("\\d{20}\\.log");

    private LogDir() {
    }

    static Path logDir(Path dataDir) {
        return dataDir.resolve("log");
    }

    /** The {@code .log} segments of {@code dataDir}, in offset order; fails if there are none. */
    static List<Path> segments(Path dataDir) {
        Path log = logDir(dataDir);
        assertThat(log).as("log directory of %s", dataDir).isDirectory();
        List<Path> segments;
        try (Stream<Path> files = Files.list(log)) {
            segments = files.filter(p -> SEGMENT.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparingLong(LogDir::baseOffset))
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(segments).as("segments <20-digit base offset>.log in %s", log).isNotEmpty();
        for (Path s : segments) {
            assertThat(index(s)).as("index sidecar of %s", s.getFileName()).exists();
        }
        return segments;
    }

    static Path first(Path dataDir) {
        return segments(dataDir).get(0);
    }

    static Path last(Path dataDir) {
        List<Path> s = segments(dataDir);
        return s.get(s.size() - 1);
    }

    /** The base offset in a segment's name ({@code 00000000000000001234.log} is 1234). */
    static long baseOffset(Path segment) {
        String name = segment.getFileName().toString();
        return Long.parseLong(name.substring(0, name.indexOf('.')));
    }

    static Path index(Path segment) {
        String name = segment.getFileName().toString();
        return segment.resolveSibling(name.substring(0, name.indexOf('.')) + ".idx");
    }

    /** The log end offset implied by the files: the last segment's base plus its size. */
    static long endOffset(Path dataDir) {
        Path last = last(dataDir);
        return baseOffset(last) + size(last);
    }

    /**
     * Bytes of log data in a segment file. The server keeps its active segment zero-filled ahead
     * of its writes (log-preallocate), and a kill -9 leaves those zeros; they are not data (a RESP
     * stream always ends with LF), so they do not count.
     */
    static long size(Path file) {
        return read(file).length;
    }

    /** A file's bytes; for a segment, without the zero-filled space after its data (see {@link #size}). */
    static byte[] read(Path file) {
        try {
            byte[] all = Files.readAllBytes(file);
            if (!file.getFileName().toString().endsWith(".log")) {
                return all;
            }
            int end = all.length;
            while (end > 0 && all[end - 1] == 0) {
                end--;
            }
            return end == all.length ? all : java.util.Arrays.copyOf(all, end);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every segment's bytes concatenated in offset order: the whole retained stream. */
    static byte[] concatenated(Path dataDir) {
        try (var out = new java.io.ByteArrayOutputStream()) {
            for (Path s : segments(dataDir)) {
                out.write(read(s));
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Last index of {@code needle} in {@code haystack}, or -1. */
    static int lastIndexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = haystack.length - needle.length; i >= 0; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** First index of {@code needle} in {@code haystack}, or -1. */
    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
