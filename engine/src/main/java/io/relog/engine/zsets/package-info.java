/**
 * The sorted-set commands over {@link io.relog.engine.types.ZSetValue}.
 *
 * <p>A sorted set is ordered by (score, member) in a persistent counted B+tree, so rank, range
 * by rank, score or member, and counting a score interval (two rank lookups) are O(log n). While
 * small ({@code zset-max-listpack-entries} 128, {@code zset-max-listpack-value} 64) that tree is
 * all there is and a score is found by a scan, as in Redis' listpack; once large, a CHAMP map
 * member → score is kept beside it ({@code skiplist} encoding). Both follow the keyspace's
 * ownership rule, so frozen views never see a later write.
 *
 * <p>Scores are IEEE doubles, parsed as Redis parses them and written as C's {@code %.17g}
 * ({@link io.relog.engine.types.Scores}). Every write is deterministic given the keyspace and is
 * propagated as sent (ZADD INCR and ZINCRBY included), except ZMPOP, which becomes
 * {@code ZPOPMIN}/{@code ZPOPMAX key n} of what it popped, as Redis 7.0 writes it. ZRANDMEMBER
 * only reads. The set operations accept plain sets as inputs, each member scoring 1.
 */
package io.relog.engine.zsets;
