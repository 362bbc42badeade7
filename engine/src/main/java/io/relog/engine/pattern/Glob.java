package io.relog.engine.pattern;

/**
 * Redis' glob-style matching (as {@code KEYS}, {@code SCAN MATCH}, {@code PSUBSCRIBE} and
 * {@code CONFIG GET} use it): {@code *} any run, {@code ?} any one byte, {@code [abc]},
 * {@code [^a-z]} classes with ranges (reversed ranges allowed), {@code \x} escapes. Works on bytes.
 */
public final class Glob {

    private Glob() {
    }

    public static boolean matches(byte[] pattern, byte[] string, boolean nocase) {
        return match(pattern, 0, string, 0, nocase, 0);
    }

    /** Whether the pattern is a bare {@code *}, which matches everything (a fast path for SCAN). */
    public static boolean matchesAll(byte[] pattern) {
        return pattern.length == 1 && pattern[0] == '*';
    }

    private static int lower(int c, boolean nocase) {
        return nocase && c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    private static boolean match(byte[] p, int pi, byte[] s, int si, boolean nocase, int depth) {
        if (depth > 1000) {
            return false; // pathological pattern; Redis bounds nesting the same way
        }
        int plen = p.length;
        int slen = s.length;
        while (pi < plen && si <= slen) {
            int c = p[pi] & 0xff;
            switch (c) {
                case '*':
                    while (pi + 1 < plen && p[pi + 1] == '*') {
                        pi++;
                    }
                    if (pi + 1 == plen) {
                        return true;
                    }
                    for (int k = si; k <= slen; k++) {
                        if (match(p, pi + 1, s, k, nocase, depth + 1)) {
                            return true;
                        }
                    }
                    return false;
                case '?':
                    if (si >= slen) {
                        return false;
                    }
                    si++;
                    pi++;
                    break;
                case '[': {
                    if (si >= slen) {
                        return false;
                    }
                    pi++;
                    boolean not = pi < plen && p[pi] == '^';
                    if (not) {
                        pi++;
                    }
                    boolean found = false;
                    int sc = lower(s[si] & 0xff, nocase);
                    while (true) {
                        if (pi >= plen) {
                            pi--; // unterminated class: Redis treats end of pattern as ']'
                            break;
                        }
                        int pc = p[pi] & 0xff;
                        if (pc == '\\' && pi + 2 < plen) {
                            pi++;
                            if (lower(p[pi] & 0xff, nocase) == sc) {
                                found = true;
                            }
                        } else if (pc == ']') {
                            break;
                        } else if (pi + 2 < plen && p[pi + 1] == '-') {
                            int start = lower(p[pi] & 0xff, nocase);
                            int end = lower(p[pi + 2] & 0xff, nocase);
                            if (start > end) {
                                int t = start;
                                start = end;
                                end = t;
                            }
                            pi += 2;
                            if (sc >= start && sc <= end) {
                                found = true;
                            }
                        } else if (lower(pc, nocase) == sc) {
                            found = true;
                        }
                        pi++;
                    }
                    if (not) {
                        found = !found;
                    }
                    if (!found) {
                        return false;
                    }
                    si++;
                    pi++;
                    break;
                }
                case '\\':
                    if (pi + 1 < plen) {
                        pi++;
                        c = p[pi] & 0xff;
                    }
                    // fall through: literal
                default:
                    if (si >= slen || lower(c, nocase) != lower(s[si] & 0xff, nocase)) {
                        return false;
                    }
                    si++;
                    pi++;
                    break;
            }
        }
        return pi == plen && si == slen;
    }
}
