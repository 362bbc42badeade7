package io.relog.engine.sets;

import io.relog.engine.pubsub.KeyspaceEvents;
import io.relog.engine.Engine;
import io.relog.engine.Session;
import io.relog.engine.command.Args;
import io.relog.engine.command.Errors;
import io.relog.engine.command.Reply;
import io.relog.engine.command.ScanOptions;
import io.relog.engine.hashes.HashCommands;
import io.relog.engine.keys.KeyCommands;
import io.relog.engine.keyspace.Database;
import io.relog.engine.types.SetValue;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The set commands (Redis' {@code t_set.c} group) over {@link SetValue}, with Redis 7.0's
 * replies (RESP3 set replies for SMEMBERS, SPOP with a count, SINTER, SUNION, SDIFF), errors and
 * argument order.
 *
 * <p><b>Writes</b> make the stored set editable for the database's current edit token (a copy is
 * stored back when a frozen view shares it) and change it in place. A set emptied by SREM, SPOP or
 * SMOVE is deleted. The *STORE commands build their result as a new set by adding members one by
 * one, so it gets the encoding Redis 7.0 gives it (an intset when every member is an integer).
 *
 * <p><b>Propagation.</b> Deterministic writes are propagated as sent (SADD, SREM, SMOVE and the
 * *STORE commands, the latter only when they changed the keyspace). SPOP, whose choice is random,
 * is propagated as {@code SREM key m1 m2 ...} of the members actually popped, or {@code DEL key}
 * when it popped the whole set. Redis 7.0 writes one {@code SREM} per member inside
 * {@code MULTI/EXEC}; a single SREM has the same effect and is what Redis 7.2 writes (Relog's log
 * batches make the transaction unnecessary). SRANDMEMBER and SSCAN propagate nothing.
 *
 * <p><b>One deliberate difference in encoding.</b> When SPOP with a count pops most of a
 * hashtable-encoded set (count × 5 &gt; size), Redis 7.0 rebuilds the rest as a new set, which
 * becomes an intset again if the remaining members are all integers; its replicas, which apply
 * SREMs, keep the hashtable, so master and replica disagree on OBJECT ENCODING. Relog removes the
 * members in place and never converts back, so a replay of the log gives the same encodings as
 * the master.
 */
public final class SetCommands {

    private SetCommands() {
    }

    static final byte[] SREM = "SREM".getBytes(StandardCharsets.US_ASCII);

    private static Database db(Engine engine, Session session) {
        return engine.db(session.db());
    }

    /** The set value of {@code v}, or throws WRONGTYPE; {@code null} stays {@code null}. */
    public static SetValue set(Object v) {
        return io.relog.engine.types.CollectionValue.as(v, SetValue.class);
    }


    // ------------------------------------------------------------------ single-set writes

    private static void notify(Engine engine, Database db, String event, byte[] key) {
        engine.notifyKeyspaceEvent(KeyspaceEvents.SET, event, key, db.index());
    }

