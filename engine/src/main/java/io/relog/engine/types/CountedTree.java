package io.relog.engine.types;

import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A persistent counted B+tree: a sequence of elements addressed by position, in O(log n) for
 * get, set, insert and remove at any index, with the owned-edit rule of
 * {@link io.relog.engine.keyspace.ChampMap}. It is the large form of lists (used positionally)
 * and the order of large sorted sets (used as a sorted sequence: {@link #rank} finds where an
 * element belongs under a comparator, then the positional operations insert or remove there).
 *
 * <h2>Shape</h2>
 * Elements live in leaves of at most {@link #MAX} elements; inner nodes hold at most {@link #MAX}
 * children and, for each child, the number of elements below it ({@code counts}), so a position
 * is found by subtracting counts on the way down, and the child's last element ({@code maxes}),
 * so that in a sorted tree {@link #rank} binary-searches each node without leaving it. Every node except the root holds at least
 * {@link #MIN} entries; a node that falls below is merged with or refilled from a neighbour.
 *
 * <h2>Ownership</h2>
 * Every node records the edit token it was created under. A write through a tree whose token is
 * {@code owner} changes a node in place when the node carries the same token; otherwise it copies
 * the node (and with it, the path from the root) and the copy carries {@code owner}. So a tree
 * handle made with another token ({@link #withOwner}) never changes a node that this handle can
 * still see, and a frozen keyspace view, whose values' tokens are dead, never observes a later
 * write at any depth. A tree whose owner is {@code null} is read-only.
 *
 * <p>Not thread-safe: written on the engine thread; frozen handles may be read from any thread.
 */
public final class CountedTree {

    /** Largest number of entries in a node. */
    static final int MAX = 64;
    /** Smallest number of entries in a node other than the root. */
    static final int MIN = MAX / 2;

    private static final class Node {
        final Object owner;
        int n;
        /** Leaf: the elements. Inner: the children ({@link Node}). */
        final Object[] items;
        /** Inner only: element count below each child; {@code null} for a leaf. */
        final int[] counts;
        /** Inner only: the last element below each child; {@code null} for a leaf. */
        final Object[] maxes;

        Node(Object owner, boolean leaf) {
            this.owner = owner;
            this.items = new Object[MAX];
            this.counts = leaf ? null : new int[MAX];
            this.maxes = leaf ? null : new Object[MAX];
        }

        Node(Object owner, Node from) {
            this.owner = owner;
            this.n = from.n;
            this.items = from.items.clone();
            this.counts = from.counts == null ? null : from.counts.clone();
            this.maxes = from.maxes == null ? null : from.maxes.clone();
        }

        /** Heap bytes of this node and its arrays (see {@link io.relog.engine.keyspace.EditToken}). */
        long bytes() {
            long b = 24 + io.relog.engine.keyspace.EditToken.referenceArrayBytes(items.length);
            if (counts != null) {
                b += io.relog.engine.keyspace.EditToken.primitiveArrayBytes(counts.length, 4)
                        + io.relog.engine.keyspace.EditToken.referenceArrayBytes(maxes.length);
            }
            return b;
        }

        /** The last element below this node, which must not be empty. */
        Object last() {
            return counts == null ? items[n - 1] : maxes[n - 1];
        }

        boolean leaf() {
            return counts == null;
        }

        int total() {
            if (counts == null) {
                return n;
            }
            int t = 0;
            for (int i = 0; i < n; i++) {
                t += counts[i];
            }
            return t;
        }
    }

    private Node root;
    private int size;
    private final Object owner;

    /** An empty tree whose edits are owned by {@code token} (a database's edit token). */
    public CountedTree(Object token) {
        this(new Node(Objects.requireNonNull(token), true), 0, token);
    }

    private CountedTree(Node root, int size, Object owner) {
        this.root = root;
        this.size = size;
        this.owner = owner;
    }

    private CountedTree(Node root, int size, long elementBytes, Object owner) {
        this(root, size, owner);
        this.elementBytes = elementBytes;
    }

    /**
     * Data bytes of the elements, maintained by every mutator in O(1) per element changed: a
     * {@code byte[]} element counts its length, a sorted-set {@link ZSetValue.Entry} its
     * member's length plus 8 for the score, anything else 0. For memory accounting.
     */
    private long elementBytes;

    /** The data bytes of all elements (see the field); O(1). */
    public long elementBytes() {
        return elementBytes;
    }

    static int bytesOf(Object element) {
        if (element instanceof byte[] b) {
            return b.length;
        }
        if (element instanceof ZSetValue.Entry e) {
            return e.member().length + 8;
        }
        return 0;
    }

    /**
     * A handle on the same contents whose edits are owned by {@code token}: nodes owned by
     * another token are copied on first write. {@code null} gives a read-only handle.
     */
    public CountedTree withOwner(Object token) {
        return new CountedTree(root, size, elementBytes, token);
    }

    /** A tree with the same elements sharing no node with this one, owned by {@code token}. O(n). */
    public CountedTree duplicate(Object token) {
        Object[] all = new Object[size];
        Cursor c = cursor(0);
        for (int i = 0; i < size; i++) {
            all[i] = c.next();
        }
        return of(all, size, token);
    }

    /**
     * A tree holding {@code elements[0..n)} in that order, owned by {@code token}, built bottom-up
     * in O(n) (RDB loading, STORE commands, range removals).
     */
    public static CountedTree of(Object[] elements, int n, Object token) {
        CountedTree t = build(elements, n, token);
        long b = 0;
        for (int i = 0; i < n; i++) {
            b += bytesOf(elements[i]);
        }
        t.elementBytes = b;
        return t;
    }

    private static CountedTree build(Object[] elements, int n, Object token) {
        Objects.requireNonNull(token);
        if (n <= MAX) {
            Node leaf = new Node(token, true);
            System.arraycopy(elements, 0, leaf.items, 0, n);
            leaf.n = n;
            return new CountedTree(leaf, n, token);
        }
        // Leaves first, then each level of inner nodes, every node between MIN and MAX entries:
        // with ceil(count / MAX) nodes per level, an even share is at least MAX / 2.
        Object[] level = new Object[(n + MAX - 1) / MAX];
        int[] counts = new int[level.length];
        int nodes = spread(n, (from, len, i) -> {
            Node leaf = new Node(token, true);
            System.arraycopy(elements, from, leaf.items, 0, len);
            leaf.n = len;
            level[i] = leaf;
            counts[i] = len;
        });
        while (nodes > 1) {
            Object[] below = java.util.Arrays.copyOf(level, nodes);
            int[] belowCounts = java.util.Arrays.copyOf(counts, nodes);
            nodes = spread(nodes, (from, len, i) -> {
                Node inner = new Node(token, false);
                System.arraycopy(below, from, inner.items, 0, len);
                System.arraycopy(belowCounts, from, inner.counts, 0, len);
                for (int j = 0; j < len; j++) {
                    inner.maxes[j] = ((Node) inner.items[j]).last();
                }
                inner.n = len;
                level[i] = inner;
                counts[i] = inner.total();
            });
        }
        return new CountedTree((Node) level[0], n, token);
    }

    private interface Chunk {
        void take(int from, int len, int index);
    }

    /** Splits {@code n} items into ceil(n / MAX) even chunks; returns the number of chunks. */
    private static int spread(int n, Chunk chunk) {
        int parts = (n + MAX - 1) / MAX;
        int base = n / parts;
        int extra = n % parts;
        int from = 0;
        for (int i = 0; i < parts; i++) {
            int len = base + (i < extra ? 1 : 0);
            chunk.take(from, len, i);
            from += len;
        }
        return parts;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    private void checkMutable() {
        if (owner == null) {
            throw new UnsupportedOperationException("read-only CountedTree");
        }
    }

    private Node editable(Node node) {
        if (node.owner == owner) {
            return node;
        }
        // The shared original stays alive for whoever shares it (a frozen view): see EditToken.
        io.relog.engine.keyspace.EditToken.charge(owner, node.bytes());
        return new Node(owner, node);
    }

    // ------------------------------------------------------------------ positional access

    /** The element at {@code index} (0-based, {@code 0 <= index < size()}). */
    public Object get(int index) {
        Objects.checkIndex(index, size);
        Node node = root;
        while (!node.leaf()) {
            int i = 0;
            while (index >= node.counts[i]) {
                index -= node.counts[i++];
            }
            node = (Node) node.items[i];
        }
        return node.items[index];
    }

    /** Replaces the element at {@code index}; returns the previous one. */
    public Object set(int index, Object element) {
        checkMutable();
        Objects.checkIndex(index, size);
        root = editable(root);
        Object prev = set(root, index, element);
        elementBytes += bytesOf(element) - bytesOf(prev);
        return prev;
    }

    private Object set(Node node, int index, Object element) {
        if (node.leaf()) {
            Object prev = node.items[index];
            node.items[index] = element;
            return prev;
        }
        int i = 0;
        while (index >= node.counts[i]) {
            index -= node.counts[i++];
        }
        Node child = editable((Node) node.items[i]);
        node.items[i] = child;
        Object prev = set(child, index, element);
        node.maxes[i] = child.last();
        return prev;
    }

    /** The first element; the tree must not be empty. */
    public Object first() {
        return get(0);
    }

    /** The last element; the tree must not be empty. */
    public Object last() {
        if (size == 0) {
            throw new NoSuchElementException();
        }
        return root.last();
    }

    /** Inserts {@code element} so that it is at {@code index} ({@code 0 <= index <= size()}). */
    public void add(int index, Object element) {
        checkMutable();
        if (index < 0 || index > size) {
            throw new IndexOutOfBoundsException(index);
        }
        Node r = editable(root);
        Node right = insert(r, index, element);
        if (right != null) {
            Node top = new Node(owner, false);
            top.items[0] = r;
            top.counts[0] = r.total();
            top.maxes[0] = r.last();
            top.items[1] = right;
            top.counts[1] = right.total();
            top.maxes[1] = right.last();
            top.n = 2;
            r = top;
        }
        root = r;
        size++;
        elementBytes += bytesOf(element);
    }

    /** Appends at the end. */
    public void addLast(Object element) {
        add(size, element);
    }

    /** Inserts at the front. */
    public void addFirst(Object element) {
        add(0, element);
    }

    /** Inserts into editable {@code node}; returns the new right sibling if it split, else null. */
    private Node insert(Node node, int index, Object element) {
        if (node.leaf()) {
            if (node.n < MAX) {
                System.arraycopy(node.items, index, node.items, index + 1, node.n - index);
                node.items[index] = element;
                node.n++;
                return null;
            }
            Node right = new Node(owner, true);
            int half = MAX / 2;
            System.arraycopy(node.items, half, right.items, 0, MAX - half);
            java.util.Arrays.fill(node.items, half, MAX, null);
            right.n = MAX - half;
            node.n = half;
            if (index <= half) {
                insert(node, index, element);
            } else {
                insert(right, index - half, element);
            }
            return right;
        }
        int i = 0;
        while (i < node.n - 1 && index > node.counts[i]) {
            index -= node.counts[i++];
        }
        Node child = editable((Node) node.items[i]);
        node.items[i] = child;
        Node split = insert(child, index, element);
        node.maxes[i] = child.last();
        if (split == null) {
            node.counts[i]++;
            return null;
        }
        node.counts[i] = child.total();
        return insertChild(node, i + 1, split, split.total());
    }

    /** Puts {@code child} at position {@code at} of editable inner {@code node}, splitting if full. */
    private Node insertChild(Node node, int at, Node child, int count) {
        if (node.n < MAX) {
            System.arraycopy(node.items, at, node.items, at + 1, node.n - at);
            System.arraycopy(node.counts, at, node.counts, at + 1, node.n - at);
            System.arraycopy(node.maxes, at, node.maxes, at + 1, node.n - at);
            node.items[at] = child;
            node.counts[at] = count;
            node.maxes[at] = child.last();
            node.n++;
            return null;
        }
        Node right = new Node(owner, false);
        int half = MAX / 2;
        System.arraycopy(node.items, half, right.items, 0, MAX - half);
        System.arraycopy(node.counts, half, right.counts, 0, MAX - half);
        System.arraycopy(node.maxes, half, right.maxes, 0, MAX - half);
        java.util.Arrays.fill(node.items, half, MAX, null);
        java.util.Arrays.fill(node.maxes, half, MAX, null);
        right.n = MAX - half;
        node.n = half;
        if (at <= half) {
            insertChild(node, at, child, count);
        } else {
            insertChild(right, at - half, child, count);
        }
        return right;
    }

    /** Removes and returns the element at {@code index}. */
    public Object remove(int index) {
        checkMutable();
        Objects.checkIndex(index, size);
        Node r = editable(root);
        Object removed = delete(r, index);
        while (!r.leaf() && r.n == 1) {
            r = (Node) r.items[0];
        }
        root = r;
        size--;
        elementBytes -= bytesOf(removed);
        return removed;
    }

    /** Removes the first element and returns it. */
    public Object removeFirst() {
        return remove(0);
    }

    /** Removes the last element and returns it. */
    public Object removeLast() {
        return remove(size - 1);
    }

    private Object delete(Node node, int index) {
        if (node.leaf()) {
            Object removed = node.items[index];
            System.arraycopy(node.items, index + 1, node.items, index, node.n - index - 1);
            node.items[--node.n] = null;
            return removed;
        }
        int i = 0;
        while (index >= node.counts[i]) {
            index -= node.counts[i++];
        }
        Node child = editable((Node) node.items[i]);
        node.items[i] = child;
        Object removed = delete(child, index);
        node.counts[i]--;
        node.maxes[i] = child.last(); // a non-root child keeps at least MIN - 1 entries
        if (child.n < MIN && node.n > 1) {
            rebalance(node, i);
        }
        return removed;
    }

    /** Child {@code i} of editable {@code node} is under-full: merge it with a neighbour or share evenly. */
    private void rebalance(Node node, int i) {
        int l = i > 0 ? i - 1 : i;
        Node left = editable((Node) node.items[l]);
        Node right = editable((Node) node.items[l + 1]);
        node.items[l] = left;
        node.items[l + 1] = right;
        int total = left.n + right.n;
        if (total <= MAX) {
            System.arraycopy(right.items, 0, left.items, left.n, right.n);
            if (!left.leaf()) {
                System.arraycopy(right.counts, 0, left.counts, left.n, right.n);
                System.arraycopy(right.maxes, 0, left.maxes, left.n, right.n);
            }
            left.n = total;
            node.counts[l] += node.counts[l + 1];
            node.maxes[l] = left.last();
            System.arraycopy(node.items, l + 2, node.items, l + 1, node.n - l - 2);
            System.arraycopy(node.counts, l + 2, node.counts, l + 1, node.n - l - 2);
            System.arraycopy(node.maxes, l + 2, node.maxes, l + 1, node.n - l - 2);
            node.maxes[node.n - 1] = null;
            node.items[--node.n] = null;
            return;
        }
        int wantLeft = total / 2;
        if (left.n < wantLeft) {
            int move = wantLeft - left.n;
            System.arraycopy(right.items, 0, left.items, left.n, move);
            System.arraycopy(right.items, move, right.items, 0, right.n - move);
            java.util.Arrays.fill(right.items, right.n - move, right.n, null);
            if (!left.leaf()) {
                System.arraycopy(right.counts, 0, left.counts, left.n, move);
                System.arraycopy(right.counts, move, right.counts, 0, right.n - move);
                System.arraycopy(right.maxes, 0, left.maxes, left.n, move);
                System.arraycopy(right.maxes, move, right.maxes, 0, right.n - move);
                java.util.Arrays.fill(right.maxes, right.n - move, right.n, null);
            }
            left.n += move;
            right.n -= move;
        } else {
            int move = left.n - wantLeft;
            System.arraycopy(right.items, 0, right.items, move, right.n);
            System.arraycopy(left.items, wantLeft, right.items, 0, move);
            java.util.Arrays.fill(left.items, wantLeft, left.n, null);
            if (!left.leaf()) {
                System.arraycopy(right.counts, 0, right.counts, move, right.n);
                System.arraycopy(left.counts, wantLeft, right.counts, 0, move);
                System.arraycopy(right.maxes, 0, right.maxes, move, right.n);
                System.arraycopy(left.maxes, wantLeft, right.maxes, 0, move);
                java.util.Arrays.fill(left.maxes, wantLeft, left.n, null);
            }
            left.n -= move;
            right.n += move;
        }
        node.counts[l] = left.total();
        node.counts[l + 1] = right.total();
        node.maxes[l] = left.last();
        node.maxes[l + 1] = right.last();
    }

    /**
     * Removes the elements at positions {@code [from, to)}. Removes one by one (O(k log n)) when
     * few are removed, else rebuilds from the kept elements (O(n - k)).
     */
    public void removeRange(int from, int to) {
        checkMutable();
        Objects.checkFromToIndex(from, to, size);
        int k = to - from;
        int kept = size - k;
        if ((long) k * 16 <= kept) {
            for (int i = 0; i < k; i++) {
                remove(from);
            }
            return;
        }
        Object[] keep = new Object[kept];
        Cursor c = cursor(0);
        for (int i = 0; i < from; i++) {
            keep[i] = c.next();
        }
        c = cursor(to);
        for (int i = from; i < kept; i++) {
            keep[i] = c.next();
        }
        CountedTree t = of(keep, kept, owner);
        root = t.root;
        size = kept;
        elementBytes = t.elementBytes;
    }

    /** Removes every element. */
    public void clear() {
        checkMutable();
        root = new Node(owner, true);
        size = 0;
        elementBytes = 0;
    }

    // ------------------------------------------------------------------ order

    /**
     * In a tree sorted by {@code order}: the number of elements that sort before {@code probe}
     * ({@code inclusive} false) or before or equal to it ({@code inclusive} true). This is the
     * index at which {@code probe} is or would be inserted; {@code order} is called with a tree
     * element first and {@code probe} second.
     */
    public <P> int rank(P probe, Probe<P> order, boolean inclusive) {
        Node node = root;
        int rank = 0;
        while (!node.leaf()) {
            // First child whose last element does not sort before the probe.
            int lo = 0;
            int hi = node.n - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (before(order.compare(node.maxes[mid], probe), inclusive)) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            for (int i = 0; i < lo; i++) {
                rank += node.counts[i];
            }
            node = (Node) node.items[lo];
        }
        int lo = 0;
        int hi = node.n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (before(order.compare(node.items[mid], probe), inclusive)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return rank + lo;
    }

    private static boolean before(int c, boolean inclusive) {
        return inclusive ? c <= 0 : c < 0;
    }

    /** Compares a tree element with a probe of type {@code P} (negative: the element sorts first). */
    @FunctionalInterface
    public interface Probe<P> {
        int compare(Object element, P probe);
    }

    // ------------------------------------------------------------------ iteration

    /** A cursor positioned before the element at {@code index} ({@code 0 <= index <= size()}). */
    public Cursor cursor(int index) {
        return new Cursor(this, index);
    }

    /**
     * Walks the elements in either direction from a position, in O(1) amortised per step. It reads
     * the tree as it was when created; the tree must not be written through this handle meanwhile
     * (a frozen handle or {@link #withOwner withOwner(null)} may be walked while writes continue).
     */
    public static final class Cursor {
        private final Node[] path;
        private final int[] pos;
        private final int depth;
        private int index;
        private final int size;

        private Cursor(CountedTree tree, int index) {
            if (index < 0 || index > tree.size) {
                throw new IndexOutOfBoundsException(index);
            }
            int d = 1;
            for (Node n = tree.root; !n.leaf(); n = (Node) n.items[0]) {
                d++;
            }
            depth = d;
            path = new Node[d];
            pos = new int[d];
            size = tree.size;
            this.index = index;
            seek(tree.root, index);
        }

        private void seek(Node node, int idx) {
            int level = 0;
            while (!node.leaf()) {
                int i = 0;
                while (i < node.n - 1 && idx >= node.counts[i]) {
                    idx -= node.counts[i++];
                }
                path[level] = node;
                pos[level] = i;
                node = (Node) node.items[i];
                level++;
            }
            path[level] = node;
            pos[level] = idx;
        }

        /** Position of the element {@link #next()} would return. */
        public int index() {
            return index;
        }

        public boolean hasNext() {
            return index < size;
        }

        public boolean hasPrevious() {
            return index > 0;
        }

        /** The element at {@link #index()}; then moves forward. */
        public Object next() {
            if (index >= size) {
                throw new NoSuchElementException();
            }
            int leaf = depth - 1;
            if (pos[leaf] >= path[leaf].n) {
                advance();
            }
            index++;
            return path[leaf].items[pos[leaf]++];
        }

        /** Moves back and returns the element at the new {@link #index()}. */
        public Object previous() {
            if (index <= 0) {
                throw new NoSuchElementException();
            }
            int leaf = depth - 1;
            if (pos[leaf] == 0) {
                retreat();
            }
            index--;
            return path[leaf].items[--pos[leaf]];
        }

        /** Moves the leaf position to the start of the next leaf. */
        private void advance() {
            int level = depth - 2;
            while (pos[level] >= path[level].n - 1) {
                level--;
            }
            pos[level]++;
            for (int l = level; l < depth - 1; l++) {
                Node child = (Node) path[l].items[pos[l]];
                path[l + 1] = child;
                pos[l + 1] = 0;
            }
        }

        /** Moves the leaf position to the end of the previous leaf. */
        private void retreat() {
            int level = depth - 2;
            while (pos[level] == 0) {
                level--;
            }
            pos[level]--;
            for (int l = level; l < depth - 1; l++) {
                Node child = (Node) path[l].items[pos[l]];
                path[l + 1] = child;
                pos[l + 1] = child.leaf() ? child.n : child.n - 1;
            }
        }
    }

    /** Checks the structural invariants (tests). */
    void check() {
        int total = check(root, true);
        if (total != size) {
            throw new IllegalStateException("size " + size + " but " + total + " elements");
        }
    }

    private int check(Node node, boolean isRoot) {
        if (!isRoot && node.n < MIN) {
            throw new IllegalStateException("under-full node: " + node.n);
        }
        if (node.leaf()) {
            return node.n;
        }
        int t = 0;
        for (int i = 0; i < node.n; i++) {
            int c = check((Node) node.items[i], false);
            if (c != node.counts[i]) {
                throw new IllegalStateException("count " + node.counts[i] + " but " + c);
            }
            if (node.maxes[i] != ((Node) node.items[i]).last()) {
                throw new IllegalStateException("stale last element of child " + i);
            }
            t += c;
        }
        return t;
    }
}
