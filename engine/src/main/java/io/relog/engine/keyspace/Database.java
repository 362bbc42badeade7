package io.relog.engine.keyspace;

/**
 * One of the numbered databases: the keyspace (key → value) and the expiry table (key → absolute
 * Unix ms), both persistent maps. Values are {@code byte[]} for strings; later issues add the
 * collection types.
 *
 * <p>This class stores; it does not decide. Expiry policy (delete and propagate on a master, mask
 * on a replica) lives in {@link io.relog.engine.Engine}, which calls {@link #expireAt}. Engine
 * thread only, except for frozen views.
 */
public final class Database {

    private final int index;
    private ChampMap keys;
    private ChampMap expires;

    public Database(int index) {
        this(index, new ChampMap(), new ChampMap());
    }

    private Database(int index, ChampMap keys, ChampMap expires) {
        this.index = index;
        this.keys = keys;
        this.expires = expires;
    }

    private Database(int index, ChampMap keys, ChampMap expires, long collectionBytes) {
        this(index, keys, expires);
        this.collectionBytes = collectionBytes;
    }

    // ------------------------------------------------------------------ memory accounting
    //
    // used = Σ key and string bytes (kept by the keys map) + KEY_ENTRY per key + EXPIRE_ENTRY per
    // volatile key + Σ collection estimates. Collections change in place after they are stored
    // (a command gets one through editable() or creates and put()s it, then adds or removes
    // elements), so the database remembers each collection a command may change with the
    // estimate it counted for it, and settle() adds the difference once the command is done.
    // A removed collection is uncounted at the estimate that was counted for it.

    /** Σ memoryBytes() of the stored collections, as of their last settle. */
    private long collectionBytes;
    private static final int MAX_PENDING = 64;
    private final io.relog.engine.types.CollectionValue[] pending = new io.relog.engine.types.CollectionValue[MAX_PENDING];
    private final long[] pendingCounted = new long[MAX_PENDING];
    private int pendingCount;

    /**
     * Estimated bytes of this database's data set ({@link MemoryEstimate}), exact for what it
     * counts as of the last {@link #settleMemory()}. O(1).
     */
    public long usedMemory() {
        return keys.payloadBytes() + (long) keys.size() * MemoryEstimate.KEY_ENTRY
                + (long) expires.size() * MemoryEstimate.EXPIRE_ENTRY + collectionBytes;
    }

    /**
     * Brings the estimate up to date with the collections changed in place since the last call;
     * the engine calls it after every command. O(collections changed).
     */
    public void settleMemory() {
        for (int i = 0; i < pendingCount; i++) {
            collectionBytes += pending[i].memoryBytes() - pendingCounted[i];
            pending[i] = null;
        }
        pendingCount = 0;
    }

    private void track(io.relog.engine.types.CollectionValue v, long counted) {
        for (int i = 0; i < pendingCount; i++) {
            if (pending[i] == v) {
                return;
            }
        }
        if (pendingCount == MAX_PENDING) {
            settleMemory(); // loading puts many collections in one go; settling early is always correct
        }
        if (pendingCount == 0 && unsettledListener != null) {
            unsettledListener.unsettled(this);
        }
        pending[pendingCount] = v;
        pendingCounted[pendingCount++] = counted;
    }

    private void uncount(Object prev) {
        if (prev instanceof io.relog.engine.types.CollectionValue c) {
            for (int i = 0; i < pendingCount; i++) {
                if (pending[i] == c) {
                    collectionBytes -= pendingCounted[i];
                    pending[i] = pending[--pendingCount];
                    pendingCounted[i] = pendingCounted[pendingCount];
                    pending[pendingCount] = null;
                    return;
                }
            }
            collectionBytes -= c.memoryBytes();
        }
    }

    private void count(Object value) {
        if (value instanceof io.relog.engine.types.CollectionValue c) {
            long b = c.memoryBytes();
            collectionBytes += b;
            track(c, b);
        }
    }

    /**
     * The estimate recomputed from every stored value, O(n): for tests that check the
     * incremental figure, and never on the serving path.
     */
    public long recomputeUsedMemory() {
        long[] b = {(long) expires.size() * MemoryEstimate.EXPIRE_ENTRY};
        keys.forEach((k, v) -> b[0] += k.length + MemoryEstimate.KEY_ENTRY
                + (v instanceof byte[] s ? s.length : ((io.relog.engine.types.CollectionValue) v).memoryBytes()));
        return b[0];
    }

    public int index() {
        return index;
    }

