package io.relog.frontend.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import redis.clients.jedis.Jedis;

import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** Set commands through Jedis: replies, options, exact errors and encodings. */
class SetCommandsIT extends AbstractServerIT {

    static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

    @Test
    void saddSremMembership() {
        assertThat(call("SADD", "s", "a", "b", "a")).isEqualTo(2L);
        assertThat(call("SADD", "s", "b", "c")).isEqualTo(1L);
        assertThat(call("SCARD", "s")).isEqualTo(3L);
        assertThat(call("SCARD", "missing")).isEqualTo(0L);
        assertThat(call("SISMEMBER", "s", "a")).isEqualTo(1L);
        assertThat(call("SISMEMBER", "s", "z")).isEqualTo(0L);
        assertThat(call("SISMEMBER", "missing", "z")).isEqualTo(0L);
        assertThat(call("SMISMEMBER", "s", "a", "z", "c")).isEqualTo(List.of(1L, 0L, 1L));
        assertThat(call("SMISMEMBER", "missing", "a")).isEqualTo(List.of(0L));
        assertThat(strings(call("SMEMBERS", "s"))).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(call("SMEMBERS", "missing")).isEqualTo(List.of());
        assertThat(call("SREM", "s", "a", "z")).isEqualTo(1L);
        assertThat(call("SREM", "s", "b", "c")).isEqualTo(2L);
        assertThat(call("EXISTS", "s")).isEqualTo(0L);
        assertThat(call("SREM", "missing", "a")).isEqualTo(0L);
    }

    @Test
    void srandmemberAndSpop() {
        assertThat(call("SRANDMEMBER", "missing")).isNull();
        assertThat(call("SRANDMEMBER", "missing", "2")).isEqualTo(List.of());
        assertThat(call("SPOP", "missing")).isNull();
        assertThat(call("SPOP", "missing", "2")).isEqualTo(List.of());
        call("SADD", "s", "1", "2", "3", "4", "5");
        assertThat((String) call("SRANDMEMBER", "s")).isIn("1", "2", "3", "4", "5");
        assertThat(strings(call("SRANDMEMBER", "s", "3"))).hasSize(3).doesNotHaveDuplicates();
        assertThat(strings(call("SRANDMEMBER", "s", "10"))).containsExactlyInAnyOrder("1", "2", "3", "4", "5");
        assertThat(strings(call("SRANDMEMBER", "s", "-8"))).hasSize(8);
        assertThat(call("SCARD", "s")).isEqualTo(5L);
        String popped = (String) call("SPOP", "s");
        assertThat(call("SISMEMBER", "s", popped)).isEqualTo(0L);
        List<String> two = strings(call("SPOP", "s", "2"));
        assertThat(two).hasSize(2).doesNotHaveDuplicates().doesNotContain(popped);
        assertThat(call("SCARD", "s")).isEqualTo(2L);
        assertThat(strings(call("SPOP", "s", "10"))).hasSize(2);
        assertThat(call("EXISTS", "s")).isEqualTo(0L);
        call("SADD", "s", "a");
        assertError("ERR value is out of range, must be positive", "SPOP", "s", "-1");
    }

    @Test
    void smove() {
        call("SADD", "src", "a", "b");
        call("SADD", "dst", "b");
        assertThat(call("SMOVE", "src", "dst", "a")).isEqualTo(1L);
        assertThat(call("SMOVE", "src", "dst", "zz")).isEqualTo(0L);
        assertThat(call("SMOVE", "src", "dst", "b")).isEqualTo(1L);
        assertThat(call("EXISTS", "src")).isEqualTo(0L);
        assertThat(strings(call("SMEMBERS", "dst"))).containsExactlyInAnyOrder("a", "b");
        call("SET", "str", "v");
        assertError(WRONGTYPE, "SMOVE", "dst", "str", "a");
        assertThat(call("SCARD", "dst")).isEqualTo(2L);
    }

