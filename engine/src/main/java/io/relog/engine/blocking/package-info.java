/**
 * Blocking pops (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP) and the
 * registry of the clients waiting in them.
 *
 * <p><b>Why the work is split this way.</b> The engine decides <em>whether</em> a client waits
 * and <em>what</em> serving it means; the executor (the front end's engine loop) only decides
 * <em>when</em>. A blocking command that finds no data registers its session in
 * {@link io.relog.engine.blocking.BlockedClients} with the pop to re-run and replies nothing.
 * The registry observes the propagated write stream, so every change of a waited-on key marks
 * it ready — whichever command, expiry, FLUSH, SWAPDB, MOVE or replicated write caused it. The
 * executor then calls {@code serveReady()} after each command (after EXEC as a whole), stops
 * running a blocked client's pipeline until the registry's listener reports it unblocked, and
 * calls {@code expire(now)} at {@code nextDeadlineMs()}. Engine tests drive the same three calls.
 *
 * <p>What would break otherwise: serving from inside the observer would execute a command in
 * the middle of another (its reply and propagation interleaved with the writer's); serving only
 * from the push commands would miss RENAME, MOVE, SORT STORE, LMOVE chains and the replica's
 * stream; and executing a blocked client's later pipelined commands would reorder its replies.
 *
 * <p><b>Transactions.</b> Inside MULTI/EXEC a blocking command must not block; the transaction
 * code installs the check with {@link io.relog.engine.blocking.BlockedClients#setDenyBlocking}
 * (for example {@code Session::inTransaction}).
 */
package io.relog.engine.blocking;
