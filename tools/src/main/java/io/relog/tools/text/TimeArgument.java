package io.relog.tools.text;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** A point in time given on the command line: Unix milliseconds, or ISO-8601 (UTC unless it names a zone). */
public final class TimeArgument {

    private TimeArgument() {
    }

    /**
     * Parses {@code text}: all digits → Unix milliseconds; otherwise ISO-8601 such as
     * {@code 2026-11-21T20:49:43Z}, {@code 2026-11-21T21:49:43+01:00} or
     * {@code 2026-11-21T20:49:43.5} (no zone: UTC).
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static long parseMillis(String text) {
        String t = text.trim();
        if (!t.isEmpty() && t.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Long.parseLong(t);
        }
        try {
            return OffsetDateTime.parse(t).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            // try the next form
        }
        try {
            return Instant.parse(t).toEpochMilli();
        } catch (DateTimeParseException e) {
            // try the next form
        }
        try {
            return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is neither Unix milliseconds nor an ISO-8601 time"
                    + " (e.g. 2026-11-21T20:49:43Z)");
        }
    }
}
