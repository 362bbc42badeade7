package io.relog.engine.types;

import io.relog.engine.keyspace.ChampMap;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A Redis hash: field → value, both {@code byte[]}, in one of Redis 7.0's two encodings.
 *
 * <ul>
 *   <li>{@code listpack}: a flat array {@code [f0, v0, f1, v1, ...]} searched linearly, while the
 *       hash has at most {@code maxEntries} fields ({@code hash-max-listpack-entries}, 512 by
 *       default in Redis 7.0) and no field or value longer than {@code maxValue} bytes
 *       ({@code hash-max-listpack-value}, 64). Small hashes are most hashes; a flat array costs
 *       two references per field and nothing else.</li>
 *   <li>{@code hashtable}: a {@link ChampMap} (field → value) created with the owner's edit token,
 *       so it shares structure with frozen views and copies only the paths a write touches.</li>
 * </ul>
 * A store that breaks either listpack limit converts to {@code hashtable}; a hash never converts
 * back, as in Redis. There is no wrapper object per field in either form.
 *
 * <p><b>Ownership</b> (see {@link CollectionValue}): the mutators ({@link #put}, {@link #remove})
 * may only be called on a value owned by the caller's current edit token, obtained through
 * {@link #editableFor}. A copy for a new token clones the flat array (O(n), n ≤ 512) or takes a
 * new handle on the trie (O(1)). The {@code byte[]} fields and values are never modified in
 * place, so copies share them. Engine thread only, except that a value reachable from a frozen
 * view may be read by any thread.
 */
public final class HashValue extends CollectionValue {

    /** Redis 7.0's default {@code hash-max-listpack-entries} (verified on redis-server 7.0.15). */
    public static final int DEFAULT_MAX_LISTPACK_ENTRIES = 512;
    /** Redis 7.0's default {@code hash-max-listpack-value}, in bytes. */
    public static final int DEFAULT_MAX_LISTPACK_VALUE = 64;

    private static final byte[][] NO_PAIRS = new byte[0][];

    /** Listpack form: pairs in insertion order, {@code 2 * count} used slots; {@code null} when a hashtable. */
    private byte[][] pairs;
    private int count;
    /** Hashtable form; {@code null} while a listpack. */
    private ChampMap map;

    private HashValue(Object owner, byte[][] pairs, int count, ChampMap map) {
        super(owner);
        this.pairs = pairs;
        this.count = count;
        this.map = map;
    }

    /** An empty hash in listpack form owned by {@code token}; a command fills it before storing it. */
    public static HashValue create(Object token) {
        return new HashValue(token, NO_PAIRS, 0, null);
    }

    @Override
    public String typeName() {
        return "hash";
    }

    @Override
    public String encoding() {
        return map == null ? "listpack" : "hashtable";
    }

    public boolean isListpack() {
        return map == null;
    }

    @Override
    public int size() {
        return map == null ? count : map.size();
    }

    @Override
    protected HashValue copyOwnedBy(Object token) {
        return map == null
                ? new HashValue(token, Arrays.copyOf(pairs, 2 * count), count, null)
                : new HashValue(token, null, 0, map.withOwner(token));
    }

    @Override
    public HashValue duplicate(Object token) {
        if (map == null) {
            return new HashValue(token, Arrays.copyOf(pairs, 2 * count), count, null);
        }
        ChampMap copy = ChampMap.owned(token);
        map.forEach(copy::put);
        return new HashValue(token, null, 0, copy);
    }

    // ------------------------------------------------------------------ reads

    /** The value of {@code field}, or {@code null}. */
    public byte[] get(byte[] field) {
        if (map != null) {
            return (byte[]) map.get(field);
        }
        int i = indexOf(field);
        return i < 0 ? null : pairs[i + 1];
    }

    public boolean contains(byte[] field) {
        return get(field) != null;
    }

    /** Slot of {@code field} in the listpack array, or -1. */
    private int indexOf(byte[] field) {
        for (int i = 0, n = 2 * count; i < n; i += 2) {
            if (Arrays.equals(pairs[i], field)) {
                return i;
            }
        }
        return -1;
    }

    /** Receives a field and its value. */
    @FunctionalInterface
    public interface FieldVisitor {
        void visit(byte[] field, byte[] value);
    }

    /**
     * Visits every field: a listpack in insertion order (as Redis), a hashtable in trie order.
     * The visitor must not modify this hash.
     */
    public void forEach(FieldVisitor visitor) {
        if (map != null) {
            map.forEach((k, v) -> visitor.visit(k, (byte[]) v));
            return;
        }
        for (int i = 0, n = 2 * count; i < n; i += 2) {
            visitor.visit(pairs[i], pairs[i + 1]);
        }
    }

    /**
     * One HSCAN step. A listpack is returned whole with next cursor 0 whatever {@code cursor} is
     * (as Redis does for small encodings); a hashtable continues {@link ChampMap#scan} from
     * {@code cursor}. Returns the next cursor, 0 when complete.
     */
    public long scan(long cursor, int count, FieldVisitor visitor) {
        if (map == null) {
            forEach(visitor);
            return 0;
        }
        return map.scan(cursor, count, (k, v) -> visitor.visit(k, (byte[]) v));
    }

    /**
     * A field chosen at random (uniformly for a listpack, close to uniformly for a hashtable),
     * written with its value to {@code out[0]} and {@code out[1]}. The hash must not be empty.
     */
    public void randomField(RandomGenerator random, byte[][] out) {
        if (map == null) {
            int i = 2 * random.nextInt(count);
            out[0] = pairs[i];
            out[1] = pairs[i + 1];
            return;
        }
        byte[] k = map.randomKey(random);
        out[0] = k;
        out[1] = (byte[]) map.get(k);
    }

    // ------------------------------------------------------------------ writes (owned values only)

    /**
     * Sets {@code field} to {@code value}; returns whether the field is new. Converts to a
     * hashtable first when the store would break a listpack limit: a field or value longer than
     * {@code maxValue} bytes, or more than {@code maxEntries} fields. The hash keeps both arrays.
     */
    public boolean put(byte[] field, byte[] value, int maxEntries, int maxValue) {
        checkOwned();
        if (map == null && (field.length > maxValue || value.length > maxValue)) {
            toHashtable();
        }
        if (map != null) {
            return map.put(field, value) == null;
        }
        int i = indexOf(field);
        if (i >= 0) {
            pairs[i + 1] = value;
            return false;
        }
        if (count + 1 > maxEntries) {
            toHashtable();
            map.put(field, value);
            return true;
        }
        if (2 * count + 2 > pairs.length) {
            pairs = Arrays.copyOf(pairs, Math.max(4, 2 * count + 2 + count)); // ~1.5x growth
        }
        pairs[2 * count] = field;
        pairs[2 * count + 1] = value;
        count++;
        return true;
    }

    /** Removes {@code field}; returns whether it was present. */
    public boolean remove(byte[] field) {
        checkOwned();
        if (map != null) {
            return map.remove(field) != null;
        }
        int i = indexOf(field);
        if (i < 0) {
            return false;
        }
        int end = 2 * count;
        System.arraycopy(pairs, i + 2, pairs, i, end - i - 2);
        pairs[end - 2] = null;
        pairs[end - 1] = null;
        count--;
        return true;
    }

    private void toHashtable() {
        ChampMap m = ChampMap.owned(owner);
        for (int i = 0, n = 2 * count; i < n; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        map = m;
        pairs = null;
        count = 0;
    }

    private void checkOwned() {
        if (owner == null) {
            throw new UnsupportedOperationException("hash not owned by a live edit token");
        }
    }
}
