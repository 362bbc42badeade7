package io.relog.engine.types;

import io.relog.engine.keyspace.ChampMap;
import java.util.Arrays;

/**
 * A sorted set: members ordered by (score, member), scores being IEEE doubles compared as C does
 * ({@code -0.0 == 0.0}) and members as unsigned bytes.
 *
 * <h2>Encodings</h2>
 * <ul>
 * <li>{@code listpack} (Redis' small form): only the order, a {@link CountedTree} that at this size
 *     is one or two flat leaves copied when not owned; a score is found by a linear scan, as in a
 *     listpack. Used while the set has at most {@link #MAX_LISTPACK_ENTRIES} members of at most
 *     {@link #MAX_LISTPACK_VALUE} bytes each ({@code zset-max-listpack-entries 128},
 *     {@code zset-max-listpack-value 64}).</li>
 * <li>{@code skiplist} (Redis' large form): the same order plus a {@link ChampMap} member →
 *     {@code Double} score, both sharing structure under the owner-token rule. A set converts
 *     once it crosses either limit and, as in Redis 7.0, never converts back (a new set written
 *     by a STORE command starts in the form its final size calls for).</li>
 * </ul>
 *
 * <p>Writes go through a value owned by the writer's token (see {@link CollectionValue}).
 */
public final class ZSetValue extends CollectionValue {

    /** Redis' default {@code zset-max-listpack-entries} (the engine's setting may differ). */
    public static final int MAX_LISTPACK_ENTRIES = 128;
    /** Redis' default {@code zset-max-listpack-value}, in bytes. */
    public static final int MAX_LISTPACK_VALUE = 64;

    /** One member with its score: the elements of the order. Never mutated. */
    public record Entry(double score, byte[] member) {
    }

    private final CountedTree order;
    /** member → Double; {@code null} in the listpack form. */
    private ChampMap dict;

    @Override
    public ChampMap memberIndex() {
        return dict;
    }

    /** An empty sorted set in the listpack form, owned by {@code token}. */
    public ZSetValue(Object token) {
        this(token, new CountedTree(token), null);
    }

    /** An empty sorted set that starts in the skiplist form (Redis does so when a limit is 0 or the first member is too long). */
    public static ZSetValue skiplist(Object token) {
        return new ZSetValue(token, new CountedTree(token), ChampMap.owned(token));
    }

    private ZSetValue(Object token, CountedTree order, ChampMap dict) {
        super(token);
        this.order = order;
        this.dict = dict;
    }

    /**
     * A sorted set holding {@code entries}, which must be sorted by {@link #compare} with distinct
     * members, in the form their count and longest member call for under the limits
     * {@code maxEntries}/{@code maxValue}; built in O(n) (STORE commands, snapshot loading).
     */
    public static ZSetValue ofSorted(Object token, java.util.List<Entry> entries, int maxEntries, int maxValue) {
        int maxLen = 0;
        Object[] items = new Object[entries.size()];
        for (int i = 0; i < items.length; i++) {
            Entry e = entries.get(i);
            maxLen = Math.max(maxLen, e.member.length);
            items[i] = e;
        }
        boolean large = items.length > maxEntries || maxLen > maxValue;
        if (!large) {
            for (int i = 0; i < items.length; i++) {
                Entry e = (Entry) items[i];
                if (e.score == 0 && 1 / e.score < 0) {
                    items[i] = new Entry(0.0, e.member); // as put() stores -0 in the listpack form
                }
            }
        }
        ZSetValue z = new ZSetValue(token, CountedTree.of(items, items.length, token), null);
        if (large) {
            z.convertToSkiplist();
        }
        return z;
    }

    /** Redis' order: score as C compares doubles, then member bytes unsigned. */
    public static int compare(double s1, byte[] m1, double s2, byte[] m2) {
        if (s1 < s2) {
            return -1;
        }
        if (s1 > s2) {
            return 1;
        }
        return Arrays.compareUnsigned(m1, m2);
    }

    private static final CountedTree.Probe<Entry> BY_ENTRY = (e, p) -> {
        Entry x = (Entry) e;
        return compare(x.score, x.member, p.score, p.member);
    };

    @Override
    public long memoryBytes() {
        // The order holds every (score, member) entry; the skiplist form adds the member → score
        // trie, whose keys are the same member arrays (not counted twice) and whose values are boxed.
        long b = io.relog.engine.keyspace.MemoryEstimate.COLLECTION_HEADER + order.elementBytes()
                + (long) order.size() * (io.relog.engine.keyspace.MemoryEstimate.ZSET_ENTRY + 16);
        if (dict != null) {
            b += (long) dict.size() * (io.relog.engine.keyspace.MemoryEstimate.TRIE_ENTRY + 16);
        }
        return b;
    }

    @Override
    public String typeName() {
        return "zset";
    }

    @Override
    public String encoding() {
        return dict == null ? "listpack" : "skiplist";
    }

    @Override
    public int size() {
        return order.size();
    }

    @Override
    protected CollectionValue copyOwnedBy(Object token) {
        return new ZSetValue(token, order.withOwner(token), dict == null ? null : dict.withOwner(token));
    }

