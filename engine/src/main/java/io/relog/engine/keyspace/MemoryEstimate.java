package io.relog.engine.keyspace;

/**
 * The constants of Relog's estimate of the data set's memory, {@code used_memory}.
 *
 * <p><b>Why an estimate.</b> Redis reports what its allocator handed out. A JVM has no such
 * counter: heap usage includes garbage until the next collection, and frozen snapshot views keep
 * old versions alive, so heap figures jump with GC timing and would make eviction
 * nondeterministic (a replica replaying the same log would evict different keys). Relog instead
 * counts the data set itself, incrementally, on the engine thread, so two engines holding the same
 * data report the same number.
 *
 * <p><b>What it counts</b>, per key: the key's bytes plus {@link #KEY_ENTRY} (the trie slot, the
 * key and value array headers, the metadata word and a share of the trie node), plus the value:
 * a string's bytes; a collection's {@link io.relog.engine.types.CollectionValue#memoryBytes()}
 * (its elements' bytes plus a per-element overhead for its encoding, see the constants below,
 * plus {@link #COLLECTION_HEADER}); plus {@link #EXPIRE_ENTRY} if the key has a time to live.
 * It does not count client buffers, the log's open batch, pub/sub state, the JVM itself, or
 * memory a frozen view keeps alive (that is {@code current_cow_size}). Every figure is
 * maintained in O(1) per change: the keyspace maps keep the sum of their key and string lengths,
 * collections keep the sum of their element lengths, and the database adds the per-entry
 * overheads from the entry counts.
 */
public final class MemoryEstimate {

    private MemoryEstimate() {
    }

    /** Per key: trie slot (key, value, metadata: 24 B), key and value {@code byte[]} headers (2 × 16), node share (8). */
    public static final int KEY_ENTRY = 64;

    /** Per key with a time to live: the expiry trie's slot (24), the boxed {@code Long} (16), node share (8). */
    public static final int EXPIRE_ENTRY = 48;

    /** Per collection: the value object and its inner structure's root. */
    public static final int COLLECTION_HEADER = 48;

    /** Per element held as its own {@code byte[]} in a flat or tree node: the array header and the reference. */
    public static final int ELEMENT = 24;

    /** Per entry of a collection's hash trie (hashtable encodings): the slot and a share of the node. */
    public static final int TRIE_ENTRY = 32;

    /** Per sorted-set member: its (score, member) entry object and reference. */
    public static final int ZSET_ENTRY = 32;
}
