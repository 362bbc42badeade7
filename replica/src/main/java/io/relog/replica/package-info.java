/**
 * Replication: Redis' PSYNC2 protocol with the command log as the backlog.
 *
 * <h2>Why the log is the backlog</h2>
 *
 * <p>Redis keeps a replication backlog of a few megabytes in memory; a replica that was away
 * longer than it takes to fill it must download the whole data set again. Relog's log already
 * holds every byte of the replication stream, numbered by the same offsets Redis uses, for as long
 * as retention keeps it, and {@code replication-history} remembers every replication ID with the
 * offset where it began. So the master side ({@link io.relog.replica.master}) continues a replica
 * from any retained offset of any ID it ever had ({@link io.relog.replica.master.PsyncDecision}),
 * and serves the stream straight from the segment files with {@code sendfile}
 * ({@link io.relog.replica.master.ReplicaLink}): no per-replica output buffer, no copy of the
 * stream in memory, so a slow or far-behind replica costs disk reads, not server memory. (A
 * replica that is up to date gets each new batch from the bytes the engine just appended, one
 * shared copy, as Redis' replication buffer does for its online replicas.) (Over
 * TLS, where {@code sendfile} cannot encrypt, the link copies 64 KiB at a time while the socket is
 * writable: still bounded, one buffer and the channel's water mark per replica.) A full
 * sync sends a snapshot the log still continues — an existing one when there is one, so many
 * replicas syncing at once cost one snapshot — followed by the log from the snapshot's offset.
 *
 * <p>The replica side ({@link io.relog.replica.replica}) reads its master's stream and hands it,
 * whole command by whole command, to the server, which applies it and appends the received bytes
 * to its own log unchanged, so its offsets are the master's.
 */
package io.relog.replica;
