package io.relog.engine;

import static io.relog.engine.TestEngine.integer;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Hash and set behaviour that the recorded Redis scenario cannot pin down because it is random
 * or large: the propagated forms of SPOP and HINCRBYFLOAT (checked against a real 7.0.15
 * master's replication stream), random replies' invariants, and cursor scans of the hashtable
 * encodings.
 */
class HashSetCommandsTest {

    private final TestEngine t = new TestEngine();

    private static final Pattern BULK = Pattern.compile("\\$(\\d+)\r\n");

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

    @Test
    void spopPropagatesTheRemovedMembersOrDel() {
        t.cmd("SADD", "s", "a", "b", "c", "d", "1");
        t.takeStream();
        String one = bulks(t.cmd("SPOP", "s")).get(0);
        assertThat(t.takeStream()).containsExactly("SREM s " + one);
        List<String> two = bulks(t.cmd("SPOP", "s", "2"));
        assertThat(two).hasSize(2).doesNotHaveDuplicates();
        assertThat(t.takeStream()).containsExactly("SREM s " + two.get(0) + " " + two.get(1));
        assertThat(t.cmd("SCARD", "s")).isEqualTo(integer(2));
        // Popping at least the whole set deletes the key, propagated as DEL (as Redis 7.0 does).
        assertThat(bulks(t.cmd("SPOP", "s", "10"))).hasSize(2);
        assertThat(t.takeStream()).containsExactly("DEL s");
        assertThat(t.cmd("EXISTS", "s")).isEqualTo(integer(0));
        // The last member popped without a count: SREM, and the key is gone.
        t.cmd("SADD", "w", "x");
        t.takeStream();
        t.cmd("SPOP", "w");
        assertThat(t.takeStream()).containsExactly("SREM w x");
        assertThat(t.cmd("EXISTS", "w")).isEqualTo(integer(0));
        // Nothing popped, nothing propagated.
        t.cmd("SPOP", "nokey", "3");
        t.cmd("SPOP", "nokey");
        assertThat(t.takeStream()).isEmpty();
    }

    @Test
    void readsAndNoOpWritesPropagateNothing() {
        t.cmd("SADD", "s", "1", "2", "3");
        t.cmd("HSET", "h", "f", "v");
        t.takeStream();
        t.cmd("SRANDMEMBER", "s", "-5");
        t.cmd("HRANDFIELD", "h", "-5", "WITHVALUES");
        t.cmd("SREM", "s", "9");
        t.cmd("HDEL", "h", "zz");
        t.cmd("HSETNX", "h", "f", "x");
        t.cmd("SADD", "s", "1");
        t.cmd("SMOVE", "s", "s", "1");
        t.cmd("SMOVE", "s", "d", "9");
        t.cmd("SDIFFSTORE", "nodst", "nokey");
        assertThat(t.takeStream()).isEmpty();
        t.cmd("SINTERSTORE", "s", "nokey");
        assertThat(t.takeStream()).containsExactly("SINTERSTORE s nokey");
        assertThat(t.cmd("EXISTS", "s")).isEqualTo(integer(0));
    }

    @Test
    void hincrbyfloatPropagatesAsHsetOfTheResult() {
        t.cmd("HSET", "h", "f", "1.5");
        t.takeStream();
        assertThat(t.cmd("HINCRBYFLOAT", "h", "f", "0.1")).isEqualTo(TestEngine.bulk("1.6"));
        assertThat(t.cmd("HINCRBYFLOAT", "h", "g", "1.0e3")).isEqualTo(TestEngine.bulk("1000"));
        assertThat(t.takeStream()).containsExactly("HSET h f 1.6", "HSET h g 1000");
        t.cmd("hincrby", "h", "n", "3");
        assertThat(t.takeStream()).containsExactly("hincrby h n 3");
    }

    @Test
    void writesKeepTheTimeToLiveAndEmptiedKeysAreDeleted() {
        t.cmd("HSET", "h", "a", "1", "b", "2");
        t.cmd("EXPIRE", "h", "100");
        t.cmd("HSET", "h", "c", "3");
        t.cmd("HDEL", "h", "a");
        assertThat(t.cmd("TTL", "h")).isEqualTo(integer(100));
        t.cmd("HDEL", "h", "b", "c");
        assertThat(t.cmd("EXISTS", "h")).isEqualTo(integer(0));
        t.cmd("SADD", "s", "1");
        t.cmd("PEXPIRE", "s", "5000");
        t.engine.db(0).freeze(); // the next write copies the set: the copy keeps the TTL too
        t.cmd("SADD", "s", "2");
        assertThat(t.cmd("PTTL", "s")).isEqualTo(integer(5000));
        t.cmd("SMOVE", "s", "d", "1");
        t.cmd("SMOVE", "s", "d", "2");
        assertThat(t.cmd("EXISTS", "s")).isEqualTo(integer(0));
        assertThat(t.cmd("SCARD", "d")).isEqualTo(integer(2));
        t.cmd("SUNIONSTORE", "d", "d");
        assertThat(t.cmd("TTL", "d")).isEqualTo(integer(-1));
    }

    @Test
    void randomRepliesRespectCountsAndDistinctness() {
        for (int i = 0; i < 2000; i++) {
            t.cmd("SADD", "big", "m" + i);
            t.cmd("HSET", "hbig", "f" + i, "v" + i);
        }
        t.cmd("SADD", "small", "1", "2", "3", "4", "5");
        t.cmd("HSET", "hsmall", "a", "1", "b", "2", "c", "3");
        for (String key : new String[] {"big", "small"}) {
            for (int count : new int[] {1, 3, 5, 100, 700, 1500}) {
                List<String> got = bulks(t.cmd("SRANDMEMBER", key, Integer.toString(count)));
                int size = key.equals("big") ? 2000 : 5;
                assertThat(got).hasSize(Math.min(count, size)).doesNotHaveDuplicates();
            }
            assertThat(bulks(t.cmd("SRANDMEMBER", key, "-50"))).hasSize(50);
        }
        for (String key : new String[] {"hbig", "hsmall"}) {
            int size = key.equals("hbig") ? 2000 : 3;
            for (int count : new int[] {1, 2, 100, 700, 1500}) {
                List<String> got = bulks(t.cmd("HRANDFIELD", key, Integer.toString(count), "WITHVALUES"));
                assertThat(got).hasSize(2 * Math.min(count, size));
                Set<String> fields = new HashSet<>();
                for (int i = 0; i < got.size(); i += 2) {
                    assertThat(fields.add(got.get(i))).isTrue();
                    assertThat(got.get(i + 1)).as("value of %s", got.get(i)).isEqualTo(valueOf(got.get(i)));
                }
            }
            assertThat(bulks(t.cmd("HRANDFIELD", key, "-9"))).hasSize(9);
        }
        // RESP3: WITHVALUES gives an array of [field, value] pairs.
        RecordingReply r3 = new RecordingReply(3);
        t.session.protocol(3);
        t.engine.execute(t.session, new byte[][] {"HRANDFIELD".getBytes(), "hsmall".getBytes(), "-2".getBytes(),
                "WITHVALUES".getBytes()}, r3);
        assertThat(r3.take()).startsWith("*2\r\n*2\r\n$1\r\n");
        int before = Integer.parseInt(t.cmd("SCARD", "big").substring(1).trim());
        assertThat(bulks(t.cmd("SPOP", "big", "600"))).hasSize(600).doesNotHaveDuplicates();
        assertThat(t.cmd("SCARD", "big")).isEqualTo(integer(before - 600));
    }

    /** The value the test stored under a field: f123 → v123, a → 1, b → 2, c → 3. */
    private static String valueOf(String field) {
        return field.startsWith("f") ? "v" + field.substring(1) : Integer.toString(field.charAt(0) - 'a' + 1);
    }

    @Test
    void cursorScansOfHashtablesReturnEveryElementOnceThoughWritesContinue() {
        for (int i = 0; i < 3000; i++) {
            t.cmd("HSET", "h", "f" + i, "v");
            t.cmd("SADD", "s", "m" + i);
        }
        assertThat(t.cmd("OBJECT", "ENCODING", "h")).isEqualTo(TestEngine.bulk("hashtable"));
        for (String[] type : new String[][] {{"HSCAN", "h", "f"}, {"SSCAN", "s", "m"}}) {
            Set<String> seen = new HashSet<>();
            String cursor = "0";
            int calls = 0;
            do {
                String reply = t.cmd(type[0], type[1], cursor, "COUNT", "50");
                List<String> b = bulks(reply);
                cursor = b.get(0);
                int step = type[0].equals("HSCAN") ? 2 : 1;
                for (int i = 1; i < b.size(); i += step) {
                    assertThat(seen.add(b.get(i))).as("%s returned %s twice", type[0], b.get(i)).isTrue();
                }
                // Elements added during the scan may or may not be returned; none present throughout is missed.
                t.cmd(type[0].equals("HSCAN") ? "HSET" : "SADD", type[1], "new" + calls, "v");
                calls++;
            } while (!cursor.equals("0"));
            for (int i = 0; i < 3000; i++) {
                assertThat(seen).contains(type[2] + i);
            }
            assertThat(calls).isGreaterThan(10);
        }
        // MATCH filters after the walk.
        List<String> b = bulks(t.cmd("SSCAN", "s", "0", "MATCH", "m299*", "COUNT", "100000"));
        assertThat(b.subList(1, b.size())).containsExactlyInAnyOrder("m299", "m2990", "m2991", "m2992", "m2993",
                "m2994", "m2995", "m2996", "m2997", "m2998", "m2999");
    }
}
