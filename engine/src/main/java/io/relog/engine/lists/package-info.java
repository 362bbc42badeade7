/**
 * The list commands over {@link io.relog.engine.types.ListValue}.
 *
 * <p>A list is a persistent counted B+tree ({@link io.relog.engine.types.CountedTree}): index,
 * insert and remove anywhere in O(log n), both ends cheap, a range walked leaf by leaf. A list of
 * up to 64 elements is one leaf, a flat array copied when not owned, which is what Redis'
 * listpack buys; a larger one copies only the root-to-leaf path it changes, so a frozen view
 * (a snapshot being written) costs the writer a few small copies, not the list. Redis 7.0 calls
 * every list {@code quicklist}, and so does Relog.
 *
 * <p>Every list write is deterministic and is propagated as sent, except LMPOP, which becomes the
 * {@code LPOP}/{@code RPOP key n} of what it popped, exactly as Redis 7.0 writes it to its
 * replication stream. The blocking commands (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP) belong to
 * the front end, which parks clients; served, they propagate as these plain forms.
 */
package io.relog.engine.lists;
