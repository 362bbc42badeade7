package io.relog.engine.hashes;

import io.relog.engine.pubsub.KeyspaceEvents;
import io.relog.engine.Engine;
import io.relog.engine.Session;
import io.relog.engine.command.Args;
import io.relog.engine.command.Errors;
import io.relog.engine.command.Reply;
import io.relog.engine.command.ScanOptions;
import io.relog.engine.keys.KeyCommands;
import io.relog.engine.keyspace.Database;
import io.relog.engine.strings.LongDouble;
import io.relog.engine.types.HashValue;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The hash commands (Redis' {@code t_hash.c} group) over {@link HashValue}, with Redis 7.0's
 * replies, errors and argument order (an increment is parsed before the key is looked up, so a
 * bad increment on a key of another type is a syntax error, not WRONGTYPE, as in Redis).
 *
 * <p><b>Writes</b> take the stored hash, make it editable for the database's current edit token
 * ({@link #editable}: a copy is stored back when a frozen view shares it), then change it in
 * place. A hash emptied by HDEL is deleted. A write that changes nothing propagates nothing.
 *
 * <p><b>Propagation.</b> Everything is propagated as sent except HINCRBYFLOAT, whose result
 * depends on floating-point formatting and is propagated as {@code HSET key field <result>}, as
 * Redis 7.0 does. HRANDFIELD and HSCAN are reads and propagate nothing.
 */
public final class HashCommands {

    private HashCommands() {
    }

    static final byte[] HSET = "HSET".getBytes(StandardCharsets.US_ASCII);

    private static Database db(Engine engine, Session session) {
        return engine.db(session.db());
    }

    /** The hash value of {@code v}, or throws WRONGTYPE; {@code null} stays {@code null}. */
    public static HashValue hash(Object v) {
        return io.relog.engine.types.CollectionValue.as(v, HashValue.class);
    }


    /** The hash at {@code key} for a write, created empty (and stored) when absent. */
    private static HashValue writable(Engine engine, Database db, byte[] key) {
        HashValue h = hash(engine.lookupWrite(db, key));
        if (h == null) {
            h = HashValue.create(db.editToken());
            db.put(key, h, engine.newKeyAccess(), false);
            return h;
        }
        return db.editable(key, h);
    }

    private static boolean put(Engine engine, HashValue h, byte[] field, byte[] value) {
        return h.put(field, value, engine.hashMaxListpackEntries(), engine.hashMaxListpackValue());
    }

    // ------------------------------------------------------------------ writes

    /** HSET key field value [field value ...]: replies the number of new fields. */
    public static void hset(Engine engine, Session session, byte[][] argv, Reply reply) {
        int added = setPairs(engine, session, argv, "hset");
        reply.integer(added);
    }

    /** HMSET key field value [field value ...]: like HSET, replies OK. */
    public static void hmset(Engine engine, Session session, byte[][] argv, Reply reply) {
        setPairs(engine, session, argv, "hmset");
        reply.ok();
    }

    private static int setPairs(Engine engine, Session session, byte[][] argv, String name) {
        if (argv.length % 2 != 0) {
            throw new Args.ArgException(Errors.wrongArgs(name));
        }
        Database db = db(engine, session);
        HashValue h = writable(engine, db, argv[1]);
        int added = 0;
        for (int i = 2; i < argv.length; i += 2) {
            if (put(engine, h, argv[i], argv[i + 1])) {
                added++;
            }
        }
        engine.notifyKeyspaceEvent(KeyspaceEvents.HASH, "hset", argv[1], db.index());
        engine.propagate(db.index(), argv);
        engine.addDirty((argv.length - 2) / 2);
        return added;
    }

    public static void hsetnx(Engine engine, Session session, byte[][] argv, Reply reply) {
        Database db = db(engine, session);
        HashValue h = hash(engine.lookupWrite(db, argv[1]));
        if (h != null && h.contains(argv[2])) {
            reply.integer(0);
            return;
        }
        h = writable(engine, db, argv[1]);
        put(engine, h, argv[2], argv[3]);
        engine.notifyKeyspaceEvent(KeyspaceEvents.HASH, "hset", argv[1], db.index());
        engine.propagate(db.index(), argv);
        engine.addDirty(1);
        reply.integer(1);
    }

    public static void hdel(Engine engine, Session session, byte[][] argv, Reply reply) {
        Database db = db(engine, session);
        HashValue h = hash(engine.lookupWrite(db, argv[1]));
        if (h == null) {
            reply.integer(0);
            return;
        }
        int deleted = 0;
        for (int i = 2; i < argv.length && h.size() > 0; i++) {
            if (h.contains(argv[i])) {
                h = db.editable(argv[1], h);
                h.remove(argv[i]);
                deleted++;
            }
        }
        if (deleted > 0) {
            engine.notifyKeyspaceEvent(KeyspaceEvents.HASH, "hdel", argv[1], db.index());
            engine.deleteIfEmpty(db, argv[1], h);
            engine.propagate(db.index(), argv);
            engine.addDirty(deleted);
        }
        reply.integer(deleted);
    }

    public static void hincrby(Engine engine, Session session, byte[][] argv, Reply reply) {
        long incr = Args.parseLong(argv[3]);
        Database db = db(engine, session);
        HashValue h = hash(engine.lookupWrite(db, argv[1]));
        byte[] cur = h == null ? null : h.get(argv[2]);
        long value = 0;
        if (cur != null) {
            value = Args.parseLong(cur, "ERR hash value is not an integer");
        }
        if ((incr < 0 && value < 0 && incr < Long.MIN_VALUE - value)
                || (incr > 0 && value > 0 && incr > Long.MAX_VALUE - value)) {
            throw new Args.ArgException(Errors.OVERFLOW);
        }
        value += incr;
        h = writable(engine, db, argv[1]);
        put(engine, h, argv[2], Args.bytes(value));
        engine.notifyKeyspaceEvent(KeyspaceEvents.HASH, "hincrby", argv[1], db.index());
        engine.propagate(db.index(), argv);
        engine.addDirty(1);
        reply.integer(value);
    }

    public static void hincrbyfloat(Engine engine, Session session, byte[][] argv, Reply reply) {
        BigDecimal incr = LongDouble.parse(argv[3]);
        if (incr == null) {
            throw new Args.ArgException("ERR value is NaN or Infinity");
        }
        Database db = db(engine, session);
        HashValue h = hash(engine.lookupWrite(db, argv[1]));
        byte[] cur = h == null ? null : h.get(argv[2]);
        BigDecimal value = BigDecimal.ZERO;
        if (cur != null) {
            try {
                value = LongDouble.parse(cur);
            } catch (Args.ArgException e) {
                throw new Args.ArgException("ERR hash value is not a float");
            }
        }
        byte[] out;
        try {
            out = LongDouble.format(LongDouble.add(value, incr));
        } catch (LongDouble.NotFinite e) {
            throw new Args.ArgException("ERR increment would produce NaN or Infinity");
        }
        h = writable(engine, db, argv[1]);
        put(engine, h, argv[2], out);
        engine.notifyKeyspaceEvent(KeyspaceEvents.HASH, "hincrbyfloat", argv[1], db.index());
        engine.propagate(db.index(), new byte[][] {HSET, argv[1], argv[2], out});
        engine.addDirty(1);
        reply.bulk(out);
    }

    // ------------------------------------------------------------------ reads

    public static void hget(Engine engine, Session session, byte[][] argv, Reply reply) {
        HashValue h = hash(engine.lookupRead(db(engine, session), argv[1]));
        reply.bulk(h == null ? null : h.get(argv[2]));
    }

    public static void hmget(Engine engine, Session session, byte[][] argv, Reply reply) {
        HashValue h = hash(engine.lookupRead(db(engine, session), argv[1]));
        reply.array(argv.length - 2);
        for (int i = 2; i < argv.length; i++) {
            reply.bulk(h == null ? null : h.get(argv[i]));
        }
    }

    public static void hlen(Engine engine, Session session, byte[][] argv, Reply reply) {
        HashValue h = hash(engine.lookupRead(db(engine, session), argv[1]));
        reply.integer(h == null ? 0 : h.size());
    }

    public static void hstrlen(Engine engine, Session session, byte[][] argv, Reply reply) {
        HashValue h = hash(engine.lookupRead(db(engine, session), argv[1]));
        byte[] v = h == null ? null : h.get(argv[2]);
        reply.integer(v == null ? 0 : v.length);
    }

    public static void hexists(Engine engine, Session session, byte[][] argv, Reply reply) {
        HashValue h = hash(engine.lookupRead(db(engine, session), argv[1]));
        reply.integer(h != null && h.contains(argv[2]) ? 1 : 0);
    }

    public static void hkeys(Engine engine, Session session, byte[][] argv, Reply reply) {
        HashValue h = hash(engine.lookupRead(db(engine, session), argv[1]));
        if (h == null) {
            reply.array(0);
            return;
        }
        reply.array(h.size());
        h.forEach((f, v) -> reply.bulk(f));
    }

    public static void hvals(Engine engine, Session session, byte[][] argv, Reply reply) {
        HashValue h = hash(engine.lookupRead(db(engine, session), argv[1]));
        if (h == null) {
            reply.array(0);
            return;
        }
        reply.array(h.size());
        h.forEach((f, v) -> reply.bulk(v));
    }

    /** HGETALL: a map reply (RESP2: flat array of field, value, ...). */
    public static void hgetall(Engine engine, Session session, byte[][] argv, Reply reply) {
        HashValue h = hash(engine.lookupRead(db(engine, session), argv[1]));
        if (h == null) {
            reply.map(0);
            return;
        }
        reply.map(h.size());
        h.forEach((f, v) -> {
            reply.bulk(f);
            reply.bulk(v);
        });
    }

    /**
     * HRANDFIELD key [count [WITHVALUES]]. A positive count gives distinct fields (the whole hash
     * when count ≥ its size), a negative one |count| fields that may repeat. With WITHVALUES the
     * reply is a flat array of field, value in RESP2 and an array of pairs in RESP3.
     */
    public static void hrandfield(Engine engine, Session session, byte[][] argv, Reply reply) {
        if (argv.length == 2) {
            HashValue h = hash(engine.lookupRead(db(engine, session), argv[1]));
            if (h == null) {
                reply.nullBulk();
                return;
            }
            byte[][] pair = new byte[2][];
            h.randomField(engine.random(), pair);
            reply.bulk(pair[0]);
            return;
        }
        long count = parseRandomCount(argv[2]);
        if (argv.length > 4 || (argv.length == 4 && !Args.is(argv[3], "withvalues"))) {
            throw new Args.ArgException(Errors.SYNTAX);
        }
        boolean withValues = argv.length == 4;
        if (withValues) {
            if (count < -Long.MAX_VALUE / 2 || count > Long.MAX_VALUE / 2) {
                throw new Args.ArgException("ERR value is out of range");
            }
        }
        HashValue h = hash(engine.lookupRead(db(engine, session), argv[1]));
        if (h == null || count == 0) {
            reply.array(0);
            return;
        }
        boolean pairs = withValues && reply.protocol() > 2;
        SplittableRandom random = engine.random();
        if (count < 0) {
            // Repetitions allowed: |count| independent draws.
            long n = -count;
            replyHeader(reply, n, withValues);
            if (h.isListpack()) {
                // A listpack finds its i-th field by walking: unpack it once.
                List<byte[]> all = new ArrayList<>(2 * h.size());
                h.forEach((f, v) -> {
                    all.add(f);
                    all.add(v);
                });
                for (long i = 0; i < n; i++) {
                    int j = 2 * random.nextInt(all.size() / 2);
                    replyField(reply, all.get(j), all.get(j + 1), withValues, pairs);
                }
                return;
            }
            byte[][] pair = new byte[2][];
            for (long i = 0; i < n; i++) {
                h.randomField(random, pair);
                replyField(reply, pair[0], pair[1], withValues, pairs);
            }
            return;
        }
        if (count >= h.size()) {
            replyHeader(reply, h.size(), withValues);
            h.forEach((f, v) -> replyField(reply, f, v, withValues, pairs));
            return;
        }
        int k = (int) count;
        replyHeader(reply, k, withValues);
        if (h.isListpack() || (long) k * 3 > h.size()) {
            // Draw k distinct positions from all fields (a partial Fisher-Yates shuffle).
            List<byte[]> all = new ArrayList<>(2 * h.size());
            h.forEach((f, v) -> {
                all.add(f);
                all.add(v);
            });
            int n = all.size() / 2;
            for (int i = 0; i < k; i++) {
                int j = i + random.nextInt(n - i);
                byte[] f = all.get(2 * j);
                byte[] v = all.get(2 * j + 1);
                all.set(2 * j, all.get(2 * i));
                all.set(2 * j + 1, all.get(2 * i + 1));
                replyField(reply, f, v, withValues, pairs);
            }
            return;
        }
        // Few fields out of many: sample, skipping repeats.
        Set<ByteBuffer> seen = new HashSet<>();
        byte[][] pair = new byte[2][];
        while (seen.size() < k) {
            h.randomField(random, pair);
            if (seen.add(ByteBuffer.wrap(pair[0]))) {
                replyField(reply, pair[0], pair[1], withValues, pairs);
            }
        }
    }

    /** A count of HRANDFIELD / SRANDMEMBER: any long but Long.MIN_VALUE, whose negation would overflow. */
    public static long parseRandomCount(byte[] arg) {
        long count = Args.parseLong(arg);
        if (count == Long.MIN_VALUE) {
            throw new Args.ArgException("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
        }
        return count;
    }

    private static void replyHeader(Reply reply, long n, boolean withValues) {
        // Redis builds the whole reply, so a count beyond memory fails there; we cap at what an array header holds.
        int len = (int) Math.min(withValues && reply.protocol() == 2 ? 2 * n : n, Integer.MAX_VALUE);
        reply.array(len);
    }

    private static void replyField(Reply reply, byte[] f, byte[] v, boolean withValues, boolean pairs) {
        if (pairs) {
            reply.array(2);
        }
        reply.bulk(f);
        if (withValues) {
            reply.bulk(v);
        }
    }

    /** HSCAN key cursor [MATCH pattern] [COUNT count]. */
    public static void hscan(Engine engine, Session session, byte[][] argv, Reply reply) {
        long cursor = KeyCommands.parseCursor(argv[2]);
        HashValue h = hash(engine.lookupRead(db(engine, session), argv[1]));
        if (h == null) {
            reply.array(2);
            reply.bulk("0");
            reply.array(0);
            return;
        }
        ScanOptions opts = ScanOptions.parse(argv, 3);
        List<byte[]> out = new ArrayList<>();
        long next = h.scan(cursor, opts.count(), (f, v) -> {
            if (opts.matches(f)) {
                out.add(f);
                out.add(v);
            }
        });
        reply.array(2);
        reply.bulk(Long.toUnsignedString(next));
        reply.array(out.size());
        for (byte[] b : out) {
            reply.bulk(b);
        }
    }
}
