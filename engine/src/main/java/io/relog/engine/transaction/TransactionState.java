package io.relog.engine.transaction;

import io.relog.engine.command.CommandSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One client's transaction state: whether it is inside MULTI, the commands queued since, whether
 * queueing failed (EXEC then aborts), and the keys it WATCHes with whether one was touched
 * (EXEC then returns the null array). Engine thread only.
 */
public final class TransactionState {

    /** A queued command: its table row and arguments (the array is kept, never modified). */
    public record Queued(CommandSpec spec, byte[][] argv) {
    }

    private boolean multi;
    private boolean executing;
    private boolean queueError;
    private boolean watchTouched;
    private final List<Queued> queue = new ArrayList<>();
    /** The session's watched keys, in WATCH order; the same {@link Watch} objects are in {@link WatchedKeys}. */
    final Map<WatchedKeys.DbKey, Watch> watched = new LinkedHashMap<>();

    /** One watched key of one client. */
    static final class Watch {
        final TransactionState owner;
        final WatchedKeys.DbKey key;
        /** The key was logically expired (present but past its time) when watched (Redis 7.0's {@code wk->expired}). */
        boolean expiredAtWatch;
        /** Whether the key is physically in the database (possibly expired), as last known while untouched. */
        boolean present;

        Watch(TransactionState owner, WatchedKeys.DbKey key, boolean expiredAtWatch, boolean present) {
            this.owner = owner;
            this.key = key;
            this.expiredAtWatch = expiredAtWatch;
            this.present = present;
        }
    }

    /** Whether MULTI was called and neither EXEC nor DISCARD has finished since. */
    public boolean inMulti() {
        return multi;
    }

    /** Whether EXEC is running the queued commands right now. */
    public boolean executing() {
        return executing;
    }

    /** Whether a command sent now must be queued: in MULTI and not executing EXEC. */
    public boolean queueing() {
        return multi && !executing;
    }

    /** Whether a command failed to queue (unknown, wrong arity, not allowed): EXEC will reply EXECABORT. */
    public boolean queueError() {
        return queueError;
    }

    /** Marks the transaction as failed to queue (Redis' {@code CLIENT_DIRTY_EXEC}); nothing if not in MULTI. */
    public void flagQueueError() {
        if (multi) {
            queueError = true;
        }
    }

    /** Whether a watched key was touched since WATCH (Redis' {@code CLIENT_DIRTY_CAS}). */
    public boolean watchTouched() {
        return watchTouched;
    }

    void markWatchTouched() {
        watchTouched = true;
    }

    public void queue(CommandSpec spec, byte[][] argv) {
        queue.add(new Queued(spec, argv));
    }

    public List<Queued> queued() {
        return queue;
    }

    void begin() {
        multi = true;
    }

    void startExecuting() {
        executing = true;
    }

    /** Leaves MULTI and forgets the queue and both flags (the watched keys are removed by the caller). */
    public void reset() {
        multi = false;
        executing = false;
        queueError = false;
        watchTouched = false;
        queue.clear();
    }

    void clearWatchTouched() {
        watchTouched = false;
    }

    /** Whether there is nothing to keep: not in MULTI, no watched key, no flag. */
    public boolean idle() {
        return !multi && watched.isEmpty() && !watchTouched;
    }
}
