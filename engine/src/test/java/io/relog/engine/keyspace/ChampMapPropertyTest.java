package io.relog.engine.keyspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Random operations against a {@link HashMap} model: the live map must always agree with the
 * model, and every frozen view must keep agreeing with the model as it was at the freeze while
 * writes continue. Seeds are printed on failure through the assertion description.
 */
class ChampMapPropertyTest {

    private static String key(ByteBuffer b) {
        return StandardCharsets.ISO_8859_1.decode(b.duplicate()).toString();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Map<String, Object> contents(ChampMap m) {
        Map<String, Object> out = new HashMap<>();
        m.forEach((k, v) -> assertThat(out.put(new String(k, StandardCharsets.ISO_8859_1), v)).isNull());
        return out;
    }

    @Test
    void frozenViewsNeverChangeAndLiveMapAgreesWithModel() {
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        String why = "seed " + seed;
        ChampMap live = new ChampMap();
        Map<String, Object> model = new HashMap<>();
        List<ChampMap> views = new ArrayList<>();
        List<Map<String, Object>> viewModels = new ArrayList<>();
        int keySpace = 20_000;
        for (int op = 0; op < 100_000; op++) {
            String k = "k" + rnd.nextInt(keySpace);
            int choice = rnd.nextInt(100);
            if (choice < 60) {
                Object v = "v" + op;
                byte[] kb = bytes(k);
                int how = rnd.nextInt(4);
                if (how > 0) { // a write command's lookup first: put() may then replace in place
                    assertThat(live.touch(kb, op)).as(why).isEqualTo(model.get(k));
                }
                if (how == 2) { // another change between the lookup and the store
                    String other = "k" + rnd.nextInt(keySpace);
                    if (rnd.nextBoolean()) {
                        assertThat(live.put(bytes(other), "o" + op)).as(why).isEqualTo(model.put(other, "o" + op));
                    } else {
                        assertThat(live.remove(bytes(other))).as(why).isEqualTo(model.remove(other));
                    }
                } else if (how == 3 && rnd.nextInt(200) == 0) { // a freeze between them
                    views.add(live.freeze());
                    viewModels.add(new HashMap<>(model));
                }
                assertThat(live.put(kb, v)).as(why).isEqualTo(model.put(k, v));
            } else if (choice < 95) {
                assertThat(live.remove(bytes(k))).as(why).isEqualTo(model.remove(k));
            } else {
                assertThat(live.get(bytes(k))).as(why).isEqualTo(model.get(k));
            }
            assertThat(live.size()).as(why).isEqualTo(model.size());
            if (op % 10_000 == 5_000) {
                views.add(live.freeze());
                viewModels.add(new HashMap<>(model));
            }
        }
        assertThat(contents(live)).as(why).isEqualTo(model);
        for (int i = 0; i < views.size(); i++) {
            ChampMap view = views.get(i);
            assertThat(view.isFrozen()).isTrue();
            assertThat(view.size()).as(why).isEqualTo(viewModels.get(i).size());
            assertThat(contents(view)).as(why + " view " + i).isEqualTo(viewModels.get(i));
            for (Map.Entry<String, Object> e : viewModels.get(i).entrySet()) {
                assertThat(view.get(bytes(e.getKey()))).as(why).isEqualTo(e.getValue());
            }
        }
        assertThatThrownBy(() -> views.get(0).put(bytes("x"), "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void mutableCopiesAreIndependent() {
        ChampMap a = new ChampMap();
        for (int i = 0; i < 5000; i++) {
            a.put(bytes("k" + i), i);
        }
        ChampMap b = a.mutableCopy();
        for (int i = 0; i < 5000; i += 2) {
            b.remove(bytes("k" + i));
            a.put(bytes("k" + i), -i);
        }
        assertThat(a.size()).isEqualTo(5000);
        assertThat(b.size()).isEqualTo(2500);
        assertThat(a.get(bytes("k2"))).isEqualTo(-2);
        assertThat(b.get(bytes("k2"))).isNull();
        assertThat(b.get(bytes("k3"))).isEqualTo(3);
    }

    /** Keys whose hashes collide completely still work (collision nodes). */
    @Test
    void fullHashCollisionsAreHandled() {
        // Birthday search: among 400,000 random 8-byte keys, about 18 pairs share a 32-bit hash.
        // (Murmur3 is a bijection on 4-byte keys, so short keys never collide.)
        List<byte[]> colliding = collidingPair(7);
        assertThat(colliding).as("two keys with one 32-bit hash among 400,000").isNotNull();
        // A third key with the same 5-bit root position, so the pair lives in a sub-trie.
        colliding.add(colliding.get(0).clone());
        colliding.get(2)[0] ^= 1;
        ChampMap m = new ChampMap();
        for (int i = 0; i < 3; i++) {
            m.put(colliding.get(i), i);
        }
        ChampMap frozen = m.freeze();
        assertThat(m.size()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            assertThat(m.get(colliding.get(i))).isEqualTo(i);
        }
        assertThat(m.remove(colliding.get(1))).isEqualTo(1);
        assertThat(m.get(colliding.get(1))).isNull();
        assertThat(m.get(colliding.get(0))).isEqualTo(0);
        assertThat(m.get(colliding.get(2))).isEqualTo(2);
        assertThat(m.remove(colliding.get(0))).isEqualTo(0);
        assertThat(m.get(colliding.get(2))).isEqualTo(2);
        assertThat(m.size()).isEqualTo(1);
        assertThat(frozen.get(colliding.get(1))).isEqualTo(1);
        assertThat(frozen.size()).isEqualTo(3);
        // SCAN with COUNT 1 returns the two colliding keys in one step (one cursor cannot split them).
        List<Set<Object>> steps = new ArrayList<>();
        long cursor = 0;
        do {
            Set<Object> step = new HashSet<>();
            cursor = frozen.scan(cursor, 1, (k, v) -> step.add(v));
            steps.add(step);
        } while (cursor != 0);
        assertThat(steps).contains(Set.of(0, 1));
        assertThat(steps.stream().mapToInt(Set::size).sum()).isEqualTo(3);
    }

    /**
     * {@link ChampMap#warm} finds exactly what {@link ChampMap#get} finds, for keys spread over
     * several maps (live and frozen, present and absent, colliding ones included), and changes
     * nothing: sizes, contents and metadata stay as they were.
     */
    @Test
    void warmFindsWhatGetFindsAndChangesNothing() {
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        String why = "seed " + seed;
        ChampMap a = new ChampMap();
        ChampMap b = new ChampMap();
        for (int i = 0; i < 50_000; i++) {
            a.put(bytes("a" + rnd.nextInt(100_000)), "va" + i, i);
            b.put(bytes("b" + rnd.nextInt(1_000)), "vb" + i);
        }
        List<byte[]> colliding = collidingPair(11);
        assertThat(colliding).as("two keys with one 32-bit hash among 400,000").isNotNull();
        a.put(colliding.get(0), "c0");
        a.put(colliding.get(1), "c1");
        ChampMap frozen = a.freeze();
        a.remove(colliding.get(1));
        Map<String, Object> before = contents(a);
        Map<String, Object> frozenBefore = contents(frozen);
        int[] metaBefore = new int[1_000];
        for (int i = 0; i < metaBefore.length; i++) {
            metaBefore[i] = a.meta(bytes("a" + i));
        }
        // Keys whose full 32-bit hash another key of the same map shares live in collision nodes,
        // which warm leaves to the command: beside the planted pair, a map of 40,000 keys holds
        // such a pair by chance in about one run in five (the hash seed is per process).
        Set<Integer> sharedHashes = new HashSet<>();
        for (ChampMap m : new ChampMap[] {a, b, frozen}) {
            Set<Integer> seen = new HashSet<>();
            m.forEach((k, v) -> {
                if (!seen.add(ChampMap.hash(k))) {
                    sharedHashes.add(ChampMap.hash(k));
                }
            });
        }
        ChampMap[] choices = {a, b, frozen, new ChampMap(), null};
        int n = 64;
        ChampMap[] maps = new ChampMap[n];
        byte[][] keys = new byte[n][];
        int[] hashes = new int[n];
        Object[] nodes = new Object[n];
        Object[] values = new Object[n];
        for (int round = 0; round < 2_000; round++) {
            int count = 1 + rnd.nextInt(n);
            for (int i = 0; i < count; i++) {
                maps[i] = choices[rnd.nextInt(choices.length)];
                int pick = rnd.nextInt(10);
                keys[i] = pick == 0 ? colliding.get(rnd.nextInt(2))
                        : bytes((pick < 6 ? "a" : "b") + rnd.nextInt(pick < 6 ? 100_000 : 1_000));
                hashes[i] = ChampMap.hash(keys[i]);
                values[i] = "stale";
            }
            ChampMap.warm(maps, keys, hashes, nodes, values, count);
            for (int i = 0; i < count; i++) {
                Object expected = maps[i] == null ? null : maps[i].get(keys[i]);
                // Full collisions are left to the command itself: warm reports them as absent.
                if (sharedHashes.contains(hashes[i])) {
                    assertThat(values[i]).as(why).isIn(expected, null);
                } else {
                    assertThat(values[i]).as(why + ", key " + new String(keys[i], StandardCharsets.ISO_8859_1))
                            .isEqualTo(expected);
                }
                assertThat(nodes[i]).as(why).isNull();
            }
        }
        assertThat(contents(a)).as(why).isEqualTo(before);
        assertThat(contents(frozen)).as(why).isEqualTo(frozenBefore);
        for (int i = 0; i < metaBefore.length; i++) {
            assertThat(a.meta(bytes("a" + i))).as(why).isEqualTo(metaBefore[i]);
        }
    }

    /** put with a keep mask keeps those bits of an existing entry's word, after a touch or not, and not for new keys. */
    @Test
    void putKeepsMaskedMetadataOfExistingEntries() {
        ChampMap m = new ChampMap();
        for (int i = 0; i < 5_000; i++) {
            m.put(bytes("k" + i), i, 0x0100_0000 | i);
        }
        for (int i = 0; i < 5_000; i++) {
            byte[] k = bytes("k" + i);
            if (i % 2 == 0) {
                m.touch(k, 0x0100_0000 | i); // the in-place path
            }
            m.put(k, -i, 0x0200_0000 | 7, 0x00ff_ffff);
            assertThat(m.meta(k)).as("key %d", i).isEqualTo(0x0200_0000 | i);
            assertThat(m.get(k)).isEqualTo(-i);
        }
        m.put(bytes("new"), 1, 0x0300_0009, 0x00ff_ffff);
        assertThat(m.meta(bytes("new"))).isEqualTo(0x0300_0009);
    }

    /** A full SCAN returns every key present throughout exactly once, whatever changes between steps. */
    @Test
    void scanReturnsEveryStableKeyOnceUnderConcurrentChange() {
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        ChampMap m = new ChampMap();
        Set<String> stable = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            m.put(bytes("stable" + i), i);
            stable.add("stable" + i);
        }
        List<String> seen = new ArrayList<>();
        long cursor = 0;
        int churn = 0;
        do {
            cursor = m.scan(cursor, 1 + rnd.nextInt(50), (k, v) -> seen.add(new String(k, StandardCharsets.ISO_8859_1)));
            for (int i = 0; i < 20; i++) {
                String k = "churn" + rnd.nextInt(5000);
                if (rnd.nextBoolean()) {
                    m.put(bytes(k), churn++);
                } else {
                    m.remove(bytes(k));
                }
            }
        } while (cursor != 0);
        List<String> stableSeen = seen.stream().filter(s -> s.startsWith("stable")).toList();
        assertThat(stableSeen).as("seed " + seed).hasSize(stable.size());
        assertThat(new HashSet<>(stableSeen)).as("seed " + seed).isEqualTo(stable);
        assertThat(new HashSet<>(seen)).as("no key twice, seed " + seed).hasSize(seen.size());
    }

    @Test
    void randomKeyAndMetadata() {
        ChampMap m = new ChampMap();
        assertThat(m.randomKey(new java.util.SplittableRandom(1))).isNull();
        for (int i = 0; i < 100; i++) {
            m.put(bytes("k" + i), i, i * 7);
        }
        java.util.SplittableRandom r = new java.util.SplittableRandom(42);
        Set<String> picked = new HashSet<>();
        // A key's chance is the gap before it in scan order, which the per-process hash seed
        // decides: with 20,000 draws about half a key in 100 is expected to be missed.
        for (int i = 0; i < 20_000; i++) {
            byte[] k = m.randomKey(r);
            assertThat(m.get(k)).isNotNull();
            picked.add(new String(k, StandardCharsets.ISO_8859_1));
        }
        assertThat(picked).hasSizeGreaterThan(80);
        assertThat(m.meta(bytes("k3"))).isEqualTo(21);
        ChampMap frozen = m.freeze();
        assertThat(m.touch(bytes("k3"), 99)).isEqualTo(3);
        assertThat(m.meta(bytes("k3"))).isEqualTo(99);
        assertThat(frozen.get(bytes("k3"))).isEqualTo(3);
        assertThat(m.touch(bytes("nope"), 1)).isNull();
        assertThat(key(ByteBuffer.wrap(bytes("ab")))).isEqualTo("ab");
    }

    /**
     * drain() visits every entry of a frozen view exactly once, whatever the live map does
     * meanwhile, empties the view, and lets go of what it visited: an old value replaced in the
     * live map after the drain passed it becomes garbage while the drain is still running.
     */
    @Test
    void drainVisitsEveryEntryOnceAndLetsGoOfWhatItVisited() throws Exception {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        ChampMap m = new ChampMap();
        Map<String, Object> model = new HashMap<>();
        for (int i = 0; i < 50_000; i++) {
            byte[] k = ("key:" + rnd.nextInt(80_000)).getBytes(StandardCharsets.UTF_8);
            Object v = ("v" + i).getBytes(StandardCharsets.UTF_8);
            m.put(k, v);
            model.put(new String(k, StandardCharsets.UTF_8), v);
        }
        ChampMap view = m.freeze();
        assertThatThrownBy(() -> m.drain((k, v) -> { })).isInstanceOf(UnsupportedOperationException.class);

        Map<String, Object> seen = new HashMap<>();
        List<java.lang.ref.WeakReference<Object>> replacedAfterVisit = new ArrayList<>();
        int[] visits = {0};
        view.drain((k, v) -> {
            visits[0]++;
            String key = new String(k, StandardCharsets.UTF_8);
            assertThat(seen.put(key, v)).as("seed %d: %s visited twice", seed, key).isNull();
            // The live map goes on: overwrite what was just visited, delete and add others.
            if (visits[0] % 3 == 0) {
                replacedAfterVisit.add(new java.lang.ref.WeakReference<>(v));
                m.put(k, ("new" + visits[0]).getBytes(StandardCharsets.UTF_8));
            }
            m.remove(("key:" + rnd.nextInt(80_000)).getBytes(StandardCharsets.UTF_8));
            m.put(("added:" + visits[0]).getBytes(StandardCharsets.UTF_8), "x".getBytes(StandardCharsets.UTF_8));
        });
        assertThat(seen).as("seed %d", seed).isEqualTo(model);
        assertThat(view.size()).isZero();
        assertThat(view.get("key:1".getBytes(StandardCharsets.UTF_8))).isNull();
        // The replaced old values are referenced by nothing now: neither the view nor the live map.
        model.clear();
        seen.clear();
        for (int attempt = 0; attempt < 50 && replacedAfterVisit.stream().anyMatch(r -> r.get() != null); attempt++) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(replacedAfterVisit.stream().filter(r -> r.get() != null).count()).isZero();
    }

    @Test
    void drainVisitsCollisionNodes() {
        List<byte[]> colliding = collidingPair(11);
        assertThat(colliding).isNotNull();
        ChampMap m = new ChampMap();
        for (int i = 0; i < colliding.size(); i++) {
            m.put(colliding.get(i), i);
        }
        for (int i = 0; i < 1000; i++) {
            m.put(("k" + i).getBytes(StandardCharsets.UTF_8), i);
        }
        ChampMap view = m.freeze();
        Set<Object> values = new HashSet<>();
        int[] n = {0};
        view.drain((k, v) -> {
            n[0]++;
            values.add(java.util.Arrays.toString(k));
        });
        assertThat(n[0]).isEqualTo(1002);
        assertThat(values).hasSize(1002);
        assertThat(m.size()).isEqualTo(1002);
    }

    /** Two distinct 8-byte keys with one 32-bit hash (birthday search), or {@code null}. */
    static List<byte[]> collidingPair(long seed) {
        Random rnd = new Random(seed);
        Map<Integer, byte[]> byHash = new HashMap<>();
        for (int i = 0; i < 400_000; i++) {
            byte[] k = new byte[8];
            rnd.nextBytes(k);
            byte[] other = byHash.putIfAbsent(ChampMap.hash(k), k);
            if (other != null && !java.util.Arrays.equals(other, k)) {
                return new ArrayList<>(List.of(other, k));
            }
        }
        return null;
    }
}