    @Override
    public CollectionValue duplicate(Object token) {
        ZSetValue z = new ZSetValue(token, order.duplicate(token), null);
        if (dict != null) {
            z.dict = ChampMap.owned(token);
            dict.forEach((k, v) -> z.dict.put(k, v));
        }
        return z;
    }

    /** The (score, member) order, lowest first. Read-only use; write through this value's methods. */
    public CountedTree order() {
        return order;
    }

    /** The entry at rank {@code rank} (0 = lowest). */
    public Entry at(int rank) {
        return (Entry) order.get(rank);
    }

    /** The score of {@code member}, or {@code null} if it is not in the set. */
    public Double score(byte[] member) {
        if (dict != null) {
            return (Double) dict.get(member);
        }
        for (CountedTree.Cursor c = order.cursor(0); c.hasNext(); ) {
            Entry e = (Entry) c.next();
            if (Arrays.equals(e.member, member)) {
                return e.score;
            }
        }
        return null;
    }

    /** The rank (0 = lowest) of {@code member}, or -1 if absent. */
    public int rank(byte[] member) {
        Double s = score(member);
        return s == null ? -1 : order.rank(new Entry(s, member), BY_ENTRY, false);
    }

    /** {@link #put(double, byte[], int, int)} with Redis' default limits. */
    public Double put(double score, byte[] member) {
        return put(score, member, MAX_LISTPACK_ENTRIES, MAX_LISTPACK_VALUE);
    }

    /**
     * Sets {@code member}'s score, adding it if absent. Returns the previous score, or {@code null}
     * if the member was added. Converts to the skiplist form when the set then holds more than
     * {@code maxEntries} members or {@code member} is longer than {@code maxValue} bytes
     * ({@code zset-max-listpack-entries}, {@code zset-max-listpack-value}).
     */
    public Double put(double score, byte[] member, int maxEntries, int maxValue) {
        Double prev = score(member);
        if (prev != null) {
            if (prev == score) { // C equality: -0.0 and 0.0 are the same score
                return prev;
            }
            order.remove(order.rank(new Entry(prev, member), BY_ENTRY, false));
        }
        if (dict == null && score == 0) {
            score = 0.0; // a listpack stores an integral score as an integer: -0 reads back as 0
        }
        Entry e = new Entry(score, member);
        order.add(order.rank(e, BY_ENTRY, false), e);
        if (dict != null) {
            dict.put(member, score);
        } else if (order.size() > maxEntries || member.length > maxValue) {
            convertToSkiplist();
        }
        return prev;
    }

    private void convertToSkiplist() {
        ChampMap d = ChampMap.owned(owner);
        for (CountedTree.Cursor c = order.cursor(0); c.hasNext(); ) {
            Entry e = (Entry) c.next();
            d.put(e.member, e.score);
        }
        dict = d;
    }

    /** Removes {@code member}; returns whether it was there. */
    public boolean remove(byte[] member) {
        Double s = score(member);
        if (s == null) {
            return false;
        }
        order.remove(order.rank(new Entry(s, member), BY_ENTRY, false));
        if (dict != null) {
            dict.remove(member);
        }
        return true;
    }

    /** Removes and returns the entry at {@code rank}. */
    public Entry removeAt(int rank) {
        Entry e = (Entry) order.remove(rank);
        if (dict != null) {
            dict.remove(e.member);
        }
        return e;
    }

    /** Removes the entries at ranks {@code [from, to)}. */
    public void removeRange(int from, int to) {
        if (dict != null) {
            CountedTree.Cursor c = order.cursor(from);
            for (int i = from; i < to; i++) {
                dict.remove(((Entry) c.next()).member);
            }
        }
        order.removeRange(from, to);
    }

    /**
     * The number of members whose score is below {@code score} ({@code inclusive} false) or at most
     * {@code score} ({@code inclusive} true): with two calls, the rank range of a score interval.
     */
    public int rankOfScore(double score, boolean inclusive) {
        return order.rank(score, (e, s) -> {
            double x = ((Entry) e).score;
            return x < s ? -1 : x > s ? 1 : 0;
        }, inclusive);
    }

    /**
     * The number of members sorting before {@code member} ({@code inclusive} false) or before or at
     * it ({@code inclusive} true), comparing members only: meaningful when all scores are equal
     * (the lexicographic commands' precondition, as in Redis).
     */
    public int rankOfMember(byte[] member, boolean inclusive) {
        return order.rank(member, (e, m) -> Arrays.compareUnsigned(((Entry) e).member, m), inclusive);
    }

    /** Visits each member with its score; for the listpack form in order, else in hash order. */
    public void forEachMember(ChampMap.EntryVisitor visitor) {
        if (dict != null) {
            dict.forEach(visitor);
            return;
        }
        for (CountedTree.Cursor c = order.cursor(0); c.hasNext(); ) {
            Entry e = (Entry) c.next();
            visitor.visit(e.member, e.score);
        }
    }

    /** The member → score map of the skiplist form (for ZSCAN), or {@code null} in the listpack form. */
    public ChampMap dict() {
        return dict;
    }
}
