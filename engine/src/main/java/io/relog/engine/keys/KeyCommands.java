package io.relog.engine.keys;

import io.relog.engine.pubsub.KeyspaceEvents;
import io.relog.engine.Engine;
import io.relog.engine.Session;
import io.relog.engine.command.Args;
import io.relog.engine.command.Errors;
import io.relog.engine.command.Reply;
import io.relog.engine.command.ScanOptions;
import io.relog.engine.command.Subcommands;
import io.relog.engine.keyspace.Database;
import io.relog.engine.types.CollectionValue;
import io.relog.engine.pattern.Glob;
import io.relog.engine.strings.StringEncoding;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The generic key commands (Redis' {@code db.c} and {@code expire.c} groups, and OBJECT): they
 * work on a key whatever its value type.
 *
 * <p><b>Propagation.</b> As for strings: deterministic commands go out as the client sent them
 * (DEL, UNLINK, RENAME, PERSIST, COPY, PEXPIREAT ...), only when they changed something;
 * EXPIRE, PEXPIRE and EXPIREAT become {@code PEXPIREAT key <abs ms>} followed by the client's
 * NX/XX/GT/LT options, and an expiry time already past becomes {@code DEL key}, as Redis 7.0
 * writes them.
 */
public final class KeyCommands {

    private KeyCommands() {
    }

    private static final byte[] PEXPIREAT = "PEXPIREAT".getBytes(StandardCharsets.US_ASCII);
    private static final int LRU_CLOCK_MAX = (1 << 24) - 1;
    /** Redis' refcount of a shared object (small integers): {@code OBJ_SHARED_REFCOUNT}. */
    private static final int SHARED_REFCOUNT = Integer.MAX_VALUE;
    /** Redis shares the integer objects 0 .. 9999 ({@code OBJ_SHARED_INTEGERS}). */
    private static final long SHARED_INTEGERS = 10000;

    private static Database db(Engine engine, Session session) {
        return engine.db(session.db());
    }

    /** Redis' name for the type of a stored value, as TYPE and SCAN TYPE use it. */
    public static String typeName(Object value) {
        if (value == null) {
            return "none";
        }
        if (value instanceof byte[]) {
            return "string";
        }
        return ((CollectionValue) value).typeName();
    }

    // ------------------------------------------------------------------ existence and deletion

    public static void del(Engine engine, Session session, byte[][] argv, Reply reply) {
        Database db = db(engine, session);
        int deleted = 0;
        for (int i = 1; i < argv.length; i++) {
            engine.expireIfNeeded(db, argv[i]);
            if (db.remove(argv[i]) != null) {
                deleted++;
                engine.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", argv[i], db.index());
            }
        }
        if (deleted > 0) {
            engine.propagate(db.index(), argv);
            engine.addDirty(deleted);
        }
        reply.integer(deleted);
    }

    public static void unlink(Engine engine, Session session, byte[][] argv, Reply reply) {
        del(engine, session, argv, reply);
    }

    public static void exists(Engine engine, Session session, byte[][] argv, Reply reply) {
        Database db = db(engine, session);
        int n = 0;
        for (int i = 1; i < argv.length; i++) {
            if (engine.lookupNoTouch(db, argv[i]) != null) {
                n++;
            }
        }
        reply.integer(n);
    }

    public static void type(Engine engine, Session session, byte[][] argv, Reply reply) {
        reply.simple(typeName(engine.lookupNoTouch(db(engine, session), argv[1])));
    }

    public static void touch(Engine engine, Session session, byte[][] argv, Reply reply) {
        Database db = db(engine, session);
        int n = 0;
        for (int i = 1; i < argv.length; i++) {
            if (engine.lookupRead(db, argv[i]) != null) {
                n++;
            }
        }
        reply.integer(n);
    }

    // ------------------------------------------------------------------ renaming and copying

    public static void rename(Engine engine, Session session, byte[][] argv, Reply reply) {
        renameGeneric(engine, session, argv, reply, false);
    }

    public static void renamenx(Engine engine, Session session, byte[][] argv, Reply reply) {
        renameGeneric(engine, session, argv, reply, true);
    }

    private static void renameGeneric(Engine engine, Session session, byte[][] argv, Reply reply, boolean nx) {
        Database db = db(engine, session);
        byte[] src = argv[1];
        byte[] dst = argv[2];
        Object value = engine.lookupWrite(db, src);
        if (value == null) {
            throw new Args.ArgException(Errors.NO_SUCH_KEY);
        }
        if (java.util.Arrays.equals(src, dst)) {
            if (nx) {
                reply.integer(0);
            } else {
                reply.ok();
            }
            return;
        }
        long expire = db.expireAt(src);
        int meta = db.accessMeta(src);
        if (engine.lookupWrite(db, dst) != null) {
            if (nx) {
                reply.integer(0);
                return;
            }
            db.remove(dst);
        }
        db.remove(src);
        db.put(dst, value, meta, false);
        if (expire >= 0) {
            db.setExpireAt(dst, expire);
        }
        engine.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "rename_from", src, db.index());
        engine.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "rename_to", dst, db.index());
        engine.propagate(db.index(), argv);
        engine.addDirty(1);
        if (nx) {
            reply.integer(1);
        } else {
            reply.ok();
        }
    }

    /** COPY source destination [DB destination-db] [REPLACE]. */
    public static void copy(Engine engine, Session session, byte[][] argv, Reply reply) {
        boolean replace = false;
        long dbid = session.db();
        for (int i = 3; i < argv.length; i++) {
            if (Args.is(argv[i], "replace")) {
                replace = true;
            } else if (Args.is(argv[i], "db") && i + 1 < argv.length) {
                // Each DB option is checked as it is read: a bad index wins over a later syntax error.
                dbid = DatabaseCommands.dbIndex(engine, argv[++i]);
            } else {
                throw new Args.ArgException(Errors.SYNTAX);
            }
        }
        Database src = db(engine, session);
        Database dst = engine.db((int) dbid);
        byte[] from = argv[1];
        byte[] to = argv[2];
        if (src == dst && java.util.Arrays.equals(from, to)) {
            throw new Args.ArgException("ERR source and destination objects are the same");
        }
        Object value = engine.lookupRead(src, from);
        if (value == null) {
            reply.integer(0);
            return;
        }
        long expire = src.expireAt(from);
        if (engine.lookupWrite(dst, to) != null) {
            if (!replace) {
                reply.integer(0);
                return;
            }
            dst.remove(to);
        }
        // Strings are never modified in place, so the copy may share the array; a collection is
        // duplicated (O(n), as Redis' dupObject): sharing nodes owned by the live token would let
        // an in-place edit of one key change the other.
        if (value instanceof CollectionValue c) {
            value = c.duplicate(dst.editToken());
        }
        dst.put(to, value, engine.newKeyAccess() | (src.accessMeta(from) & Database.VALUE_FLAGS), false);
        if (expire >= 0) {
            dst.setExpireAt(to, expire);
        }
        engine.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "copy_to", to, dst.index());
        engine.propagate(src.index(), argv);
        engine.addDirty(1);
        reply.integer(1);
    }

    // ------------------------------------------------------------------ enumeration

    public static void keys(Engine engine, Session session, byte[][] argv, Reply reply) {
        Database db = db(engine, session);
        byte[] pattern = argv[1];
        boolean all = Glob.matchesAll(pattern);
        List<byte[]> out = new ArrayList<>();
        db.keys().forEach((k, v) -> {
            if ((all || Glob.matches(pattern, k, false)) && !engine.isExpired(db, k)) {
                out.add(k);
            }
        });
        reply.array(out.size());
        for (byte[] k : out) {
            reply.bulk(k);
        }
    }

    /** SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. */
    public static void scan(Engine engine, Session session, byte[][] argv, Reply reply) {
        long cursor = parseCursor(argv[1]);
        ScanOptions opts = ScanOptions.parse(argv, 2, true);
        Database db = db(engine, session);
        List<byte[]> found = new ArrayList<>();
        long next = cursor >= (1L << 32) ? 0
                : db.keys().scan(cursor, opts.count(), (k, v) -> found.add(k));
        // Filtering after the walk, as Redis does: expired keys are deleted (a write, on a master).
        List<byte[]> out = new ArrayList<>(found.size());
        String typeName = opts.type() == null ? null : new String(opts.type(), StandardCharsets.UTF_8);
        for (byte[] k : found) {
            if (!opts.matches(k)) {
                continue;
            }
            if (engine.expireIfNeeded(db, k)) {
                continue;
            }
            if (typeName != null && !typeName.equalsIgnoreCase(typeName(db.peek(k)))) {
                continue;
            }
            out.add(k);
        }
        reply.array(2);
        reply.bulk(Long.toUnsignedString(next));
        reply.array(out.size());
        for (byte[] k : out) {
            reply.bulk(k);
        }
    }

    /**
     * A SCAN cursor as Redis reads it ({@code strtoull}): an unsigned 64-bit decimal, where a
     * leading '-' negates modulo 2^64. Returns the cursor as an unsigned long.
     */
    public static long parseCursor(byte[] arg) {
        int n = arg.length;
        int i = 0;
        boolean neg = false;
        if (n > 0 && (arg[0] == '-' || arg[0] == '+')) {
            neg = arg[0] == '-';
            i = 1;
        }
        if (i >= n) {
            throw new Args.ArgException("ERR invalid cursor");
        }
        long v = 0;
        for (; i < n; i++) {
            int d = arg[i] - '0';
            if (d < 0 || d > 9) {
                throw new Args.ArgException("ERR invalid cursor");
            }
            // unsigned overflow check: v * 10 + d must stay below 2^64
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, 10)) > 0) {
                throw new Args.ArgException("ERR invalid cursor");
            }
            v = v * 10 + d;
        }
        return neg ? -v : v;
    }

    public static void randomkey(Engine engine, Session session, byte[][] argv, Reply reply) {
        Database db = db(engine, session);
        int tries = 0;
        while (true) {
            byte[] k = db.keys().randomKey(engine.random());
            if (k == null) {
                reply.nullBulk();
                return;
            }
            if (engine.isExpired(db, k)) {
                if (engine.isReplica()) {
                    // A replica cannot delete: after enough tries return the key anyway, as Redis does.
                    if (++tries < 100) {
                        continue;
                    }
                } else {
                    engine.expireIfNeeded(db, k);
                    continue;
                }
            }
            reply.bulk(k);
            return;
        }
    }

    // ------------------------------------------------------------------ expiry

    public static void expire(Engine engine, Session session, byte[][] argv, Reply reply) {
        expireGeneric(engine, session, argv, reply, true, true, "expire");
    }

    public static void pexpire(Engine engine, Session session, byte[][] argv, Reply reply) {
        expireGeneric(engine, session, argv, reply, false, true, "pexpire");
    }

    public static void expireat(Engine engine, Session session, byte[][] argv, Reply reply) {
        expireGeneric(engine, session, argv, reply, true, false, "expireat");
    }

    public static void pexpireat(Engine engine, Session session, byte[][] argv, Reply reply) {
        expireGeneric(engine, session, argv, reply, false, false, "pexpireat");
    }

    private static final int EXPIRE_NX = 1;
    private static final int EXPIRE_XX = 2;
    private static final int EXPIRE_GT = 4;
    private static final int EXPIRE_LT = 8;

    private static void expireGeneric(Engine engine, Session session, byte[][] argv, Reply reply,
                                      boolean seconds, boolean relative, String name) {
        int flags = 0;
        for (int i = 3; i < argv.length; i++) {
            byte[] a = argv[i];
            if (Args.is(a, "nx")) {
                flags |= EXPIRE_NX;
            } else if (Args.is(a, "xx")) {
                flags |= EXPIRE_XX;
            } else if (Args.is(a, "gt")) {
                flags |= EXPIRE_GT;
            } else if (Args.is(a, "lt")) {
                flags |= EXPIRE_LT;
            } else {
                throw new Args.ArgException("ERR Unsupported option " + new String(a, StandardCharsets.UTF_8));
            }
        }
        if ((flags & EXPIRE_NX) != 0 && (flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) != 0) {
            throw new Args.ArgException("ERR NX and XX, GT or LT options at the same time are not compatible");
        }
        if ((flags & EXPIRE_GT) != 0 && (flags & EXPIRE_LT) != 0) {
            throw new Args.ArgException("ERR GT and LT options at the same time are not compatible");
        }
        long when = ExpireTimes.lenient(argv[2], seconds, relative, engine.now(), name);
        Database db = db(engine, session);
        byte[] key = argv[1];
        if (engine.lookupWrite(db, key) == null) {
            reply.integer(0);
            return;
        }
        if (flags != 0) {
            long current = db.expireAt(key);
            boolean ok = true;
            if ((flags & EXPIRE_NX) != 0 && current != -1) {
                ok = false;
            }
            if ((flags & EXPIRE_XX) != 0 && current == -1) {
                ok = false;
            }
            if ((flags & EXPIRE_GT) != 0 && (current == -1 || when <= current)) {
                ok = false; // no TTL counts as infinite
            }
            if ((flags & EXPIRE_LT) != 0 && current != -1 && when >= current) {
                ok = false;
            }
            if (!ok) {
                reply.integer(0);
                return;
            }
        }
        if (when <= engine.now() && !engine.isReplica()) {
            db.remove(key);
            engine.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key, db.index());
            engine.propagate(db.index(), new byte[][] {Engine.DEL, key});
        } else {
            db.setExpireAt(key, when);
            engine.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "expire", key, db.index());
            if (seconds || relative) {
                byte[][] out = argv.clone();
                out[0] = PEXPIREAT;
                out[2] = Args.bytes(when);
                engine.propagate(db.index(), out);
            } else {
                engine.propagate(db.index(), argv);
            }
        }
        engine.addDirty(1);
        reply.integer(1);
    }

    public static void ttl(Engine engine, Session session, byte[][] argv, Reply reply) {
        ttlGeneric(engine, session, argv, reply, false, false);
    }

    public static void pttl(Engine engine, Session session, byte[][] argv, Reply reply) {
        ttlGeneric(engine, session, argv, reply, true, false);
    }

    public static void expiretime(Engine engine, Session session, byte[][] argv, Reply reply) {
        ttlGeneric(engine, session, argv, reply, false, true);
    }

    public static void pexpiretime(Engine engine, Session session, byte[][] argv, Reply reply) {
        ttlGeneric(engine, session, argv, reply, true, true);
    }

    private static void ttlGeneric(Engine engine, Session session, byte[][] argv, Reply reply,
                                   boolean ms, boolean absolute) {
        Database db = db(engine, session);
        if (engine.lookupNoTouch(db, argv[1]) == null) {
            reply.integer(-2);
            return;
        }
        long when = db.expireAt(argv[1]);
        if (when == -1) {
            reply.integer(-1);
            return;
        }
        if (absolute) {
            reply.integer(ms ? when : (when + 500) / 1000); // rounded like TTL, as Redis does
            return;
        }
        long ttl = Math.max(0, when - engine.now());
        reply.integer(ms ? ttl : (ttl + 500) / 1000);
    }

    public static void persist(Engine engine, Session session, byte[][] argv, Reply reply) {
        Database db = db(engine, session);
        if (engine.lookupWrite(db, argv[1]) == null || !db.persist(argv[1])) {
            reply.integer(0);
            return;
        }
        engine.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "persist", argv[1], db.index());
        engine.propagate(db.index(), argv);
        engine.addDirty(1);
        reply.integer(1);
    }

    // ------------------------------------------------------------------ OBJECT

    public static void objectEncoding(Engine engine, Session session, byte[][] argv, Reply reply) {
        Database db = db(engine, session);
        Object v = engine.lookupNoTouchNoNotify(db, argv[2]);
        if (v == null) {
            reply.nullBulk();
            return;
        }
        reply.bulk(encoding(v, db.accessMeta(argv[2])));
    }

    /** Redis' OBJECT ENCODING name for a stored value whose entry has metadata word {@code meta}. */
    public static String encoding(Object v, int meta) {
        if (v instanceof byte[] s) {
            return StringEncoding.name(s, meta);
        }
        return ((CollectionValue) v).encoding();
    }

    public static void objectFreq(Engine engine, Session session, byte[][] argv, Reply reply) {
        Database db = db(engine, session);
        Object v = engine.lookupNoTouchNoNotify(db, argv[2]);
        if (v == null) {
            reply.nullBulk();
            return;
        }
        if (!engine.lfuPolicy()) {
            throw new Args.ArgException("ERR An LFU maxmemory policy is not selected, access frequency not tracked. "
                    + "Please note that when switching between policies at runtime LRU and LFU data will take some "
                    + "time to adjust.");
        }
        // The counter after decay, not stored (Redis' LFUDecrAndReturn): reading it is no access.
        reply.integer(engine.eviction().lfuDecayed(db.accessMeta(argv[2]) & Database.ACCESS_BITS, engine.now()));
    }

    public static void objectIdletime(Engine engine, Session session, byte[][] argv, Reply reply) {
        Database db = db(engine, session);
        Object v = engine.lookupNoTouchNoNotify(db, argv[2]);
        if (v == null) {
            reply.nullBulk();
            return;
        }
        if (engine.lfuPolicy()) {
            throw new Args.ArgException("ERR An LFU maxmemory policy is selected, idle time not tracked. "
                    + "Please note that when switching between policies at runtime LRU and LFU data will take some "
                    + "time to adjust.");
        }
        reply.integer(idleSeconds(engine.lruClock(), db.accessMeta(argv[2]) & LRU_CLOCK_MAX));
    }

    /** Seconds between an entry's 24-bit LRU clock and now, allowing for one wrap-around. */
    static long idleSeconds(int now, int lru) {
        return now >= lru ? now - lru : now + (LRU_CLOCK_MAX - lru);
    }

    public static void objectRefcount(Engine engine, Session session, byte[][] argv, Reply reply) {
        Object v = engine.lookupNoTouchNoNotify(db(engine, session), argv[2]);
        if (v == null) {
            reply.nullBulk();
            return;
        }
        boolean sharing = !engine.maxmemoryPolicy().endsWith("-lru") && !engine.lfuPolicy();
        if (sharing && v instanceof byte[] s && Args.isLong(s)) {
            long n = Args.parseLong(s);
            if (n >= 0 && n < SHARED_INTEGERS) {
                reply.integer(SHARED_REFCOUNT);
                return;
            }
        }
        reply.integer(1);
    }

    public static void objectHelp(Engine engine, Session session, byte[][] argv, Reply reply) {
        Subcommands.help(reply, "object",
                "ENCODING <key>",
                "    Return the kind of internal representation used in order to store the value",
                "    associated with a <key>.",
                "FREQ <key>",
                "    Return the access frequency index of the <key>. The returned integer is",
                "    proportional to the logarithm of the recent access frequency of the key.",
                "IDLETIME <key>",
                "    Return the idle time of the <key>, that is the approximated number of",
                "    seconds elapsed since the last access to the key.",
                "REFCOUNT <key>",
                "    Return the number of references of the value associated with the specified",
                "    <key>.");
    }
}
