package io.relog.frontend.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** Hash commands through Jedis: replies, options, exact errors and encodings. */
class HashCommandsIT extends AbstractServerIT {

    static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

    @Test
    void hsetHgetHmgetHlenHdel() {
        assertThat(call("HSET", "h", "a", "1", "b", "2")).isEqualTo(2L);
        assertThat(call("HSET", "h", "a", "10", "c", "3")).as("counts only new fields").isEqualTo(1L);
        assertThat(call("HGET", "h", "a")).isEqualTo("10");
        assertThat(call("HGET", "h", "zz")).isNull();
        assertThat(call("HGET", "missing", "a")).isNull();
        assertThat(call("HMGET", "h", "a", "zz", "c")).isEqualTo(java.util.Arrays.asList("10", null, "3"));
        assertThat(call("HLEN", "h")).isEqualTo(3L);
        assertThat(call("HLEN", "missing")).isEqualTo(0L);
        assertThat(call("HDEL", "h", "a", "zz")).isEqualTo(1L);
        assertThat(call("HDEL", "h", "b", "c")).isEqualTo(2L);
        assertThat(call("EXISTS", "h")).as("an emptied hash is deleted").isEqualTo(0L);
        assertThat(call("HDEL", "missing", "a")).isEqualTo(0L);
    }

    @Test
    void hmsetHsetnxHstrlenHexists() {
        assertThat(call("HMSET", "h", "a", "hello", "b", "2")).isEqualTo("OK");
        assertThat(call("HSETNX", "h", "a", "x")).isEqualTo(0L);
        assertThat(call("HSETNX", "h", "n", "new")).isEqualTo(1L);
        assertThat(call("HGET", "h", "a")).isEqualTo("hello");
        assertThat(call("HSTRLEN", "h", "a")).isEqualTo(5L);
        assertThat(call("HSTRLEN", "h", "zz")).isEqualTo(0L);
        assertThat(call("HSTRLEN", "missing", "a")).isEqualTo(0L);
        assertThat(call("HEXISTS", "h", "n")).isEqualTo(1L);
        assertThat(call("HEXISTS", "h", "zz")).isEqualTo(0L);
        assertThat(call("HEXISTS", "missing", "zz")).isEqualTo(0L);
    }

    @Test
    void hkeysHvalsHgetallKeepInsertionOrderInListpack() {
        call("HSET", "h", "z", "1", "a", "2", "m", "3");
        assertThat(call("HKEYS", "h")).isEqualTo(List.of("z", "a", "m"));
        assertThat(call("HVALS", "h")).isEqualTo(List.of("1", "2", "3"));
        assertThat(call("HGETALL", "h")).isEqualTo(List.of("z", "1", "a", "2", "m", "3"));
        assertThat(call("HKEYS", "missing")).isEqualTo(List.of());
        assertThat(call("HGETALL", "missing")).isEqualTo(List.of());
        assertThat(redis.hgetAll("h")).isEqualTo(Map.of("z", "1", "a", "2", "m", "3"));
    }

    @Test
    void hincrbyAndHincrbyfloat() {
        assertThat(call("HINCRBY", "h", "n", "5")).isEqualTo(5L);
        assertThat(call("HINCRBY", "h", "n", "-7")).isEqualTo(-2L);
        call("HSET", "h", "s", "abc", "big", "9223372036854775807", "f", "1.5");
        assertError("ERR hash value is not an integer", "HINCRBY", "h", "s", "1");
        assertError("ERR hash value is not an integer", "HINCRBY", "h", "f", "1");
        assertError("ERR increment or decrement would overflow", "HINCRBY", "h", "big", "1");
        assertError("ERR value is not an integer or out of range", "HINCRBY", "h", "n", "x");
        assertThat(call("HINCRBYFLOAT", "h", "f", "0.1")).isEqualTo("1.6");
        assertThat(call("HINCRBYFLOAT", "h", "new", "3")).isEqualTo("3");
        assertThat(call("HINCRBYFLOAT", "h", "new", "-1.25e1")).isEqualTo("-9.5");
        assertThat(call("HINCRBYFLOAT", "h", "n", "1.5")).isEqualTo("-0.5");
        assertError("ERR hash value is not a float", "HINCRBYFLOAT", "h", "s", "1");
        assertError("ERR value is not a valid float", "HINCRBYFLOAT", "h", "f", "x");
        assertThat(call("HGET", "h", "f")).isEqualTo("1.6");
    }

