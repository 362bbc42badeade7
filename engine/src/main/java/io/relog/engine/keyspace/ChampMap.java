package io.relog.engine.keyspace;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A persistent hash map from {@code byte[]} keys to values: a compressed hash-array mapped prefix
 * trie (CHAMP, Steindorfer &amp; Vinju 2015) with the key hashes cached in the nodes, and
 * Clojure-style owned edits.
 *
 * <h2>Owned edits and freezing</h2>
 * Every node records the edit token ({@code owner}) of the map that created it. A mutation
 * through a map whose token owns a node changes that node in place; any other node on the path is
 * copied first, and the copy is owned. {@link #freeze()} hands out a view sharing the current root
 * and gives this map a fresh token, in O(1): from then on no node reachable from the view is owned
 * by anyone, so every later write copies the path it touches and the view never changes. Writes
 * after a freeze cost one path copy per node the first time, then run in place again.
 *
 * <h2>Per-entry metadata</h2>
 * Each entry carries a 32-bit {@code meta} word beside its cached hash (the keyspace keeps Redis'
 * 24-bit LRU clock or LFU counter there). Metadata is not data: {@link #touch} updates it in place
 * even in nodes shared with a frozen view, so a snapshot may see an older or newer access time but
 * never different keys or values.
 *
 * <h2>Iteration order and SCAN</h2>
 * Entries are visited in the order of {@link #scanOrder(int)} of their hash (the trie's path read
 * as a number), which no insertion or deletion changes. A cursor is "the next scan order to
 * visit", so {@link #scan} returns every key present for the whole scan exactly once, however the
 * map changes between calls.
 *
 * <p>Not thread-safe: a live map is used by one thread (the engine thread). A frozen view may be read by
 * any number of threads.
 */
public final class ChampMap {

    private static final int BITS = 5;
    private static final int MASK = 31;
    /** Shift at which all 32 hash bits are consumed; nodes there hold full collisions. */
    private static final int MAX_SHIFT = 35;
    private static final int SEED = ThreadLocalRandom.current().nextInt();

    private static final Node EMPTY = new Node(null, 0, 0, new Object[0], new long[0]);

    private Node root;
    private int size;
    /**
     * Bytes of data held, maintained by every put and remove in O(1): the length of every key,
     * plus the length of every value that is a {@code byte[]} (a string, a hash field's value);
     * other values (collections, scores, markers) count 0 here. See {@link #payloadBytes()}.
     */
    private long payloadBytes;
    /** Edit token; {@code null} for a frozen view. */
    private Object owner;

    // The last key hashed by a mutating call and its hash: a write command looks its key up
    // (touch) and then stores it (put) with the same array, so the second hash is free. Used
    // only by the engine-thread methods (touch, put, remove), never by reads of frozen views.
    private byte[] memoKey;
    private int memoHash;

    private int writerHash(byte[] key) {
        if (key != memoKey) {
            memoHash = hash(key);
            memoKey = key;
        }
        return memoHash;
    }

    // Results of the last put/remove, to avoid allocating a result object per call.
    private Object lastPrevious;
    private boolean lastChangedSize;

    /** An empty, mutable map. */
    public ChampMap() {
        this(EMPTY, 0, new EditToken());
    }

    private ChampMap(Node root, int size, Object owner) {
        this.root = root;
        this.size = size;
        this.owner = owner;
    }

    private ChampMap(Node root, int size, long payloadBytes, Object owner) {
        this(root, size, owner);
        this.payloadBytes = payloadBytes;
    }

    /**
     * The lengths of all keys plus the lengths of all {@code byte[]} values, in bytes: the data
     * itself, without any object or node overhead (memory accounting adds that per entry). O(1).
     */
    public long payloadBytes() {
        return payloadBytes;
    }

    private static int valueBytes(Object v) {
        return v instanceof byte[] b ? b.length : 0;
    }

    /** The hash Relog uses for keys: Murmur3 (x86, 32-bit) with a per-process random seed. */
    public static int hash(byte[] key) {
        int h = SEED;
        int n = key.length;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            int k = (key[i] & 0xff) | (key[i + 1] & 0xff) << 8 | (key[i + 2] & 0xff) << 16 | key[i + 3] << 24;
            h ^= mixK(k);
            h = Integer.rotateLeft(h, 13) * 5 + 0xe6546b64;
        }
        int k = 0;
        switch (n & 3) {
            case 3:
                k ^= (key[i + 2] & 0xff) << 16;
                // fall through
            case 2:
                k ^= (key[i + 1] & 0xff) << 8;
                // fall through
            case 1:
                k ^= key[i] & 0xff;
                h ^= mixK(k);
                break;
            default:
                break;
        }
        h ^= n;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    private static int mixK(int k) {
        k *= 0xcc9e2d51;
        k = Integer.rotateLeft(k, 15);
        return k * 0x1b873593;
    }

    /**
     * The position of a hash in iteration order, as an unsigned 32-bit number: the trie's 5-bit
     * path chunks, the root's chunk most significant.
     */
    public static int scanOrder(int hash) {
        int order = 0;
        for (int shift = 0; shift < 30; shift += BITS) {
            order = (order << BITS) | ((hash >>> shift) & MASK);
        }
        return (order << 2) | (hash >>> 30);
    }

    /** Number of entries. */
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Whether this is a frozen (immutable) view. */
    public boolean isFrozen() {
        return owner == null;
    }

    /** The value mapped to {@code key}, or {@code null}. */
    public Object get(byte[] key) {
        return get(key, hash(key));
    }

    /** The value mapped to {@code key} whose {@link #hash} is {@code hash}, or {@code null}. */
    public Object get(byte[] key, int hash) {
        Node node = root;
        for (int shift = 0; ; shift += BITS) {
            if (shift >= MAX_SHIFT) {
                int i = node.collisionIndex(key);
                return i < 0 ? null : node.slots[2 * i + 1];
            }
            int bit = 1 << ((hash >>> shift) & MASK);
            if ((node.dataMap & bit) != 0) {
                int i = Integer.bitCount(node.dataMap & (bit - 1));
                return (int) node.meta[i] == hash && Arrays.equals((byte[]) node.slots[2 * i], key)
                        ? node.slots[2 * i + 1] : null;
            }
            if ((node.nodeMap & bit) == 0) {
                return null;
            }
            node = node.subNode(bit);
        }
    }

    public boolean containsKey(byte[] key) {
        return get(key) != null;
    }

    /**
     * The metadata word of {@code key}'s entry, or 0 if absent.
     */
    public int meta(byte[] key) {
        long[] found = locate(key, hash(key));
        return found == null ? 0 : (int) (found[(int) foundIndex] >>> 32);
    }

    /**
     * Sets the metadata word of {@code key}'s entry in place (see the class comment: metadata
     * is not data) and returns the entry's value, or returns {@code null} if absent.
     */
    public Object touch(byte[] key, int meta) {
        int hash = writerHash(key);
        long[] found = locate(key, hash);
        if (found == null) {
            forgetTouched();
            return null;
        }
        int i = (int) foundIndex;
        found[i] = ((long) meta << 32) | (hash & 0xffffffffL);
        rememberTouched(key);
        return foundSlots[2 * i + 1];
    }

    /**
     * Like {@link #touch(byte[], int)}, changing only the bits of the metadata word set in
     * {@code mask} (the others keep their value).
     */
    public Object touch(byte[] key, int meta, int mask) {
        int hash = writerHash(key);
        long[] found = locate(key, hash);
        if (found == null) {
            forgetTouched();
            return null;
        }
        int i = (int) foundIndex;
        int old = (int) (found[i] >>> 32);
        int merged = (old & ~mask) | (meta & mask);
        found[i] = ((long) merged << 32) | (hash & 0xffffffffL);
        rememberTouched(key);
        return foundSlots[2 * i + 1];
    }

    // ------------------------------------------------------------------ batched lookups

    /** Keeps the loads of {@link #warm} alive: the JIT may not drop a load whose value is stored. */
    private static int warmSink;

    /**
     * Looks up {@code n} keys at once, each in its own map ({@code maps[i]}; the same map may
     * appear any number of times), walking all their trie paths level by level instead of one
     * path after the other, and stores each key's value (or {@code null}) in {@code values}.
     * Meant to run just before a pipelined batch of commands executes: in a large map most of a
     * lookup's time is cache misses, one or two per level and more at the entry (metadata,
     * slots, the key's bytes, the value's header), each depending on the one before. The paths
     * of different keys do not depend on each other, so interleaving them lets the processor
     * have the misses of several keys outstanding together; the commands that follow then find
     * their paths in the cache. Changes nothing (frozen views and live maps alike); the result
     * is only a hint, as a value may be replaced by the time it is used. Engine thread, like
     * every method that reads a live map.
     *
     * @param maps   the map of each key; a {@code null} entry skips that key
     * @param keys   the keys
     * @param hashes each key's {@link #hash}
     * @param nodes  scratch space of at least {@code n} entries (left with nulls)
     * @param values receives the value of each key, or {@code null} when absent or skipped
     * @param n      how many keys
     */
    public static void warm(ChampMap[] maps, byte[][] keys, int[] hashes, Object[] nodes, Object[] values, int n) {
        for (int i = 0; i < n; i++) {
            nodes[i] = maps[i] == null ? null : maps[i].root;
            values[i] = null;
        }
        int sink = 0;
        int live = n;
        for (int shift = 0; live > 0 && shift < MAX_SHIFT; shift += BITS) {
            live = 0;
            for (int i = 0; i < n; i++) {
                Node node = (Node) nodes[i];
                if (node == null) {
                    continue;
                }
                int bit = 1 << ((hashes[i] >>> shift) & MASK);
                if ((node.dataMap & bit) != 0) {
                    int e = Integer.bitCount(node.dataMap & (bit - 1));
                    Object k = node.slots[2 * e];
                    Object v = node.slots[2 * e + 1];
                    // Touch what the command will: the entry's word, the key's bytes, the value's header.
                    sink += (int) node.meta[e] + ((byte[]) k).length + (v instanceof byte[] b ? b.length : 1);
                    if ((int) node.meta[e] == hashes[i] && Arrays.equals((byte[]) k, keys[i])) {
                        values[i] = v;
                    }
                    nodes[i] = null;
                } else if ((node.nodeMap & bit) != 0) {
                    nodes[i] = node.subNode(bit);
                    live++;
                } else {
                    nodes[i] = null;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            nodes[i] = null; // collision nodes (all 32 bits equal) are left to the command itself
        }
        warmSink += sink;
    }

    // Scratch results of locate(); engine-thread only like every mutation.
    private long foundIndex;
    private Object[] foundSlots;
    private Node foundNode;
    /** The entry's position bit in its node's dataMap; 0 in a collision node. */
    private int foundBit;

    // The entry the last touch() found, for a put() of the same key array that follows it (a
    // write command looks its key up, then stores the new value): if the node is owned, the put
    // replaces the value in place without walking the trie again. Any other change to this map
    // forgets it (forgetTouched), because it may move or replace that node.
    private byte[] touchedKey;
    private Node touchedNode;
    private int touchedIndex;
    private int touchedBit;

    private void rememberTouched(byte[] key) {
        touchedKey = key;
        touchedNode = foundNode;
        touchedIndex = (int) foundIndex;
        touchedBit = foundBit;
    }

    private void forgetTouched() {
        touchedKey = null;
        touchedNode = null;
    }

    private long[] locate(byte[] key, int hash) {
        Node node = root;
        for (int shift = 0; ; shift += BITS) {
            if (shift >= MAX_SHIFT) {
                int i = node.collisionIndex(key);
                if (i < 0) {
                    return null;
                }
                foundIndex = i;
                foundSlots = node.slots;
                foundNode = node;
                foundBit = 0;
                return node.meta;
            }
            int bit = 1 << ((hash >>> shift) & MASK);
            if ((node.dataMap & bit) != 0) {
                int i = Integer.bitCount(node.dataMap & (bit - 1));
                if ((int) node.meta[i] == hash && Arrays.equals((byte[]) node.slots[2 * i], key)) {
                    foundIndex = i;
                    foundSlots = node.slots;
                    foundNode = node;
                    foundBit = bit;
                    return node.meta;
                }
                return null;
            }
            if ((node.nodeMap & bit) == 0) {
                return null;
            }
            node = node.subNode(bit);
        }
    }

    /**
     * Maps {@code key} to {@code value} (not null) with metadata 0. Returns the previous value or
     * {@code null}. The map keeps {@code key}: the caller must not modify it afterwards.
     */
    public Object put(byte[] key, Object value) {
        return put(key, value, 0);
    }

    /** Like {@link #put(byte[], Object)}, setting the entry's metadata word to {@code meta}. */
    public Object put(byte[] key, Object value, int meta) {
        return put(key, value, meta, 0);
    }

    /**
     * Like {@link #put(byte[], Object, int)}, except that when {@code key} is already present the
     * bits of its metadata word set in {@code keepMask} keep their value (the keyspace keeps an
     * overwritten key's LFU counter, as Redis' {@code dbOverwrite} does).
     */
    public Object put(byte[] key, Object value, int meta, int keepMask) {
        if (value == null) {
            throw new NullPointerException("value");
        }
        checkMutable();
        int hash = writerHash(key);
        if (key == touchedKey && touchedNode.owner == owner) {
            // The entry touch() just found, in a node this map owns: replace in place.
            Node n = touchedNode;
            int i = touchedIndex;
            Object prev = n.slots[2 * i + 1];
            if (touchedBit == 0) {
                dropped(n, prev);
            } else {
                droppedAt(n, touchedBit, prev);
                n.inherited &= ~touchedBit;
            }
            n.slots[2 * i + 1] = value;
            n.meta[i] = ((long) keptMeta(n.meta[i], meta, keepMask) << 32) | (hash & 0xffffffffL);
            payloadBytes += valueBytes(value) - valueBytes(prev);
            lastPrevious = prev;
            lastChangedSize = false;
            return prev;
        }
        forgetTouched();
        lastPrevious = null;
        lastChangedSize = false;
        overwriteKeepMask = keepMask;
        root = put(root, key, hash, value, meta, 0);
        if (lastChangedSize) {
            size++;
            payloadBytes += key.length + valueBytes(value);
        } else {
            payloadBytes += valueBytes(value) - valueBytes(lastPrevious);
        }
        return lastPrevious;
    }

    /** Removes {@code key}; returns the removed value or {@code null} if absent. */
    public Object remove(byte[] key) {
        checkMutable();
        forgetTouched();
        lastPrevious = null;
        lastChangedSize = false;
        Node r = remove(root, key, writerHash(key), 0);
        if (lastChangedSize) {
            root = r;
            size--;
            payloadBytes -= key.length + valueBytes(lastPrevious);
        }
        return lastPrevious;
    }

    /** Removes every entry. The nodes are dropped, so a frozen view keeps its own. */
    public void clear() {
        checkMutable();
        forgetTouched();
        root = EMPTY;
        size = 0;
        payloadBytes = 0;
    }

    /**
     * Returns an immutable view of the map as it is now, in O(1). This map stays mutable; its
     * later writes copy whatever nodes they share with the view.
     */
    public ChampMap freeze() {
        checkMutable();
        forgetTouched();
        ChampMap view = new ChampMap(root, size, payloadBytes, null);
        owner = new EditToken();
        return view;
    }

    /**
     * An empty map whose edits are owned by {@code token}: a collection value stored in the
     * keyspace uses its database's {@link Database#editToken() edit token}, so that freezing the
     * keyspace also freezes every collection in it.
     */
    public static ChampMap owned(Object token) {
        return new ChampMap(EMPTY, 0, java.util.Objects.requireNonNull(token));
    }

    /**
     * A handle on the same contents whose edits are owned by {@code token}. Nodes this map
     * created under another token are copied on first write; nodes already owned by
     * {@code token} are edited in place. The caller must hold {@code token} as its current edit
     * token (a collection value being made editable by its database's writer).
     */
    public ChampMap withOwner(Object token) {
        forgetTouched(); // the new handle may edit nodes this one shares
        return new ChampMap(root, size, payloadBytes, java.util.Objects.requireNonNull(token));
    }

    /** The token that owns this map's edits, or {@code null} for a frozen view. */
    public Object editToken() {
        return owner;
    }

    /**
     * A mutable map starting with the contents of this one (frozen or not), sharing all nodes.
     * Writes to either copy never affect the other.
     */
    public ChampMap mutableCopy() {
        forgetTouched();
        if (owner != null) {
            owner = new EditToken(); // the copy and this map must not own the shared nodes
        }
        return new ChampMap(root, size, payloadBytes, new EditToken());
    }

    private void checkMutable() {
        if (owner == null) {
            throw new UnsupportedOperationException("frozen ChampMap view");
        }
    }

    /**
     * Entries collected in any order, then built into a map in one pass ({@link #build}): for
     * loading a snapshot, where a key-by-key {@link #put} of millions of keys spends most of its
     * time on cache misses down random trie paths and on copying the node it inserts into (the
     * arrays are exact-sized), garbage that then costs first touches of fresh memory. The build
     * sorts the entries by {@link #scanOrder}, so each node's entries are contiguous, and creates
     * every node once with its final size.
     *
     * <p>Keys are not checked while they are added: a key added twice is found by the build and
     * reported by {@link #duplicate()}. One thread.
     */
    public static final class Bulk {
        private byte[][] keys;
        private Object[] values;
        /** Per entry: metadata word (high 32 bits) and hash (low 32 bits), as in a node's {@code meta}. */
        private long[] words;
        private long[] tags;
        private int size;
        private long payloadBytes;
        /** Whether every value added is a {@code byte[]} (a string): then no value needs a second look. */
        private boolean onlyByteArrays = true;
        private int duplicate = -1;
        /** Entries the last build left out (repeated keys) and their payload bytes. */
        private int droppedEntries;
        private long droppedBytes;

        /** An empty collection with room for {@code expected} entries (it grows beyond). */
        public Bulk(int expected) {
            int capacity = Math.max(16, expected);
            keys = new byte[capacity][];
            values = new Object[capacity];
            words = new long[capacity];
            tags = new long[capacity];
        }

        /**
         * Adds an entry: {@code key} (kept; not to be modified afterwards), {@code value} (not
         * null), metadata word {@code meta}, and {@code tag}, a number of the caller's returned by
         * {@link #tag} (a loader passes the entry's byte offset, to name it in an error).
         */
        public void add(byte[] key, Object value, int meta, long tag) {
            if (value == null) {
                throw new NullPointerException("value");
            }
            if (size == keys.length) {
                int capacity = size + (size >> 1);
                keys = Arrays.copyOf(keys, capacity);
                values = Arrays.copyOf(values, capacity);
                words = Arrays.copyOf(words, capacity);
                tags = Arrays.copyOf(tags, capacity);
            }
            keys[size] = key;
            values[size] = value;
            words[size] = ((long) meta << 32) | (hash(key) & 0xffffffffL);
            tags[size] = tag;
            payloadBytes += key.length + valueBytes(value);
            onlyByteArrays &= value instanceof byte[];
            size++;
        }

        /** Whether every value added is a {@code byte[]}. */
        public boolean onlyByteArrayValues() {
            return onlyByteArrays;
        }

        /** Number of entries added. */
        public int size() {
            return size;
        }

        /** The key of entry {@code i} (in the order added). */
        public byte[] key(int i) {
            return keys[i];
        }

        /** The value of entry {@code i} (in the order added). */
        public Object value(int i) {
            return values[i];
        }

        /** The tag of entry {@code i} (in the order added). */
        public long tag(int i) {
            return tags[i];
        }

        /**
         * After {@link #build}: the first entry (in the order added) whose key an earlier entry
         * already had, or -1 if the keys are distinct. The built map holds the earlier one.
         */
        public int duplicate() {
            return duplicate;
        }

        /**
         * A mutable map of the entries added, whose edits {@code token} owns (the caller's
         * current edit token). O(n log n) for the sort, then every node is created once.
         */
        public ChampMap build(Object token) {
            java.util.Objects.requireNonNull(token);
            duplicate = -1;
            droppedEntries = 0;
            droppedBytes = 0;
            if (size == 0) {
                return new ChampMap(EMPTY, 0, 0, token);
            }
            // Sort key: the scan order (unsigned, made signed-comparable), then the entry's index,
            // so that equal keys, which have equal hashes, meet in order of addition.
            long[] order = new long[size];
            for (int i = 0; i < size; i++) {
                order[i] = ((long) (scanOrder((int) words[i]) ^ Integer.MIN_VALUE) << 32) | i;
            }
            Arrays.sort(order);
            Node root = node(order, 0, size, 0, token);
            return new ChampMap(root, size - droppedEntries, payloadBytes - droppedBytes, token);
        }

        /** The position of sorted entry {@code j} in a node at {@code shift}, from its sort key. */
        private static int position(long sortKey, int shift) {
            int scan = (int) (sortKey >>> 32) ^ Integer.MIN_VALUE;
            return (scan >>> orderShift(shift)) & (shift >= 30 ? 3 : MASK);
        }

        /** One past the last of the sorted entries from {@code j} (before {@code hi}) at position {@code p} at {@code shift}. */
        private int runEnd(long[] order, int j, int hi, int shift, int p) {
            int e = j + 1;
            while (e < hi && position(order[e], shift) == p) {
                e++;
            }
            return e;
        }

        /** The node holding sorted entries {@code [lo, hi)}, which share their path above {@code shift}. */
        private Node node(long[] order, int lo, int hi, int shift, Object token) {
            if (shift >= MAX_SHIFT) {
                return collisionNode(order, lo, hi, token);
            }
            int dataMap = 0;
            int nodeMap = 0;
            int dataCount = 0;
            int subCount = 0;
            for (int j = lo; j < hi; ) {
                int p = position(order[j], shift);
                int e = runEnd(order, j, hi, shift, p);
                if (e - j == 1) {
                    dataMap |= 1 << p;
                    dataCount++;
                } else {
                    nodeMap |= 1 << p;
                    subCount++;
                }
                j = e;
            }
            Object[] slots = new Object[2 * dataCount + subCount];
            long[] meta = new long[dataCount];
            int d = 0;
            int sub = 0;
            for (int j = lo; j < hi; ) {
                int p = position(order[j], shift);
                int e = runEnd(order, j, hi, shift, p);
                if (e - j == 1) {
                    int i = (int) order[j];
                    slots[2 * d] = keys[i];
                    slots[2 * d + 1] = values[i];
                    meta[d++] = words[i];
                } else {
                    // Sub-nodes are stored after the data, in reverse position order.
                    slots[slots.length - 1 - sub++] = node(order, j, e, shift + BITS, token);
                }
                j = e;
            }
            return new Node(token, dataMap, nodeMap, slots, meta);
        }

        /** Entries whose hashes are all equal: distinct keys share a collision node; a repeated key is a duplicate. */
        private Node collisionNode(long[] order, int lo, int hi, Object token) {
            Object[] slots = new Object[2 * (hi - lo)];
            long[] meta = new long[hi - lo];
            int n = 0;
            next:
            for (int j = lo; j < hi; j++) {
                int i = (int) order[j];
                for (int k = 0; k < n; k++) {
                    if (Arrays.equals((byte[]) slots[2 * k], keys[i])) {
                        if (duplicate < 0 || i < duplicate) {
                            duplicate = i;
                        }
                        droppedEntries++;
                        droppedBytes += keys[i].length + valueBytes(values[i]);
                        continue next;
                    }
                }
                slots[2 * n] = keys[i];
                slots[2 * n + 1] = values[i];
                meta[n++] = words[i];
            }
            if (n < hi - lo) {
                slots = Arrays.copyOf(slots, 2 * n);
                meta = Arrays.copyOf(meta, n);
            }
            return new Node(token, 0, 0, slots, meta);
        }
    }

    /** Receives entries in iteration order. */
    @FunctionalInterface
    public interface EntryVisitor {
        void visit(byte[] key, Object value);
    }

    /** Visits every entry in iteration order. The visitor must not modify this map. */
    public void forEach(EntryVisitor visitor) {
        forEach(root, 0, visitor);
    }

    /**
     * Visits every entry of this frozen view once, in an order of its own (each node's entries,
     * then its sub-tries), and lets go of each part as soon as it is visited: the view is empty
     * from the start of the call, and the traversal keeps only the sub-tries not visited yet. So
     * what the view shared with the live map stops being kept alive by it once visited, and the
     * old versions that later writes replace become garbage, instead of every old version staying
     * alive until the whole view is dropped. A snapshot writer uses it: the part of the keyspace
     * it has written no longer costs memory when it is overwritten. The visitor must not keep
     * the entries it is not meant to keep.
     *
     * @throws UnsupportedOperationException if this map is not a frozen view
     */
    public void drain(EntryVisitor visitor) {
        drainWithMeta((k, v, m) -> visitor.visit(k, v));
    }

    /** Receives entries with their metadata word (access data and value flags). */
    @FunctionalInterface
    public interface MetaEntryVisitor {
        void visit(byte[] key, Object value, int meta);
    }

    /** Like {@link #drain(EntryVisitor)}, also handing each entry's metadata word. */
    public void drainWithMeta(MetaEntryVisitor visitor) {
        if (owner != null) {
            throw new UnsupportedOperationException("drain() consumes a frozen view; this map is mutable");
        }
        Node[] stack = new Node[1 + (MAX_SHIFT / BITS + 1) * 32];
        int top = 0;
        stack[top++] = root;
        root = EMPTY;
        size = 0;
        payloadBytes = 0;
        while (top > 0) {
            Node node = stack[--top];
            stack[top] = null;
            if (node.dataMap == 0 && node.nodeMap == 0) { // a collision node (or the empty root)
                for (int i = 0; i < node.slots.length; i += 2) {
                    visitor.visit((byte[]) node.slots[i], node.slots[i + 1], (int) (node.meta[i / 2] >>> 32));
                }
                continue;
            }
            int data = Integer.bitCount(node.dataMap);
            for (int i = 0; i < data; i++) {
                visitor.visit((byte[]) node.slots[2 * i], node.slots[2 * i + 1], (int) (node.meta[i] >>> 32));
            }
            // Sub-nodes sit at the end in reverse position order: push them so that the lowest
            // position is visited first.
            for (int i = 2 * data; i < node.slots.length; i++) {
                stack[top++] = (Node) node.slots[i];
            }
        }
    }

    /** Like {@link #forEach(EntryVisitor)}, also handing each entry's metadata word. */
    public void forEachWithMeta(MetaEntryVisitor visitor) {
        forEachWithMeta(root, 0, visitor);
    }

    private static void forEachWithMeta(Node node, int shift, MetaEntryVisitor visitor) {
        if (shift >= MAX_SHIFT) {
            for (int i = 0; i < node.slots.length; i += 2) {
                visitor.visit((byte[]) node.slots[i], node.slots[i + 1], (int) (node.meta[i / 2] >>> 32));
            }
            return;
        }
        int all = node.dataMap | node.nodeMap;
        while (all != 0) {
            int bit = Integer.lowestOneBit(all);
            all &= all - 1;
            if ((node.dataMap & bit) != 0) {
                int i = Integer.bitCount(node.dataMap & (bit - 1));
                visitor.visit((byte[]) node.slots[2 * i], node.slots[2 * i + 1], (int) (node.meta[i] >>> 32));
            } else {
                forEachWithMeta(node.subNode(bit), shift + BITS, visitor);
            }
        }
    }

    private static void forEach(Node node, int shift, EntryVisitor visitor) {
        if (shift >= MAX_SHIFT) {
            for (int i = 0; i < node.slots.length; i += 2) {
                visitor.visit((byte[]) node.slots[i], node.slots[i + 1]);
            }
            return;
        }
        int all = node.dataMap | node.nodeMap;
        while (all != 0) {
            int bit = Integer.lowestOneBit(all);
            all &= all - 1;
            if ((node.dataMap & bit) != 0) {
                int i = Integer.bitCount(node.dataMap & (bit - 1));
                visitor.visit((byte[]) node.slots[2 * i], node.slots[2 * i + 1]);
            } else {
                forEach(node.subNode(bit), shift + BITS, visitor);
            }
        }
    }

    /**
     * One step of a SCAN: visits entries whose {@link #scanOrder} is at or after {@code cursor}
     * (unsigned), in order, until at least {@code count} were visited and no further entry shares
     * the last one's order. Returns the cursor to continue from, or 0 when the scan is complete.
     *
     * @param cursor 0 to start, or a value returned by an earlier call (only the low 32 bits count;
     *               a value of 2^32 or more is past the end and completes at once)
     */
    public long scan(long cursor, int count, EntryVisitor visitor) {
        if (cursor < 0 || cursor > 0xffffffffL) {
            return 0;
        }
        ScanState st = new ScanState((int) cursor, Math.max(1, count), visitor);
        scan(root, 0, 0, st);
        if (!st.stopped) {
            return 0;
        }
        long next = (st.lastOrder & 0xffffffffL) + 1;
        return next > 0xffffffffL ? 0 : next;
    }

    private static final class ScanState {
        final int cursor;
        final int count;
        final EntryVisitor visitor;
        int visited;
        int lastOrder;
        boolean stopped;

        ScanState(int cursor, int count, EntryVisitor visitor) {
            this.cursor = cursor;
            this.count = count;
            this.visitor = visitor;
        }

        /** Returns false once the scan must stop before this entry. */
        boolean offer(byte[] key, Object value, int order) {
            if (Integer.compareUnsigned(order, cursor) < 0) {
                return true;
            }
            if (visited >= count && order != lastOrder) {
                stopped = true;
                return false;
            }
            visitor.visit(key, value);
            visited++;
            lastOrder = order;
            return true;
        }
    }

    /** Bits of the scan order that a position at {@code shift} occupies start at this bit. */
    private static int orderShift(int shift) {
        return shift >= 30 ? 0 : 27 - shift;
    }

    private static boolean scan(Node node, int shift, int prefix, ScanState st) {
        if (shift >= MAX_SHIFT) {
            for (int i = 0; i < node.slots.length; i += 2) {
                if (!st.offer((byte[]) node.slots[i], node.slots[i + 1], scanOrder((int) node.meta[i / 2]))) {
                    return false;
                }
            }
            return true;
        }
        int os = orderShift(shift);
        long below = (1L << os) - 1;
        int all = node.dataMap | node.nodeMap;
        while (all != 0) {
            int bit = Integer.lowestOneBit(all);
            all &= all - 1;
            int pos = Integer.numberOfTrailingZeros(bit);
            int lo = prefix | (pos << os);
            long hi = (lo & 0xffffffffL) | below;
            if (hi < (st.cursor & 0xffffffffL)) {
                continue; // whole subtree before the cursor
            }
            if ((node.dataMap & bit) != 0) {
                int i = Integer.bitCount(node.dataMap & (bit - 1));
                if (!st.offer((byte[]) node.slots[2 * i], node.slots[2 * i + 1], scanOrder((int) node.meta[i]))) {
                    return false;
                }
            } else if (!scan(node.subNode(bit), shift + BITS, lo, st)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A key chosen at random (the first entry at or after a random scan order, wrapping around),
     * or {@code null} if the map is empty. Close to uniform because hashes are.
     */
    public byte[] randomKey(java.util.random.RandomGenerator random) {
        if (size == 0) {
            return null;
        }
        byte[][] found = new byte[1][];
        EntryVisitor take = (k, v) -> {
            if (found[0] == null) {
                found[0] = k;
            }
        };
        scan(random.nextInt() & 0xffffffffL, 1, take);
        if (found[0] == null) {
            scan(0, 1, take);
        }
        return found[0];
    }

    // ------------------------------------------------------------------ mutation internals

    private Node editable(Node node) {
        if (node.owner == owner) {
            return node;
        }
        EditToken.charge(owner, node.bytes());
        return node.copy(owner);
    }

    /**
     * Accounts for {@code node} being replaced by a new node (a resize): if it is shared, the
     * sharer keeps it alive (see {@link EditToken}).
     */
    private void replaced(Node node) {
        if (node.owner != owner && node != EMPTY) { // the shared empty root costs nothing
            EditToken.charge(owner, node.bytes());
        }
    }

    /** Accounts for {@code value} leaving {@code node}: if the node is shared, the sharer keeps the value alive. */
    private void dropped(Node node, Object value) {
        if (node.owner != owner) {
            EditToken.charge(owner, EditToken.valueBytes(value));
        }
    }

    /**
     * Accounts for the value of the data entry at {@code bit} leaving {@code node}: the sharer
     * keeps it alive if the node is shared, or if the entry was inherited from a shared node when
     * this one was copied from it and has not been replaced since.
     */
    private void droppedAt(Node node, int bit, Object value) {
        if (node.owner != owner || (node.inherited & bit) != 0) {
            EditToken.charge(owner, EditToken.valueBytes(value));
        }
    }

    /** The {@code keepMask} of the put in progress (engine thread, like every mutation). */
    private int overwriteKeepMask;

    /** The metadata word for an overwrite: {@code meta}, but for the bits of {@code keepMask}, kept from {@code oldWord}. */
    private static int keptMeta(long oldWord, int meta, int keepMask) {
        return keepMask == 0 ? meta : ((int) (oldWord >>> 32) & keepMask) | (meta & ~keepMask);
    }

    private long keptMetaWord(long oldWord, long metaWord) {
        int meta = keptMeta(oldWord, (int) (metaWord >>> 32), overwriteKeepMask);
        return ((long) meta << 32) | (metaWord & 0xffffffffL);
    }

    private Node put(Node node, byte[] key, int hash, Object value, int meta, int shift) {
        long metaWord = ((long) meta << 32) | (hash & 0xffffffffL);
        if (shift >= MAX_SHIFT) {
            int i = node.collisionIndex(key);
            if (i >= 0) {
                lastPrevious = node.slots[2 * i + 1];
                dropped(node, lastPrevious);
                Node n = editable(node);
                n.slots[2 * i + 1] = value;
                n.meta[i] = keptMetaWord(n.meta[i], metaWord);
                return n;
            }
            lastChangedSize = true;
            replaced(node);
            int len = node.meta.length;
            Object[] slots = Arrays.copyOf(node.slots, 2 * len + 2);
            slots[2 * len] = key;
            slots[2 * len + 1] = value;
            long[] metas = Arrays.copyOf(node.meta, len + 1);
            metas[len] = metaWord;
            return new Node(owner, 0, 0, slots, metas);
        }
        int bit = 1 << ((hash >>> shift) & MASK);
        if ((node.dataMap & bit) != 0) {
            int i = Integer.bitCount(node.dataMap & (bit - 1));
            byte[] k = (byte[]) node.slots[2 * i];
            if ((int) node.meta[i] == hash && Arrays.equals(k, key)) {
                lastPrevious = node.slots[2 * i + 1];
                droppedAt(node, bit, lastPrevious);
                Node n = editable(node);
                n.slots[2 * i + 1] = value;
                n.meta[i] = keptMetaWord(n.meta[i], metaWord);
                n.inherited &= ~bit;
                return n;
            }
            // Two entries at one position: push both down into a new sub-node.
            lastChangedSize = true;
            Node sub = pair(k, node.slots[2 * i + 1], node.meta[i], key, value, metaWord, shift + BITS);
            replaced(node);
            return node.dataToNode(owner, bit, i, sub);
        }
        if ((node.nodeMap & bit) != 0) {
            Node sub = node.subNode(bit);
            Node newSub = put(sub, key, hash, value, meta, shift + BITS);
            if (newSub == sub) {
                return node;
            }
            Node n = editable(node);
            n.slots[n.subIndex(bit)] = newSub;
            return n;
        }
        lastChangedSize = true;
        replaced(node);
        return node.insertData(owner, bit, key, value, metaWord);
    }

    private Node pair(byte[] k1, Object v1, long m1, byte[] k2, Object v2, long m2, int shift) {
        int h1 = (int) m1;
        int h2 = (int) m2;
        if (shift >= MAX_SHIFT) {
            return new Node(owner, 0, 0, new Object[] {k1, v1, k2, v2}, new long[] {m1, m2});
        }
        int p1 = (h1 >>> shift) & MASK;
        int p2 = (h2 >>> shift) & MASK;
        if (p1 == p2) {
            Node sub = pair(k1, v1, m1, k2, v2, m2, shift + BITS);
            return new Node(owner, 0, 1 << p1, new Object[] {sub}, new long[0]);
        }
        if (p1 < p2) {
            return new Node(owner, (1 << p1) | (1 << p2), 0, new Object[] {k1, v1, k2, v2}, new long[] {m1, m2});
        }
        return new Node(owner, (1 << p1) | (1 << p2), 0, new Object[] {k2, v2, k1, v1}, new long[] {m2, m1});
    }

    /**
     * Removes {@code key} below {@code node}. Returns the node to put in its place: {@code node}
     * itself when nothing changed. A node left with a single entry and no sub-nodes is returned
     * as is; the parent inlines it (CHAMP's canonical form: no sub-node holds a lone entry).
     */
    private Node remove(Node node, byte[] key, int hash, int shift) {
        if (shift >= MAX_SHIFT) {
            int i = node.collisionIndex(key);
            if (i < 0) {
                return node;
            }
            lastPrevious = node.slots[2 * i + 1];
            lastChangedSize = true;
            dropped(node, lastPrevious);
            replaced(node);
            int len = node.meta.length;
            Object[] slots = new Object[2 * len - 2];
            System.arraycopy(node.slots, 0, slots, 0, 2 * i);
            System.arraycopy(node.slots, 2 * i + 2, slots, 2 * i, 2 * (len - i - 1));
            long[] metas = new long[len - 1];
            System.arraycopy(node.meta, 0, metas, 0, i);
            System.arraycopy(node.meta, i + 1, metas, i, len - i - 1);
            return new Node(owner, 0, 0, slots, metas);
        }
        int bit = 1 << ((hash >>> shift) & MASK);
        if ((node.dataMap & bit) != 0) {
            int i = Integer.bitCount(node.dataMap & (bit - 1));
            if ((int) node.meta[i] != hash || !Arrays.equals((byte[]) node.slots[2 * i], key)) {
                return node;
            }
            lastPrevious = node.slots[2 * i + 1];
            lastChangedSize = true;
            droppedAt(node, bit, lastPrevious);
            replaced(node);
            return node.removeData(owner, bit, i);
        }
        if ((node.nodeMap & bit) != 0) {
            Node sub = node.subNode(bit);
            Node newSub = remove(sub, key, hash, shift + BITS);
            if (!lastChangedSize) {
                return node;
            }
            if (newSub.nodeMap == 0 && newSub.meta.length == 1) {
                // Inline the lone entry into this node.
                replaced(node);
                return node.nodeToData(owner, bit, (byte[]) newSub.slots[0], newSub.slots[1], newSub.meta[0]);
            }
            Node n = editable(node);
            n.slots[n.subIndex(bit)] = newSub;
            return n;
        }
        return node;
    }

    /**
     * A trie node. Bitmap nodes: {@code slots} holds the data entries as key/value pairs in
     * position order, then the sub-nodes in reverse position order; {@code meta[i]} holds entry
     * i's hash (low 32 bits) and metadata word (high 32 bits). Collision nodes (below the last
     * level, both maps 0) hold key/value pairs whose hashes are all equal.
     */
    private static final class Node {
        final Object owner;
        int dataMap;
        int nodeMap;
        Object[] slots;
        long[] meta;
        /**
         * The data entries (by position bit, like {@code dataMap}) whose values this node shares
         * with the shared node it was copied from: replacing or removing one leaves the old value
         * alive for the sharer (see {@link EditToken}). Accounting only; 0 for collision nodes.
         */
        int inherited;

        Node(Object owner, int dataMap, int nodeMap, Object[] slots, long[] meta) {
            this.owner = owner;
            this.dataMap = dataMap;
            this.nodeMap = nodeMap;
            this.slots = slots;
            this.meta = meta;
        }

        Node copy(Object newOwner) {
            Node n = new Node(newOwner, dataMap, nodeMap, slots.clone(), meta.clone());
            n.inherited = dataMap;
            return n;
        }

        /** {@link #inherited} as a node replacing this one under {@code newOwner} starts with it. */
        int inheritedFor(Object newOwner) {
            return owner == newOwner ? inherited : dataMap;
        }

        private Node withInherited(int mask) {
            inherited = mask & dataMap;
            return this;
        }

        /** Heap bytes of this node and its two arrays (see {@link EditToken}). */
        long bytes() {
            return 40 + EditToken.referenceArrayBytes(slots.length) + EditToken.primitiveArrayBytes(meta.length, 8);
        }

        int subIndex(int bit) {
            return slots.length - 1 - Integer.bitCount(nodeMap & (bit - 1));
        }

        Node subNode(int bit) {
            return (Node) slots[subIndex(bit)];
        }

        int collisionIndex(byte[] key) {
            for (int i = 0; i < meta.length; i++) {
                if (Arrays.equals((byte[]) slots[2 * i], key)) {
                    return i;
                }
            }
            return -1;
        }

        Node insertData(Object owner, int bit, byte[] key, Object value, long metaWord) {
            int i = Integer.bitCount(dataMap & (bit - 1));
            Object[] s = new Object[slots.length + 2];
            System.arraycopy(slots, 0, s, 0, 2 * i);
            s[2 * i] = key;
            s[2 * i + 1] = value;
            System.arraycopy(slots, 2 * i, s, 2 * i + 2, slots.length - 2 * i);
            long[] m = new long[meta.length + 1];
            System.arraycopy(meta, 0, m, 0, i);
            m[i] = metaWord;
            System.arraycopy(meta, i, m, i + 1, meta.length - i);
            return new Node(owner, dataMap | bit, nodeMap, s, m).withInherited(inheritedFor(owner) & ~bit);
        }

        Node removeData(Object owner, int bit, int i) {
            Object[] s = new Object[slots.length - 2];
            System.arraycopy(slots, 0, s, 0, 2 * i);
            System.arraycopy(slots, 2 * i + 2, s, 2 * i, slots.length - 2 * i - 2);
            long[] m = new long[meta.length - 1];
            System.arraycopy(meta, 0, m, 0, i);
            System.arraycopy(meta, i + 1, m, i, meta.length - i - 1);
            return new Node(owner, dataMap & ~bit, nodeMap, s, m).withInherited(inheritedFor(owner) & ~bit);
        }

        /** Replaces data entry {@code i} at {@code bit} with sub-node {@code sub}. */
        Node dataToNode(Object owner, int bit, int i, Node sub) {
            int newNodeMap = nodeMap | bit;
            Object[] s = new Object[slots.length - 1];
            System.arraycopy(slots, 0, s, 0, 2 * i);
            int dataEnd = 2 * Integer.bitCount(dataMap);
            System.arraycopy(slots, 2 * i + 2, s, 2 * i, dataEnd - 2 * i - 2);
            // Sub-nodes are stored in reverse position order at the end.
            int subsBefore = Integer.bitCount(nodeMap & (bit - 1)); // positions lower than bit
            int subCount = Integer.bitCount(nodeMap);
            int newDataEnd = dataEnd - 2;
            // old subs occupy slots[dataEnd .. dataEnd+subCount), highest position first
            int higher = subCount - subsBefore;
            System.arraycopy(slots, dataEnd, s, newDataEnd, higher);
            s[newDataEnd + higher] = sub;
            System.arraycopy(slots, dataEnd + higher, s, newDataEnd + higher + 1, subsBefore);
            long[] m = new long[meta.length - 1];
            System.arraycopy(meta, 0, m, 0, i);
            System.arraycopy(meta, i + 1, m, i, meta.length - i - 1);
            return new Node(owner, dataMap & ~bit, newNodeMap, s, m).withInherited(inheritedFor(owner) & ~bit);
        }

        /** Replaces the sub-node at {@code bit} with a data entry. */
        Node nodeToData(Object owner, int bit, byte[] key, Object value, long metaWord) {
            int i = Integer.bitCount(dataMap & (bit - 1));
            int dataEnd = 2 * Integer.bitCount(dataMap);
            int subCount = Integer.bitCount(nodeMap);
            int subsBefore = Integer.bitCount(nodeMap & (bit - 1));
            int higher = subCount - subsBefore - 1; // sub-nodes at higher positions than bit
            Object[] s = new Object[slots.length + 1];
            System.arraycopy(slots, 0, s, 0, 2 * i);
            s[2 * i] = key;
            s[2 * i + 1] = value;
            System.arraycopy(slots, 2 * i, s, 2 * i + 2, dataEnd - 2 * i);
            int newDataEnd = dataEnd + 2;
            System.arraycopy(slots, dataEnd, s, newDataEnd, higher);
            System.arraycopy(slots, dataEnd + higher + 1, s, newDataEnd + higher, subsBefore);
            long[] m = new long[meta.length + 1];
            System.arraycopy(meta, 0, m, 0, i);
            m[i] = metaWord;
            System.arraycopy(meta, i, m, i + 1, meta.length - i);
            return new Node(owner, dataMap | bit, nodeMap & ~bit, s, m).withInherited(inheritedFor(owner) & ~bit);
        }
    }
}
