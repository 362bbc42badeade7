package io.relog.engine.command;

import io.relog.engine.pattern.Glob;

/**
 * The {@code [MATCH pattern] [COUNT count]} options of HSCAN, SSCAN and ZSCAN, parsed as Redis 7.0
 * does: an option may repeat (the last wins), COUNT below 1 or an unknown word is
 * {@code ERR syntax error}, a non-integer COUNT is {@link Errors#NOT_INTEGER}.
 *
 * @param pattern the MATCH glob, or {@code null} when absent or {@code *} (matches everything)
 * @param count   the COUNT hint, at least 1 (default 10)
 */
public record ScanOptions(byte[] pattern, int count) {

    /** Parses {@code argv[from..]}. */
    public static ScanOptions parse(byte[][] argv, int from) {
        byte[] pattern = null;
        long count = 10;
        for (int i = from; i < argv.length; i++) {
            boolean more = i + 1 < argv.length;
            if (Args.is(argv[i], "count") && more) {
                count = Args.parseLong(argv[++i]);
                if (count < 1) {
                    throw new Args.ArgException(Errors.SYNTAX);
                }
            } else if (Args.is(argv[i], "match") && more) {
                pattern = argv[++i];
                if (Glob.matchesAll(pattern)) {
                    pattern = null;
                }
            } else {
                throw new Args.ArgException(Errors.SYNTAX);
            }
        }
        return new ScanOptions(pattern, (int) Math.min(count, Integer.MAX_VALUE));
    }

    /** Whether {@code element} passes the MATCH filter. */
    public boolean matches(byte[] element) {
        return pattern == null || Glob.matches(pattern, element, false);
    }
}
