package io.relog.engine.types;

/**
 * A collection stored as a keyspace value (hash, list, set, sorted set). Strings are stored as
 * plain {@code byte[]} and are never modified in place; collections are, but only when owned.
 *
 * <h2>Ownership</h2>
 * A collection records the edit token of the database that may change it in place
 * ({@link io.relog.engine.keyspace.Database#editToken()}). A command about to modify a
 * collection calls {@link #editableFor(Object)} with the database's current token: if the value
 * is owned it is returned as is, otherwise a copy owned by the token is returned (O(1) for the
 * structure-sharing forms, an array copy for the small flat forms) and the command must store
 * that copy in the keyspace before changing it. Since freezing a database replaces its token,
 * a frozen view never observes a later write, at any depth. Inner structures (tries, trees)
 * are created with the same token, so their nodes follow the same rule.
 */
public abstract class CollectionValue {

    /** The edit token that may change this value in place; {@code null} when immutable. */
    protected Object owner;

    protected CollectionValue(Object owner) {
        this.owner = owner;
    }

    /**
     * {@code v} as a {@code type}, the check every command makes before touching a value:
     * {@code null} (no key) stays {@code null}, another type is {@code WRONGTYPE}.
     */
    public static <T extends CollectionValue> T as(Object v, Class<T> type) {
        if (v == null || type.isInstance(v)) {
            return type.cast(v);
        }
        throw new io.relog.engine.command.Args.ArgException(io.relog.engine.command.Errors.WRONGTYPE);
    }

    /** Redis' type name, as TYPE reports it: {@code hash}, {@code list}, {@code set}, {@code zset}. */
    public abstract String typeName();

    /** Redis' OBJECT ENCODING name for the current representation, e.g. {@code listpack}, {@code hashtable}. */
    public abstract String encoding();

    /** Number of elements (fields, members). A stored collection is never empty: emptied ones are deleted. */
    public abstract int size();

    /**
     * Estimated bytes this value holds, for {@code used_memory} (see
     * {@link io.relog.engine.keyspace.MemoryEstimate}): its elements' bytes plus a per-element
     * overhead for the current encoding. O(1): the element bytes are maintained as it changes.
     */
    public abstract long memoryBytes();

    /**
     * The hash trie holding this value's members or fields (the {@code hashtable} form of a hash
     * or set, a sorted set's member → score map), or {@code null} in the other forms. For
     * {@link io.relog.engine.keyspace.ChampMap#warm cache warming}: read it, never change it.
     */
    public io.relog.engine.keyspace.ChampMap memberIndex() {
        return null;
    }

    /** A value with the same contents owned by {@code token}; shares structure where it can. */
    protected abstract CollectionValue copyOwnedBy(Object token);

    /**
     * An independent copy owned by {@code token}, sharing no node that a live token owns (COPY;
     * O(n) like Redis' {@code dupObject}). Sharing structure here would be wrong: both copies
     * would be owned by the same token and an in-place edit of one would change the other.
     */
    public abstract CollectionValue duplicate(Object token);

    /** This value if {@code token} owns it, else a copy owned by {@code token} (see the class comment). */
    public final CollectionValue editableFor(Object token) {
        return owner == token && token != null ? this : copyOwnedBy(token);
    }

    public final boolean isOwnedBy(Object token) {
        return owner == token && token != null;
    }
}