    /** Number of keys, expired ones not yet removed included (as Redis' DBSIZE). */
    public int size() {
        return keys.size();
    }

    /** Number of keys with a time to live. */
    public int volatileSize() {
        return expires.size();
    }

    /** The stored value, without any expiry check or access-time update; {@code null} if absent. */
    public Object peek(byte[] key) {
        return keys.get(key);
    }

    /**
     * Bits of an entry's metadata word that hold access data (Redis' 24-bit LRU clock or LFU
     * data); the high 8 bits hold {@link #VALUE_FLAGS}, facts about the stored value that an
     * access does not change.
     */
    public static final int ACCESS_BITS = 0x00ff_ffff;

    /** Bits of the metadata word describing the value (e.g. a string's encoding); set by writes only. */
    public static final int VALUE_FLAGS = 0xff00_0000;

    /**
     * The stored value, updating the entry's access data ({@link #ACCESS_BITS} of the metadata)
     * to {@code meta}; the value flags are kept.
     */
    public Object getAndTouch(byte[] key, int meta) {
        return keys.touch(key, meta, ACCESS_BITS);
    }

    /** The entry's whole metadata word: access data and value flags. */
    public int accessMeta(byte[] key) {
        return keys.meta(key);
    }

    /** The absolute expiry time in Unix ms, or -1 if {@code key} has none (or is absent). */
    public long expireAt(byte[] key) {
        Object when = expires.isEmpty() ? null : expires.get(key);
        return when == null ? -1 : (Long) when;
    }

    /**
     * Stores {@code value} under {@code key} with metadata word {@code meta} (access data and
     * value flags), replacing any value. With {@code keepTtl} false any
     * time to live is removed (Redis' {@code setKey} without KEEPTTL). Returns the previous value.
     */
    public Object put(byte[] key, Object value, int meta, boolean keepTtl) {
        Object prev = keys.put(key, value, meta, keepAccessOnOverwrite ? ACCESS_BITS : 0);
        uncount(prev);
        count(value);
        if (prev != null && !keepTtl && !expires.isEmpty()) {
            expires.remove(key);
        }
        if (prev == null && keyAdded != null) {
            keyAdded.added(index, key);
        }
        return prev;
    }

    /**
     * Makes the entries collected in {@code entries} this empty database's keys, built in one
     * pass under its edit token ({@link ChampMap.Bulk#build}), with their memory accounted and
     * the added-key listener told, as {@link #put} of each would. Collection values must be owned
     * by {@link #editToken()}. A key added twice is stored once; {@link ChampMap.Bulk#duplicate()}
     * names it, and a loader then refuses the data. Times to live are set separately
     * ({@link #setExpireAt}).
     *
     * @throws IllegalStateException if the database holds keys
     */
    public void putAll(ChampMap.Bulk entries) {
        if (keys.size() != 0) {
            throw new IllegalStateException("bulk load into a database that holds " + keys.size() + " keys");
        }
        keys = entries.build(keys.editToken());
        if (entries.onlyByteArrayValues() && keyAdded == null) {
            return; // nothing to count or tell: spare a visit to every value, a cache miss each
        }
        for (int i = 0; i < entries.size(); i++) {
            if (entries.value(i) instanceof io.relog.engine.types.CollectionValue c) {
                collectionBytes += c.memoryBytes();
            }
            if (keyAdded != null) {
                keyAdded.added(index, entries.key(i));
            }
        }
    }

    /** Told of every key {@link #put} adds to a database where it was absent (Redis' {@code dbAdd}). */
    /**
     * Whether {@link #put} keeps an existing key's access bits (an LFU policy: Redis' overwrite
     * keeps the counter) instead of taking the new ones (LRU: the access time is now).
     */
    private boolean keepAccessOnOverwrite;

    /** Sets whether an overwrite keeps the key's access bits (true under the LFU policies). Engine thread. */
    public void keepAccessOnOverwrite(boolean keep) {
        this.keepAccessOnOverwrite = keep;
    }

    /** Told when a database starts holding collection changes that {@link #settleMemory()} must count. */
    @FunctionalInterface
    public interface Unsettled {
        void unsettled(Database db);
    }

    private Unsettled unsettledListener;

    /**
     * Registers the one listener told each time this database goes from nothing to settle to
     * something to settle, so that its owner can settle only the databases a command changed
     * instead of all of them after every command. Engine thread, before use.
     */
    public void onUnsettled(Unsettled listener) {
        this.unsettledListener = listener;
    }

    @FunctionalInterface
    public interface KeyAdded {
        void added(int db, byte[] key);
    }

