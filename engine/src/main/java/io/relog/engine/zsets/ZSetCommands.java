package io.relog.engine.zsets;

import io.relog.engine.pubsub.KeyspaceEvents;
import io.relog.engine.Engine;
import io.relog.engine.Session;
import io.relog.engine.command.Args;
import io.relog.engine.command.Errors;
import io.relog.engine.command.Reply;
import io.relog.engine.command.ScanOptions;
import io.relog.engine.keys.KeyCommands;
import io.relog.engine.keyspace.Database;
import io.relog.engine.pattern.Glob;
import io.relog.engine.types.CountedTree;
import io.relog.engine.types.Scores;
import io.relog.engine.types.ZSetValue;
import io.relog.engine.types.ZSetValue.Entry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sorted-set commands (Redis' {@code t_zset.c} group) without the blocking variants. Any
 * value other than a sorted set is {@code WRONGTYPE}, except that the set operations (ZUNION,
 * ZINTER, ZDIFF and their STORE forms, ZINTERCARD) also accept plain sets as inputs, each member
 * scoring 1, through {@link #source}.
 *
 * <p><b>Propagation.</b> Every sorted-set write is deterministic given the keyspace (ZADD INCR and
 * ZINCRBY included), so a command that changed something is propagated as the client sent it;
 * ZMPOP becomes {@code ZPOPMIN key n} / {@code ZPOPMAX key n} of what it popped. ZRANDMEMBER
 * reads only and propagates nothing. A set emptied by a write is deleted.
 */
public final class ZSetCommands {

    private ZSetCommands() {
    }

    private static final byte[] ZPOPMIN = "ZPOPMIN".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ZPOPMAX = "ZPOPMAX".getBytes(StandardCharsets.US_ASCII);
    static final String NOT_FLOAT_RANGE = "ERR min or max is not a float";
    static final String NOT_LEX_RANGE = "ERR min or max not valid string range item";
    static final String NAN = "ERR resulting score is not a number (NaN)";
    static final String POSITIVE = "ERR value is out of range, must be positive";

    private static Database db(Engine engine, Session session) {
        return engine.db(session.db());
    }

    /** The sorted set {@code v}, or throws WRONGTYPE; {@code null} stays {@code null}. */
    static ZSetValue zset(Object v) {
        return io.relog.engine.types.CollectionValue.as(v, ZSetValue.class);
    }


    private static void notify(Engine engine, Database db, String event, byte[] key) {
        engine.notifyKeyspaceEvent(KeyspaceEvents.ZSET, event, key, db.index());
    }

    /** The command name in lower case: the event of commands named after what they do (ZREMRANGEBY*, Z*STORE). */
    private static String event(byte[][] argv) {
        return new String(argv[0], java.nio.charset.StandardCharsets.US_ASCII).toLowerCase(java.util.Locale.ROOT);
    }

    // ------------------------------------------------------------------ ZADD / ZINCRBY / ZREM

    /** ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]. */
    public static void zadd(Engine engine, Session session, byte[][] argv, Reply reply) {
        boolean nx = false;
        boolean xx = false;
        boolean gt = false;
        boolean lt = false;
        boolean ch = false;
        boolean incr = false;
        int i = 2;
        for (; i < argv.length; i++) {
            byte[] a = argv[i];
            if (Args.is(a, "nx")) {
                nx = true;
            } else if (Args.is(a, "xx")) {
                xx = true;
            } else if (Args.is(a, "gt")) {
                gt = true;
            } else if (Args.is(a, "lt")) {
                lt = true;
            } else if (Args.is(a, "ch")) {
                ch = true;
            } else if (Args.is(a, "incr")) {
                incr = true;
            } else {
                break;
            }
        }
        int elements = argv.length - i;
        if (elements % 2 != 0 || elements == 0) {
            throw new Args.ArgException(Errors.SYNTAX);
        }
        elements /= 2;
        if (nx && xx) {
            throw new Args.ArgException("ERR XX and NX options at the same time are not compatible");
        }
        if ((gt && nx) || (lt && nx) || (gt && lt)) {
            throw new Args.ArgException("ERR GT, LT, and/or NX options at the same time are not compatible");
        }
        if (incr && elements > 1) {
            throw new Args.ArgException("ERR INCR option supports a single increment-element pair");
        }
        double[] scores = new double[elements];
        for (int j = 0; j < elements; j++) {
            scores[j] = Scores.parse(argv[i + 2 * j], Errors.NOT_FLOAT);
        }
        Database db = db(engine, session);
        byte[] key = argv[1];
        ZSetValue z = zset(engine.lookupWrite(db, key));
        if (z == null) {
            if (xx) {
                if (incr) {
                    reply.nullBulk();
                } else {
                    reply.integer(0);
                }
                return;
            }
            z = newZSet(engine, db, argv[i + 1]);
        } else {
            z = db.editable(key, z);
        }
        int added = 0;
        int changed = 0;
        double result = 0;
        boolean aborted = false;
        for (int j = 0; j < elements; j++) {
            byte[] member = argv[i + 2 * j + 1];
            double score = scores[j];
            Double cur = z.score(member);
            if (cur != null) {
                if (nx) {
                    aborted = true;
                    continue;
                }
                double next = incr ? cur + score : score;
                if (Double.isNaN(next)) {
                    finishAdd(engine, db, key, z, argv, added + changed, incr ? "zincr" : "zadd");
                    reply.error(NAN);
                    return;
                }
                if ((gt && next <= cur) || (lt && next >= cur)) {
                    aborted = true;
                    continue;
                }
                result = next;
                if (next != cur) {
                    z.put(next, member, engine.zsetMaxListpackEntries(), engine.zsetMaxListpackValue());
                    changed++;
                }
            } else {
                if (xx) {
                    aborted = true;
                    continue;
                }
                z.put(score, member, engine.zsetMaxListpackEntries(), engine.zsetMaxListpackValue());
                result = score;
                added++;
            }
        }
        finishAdd(engine, db, key, z, argv, added + changed, incr ? "zincr" : "zadd");
        if (incr) {
            if (aborted) {
                reply.nullBulk();
            } else {
                Scores.reply(reply, result);
            }
        } else {
            reply.integer(ch ? added + changed : added);
        }
    }

    /** An empty set for a new key whose first member is {@code first}, in the form Redis would create. */
    private static ZSetValue newZSet(Engine engine, Database db, byte[] first) {
        return engine.zsetMaxListpackEntries() == 0 || first.length > engine.zsetMaxListpackValue()
                ? ZSetValue.skiplist(db.editToken()) : new ZSetValue(db.editToken());
    }

    private static void finishAdd(Engine engine, Database db, byte[] key, ZSetValue z, byte[][] argv, int changes,
                                  String event) {
        if (changes == 0) {
            return;
        }
        if (db.peek(key) != z) {
            db.put(key, z, engine.newKeyAccess(), false);
        }
        notify(engine, db, event, key);
        engine.propagate(db.index(), argv);
        engine.addDirty(changes);
    }

    /** ZINCRBY key increment member. */
    public static void zincrby(Engine engine, Session session, byte[][] argv, Reply reply) {
        double by = Scores.parse(argv[2], Errors.NOT_FLOAT);
        Database db = db(engine, session);
        byte[] key = argv[1];
        ZSetValue z = zset(engine.lookupWrite(db, key));
        z = z == null ? newZSet(engine, db, argv[3]) : db.editable(key, z);
        Double cur = z.score(argv[3]);
        double next = cur == null ? by : cur + by;
        if (Double.isNaN(next)) {
            reply.error(NAN);
            return;
        }
        if (cur == null || next != cur) { // an unchanged score is no write, as in Redis
            z.put(next, argv[3], engine.zsetMaxListpackEntries(), engine.zsetMaxListpackValue());
            if (db.peek(key) != z) {
                db.put(key, z, engine.newKeyAccess(), false);
            }
            notify(engine, db, "zincr", key);
            engine.propagate(db.index(), argv);
            engine.addDirty(1);
        }
        Scores.reply(reply, next);
    }

    public static void zrem(Engine engine, Session session, byte[][] argv, Reply reply) {
        Database db = db(engine, session);
        byte[] key = argv[1];
        ZSetValue z = zset(engine.lookupWrite(db, key));
        if (z == null) {
            reply.integer(0);
            return;
        }
        z = db.editable(key, z);
        int removed = 0;
        for (int i = 2; i < argv.length && z.size() > 0; i++) {
            if (z.remove(argv[i])) {
                removed++;
            }
        }
        if (removed > 0) {
            notify(engine, db, "zrem", key);
            engine.deleteIfEmpty(db, key, z);
            engine.propagate(db.index(), argv);
            engine.addDirty(removed);
        }
        reply.integer(removed);
    }

    // ------------------------------------------------------------------ point reads

    public static void zcard(Engine engine, Session session, byte[][] argv, Reply reply) {
        ZSetValue z = zset(engine.lookupRead(db(engine, session), argv[1]));
        reply.integer(z == null ? 0 : z.size());
    }

    public static void zscore(Engine engine, Session session, byte[][] argv, Reply reply) {
        ZSetValue z = zset(engine.lookupRead(db(engine, session), argv[1]));
        Double s = z == null ? null : z.score(argv[2]);
        if (s == null) {
            reply.nullBulk();
        } else {
            Scores.reply(reply, s);
        }
    }

    public static void zmscore(Engine engine, Session session, byte[][] argv, Reply reply) {
        ZSetValue z = zset(engine.lookupRead(db(engine, session), argv[1]));
        reply.array(argv.length - 2);
        for (int i = 2; i < argv.length; i++) {
            Double s = z == null ? null : z.score(argv[i]);
            if (s == null) {
                reply.nullBulk();
            } else {
                Scores.reply(reply, s);
            }
        }
    }

    public static void zrank(Engine engine, Session session, byte[][] argv, Reply reply) {
        rank(engine, session, argv, reply, false);
    }

    public static void zrevrank(Engine engine, Session session, byte[][] argv, Reply reply) {
        rank(engine, session, argv, reply, true);
    }

    private static void rank(Engine engine, Session session, byte[][] argv, Reply reply, boolean rev) {
        ZSetValue z = zset(engine.lookupRead(db(engine, session), argv[1]));
        int r = z == null ? -1 : z.rank(argv[2]);
        if (r < 0) {
            reply.nullBulk();
        } else {
            reply.integer(rev ? z.size() - 1 - r : r);
        }
    }

    // ------------------------------------------------------------------ ranges

    /** A score interval: {@code min}/{@code max} with exclusive flags, as Redis' zrangespec. */
    record ScoreRange(double min, boolean minEx, double max, boolean maxEx) {
        static ScoreRange parse(byte[] min, byte[] max) {
            boolean minEx = min.length > 0 && min[0] == '(';
            boolean maxEx = max.length > 0 && max[0] == '(';
            double lo = Scores.parseBound(minEx ? java.util.Arrays.copyOfRange(min, 1, min.length) : min, NOT_FLOAT_RANGE);
            double hi = Scores.parseBound(maxEx ? java.util.Arrays.copyOfRange(max, 1, max.length) : max, NOT_FLOAT_RANGE);
            return new ScoreRange(lo, minEx, hi, maxEx);
        }

        /** First rank inside the range. */
        int from(ZSetValue z) {
            return z.rankOfScore(min, minEx);
        }

        /** One past the last rank inside the range (not below {@link #from}). */
        int to(ZSetValue z) {
            if (min > max || (min == max && (minEx || maxEx))) {
                return from(z);
            }
            return Math.max(from(z), z.rankOfScore(max, !maxEx));
        }
    }

    /** A lexicographic interval: {@code -}, {@code +}, {@code [x} or {@code (x} at each end. */
    record LexRange(byte[] min, int minKind, byte[] max, int maxKind) {
        static final int NEG_INF = 0;
        static final int POS_INF = 1;
        static final int INCL = 2;
        static final int EXCL = 3;

        static LexRange parse(byte[] min, byte[] max) {
            return new LexRange(item(min), kind(min), item(max), kind(max));
        }

        private static int kind(byte[] a) {
            if (a.length == 1 && a[0] == '-') {
                return NEG_INF;
            }
            if (a.length == 1 && a[0] == '+') {
                return POS_INF;
            }
            if (a.length > 0 && a[0] == '[') {
                return INCL;
            }
            if (a.length > 0 && a[0] == '(') {
                return EXCL;
            }
            throw new Args.ArgException(NOT_LEX_RANGE);
        }

        private static byte[] item(byte[] a) {
            return a.length > 0 ? java.util.Arrays.copyOfRange(a, 1, a.length) : a;
        }

        private static int bound(ZSetValue z, int kind, byte[] m, boolean lower) {
            return switch (kind) {
                case NEG_INF -> 0;
                case POS_INF -> z.size();
                case INCL -> z.rankOfMember(m, !lower);
                default -> z.rankOfMember(m, lower);
            };
        }

        int from(ZSetValue z) {
            return bound(z, minKind, min, true);
        }

        int to(ZSetValue z) {
            return Math.max(from(z), bound(z, maxKind, max, false));
        }
    }

    private static final int BY_RANK = 0;
    private static final int BY_SCORE = 1;
    private static final int BY_LEX = 2;

    /**
     * The entries a ZRANGE-family request selects, in reply order. {@code min}/{@code max} are as
     * the client gave them (for REV with BYSCORE/BYLEX, the client gives max first).
     */
    private static List<Entry> select(ZSetValue z, int by, boolean rev, byte[] a, byte[] b,
                                      long offset, long limit, long[] rankArgs, ScoreRange sr, LexRange lr) {
        List<Entry> out = new ArrayList<>();
        if (z == null) {
            return out;
        }
        int size = z.size();
        if (by == BY_RANK) {
            long start = rankArgs[0];
            long end = rankArgs[1];
            if (start < 0) {
                start = Math.max(0, size + start);
            }
            if (end < 0) {
                end = size + end;
            }
            if (start > end || start >= size) {
                return out;
            }
            end = Math.min(end, size - 1);
            if (!rev) {
                CountedTree.Cursor c = z.order().cursor((int) start);
                for (long i = start; i <= end; i++) {
                    out.add((Entry) c.next());
                }
            } else {
                CountedTree.Cursor c = z.order().cursor((int) (size - start));
                for (long i = start; i <= end; i++) {
                    out.add((Entry) c.previous());
                }
            }
            return out;
        }
        int from = by == BY_SCORE ? sr.from(z) : lr.from(z);
        int to = by == BY_SCORE ? sr.to(z) : lr.to(z);
        if (offset < 0) {
            return out;
        }
        long available = to - from - offset;
        if (available <= 0) {
            return out;
        }
        long n = limit < 0 ? available : Math.min(limit, available);
        if (!rev) {
            CountedTree.Cursor c = z.order().cursor((int) (from + offset));
            for (long i = 0; i < n; i++) {
                out.add((Entry) c.next());
            }
        } else {
            CountedTree.Cursor c = z.order().cursor((int) (to - offset));
            for (long i = 0; i < n; i++) {
                out.add((Entry) c.previous());
            }
        }
        return out;
    }

    /** Replies entries: members, or member/score pairs (flat in RESP2, nested in RESP3). */
    private static void replyEntries(Reply reply, List<Entry> entries, boolean withScores) {
        if (!withScores) {
            reply.array(entries.size());
            for (Entry e : entries) {
                reply.bulk(e.member());
            }
            return;
        }
        boolean nested = reply.protocol() >= 3;
        reply.array(nested ? entries.size() : 2 * entries.size());
        for (Entry e : entries) {
            if (nested) {
                reply.array(2);
            }
            reply.bulk(e.member());
            Scores.reply(reply, e.score());
        }
    }

    public static void zrange(Engine engine, Session session, byte[][] argv, Reply reply) {
        range(engine, session, argv, reply, null, -1, false);
    }

    public static void zrangestore(Engine engine, Session session, byte[][] argv, Reply reply) {
        range(engine, session, argv, reply, argv[1], -1, false);
    }

    public static void zrevrange(Engine engine, Session session, byte[][] argv, Reply reply) {
        range(engine, session, argv, reply, null, BY_RANK, true);
    }

    public static void zrangebyscore(Engine engine, Session session, byte[][] argv, Reply reply) {
        range(engine, session, argv, reply, null, BY_SCORE, false);
    }

    public static void zrevrangebyscore(Engine engine, Session session, byte[][] argv, Reply reply) {
        range(engine, session, argv, reply, null, BY_SCORE, true);
    }

    public static void zrangebylex(Engine engine, Session session, byte[][] argv, Reply reply) {
        range(engine, session, argv, reply, null, BY_LEX, false);
    }

    public static void zrevrangebylex(Engine engine, Session session, byte[][] argv, Reply reply) {
        range(engine, session, argv, reply, null, BY_LEX, true);
    }

    /**
     * The ZRANGE family. {@code fixedBy} is -1 for ZRANGE/ZRANGESTORE (type and direction from
     * options), else the type of the legacy command, whose direction is {@code fixedRev}.
     */
    private static void range(Engine engine, Session session, byte[][] argv, Reply reply, byte[] dst,
                              int fixedBy, boolean fixedRev) {
        int k = dst == null ? 1 : 2;
        byte[] key = argv[k];
        byte[] a = argv[k + 1];
        byte[] b = argv[k + 2];
        int by = fixedBy < 0 ? BY_RANK : fixedBy;
        boolean byChosen = fixedBy >= 0;
        boolean rev = fixedRev;
        boolean revChosen = fixedBy >= 0;
        boolean withScores = false;
        boolean hasLimit = false;
        long offset = 0;
        long limit = -1;
        for (int i = k + 3; i < argv.length; i++) {
            byte[] o = argv[i];
            if (dst == null && Args.is(o, "withscores")) {
                withScores = true;
            } else if (Args.is(o, "limit") && i + 2 < argv.length) {
                offset = Args.parseLong(argv[i + 1]);
                limit = Args.parseLong(argv[i + 2]);
                hasLimit = true;
                i += 2;
            } else if (!revChosen && Args.is(o, "rev")) {
                rev = true;
                revChosen = true;
            } else if (!byChosen && Args.is(o, "byscore")) {
                by = BY_SCORE;
                byChosen = true;
            } else if (!byChosen && Args.is(o, "bylex")) {
                by = BY_LEX;
                byChosen = true;
            } else {
                throw new Args.ArgException(Errors.SYNTAX);
            }
        }
        if (hasLimit && by == BY_RANK) {
            throw new Args.ArgException("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
        }
        if (withScores && by == BY_LEX) {
            throw new Args.ArgException("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
        }
        // With REV, BYSCORE and BYLEX take the maximum first.
        byte[] min = rev && by != BY_RANK ? b : a;
        byte[] max = rev && by != BY_RANK ? a : b;
        long[] rankArgs = null;
        ScoreRange sr = null;
        LexRange lr = null;
        switch (by) {
            case BY_RANK -> rankArgs = new long[] {Args.parseLong(a), Args.parseLong(b)};
            case BY_SCORE -> sr = ScoreRange.parse(min, max);
            default -> lr = LexRange.parse(min, max);
        }
        Database db = db(engine, session);
        if (dst == null) {
            ZSetValue z = zset(engine.lookupRead(db, key));
            replyEntries(reply, select(z, by, rev, min, max, offset, limit, rankArgs, sr, lr), withScores);
            return;
        }
        ZSetValue z = zset(engine.lookupRead(db, key));
        List<Entry> result = select(z, by, rev, min, max, offset, limit, rankArgs, sr, lr);
        store(engine, db, dst, result, argv);
        reply.integer(result.size());
    }

    /** Stores {@code entries} as a new sorted set at {@code dst} (deleting it when empty); propagates on change. */
    private static void store(Engine engine, Database db, byte[] dst, List<Entry> entries, byte[][] argv) {
        Object old = engine.lookupWrite(db, dst);
        if (entries.isEmpty()) {
            if (old != null) {
                db.remove(dst);
                engine.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", dst, db.index());
                engine.propagate(db.index(), argv);
                engine.addDirty(1);
            }
            return;
        }
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort((x, y) -> ZSetValue.compare(x.score(), x.member(), y.score(), y.member()));
        ZSetValue z = ZSetValue.ofSorted(db.editToken(), sorted, engine.zsetMaxListpackEntries(),
                engine.zsetMaxListpackValue());
        db.put(dst, z, engine.newKeyAccess(), false);
        notify(engine, db, event(argv), dst);
        engine.propagate(db.index(), argv);
        engine.addDirty(1);
    }

    public static void zcount(Engine engine, Session session, byte[][] argv, Reply reply) {
        ScoreRange r = ScoreRange.parse(argv[2], argv[3]);
        ZSetValue z = zset(engine.lookupRead(db(engine, session), argv[1]));
        reply.integer(z == null ? 0 : r.to(z) - r.from(z));
    }

    public static void zlexcount(Engine engine, Session session, byte[][] argv, Reply reply) {
        LexRange r = LexRange.parse(argv[2], argv[3]);
        ZSetValue z = zset(engine.lookupRead(db(engine, session), argv[1]));
        reply.integer(z == null ? 0 : r.to(z) - r.from(z));
    }

    public static void zremrangebyrank(Engine engine, Session session, byte[][] argv, Reply reply) {
        long start = Args.parseLong(argv[2]);
        long end = Args.parseLong(argv[3]);
        removeRange(engine, session, argv, reply, z -> {
            int size = z.size();
            long s = start < 0 ? Math.max(0, size + start) : start;
            long e = end < 0 ? size + end : end;
            if (s > e || s >= size) {
                return new int[] {0, 0};
            }
            return new int[] {(int) s, (int) Math.min(e, size - 1) + 1};
        });
    }

    public static void zremrangebyscore(Engine engine, Session session, byte[][] argv, Reply reply) {
        ScoreRange r = ScoreRange.parse(argv[2], argv[3]);
        removeRange(engine, session, argv, reply, z -> new int[] {r.from(z), r.to(z)});
    }

    public static void zremrangebylex(Engine engine, Session session, byte[][] argv, Reply reply) {
        LexRange r = LexRange.parse(argv[2], argv[3]);
        removeRange(engine, session, argv, reply, z -> new int[] {r.from(z), r.to(z)});
    }

    private static void removeRange(Engine engine, Session session, byte[][] argv, Reply reply,
                                    java.util.function.Function<ZSetValue, int[]> ranks) {
        Database db = db(engine, session);
        byte[] key = argv[1];
        ZSetValue z = zset(engine.lookupWrite(db, key));
        if (z == null) {
            reply.integer(0);
            return;
        }
        int[] r = ranks.apply(z);
        int n = r[1] - r[0];
        if (n <= 0) {
            reply.integer(0);
            return;
        }
        z = db.editable(key, z);
        z.removeRange(r[0], r[1]);
        notify(engine, db, event(argv), key);
        engine.deleteIfEmpty(db, key, z);
        engine.propagate(db.index(), argv);
        engine.addDirty(n);
        reply.integer(n);
    }

    // ------------------------------------------------------------------ pops

    public static void zpopmin(Engine engine, Session session, byte[][] argv, Reply reply) {
        pop(engine, session, argv, reply, true);
    }

    public static void zpopmax(Engine engine, Session session, byte[][] argv, Reply reply) {
        pop(engine, session, argv, reply, false);
    }

    private static void pop(Engine engine, Session session, byte[][] argv, Reply reply, boolean min) {
        if (argv.length > 3) {
            throw new Args.ArgException(Errors.SYNTAX);
        }
        boolean hasCount = argv.length == 3;
        long count = 1;
        if (hasCount) {
            count = Args.parseLong(argv[2], POSITIVE);
            if (count < 0) {
                throw new Args.ArgException(POSITIVE);
            }
        }
        Database db = db(engine, session);
        byte[] key = argv[1];
        ZSetValue z = zset(engine.lookupWrite(db, key));
        if (z == null || count == 0) {
            reply.array(0);
            return;
        }
        List<Entry> popped = popEntries(engine, db, key, z, count, min);
        boolean nested = hasCount && reply.protocol() >= 3;
        replyEntries(reply, popped, true, nested);
        engine.propagate(db.index(), argv);
        engine.addDirty(popped.size());
    }

    private static void replyEntries(Reply reply, List<Entry> entries, boolean withScores, boolean nested) {
        reply.array(nested ? entries.size() : 2 * entries.size());
        for (Entry e : entries) {
            if (nested) {
                reply.array(2);
            }
            reply.bulk(e.member());
            Scores.reply(reply, e.score());
        }
    }

    private static List<Entry> popEntries(Engine engine, Database db, byte[] key, ZSetValue z, long count,
                                          boolean min) {
        z = db.editable(key, z);
        int size = z.size();
        int n = (int) Math.min(count, size);
        List<Entry> out = new ArrayList<>(n);
        CountedTree.Cursor c = z.order().cursor(min ? 0 : size);
        for (int i = 0; i < n; i++) {
            out.add((Entry) (min ? c.next() : c.previous()));
        }
        if (min) {
            z.removeRange(0, n);
        } else {
            z.removeRange(size - n, size);
        }
        notify(engine, db, min ? "zpopmin" : "zpopmax", key);
        engine.deleteIfEmpty(db, key, z);
        return out;
    }

    /** ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]. */
    public static void zmpop(Engine engine, Session session, byte[][] argv, Reply reply) {
        long numkeys = Args.parseLong(argv[1], "ERR numkeys should be greater than 0");
        if (numkeys <= 0) {
            throw new Args.ArgException("ERR numkeys should be greater than 0");
        }
        if (numkeys > argv.length - 3) {
            throw new Args.ArgException(Errors.SYNTAX);
        }
        int whereAt = 2 + (int) numkeys;
        boolean min;
        if (Args.is(argv[whereAt], "min")) {
            min = true;
        } else if (Args.is(argv[whereAt], "max")) {
            min = false;
        } else {
            throw new Args.ArgException(Errors.SYNTAX);
        }
        long count = 1;
        boolean countSeen = false;
        for (int i = whereAt + 1; i < argv.length; i += 2) {
            if (!countSeen && Args.is(argv[i], "count") && i + 1 < argv.length) {
                count = Args.parseLong(argv[i + 1], "ERR count should be greater than 0");
                if (count <= 0) {
                    throw new Args.ArgException("ERR count should be greater than 0");
                }
                countSeen = true;
            } else {
                throw new Args.ArgException(Errors.SYNTAX);
            }
        }
        Database db = db(engine, session);
        for (int k = 2; k < whereAt; k++) {
            byte[] key = argv[k];
            ZSetValue z = zset(engine.lookupWrite(db, key));
            if (z == null) {
                continue;
            }
            List<Entry> popped = popEntries(engine, db, key, z, count, min);
            reply.array(2);
            reply.bulk(key);
            replyEntries(reply, popped, true, true);
            engine.propagate(db.index(), new byte[][] {min ? ZPOPMIN : ZPOPMAX, key, Args.bytes(popped.size())});
            engine.addDirty(popped.size());
            return;
        }
        reply.nullArray();
    }

    // ------------------------------------------------------------------ random, scan

    /** ZRANDMEMBER key [count [WITHSCORES]]: reads only; propagates nothing. */
    public static void zrandmember(Engine engine, Session session, byte[][] argv, Reply reply) {
        if (argv.length > 4 || (argv.length == 4 && !Args.is(argv[3], "withscores"))) {
            throw new Args.ArgException(Errors.SYNTAX);
        }
        boolean withScores = argv.length == 4;
        Database db = db(engine, session);
        if (argv.length == 2) {
            ZSetValue z = zset(engine.lookupRead(db, argv[1]));
            if (z == null) {
                reply.nullBulk();
            } else {
                reply.bulk(z.at(engine.random().nextInt(z.size())).member());
            }
            return;
        }
        long count = Args.parseLong(argv[2]);
        if (withScores && (count < -Long.MAX_VALUE / 2 || count > Long.MAX_VALUE / 2)) {
            throw new Args.ArgException("ERR value is out of range");
        }
        ZSetValue z = zset(engine.lookupRead(db, argv[1]));
        if (z == null || count == 0) {
            reply.array(0);
            return;
        }
        int size = z.size();
        List<Entry> out = new ArrayList<>();
        if (count < 0) {
            long n = -count;
            for (long i = 0; i < n; i++) {
                out.add(z.at(engine.random().nextInt(size)));
            }
        } else if (count >= size) {
            // The whole set, highest first, as Redis 7.0 returns it.
            for (CountedTree.Cursor c = z.order().cursor(size); c.hasPrevious(); ) {
                out.add((Entry) c.previous());
            }
        } else {
            // Distinct ranks by a partial Fisher-Yates shuffle over rank numbers.
            int[] ranks = new int[size];
            for (int i = 0; i < size; i++) {
                ranks[i] = i;
            }
            for (int i = 0; i < count; i++) {
                int j = i + engine.random().nextInt(size - i);
                int t = ranks[i];
                ranks[i] = ranks[j];
                ranks[j] = t;
                out.add(z.at(ranks[i]));
            }
        }
        replyEntries(reply, out, withScores);
    }

    /** ZSCAN key cursor [MATCH pattern] [COUNT count]. */
    public static void zscan(Engine engine, Session session, byte[][] argv, Reply reply) {
        long cursor = KeyCommands.parseCursor(argv[2]);
        ScanOptions opts = ScanOptions.parse(argv, 3);
        ZSetValue z = zset(engine.lookupRead(db(engine, session), argv[1]));
        List<Entry> found = new ArrayList<>();
        long next = 0;
        if (z != null) {
            if (z.dict() == null) {
                for (CountedTree.Cursor c = z.order().cursor(0); c.hasNext(); ) {
                    found.add((Entry) c.next());
                }
            } else if (cursor < (1L << 32)) {
                next = z.dict().scan(cursor, opts.count(),
                        (m, s) -> found.add(new Entry((Double) s, m)));
            }
        }
        List<Entry> out = new ArrayList<>(found.size());
        for (Entry e : found) {
            if (opts.matches(e.member())) {
                out.add(e);
            }
        }
        reply.array(2);
        reply.bulk(Long.toUnsignedString(next));
        reply.array(2 * out.size());
        for (Entry e : out) {
            reply.bulk(e.member());
            reply.bulk(Scores.bytes(e.score()));
        }
    }

    // ------------------------------------------------------------------ set operations

    /**
     * The members and scores of a set-operation input: a sorted set, or (after the hash/set
     * merge) a plain set whose members score 1. Throws WRONGTYPE for anything else.
     */
    interface Source {
        int size();

        /** The member's score, or {@code null} if absent. */
        Double score(byte[] member);

        void forEach(io.relog.engine.keyspace.ChampMap.EntryVisitor visitor);
    }

    /**
     * The input {@code v} (non-null) as a {@link Source}: a sorted set, or a plain set whose
     * members all score 1 (as Redis treats sets in ZUNION, ZINTER, ZDIFF and their STORE forms);
     * the transcript {@code redis-7.0.15-zset-set-inputs.txt} checks this against Redis.
     */
    static Source source(Object v) {
        if (v instanceof ZSetValue z) {
            return new Source() {
                @Override
                public int size() {
                    return z.size();
                }

                @Override
                public Double score(byte[] member) {
                    return z.score(member);
                }

                @Override
                public void forEach(io.relog.engine.keyspace.ChampMap.EntryVisitor visitor) {
                    z.forEachMember(visitor);
                }
            };
        }
        if (v instanceof io.relog.engine.types.SetValue set) {
            Double one = 1.0;
            return new Source() {
                @Override
                public int size() {
                    return set.size();
                }

                @Override
                public Double score(byte[] member) {
                    return set.contains(member) ? one : null;
                }

                @Override
                public void forEach(io.relog.engine.keyspace.ChampMap.EntryVisitor visitor) {
                    set.forEachMember(m -> visitor.visit(m, one));
                }
            };
        }
        throw new Args.ArgException(Errors.WRONGTYPE);
    }

    private static final int UNION = 0;
    private static final int INTER = 1;
    private static final int DIFF = 2;
    private static final int SUM = 0;
    private static final int MIN = 1;
    private static final int MAX = 2;

    public static void zunion(Engine engine, Session session, byte[][] argv, Reply reply) {
        setOp(engine, session, argv, reply, UNION, null, "zunion");
    }

    public static void zinter(Engine engine, Session session, byte[][] argv, Reply reply) {
        setOp(engine, session, argv, reply, INTER, null, "zinter");
    }

    public static void zdiff(Engine engine, Session session, byte[][] argv, Reply reply) {
        setOp(engine, session, argv, reply, DIFF, null, "zdiff");
    }

    public static void zunionstore(Engine engine, Session session, byte[][] argv, Reply reply) {
        setOp(engine, session, argv, reply, UNION, argv[1], "zunionstore");
    }

    public static void zinterstore(Engine engine, Session session, byte[][] argv, Reply reply) {
        setOp(engine, session, argv, reply, INTER, argv[1], "zinterstore");
    }

    public static void zdiffstore(Engine engine, Session session, byte[][] argv, Reply reply) {
        setOp(engine, session, argv, reply, DIFF, argv[1], "zdiffstore");
    }

    /** Parses {@code numkeys} at {@code at}; returns it, checked against the arguments left. */
    private static int numkeys(byte[][] argv, int at, String name) {
        long n = Args.parseLong(argv[at]);
        if (n < 1) {
            throw new Args.ArgException("ERR at least 1 input key is needed for '" + name + "' command");
        }
        if (n > argv.length - at - 1) {
            throw new Args.ArgException(Errors.SYNTAX);
        }
        return (int) n;
    }

    private static void setOp(Engine engine, Session session, byte[][] argv, Reply reply, int op, byte[] dst, String name) {
        int at = dst == null ? 1 : 2;
        int n = numkeys(argv, at, name);
        int first = at + 1;
        double[] weights = new double[n];
        java.util.Arrays.fill(weights, 1);
        int aggregate = SUM;
        boolean withScores = false;
        for (int i = first + n; i < argv.length; i++) {
            int left = argv.length - i - 1;
            if (op != DIFF && Args.is(argv[i], "weights") && left >= n) {
                for (int j = 0; j < n; j++) {
                    weights[j] = Scores.parse(argv[i + 1 + j], "ERR weight value is not a float");
                }
                i += n;
            } else if (op != DIFF && Args.is(argv[i], "aggregate") && left >= 1) {
                byte[] a = argv[++i];
                if (Args.is(a, "sum")) {
                    aggregate = SUM;
                } else if (Args.is(a, "min")) {
                    aggregate = MIN;
                } else if (Args.is(a, "max")) {
                    aggregate = MAX;
                } else {
                    throw new Args.ArgException(Errors.SYNTAX);
                }
            } else if (dst == null && Args.is(argv[i], "withscores")) {
                withScores = true;
            } else {
                throw new Args.ArgException(Errors.SYNTAX);
            }
        }
        Database db = db(engine, session);
        Source[] inputs = new Source[n];
        for (int j = 0; j < n; j++) {
            Object v = dst == null ? engine.lookupRead(db, argv[first + j]) : engine.lookupWrite(db, argv[first + j]);
            inputs[j] = v == null ? null : source(v);
        }
        List<Entry> result = compute(op, inputs, weights, aggregate);
        if (dst == null) {
            replyEntries(reply, result, withScores);
            return;
        }
        store(engine, db, dst, result, argv);
        reply.integer(result.size());
    }

    private static double weighted(double score, double weight) {
        double v = score * weight;
        return Double.isNaN(v) ? 0 : v;
    }

    private static double aggregate(double a, double b, int how) {
        return switch (how) {
            case MIN -> Math.min(a, b);
            case MAX -> Math.max(a, b);
            default -> {
                double s = a + b;
                yield Double.isNaN(s) ? 0 : s;
            }
        };
    }

    /** The result of a set operation, sorted by (score, member). Missing inputs are {@code null}. */
    static List<Entry> compute(int op, Source[] inputs, double[] weights, int how) {
        Map<ByteBuffer, Double> acc = new HashMap<>();
        switch (op) {
            case UNION -> {
                for (int j = 0; j < inputs.length; j++) {
                    if (inputs[j] == null) {
                        continue;
                    }
                    double w = weights[j];
                    inputs[j].forEach((m, s) -> acc.merge(ByteBuffer.wrap(m), weighted((Double) s, w),
                            (x, y) -> aggregate(x, y, how)));
                }
            }
            case INTER -> {
                int smallest = -1;
                for (int j = 0; j < inputs.length; j++) {
                    if (inputs[j] == null) {
                        return new ArrayList<>();
                    }
                    if (smallest < 0 || inputs[j].size() < inputs[smallest].size()) {
                        smallest = j;
                    }
                }
                int base = smallest;
                inputs[base].forEach((m, s) -> {
                    double total = 0;
                    boolean firstSeen = false;
                    for (int j = 0; j < inputs.length; j++) {
                        Double sj = j == base ? (Double) s : inputs[j].score(m);
                        if (sj == null) {
                            return;
                        }
                        double v = weighted(sj, weights[j]);
                        total = firstSeen ? aggregate(total, v, how) : v;
                        firstSeen = true;
                    }
                    acc.put(ByteBuffer.wrap(m), total);
                });
            }
            default -> {
                if (inputs[0] == null) {
                    return new ArrayList<>();
                }
                inputs[0].forEach((m, s) -> {
                    for (int j = 1; j < inputs.length; j++) {
                        if (inputs[j] != null && inputs[j].score(m) != null) {
                            return;
                        }
                    }
                    acc.put(ByteBuffer.wrap(m), (Double) s);
                });
            }
        }
        List<Entry> out = new ArrayList<>(acc.size());
        acc.forEach((m, s) -> out.add(new Entry(s, m.array())));
        out.sort((x, y) -> ZSetValue.compare(x.score(), x.member(), y.score(), y.member()));
        return out;
    }

    /** ZINTERCARD numkeys key [key ...] [LIMIT limit]. */
    public static void zintercard(Engine engine, Session session, byte[][] argv, Reply reply) {
        int n = numkeys(argv, 1, "zintercard");
        long limit = 0;
        for (int i = 2 + n; i < argv.length; i++) {
            if (Args.is(argv[i], "limit") && i + 1 < argv.length) {
                limit = Args.parseLong(argv[++i], "ERR LIMIT can't be negative");
                if (limit < 0) {
                    throw new Args.ArgException("ERR LIMIT can't be negative");
                }
            } else {
                throw new Args.ArgException(Errors.SYNTAX);
            }
        }
        Database db = db(engine, session);
        Source[] inputs = new Source[n];
        for (int j = 0; j < n; j++) {
            Object v = engine.lookupRead(db, argv[2 + j]);
            inputs[j] = v == null ? null : source(v);
        }
        List<Entry> all = compute(INTER, inputs, new double[n], SUM);
        reply.integer(limit == 0 ? all.size() : Math.min(limit, all.size()));
    }
}