    private static void notifyDel(Engine engine, Database db, byte[] key) {
        engine.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key, db.index());
    }

    public static void sadd(Engine engine, Session session, byte[][] argv, Reply reply) {
        Database db = db(engine, session);
        SetValue s = set(engine.lookupWrite(db, argv[1]));
        if (s == null) {
            s = SetValue.create(db.editToken());
            db.put(argv[1], s, engine.newKeyAccess(), false);
        } else {
            s = db.editable(argv[1], s);
        }
        int added = 0;
        for (int i = 2; i < argv.length; i++) {
            if (s.add(argv[i], engine.setMaxIntsetEntries())) {
                added++;
            }
        }
        if (added > 0) {
            notify(engine, db, "sadd", argv[1]);
            engine.propagate(db.index(), argv);
            engine.addDirty(added);
        }
        reply.integer(added);
    }

    public static void srem(Engine engine, Session session, byte[][] argv, Reply reply) {
        Database db = db(engine, session);
        SetValue s = set(engine.lookupWrite(db, argv[1]));
        if (s == null) {
            reply.integer(0);
            return;
        }
        int removed = 0;
        for (int i = 2; i < argv.length && s.size() > 0; i++) {
            if (s.contains(argv[i])) {
                s = db.editable(argv[1], s);
                s.remove(argv[i]);
                removed++;
            }
        }
        if (removed > 0) {
            notify(engine, db, "srem", argv[1]);
            engine.deleteIfEmpty(db, argv[1], s);
            engine.propagate(db.index(), argv);
            engine.addDirty(removed);
        }
        reply.integer(removed);
    }

    /** SMOVE source destination member: 1 if moved (or already in both), 0 if not in source. */
    public static void smove(Engine engine, Session session, byte[][] argv, Reply reply) {
        Database db = db(engine, session);
        byte[] src = argv[1];
        byte[] dst = argv[2];
        byte[] member = argv[3];
        Object srcValue = engine.lookupWrite(db, src);
        Object dstValue = engine.lookupWrite(db, dst);
        if (srcValue == null) {
            reply.integer(0);
            return;
        }
        SetValue from = set(srcValue);
        SetValue to = set(dstValue);
        if (from == to) {
            reply.integer(from.contains(member) ? 1 : 0);
            return;
        }
        if (!from.contains(member)) {
            reply.integer(0);
            return;
        }
        from = db.editable(src, from);
        from.remove(member);
        notify(engine, db, "srem", src);
        engine.deleteIfEmpty(db, src, from);
        if (to == null) {
            to = SetValue.create(db.editToken());
            db.put(dst, to, engine.newKeyAccess(), false);
        } else {
            to = db.editable(dst, to);
        }
        if (to.add(member, engine.setMaxIntsetEntries())) {
            notify(engine, db, "sadd", dst);
        }
        engine.propagate(db.index(), argv);
        engine.addDirty(1);
        reply.integer(1);
    }

    /** SPOP key [count]. */
    public static void spop(Engine engine, Session session, byte[][] argv, Reply reply) {
        if (argv.length > 3) {
            throw new Args.ArgException(Errors.SYNTAX);
        }
        Database db = db(engine, session);
        byte[] key = argv[1];
        if (argv.length == 2) {
            SetValue s = set(engine.lookupWrite(db, key));
            if (s == null) {
                reply.nullBulk();
                return;
            }
            s = db.editable(key, s);
            byte[] m = s.randomMember(engine.random());
            s.remove(m);
            notify(engine, db, "spop", key);
            engine.deleteIfEmpty(db, key, s);
            engine.propagate(db.index(), new byte[][] {SREM, key, m});
            engine.addDirty(1);
            reply.bulk(m);
            return;
        }
        long count = Args.parseLong(argv[2], "ERR value is out of range, must be positive");
        if (count < 0) {
            throw new Args.ArgException("ERR value is out of range, must be positive");
        }
        SetValue s = set(engine.lookupWrite(db, key));
        if (s == null || count == 0) {
            reply.set(0);
            return;
        }
        if (count >= s.size()) {
            reply.set(s.size());
            s.forEachMember(reply::bulk);
            db.remove(key);
            notify(engine, db, "spop", key);
            notifyDel(engine, db, key);
            engine.propagate(db.index(), new byte[][] {Engine.DEL, key});
            engine.addDirty(1);
            return;
        }
        int k = (int) count;
        s = db.editable(key, s);
        byte[][] out = new byte[2 + k][];
        out[0] = SREM;
        out[1] = key;
        SplittableRandom random = engine.random();
        reply.set(k);
        for (int i = 0; i < k; i++) {
            byte[] m = s.randomMember(random);
            s.remove(m);
            out[2 + i] = m;
            reply.bulk(m);
        }
        notify(engine, db, "spop", key);
        engine.propagate(db.index(), out);
        engine.addDirty(k);
    }

    // ------------------------------------------------------------------ single-set reads

    public static void sismember(Engine engine, Session session, byte[][] argv, Reply reply) {
        SetValue s = set(engine.lookupRead(db(engine, session), argv[1]));
        reply.integer(s != null && s.contains(argv[2]) ? 1 : 0);
    }

    public static void smismember(Engine engine, Session session, byte[][] argv, Reply reply) {
        SetValue s = set(engine.lookupRead(db(engine, session), argv[1]));
        reply.array(argv.length - 2);
        for (int i = 2; i < argv.length; i++) {
            reply.integer(s != null && s.contains(argv[i]) ? 1 : 0);
        }
    }

    public static void scard(Engine engine, Session session, byte[][] argv, Reply reply) {
        SetValue s = set(engine.lookupRead(db(engine, session), argv[1]));
        reply.integer(s == null ? 0 : s.size());
    }

    public static void smembers(Engine engine, Session session, byte[][] argv, Reply reply) {
        SetValue s = set(engine.lookupRead(db(engine, session), argv[1]));
        if (s == null) {
            reply.set(0);
            return;
        }
        reply.set(s.size());
        s.forEachMember(reply::bulk);
    }

    /**
     * SRANDMEMBER key [count]: a positive count gives distinct members (the whole set when count
     * ≥ its size), a negative one |count| members that may repeat.
     */
    public static void srandmember(Engine engine, Session session, byte[][] argv, Reply reply) {
        if (argv.length > 3) {
            throw new Args.ArgException(Errors.SYNTAX);
        }
        Database db = db(engine, session);
        if (argv.length == 2) {
            SetValue s = set(engine.lookupRead(db, argv[1]));
            reply.bulk(s == null ? null : s.randomMember(engine.random()));
            return;
        }
        long count = HashCommands.parseRandomCount(argv[2]);
        SetValue s = set(engine.lookupRead(db, argv[1]));
        if (s == null || count == 0) {
            reply.array(0);
            return;
        }
        SplittableRandom random = engine.random();
        if (count < 0) {
            long n = -count;
            reply.array((int) Math.min(n, Integer.MAX_VALUE));
            for (long i = 0; i < n; i++) {
                reply.bulk(s.randomMember(random));
            }
            return;
        }
        if (count >= s.size()) {
            reply.array(s.size());
            s.forEachMember(reply::bulk);
            return;
        }
        int k = (int) count;
        reply.array(k);
        if (s.isIntset() || (long) k * 3 > s.size()) {
            byte[][] all = s.members();
            for (int i = 0; i < k; i++) {
                int j = i + random.nextInt(all.length - i);
                byte[] m = all[j];
                all[j] = all[i];
                reply.bulk(m);
            }
            return;
        }
        Set<ByteBuffer> seen = new HashSet<>();
        while (seen.size() < k) {
            byte[] m = s.randomMember(random);
            if (seen.add(ByteBuffer.wrap(m))) {
                reply.bulk(m);
            }
        }
    }

    /** SSCAN key cursor [MATCH pattern] [COUNT count]. */
    public static void sscan(Engine engine, Session session, byte[][] argv, Reply reply) {
        long cursor = KeyCommands.parseCursor(argv[2]);
        SetValue s = set(engine.lookupRead(db(engine, session), argv[1]));
        if (s == null) {
            reply.array(2);
            reply.bulk("0");
            reply.array(0);
            return;
        }
        ScanOptions opts = ScanOptions.parse(argv, 3);
        List<byte[]> out = new ArrayList<>();
        long next = s.scan(cursor, opts.count(), m -> {
            if (opts.matches(m)) {
                out.add(m);
            }
        });
        reply.array(2);
        reply.bulk(Long.toUnsignedString(next));
        reply.array(out.size());
        for (byte[] b : out) {
            reply.bulk(b);
        }
    }

    // ------------------------------------------------------------------ multi-set operations

    private enum Op { INTER, UNION, DIFF }

    /**
     * The sets at {@code argv[from..to)}, type-checked all (a missing key is {@code null}), read
     * with {@link Engine#lookupWrite} for the *STORE forms and {@link Engine#lookupRead} otherwise.
     */
    private static SetValue[] sources(Engine engine, Database db, byte[][] argv, int from, int to, boolean write) {
        SetValue[] out = new SetValue[to - from];
        for (int i = from; i < to; i++) {
            Object v = write ? engine.lookupWrite(db, argv[i]) : engine.lookupRead(db, argv[i]);
            out[i - from] = set(v);
        }
        return out;
    }

    /**
     * The result of {@code op} over {@code sets} as a new set owned by {@code token}, built by
     * adding members one by one (so its encoding is the one Redis 7.0 gives a *STORE result).
     */
    private static SetValue compute(Engine engine, Op op, SetValue[] sets, Object token) {
        SetValue result = SetValue.create(token);
        int max = engine.setMaxIntsetEntries();
        switch (op) {
            case INTER -> {
                for (SetValue s : sets) {
                    if (s == null) {
                        return result;
                    }
                }
                SetValue[] bySize = sets.clone();
                Arrays.sort(bySize, Comparator.comparingInt(SetValue::size));
                bySize[0].forEachMember(m -> {
                    for (int i = 1; i < bySize.length; i++) {
                        if (!bySize[i].contains(m)) {
                            return;
                        }
                    }
                    result.add(m, max);
                });
            }
            case UNION -> {
                for (SetValue s : sets) {
                    if (s != null) {
                        s.forEachMember(m -> result.add(m, max));
                    }
                }
            }
            case DIFF -> {
                if (sets[0] != null) {
                    sets[0].forEachMember(m -> {
                        for (int i = 1; i < sets.length; i++) {
                            if (sets[i] != null && sets[i].contains(m)) {
                                return;
                            }
                        }
                        result.add(m, max);
                    });
                }
            }
            default -> throw new IllegalStateException();
        }
        return result;
    }

    private static void replyMembers(SetValue s, Reply reply) {
        reply.set(s.size());
        s.forEachMember(reply::bulk);
    }

    public static void sinter(Engine engine, Session session, byte[][] argv, Reply reply) {
        readOp(engine, session, argv, reply, Op.INTER);
    }

    public static void sunion(Engine engine, Session session, byte[][] argv, Reply reply) {
        readOp(engine, session, argv, reply, Op.UNION);
    }

    public static void sdiff(Engine engine, Session session, byte[][] argv, Reply reply) {
        readOp(engine, session, argv, reply, Op.DIFF);
    }

    private static void readOp(Engine engine, Session session, byte[][] argv, Reply reply, Op op) {
        Database db = db(engine, session);
        SetValue[] sets = sources(engine, db, argv, 1, argv.length, false);
        replyMembers(compute(engine, op, sets, new Object()), reply);
    }

    public static void sinterstore(Engine engine, Session session, byte[][] argv, Reply reply) {
        storeOp(engine, session, argv, reply, Op.INTER);
    }

    public static void sunionstore(Engine engine, Session session, byte[][] argv, Reply reply) {
        storeOp(engine, session, argv, reply, Op.UNION);
    }

    public static void sdiffstore(Engine engine, Session session, byte[][] argv, Reply reply) {
        storeOp(engine, session, argv, reply, Op.DIFF);
    }

    /**
     * destination key [key ...]: stores the result (replacing any value and its time to live) or,
     * when it is empty, deletes the destination; propagates only when the keyspace changed.
     */
    private static void storeOp(Engine engine, Session session, byte[][] argv, Reply reply, Op op) {
        Database db = db(engine, session);
        SetValue[] sets = sources(engine, db, argv, 2, argv.length, true);
        SetValue result = compute(engine, op, sets, db.editToken());
        byte[] dst = argv[1];
        if (result.size() == 0) {
            engine.lookupWrite(db, dst);
            if (db.remove(dst) != null) {
                notifyDel(engine, db, dst);
                engine.propagate(db.index(), argv);
                engine.addDirty(1);
            }
            reply.integer(0);
            return;
        }
        engine.lookupWrite(db, dst);
        db.put(dst, result, engine.newKeyAccess(), false);
        notify(engine, db, op == Op.INTER ? "sinterstore" : op == Op.UNION ? "sunionstore" : "sdiffstore", dst);
        engine.propagate(db.index(), argv);
        engine.addDirty(1);
        reply.integer(result.size());
    }

    /** SINTERCARD numkeys key [key ...] [LIMIT limit]: the intersection's size, counted up to limit (0 = all). */
    public static void sintercard(Engine engine, Session session, byte[][] argv, Reply reply) {
        String numkeysError = "ERR numkeys should be greater than 0";
        long numkeys = Args.parseLong(argv[1], numkeysError);
        if (numkeys < 1) {
            throw new Args.ArgException(numkeysError);
        }
        if (numkeys > argv.length - 2) {
            throw new Args.ArgException("ERR Number of keys can't be greater than number of args");
        }
        int end = 2 + (int) numkeys;
        long limit = 0;
        for (int i = end; i < argv.length; i++) {
            if (Args.is(argv[i], "limit") && i + 1 < argv.length) {
                String limitError = "ERR LIMIT can't be negative";
                limit = Args.parseLong(argv[++i], limitError);
                if (limit < 0) {
                    throw new Args.ArgException(limitError);
                }
            } else {
                throw new Args.ArgException(Errors.SYNTAX);
            }
        }
        Database db = db(engine, session);
        SetValue[] sets = sources(engine, db, argv, 2, end, false);
        for (SetValue s : sets) {
            if (s == null) {
                reply.integer(0);
                return;
            }
        }
        SetValue[] bySize = sets.clone();
        Arrays.sort(bySize, Comparator.comparingInt(SetValue::size));
        long max = limit == 0 ? Long.MAX_VALUE : limit;
        long[] found = {0};
        // forEachMember cannot stop early; the check keeps the work after the limit trivial.
        bySize[0].forEachMember(m -> {
            if (found[0] >= max) {
                return;
            }
            for (int i = 1; i < bySize.length; i++) {
                if (!bySize[i].contains(m)) {
                    return;
                }
            }
            found[0]++;
        });
        reply.integer(found[0]);
    }
}
