package io.relog.engine.keyspace;

/**
 * The edit token of a writer (see {@link ChampMap}): nodes carrying it may be changed in place.
 * It also counts what the writer's copy-on-write costs: every time a write has to copy a node or
 * an array that it does not own (because a frozen view or another map shares it), or drops a
 * value from such a shared node, the bytes the shared original keeps alive are {@linkplain
 * #charge charged} to the token. After {@link ChampMap#freeze()} hands out a new token, its
 * {@link #retainedBytes()} is therefore an estimate of the memory the frozen view holds on to
 * beyond the live data set: the counterpart of the copy-on-write memory a forked Redis child
 * causes (Redis' {@code rdb_last_cow_size}).
 *
 * <p>The estimate uses the 64-bit JVM layout with compressed references (12-byte object
 * headers, 4-byte references, 8-byte alignment) and counts: trie and tree nodes copied, flat
 * collection arrays copied, and string values replaced or deleted in a node still shared with the
 * view (also one replaced in a node copied since the freeze: trie nodes remember which entries
 * they inherited). It misses {@code FLUSHALL}/{@code FLUSHDB} while a view is held (the whole
 * old keyspace stays alive then), and it does not subtract what a snapshot writer has already let
 * go of ({@link ChampMap#drain}): for a running snapshot it is an upper bound.
 * Single-threaded like every edit: only the writer that holds the token charges it.
 */
public final class EditToken {

    private long retainedBytes;

    /** Bytes charged to this token since it was created. Writer thread. */
    public long retainedBytes() {
        return retainedBytes;
    }

    /** Adds {@code bytes} to {@code token}'s count if it is an {@code EditToken} (tokens may be any object). */
    public static void charge(Object token, long bytes) {
        if (token instanceof EditToken t) {
            t.retainedBytes += bytes;
        }
    }

    /** Heap bytes of an array of {@code length} references (compressed oops). */
    public static long referenceArrayBytes(int length) {
        return align(16L + 4L * length);
    }

    /** Heap bytes of an array of {@code length} elements of {@code elementBytes} bytes each. */
    public static long primitiveArrayBytes(int length, int elementBytes) {
        return align(16L + (long) elementBytes * length);
    }

    /**
     * Heap bytes a keyspace or collection value keeps alive when it is the last reference:
     * exact for a string ({@code byte[]}), a fixed 16 for boxed numbers and other small values.
     * Collections are not walked (that would make a write O(n)); their nodes are charged one by
     * one as writes copy them.
     */
    public static long valueBytes(Object value) {
        if (value instanceof byte[] b) {
            return primitiveArrayBytes(b.length, 1);
        }
        return 16;
    }

    private static long align(long bytes) {
        return (bytes + 7) & ~7L;
    }
}
