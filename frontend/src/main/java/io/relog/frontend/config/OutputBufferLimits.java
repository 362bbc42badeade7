package io.relog.frontend.config;

import java.util.Locale;

/**
 * {@code client-output-buffer-limit}: per client class, a hard limit (bytes), a soft limit (bytes)
 * and the seconds a client may stay over the soft limit; 0 disables a limit. A client over its
 * hard limit, or over its soft limit for longer than the seconds, is closed, as Redis does, so a
 * slow reader cannot make the server hold unbounded replies.
 *
 * <p>Classes: {@code normal}, {@code pubsub} (a client with a subscription) and {@code replica}
 * ({@code slave}). The replica class is accepted and reported but has nothing to limit: a
 * replica (and a CDC reader) is streamed from the log on disk ({@code transferTo}), so what it has
 * not read yet costs no memory.
 */
public final class OutputBufferLimits {

    /** Redis 7.0's defaults, in CONFIG GET's form. */
    public static final String DEFAULT = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";

    /** Index of a class in {@link #parse} results. */
    public static final int NORMAL = 0;
    public static final int REPLICA = 1;
    public static final int PUBSUB = 2;

    private OutputBufferLimits() {
    }

    /**
     * For {@code client-output-buffer-limit}, the given value appended to the previous one, so
     * that the classes it does not name keep their limits; any other directive's value unchanged.
     */
    static String merge(String name, String previous, String given) {
        if (!name.equals("client-output-buffer-limit") || previous == null) {
            return given;
        }
        parse(given); // report errors in what was given, not in the merged text
        return previous + " " + given;
    }

    /** The canonical form (every class, in Redis' order); a later group for a class wins. */
    static String normalize(String value) {
        long[][] l = parse(value);
        return "normal " + l[0][0] + " " + l[0][1] + " " + l[0][2]
                + " slave " + l[1][0] + " " + l[1][1] + " " + l[1][2]
                + " pubsub " + l[2][0] + " " + l[2][1] + " " + l[2][2];
    }

    /**
     * {@code [class][hard bytes, soft bytes, soft seconds]} of a value, starting from the defaults.
     *
     * @throws IllegalArgumentException with Redis' reason text
     */
    public static long[][] parse(String value) {
        long[][] limits = {{0, 0, 0}, {268435456L, 67108864L, 60}, {33554432L, 8388608L, 60}};
        String[] w = value.trim().isEmpty() ? new String[0] : value.trim().split("\\s+");
        if (w.length % 4 != 0) {
            throw new IllegalArgumentException("Wrong number of arguments in buffer limit configuration.");
        }
        for (int i = 0; i < w.length; i += 4) {
            int c = switch (w[i].toLowerCase(Locale.ROOT)) {
                case "normal" -> NORMAL;
                case "slave", "replica" -> REPLICA;
                case "pubsub" -> PUBSUB;
                default -> throw new IllegalArgumentException(
                        "Invalid client class specified in buffer limit configuration.");
            };
            long hard = MemoryUnits.parse(w[i + 1]);
            long soft = MemoryUnits.parse(w[i + 2]);
            long seconds;
            try {
                seconds = Long.parseLong(w[i + 3]);
            } catch (NumberFormatException e) {
                seconds = -1;
            }
            if (hard < 0 || soft < 0 || seconds < 0) {
                throw new IllegalArgumentException("Error in hard, soft or soft_seconds setting in buffer limit "
                        + "configuration.");
            }
            limits[c] = new long[] {hard, soft, seconds};
        }
        return limits;
    }
}
