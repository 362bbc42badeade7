/**
 * The hash commands over {@link io.relog.engine.types.HashValue}.
 *
 * <p>A hash is a listpack (one packed {@code byte[]}) while small and a persistent hash trie
 * ({@link io.relog.engine.keyspace.ChampMap}) beyond Redis 7.0's limits. Both follow the
 * keyspace's ownership rule: a command writes in place only into a value owned by the database's
 * current edit token, and otherwise first stores a copy (an array copy, or an O(1) handle on the
 * shared trie). That is what lets a snapshot read a frozen view of the keyspace while writes
 * continue — without it, an in-place HSET would leak into a snapshot being written.
 *
 * <p>The commands reproduce Redis 7.0.15's replies and errors byte for byte, which the recorded
 * scenario in the tests checks, and propagate a deterministic stream (HINCRBYFLOAT as HSET).
 */
package io.relog.engine.hashes;
