package io.relog.engine.types;

import io.relog.engine.keyspace.ChampMap;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A Redis hash: field → value, both {@code byte[]}, in one of Redis 7.0's two encodings.
 *
 * <ul>
 *   <li>{@code listpack}: one packed {@code byte[]} of length-prefixed entries
 *       {@code [len f0][f0][len v0][v0][len f1]...} (lengths as unsigned LEB128 varints, one
 *       byte below 128), searched linearly, while the hash has at most {@code maxEntries} fields
 *       ({@code hash-max-listpack-entries}, 512 by default in Redis 7.0.15 — not 128, which is
 *       the sorted-set default) and no field or value longer than {@code maxValue} bytes
 *       ({@code hash-max-listpack-value}, 64). Like Redis' listpack it costs about one byte per
 *       element beyond the data, so small hashes — most hashes — are as dense as in Redis; a
 *       read returns a copy of the bytes.</li>
 *   <li>{@code hashtable}: a {@link ChampMap} (field → value) created with the owner's edit token,
 *       so it shares structure with frozen views and copies only the paths a write touches.</li>
 * </ul>
 * A store that breaks either listpack limit converts to {@code hashtable}; a hash never converts
 * back, as in Redis. There is no wrapper object per field in either form.
 *
 * <p><b>Ownership</b> (see {@link CollectionValue}): the mutators ({@link #put}, {@link #remove})
 * may only be called on a value owned by the caller's current edit token, obtained through
 * {@link #editableFor}. A copy for a new token clones the packed array (O(n), n ≤ 512 small
 * entries) or takes a new handle on the trie (O(1)). The {@code byte[]} fields and values of a
 * hashtable are never modified in place, so copies share them. Engine thread only, except that a
 * value reachable from a frozen view may be read by any thread.
 */
public final class HashValue extends CollectionValue {

    /** Redis 7.0's default {@code hash-max-listpack-entries} (verified on redis-server 7.0.15). */
    public static final int DEFAULT_MAX_LISTPACK_ENTRIES = 512;
    /** Redis 7.0's default {@code hash-max-listpack-value}, in bytes. */
    public static final int DEFAULT_MAX_LISTPACK_VALUE = 64;

    private static final byte[] EMPTY = new byte[0];

    /** Listpack form: packed entries in insertion order, {@code used} bytes valid; {@code null} when a hashtable. */
    private byte[] packed;
    private int used;
    /** Number of fields of the listpack form. */
    private int count;
    /** Hashtable form; {@code null} while a listpack. */
    private ChampMap map;

    @Override
    public ChampMap memberIndex() {
        return map;
    }

    private HashValue(Object owner, byte[] packed, int used, int count, ChampMap map) {
        super(owner);
        this.packed = packed;
        this.used = used;
        this.count = count;
        this.map = map;
    }

    /** An empty hash in listpack form owned by {@code token}; a command fills it before storing it. */
    public static HashValue create(Object token) {
        return new HashValue(token, EMPTY, 0, 0, null);
    }

    @Override
    public long memoryBytes() {
        // listpack: the packed bytes (data plus one length byte per element); hashtable: field
        // and value bytes plus a trie slot and two array headers per field.
        return map == null
                ? io.relog.engine.keyspace.MemoryEstimate.COLLECTION_HEADER + 16 + used
                : io.relog.engine.keyspace.MemoryEstimate.COLLECTION_HEADER + map.payloadBytes()
                        + (long) map.size() * (io.relog.engine.keyspace.MemoryEstimate.TRIE_ENTRY + 2 * 16);
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
        if (map == null) {
            io.relog.engine.keyspace.EditToken.charge(token,
                    io.relog.engine.keyspace.EditToken.primitiveArrayBytes(packed.length, 1));
        }
        return map == null
                ? new HashValue(token, Arrays.copyOf(packed, used), used, count, null)
                : new HashValue(token, null, 0, 0, map.withOwner(token));
    }

    @Override
    public HashValue duplicate(Object token) {
        if (map == null) {
            return new HashValue(token, Arrays.copyOf(packed, used), used, count, null);
        }
        ChampMap copy = ChampMap.owned(token);
        map.forEach(copy::put);
        return new HashValue(token, null, 0, 0, copy);
    }

    // ------------------------------------------------------------------ packed entries

    /*
     * An entry is addressed by the position of its length prefix. entry(pos) decodes it into a
     * long: the start of its bytes in the high half, their length in the low half (no scratch
     * fields: a frozen value is read by several threads at once).
     */
    private static long entry(byte[] packed, int pos) {
        int len = 0;
        int shift = 0;
        byte b;
        do {
            b = packed[pos++];
            len |= (b & 0x7f) << shift;
            shift += 7;
        } while (b < 0);
        return ((long) pos << 32) | len;
    }

    private static int start(long entry) {
        return (int) (entry >>> 32);
    }

    private static int end(long entry) {
        return (int) (entry >>> 32) + (int) entry;
    }

    private static byte[] bytes(byte[] packed, long entry) {
        return Arrays.copyOfRange(packed, start(entry), end(entry));
    }

    private static int varintSize(int len) {
        int n = 1;
        while (len >= 0x80) {
            len >>>= 7;
            n++;
        }
        return n;
    }

    private static int writeVarint(byte[] out, int pos, int len) {
        while (len >= 0x80) {
            out[pos++] = (byte) (len | 0x80);
            len >>>= 7;
        }
        out[pos++] = (byte) len;
        return pos;
    }

    /** Position of the entry of {@code field}, or -1. */
    private int find(byte[] field) {
        byte[] p = packed;
        int pos = 0;
        while (pos < used) {
            long f = entry(p, pos);
            if ((int) f == field.length && Arrays.equals(p, start(f), end(f), field, 0, field.length)) {
                return pos;
            }
            pos = end(entry(p, end(f))); // skip the value
        }
        return -1;
    }

    /** Position of the entry after the field/value pair at {@code pos}. */
    private int pairEnd(int pos) {
        return end(entry(packed, end(entry(packed, pos))));
    }

    /** Replaces bytes [from, to) of the packed array with {@code insert} (an encoded entry run). */
    private void splice(int from, int to, byte[] insert, int insertLength) {
        int newUsed = used - (to - from) + insertLength;
        if (newUsed > packed.length) {
            // Grow by an eighth: little slack, as Redis reallocates a listpack to its exact size.
            packed = Arrays.copyOf(packed, Math.max(newUsed, newUsed + (used >> 3)));
        }
        System.arraycopy(packed, to, packed, from + insertLength, used - to);
        System.arraycopy(insert, 0, packed, from, insertLength);
        used = newUsed;
    }

    private static byte[] encode(byte[] a, byte[] b) {
        int n = (a == null ? 0 : varintSize(a.length) + a.length) + varintSize(b.length) + b.length;
        byte[] out = new byte[n];
        int pos = 0;
        if (a != null) {
            pos = writeVarint(out, pos, a.length);
            System.arraycopy(a, 0, out, pos, a.length);
            pos += a.length;
        }
        pos = writeVarint(out, pos, b.length);
        System.arraycopy(b, 0, out, pos, b.length);
        return out;
    }

    // ------------------------------------------------------------------ reads

    /** The value of {@code field}, or {@code null}. */
    public byte[] get(byte[] field) {
        if (map != null) {
            return (byte[]) map.get(field);
        }
        int at = find(field);
        return at < 0 ? null : bytes(packed, entry(packed, end(entry(packed, at))));
    }

    public boolean contains(byte[] field) {
        return map != null ? map.get(field) != null : find(field) >= 0;
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
        byte[] p = packed;
        int pos = 0;
        while (pos < used) {
            long f = entry(p, pos);
            long v = entry(p, end(f));
            visitor.visit(bytes(p, f), bytes(p, v));
            pos = end(v);
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
            int pos = 0;
            for (int i = random.nextInt(count); i > 0; i--) {
                pos = pairEnd(pos);
            }
            long f = entry(packed, pos);
            out[0] = bytes(packed, f);
            out[1] = bytes(packed, entry(packed, end(f)));
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
        int at = find(field);
        if (at >= 0) {
            int valueAt = end(entry(packed, at));
            byte[] enc = encode(null, value);
            splice(valueAt, end(entry(packed, valueAt)), enc, enc.length);
            return false;
        }
        if (count + 1 > maxEntries) {
            toHashtable();
            map.put(field, value);
            return true;
        }
        byte[] enc = encode(field, value);
        splice(used, used, enc, enc.length);
        count++;
        return true;
    }

    /** Removes {@code field}; returns whether it was present. */
    public boolean remove(byte[] field) {
        checkOwned();
        if (map != null) {
            return map.remove(field) != null;
        }
        int at = find(field);
        if (at < 0) {
            return false;
        }
        splice(at, pairEnd(at), EMPTY, 0);
        count--;
        return true;
    }

    private void toHashtable() {
        ChampMap m = ChampMap.owned(owner);
        forEach(m::put);
        map = m;
        packed = null;
        used = 0;
        count = 0;
    }

    private void checkOwned() {
        if (owner == null) {
            throw new UnsupportedOperationException("hash not owned by a live edit token");
        }
    }
}
