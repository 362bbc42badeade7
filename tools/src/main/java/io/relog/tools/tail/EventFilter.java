package io.relog.tools.tail;

import io.relog.engine.pattern.Glob;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which change events {@code relog tail} prints: {@code --db}, {@code --match} (Redis glob on any
 * of the command's keys) and {@code --commands} (names, any case). Plumbing is decided before
 * the filter (see {@link TailCommand}).
 */
final class EventFilter {

    private final int db;
    private final byte[] match;
    private final Set<String> commands;
    private final KeyExtractor keys;

    /**
     * @param db       the database to keep, or -1 for all
     * @param match    a glob on keys, or {@code null}
     * @param commands lower-case command names to keep, or {@code null} for all
     */
    EventFilter(int db, String match, Set<String> commands, KeyExtractor keys) {
        this.db = db;
        this.match = match == null ? null : match.getBytes(StandardCharsets.UTF_8);
        this.commands = commands;
        this.keys = keys;
    }

    boolean accepts(ChangeEvent e, List<byte[]> eventKeys) {
        if (db >= 0 && e.db() != db) {
            return false;
        }
        if (commands != null
                && !commands.contains(new String(e.argv()[0], StandardCharsets.UTF_8).toLowerCase(Locale.ROOT))) {
            return false;
        }
        if (match != null) {
            for (byte[] k : eventKeys) {
                if (Glob.matches(match, k, false)) {
                    return true;
                }
            }
            return false;
        }
        return true;
    }

    /** Whether the filter needs the event's keys. */
    boolean needsKeys() {
        return match != null;
    }

    KeyExtractor keyExtractor() {
        return keys;
    }
}
