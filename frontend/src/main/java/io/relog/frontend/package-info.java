/**
 * The Relog server's front end: Netty connections, the engine thread, and the connection and
 * server commands.
 *
 * <p><b>Why this shape.</b> The command log requires that log order be execution order, so one
 * thread — the {@link io.relog.frontend.EngineLoop engine thread} — executes every command; the
 * Netty IO event loops only frame bytes into commands and write reply buffers out. The costly part
 * of such a design is the hand-off between threads, so it is paid once per <i>read</i>, not per
 * command: everything one read of one connection produced travels as one batch through a
 * lock-free MPSC queue, and the engine answers a whole iteration's worth of batches before it
 * flushes. That iteration boundary is also where the log will seal its batch and, under
 * {@code appendfsync always}, wait for the fsync before any reply of that batch leaves the server
 * (group commit). If replies were flushed per command instead, a client could see an
 * acknowledgement for a write the log has not made durable.
 *
 * <p>Pipeline of a channel: {@link io.relog.frontend.resp.RequestDecoder} (bytes to argv or a
 * protocol error) → {@link io.relog.frontend.ConnectionHandler} (batching, lifecycle, back
 * pressure). Replies are encoded on the engine thread straight into a pooled buffer per
 * connection ({@link io.relog.frontend.resp.ReplyBuffer}); ownership passes to Netty with the
 * write, and a closed connection's buffer is released by the engine thread, which is the only
 * one that ever touches it before the hand-over.
 *
 * <p>Entry points: {@link io.relog.frontend.RelogServer#start} (embedding and tests) and
 * {@link io.relog.frontend.Main} ({@code bin/relog-server}).
 */
package io.relog.frontend;
