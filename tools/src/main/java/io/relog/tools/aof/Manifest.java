package io.relog.tools.aof;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Redis 7's multi-part AOF manifest ({@code appendonlydir/appendonly.aof.manifest},
 * {@code aofLoadManifestFromDisk} in aof.c): one line per file, {@code file <name> seq <n> type
 * b|i|h} (base, increment, history); names relative to the manifest's directory; {@code #} lines
 * are comments. Loading takes the base, then the increments in file order; history files are
 * left out, as Redis does.
 */
public record Manifest(Path dir, Path base, List<Path> increments) {

    /** Reads the manifest at {@code file}. */
    public static Manifest read(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path base = null;
        List<Path> incr = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            List<String> words = split(line);
            String name = null;
            String type = null;
            for (int w = 0; w + 1 < words.size(); w += 2) {
                switch (words.get(w)) {
                    case "file" -> name = words.get(w + 1);
                    case "type" -> type = words.get(w + 1);
                    default -> {
                        // seq and future keys: order is the file's
                    }
                }
            }
            if (name == null || type == null || words.size() % 2 != 0) {
                throw new IOException("Bad line in " + file + " at line " + (i + 1) + ": '" + line
                        + "' (expected 'file <name> seq <n> type b|i|h')");
            }
            Path p = dir.resolve(name);
            switch (type) {
                case "b" -> {
                    if (base != null) {
                        throw new IOException(file + " names two base files (line " + (i + 1) + ")");
                    }
                    base = p;
                }
                case "i" -> incr.add(p);
                case "h" -> {
                    // history: superseded by the base, not loaded
                }
                default -> throw new IOException("Bad file type '" + type + "' in " + file + " at line " + (i + 1));
            }
        }
        for (Path p : base == null ? incr : concat(base, incr)) {
            if (!Files.isRegularFile(p)) {
                throw new IOException(file + " names " + p.getFileName() + ", which does not exist in " + dir);
            }
        }
        return new Manifest(dir, base, List.copyOf(incr));
    }

    private static List<Path> concat(Path base, List<Path> incr) {
        List<Path> all = new ArrayList<>();
        all.add(base);
        all.addAll(incr);
        return all;
    }

    /** Splits a line into words; a word may be double-quoted (Redis quotes names with spaces) with \-escapes. */
    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < line.length()) {
            while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i >= line.length()) {
                break;
            }
            StringBuilder w = new StringBuilder();
            if (line.charAt(i) == '"') {
                i++;
                while (i < line.length() && line.charAt(i) != '"') {
                    char c = line.charAt(i++);
                    if (c == '\\' && i < line.length()) {
                        c = line.charAt(i++);
                    }
                    w.append(c);
                }
                i++;
            } else {
                while (i < line.length() && !Character.isWhitespace(line.charAt(i))) {
                    w.append(line.charAt(i++));
                }
            }
            out.add(w.toString());
        }
        return out;
    }

    /** Every file to load, in order: the base (if any), then the increments. */
    public List<Path> files() {
        return base == null ? increments : concat(base, increments);
    }
}