    /** Listener for added keys (the {@code new} keyspace notification); {@code null}, the default, for none. */
    private KeyAdded keyAdded;

    /** Sets or clears ({@code null}) the listener for added keys. Engine thread. */
    public void onKeyAdded(KeyAdded listener) {
        this.keyAdded = listener;
    }

    /** Removes {@code key} and its time to live; returns the removed value or {@code null}. */
    public Object remove(byte[] key) {
        Object prev = keys.remove(key);
        uncount(prev);
        if (prev != null && !expires.isEmpty()) {
            expires.remove(key);
        }
        return prev;
    }

    /** Sets the absolute expiry (Unix ms) of an existing key. */
    public void setExpireAt(byte[] key, long whenMs) {
        expires.put(key, whenMs);
    }

    /** Removes the time to live of {@code key}; returns whether it had one. */
    public boolean persist(byte[] key) {
        return !expires.isEmpty() && expires.remove(key) != null;
    }

    /** Removes every key. */
    public void clear() {
        keys.clear();
        expires.clear();
        java.util.Arrays.fill(pending, 0, pendingCount, null);
        pendingCount = 0;
        collectionBytes = 0;
    }

    /** The live keyspace map (for iteration and SCAN; do not mutate it directly). */
    public ChampMap keys() {
        return keys;
    }

    /** The live expiry map: key → {@code Long} absolute Unix ms. Do not mutate it directly. */
    public ChampMap expires() {
        return expires;
    }

    /** Exchanges contents with {@code other} (SWAPDB). */
    public void swapWith(Database other) {
        settleMemory();
        other.settleMemory();
        long c = collectionBytes;
        collectionBytes = other.collectionBytes;
        other.collectionBytes = c;
        ChampMap k = keys;
        ChampMap e = expires;
        keys = other.keys;
        expires = other.expires;
        other.keys = k;
        other.expires = e;
    }

    /**
     * The current edit token of this database, {@code null} for a frozen view. A collection
     * value (hash, list, set, sorted set) is changed in place only when it is owned by this
     * token; otherwise the writer copies it (shallowly: its inner structures share nodes and copy
     * paths under this token) and stores the copy. {@link #freeze()} replaces the token, so a
     * frozen view never observes a later write at any depth.
     */
    public Object editToken() {
        return keys.editToken();
    }

    /**
     * {@code value}, stored under {@code key}, made editable for this database's edit token:
     * the value itself when the token owns it, else a copy owned by the token (sharing
     * structure), stored under {@code key} in its place with the key's time to live and access
     * metadata. Every command that changes a collection in place goes through here.
     */
    @SuppressWarnings("unchecked")
    public <T extends io.relog.engine.types.CollectionValue> T editable(byte[] key, T value) {
        io.relog.engine.types.CollectionValue e = value.editableFor(editToken());
        if (e != value) {
            put(key, e, accessMeta(key), true);
        } else {
            track(e, e.memoryBytes());
        }
        return (T) e;
    }

    /**
     * An immutable view of this database as it is now, in O(1); see {@link ChampMap#freeze()}.
     *
     * <p>Outside single-database tests, freeze through {@link io.relog.engine.Engine#freeze()},
     * which replaces every database's token at once. MOVE hands a value to another database
     * with the nodes its old database's token owns; if only one database were frozen, a value
     * moved into the frozen one and later moved back could be edited in place under the other
     * database's still-live token, and the view would see it. Replacing all tokens together
     * guarantees that no live token owns a node reachable from any frozen view.
     */
    public Database freeze() {
        settleMemory();
        return new Database(index, keys.freeze(), expires.freeze(), collectionBytes);
    }

    /** A mutable database starting from this one's contents (a frozen view's, for replay tests). */
    public Database mutableCopy() {
        settleMemory();
        return new Database(index, keys.mutableCopy(), expires.mutableCopy(), collectionBytes);
    }

    /**
     * Bytes this database's writes have kept alive for a sharer since its edit tokens were last
     * replaced ({@link #freeze()}): the memory a frozen view of it costs beyond the live data. An
     * estimate; see {@link EditToken}. Writer thread.
     */
    public long retainedBytesSinceFreeze() {
        long b = 0;
        if (keys.editToken() instanceof EditToken t) {
            b += t.retainedBytes();
        }
        if (expires.editToken() instanceof EditToken t) {
            b += t.retainedBytes();
        }
        return b;
    }

    public boolean isFrozen() {
        return keys.isFrozen();
    }
}
