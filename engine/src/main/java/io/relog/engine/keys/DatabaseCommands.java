package io.relog.engine.keys;

import io.relog.engine.pubsub.KeyspaceEvents;
import io.relog.engine.Engine;
import io.relog.engine.Session;
import io.relog.engine.command.Args;
import io.relog.engine.command.Errors;
import io.relog.engine.command.Reply;
import io.relog.engine.keyspace.Database;

/**
 * Commands on whole databases: SELECT, DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, MOVE, and TIME.
 *
 * <p>FLUSHDB and FLUSHALL are always propagated, even when the databases were empty, so that a
 * replica or a replayed log that diverged is brought back in line, as Redis does. SWAPDB and MOVE
 * are propagated as sent. ASYNC and SYNC flushes behave the same here: dropping a persistent
 * map's root is O(1), so there is nothing to free in the background.
 */
public final class DatabaseCommands {

    private DatabaseCommands() {
    }

    /** A database index argument: not an integer → {@code NOT_INTEGER}; out of range → {@code DB index is out of range}. */
    static int dbIndex(Engine engine, byte[] arg) {
        long id = Args.parseLong(arg);
        if (id < Integer.MIN_VALUE || id > Integer.MAX_VALUE) {
            throw new Args.ArgException(Errors.NOT_INTEGER);
        }
        if (id < 0 || id >= engine.databases()) {
            throw new Args.ArgException(Errors.DB_INDEX_OUT_OF_RANGE);
        }
        return (int) id;
    }

    public static void select(Engine engine, Session session, byte[][] argv, Reply reply) {
        session.select(dbIndex(engine, argv[1]));
        reply.ok();
    }

    public static void dbsize(Engine engine, Session session, byte[][] argv, Reply reply) {
        reply.integer(engine.db(session.db()).size());
    }

    /** FLUSHDB [ASYNC | SYNC]. */
    public static void flushdb(Engine engine, Session session, byte[][] argv, Reply reply) {
        checkFlushMode(argv);
        Database db = engine.db(session.db());
        long removed = db.size();
        db.clear();
        engine.propagate(db.index(), argv);
        engine.addDirty(removed + 1);
        reply.ok();
    }

    /** FLUSHALL [ASYNC | SYNC]. */
    public static void flushall(Engine engine, Session session, byte[][] argv, Reply reply) {
        checkFlushMode(argv);
        long removed = 0;
        for (int i = 0; i < engine.databases(); i++) {
            Database db = engine.db(i);
            removed += db.size();
            db.clear();
        }
        engine.propagate(session.db(), argv);
        engine.addDirty(removed + 1);
        reply.ok();
    }

    private static void checkFlushMode(byte[][] argv) {
        if (argv.length > 2 || (argv.length == 2 && !Args.is(argv[1], "async") && !Args.is(argv[1], "sync"))) {
            throw new Args.ArgException(Errors.SYNTAX);
        }
    }

    public static void swapdb(Engine engine, Session session, byte[][] argv, Reply reply) {
        long a = parseSwapIndex(argv[1], "ERR invalid first DB index");
        long b = parseSwapIndex(argv[2], "ERR invalid second DB index");
        if (a < 0 || a >= engine.databases() || b < 0 || b >= engine.databases()) {
            throw new Args.ArgException(Errors.DB_INDEX_OUT_OF_RANGE);
        }
        if (a != b) {
            engine.db((int) a).swapWith(engine.db((int) b));
        }
        engine.propagate(session.db(), argv);
        engine.addDirty(1);
        reply.ok();
    }

    private static long parseSwapIndex(byte[] arg, String error) {
        long v = Args.parseLong(arg, error);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new Args.ArgException(error);
        }
        return v;
    }

    public static void move(Engine engine, Session session, byte[][] argv, Reply reply) {
        int target = dbIndex(engine, argv[2]);
        Database src = engine.db(session.db());
        Database dst = engine.db(target);
        if (src == dst) {
            throw new Args.ArgException("ERR source and destination objects are the same");
        }
        byte[] key = argv[1];
        Object value = engine.lookupWrite(src, key);
        if (value == null) {
            reply.integer(0);
            return;
        }
        if (engine.lookupWrite(dst, key) != null) {
            reply.integer(0);
            return;
        }
        long expire = src.expireAt(key);
        int meta = src.accessMeta(key);
        dst.put(key, value, meta, false);
        if (expire >= 0) {
            dst.setExpireAt(key, expire);
        }
        src.remove(key);
        engine.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "move_from", key, src.index());
        engine.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "move_to", key, dst.index());
        engine.propagate(src.index(), argv);
        engine.addDirty(1);
        reply.integer(1);
    }

    /** TIME: the engine clock's time as [seconds, microseconds]. */
    public static void time(Engine engine, Session session, byte[][] argv, Reply reply) {
        long ms = engine.clock().millis();
        reply.array(2);
        reply.bulk(Args.bytes(Math.floorDiv(ms, 1000)));
        reply.bulk(Args.bytes(Math.floorMod(ms, 1000) * 1000L));
    }
}
