package io.relog.engine.types;

import io.relog.engine.command.Args;
import io.relog.engine.keyspace.ChampMap;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A Redis set of {@code byte[]} members, in one of Redis 7.0's two encodings (7.0 has no listpack
 * sets; they came with 7.2 — verified on redis-server 7.0.15):
 *
 * <ul>
 *   <li>{@code intset}: a sorted {@code long[]} searched by bisection, while every member is a
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
 * new token clones the intset array (n ≤ 512) or takes a new handle on the trie (O(1)).
 */
public final class SetValue extends CollectionValue {

    /** Redis 7.0's default {@code set-max-intset-entries}. */
    public static final int DEFAULT_MAX_INTSET_ENTRIES = 512;

    /** The value every member maps to in the hashtable form. */
    public static final Object PRESENT = Boolean.TRUE;

    private static final long[] NO_INTS = new long[0];

    /** Intset form: ascending, {@code count} used; {@code null} when a hashtable. */
    private long[] ints;
    private int count;
    /** Hashtable form; {@code null} while an intset. */
    private ChampMap map;

    private SetValue(Object owner, long[] ints, int count, ChampMap map) {
        super(owner);
        this.ints = ints;
        this.count = count;
        this.map = map;
    }

    /** An empty set (intset form) owned by {@code token}; a command fills it before storing it. */
    public static SetValue create(Object token) {
        return new SetValue(token, NO_INTS, 0, null);
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
        return map == null
                ? new SetValue(token, Arrays.copyOf(ints, count), count, null)
                : new SetValue(token, null, 0, map.withOwner(token));
    }

    @Override
    public SetValue duplicate(Object token) {
        if (map == null) {
            return new SetValue(token, Arrays.copyOf(ints, count), count, null);
        }
        ChampMap copy = ChampMap.owned(token);
        map.forEach(copy::put);
        return new SetValue(token, null, 0, copy);
    }

    // ------------------------------------------------------------------ reads

    public boolean contains(byte[] member) {
        if (map != null) {
            return map.get(member) != null;
        }
        return Args.isLong(member) && Arrays.binarySearch(ints, 0, count, Args.parseLong(member)) >= 0;
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
            visitor.visit(Args.bytes(ints[i]));
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
            return Args.bytes(ints[random.nextInt(count)]);
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
                int i = Arrays.binarySearch(ints, 0, count, v);
                if (i >= 0) {
                    return false;
                }
                if (count + 1 <= maxIntsetEntries) {
                    int at = -i - 1;
                    if (count == ints.length) {
                        ints = Arrays.copyOf(ints, Math.max(4, count + (count >> 1) + 1));
                    }
                    System.arraycopy(ints, at, ints, at + 1, count - at);
                    ints[at] = v;
                    count++;
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
        int i = Arrays.binarySearch(ints, 0, count, Args.parseLong(member));
        if (i < 0) {
            return false;
        }
        System.arraycopy(ints, i + 1, ints, i, count - i - 1);
        count--;
        return true;
    }

    private void toHashtable() {
        ChampMap m = ChampMap.owned(owner);
        for (int i = 0; i < count; i++) {
            m.put(Args.bytes(ints[i]), PRESENT);
        }
        map = m;
        ints = null;
        count = 0;
    }

    private void checkOwned() {
        if (owner == null) {
            throw new UnsupportedOperationException("set not owned by a live edit token");
        }
    }
}
