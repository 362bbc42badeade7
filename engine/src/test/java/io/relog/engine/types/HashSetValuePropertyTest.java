package io.relog.engine.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link HashValue} and {@link SetValue} agree with {@code java.util} models under random
 * operations across their encoding conversions, and a value handed to a "frozen" holder (the old
 * token is dropped and writes continue through {@code editableFor} with a new one) never changes
 * afterwards. Seeded; the seed is printed on failure.
 */
class HashSetValuePropertyTest {

    private static final int OPS = 20_000;

    private static void seeded(java.util.function.LongConsumer body) {
        long seed = new Random().nextLong();
        for (long s : new long[] {1L, seed}) {
            try {
                body.accept(s);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + s + ": " + e.getMessage(), e);
            }
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static Map<String, String> contents(HashValue h) {
        Map<String, String> out = new TreeMap<>();
        h.forEach((f, v) -> assertThat(out.put(s(f), s(v))).as("field visited twice").isNull());
        assertThat(out).hasSize(h.size());
        return out;
    }

    private static TreeSet<String> contents(SetValue set) {
        TreeSet<String> out = new TreeSet<>();
        set.forEachMember(m -> assertThat(out.add(s(m))).as("member visited twice").isTrue());
        assertThat(out).hasSize(set.size());
        return out;
    }

    @Test
    void hashAgreesWithHashMapAcrossConversionsAndFreezes() {
        seeded(this::hashRun);
    }

    private void hashRun(long seed) {
        Random r = new Random(seed);
        // Small limits so conversions happen often; one run in four uses Redis' defaults.
        boolean defaults = r.nextInt(4) == 0;
        int maxEntries = defaults ? HashValue.DEFAULT_MAX_LISTPACK_ENTRIES : 1 + r.nextInt(40);
        int maxValue = defaults ? HashValue.DEFAULT_MAX_LISTPACK_VALUE : 1 + r.nextInt(12);
        int fields = defaults ? 700 : 80;
        Object token = new Object();
        HashValue h = HashValue.create(token);
        Map<String, String> model = new HashMap<>();
        List<HashValue> frozen = new ArrayList<>();
        List<Map<String, String>> frozenModels = new ArrayList<>();
        boolean wasListpack = true;
        for (int i = 0; i < OPS; i++) {
            String f = "f" + r.nextInt(fields) + (r.nextInt(200) == 0 ? "-long-field-name-beyond-limits" : "");
            int op = r.nextInt(100);
            if (op < 55) {
                String v = r.nextInt(300) == 0 ? "x".repeat(maxValue + 1) : "v" + r.nextInt(1000);
                boolean isNew = h.put(b(f), b(v), maxEntries, maxValue);
                assertThat(isNew).isEqualTo(model.put(f, v) == null);
            } else if (op < 80) {
                assertThat(h.remove(b(f))).isEqualTo(model.remove(f) != null);
            } else if (op < 95) {
                byte[] got = h.get(b(f));
                assertThat(got == null ? null : s(got)).isEqualTo(model.get(f));
            } else if (op < 97) {
                frozen.add(h);
                frozenModels.add(new HashMap<>(model));
                token = new Object();
                h = (HashValue) h.editableFor(token);
            } else {
                assertThat(h.size()).isEqualTo(model.size());
                if (!model.isEmpty()) {
                    byte[][] out = new byte[2][];
                    h.randomField(r::nextInt, out);
                    assertThat(model.get(s(out[0]))).isEqualTo(s(out[1]));
                }
            }
            if (!h.isListpack()) {
                wasListpack = false;
            }
            assertThat(h.isListpack()).as("never converts back").isEqualTo(wasListpack);
            if (h.isListpack()) {
                assertThat(h.size()).isLessThanOrEqualTo(maxEntries);
            }
        }
        assertThat(contents(h)).isEqualTo(new TreeMap<>(model));
        for (int i = 0; i < frozen.size(); i++) {
            assertThat(contents(frozen.get(i))).as("frozen view %d", i).isEqualTo(new TreeMap<>(frozenModels.get(i)));
        }
        HashValue dup = h.duplicate(new Object());
        assertThat(contents(dup)).isEqualTo(contents(h));
        assertThat(dup.encoding()).isEqualTo(h.encoding());
    }

    @Test
    void setAgreesWithTreeSetAcrossConversionsAndFreezes() {
        seeded(this::setRun);
    }

    private void setRun(long seed) {
        Random r = new Random(seed);
        boolean defaults = r.nextInt(4) == 0;
        int maxInts = defaults ? SetValue.DEFAULT_MAX_INTSET_ENTRIES : 1 + r.nextInt(40);
        int range = defaults ? 1200 : 100;
        Object token = new Object();
        SetValue set = SetValue.create(token);
        TreeSet<String> model = new TreeSet<>();
        List<SetValue> frozen = new ArrayList<>();
        List<TreeSet<String>> frozenModels = new ArrayList<>();
        boolean wasIntset = true;
        for (int i = 0; i < OPS; i++) {
            String m = member(r, range);
            int op = r.nextInt(100);
            if (op < 55) {
                assertThat(set.add(b(m), maxInts)).isEqualTo(model.add(m));
            } else if (op < 80) {
                assertThat(set.remove(b(m))).isEqualTo(model.remove(m));
            } else if (op < 95) {
                assertThat(set.contains(b(m))).isEqualTo(model.contains(m));
            } else if (op < 97) {
                frozen.add(set);
                frozenModels.add(new TreeSet<>(model));
                token = new Object();
                set = (SetValue) set.editableFor(token);
            } else if (!model.isEmpty()) {
                assertThat(model).contains(s(set.randomMember(r::nextInt)));
            }
            if (!set.isIntset()) {
                wasIntset = false;
            }
            assertThat(set.isIntset()).as("never converts back").isEqualTo(wasIntset);
            if (set.isIntset()) {
                assertThat(set.size()).isLessThanOrEqualTo(maxInts);
            }
        }
        assertThat(contents(set)).isEqualTo(model);
        for (int i = 0; i < frozen.size(); i++) {
            assertThat(contents(frozen.get(i))).as("frozen view %d", i).isEqualTo(frozenModels.get(i));
        }
        SetValue dup = set.duplicate(new Object());
        assertThat(contents(dup)).isEqualTo(model);
        assertThat(dup.encoding()).isEqualTo(set.encoding());
    }

    /** Mostly integers (canonical and not), sometimes words, so both encodings and the conversion occur. */
    private static String member(Random r, int range) {
        int k = r.nextInt(1000);
        if (k < 3) {
            return "w" + r.nextInt(20);
        }
        if (k < 6) {
            return new String[] {"01", "+1", "-0", " 1", "1 ", "", "9223372036854775808"}[r.nextInt(7)];
        }
        if (k < 8) {
            return Long.toString(r.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE);
        }
        if (k < 12) {
            // Beyond 16 bits: the intset widens to 4 (or, above, 8) bytes per member.
            return Integer.toString(r.nextBoolean() ? 40_000 + r.nextInt(50) : -40_000 - r.nextInt(50));
        }
        return Integer.toString(r.nextInt(range) - range / 4);
    }

    @Test
    void intsetIsSortedAndConvertsAt513OrOnAWord() {
        SetValue s = SetValue.create(new Object());
        for (int i = 512; i >= 1; i--) {
            s.add(b(Integer.toString(i)), SetValue.DEFAULT_MAX_INTSET_ENTRIES);
        }
        assertThat(s.encoding()).isEqualTo("intset");
        assertThat(s(s.members()[0])).isEqualTo("1");
        assertThat(s(s.members()[511])).isEqualTo("512");
        s.add(b("513"), SetValue.DEFAULT_MAX_INTSET_ENTRIES);
        assertThat(s.encoding()).isEqualTo("hashtable");
        SetValue w = SetValue.create(new Object());
        w.add(b("01"), SetValue.DEFAULT_MAX_INTSET_ENTRIES);
        assertThat(w.encoding()).isEqualTo("hashtable");
    }

    @Test
    void listpackEntriesOfEveryLengthRoundTrip() {
        // Raised limits (CONFIG SET) let long entries into the packed form: multi-byte length prefixes.
        HashValue h = HashValue.create(new Object());
        Map<String, String> model = new HashMap<>();
        int[] lengths = {0, 1, 126, 127, 128, 129, 300, 16383, 16384, 20000};
        for (int i = 0; i < lengths.length; i++) {
            String f = "f".repeat(lengths[lengths.length - 1 - i]);
            String v = Character.toString('a' + i).repeat(lengths[i]);
            h.put(b(f), b(v), 512, 1 << 20);
            model.put(f, v);
        }
        h.put(b("f".repeat(300)), b("short"), 512, 1 << 20);
        model.put("f".repeat(300), "short");
        h.remove(b("f".repeat(127)));
        model.remove("f".repeat(127));
        assertThat(h.encoding()).isEqualTo("listpack");
        assertThat(contents(h)).isEqualTo(new TreeMap<>(model));
        for (Map.Entry<String, String> e : model.entrySet()) {
            assertThat(s(h.get(b(e.getKey())))).isEqualTo(e.getValue());
        }
    }

    @Test
    void intsetWidensAndKeepsOrder() {
        SetValue s = SetValue.create(new Object());
        long[] values = {5, -3, 70_000, -70_000, 1L << 40, Long.MIN_VALUE, 0, Short.MAX_VALUE, Short.MIN_VALUE,
            Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE};
        TreeSet<Long> model = new TreeSet<>();
        for (long v : values) {
            s.add(b(Long.toString(v)), 512);
            model.add(v);
            List<Long> got = new ArrayList<>();
            s.forEachMember(m -> got.add(Long.parseLong(s(m))));
            assertThat(got).containsExactlyElementsOf(model);
        }
        for (long v : values) {
            assertThat(s.contains(b(Long.toString(v)))).isTrue();
            long probe = v == Long.MAX_VALUE ? v - 1 : v + 1;
            assertThat(s.contains(b(Long.toString(probe)))).isEqualTo(model.contains(probe));
        }
        assertThat(s.encoding()).isEqualTo("intset");
    }

    @Test
    void listpackLimitsAreRedis70s() {
        HashValue h = HashValue.create(new Object());
        for (int i = 0; i < 512; i++) {
            h.put(b("f" + i), b("x".repeat(64)), 512, 64);
        }
        assertThat(h.encoding()).isEqualTo("listpack");
        h.put(b("f512"), b("v"), 512, 64);
        assertThat(h.encoding()).isEqualTo("hashtable");
        HashValue g = HashValue.create(new Object());
        g.put(b("f"), b("x".repeat(65)), 512, 64);
        assertThat(g.encoding()).isEqualTo("hashtable");
    }
}