    @Test
    void algebra() {
        call("SADD", "a", "1", "2", "3", "4");
        call("SADD", "b", "3", "4", "5");
        call("SADD", "c", "4", "6");
        assertThat(strings(call("SINTER", "a", "b"))).containsExactlyInAnyOrder("3", "4");
        assertThat(strings(call("SINTER", "a", "b", "c"))).containsExactly("4");
        assertThat(call("SINTER", "a", "missing")).isEqualTo(List.of());
        assertThat(call("SINTERCARD", "2", "a", "b")).isEqualTo(2L);
        assertThat(call("SINTERCARD", "2", "a", "b", "LIMIT", "1")).isEqualTo(1L);
        assertThat(call("SINTERCARD", "2", "a", "missing")).isEqualTo(0L);
        assertError("ERR numkeys should be greater than 0", "SINTERCARD", "0", "a");
        assertError("ERR Number of keys can't be greater than number of args", "SINTERCARD", "5", "a");
        assertError("ERR LIMIT can't be negative", "SINTERCARD", "1", "a", "LIMIT", "-1");
        assertThat(strings(call("SUNION", "a", "b", "missing"))).containsExactlyInAnyOrder("1", "2", "3", "4", "5");
        assertThat(strings(call("SDIFF", "a", "b", "c"))).containsExactlyInAnyOrder("1", "2");
        assertThat(call("SDIFF", "missing", "a")).isEqualTo(List.of());

        assertThat(call("SINTERSTORE", "d", "a", "b")).isEqualTo(2L);
        assertThat(strings(call("SMEMBERS", "d"))).containsExactlyInAnyOrder("3", "4");
        assertThat(call("SUNIONSTORE", "d", "b", "c")).isEqualTo(4L);
        assertThat(strings(call("SMEMBERS", "d"))).containsExactlyInAnyOrder("3", "4", "5", "6");
        assertThat(call("SDIFFSTORE", "d", "a", "b")).isEqualTo(2L);
        assertThat(strings(call("SMEMBERS", "d"))).containsExactlyInAnyOrder("1", "2");
        call("SET", "str", "v");
        assertThat(call("SINTERSTORE", "str", "a", "missing")).as("empty result deletes the destination").isEqualTo(0L);
        assertThat(call("EXISTS", "str")).isEqualTo(0L);
        call("SET", "str", "v");
        assertThat(call("SUNIONSTORE", "str", "c")).as("destination of any type is overwritten").isEqualTo(2L);
        assertThat(call("TYPE", "str")).isEqualTo("set");
        call("SET", "x", "v");
        assertError(WRONGTYPE, "SINTER", "a", "x");
        assertError(WRONGTYPE, "SUNION", "a", "x");
        assertError(WRONGTYPE, "SDIFF", "a", "x");
        assertError(WRONGTYPE, "SINTERSTORE", "d", "a", "x");
    }

