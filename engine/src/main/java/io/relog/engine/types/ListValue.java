package io.relog.engine.types;

/**
 * A list value: a {@link CountedTree} used positionally. A list of up to {@link CountedTree#MAX}
 * elements is a single leaf, i.e. a flat array copied when not owned (the analogue of one
 * listpack node); larger lists share structure and copy only the paths they change.
 *
 * <p>Redis 7.0 reports {@code quicklist} as the encoding of every list (the {@code listpack}
 * list encoding arrived in 7.2), so {@link #encoding()} does too, whatever the size.
 */
public final class ListValue extends CollectionValue {

    private final CountedTree items;

    /** An empty list owned by {@code token}; a stored list is never empty, so fill it before storing. */
    public ListValue(Object token) {
        this(token, new CountedTree(token));
    }

    private ListValue(Object token, CountedTree items) {
        super(token);
        this.items = items;
    }

    /** A list of {@code elements[0..n)}, head first, owned by {@code token}; built in O(n) (snapshot loading). */
    public static ListValue of(Object token, byte[][] elements, int n) {
        return new ListValue(token, CountedTree.of(elements, n, token));
    }

    /** The elements, head first. Write through it only while this value is owned by the writer's token. */
    public CountedTree items() {
        return items;
    }

    @Override
    public long memoryBytes() {
        return io.relog.engine.keyspace.MemoryEstimate.COLLECTION_HEADER + items.elementBytes()
                + (long) items.size() * io.relog.engine.keyspace.MemoryEstimate.ELEMENT;
    }

    @Override
    public String typeName() {
        return "list";
    }

    @Override
    public String encoding() {
        return "quicklist";
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    protected CollectionValue copyOwnedBy(Object token) {
        return new ListValue(token, items.withOwner(token));
    }

    @Override
    public CollectionValue duplicate(Object token) {
        return new ListValue(token, items.duplicate(token));
    }
}
