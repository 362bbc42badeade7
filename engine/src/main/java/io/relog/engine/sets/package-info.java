/**
 * The set commands over {@link io.relog.engine.types.SetValue}.
 *
 * <p>A set is an intset (sorted {@code long[]}) while it holds at most 512 canonical integers and
 * a persistent hash trie ({@link io.relog.engine.keyspace.ChampMap}) otherwise — Redis 7.0 has no
 * listpack sets. Writes follow the keyspace's ownership rule (in place only when owned by the
 * database's edit token, else copy first), so frozen views never see them.
 *
 * <p>SPOP is the one write whose effect is random; it is propagated as the SREM of the members
 * it actually removed (or DEL when it emptied the set), so replaying the log reproduces the
 * keyspace exactly. Commands of other types that read sets (ZUNIONSTORE, ZINTERSTORE) use
 * {@link io.relog.engine.types.SetValue#forEachMember}.
 */
package io.relog.engine.sets;
