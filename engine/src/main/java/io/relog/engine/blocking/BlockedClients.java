package io.relog.engine.blocking;

import io.relog.engine.Engine;
import io.relog.engine.Session;
import io.relog.engine.command.Reply;
import io.relog.engine.propagation.KeyspaceObserver;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The clients blocked in BLPOP, BLMOVE, BZPOPMIN, ... waiting for a key: Redis'
 * {@code blocking.c} state, one instance per {@link Engine}. Engine thread only.
 *
 * <p><b>Why it is shaped this way.</b> A blocking pop that finds nothing does not reply: it
 * {@link #block registers} the session on (database, keys, deadline) with the pop to re-run, and
 * the front end stops executing that client's pipeline until it is {@link Listener#unblocked
 * unblocked}. Learning that a key may now be servable must not depend on every command
 * remembering to signal, so this registry is a {@link KeyspaceObserver}: every change reaches it
 * through the propagated write stream (pushes, renames, MOVE, a replica applying its master's
 * stream, ...). An observer must not execute commands, so a change only marks the key
 * <em>ready</em>; the executor calls {@link #serveReady()} after the command that caused it has
 * completed (after EXEC as a whole for a transaction, as Redis does), which serves the waiters
 * of each ready key first-blocked first-served while the key still holds a value of the type
 * they wait for. Serving is a write: it propagates the plain form of the pop ({@code LPOP k},
 * {@code LMOVE ...}, {@code ZPOPMIN k}), which may in turn make another key ready (BLMOVE
 * pushing to a key someone waits on) — the loop continues until no key is ready.
 *
 * <p>Deadlines are Unix ms of the engine's clock ({@code 0} = forever); the executor calls
 * {@link #expire} at the earliest {@link #nextDeadlineMs()}, which replies to the timed-out
 * clients as their command would on timeout.
 */
public final class BlockedClients implements KeyspaceObserver {

    /** Told when a blocked client has its reply (served, timed out, unblocked or removed). */
    @FunctionalInterface
    public interface Listener {
        void unblocked(Session session);
    }

    /**
     * Re-runs a blocked pop on {@code key}, which holds a value of the waited-for type. Replies to
     * and propagates for the waiter; returns {@code false} to keep waiting (e.g. the BLMOVE
     * destination is of the wrong type).
     */
    @FunctionalInterface
    public interface Serve {
        boolean serve(Engine engine, Waiter waiter, byte[] key);
    }

    /** One blocked client. */
    public static final class Waiter {
        private final Session session;
        private final Reply reply;
        private final int db;
        private final byte[][] keys;
        private final long deadlineMs;
        private final long seq;
        private final Class<?> type;
        private final Serve serve;
        private final Consumer<Reply> onTimeout;

        Waiter(Session session, Reply reply, int db, byte[][] keys, long deadlineMs, long seq,
               Class<?> type, Serve serve, Consumer<Reply> onTimeout) {
            this.session = session;
            this.reply = reply;
            this.db = db;
            this.keys = keys;
            this.deadlineMs = deadlineMs;
            this.seq = seq;
            this.type = type;
            this.serve = serve;
            this.onTimeout = onTimeout;
        }

        public Session session() {
            return session;
        }

        /** Where the blocked command's reply goes (the client's reply sink at the time it blocked). */
        public Reply reply() {
            return reply;
        }

        public int db() {
            return db;
        }

        /** Unix ms at which the wait times out, or 0 for never. */
        public long deadlineMs() {
            return deadlineMs;
        }
    }

    private record KeyRef(int db, ByteBuffer key) {
    }

    private static final Comparator<Waiter> BY_DEADLINE =
            Comparator.comparingLong((Waiter w) -> w.deadlineMs).thenComparingLong(w -> w.seq);

    private final Engine engine;
    private final Map<Session, Waiter> bySession = new IdentityHashMap<>();
    private final Map<KeyRef, ArrayDeque<Waiter>> byKey = new HashMap<>();
    private final TreeSet<Waiter> byDeadline = new TreeSet<>(BY_DEADLINE);
    private final ArrayDeque<KeyRef> ready = new ArrayDeque<>();
    private final Set<KeyRef> readySet = new HashSet<>();
    private Listener listener = s -> { };
    private Predicate<Session> denyBlocking = s -> false;
    private long nextSeq;
    private boolean serving;

    public BlockedClients(Engine engine) {
        this.engine = engine;
    }

    /** Sets who is told that a client was unblocked (the front end resumes its pipeline). */
    public void setListener(Listener listener) {
        this.listener = listener;
    }

    /**
     * Sets when a blocking command must not block and reply as on timeout instead: inside
     * MULTI/EXEC (the transaction code installs {@code session -> session is executing EXEC}),
     * scripts, a master's stream. Default: never.
     */
    public void setDenyBlocking(Predicate<Session> denyBlocking) {
        this.denyBlocking = denyBlocking;
    }

    /** Whether {@code session} may block now (see {@link #setDenyBlocking}). */
    public boolean mayBlock(Session session) {
        return !denyBlocking.test(session);
    }

    /**
     * Blocks {@code session} on {@code keys} of database {@code db} until one holds a value of
     * {@code type}, served by {@code serve}, or until {@code deadlineMs} (Unix ms; 0 = forever),
     * when {@code onTimeout} writes the reply. The command must not have replied.
     */
    public void block(Session session, Reply reply, int db, byte[][] keys, long deadlineMs,
                      Class<?> type, Serve serve, Consumer<Reply> onTimeout) {
        Waiter w = new Waiter(session, reply, db, keys, deadlineMs, nextSeq++, type, serve, onTimeout);
        Waiter old = bySession.put(session, w);
        if (old != null) {
            detach(old);
        }
        for (byte[] k : keys) {
            ArrayDeque<Waiter> q = byKey.computeIfAbsent(new KeyRef(db, ByteBuffer.wrap(k)), x -> new ArrayDeque<>());
            if (!q.contains(w)) {
                q.addLast(w);
            }
        }
        if (deadlineMs > 0) {
            byDeadline.add(w);
        }
    }

    /** Whether {@code session} is blocked. */
    public boolean isBlocked(Session session) {
        return !bySession.isEmpty() && bySession.containsKey(session); // asked after every command
    }

    /** Number of blocked clients ({@code INFO clients blocked_clients}). */
    public int blockedCount() {
        return bySession.size();
    }

    /** Number of blocked clients with a deadline ({@code INFO clients clients_in_timeout_table}). */
    public int withTimeoutCount() {
        return byDeadline.size();
    }

    /** Whether any key is waiting to be served. */
    public boolean hasReady() {
        return !ready.isEmpty();
    }

    /** Forgets {@code session} without replying (the client disconnected). Returns whether it was blocked. */
    public boolean remove(Session session) {
        Waiter w = bySession.remove(session);
        if (w == null) {
            return false;
        }
        detach(w);
        return true;
    }

    /**
     * {@code CLIENT UNBLOCK}: replies as on timeout, or with {@code -UNBLOCKED ...} when
     * {@code error}, and tells the listener. Returns whether the client was blocked.
     */
    public boolean unblock(Session session, boolean error) {
        Waiter w = bySession.remove(session);
        if (w == null) {
            return false;
        }
        detach(w);
        if (error) {
            w.reply.error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
        } else {
            w.onTimeout.accept(w.reply);
        }
        listener.unblocked(session);
        return true;
    }

    /** The earliest deadline (Unix ms) of a blocked client, or {@link Long#MAX_VALUE} if none. */
    public long nextDeadlineMs() {
        return byDeadline.isEmpty() ? Long.MAX_VALUE : byDeadline.first().deadlineMs;
    }

    /** Times out every client whose deadline is at or before {@code nowMs}. Returns how many. */
    public int expire(long nowMs) {
        int n = 0;
        while (!byDeadline.isEmpty() && byDeadline.first().deadlineMs <= nowMs) {
            Waiter w = byDeadline.first();
            bySession.remove(w.session);
            detach(w);
            w.onTimeout.accept(w.reply);
            listener.unblocked(w.session);
            n++;
        }
        return n;
    }

    /**
     * Serves the clients blocked on keys that changed, first blocked first served, re-running
     * each one's pop while its key holds a value of the type it waits for. Call after each
     * command completes (after EXEC for a transaction), never from inside a command.
     */
    public void serveReady() {
        if (serving) {
            return;
        }
        serving = true;
        try {
            KeyRef k;
            while ((k = ready.poll()) != null) {
                readySet.remove(k);
                ArrayDeque<Waiter> q = byKey.get(k);
                if (q == null) {
                    continue;
                }
                byte[] key = k.key().array();
                for (Waiter w : List.copyOf(q)) {
                    if (bySession.get(w.session) != w) {
                        continue;
                    }
                    engine.refreshTime();
                    Object v = engine.lookupQuiet(engine.db(k.db()), key);
                    if (v == null) {
                        break;
                    }
                    if (!w.type.isInstance(v) || !w.serve.serve(engine, w, key)) {
                        continue;
                    }
                    bySession.remove(w.session);
                    detach(w);
                    listener.unblocked(w.session);
                }
            }
        } finally {
            serving = false;
        }
    }

    private void detach(Waiter w) {
        for (byte[] k : w.keys) {
            KeyRef ref = new KeyRef(w.db, ByteBuffer.wrap(k));
            ArrayDeque<Waiter> q = byKey.get(ref);
            if (q != null) {
                q.remove(w);
                if (q.isEmpty()) {
                    byKey.remove(ref);
                }
            }
        }
        if (w.deadlineMs > 0) {
            byDeadline.remove(w);
        }
    }

    @Override
    public void keyModified(int db, byte[] key) {
        if (byKey.isEmpty()) {
            return;
        }
        KeyRef ref = new KeyRef(db, ByteBuffer.wrap(key));
        if (byKey.containsKey(ref) && readySet.add(ref)) {
            ready.addLast(ref);
        }
    }

    @Override
    public void databaseModified(int db) {
        if (byKey.isEmpty()) {
            return;
        }
        List<KeyRef> keys = new ArrayList<>();
        for (KeyRef ref : byKey.keySet()) {
            if (ref.db() == db) {
                keys.add(ref);
            }
        }
        for (KeyRef ref : keys) {
            if (readySet.add(ref)) {
                ready.addLast(ref);
            }
        }
    }
}
