package io.relog.engine.keyspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A map built in bulk ({@link ChampMap.Bulk}) is the map that putting the same entries one by one
 * gives — same entries, metadata, size, payload and iteration order (CHAMP's form is canonical,
 * so the same trie) — it reports the first repeated key, and it stays a normal mutable map:
 * random writes afterwards agree with a model, and a frozen view of it does not change.
 */
class ChampMapBulkTest {

    private static List<String> order(ChampMap m) {
        List<String> keys = new ArrayList<>();
        m.forEach((k, v) -> keys.add(new String(k, java.nio.charset.StandardCharsets.ISO_8859_1)));
        return keys;
    }

    @Test
    void buildEqualsOneByOneInsertion() {
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        for (int n : new int[] {0, 1, 2, 31, 33, 1_000, 60_000}) {
            String why = "seed " + seed + ", n " + n;
            ChampMap.Bulk bulk = new ChampMap.Bulk(rnd.nextInt(2) == 0 ? n : 3);
            ChampMap reference = new ChampMap();
            List<byte[]> keys = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                byte[] k = new byte[1 + rnd.nextInt(12)];
                rnd.nextBytes(k);
                keys.add(k);
                Object v = rnd.nextInt(3) == 0 ? "collection " + i : new byte[rnd.nextInt(5)];
                int meta = rnd.nextInt();
                bulk.add(k, v, meta, 1000L + i);
                if (reference.get(k) == null) {
                    reference.put(k, v, meta);
                }
            }
            ChampMap built = bulk.build(new EditToken());
            assertThat(bulk.duplicate()).as(why).isEqualTo(firstRepeat(keys));
            assertThat(built.size()).as(why).isEqualTo(reference.size());
            assertThat(built.payloadBytes()).as(why).isEqualTo(reference.payloadBytes());
            assertThat(order(built)).as(why).isEqualTo(order(reference));
            for (byte[] k : keys) {
                assertThat(built.get(k)).as(why).isSameAs(reference.get(k));
                assertThat(built.meta(k)).as(why).isEqualTo(reference.meta(k));
            }
        }
    }

    private static int firstRepeat(List<byte[]> keys) {
        java.util.Set<ByteBuffer> seen = new java.util.HashSet<>();
        for (int i = 0; i < keys.size(); i++) {
            if (!seen.add(ByteBuffer.wrap(keys.get(i)))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void repeatedKeysAndFullHashCollisions() {
        List<byte[]> colliding = ChampMapPropertyTest.collidingPair(7);
        assertThat(colliding).isNotNull();
        ChampMap.Bulk bulk = new ChampMap.Bulk(4);
        bulk.add(colliding.get(0), "a", 1, 10);
        bulk.add("x".getBytes(), "x", 2, 11);
        bulk.add(colliding.get(1), "b", 3, 12);
        bulk.add(colliding.get(1).clone(), "c", 4, 13); // the repeat: entry 3
        bulk.add("x".getBytes(), "y", 5, 14);           // a later repeat
        ChampMap built = bulk.build(new EditToken());
        assertThat(bulk.duplicate()).isEqualTo(3);
        assertThat(bulk.tag(3)).isEqualTo(13);
        assertThat(built.size()).isEqualTo(3);
        assertThat(built.get(colliding.get(0))).isEqualTo("a");
        assertThat(built.get(colliding.get(1))).isEqualTo("b");
        assertThat(built.get("x".getBytes())).isEqualTo("x");
        assertThat(built.meta(colliding.get(1))).isEqualTo(3);

        ChampMap.Bulk distinct = new ChampMap.Bulk(0);
        distinct.add(colliding.get(0), "a", 0, 0);
        distinct.add(colliding.get(1), "b", 0, 0);
        ChampMap pair = distinct.build(new EditToken());
        assertThat(distinct.duplicate()).isEqualTo(-1);
        assertThat(pair.remove(colliding.get(0))).isEqualTo("a");
        assertThat(pair.get(colliding.get(1))).isEqualTo("b");
        assertThat(pair.size()).isEqualTo(1);
    }

    @Test
    void builtMapIsAnOrdinaryMutableMap() {
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        String why = "seed " + seed;
        EditToken token = new EditToken();
        ChampMap.Bulk bulk = new ChampMap.Bulk(0);
        Map<String, Object> model = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            String k = "k" + i;
            bulk.add(k.getBytes(), "v" + i, 0, i);
            model.put(k, "v" + i);
        }
        ChampMap live = bulk.build(token);
        assertThat(live.editToken()).isSameAs(token);
        ChampMap view = live.freeze();
        Map<String, Object> atFreeze = new HashMap<>(model);
        for (int op = 0; op < 60_000; op++) {
            String k = "k" + rnd.nextInt(30_000);
            if (rnd.nextBoolean()) {
                assertThat(live.put(k.getBytes(), "w" + op)).as(why).isEqualTo(model.put(k, "w" + op));
            } else {
                assertThat(live.remove(k.getBytes())).as(why).isEqualTo(model.remove(k));
            }
        }
        assertThat(live.size()).as(why).isEqualTo(model.size());
        for (Map.Entry<String, Object> e : model.entrySet()) {
            assertThat(live.get(e.getKey().getBytes())).as(why).isEqualTo(e.getValue());
        }
        assertThat(view.size()).isEqualTo(atFreeze.size());
        for (Map.Entry<String, Object> e : atFreeze.entrySet()) {
            assertThat(view.get(e.getKey().getBytes())).as(why).isEqualTo(e.getValue());
        }
    }
}
