/**
 * RDB snapshots: written from a frozen view of the engine, read in every encoding Redis 7.x
 * writes, and the DUMP/RESTORE payloads that share the value format.
 *
 * <h2>Why a frozen view, not a fork</h2>
 * Redis snapshots by {@code fork()}: the child sees the parent's memory as of the fork and
 * writes it out while the parent keeps serving writes, each write to a page copying that page.
 * Under a steady write load most pages get copied and the server can need up to twice its memory,
 * and the fork itself stalls the server for as long as copying the page tables takes.
 *
 * <p>Relog's keyspace is made of persistent structures whose nodes carry an owner token
 * ({@link io.relog.engine.keyspace.ChampMap}, {@link io.relog.engine.types.CollectionValue}).
 * {@link io.relog.engine.Engine#freeze()} replaces every database's token in O(1), at a batch
 * boundary: from then on the engine thread copies a node before changing it, so the old roots
 * form an immutable view of the keyspace at that log offset. The snapshot thread walks that view
 * ({@link io.relog.snapshot.rdb.RdbWriter}) while writes continue; only the nodes writes touch
 * are copied — per node, not per 4 KiB page — and the engine thread pays nothing but the freeze.
 * If a writer mutated a node the view can reach, the snapshot would mix states from different
 * offsets and restore (snapshot + log replay from its offset) would apply some writes twice; the
 * owner-token rule is what makes that impossible, which is why the writer refuses a database
 * that is not {@linkplain io.relog.engine.keyspace.Database#isFrozen() frozen}.
 *
 * <h2>What is written</h2>
 * RDB version 9 with plain encodings only — string (integer-encoded when canonical and 32-bit),
 * list (1), set (2), hash (4), sorted set with binary scores (5) — plus SELECTDB, RESIZEDB,
 * EXPIRETIME_MS, the aux fields {@code redis-ver redis-bits ctime used-mem repl-stream-db
 * repl-id repl-offset aof-base} and the CRC-64. Version 9 with these types is what every Redis
 * from 6.2 to 7.4 and Valkey 8 loads (newer servers still read the plain types), so a Relog
 * snapshot can seed any of them. Writing listpacks would only save space for small values and
 * tie the file to 7.0+. LZF compression is not written (optional in the format).
 * {@link io.relog.snapshot.SnapshotFiles} names a snapshot by its freeze offset
 * ({@code snapshots/<20-digit offset>.rdb}) and makes it appear only once durable.
 *
 * <h2>What is read</h2>
 * Versions 1 to 11 (Redis 7.2, Valkey 8.0); newer versions are refused, as Redis refuses files
 * from its future. Every value encoding Redis 7.0 and 7.2 write: plain, integer and
 * LZF strings; ziplist, quicklist (ziplist nodes), quicklist 2 (plain and packed listpack nodes)
 * lists; intset and listpack sets; ASCII-double, binary-double, ziplist and listpack sorted
 * sets; zipmap, ziplist and listpack hashes. Values are built with owned edits into fresh
 * databases, in the encoding their size calls for under the server's limits (as Redis converts
 * on load). AUX fields are all kept (replication ID and offset for restart and PSYNC),
 * FUNCTION2 library code is handed to the caller, MODULE_AUX is skipped with a warning (its
 * typed encoding can be walked without the module). <b>Not supported yet:</b> streams (types
 * 15, 19, 21) and module values (6, 7) — loading one fails with an error naming the key and the
 * byte offset. Every error names the offset and the key being read; a checksum mismatch is never
 * ignored (a stored checksum of 0 means "not computed", as in Redis).
 *
 * <h2>DUMP / RESTORE</h2>
 * {@link io.relog.snapshot.dump.DumpPayload}: the value in RDB encoding, the RDB version (2 bytes)
 * and a CRC-64. Relog DUMPs version 9 plain payloads and RESTOREs any payload up to version 11,
 * so redis-server 7.0 and Relog exchange DUMP payloads both ways.
 * {@link io.relog.snapshot.SnapshotCommands#registerAll} adds DUMP and RESTORE to the command
 * table.
 */
package io.relog.snapshot;
