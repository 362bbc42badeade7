package io.relog.engine.types;

import io.relog.engine.command.Args;
import io.relog.engine.keyspace.ChampMap;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A Redis set of {@code byte[]} members, in one of Redis 7.0's two encodings (7.0 has no listpack
 * sets; they came with 7.2 — verified on redis-server 7.0.15):
 *
 * <ul>
 *   <li>{@code intset}: sorted integers packed in a {@code byte[]} 2, 4 or 8 bytes each (the
 *       smallest width that holds every member, widened when a larger one arrives and never
 *       narrowed, like Redis' intset), searched by bisection, while every member is a
 *       canonical decimal integer (as {@code string2ll} accepts: no '+', no leading zeros, no
 *       "-0") and there are at most {@code maxIntsetEntries} of them
 *       ({@code set-max-intset-entries}, 512). Members are read back in ascending order.</li>
 *   <li>{@code hashtable}: a {@link ChampMap} member → {@link #PRESENT} created with the owner's
 *       edit token, sharing structure with frozen views.</li>
 * </ul>
 * Adding a non-integer member, or a 513th integer, converts to {@code hashtable}; a set never
 * converts back. A set built by adding members one by one into an empty set (SADD on a new key,
 * the *STORE commands, SMOVE to a new key) therefore has the encoding Redis 7.0 gives it.
 *
 * <p><b>Ownership</b> (see {@link CollectionValue}): {@link #add} and {@link #remove} may only be
 * called on a value owned by the caller's current edit token ({@link #editableFor}). A copy for a
 * new token clones the intset array (at most 4 KiB) or takes a new handle on the trie (O(1)).
 */
public final class SetValue extends CollectionValue {

    /** Redis 7.0's default {@code set-max-intset-entries}. */
    public static final int DEFAULT_MAX_INTSET_ENTRIES = 512;

    /** The value every member maps to in the hashtable form. */
    public static final Object PRESENT = Boolean.TRUE;

    private static final byte[] NO_INTS = new byte[0];
    private static final VarHandle INT16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Intset form: {@code count} ascending integers of {@code width} bytes; {@code null} when a hashtable. */
    private byte[] ints;
    private int width;
    private int count;
    /** Hashtable form; {@code null} while an intset. */
    private ChampMap map;

    @Override
    public ChampMap memberIndex() {
        return map;
    }

    private SetValue(Object owner, byte[] ints, int width, int count, ChampMap map) {
        super(owner);
        this.ints = ints;
        this.width = width;
        this.count = count;
        this.map = map;
    }

    /** An empty set (intset form) owned by {@code token}; a command fills it before storing it. */
    public static SetValue create(Object token) {
        return new SetValue(token, NO_INTS, 2, 0, null);
    }

    @Override
    public long memoryBytes() {
        // intset: the packed integers; hashtable: member bytes plus a trie slot and array header each.
        return map == null
                ? io.relog.engine.keyspace.MemoryEstimate.COLLECTION_HEADER + 16 + (long) count * width
                : io.relog.engine.keyspace.MemoryEstimate.COLLECTION_HEADER + map.payloadBytes()
                        + (long) map.size() * (io.relog.engine.keyspace.MemoryEstimate.TRIE_ENTRY + 16);
    }

    @Override
    public String typeName() {
        return "set";
    }

    @Override
    public String encoding() {
        return map == null ? "intset" : "hashtable";
    }

    public boolean isIntset() {
        return map == null;
    }

    @Override
    public int size() {
        return map == null ? count : map.size();
    }

    @Override
    protected SetValue copyOwnedBy(Object token) {
        if (map == null) {
            io.relog.engine.keyspace.EditToken.charge(token,
                    io.relog.engine.keyspace.EditToken.primitiveArrayBytes(ints.length, 1));
        }
        return map == null
                ? new SetValue(token, Arrays.copyOf(ints, count * width), width, count, null)
                : new SetValue(token, null, 0, 0, map.withOwner(token));
    }

    @Override
    public SetValue duplicate(Object token) {
        if (map == null) {
            return new SetValue(token, Arrays.copyOf(ints, count * width), width, count, null);
        }
        ChampMap copy = ChampMap.owned(token);
        map.forEach(copy::put);
        return new SetValue(token, null, 0, 0, copy);
    }

    // ------------------------------------------------------------------ reads

    public boolean contains(byte[] member) {
        if (map != null) {
            return map.get(member) != null;
        }
        return Args.isLong(member) && search(Args.parseLong(member)) >= 0;
    }

    /** Receives one member; the array must not be modified. */
    @FunctionalInterface
    public interface MemberVisitor {
        void visit(byte[] member);
    }

    /**
     * Visits every member once: an intset in ascending numeric order (decimal bytes made for the
     * visit), a hashtable in trie order. The visitor must not modify this set. This is the hook
     * for commands of other types that read a set, such as ZUNIONSTORE / ZINTERSTORE (a set's
     * members count with score 1).
     */
    public void forEachMember(MemberVisitor visitor) {
        if (map != null) {
            map.forEach((k, v) -> visitor.visit(k));
            return;
        }
        for (int i = 0; i < count; i++) {
            visitor.visit(Args.bytes(at(i)));
        }
    }

    /** The members in {@link #forEachMember} order, in a new array. */
    public byte[][] members() {
        byte[][] out = new byte[size()][];
        int[] i = {0};
        forEachMember(m -> out[i[0]++] = m);
        return out;
    }

    /**
     * One SSCAN step. An intset is returned whole with next cursor 0 whatever {@code cursor} is
     * (as Redis does for small encodings); a hashtable continues {@link ChampMap#scan}.
     */
    public long scan(long cursor, int count, MemberVisitor visitor) {
        if (map == null) {
            forEachMember(visitor);
            return 0;
        }
        return map.scan(cursor, count, (k, v) -> visitor.visit(k));
    }

    /** A member chosen at random (uniformly for an intset, close to it for a hashtable); the set must not be empty. */
    public byte[] randomMember(RandomGenerator random) {
        if (map == null) {
            return Args.bytes(at(random.nextInt(count)));
        }
        return map.randomKey(random);
    }

    // ------------------------------------------------------------------ writes (owned values only)

    /**
     * Adds {@code member}; returns whether it is new. Converts to a hashtable when the member is
     * not a canonical integer or the intset would exceed {@code maxIntsetEntries}. The set keeps
     * the array.
     */
    public boolean add(byte[] member, int maxIntsetEntries) {
        checkOwned();
        if (map == null) {
            if (Args.isLong(member)) {
                long v = Args.parseLong(member);
                int i = search(v);
                if (i >= 0) {
                    return false;
                }
                if (count + 1 <= maxIntsetEntries) {
                    insert(-i - 1, v);
                    return true;
                }
            }
            toHashtable();
        }
        return map.put(member, PRESENT) == null;
    }

    /** Removes {@code member}; returns whether it was present. */
    public boolean remove(byte[] member) {
        checkOwned();
        if (map != null) {
            return map.remove(member) != null;
        }
        if (!Args.isLong(member)) {
            return false;
        }
        int i = search(Args.parseLong(member));
        if (i < 0) {
            return false;
        }
        System.arraycopy(ints, (i + 1) * width, ints, i * width, (count - i - 1) * width);
        count--;
        return true;
    }

    private void toHashtable() {
        ChampMap m = ChampMap.owned(owner);
        for (int i = 0; i < count; i++) {
            m.put(Args.bytes(at(i)), PRESENT);
        }
        map = m;
        ints = null;
        count = 0;
    }

    // ------------------------------------------------------------------ intset internals

    /** Integer {@code i} of the intset. */
    private long at(int i) {
        return switch (width) {
            case 2 -> (short) INT16.get(ints, 2 * i);
            case 4 -> (int) INT32.get(ints, 4 * i);
            default -> (long) INT64.get(ints, 8 * i);
        };
    }

    private static void put(byte[] a, int width, int i, long v) {
        switch (width) {
            case 2 -> INT16.set(a, 2 * i, (short) v);
            case 4 -> INT32.set(a, 4 * i, (int) v);
            default -> INT64.set(a, 8 * i, v);
        }
    }

    private static int widthOf(long v) {
        return v == (short) v ? 2 : v == (int) v ? 4 : 8;
    }

    /** Like {@link Arrays#binarySearch(long[], long)}: the index, or {@code -(insertion point) - 1}. */
    private int search(long v) {
        if (widthOf(v) > width) {
            return v < 0 ? -1 : -count - 1; // beyond every stored integer
        }
        int lo = 0;
        int hi = count - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long x = at(mid);
            if (x < v) {
                lo = mid + 1;
            } else if (x > v) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -lo - 1;
    }

    /** Inserts {@code v} at index {@code i}, widening every integer first when {@code v} needs it. */
    private void insert(int i, long v) {
        int w = Math.max(width, widthOf(v));
        int need = (count + 1) * w;
        if (w != width) {
            byte[] wider = new byte[need];
            for (int j = 0; j < count; j++) {
                put(wider, w, j < i ? j : j + 1, at(j));
            }
            ints = wider;
            width = w;
        } else {
            if (need > ints.length) {
                // Grow by an eighth: little slack, as Redis reallocates an intset to its exact size.
                ints = Arrays.copyOf(ints, Math.max(need, need + (count >> 3) * w));
            }
            System.arraycopy(ints, i * w, ints, (i + 1) * w, (count - i) * w);
        }
        put(ints, w, i, v);
        count++;
    }

    private void checkOwned() {
        if (owner == null) {
            throw new UnsupportedOperationException("set not owned by a live edit token");
        }
    }
}