    @Test
    void sscanFullScanAndMatch() {
        for (int n : new int[] {10, 300}) {
            redis.del("s");
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < n; i++) {
                expected.add("m" + i);
            }
            redis.sadd("s", expected.toArray(new String[0]));
            Set<String> seen = new HashSet<>();
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = redis.sscan("s", cursor, new ScanParams().count(20));
                seen.addAll(page.getResult());
                cursor = page.getCursor();
            } while (!cursor.equals("0"));
            assertThat(seen).isEqualTo(expected);
        }
        call("SADD", "i", "1", "2", "3", "10");
        List<Object> reply = (List<Object>) call("SSCAN", "i", "0", "MATCH", "1*");
        assertThat(reply.get(0)).isEqualTo("0");
        assertThat(strings(reply.get(1))).containsExactlyInAnyOrder("1", "10");
        assertThat(call("SSCAN", "missing", "0")).isEqualTo(List.of("0", List.of()));
    }

    @Test
    void encodingsIntsetListpackHashtable() {
        call("SADD", "s", "1", "2", "-3");
        assertThat(call("OBJECT", "ENCODING", "s")).isEqualTo("intset");
        assertThat(call("SMEMBERS", "s")).as("intset is sorted").isEqualTo(List.of("-3", "1", "2"));
        call("SADD", "s", "a");
        assertThat(call("OBJECT", "ENCODING", "s")).isIn("listpack", "hashtable");
        assertThat(call("OBJECT", "ENCODING", "s")).isEqualTo("hashtable");

        for (int i = 0; i < 512; i++) {
            redis.sadd("big", Integer.toString(i));
        }
        assertThat(call("OBJECT", "ENCODING", "big")).isEqualTo("intset");
        redis.sadd("big", "512");
        assertThat(call("OBJECT", "ENCODING", "big")).isEqualTo("hashtable");
        redis.srem("big", "a");
        assertThat(call("OBJECT", "ENCODING", "big")).isEqualTo("hashtable");
    }

    @Test
    void wrongTypeAndArityErrors() {
        call("SET", "str", "v");
        for (String[] cmd : new String[][] {{"SADD", "str", "a"}, {"SREM", "str", "a"}, {"SCARD", "str"},
                {"SISMEMBER", "str", "a"}, {"SMISMEMBER", "str", "a"}, {"SMEMBERS", "str"},
                {"SRANDMEMBER", "str"}, {"SPOP", "str"}, {"SSCAN", "str", "0"}}) {
            assertError(WRONGTYPE, cmd);
        }
        assertError(wrongArgs("sadd"), "SADD", "s");
        assertError(wrongArgs("smove"), "SMOVE", "a", "b");
        assertError(wrongArgs("sintercard"), "SINTERCARD", "1");
    }

    @Test
    void edgeCases() {
        call("SADD", "s", "1", "2", "3");
        assertThat(call("SINTERCARD", "1", "s", "LIMIT", "0")).as("LIMIT 0 is unlimited").isEqualTo(3L);
        assertThat(call("SPOP", "s", "0")).isEqualTo(List.of());
        assertThat(call("SRANDMEMBER", "missing", "-3")).isEqualTo(List.of());
        assertThat(call("SMOVE", "s", "s", "1")).isEqualTo(1L);
        assertThat(call("SMOVE", "s", "s", "9")).isEqualTo(0L);
        assertThat(call("SMOVE", "missing", "s", "1")).isEqualTo(0L);
        assertThat(call("SINTERSTORE", "s", "s")).isEqualTo(3L);
        assertThat(call("SDIFFSTORE", "s", "s", "s")).isEqualTo(0L);
        assertThat(call("EXISTS", "s")).isEqualTo(0L);
        call("SADD", "i", "9223372036854775807", "-9223372036854775808");
        assertThat(call("OBJECT", "ENCODING", "i")).isEqualTo("intset");
        call("SADD", "i", "9223372036854775808");
        assertThat(call("OBJECT", "ENCODING", "i")).isEqualTo("hashtable");
        call("SADD", "j", "01");
        assertThat(call("OBJECT", "ENCODING", "j")).as("01 is not a canonical integer").isEqualTo("hashtable");
        call("SADD", "k", "-0");
        assertThat(call("OBJECT", "ENCODING", "k")).isEqualTo("hashtable");
        assertError(wrongArgs("smismember"), "SMISMEMBER", "i");
        assertError("ERR syntax error", "SINTERCARD", "1", "i", "LIMIT");
        call("SET", "str", "v");
        assertError(WRONGTYPE, "SINTERCARD", "2", "i", "str");
        assertError(WRONGTYPE, "SUNIONSTORE", "d", "i", "str");
        assertError(WRONGTYPE, "SDIFFSTORE", "d", "i", "str");
    }

    @Test
    void randomOperationsMatchAModel() {
        java.util.Random random = new java.util.Random(11);
        Set<String> a = new HashSet<>();
        Set<String> b = new HashSet<>();
        for (int op = 0; op < 2000; op++) {
            boolean onA = random.nextBoolean();
            Set<String> model = onA ? a : b;
            String key = onA ? "a" : "b";
            String m = random.nextInt(3) == 0 ? "s" + random.nextInt(40) : Integer.toString(random.nextInt(random.nextInt(10) == 0 ? 1000 : 40));
            switch (random.nextInt(6)) {
                case 0: case 1:
                    assertThat(redis.sadd(key, m)).isEqualTo(model.add(m) ? 1L : 0L);
                    break;
                case 2:
                    assertThat(redis.srem(key, m)).isEqualTo(model.remove(m) ? 1L : 0L);
                    break;
                case 3:
                    if (random.nextInt(4) == 0) {
                        Set<String> popped = redis.spop(key, 3);
                        assertThat(model).containsAll(popped);
                        assertThat(popped).hasSize(Math.min(3, model.size()));
                        model.removeAll(popped);
                    } else {
                        assertThat(redis.sismember(key, m)).isEqualTo(model.contains(m));
                    }
                    break;
                case 4: {
                    Set<String> inter = new HashSet<>(a);
                    inter.retainAll(b);
                    assertThat(redis.sinter("a", "b")).isEqualTo(inter);
                    Set<String> diff = new HashSet<>(a);
                    diff.removeAll(b);
                    assertThat(redis.sdiff("a", "b")).isEqualTo(diff);
                    assertThat(redis.sintercard("a", "b")).isEqualTo(inter.size());
                    break;
                }
                default: {
                    String dst = onA ? "b" : "a";
                    Set<String> dstModel = onA ? b : a;
                    boolean present = model.contains(m);
                    assertThat(redis.smove(key, dst, m)).isEqualTo(present ? 1L : 0L);
                    if (present) {
                        model.remove(m);
                        dstModel.add(m);
                    }
                }
            }
        }
        assertThat(redis.smembers("a")).isEqualTo(a);
        assertThat(redis.smembers("b")).isEqualTo(b);
        assertThat(redis.scard("a")).isEqualTo(a.size());
    }

    @Test
    void ttlAndExpiredCollections() {
        call("SADD", "s", "1");
        call("PEXPIRE", "s", "20");
        Jedis other = newConnection();
        Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> call(other, "PTTL", "s").equals(-2L));
        assertThat(call("SADD", "s", "2")).isEqualTo(1L);
        assertThat(call("SMEMBERS", "s")).as("the expired set is gone").isEqualTo(List.of("2"));
        assertThat(call("TTL", "s")).isEqualTo(-1L);
        call("EXPIRE", "s", "100");
        call("SREM", "s", "2");
        assertThat(call("EXISTS", "s")).isEqualTo(0L);
        call("SADD", "s", "3");
        assertThat(call("TTL", "s")).isEqualTo(-1L);
        call("SADD", "src", "x");
        call("EXPIRE", "src", "100");
        call("SINTERSTORE", "dst", "src");
        assertThat(call("TTL", "dst")).isEqualTo(-1L);
        call("SMOVE", "src", "dst2", "x");
        assertThat(call("EXISTS", "src")).isEqualTo(0L);
    }
}
