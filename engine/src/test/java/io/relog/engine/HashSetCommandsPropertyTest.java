package io.relog.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.relog.engine.keyspace.Database;
import io.relog.engine.types.HashValue;
import io.relog.engine.types.SetValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The hash and set commands agree with {@code java.util} models (a map of HashMaps, a map of
 * TreeSets) under random operations that cross the encoding limits, and every view taken with
 * {@link Database#freeze()} along the way still holds exactly what the model held then, however
 * many writes (in place, copy-on-write, conversions, deletions) followed. Seeded; the seed is
 * printed on failure.
 */
class HashSetCommandsPropertyTest {

    private static final int OPS = 6_000;
    private static final Pattern BULK = Pattern.compile("\\$(\\d+)\r\n");

    @Test
    void commandsAgreeWithModelsAndFrozenViewsNeverChange() {
        long seed = new Random().nextLong();
        for (long s : new long[] {7L, seed}) {
            try {
                run(s);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + s + ": " + e.getMessage(), e);
            }
        }
    }

    /** The bulk strings of a RESP2 reply, in order. */
    private static List<String> bulks(String reply) {
        List<String> out = new ArrayList<>();
        Matcher m = BULK.matcher(reply);
        int at = 0;
        while (m.find(at)) {
            int len = Integer.parseInt(m.group(1));
            out.add(reply.substring(m.end(), m.end() + len));
            at = m.end() + len + 2;
        }
        return out;
    }

    private void run(long seed) {
        Random r = new Random(seed);
        TestEngine t = new TestEngine();
        // Small limits make conversions frequent; a 512-entry listpack would need long runs.
        t.engine.setEncodingLimits(8 + r.nextInt(20), 6 + r.nextInt(10), 8 + r.nextInt(20));
        Map<String, Map<String, String>> hashes = new HashMap<>();
        Map<String, TreeSet<String>> sets = new HashMap<>();
        List<Database> views = new ArrayList<>();
        List<Map<String, String>> viewModels = new ArrayList<>();
        for (int i = 0; i < OPS; i++) {
            String h = "h" + r.nextInt(4);
            String s = "s" + r.nextInt(4);
            String f = "f" + r.nextInt(40);
            String v = r.nextInt(20) == 0 ? "a-long-value-" + r.nextInt(100) : Integer.toString(r.nextInt(50));
            String m = r.nextInt(15) == 0 ? "w" + r.nextInt(5) : Integer.toString(r.nextInt(60));
            switch (r.nextInt(14)) {
                case 0, 1, 2 -> {
                    Map<String, String> model = hashes.computeIfAbsent(h, k -> new HashMap<>());
                    boolean isNew = !model.containsKey(f);
                    model.put(f, v);
                    assertThat(t.cmd("HSET", h, f, v)).isEqualTo(TestEngine.integer(isNew ? 1 : 0));
                }
                case 3 -> {
                    Map<String, String> model = hashes.get(h);
                    boolean had = model != null && model.remove(f) != null;
                    if (model != null && model.isEmpty()) {
                        hashes.remove(h);
                    }
                    assertThat(t.cmd("HDEL", h, f)).isEqualTo(TestEngine.integer(had ? 1 : 0));
                }
                case 4 -> {
                    Map<String, String> model = hashes.get(h);
                    String want = model == null ? null : model.get(f);
                    assertThat(t.cmd("HGET", h, f)).isEqualTo(want == null ? TestEngine.NIL : TestEngine.bulk(want));
                    assertThat(t.cmd("HLEN", h)).isEqualTo(TestEngine.integer(model == null ? 0 : model.size()));
                }
                case 5 -> {
                    Map<String, String> model = hashes.get(h);
                    Map<String, String> got = new TreeMap<>();
                    List<String> b = bulks(t.cmd("HGETALL", h));
                    for (int j = 0; j < b.size(); j += 2) {
                        got.put(b.get(j), b.get(j + 1));
                    }
                    assertThat(got).isEqualTo(model == null ? Map.of() : new TreeMap<>(model));
                }
                case 6, 7, 8 -> {
                    TreeSet<String> model = sets.computeIfAbsent(s, k -> new TreeSet<>());
                    assertThat(t.cmd("SADD", s, m)).isEqualTo(TestEngine.integer(model.add(m) ? 1 : 0));
                }
                case 9 -> {
                    TreeSet<String> model = sets.get(s);
                    boolean had = model != null && model.remove(m);
                    if (model != null && model.isEmpty()) {
                        sets.remove(s);
                    }
                    assertThat(t.cmd("SREM", s, m)).isEqualTo(TestEngine.integer(had ? 1 : 0));
                }
                case 10 -> {
                    TreeSet<String> model = sets.get(s);
                    List<String> popped = bulks(t.cmd("SPOP", s, Integer.toString(r.nextInt(4))));
                    for (String p : popped) {
                        assertThat(model.remove(p)).as("popped %s from %s", p, s).isTrue();
                    }
                    if (model != null && model.isEmpty()) {
                        sets.remove(s);
                    }
                }
                case 11 -> {
                    String dst = "s" + r.nextInt(4);
                    TreeSet<String> from = sets.get(s);
                    boolean moved = from != null && from.contains(m);
                    if (moved && !dst.equals(s)) {
                        from.remove(m);
                        if (from.isEmpty()) {
                            sets.remove(s);
                        }
                        sets.computeIfAbsent(dst, k -> new TreeSet<>()).add(m);
                    }
                    assertThat(t.cmd("SMOVE", s, dst, m)).isEqualTo(TestEngine.integer(moved ? 1 : 0));
                }
                case 12 -> {
                    String dst = "s" + r.nextInt(4);
                    String other = "s" + r.nextInt(4);
                    TreeSet<String> union = new TreeSet<>();
                    union.addAll(sets.getOrDefault(s, new TreeSet<>()));
                    union.addAll(sets.getOrDefault(other, new TreeSet<>()));
                    if (union.isEmpty()) {
                        sets.remove(dst);
                    } else {
                        sets.put(dst, union);
                    }
                    assertThat(t.cmd("SUNIONSTORE", dst, s, other)).isEqualTo(TestEngine.integer(union.size()));
                }
                default -> {
                    views.add(t.engine.db(0).freeze());
                    viewModels.add(dump(hashes, sets));
                }
            }
            if (r.nextInt(200) == 0) {
                assertThat(dump(t.engine.db(0))).isEqualTo(dump(hashes, sets));
            }
        }
        assertThat(dump(t.engine.db(0))).isEqualTo(dump(hashes, sets));
        assertThat(views).hasSizeGreaterThan(100);
        for (int i = 0; i < views.size(); i++) {
            assertThat(dump(views.get(i))).as("frozen view %d", i).isEqualTo(viewModels.get(i));
        }
    }

    private static Map<String, String> dump(Map<String, Map<String, String>> hashes, Map<String, TreeSet<String>> sets) {
        Map<String, String> out = new TreeMap<>();
        hashes.forEach((k, v) -> out.put(k, new TreeMap<>(v).toString()));
        sets.forEach((k, v) -> out.put(k, v.toString()));
        return out;
    }

    private static Map<String, String> dump(Database db) {
        Map<String, String> out = new TreeMap<>();
        db.keys().forEach((k, v) -> {
            String key = new String(k, StandardCharsets.ISO_8859_1);
            if (v instanceof HashValue h) {
                Map<String, String> fields = new TreeMap<>();
                h.forEach((f, x) -> fields.put(new String(f, StandardCharsets.ISO_8859_1),
                        new String(x, StandardCharsets.ISO_8859_1)));
                out.put(key, fields.toString());
            } else {
                TreeSet<String> members = new TreeSet<>();
                ((SetValue) v).forEachMember(x -> members.add(new String(x, StandardCharsets.ISO_8859_1)));
                out.put(key, members.toString());
            }
        });
        return out;
    }
}
