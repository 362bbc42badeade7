/**
 * The write path from the engine to the command log, and back to the clients.
 *
 * <p>The engine hands every propagated write to {@link io.relog.frontend.persistence.LogWriter},
 * which encodes it into the batch of the current engine iteration. When the iteration ends (after
 * its commands, before any of its replies leave), the batch is written to the active segment —
 * page cache only, on the engine thread, a few microseconds — and the
 * {@link io.relog.frontend.persistence.LogSyncer} thread is woken. Under {@code appendfsync
 * always} the iteration's replies are parked until the syncer reports the log durable past the
 * batch; meanwhile the engine goes on executing the next requests, whose batch the next fsync
 * covers together with any others written while the first ran (group commit: one fsync per
 * round, however many clients wrote). Under {@code everysec} the syncer fsyncs once a second and
 * replies are not held; under {@code no} (or {@code appendonly no}) it never forces. No fsync runs
 * on the engine thread.
 *
 * <p>A write or fsync that fails (disk full, I/O error) keeps the unwritten batches in memory,
 * makes the engine refuse writes with {@code -MISCONF} while reads go on, and is retried every
 * second; when it succeeds writes are accepted again. Held replies stay held until their batch is
 * durable, so nothing acknowledged depends on bytes that are not on disk. An fsync is retried only
 * after the log has rewritten, from checked bytes, what the failed one may have lost; when it
 * cannot ({@link io.relog.log.LogNotDurableException}), writes stay refused with a {@code -MISCONF}
 * that says the server must be restarted.
 *
 * <p>At start, {@link io.relog.frontend.persistence.LogReplay} replays the recovered log into the
 * engine before the server accepts clients.
 */
package io.relog.frontend.persistence;
