package io.relog.engine.command;

import io.relog.engine.pattern.Glob;

/**
 * The {@code [MATCH pattern] [COUNT count]} options of SCAN, HSCAN, SSCAN and ZSCAN (and SCAN's
 * {@code [TYPE type]}), parsed as Redis 7.0 does: an option may repeat (the last wins), COUNT
 * below 1 or an unknown word is {@code ERR syntax error}, a non-integer COUNT is
 * {@link Errors#NOT_INTEGER}.
 *
 * @param pattern the MATCH glob, or {@code null} when absent or {@code *} (matches everything)
 * @param count   the COUNT hint, at least 1 (default 10)
 * @param type    SCAN's TYPE filter, or {@code null}
 */
public record ScanOptions(byte[] pattern, int count, byte[] type) {

    /** Parses {@code argv[from..]} of HSCAN, SSCAN or ZSCAN (no TYPE option). */
    public static ScanOptions parse(byte[][] argv, int from) {
        return parse(argv, from, false);
    }

    /** Parses {@code argv[from..]}; {@code allowType} accepts SCAN's TYPE option. */
    public static ScanOptions parse(byte[][] argv, int from, boolean allowType) {
        byte[] pattern = null;
        byte[] type = null;
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
            } else if (allowType && Args.is(argv[i], "type") && more) {
                type = argv[++i];
            } else {
                throw new Args.ArgException(Errors.SYNTAX);
            }
        }
        return new ScanOptions(pattern, (int) Math.min(count, Integer.MAX_VALUE), type);
    }

    /** Whether {@code element} passes the MATCH filter. */
    public boolean matches(byte[] element) {
        return pattern == null || Glob.matches(pattern, element, false);
    }
}
