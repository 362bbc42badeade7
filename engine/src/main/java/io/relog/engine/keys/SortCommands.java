package io.relog.engine.keys;

import io.relog.engine.Engine;
import io.relog.engine.Session;
import io.relog.engine.command.Args;
import io.relog.engine.command.Errors;
import io.relog.engine.command.Reply;
import io.relog.engine.keyspace.Database;
import io.relog.engine.types.HashValue;
import io.relog.engine.types.ListValue;
import io.relog.engine.types.Scores;
import io.relog.engine.types.SetValue;
import io.relog.engine.types.ZSetValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SORT and SORT_RO over lists, sets and sorted sets, as Redis 7.0 does them.
 *
 * <ul>
 *   <li>{@code BY pattern}: the first {@code *} of the pattern is replaced by the element and the
 *       key read (a string, or with {@code ->field} a hash field); missing weights count as 0
 *       (numeric) or sort first (ALPHA). A pattern without {@code *} ({@code nosort}) keeps the
 *       stored order: a list's or a sorted set's order (reversed by DESC, LIMIT applied to it),
 *       a set's iteration order — except with STORE, where a set is sorted ALPHA so that the
 *       stored result, and a replica re-running the propagated SORT, are deterministic.</li>
 *   <li>Numeric sort parses the weights as C {@code strtod} does (leading spaces allowed, the
 *       empty string is 0); an unparsable one fails the whole command with
 *       {@code ERR One or more scores can't be converted into double}. Equal scores are
 *       ordered by the elements' bytes; DESC reverses the whole comparison.</li>
 *   <li>{@code GET pattern}: {@code #} is the element itself; otherwise as BY, {@code nil} when
 *       missing (stored as an empty string by STORE).</li>
 *   <li>{@code STORE dest} (SORT only) replaces {@code dest} by a list of the output, or deletes
 *       it when the output is empty; SORT is then propagated as sent, since replaying it on the
 *       same keyspace gives the same result.</li>
 * </ul>
 * ALPHA compares bytes (Redis uses {@code strcoll}, which is byte order under the C locale).
 */
public final class SortCommands {

    public static final String NOT_DOUBLE = "ERR One or more scores can't be converted into double";

    private SortCommands() {
    }

    public static void sort(Engine engine, Session session, byte[][] argv, Reply reply) {
        run(engine, session, argv, reply, false);
    }

    public static void sortRo(Engine engine, Session session, byte[][] argv, Reply reply) {
        run(engine, session, argv, reply, true);
    }

    /** One element being sorted, with its weight. */
    private static final class Item {
        final byte[] element;
        double score;
        byte[] cmp;

        Item(byte[] element) {
            this.element = element;
        }
    }

    private static void run(Engine engine, Session session, byte[][] argv, Reply reply, boolean readOnly) {
        boolean desc = false;
        boolean alpha = false;
        boolean dontSort = false;
        byte[] sortBy = null;
        byte[] storeKey = null;
        long limitStart = 0;
        long limitCount = -1;
        List<byte[]> gets = new ArrayList<>();
        for (int j = 2; j < argv.length; j++) {
            int left = argv.length - j - 1;
            byte[] a = argv[j];
            if (Args.is(a, "asc")) {
                desc = false;
            } else if (Args.is(a, "desc")) {
                desc = true;
            } else if (Args.is(a, "alpha")) {
                alpha = true;
            } else if (Args.is(a, "limit") && left >= 2) {
                limitStart = Args.parseLong(argv[j + 1]);
                limitCount = Args.parseLong(argv[j + 2]);
                j += 2;
            } else if (Args.is(a, "store") && left >= 1 && !readOnly) {
                storeKey = argv[++j];
            } else if (Args.is(a, "by") && left >= 1) {
                sortBy = argv[++j];
                if (indexOf(sortBy, (byte) '*', 0) < 0) {
                    dontSort = true;
                }
            } else if (Args.is(a, "get") && left >= 1) {
                gets.add(argv[++j]);
            } else {
                throw new Args.ArgException(Errors.SYNTAX);
            }
        }

        Database db = engine.db(session.db());
        Object value = engine.lookupRead(db, argv[1]);
        if (value != null && !(value instanceof ListValue) && !(value instanceof SetValue)
                && !(value instanceof ZSetValue)) {
            throw new Args.ArgException(Errors.WRONGTYPE);
        }
        if (dontSort && value instanceof SetValue && storeKey != null) {
            // A set's iteration order is not reproducible: sort what is stored (and replicated).
            dontSort = false;
            alpha = true;
            sortBy = null;
        }

        int size = value == null ? 0 : sizeOf(value);
        long start = Math.max(limitStart, 0);
        long end = limitCount < 0 ? size - 1 : start + limitCount - 1;
        if (start >= size) {
            start = size - 1;
            end = size - 2;
        }
        if (end >= size) {
            end = size - 1;
        }

        List<Item> items = new ArrayList<>();
        if (dontSort && (value instanceof ListValue || value instanceof ZSetValue)) {
            // Stored order, in the requested direction, only the requested range.
            for (long i = start; i <= end; i++) {
                int index = (int) (desc ? size - 1 - i : i);
                items.add(new Item(elementAt(value, index)));
            }
            end -= start;
            start = 0;
        } else if (value != null) {
            forEachElement(value, e -> items.add(new Item(e)));
        }

        boolean conversionError = false;
        if (!dontSort) {
            for (Item it : items) {
                byte[] weight = it.element;
                if (sortBy != null) {
                    weight = lookupByPattern(engine, db, sortBy, it.element);
                    if (weight == null) {
                        continue;
                    }
                }
                if (alpha) {
                    if (sortBy != null) {
                        it.cmp = weight;
                    }
                } else {
                    Double d = strtod(weight);
                    if (d == null) {
                        conversionError = true;
                    } else {
                        it.score = d;
                    }
                }
            }
            final boolean byAlpha = alpha;
            final boolean byPattern = sortBy != null;
            final int sign = desc ? -1 : 1;
            items.sort((x, y) -> sign * compare(x, y, byAlpha, byPattern));
        }

        int count = (int) Math.max(0, end - start + 1);
        int outputLen = gets.isEmpty() ? count : gets.size() * count;
        if (conversionError) {
            reply.error(NOT_DOUBLE);
            return;
        }
        if (storeKey == null) {
            reply.array(outputLen);
            for (int i = (int) start; i <= end; i++) {
                byte[] element = items.get(i).element;
                if (gets.isEmpty()) {
                    reply.bulk(element);
                } else {
                    for (byte[] g : gets) {
                        reply.bulk(lookupByPattern(engine, db, g, element));
                    }
                }
            }
            return;
        }
        byte[][] out = new byte[outputLen][];
        int n = 0;
        for (int i = (int) start; i <= end; i++) {
            byte[] element = items.get(i).element;
            if (gets.isEmpty()) {
                out[n++] = element;
            } else {
                for (byte[] g : gets) {
                    byte[] v = lookupByPattern(engine, db, g, element);
                    out[n++] = v == null ? new byte[0] : v;
                }
            }
        }
        if (outputLen > 0) {
            engine.lookupWrite(db, storeKey); // an expired destination is deleted (and propagated) first
            db.put(storeKey, ListValue.of(db.editToken(), out, outputLen), engine.newKeyAccess(), false);
            engine.addDirty(outputLen);
            engine.propagate(db.index(), argv);
        } else if (engine.lookupWrite(db, storeKey) != null) {
            db.remove(storeKey);
            engine.addDirty(1);
            engine.propagate(db.index(), argv);
        }
        reply.integer(outputLen);
    }

    private static int compare(Item x, Item y, boolean alpha, boolean byPattern) {
        if (!alpha) {
            int c = Double.compare(x.score, y.score);
            if (x.score == y.score) {
                c = 0; // -0.0 and 0.0 are equal weights
            }
            return c != 0 ? c : Arrays.compareUnsigned(x.element, y.element);
        }
        if (byPattern) {
            if (x.cmp == null || y.cmp == null) {
                return x.cmp == y.cmp ? 0 : x.cmp == null ? -1 : 1;
            }
            return Arrays.compareUnsigned(x.cmp, y.cmp);
        }
        return Arrays.compareUnsigned(x.element, y.element);
    }

    /**
     * The value {@code pattern} names for {@code element}, or {@code null}: {@code #} is the
     * element; otherwise the first {@code *} is replaced by the element, and a {@code ->field}
     * after it (with a non-empty field) reads that field of a hash. A pattern without {@code *},
     * a missing key, or a key of another type gives {@code null}.
     */
    static byte[] lookupByPattern(Engine engine, Database db, byte[] pattern, byte[] element) {
        if (pattern.length == 1 && pattern[0] == '#') {
            return element;
        }
        int star = indexOf(pattern, (byte) '*', 0);
        if (star < 0) {
            return null;
        }
        int arrow = indexOfArrow(pattern, star + 1);
        int keyEnd = arrow >= 0 ? arrow : pattern.length;
        byte[] key = new byte[star + element.length + (keyEnd - star - 1)];
        System.arraycopy(pattern, 0, key, 0, star);
        System.arraycopy(element, 0, key, star, element.length);
        System.arraycopy(pattern, star + 1, key, star + element.length, keyEnd - star - 1);
        Object v = engine.lookupRead(db, key);
        if (v == null) {
            return null;
        }
        if (arrow >= 0) {
            return v instanceof HashValue h ? h.get(Arrays.copyOfRange(pattern, arrow + 2, pattern.length)) : null;
        }
        return v instanceof byte[] s ? s : null;
    }

    /** Position of the first {@code ->} at or after {@code from} that is followed by a field name, or -1. */
    private static int indexOfArrow(byte[] p, int from) {
        for (int i = from; i + 1 < p.length; i++) {
            if (p[i] == '-' && p[i + 1] == '>') {
                return i + 2 < p.length ? i : -1;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] b, byte c, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** C {@code strtod} with Redis' checks: whole string, no ERANGE, no NaN; {@code null} if refused. */
    static Double strtod(byte[] s) {
        if (s.length == 0) {
            return 0.0; // no conversion, and the end pointer is at the terminating NUL
        }
        int i = 0;
        while (i < s.length && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) {
            i++;
        }
        if (i == s.length) {
            return null;
        }
        try {
            return Scores.parse(i == 0 ? s : Arrays.copyOfRange(s, i, s.length), NOT_DOUBLE);
        } catch (Args.ArgException e) {
            return null;
        }
    }

    private static int sizeOf(Object v) {
        if (v instanceof ListValue l) {
            return l.size();
        }
        if (v instanceof SetValue s) {
            return s.size();
        }
        return ((ZSetValue) v).size();
    }

    private static byte[] elementAt(Object v, int index) {
        if (v instanceof ListValue l) {
            return (byte[]) l.items().get(index);
        }
        return ((ZSetValue) v).at(index).member();
    }

    private static void forEachElement(Object v, java.util.function.Consumer<byte[]> action) {
        if (v instanceof ListValue l) {
            var c = l.items().cursor(0);
            while (c.hasNext()) {
                action.accept((byte[]) c.next());
            }
        } else if (v instanceof SetValue s) {
            for (byte[] m : s.members()) {
                action.accept(m);
            }
        } else {
            ZSetValue z = (ZSetValue) v;
            for (int i = 0; i < z.size(); i++) {
                action.accept(z.at(i).member());
            }
        }
    }
}
