/**
 * The segmented command log: the one record of every write, which is at once the AOF, the
 * replication backlog and the change feed.
 *
 * <h2>Why it is shaped this way</h2>
 *
 * <p>Redis keeps three copies of the write stream: the AOF on disk (its own format, its own
 * SELECTs, no checksums), the replication backlog (a small ring in memory, lost on restart) and
 * whatever a change-data consumer reconstructs. Relog keeps one: the replication stream itself,
 * byte for byte, in Kafka-style segment files. Because the bytes on disk are the bytes on the
 * wire, a replica or a change-feed reader is served any retained range with one
 * {@code FileChannel.transferTo} (see {@link io.relog.log.LogReader#nextRegion}); because offsets
 * are counted exactly as Redis counts {@code master_repl_offset}, a real Redis replica's
 * {@code PSYNC <replid> <offset>} names a position in these files directly; and because the
 * stream is plain RESP, {@code cat} of the segments is an AOF any Redis loads. What Redis' AOF
 * lacks — checksums, batch boundaries, times — lives beside it in a small index per segment,
 * which can always be rebuilt from the segment, so it never needs to be fsynced on the path of a
 * reply.
 *
 * <h2>Offsets</h2>
 *
 * <p>A log offset counts bytes of the replication stream since the stream began: the automatic
 * {@code SELECT}s, {@code MULTI}/{@code EXEC}, keep-alive {@code PING}s and every write command
 * count. The log's end offset is Redis' {@code master_repl_offset}; the byte at offset {@code o}
 * is the one Redis numbers {@code o + 1} ({@code repl_backlog_first_byte_offset} is 1-based). A
 * replica that has applied {@code n} bytes has offset {@code n} and asks {@code PSYNC <id> <n + 1>}
 * (the next byte, 1-based): it is served from log offset {@code n}. A new log starts at offset 0; a
 * replica's log starts at its
 * master's offset after a full sync.
 *
 * <h2>Files of a log directory ({@code <dir>/log})</h2>
 *
 * <p><b>{@code <base>.log}</b> (base = the 20-digit, zero-padded log offset of its first byte):
 * the raw stream from {@code base} on. File position {@code p} holds offset {@code base + p}.
 * Nothing else is in the file: no header, no framing. It holds whole batches only once recovered;
 * a segment is rolled (a new file started at the current end offset) after the batch that makes
 * it reach {@code log-segment-bytes}, or when its first batch is older than {@code log-segment-ms}.
 * The writer starts each segment's first batch with a {@code SELECT}, so a segment is also a
 * stand-alone AOF.
 *
 * <p><b>{@code <base>.idx}</b>: one 32-byte entry per batch (a batch = the writes of one engine
 * iteration; a transaction never spans two), in offset order, no header. Big-endian:
 * <pre>
 *  bytes  type    field
 *  0..3   int32   relative offset: the batch's first offset minus base (its file position)
 *  4..7   int32   length of the batch in bytes (&gt; 0)
 *  8..15  int64   append time, Unix milliseconds (never decreasing within the log)
 *  16..19 int32   number of commands in the batch
 *  20..21 int16   database the stream had selected at the batch's first byte (-1: none yet)
 *  22..23 uint16  flags: 1 = contains MULTI/EXEC; 2 = rebuilt at recovery (one command or one
 *                 whole transaction per entry; time estimated from the file's modification time)
 *  24..27 int32   CRC32C (Castagnoli) of the batch's bytes in the .log
 *  28..31 int32   CRC32C of bytes 0..27 of this entry (a torn entry is detected)
 * </pre>
 * Entries are contiguous: each starts where the previous ended, the first at relative offset 0.
 * Sorted by offset and by time, the index is binary-searched for both; it gives command
 * boundaries and checksums. It is written in groups behind the {@code .log} and may end before
 * it; recovery re-indexes the difference.
 *
 * <p><b>{@code <dir>/replication-history}</b> (see {@link io.relog.log.ReplicationHistory}):
 * text lines {@code <40-hex replid> <start offset>}, oldest first.
 *
 * <h2>Readers</h2>
 *
 * <p>Inside the server, {@link io.relog.log.LogReader} serves replicas byte ranges of the files for
 * zero-copy sends, and {@link io.relog.log.LogBatchReader} serves change-feed readers batch by batch
 * with each batch's time and starting database from the index (from any command boundary, also
 * inside a batch or a transaction). Tools read a data directory through
 * {@link io.relog.log.ReadOnlyLog}, which never writes and may run beside the server. All of them
 * open the segment files themselves, so retention can delete a segment being read.
 *
 * <h2>Durability and recovery</h2>
 *
 * <p>The appending thread writes a batch's bytes to the page cache; another thread fsyncs
 * ({@link io.relog.log.CommandLog#sync}) and reports the offset now durable, after which a
 * server running {@code appendfsync always} releases the replies of the batches below it: one
 * fsync serves every batch written while the previous one ran (group commit). On open,
 * {@link io.relog.log.LogRecovery} checks every indexed batch's CRC, re-indexes the unindexed
 * tail command by command, cuts a torn tail with a warning, and refuses to open a log with
 * corruption anywhere else ({@link io.relog.log.LogCorruptionException}) unless told to truncate.
 * The log is never rewritten: retention deletes whole closed segments that restore no longer
 * needs.
 *
 * <h2>When a write or an fsync fails</h2>
 *
 * <p>A failed write (disk full) keeps the batch, whole, in memory; the segment's size does not
 * count any part of it, and the retry writes it again from its first byte at its own position, so
 * a partial batch is never continued, only written over (or, after a crash, cut as a torn tail).
 *
 * <p>A failed fsync is harder: Linux may mark the pages it could not write back as clean and
 * report the error once, so a second fsync succeeds without those bytes on disk (PostgreSQL met
 * this in 2018, "fsyncgate"). Retrying the fsync alone would advance the synced offset, and
 * release {@code appendfsync always} replies, over bytes that are not on disk. So a failed fsync
 * leaves everything from the synced offset to the end it was to cover <em>suspect</em>, and the
 * next sync first makes those pages dirty again from bytes it has checked: every batch of the
 * range (from the one holding the first byte of the 4 KiB page the range begins in) is read back
 * from the file and compared with the CRC32C of its index entry — the entry itself checked
 * against its own CRC, whether still pending in memory or read back from the {@code .idx} — and
 * written back at the same position; only then does it fsync, and only a success moves the synced
 * offset. Reading back costs nothing while all goes well (no copy of the batches is kept for
 * this), and the batches are still in the page cache in the common case; if the kernel has
 * dropped them, the file now shows other bytes and the check fails. Then nothing can put them on
 * disk: {@link io.relog.log.CommandLog#sync} throws {@link io.relog.log.LogNotDurableException}
 * at every later call and never advances, the server refuses writes with {@code -MISCONF} saying
 * the log cannot be made durable and holds the replies waiting for those bytes, and only a restart
 * helps (recovery checks every batch against its CRC). The preallocating thread's fsync of the
 * zeros it wrote also writes back the batches' pages (an fsync covers the whole file), so it never
 * overlaps the fsync of a {@code sync} (one lock around both, which the appending thread never
 * takes) and marks the same range suspect when it fails, rather than consuming the error unseen.
 *
 * <h2>Reading a directory from outside the server</h2>
 *
 * <p>{@link io.relog.log.CommandLog#open} recovers, so it may cut and rewrite files: only the
 * server uses it. Tools (change feed, restore, check, dump) use {@link io.relog.log.ReadOnlyLog},
 * which opens every file read-only and shows the prefix recovery would keep — checked indexed
 * batches, then whole commands past the index — while the server goes on appending.
 */
package io.relog.log;
