/**
 * MULTI/EXEC transactions and WATCH, with Redis 7.0's semantics.
 *
 * <p><b>Why the state lives in the engine.</b> A transaction is queued and executed on the engine
 * thread, where every command runs, so EXEC executes its queue in one uninterrupted call: no
 * other client's command can interleave, and the propagated {@code MULTI … EXEC} it produces is
 * written within one loop iteration, hence within one log batch. The per-client state is a
 * {@link io.relog.engine.transaction.TransactionState} hung off the
 * {@link io.relog.engine.Session}; {@link io.relog.engine.Engine#execute} queues commands while
 * the session is in MULTI.
 *
 * <p><b>Why WATCH observes the propagated stream.</b> A watched key must be "touched" by every
 * change: commands of any client, expiry, FLUSH/SWAPDB, and a master's stream applied on a
 * replica. All of these pass through {@link io.relog.engine.Engine#propagate}, which reports the
 * changed keys to {@link io.relog.engine.propagation.KeyspaceObserver}s;
 * {@link io.relog.engine.transaction.WatchedKeys} is one. Redis 7.0's rules for keys that were
 * already expired when watched, and for keys that did not exist before or after a FLUSH, are
 * applied there.
 */
package io.relog.engine.transaction;