    @Test
    void hrandfield() {
        assertThat(call("HRANDFIELD", "missing")).isNull();
        assertThat(call("HRANDFIELD", "missing", "3")).isEqualTo(List.of());
        call("HSET", "h", "a", "1", "b", "2", "c", "3");
        assertThat((String) call("HRANDFIELD", "h")).isIn("a", "b", "c");
        List<String> distinct = strings(call("HRANDFIELD", "h", "10"));
        assertThat(distinct).containsExactlyInAnyOrder("a", "b", "c");
        List<String> two = strings(call("HRANDFIELD", "h", "2"));
        assertThat(two).hasSize(2).doesNotHaveDuplicates();
        List<String> repeated = strings(call("HRANDFIELD", "h", "-7"));
        assertThat(repeated).hasSize(7).allMatch(f -> Set.of("a", "b", "c").contains(f));
        List<String> withValues = strings(call("HRANDFIELD", "h", "-4", "WITHVALUES"));
        assertThat(withValues).hasSize(8);
        for (int i = 0; i < withValues.size(); i += 2) {
            assertThat(redis.hget("h", withValues.get(i))).isEqualTo(withValues.get(i + 1));
        }
        assertThat(call("HRANDFIELD", "h", "0")).isEqualTo(List.of());
        assertError("ERR syntax error", "HRANDFIELD", "h", "1", "WITHVALUES", "x");
    }

