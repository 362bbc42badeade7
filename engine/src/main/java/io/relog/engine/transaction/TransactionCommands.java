package io.relog.engine.transaction;

import io.relog.engine.Engine;
import io.relog.engine.Session;
import io.relog.engine.command.Reply;
import java.util.List;

/**
 * MULTI, EXEC, DISCARD, WATCH and UNWATCH. Queueing itself happens in
 * {@link Engine#execute}: while a session is in MULTI every command other than these (and QUIT,
 * RESET) is validated and queued instead of executed.
 */
public final class TransactionCommands {

    public static final String EXECABORT = "EXECABORT Transaction discarded because of previous errors.";
    public static final String NOT_ALLOWED_IN_MULTI = "ERR Command not allowed inside a transaction";

    private TransactionCommands() {
    }

    /** Commands that run at once even inside MULTI, as in Redis' {@code processCommand}. */
    public static boolean runsInsideMulti(String name) {
        return switch (name) {
            case "exec", "discard", "multi", "watch", "quit", "reset" -> true;
            default -> false;
        };
    }

    public static void multi(Engine engine, Session session, byte[][] argv, Reply reply) {
        TransactionState tx = session.transaction();
        if (tx.inMulti()) {
            reply.error("ERR MULTI calls can not be nested");
            return;
        }
        tx.begin();
        reply.ok();
    }

    public static void discard(Engine engine, Session session, byte[][] argv, Reply reply) {
        if (!session.inTransaction()) {
            reply.error("ERR DISCARD without MULTI");
            return;
        }
        engine.discardTransaction(session);
        reply.ok();
    }

    public static void watch(Engine engine, Session session, byte[][] argv, Reply reply) {
        TransactionState tx = session.transaction();
        if (tx.inMulti()) {
            reply.error("ERR WATCH inside MULTI is not allowed");
            return;
        }
        for (int i = 1; i < argv.length; i++) {
            engine.watchedKeys().watch(tx, session.db(), argv[i]);
        }
        reply.ok();
    }

    public static void unwatch(Engine engine, Session session, byte[][] argv, Reply reply) {
        TransactionState tx = session.transaction();
        engine.watchedKeys().unwatchAll(tx);
        tx.clearWatchTouched();
        reply.ok();
    }

    /**
     * Runs the queued commands as one unit: the reply is the array of their replies (an error of
     * one is just its element); the null array if a watched key was touched; EXECABORT if a
     * command failed to queue. The writes are propagated as Redis 7.0 does: wrapped in
     * {@code MULTI … EXEC} when there are two or more, as they are when there is one.
     */
    public static void exec(Engine engine, Session session, byte[][] argv, Reply reply) {
        if (!session.inTransaction()) {
            reply.error("ERR EXEC without MULTI");
            return;
        }
        TransactionState tx = session.transaction();
        WatchedKeys watched = engine.watchedKeys();
        if (tx.queueError()) {
            engine.discardTransaction(session);
            reply.error(EXECABORT);
            return;
        }
        if (tx.watchTouched() || watched.anyExpiredSinceWatch(tx)) {
            engine.discardTransaction(session);
            reply.nullArray();
            return;
        }
        watched.unwatchAll(tx);
        List<TransactionState.Queued> queue = tx.queued();
        tx.startExecuting();
        engine.propagator().beginTransaction();
        try {
            reply.array(queue.size());
            for (TransactionState.Queued q : queue) {
                engine.executeQueued(session, q.spec(), q.argv(), reply);
            }
        } finally {
            engine.propagator().endTransaction();
            engine.discardTransaction(session);
        }
    }
}
