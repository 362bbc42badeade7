package io.relog.engine.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random operations on {@link CountedTree} agree with a {@link java.util.ArrayList} model, used
 * positionally and as a sorted sequence; handles taken along the way with a dead token never
 * change while writes continue. Seeded; the seed is printed on failure.
 */
class CountedTreePropertyTest {

    @Test
    void positionalOperationsMatchArrayList() {
        forSeeds(this::positional);
    }

    @Test
    void sortedOperationsMatchSortedList() {
        forSeeds(this::sorted);
    }

    private static void forSeeds(java.util.function.LongConsumer run) {
        long seed = new Random().nextLong();
        for (long s : new long[] {1L, 7L, seed}) {
            try {
                run.accept(s);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + s + ": " + e.getMessage(), e);
            }
        }
    }

    private record View(CountedTree tree, List<Object> model) {
    }

    private void positional(long seed) {
        Random r = new Random(seed);
        Object token = new Object();
        CountedTree t = new CountedTree(token);
        List<Object> m = new ArrayList<>();
        List<View> views = new ArrayList<>();
        for (int step = 0; step < 60_000; step++) {
            // Grow to a few thousand, then shrink, then grow again: splits, merges and root changes.
            int phase = (step / 15_000) % 2;
            int op = r.nextInt(100);
            boolean grow = phase == 0 ? op < 60 : op < 35;
            if (grow) {
                int at = switch (r.nextInt(3)) {
                    case 0 -> 0;
                    case 1 -> m.size();
                    default -> r.nextInt(m.size() + 1);
                };
                Integer v = r.nextInt(1_000_000);
                t.add(at, v);
                m.add(at, v);
            } else if (op < 80 && !m.isEmpty()) {
                int at = r.nextInt(3) == 0 ? (r.nextBoolean() ? 0 : m.size() - 1) : r.nextInt(m.size());
                assertThat(t.remove(at)).isEqualTo(m.remove(at));
            } else if (op < 82 && !m.isEmpty()) {
                int a = r.nextInt(m.size() + 1);
                int b = a + r.nextInt(r.nextBoolean() ? 4 : m.size() - a + 1);
                b = Math.min(b, m.size());
                t.removeRange(a, b);
                m.subList(a, b).clear();
                if (r.nextInt(50) == 0) {
                    t.check();
                }
            } else if (op < 90 && !m.isEmpty()) {
                int at = r.nextInt(m.size());
                Integer v = r.nextInt(1_000_000);
                assertThat(t.set(at, v)).isEqualTo(m.set(at, v));
            } else if (!m.isEmpty()) {
                int at = r.nextInt(m.size());
                assertThat(t.get(at)).isEqualTo(m.get(at));
            }
            assertThat(t.size()).isEqualTo(m.size());
            if (r.nextInt(2000) == 0) {
                // Freeze: the view keeps the dead token's nodes; the writer continues under a new one.
                views.add(new View(t.withOwner(null), new ArrayList<>(m)));
                token = new Object();
                t = t.withOwner(token);
            }
            if (step % 5000 == 0) {
                t.check();
                assertSameWalk(t, m, r);
            }
        }
        t.check();
        assertSameWalk(t, m, r);
        for (View v : views) {
            v.tree().check();
            assertSameWalk(v.tree(), v.model(), r);
        }
        for (int n : new int[] {0, 1, 64, 65, 100, 4096, 4097, 5000}) {
            Object[] els = new Object[n];
            for (int i = 0; i < n; i++) {
                els[i] = i;
            }
            CountedTree built = CountedTree.of(els, n, new Object());
            built.check();
            assertSameWalk(built, java.util.Arrays.asList(els), r);
        }
        CountedTree dup = t.duplicate(new Object());
        dup.check();
        assertSameWalk(dup, m, r);
        assertThat(views).isNotEmpty();
    }

    private static void assertSameWalk(CountedTree t, List<Object> m, Random r) {
        List<Object> fwd = new ArrayList<>();
        for (CountedTree.Cursor c = t.cursor(0); c.hasNext(); ) {
            fwd.add(c.next());
        }
        assertThat(fwd).isEqualTo(m);
        List<Object> back = new ArrayList<>();
        for (CountedTree.Cursor c = t.cursor(t.size()); c.hasPrevious(); ) {
            back.add(c.previous());
        }
        Collections.reverse(back);
        assertThat(back).isEqualTo(m);
        if (!m.isEmpty()) {
            int from = r.nextInt(m.size());
            CountedTree.Cursor c = t.cursor(from);
            assertThat(c.next()).isEqualTo(m.get(from));
            if (from > 0) {
                assertThat(c.previous()).isEqualTo(m.get(from));
                assertThat(c.previous()).isEqualTo(m.get(from - 1));
            }
        }
    }

    private void sorted(long seed) {
        Random r = new Random(seed);
        CountedTree.Probe<Object> order = (a, b) -> Integer.compare((Integer) a, (Integer) b);
        Object token = new Object();
        CountedTree t = new CountedTree(token);
        List<Object> m = new ArrayList<>();
        List<View> views = new ArrayList<>();
        for (int step = 0; step < 40_000; step++) {
            int op = r.nextInt(100);
            Integer v = r.nextInt(5000);
            int lower = lowerBound(m, v, false);
            int upper = lowerBound(m, v, true);
            assertThat(t.rank(v, order, false)).isEqualTo(lower);
            assertThat(t.rank(v, order, true)).isEqualTo(upper);
            if (op < 55) {
                t.add(upper, v);
                m.add(upper, v);
            } else if (lower < upper) {
                assertThat(t.remove(lower)).isEqualTo(m.remove(lower));
            }
            if (r.nextInt(3000) == 0) {
                views.add(new View(t.withOwner(null), new ArrayList<>(m)));
                token = new Object();
                t = t.withOwner(token);
            }
        }
        t.check();
        assertSameWalk(t, m, r);
        for (View view : views) {
            assertSameWalk(view.tree(), view.model(), r);
        }
    }

    private static int lowerBound(List<Object> m, Integer v, boolean inclusive) {
        int lo = 0;
        int hi = m.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            int c = Integer.compare((Integer) m.get(mid), v);
            if (inclusive ? c <= 0 : c < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
