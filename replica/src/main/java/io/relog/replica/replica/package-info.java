/**
 * The replica's end of replication: the link to its master.
 *
 * <h2>Why the replica copies bytes instead of re-propagating</h2>
 *
 * <p>A Redis replica counts its offset in bytes of the master's stream, and its own replicas get
 * those same bytes ({@code replicationFeedStreamFromMasterStream}). A Relog replica goes one step
 * further: the bytes it received are what it appends to its own log, so the log <i>is</i> the
 * master's stream from the sync point on — same offsets, same {@code SELECT}s and {@code PING}s, a
 * valid backlog for its own replicas and for a promotion, where the old replication ID stays valid
 * over exactly the bytes the master sent. Re-propagating what the engine executed would give a
 * different byte count (Redis' {@code PING}s, its case, its {@code SELECT}s) and offsets that
 * drift from the master's; every later PSYNC would then need a full sync.
 *
 * <h2>What lives here</h2>
 *
 * <p>{@link io.relog.replica.replica.MasterLinkHandler} speaks the protocol and nothing else:
 * handshake ({@code PING}, {@code AUTH}, {@code REPLCONF listening-port}, {@code REPLCONF capa eof
 * capa psync2}, {@code PSYNC <replid> <offset+1>}), the answer ({@code +FULLRESYNC},
 * {@code +CONTINUE [<newid>]}, newline keep-alives), the RDB in either framing ({@code $<len>} or
 * {@code $EOF:<40-byte mark>}, the mark searched for anywhere in what was read because a Relog
 * master streams right after it), then whole commands with their exact byte lengths. Reading
 * pauses after the RDB until the server has swapped the new data set in, so no command of the
 * stream is applied to the old one. The server (frontend) decides what these mean: where the
 * offset stands (never inside {@code MULTI}), when to acknowledge, how to reset its log.
 */
package io.relog.replica.replica;
