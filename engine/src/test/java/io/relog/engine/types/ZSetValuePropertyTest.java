package io.relog.engine.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random operations on {@link ZSetValue} agree with a model (a member → score map and the entries
 * sorted by score then member), across the listpack → skiplist conversion; values frozen along the
 * way (the writer moves to a new token) never change. Seeded; the seed is printed on failure.
 */
class ZSetValuePropertyTest {

    @Test
    void operationsMatchModel() {
        long seed = new Random().nextLong();
        for (long s : new long[] {3L, 11L, seed}) {
            try {
                run(s);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + s + ": " + e.getMessage(), e);
            }
        }
    }

    private record Frozen(ZSetValue value, List<String> contents) {
    }

    /** Mostly short members; after {@code step} 5000 sometimes one longer than the listpack limit. */
    private static byte[] member(Random r, int step) {
        int n = step > 5000 && r.nextInt(300) == 0 ? 70 : 1 + r.nextInt(3);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append((char) ('a' + r.nextInt(r.nextInt(40) == 0 ? 26 : 6)));
        }
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static double score(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> r.nextInt(5);
            case 1 -> r.nextInt(2) == 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            default -> (r.nextDouble() - 0.5) * 100;
        };
    }

    private void run(long seed) {
        Random r = new Random(seed);
        Object token = new Object();
        ZSetValue z = new ZSetValue(token);
        Map<String, Double> model = new HashMap<>();
        List<Frozen> frozen = new ArrayList<>();
        boolean sawListpack = false;
        for (int step = 0; step < 20_000; step++) {
            byte[] m = member(r, step);
            String key = new String(m, StandardCharsets.ISO_8859_1);
            int op = r.nextInt(10);
            if (op < 5) {
                double s = score(r);
                Double expected = model.get(key);
                assertThat(z.put(s, m)).isEqualTo(expected);
                if (expected == null || expected != s) {
                    model.put(key, s);
                }
            } else if (op < 7) {
                assertThat(z.remove(m)).isEqualTo(model.remove(key) != null);
            } else if (op < 8 && z.size() > 0 && r.nextInt(4) == 0) {
                int from = r.nextInt(z.size());
                int to = Math.min(z.size(), from + r.nextInt(r.nextBoolean() ? 3 : z.size() + 1));
                List<String> order = sorted(model);
                z.removeRange(from, to);
                for (String e : order.subList(from, to)) {
                    model.remove(e.substring(0, e.lastIndexOf('=')));
                }
            } else if (op < 8 && z.size() > 0) {
                int rank = r.nextInt(z.size());
                ZSetValue.Entry e = z.removeAt(rank);
                assertThat(sorted(model).get(rank)).isEqualTo(show(e));
                model.remove(new String(e.member(), StandardCharsets.ISO_8859_1));
            } else {
                assertThat(z.score(m)).isEqualTo(model.get(key));
                List<String> order = sorted(model);
                int rank = z.rank(m);
                assertThat(rank).isEqualTo(model.containsKey(key) ? order.indexOf(key + "=" + model.get(key)) : -1);
                double s = score(r);
                long below = model.values().stream().filter(v -> v < s).count();
                long atMost = model.values().stream().filter(v -> v <= s).count();
                assertThat(z.rankOfScore(s, false)).isEqualTo((int) below);
                assertThat(z.rankOfScore(s, true)).isEqualTo((int) atMost);
            }
            assertThat(z.size()).isEqualTo(model.size());
            sawListpack |= z.encoding().equals("listpack") && z.size() > 20;
            if (z.size() == 0 && r.nextInt(3) == 0) {
                z = new ZSetValue(token); // an emptied set is deleted; a new one starts small
            }
            if (r.nextInt(500) == 0) {
                frozen.add(new Frozen(z, sorted(model)));
                token = new Object();
                z = (ZSetValue) z.editableFor(token);
            }
        }
        assertThat(contents(z)).isEqualTo(sorted(model));
        for (Frozen f : frozen) {
            assertThat(contents(f.value())).isEqualTo(f.contents());
        }
        assertThat(sawListpack).isTrue();
        assertThat(z.encoding()).isEqualTo("skiplist");
    }

    private static String show(ZSetValue.Entry e) {
        return new String(e.member(), StandardCharsets.ISO_8859_1) + "=" + e.score();
    }

    private static List<String> contents(ZSetValue z) {
        List<String> out = new ArrayList<>();
        for (CountedTree.Cursor c = z.order().cursor(0); c.hasNext(); ) {
            out.add(show((ZSetValue.Entry) c.next()));
        }
        if (z.dict() != null) {
            assertThat(z.dict().size()).isEqualTo(z.size());
            z.dict().forEach((m, s) -> assertThat(z.score(m)).isEqualTo(s));
        }
        return out;
    }

    private static List<String> sorted(Map<String, Double> model) {
        List<Map.Entry<String, Double>> es = new ArrayList<>(model.entrySet());
        es.sort((a, b) -> ZSetValue.compare(a.getValue(), a.getKey().getBytes(StandardCharsets.ISO_8859_1),
                b.getValue(), b.getKey().getBytes(StandardCharsets.ISO_8859_1)));
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Double> e : es) {
            out.add(e.getKey() + "=" + e.getValue());
        }
        return out;
    }
}