    @Test
    void hscanFullScanReturnsAllFieldsOfBothEncodings() {
        for (int n : new int[] {10, 600}) {
            redis.del("h");
            Map<String, String> expected = new java.util.HashMap<>();
            for (int i = 0; i < n; i++) {
                expected.put("f" + i, "v" + i);
            }
            redis.hset("h", expected);
            Map<String, String> seen = new java.util.HashMap<>();
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<Map.Entry<String, String>> page = redis.hscan("h", cursor, new ScanParams().count(50));
                page.getResult().forEach(e -> seen.put(e.getKey(), e.getValue()));
                cursor = page.getCursor();
            } while (!cursor.equals("0"));
            assertThat(seen).isEqualTo(expected);
        }
        List<Object> reply = (List<Object>) call("HSCAN", "missing", "0");
        assertThat(reply).isEqualTo(List.of("0", List.of()));
        call("HSET", "small", "aa", "1", "ab", "2", "b", "3");
        assertThat(call("HSCAN", "small", "0", "MATCH", "a*")).isEqualTo(List.of("0", List.of("aa", "1", "ab", "2")));
        assertError("ERR invalid cursor", "HSCAN", "small", "x");
    }

    @Test
    void encodingListpackToHashtable() {
        for (int i = 0; i < 512; i++) {
            redis.hset("h", "f" + i, "v");
        }
        assertThat(call("OBJECT", "ENCODING", "h")).isEqualTo("listpack");
        redis.hset("h", "f512", "v");
        assertThat(call("OBJECT", "ENCODING", "h")).isEqualTo("hashtable");

        redis.hset("v", "a", "x".repeat(64));
        assertThat(call("OBJECT", "ENCODING", "v")).isEqualTo("listpack");
        redis.hset("v", "b", "x".repeat(65));
        assertThat(call("OBJECT", "ENCODING", "v")).isEqualTo("hashtable");
        redis.hdel("v", "b");
        assertThat(call("OBJECT", "ENCODING", "v")).as("no conversion back").isEqualTo("hashtable");

        redis.hset("k", "y".repeat(65), "1");
        assertThat(call("OBJECT", "ENCODING", "k")).isEqualTo("hashtable");
        redis.hincrBy("i", "n", 1);
        assertThat(call("OBJECT", "ENCODING", "i")).isEqualTo("listpack");
    }

    @Test
    void wrongTypeAndArityErrors() {
        call("SET", "s", "v");
        for (String[] cmd : new String[][] {{"HSET", "s", "a", "1"}, {"HGET", "s", "a"}, {"HLEN", "s"},
                {"HGETALL", "s"}, {"HDEL", "s", "a"}, {"HINCRBY", "s", "a", "1"}, {"HRANDFIELD", "s"},
                {"HSCAN", "s", "0"}, {"HSETNX", "s", "a", "1"}, {"HMGET", "s", "a"}}) {
            assertError(WRONGTYPE, cmd);
        }
        call("HSET", "h", "a", "1");
        assertError("ERR wrong number of arguments for 'hset' command", "HSET", "h", "a");
        assertError("ERR wrong number of arguments for 'hmset' command", "HMSET", "h", "a", "1", "b");
        assertError(wrongArgs("hget"), "HGET", "h");
        assertError(wrongArgs("hdel"), "HDEL", "h");
        assertThat(new HashSet<>(strings(call("HKEYS", "h")))).containsExactly("a");
    }

    @Test
    void hincrbyfloatEdgeCases() {
        call("HSET", "h", "a", "1.1", "big", "1.7976931348623157e308");
        assertThat(call("HINCRBYFLOAT", "h", "a", "2.2")).as("long double precision, human format").isEqualTo("3.3");
        assertThat(call("HINCRBYFLOAT", "h", "e", "5.0e3")).isEqualTo("5000");
        assertThat(call("HINCRBYFLOAT", "h", "e", "-5000")).isEqualTo("0");
        assertError("ERR value is NaN or Infinity", "HINCRBYFLOAT", "h", "a", "inf");
    }

    @Test
    void hrandfieldOnMissingAndHsetnxWrongType() {
        assertThat(call("HRANDFIELD", "missing", "-5", "WITHVALUES")).isEqualTo(List.of());
        call("SET", "s", "v");
        assertError(WRONGTYPE, "HEXISTS", "s", "a");
        assertError(WRONGTYPE, "HSTRLEN", "s", "a");
        assertError(WRONGTYPE, "HINCRBYFLOAT", "s", "a", "1");
        assertError(WRONGTYPE, "HKEYS", "s");
        assertError(WRONGTYPE, "HVALS", "s");
        assertError(WRONGTYPE, "HMSET", "s", "a", "1");
        assertError("ERR value is not an integer or out of range", "HRANDFIELD", "missing", "x");
    }

    @Test
    void randomOperationsMatchAModel() {
        java.util.Random random = new java.util.Random(3);
        Map<String, String> model = new java.util.HashMap<>();
        for (int op = 0; op < 3000; op++) {
            String f = "f" + random.nextInt(random.nextInt(10) == 0 ? 700 : 50);
            switch (random.nextInt(5)) {
                case 0: case 1: {
                    String v = random.nextInt(20) == 0 ? "x".repeat(70) : "v" + op;
                    assertThat(redis.hset("h", f, v)).isEqualTo(model.containsKey(f) ? 0L : 1L);
                    model.put(f, v);
                    break;
                }
                case 2:
                    assertThat(redis.hdel("h", f)).isEqualTo(model.remove(f) == null ? 0L : 1L);
                    break;
                case 3:
                    if (!model.containsKey(f) || model.get(f).matches("-?\\d+")) {
                        long n = random.nextInt(100) - 50;
                        long expected = Long.parseLong(model.getOrDefault(f, "0")) + n;
                        assertThat(redis.hincrBy("h", f, n)).isEqualTo(expected);
                        model.put(f, Long.toString(expected));
                    }
                    break;
                default:
                    assertThat(redis.hget("h", f)).isEqualTo(model.get(f));
            }
            if (op % 250 == 0) {
                assertThat(redis.hgetAll("h")).as("after op %d", op).isEqualTo(model);
            }
        }
        assertThat(redis.hgetAll("h")).isEqualTo(model);
        assertThat(redis.hlen("h")).isEqualTo(model.size());
    }

    @Test
    void integerArgumentsAreStrictDecimal() {
        call("RPUSH", "l", "a", "b", "c");
        call("HSET", "h", "f", "1");
        for (String bad : new String[] {"+1", "007", " 1", "1 ", "-0", "9223372036854775808", "1.0", "0x1", ""}) {
            assertError("ERR value is not an integer or out of range", "LINDEX", "l", bad);
            assertError("ERR value is not an integer or out of range", "HINCRBY", "h", "f", bad);
            assertError("ERR value is not an integer or out of range", "LRANGE", "l", bad, "1");
            assertError("ERR value is not an integer or out of range", "HRANDFIELD", "h", bad);
            assertError("ERR value is out of range, must be positive", "SPOP", "nokey", bad);
        }
        call("HSET", "h", "p", "+1", "z", "007");
        assertError("ERR hash value is not an integer", "HINCRBY", "h", "p", "1");
        assertError("ERR hash value is not an integer", "HINCRBY", "h", "z", "1");
        assertThat(call("LINDEX", "l", "0")).isEqualTo("a");
        assertThat(call("HINCRBY", "h", "f", "-9223372036854775808")).isEqualTo(-9223372036854775807L);
    }

    @Test
    void repeatedFieldsInOneCall() {
        assertThat(call("HSET", "h", "f", "1", "f", "2")).isEqualTo(1L);
        assertThat(call("HGET", "h", "f")).isEqualTo("2");
        assertThat(call("HMGET", "h", "f", "f", "x")).isEqualTo(java.util.Arrays.asList("2", "2", null));
        assertThat(call("HDEL", "h", "f", "f")).isEqualTo(1L);
        assertThat(call("SADD", "s", "a")).isEqualTo(1L);
        assertThat(call("SMISMEMBER", "s", "a", "a", "b")).isEqualTo(List.of(1L, 1L, 0L));
        assertThat(call("SREM", "s", "a", "a")).isEqualTo(1L);
        call("HSET", "n", "i", "12345");
        assertThat(call("HSTRLEN", "n", "i")).isEqualTo(5L);
    }
}
