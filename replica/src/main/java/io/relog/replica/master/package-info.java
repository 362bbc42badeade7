/**
 * The master's side of replication: deciding how a replica syncs ({@link
 * io.relog.replica.master.PsyncDecision}), streaming the log to replicas ({@link
 * io.relog.replica.master.ReplicaLink}) and to change-feed readers ({@link
 * io.relog.replica.master.CdcLink}).
 *
 * <h2>Change-feed (CDC) readers over PSYNC</h2>
 *
 * <p>A change-feed reader wants what a replica gets — the write stream from an offset, served
 * from the log files at its own pace — but never a full sync, and it needs two facts the raw
 * stream lacks: when each write happened, and which database is selected where it starts (a
 * stream read from the middle has no {@code SELECT} before it). So it speaks PSYNC with one
 * announcement more, and the server interleaves annotation lines that carry those facts.
 *
 * <p><b>Handshake</b> (after {@code AUTH} if the server needs it):
 * <pre>
 *   REPLCONF relog-cdc 1          → +OK       (1 = this version of the annotated stream;
 *                                              other values: -ERR)
 *   PSYNC &lt;replid|?&gt; &lt;offset+1&gt;     → +CONTINUE &lt;current replid&gt;, then the stream
 *                                 | -TRIMMED offset &lt;o&gt; is no longer retained; the earliest available offset is &lt;s&gt;
 *                                 | -ERR offset &lt;o&gt; is beyond the log end offset &lt;e&gt;
 *                                 | -ERR offset &lt;o&gt; is not at a command boundary (…)
 * </pre>
 * The PSYNC offset is PSYNC's (the log offset of the first byte wanted, plus one); {@code -1}
 * means the current end. Any retained offset that is a command boundary continues, whatever
 * replication ID the reader names; the errors name log offsets; after an error the server closes
 * the connection. {@code SYNC} is refused. The reader sends nothing more: no {@code REPLCONF ACK}.
 *
 * <p><b>Stream.</b> Before each batch of the log — and before the part of a batch where the
 * reader starts — one line
 * <pre>
 *   #relog &lt;offset&gt; &lt;timestamp-ms&gt; &lt;db&gt; &lt;tx&gt;\r\n
 * </pre>
 * then the batch's bytes exactly as in the log. {@code offset}: the log offset of the byte that
 * follows the line; {@code timestamp-ms}: the batch's append time (Unix ms, from the index);
 * {@code db}: the database selected at that offset (-1 before any {@code SELECT}); {@code tx}: the
 * log offset of the {@code MULTI} when the offset lies inside a transaction (only possible on the
 * first line: a transaction never spans batches), else -1. Annotation lines do not count in
 * offsets: a reader adds the length of each command it parses, and every annotation must name
 * the offset it has counted to. Lines starting with {@code #} sit only where a command could
 * start, so a reader that drops them, as Redis' AOF loader skips {@code #} lines, has the raw
 * stream — a valid AOF.
 *
 * <p><b>What the server holds for a reader.</b> Nothing but a position: the link reads batches from
 * the segment files when the socket can take more, with at most {@link
 * io.relog.replica.master.CdcLink#MAX_IN_FLIGHT} bytes handed to the channel and not yet written
 * (large batches by {@code sendfile}, small ones copied with their annotations into one buffer).
 * A slow or stuck reader costs that bound plus the socket's buffers; when it reads again it
 * catches up from disk. A reader behind a segment that retention deletes gets the {@code -TRIMMED}
 * error when it reconnects.
 *
 * <p><b>How readers show.</b> {@code INFO replication}: {@code connected_cdc_readers:<n>} and
 * {@code cdc<i>:ip=…,port=…,offset=<sent>,lag=<seconds behind>} lines, apart from
 * {@code connected_slaves}; {@code CLIENT LIST}: flag {@code C} (replicas show {@code S});
 * {@code RELOG.LOG INFO}: {@code cdc-readers}. Readers never count for {@code WAIT} or
 * {@code min-replicas-to-write}, are not dropped by {@code repl-timeout}, and do not make the
 * server append keep-alive {@code PING}s. {@code CLIENT KILL ID|ADDR} closes one; {@code TYPE}
 * filters do not select them.
 */
package io.relog.replica.master;
