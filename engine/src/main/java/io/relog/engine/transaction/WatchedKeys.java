package io.relog.engine.transaction;

import io.relog.engine.Engine;
import io.relog.engine.keyspace.Database;
import io.relog.engine.propagation.KeyspaceObserver;
import io.relog.engine.transaction.TransactionState.Watch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every WATCHed key of every client, and the observer that marks their transactions when a key
 * is touched. Engine thread only.
 *
 * <p>Redis 7.0's rules, applied here:
 * <ul>
 *   <li>Any change to a watched key touches it — by any client, by expiry (the propagated DEL),
 *       by the master's stream on a replica.</li>
 *   <li>A key that was already expired (present but past its time) when watched is not touched by
 *       its own deletion: logically it was already gone. Any other change touches it.</li>
 *   <li>A key watched while alive that expires before EXEC touches it even if nobody deleted it
 *       yet ({@link #anyExpiredSinceWatch}).</li>
 *   <li>FLUSHDB/FLUSHALL/SWAPDB touch a watched key only if it existed before or exists after
 *       (with the two expired-key cases above: an expired key flushed, or replaced by another
 *       expired key, is no logical change).</li>
 *   <li>A change reported for a key that was absent before and is absent after (DEL of a missing
 *       key, which the propagated form may include) is no change.</li>
 * </ul>
 * The observer runs after the change is applied (writes are propagated once done), so "after" is
 * the current database and "before" is {@link Watch#present}, kept exact while the watch is not
 * touched.
 */
public final class WatchedKeys implements KeyspaceObserver {

    /** A key in a database, with content equality. */
    record DbKey(int db, byte[] key) {
        @Override
        public boolean equals(Object o) {
            return o instanceof DbKey k && k.db == db && Arrays.equals(k.key, key);
        }

        @Override
        public int hashCode() {
            return 31 * db + Arrays.hashCode(key);
        }
    }

    private final Engine engine;
    private final Map<DbKey, List<Watch>> watchers = new HashMap<>();

    public WatchedKeys(Engine engine) {
        this.engine = engine;
    }

    /** Number of distinct watched keys across all clients (INFO's {@code watching_clients}-like figure). */
    public int size() {
        return watchers.size();
    }

    /** Adds {@code key} of database {@code db} to the keys {@code tx} watches (once). */
    public void watch(TransactionState tx, int db, byte[] key) {
        DbKey k = new DbKey(db, key.clone());
        if (tx.watched.containsKey(k)) {
            return;
        }
        Database d = engine.db(db);
        boolean present = d.peek(key) != null;
        Watch w = new Watch(tx, k, present && engine.isExpired(d, key), present);
        tx.watched.put(k, w);
        watchers.computeIfAbsent(k, x -> new ArrayList<>(2)).add(w);
    }

    /** Forgets every key {@code tx} watches (UNWATCH, EXEC, DISCARD, disconnect). */
    public void unwatchAll(TransactionState tx) {
        for (Watch w : tx.watched.values()) {
            List<Watch> list = watchers.get(w.key);
            if (list != null) {
                list.remove(w);
                if (list.isEmpty()) {
                    watchers.remove(w.key);
                }
            }
        }
        tx.watched.clear();
    }

    /** Whether a key {@code tx} watched while it was alive has expired since (checked at EXEC). */
    public boolean anyExpiredSinceWatch(TransactionState tx) {
        for (Watch w : tx.watched.values()) {
            if (!w.expiredAtWatch && engine.isExpired(engine.db(w.key.db()), w.key.key())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void keyModified(int db, byte[] key) {
        if (watchers.isEmpty()) {
            return;
        }
        List<Watch> list = watchers.get(new DbKey(db, key));
        if (list == null) {
            return;
        }
        boolean presentNow = engine.db(db).peek(key) != null;
        for (Watch w : List.copyOf(list)) {
            if (!presentNow && (!w.present || w.expiredAtWatch)) {
                // Absent before and after, or an already-expired key deleted: no logical change.
                w.present = false;
                w.expiredAtWatch = false;
                continue;
            }
            touch(w.owner);
        }
    }

    @Override
    public void databaseModified(int db) {
        if (watchers.isEmpty()) {
            return;
        }
        Database d = engine.db(db);
        List<Watch> touched = new ArrayList<>();
        for (Map.Entry<DbKey, List<Watch>> e : watchers.entrySet()) {
            DbKey k = e.getKey();
            if (k.db() != db) {
                continue;
            }
            boolean presentNow = d.peek(k.key()) != null;
            boolean expiredNow = presentNow && engine.isExpired(d, k.key());
            for (Watch w : e.getValue()) {
                if (!w.present && !presentNow) {
                    continue;
                }
                if (w.expiredAtWatch) {
                    if (!presentNow) {
                        w.expiredAtWatch = false; // expired key deleted: no logical change
                        w.present = false;
                        continue;
                    }
                    if (expiredNow) {
                        w.present = true; // expired key replaced by an expired key
                        continue;
                    }
                } else if (!w.present && expiredNow) {
                    w.expiredAtWatch = true; // missing key replaced by an expired key
                    w.present = true;
                    continue;
                }
                touched.add(w);
            }
        }
        for (Watch w : touched) {
            touch(w.owner);
        }
    }

    private void touch(TransactionState tx) {
        tx.markWatchTouched();
        // Once touched, the outcome of EXEC is decided: stop watching (as Redis 7.0 does).
        unwatchAll(tx);
    }
}
