package io.relog.engine.strings;

import io.relog.engine.pubsub.KeyspaceEvents;
import io.relog.engine.Engine;
import io.relog.engine.Session;
import io.relog.engine.command.Args;
import io.relog.engine.command.Errors;
import io.relog.engine.command.Reply;
import io.relog.engine.keys.ExpireTimes;
import io.relog.engine.keyspace.Database;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The string commands (Redis' {@code t_string.c} group). A string is stored as a plain
 * {@code byte[]}; any other value type is {@code WRONGTYPE}.
 *
 * <p><b>Propagation.</b> A command whose effect is deterministic is propagated as the client sent
 * it (same argv, same letter case). A command that depends on the time or on the previous value is
 * rewritten, with upper-case names as Redis 7.0 writes them: relative or absolute expiry times
 * become {@code SET k v PXAT <ms>}, {@code INCRBYFLOAT} becomes {@code SET k <result> KEEPTTL},
 * {@code GETSET} becomes {@code SET k v}, {@code GETDEL} becomes {@code DEL k}, {@code GETEX}
 * becomes {@code PEXPIREAT}, {@code PERSIST} or {@code DEL}, and SET's {@code GET} option is
 * dropped. A command that changes nothing propagates nothing.
 */
public final class StringCommands {

    private StringCommands() {
    }

    static final byte[] SET = ascii("SET");
    static final byte[] PXAT = ascii("PXAT");
    static final byte[] KEEPTTL = ascii("KEEPTTL");
    static final byte[] PEXPIREAT = ascii("PEXPIREAT");
    static final byte[] PERSIST = ascii("PERSIST");
    static final byte[] EMPTY = new byte[0];

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static Database db(Engine engine, Session session) {
        return engine.db(session.db());
    }

    /** The string value of {@code v}, or throws WRONGTYPE; {@code null} stays {@code null}. */
    static byte[] string(Object v) {
        if (v == null || v instanceof byte[]) {
            return (byte[]) v;
        }
        throw new Args.ArgException(Errors.WRONGTYPE);
    }

    /** Publishes a string-class keyspace notification (no-op when notifications are off). */
    private static void notify(Engine engine, Database db, String event, byte[] key) {
        engine.notifyKeyspaceEvent(KeyspaceEvents.STRING, event, key, db.index());
    }

    private static void notifyGeneric(Engine engine, Database db, String event, byte[] key) {
        engine.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, event, key, db.index());
    }

    private static void store(Engine engine, Database db, byte[] key, byte[] value, boolean keepTtl) {
        db.put(key, value, engine.newKeyAccess(), keepTtl);
    }

    /** Stores with {@link StringEncoding} value flags. */
    private static void store(Engine engine, Database db, byte[] key, byte[] value, boolean keepTtl, int flags) {
        db.put(key, value, engine.newKeyAccess() | flags, keepTtl);
    }

    private static byte[][] setPxat(byte[] key, byte[] value, long whenMs) {
        return new byte[][] {SET, key, value, PXAT, Args.bytes(whenMs)};
    }

    // ------------------------------------------------------------------ GET / SET family

    public static void get(Engine engine, Session session, byte[][] argv, Reply reply) {
        Object v = engine.lookupRead(db(engine, session), argv[1]);
        if (v == null) {
            reply.nullBulk();
        } else if (v instanceof byte[] s) {
            reply.bulk(s);
        } else {
            reply.error(Errors.WRONGTYPE);
        }
    }

    private static final int SET_NX = 1;
    private static final int SET_XX = 2;
    private static final int SET_GET = 4;
    private static final int SET_KEEPTTL = 8;
    private static final int SET_EX = 16;
    private static final int SET_PX = 32;
    private static final int SET_EXAT = 64;
    private static final int SET_PXAT = 128;
    private static final int SET_ANY_EXPIRE = SET_EX | SET_PX | SET_EXAT | SET_PXAT;

    /** SET key value [NX | XX] [GET] [EX s | PX ms | EXAT s | PXAT ms | KEEPTTL]. */
    public static void set(Engine engine, Session session, byte[][] argv, Reply reply) {
        int flags = 0;
        byte[] expireArg = null;
        for (int i = 3; i < argv.length; i++) {
            byte[] a = argv[i];
            boolean hasNext = i + 1 < argv.length;
            int expire = expireOption(a);
            // Redis' rules: an option may repeat (the last value wins) but not meet its opposite.
            if (Args.is(a, "nx") && (flags & SET_XX) == 0) {
                flags |= SET_NX;
            } else if (Args.is(a, "xx") && (flags & SET_NX) == 0) {
                flags |= SET_XX;
            } else if (Args.is(a, "get")) {
                flags |= SET_GET;
            } else if (Args.is(a, "keepttl") && (flags & SET_ANY_EXPIRE) == 0) {
                flags |= SET_KEEPTTL;
            } else if (expire != 0 && hasNext && (flags & ((SET_ANY_EXPIRE & ~expire) | SET_KEEPTTL)) == 0) {
                flags |= expire;
                expireArg = argv[++i];
            } else {
                throw new Args.ArgException(Errors.SYNTAX);
            }
        }
        long when = -1;
        if (expireArg != null) {
            when = ExpireTimes.strict(expireArg, (flags & (SET_EX | SET_EXAT)) != 0,
                    (flags & (SET_EX | SET_PX)) != 0, engine.now(), "set");
        }
        Database db = db(engine, session);
        byte[] key = argv[1];
        // With GET the old value is read like GET reads it (counted as a hit or a miss).
        Object old;
        if ((flags & SET_GET) != 0) {
            old = engine.lookupRead(db, key);
        } else if ((flags & (SET_NX | SET_XX)) != 0 || engine.lfuPolicy()) {
            old = engine.lookupWrite(db, key); // under LFU this counts the use, as lookupKeyWrite does
        } else {
            // A plain SET replaces whatever is there and stamps the access time itself: only an
            // expired key must go first (deleted and propagated as DEL, as lookupWrite would).
            engine.expireIfNeeded(db, key);
            old = null;
        }
        if ((flags & SET_GET) != 0) {
            byte[] prev = string(old);
            reply.bulk(prev);
        }
        boolean found = old != null;
        if (((flags & SET_NX) != 0 && found) || ((flags & SET_XX) != 0 && !found)) {
            if ((flags & SET_GET) == 0) {
                reply.nullBulk();
            }
            return;
        }
        store(engine, db, key, argv[2], (flags & SET_KEEPTTL) != 0);
        notify(engine, db, "set", key);
        if (when >= 0) {
            db.setExpireAt(key, when);
            notifyGeneric(engine, db, "expire", key);
            engine.propagate(db.index(), setPxat(key, argv[2], when));
        } else if ((flags & SET_GET) != 0) {
            engine.propagate(db.index(), withoutGet(argv));
        } else {
            engine.propagate(db.index(), argv);
        }
        engine.addDirty(1);
        if ((flags & SET_GET) == 0) {
            reply.ok();
        }
    }

    private static int expireOption(byte[] a) {
        if (a.length == 2) {
            return Args.is(a, "ex") ? SET_EX : Args.is(a, "px") ? SET_PX : 0;
        }
        if (a.length == 4) {
            return Args.is(a, "exat") ? SET_EXAT : Args.is(a, "pxat") ? SET_PXAT : 0;
        }
        return 0;
    }

    private static byte[][] withoutGet(byte[][] argv) {
        int n = 0;
        for (int i = 3; i < argv.length; i++) {
            if (Args.is(argv[i], "get")) {
                n++;
            }
        }
        byte[][] out = new byte[argv.length - n][];
        int j = 0;
        for (int i = 0; i < argv.length; i++) {
            if (i < 3 || !Args.is(argv[i], "get")) {
                out[j++] = argv[i];
            }
        }
        return out;
    }

    public static void setnx(Engine engine, Session session, byte[][] argv, Reply reply) {
        Database db = db(engine, session);
        if (engine.lookupWrite(db, argv[1]) != null) {
            reply.integer(0);
            return;
        }
        store(engine, db, argv[1], argv[2], false);
        notify(engine, db, "set", argv[1]);
        engine.propagate(db.index(), argv);
        engine.addDirty(1);
        reply.integer(1);
    }

    public static void setex(Engine engine, Session session, byte[][] argv, Reply reply) {
        setWithTtl(engine, session, argv, reply, true, "setex");
    }

    public static void psetex(Engine engine, Session session, byte[][] argv, Reply reply) {
        setWithTtl(engine, session, argv, reply, false, "psetex");
    }

    private static void setWithTtl(Engine engine, Session session, byte[][] argv, Reply reply,
                                   boolean seconds, String name) {
        long when = ExpireTimes.strict(argv[2], seconds, true, engine.now(), name);
        Database db = db(engine, session);
        engine.lookupWrite(db, argv[1]);
        store(engine, db, argv[1], argv[3], false);
        db.setExpireAt(argv[1], when);
        notify(engine, db, "set", argv[1]);
        notifyGeneric(engine, db, "expire", argv[1]);
        engine.propagate(db.index(), setPxat(argv[1], argv[3], when));
        engine.addDirty(1);
        reply.ok();
    }

    public static void getset(Engine engine, Session session, byte[][] argv, Reply reply) {
        Database db = db(engine, session);
        byte[] prev = string(engine.lookupWrite(db, argv[1]));
        store(engine, db, argv[1], argv[2], false);
        notify(engine, db, "set", argv[1]);
        engine.propagate(db.index(), new byte[][] {SET, argv[1], argv[2]});
        engine.addDirty(1);
        reply.bulk(prev);
    }

    public static void getdel(Engine engine, Session session, byte[][] argv, Reply reply) {
        Database db = db(engine, session);
        byte[] v = string(engine.lookupRead(db, argv[1]));
        if (v != null) {
            db.remove(argv[1]);
            notifyGeneric(engine, db, "del", argv[1]);
            engine.propagate(db.index(), new byte[][] {Engine.DEL, argv[1]});
            engine.addDirty(1);
        }
        reply.bulk(v);
    }

    /** GETEX key [EX s | PX ms | EXAT s | PXAT ms | PERSIST]. */
    public static void getex(Engine engine, Session session, byte[][] argv, Reply reply) {
        int opt = 0;
        boolean persist = false;
        byte[] expireArg = null;
        for (int i = 2; i < argv.length; i++) {
            byte[] a = argv[i];
            int expire = expireOption(a);
            if (Args.is(a, "persist") && opt == 0) {
                persist = true;
            } else if (expire != 0 && i + 1 < argv.length && !persist && (opt & ~expire) == 0) {
                opt = expire;
                expireArg = argv[++i];
            } else {
                throw new Args.ArgException(Errors.SYNTAX);
            }
        }
        Database db = db(engine, session);
        byte[] key = argv[1];
        byte[] v = string(engine.lookupRead(db, key));
        if (v == null) {
            reply.nullBulk();
            return;
        }
        // Redis validates the time only once it has found a string to apply it to.
        long when = -1;
        if (expireArg != null) {
            when = ExpireTimes.strict(expireArg, (opt & (SET_EX | SET_EXAT)) != 0,
                    (opt & (SET_EX | SET_PX)) != 0, engine.now(), "getex");
        }
        if (when >= 0) {
            if (when <= engine.now() && !engine.isReplica()) {
                db.remove(key);
                notifyGeneric(engine, db, "del", key);
                engine.propagate(db.index(), new byte[][] {Engine.DEL, key});
            } else {
                db.setExpireAt(key, when);
                notifyGeneric(engine, db, "expire", key);
                engine.propagate(db.index(), new byte[][] {PEXPIREAT, key, Args.bytes(when)});
            }
            engine.addDirty(1);
        } else if (persist && db.persist(key)) {
            notifyGeneric(engine, db, "persist", key);
            engine.propagate(db.index(), new byte[][] {PERSIST, key});
            engine.addDirty(1);
        }
        reply.bulk(v);
    }

    public static void mget(Engine engine, Session session, byte[][] argv, Reply reply) {
        Database db = db(engine, session);
        reply.array(argv.length - 1);
        for (int i = 1; i < argv.length; i++) {
            Object v = engine.lookupRead(db, argv[i]);
            if (v instanceof byte[] s) {
                reply.bulk(s);
            } else {
                reply.nullBulk();
            }
        }
    }

    public static void mset(Engine engine, Session session, byte[][] argv, Reply reply) {
        if (argv.length % 2 == 0) {
            throw new Args.ArgException(Errors.wrongArgs("mset"));
        }
        Database db = db(engine, session);
        for (int i = 1; i < argv.length; i += 2) {
            engine.lookupWrite(db, argv[i]);
            store(engine, db, argv[i], argv[i + 1], false);
            notify(engine, db, "set", argv[i]);
        }
        engine.propagate(db.index(), argv);
        engine.addDirty(argv.length / 2);
        reply.ok();
    }

    public static void msetnx(Engine engine, Session session, byte[][] argv, Reply reply) {
        if (argv.length % 2 == 0) {
            throw new Args.ArgException(Errors.wrongArgs("msetnx"));
        }
        Database db = db(engine, session);
        for (int i = 1; i < argv.length; i += 2) {
            if (engine.lookupWrite(db, argv[i]) != null) {
                reply.integer(0);
                return;
            }
        }
        for (int i = 1; i < argv.length; i += 2) {
            store(engine, db, argv[i], argv[i + 1], false);
            notify(engine, db, "set", argv[i]);
        }
        engine.propagate(db.index(), argv);
        engine.addDirty(argv.length / 2);
        reply.integer(1);
    }

    // ------------------------------------------------------------------ counters

    public static void incr(Engine engine, Session session, byte[][] argv, Reply reply) {
        incrBy(engine, session, argv, reply, 1);
    }

    public static void decr(Engine engine, Session session, byte[][] argv, Reply reply) {
        incrBy(engine, session, argv, reply, -1);
    }

    public static void incrby(Engine engine, Session session, byte[][] argv, Reply reply) {
        incrBy(engine, session, argv, reply, Args.parseLong(argv[2]));
    }

    public static void decrby(Engine engine, Session session, byte[][] argv, Reply reply) {
        long by = Args.parseLong(argv[2]);
        if (by == Long.MIN_VALUE) {
            throw new Args.ArgException("ERR decrement would overflow");
        }
        incrBy(engine, session, argv, reply, -by);
    }

    private static void incrBy(Engine engine, Session session, byte[][] argv, Reply reply, long by) {
        Database db = db(engine, session);
        byte[] cur = string(engine.lookupWrite(db, argv[1]));
        long v = cur == null ? 0 : Args.parseLong(cur);
        long r = v + by;
        if (((v ^ r) & (by ^ r)) < 0) {
            throw new Args.ArgException(Errors.OVERFLOW);
        }
        store(engine, db, argv[1], Args.bytes(r), true);
        notify(engine, db, "incrby", argv[1]);
        engine.propagate(db.index(), argv);
        engine.addDirty(1);
        reply.integer(r);
    }

    public static void incrbyfloat(Engine engine, Session session, byte[][] argv, Reply reply) {
        Database db = db(engine, session);
        byte[] cur = string(engine.lookupWrite(db, argv[1]));
        byte[] out;
        try {
            // Redis reads the stored value first, then the increment.
            BigDecimal value = cur == null ? BigDecimal.ZERO : LongDouble.parse(cur);
            BigDecimal by = LongDouble.parse(argv[2]);
            out = LongDouble.format(LongDouble.add(value, by));
        } catch (LongDouble.NotFinite e) {
            throw new Args.ArgException("ERR increment would produce NaN or Infinity");
        }
        store(engine, db, argv[1], out, true, StringEncoding.NO_INT);
        notify(engine, db, "incrbyfloat", argv[1]);
        engine.propagate(db.index(), new byte[][] {SET, argv[1], out, KEEPTTL});
        engine.addDirty(1);
        reply.bulk(out);
    }

    // ------------------------------------------------------------------ byte ranges

    public static void append(Engine engine, Session session, byte[][] argv, Reply reply) {
        Database db = db(engine, session);
        byte[] cur = string(engine.lookupWrite(db, argv[1]));
        byte[] add = argv[2];
        byte[] out;
        if (cur == null) {
            out = add;
            store(engine, db, argv[1], out, false);
        } else {
            checkLength(engine, cur.length, add.length);
            out = Arrays.copyOf(cur, cur.length + add.length);
            System.arraycopy(add, 0, out, cur.length, add.length);
            store(engine, db, argv[1], out, true, StringEncoding.RAW);
        }
        notify(engine, db, "append", argv[1]);
        engine.propagate(db.index(), argv);
        engine.addDirty(1);
        reply.integer(out.length);
    }

    /** Largest Java array: a limit below any proto-max-bulk-len a configuration could set. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private static void checkLength(Engine engine, long offset, long len) {
        if (offset + len > Math.min(engine.protoMaxBulkLen(), MAX_ARRAY)) {
            throw new Args.ArgException("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
        }
    }

    public static void strlen(Engine engine, Session session, byte[][] argv, Reply reply) {
        byte[] v = string(engine.lookupRead(db(engine, session), argv[1]));
        reply.integer(v == null ? 0 : v.length);
    }

    public static void getrange(Engine engine, Session session, byte[][] argv, Reply reply) {
        long start = Args.parseLong(argv[2]);
        long end = Args.parseLong(argv[3]);
        byte[] v = string(engine.lookupRead(db(engine, session), argv[1]));
        if (v == null || (start < 0 && end < 0 && start > end)) {
            reply.bulk(EMPTY);
            return;
        }
        long len = v.length;
        if (start < 0) {
            start = len + start;
        }
        if (end < 0) {
            end = len + end;
        }
        if (start < 0) {
            start = 0;
        }
        if (end < 0) {
            end = 0;
        }
        if (end >= len) {
            end = len - 1;
        }
        if (start > end || len == 0) {
            reply.bulk(EMPTY);
            return;
        }
        reply.bulk(Arrays.copyOfRange(v, (int) start, (int) end + 1));
    }

    public static void substr(Engine engine, Session session, byte[][] argv, Reply reply) {
        getrange(engine, session, argv, reply);
    }

    public static void setrange(Engine engine, Session session, byte[][] argv, Reply reply) {
        long offset = Args.parseLong(argv[2]);
        if (offset < 0) {
            throw new Args.ArgException("ERR offset is out of range");
        }
        Database db = db(engine, session);
        byte[] value = argv[3];
        byte[] cur = string(engine.lookupWrite(db, argv[1]));
        if (cur == null) {
            if (value.length == 0) {
                reply.integer(0);
                return;
            }
            checkLength(engine, offset, value.length);
            byte[] out = new byte[(int) offset + value.length];
            System.arraycopy(value, 0, out, (int) offset, value.length);
            store(engine, db, argv[1], out, false, StringEncoding.RAW);
            notify(engine, db, "setrange", argv[1]);
            engine.propagate(db.index(), argv);
            engine.addDirty(1);
            reply.integer(out.length);
            return;
        }
        if (value.length == 0) {
            reply.integer(cur.length);
            return;
        }
        checkLength(engine, offset, value.length);
        byte[] out = Arrays.copyOf(cur, (int) Math.max(cur.length, offset + value.length));
        System.arraycopy(value, 0, out, (int) offset, value.length);
        store(engine, db, argv[1], out, true, StringEncoding.RAW);
        notify(engine, db, "setrange", argv[1]);
        engine.propagate(db.index(), argv);
        engine.addDirty(1);
        reply.integer(out.length);
    }

    // ------------------------------------------------------------------ LCS

    /** LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]. */
    public static void lcs(Engine engine, Session session, byte[][] argv, Reply reply) {
        Database db = db(engine, session);
        Object oa = engine.lookupRead(db, argv[1]);
        Object ob = engine.lookupRead(db, argv[2]);
        if ((oa != null && !(oa instanceof byte[])) || (ob != null && !(ob instanceof byte[]))) {
            throw new Args.ArgException("ERR The specified keys must contain string values");
        }
        byte[] a = oa == null ? EMPTY : (byte[]) oa;
        byte[] b = ob == null ? EMPTY : (byte[]) ob;
        boolean getLen = false;
        boolean getIdx = false;
        boolean withMatchLen = false;
        long minMatchLen = 0;
        for (int i = 3; i < argv.length; i++) {
            byte[] o = argv[i];
            if (Args.is(o, "idx")) {
                getIdx = true;
            } else if (Args.is(o, "len")) {
                getLen = true;
            } else if (Args.is(o, "withmatchlen")) {
                withMatchLen = true;
            } else if (Args.is(o, "minmatchlen") && i + 1 < argv.length) {
                minMatchLen = Math.max(0, Args.parseLong(argv[++i]));
            } else {
                throw new Args.ArgException(Errors.SYNTAX);
            }
        }
        if (getLen && getIdx) {
            throw new Args.ArgException("ERR If you want both the length and indexes, please just use IDX.");
        }
        int alen = a.length;
        int blen = b.length;
        if ((long) (alen + 1) * (blen + 1) > Integer.MAX_VALUE - 8) {
            throw new Args.ArgException("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
        }
        int w = blen + 1;
        int[] t = new int[(alen + 1) * w];
        for (int i = 1; i <= alen; i++) {
            for (int j = 1; j <= blen; j++) {
                t[i * w + j] = a[i - 1] == b[j - 1]
                        ? t[(i - 1) * w + j - 1] + 1
                        : Math.max(t[(i - 1) * w + j], t[i * w + j - 1]);
            }
        }
        int len = t[alen * w + blen];
        if (getLen) {
            reply.integer(len);
            return;
        }
        byte[] result = new byte[len];
        java.util.List<long[]> matches = getIdx ? new java.util.ArrayList<>() : null;
        int idx = len;
        int aStart = alen; // alen = no range open
        int aEnd = 0;
        int bStart = 0;
        int bEnd = 0;
        int i = alen;
        int j = blen;
        while (i > 0 && j > 0) {
            boolean emit = false;
            if (a[i - 1] == b[j - 1]) {
                result[--idx] = a[i - 1];
                if (aStart == alen) {
                    aStart = aEnd = i - 1;
                    bStart = bEnd = j - 1;
                } else if (aStart == i && bStart == j) {
                    aStart--;
                    bStart--;
                } else {
                    emit = true;
                }
                if (aStart == 0 || bStart == 0) {
                    emit = true;
                }
                i--;
                j--;
            } else {
                if (t[(i - 1) * w + j] > t[i * w + j - 1]) {
                    i--;
                } else {
                    j--;
                }
                if (aStart != alen) {
                    emit = true;
                }
            }
            if (emit) {
                long matchLen = aEnd - aStart + 1;
                if (matches != null && (minMatchLen == 0 || matchLen >= minMatchLen)) {
                    matches.add(new long[] {aStart, aEnd, bStart, bEnd, matchLen});
                }
                aStart = alen;
            }
        }
        if (!getIdx) {
            reply.bulk(result);
            return;
        }
        reply.map(2);
        reply.bulk("matches");
        reply.array(matches.size());
        for (long[] m : matches) {
            reply.array(withMatchLen ? 3 : 2);
            reply.array(2);
            reply.integer(m[0]);
            reply.integer(m[1]);
            reply.array(2);
            reply.integer(m[2]);
            reply.integer(m[3]);
            if (withMatchLen) {
                reply.integer(m[4]);
            }
        }
        reply.bulk("len");
        reply.integer(len);
    }
}
