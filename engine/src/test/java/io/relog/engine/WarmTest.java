package io.relog.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Engine#warm} is only a hint: two engines fed the same random pipelined batches, one
 * warming before each batch and one not, give the same replies, the same propagated stream and
 * the same statistics, and warming alone changes nothing.
 */
class WarmTest {

    private static byte[][] argv(String... args) {
        byte[][] a = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            a[i] = args[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        return a;
    }

    /** A random command over strings and large collections (hash tries), valid or not. */
    private static byte[][] randomCommand(Random rnd) {
        String k = "k" + rnd.nextInt(2_000);
        String m = "m" + rnd.nextInt(3_000);
        String big = new String[] {"set:big", "hash:big", "zset:big"}[rnd.nextInt(3)];
        switch (rnd.nextInt(16)) {
            case 0: return argv("SET", k, "v" + rnd.nextInt(100));
            case 1: return argv("GET", k);
            case 2: return argv("MSET", k, "x", "k" + rnd.nextInt(2_000), "y");
            case 3: return argv("SADD", "set:big", m, "m" + rnd.nextInt(3_000));
            case 4: return argv("SISMEMBER", "set:big", m);
            case 5: return argv("HSET", "hash:big", m, "v", "f" + rnd.nextInt(3_000), "w");
            case 6: return argv("HGET", "hash:big", m);
            case 7: return argv("ZADD", "zset:big", "NX", "CH", String.valueOf(rnd.nextInt(100)), m);
            case 8: return argv("ZADD", "zset:big", String.valueOf(rnd.nextInt(100)), m, "1", "m1");
            case 9: return argv("ZINCRBY", "zset:big", "1", m);
            case 10: return argv("ZSCORE", big, m); // sometimes WRONGTYPE
            case 11: return argv("ZADD", "zset:big", "NX"); // wrong arity
            case 12: return argv("HSETNX", big, m, "z");
            case 13: return argv("DEL", k, "k" + rnd.nextInt(2_000));
            case 14: return argv("NOSUCHCOMMAND", k);
            default: return argv("SREM", big, m, "x");
        }
    }

    @Test
    void warmingChangesNoReplyStreamOrStatistic() {
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        String why = "seed " + seed;
        TestEngine plain = new TestEngine();
        TestEngine warmed = new TestEngine();
        for (TestEngine t : List.of(plain, warmed)) {
            for (int i = 0; i < 1_000; i++) { // past the listpack limits: hash tries inside
                t.cmd("SADD", "set:big", "m" + i);
                t.cmd("HSET", "hash:big", "m" + i, "v");
                t.cmd("ZADD", "zset:big", String.valueOf(i), "m" + i);
            }
            assertThat(t.cmd("OBJECT", "ENCODING", "set:big")).isEqualTo(TestEngine.bulk("hashtable"));
            assertThat(t.cmd("OBJECT", "ENCODING", "zset:big")).isEqualTo(TestEngine.bulk("skiplist"));
            t.takeStream();
        }
        for (int batch = 0; batch < 500; batch++) {
            List<Object> items = new ArrayList<>();
            int n = 1 + rnd.nextInt(20);
            for (int i = 0; i < n; i++) {
                items.add(rnd.nextInt(50) == 0 ? "not a command" : randomCommand(rnd));
            }
            long hits = warmed.engine.keyspaceHits();
            long misses = warmed.engine.keyspaceMisses();
            long commands = warmed.engine.totalCommands();
            int from = rnd.nextInt(items.size());
            warmed.engine.warm(warmed.session, items, from, from + rnd.nextInt(40));
            assertThat(warmed.engine.keyspaceHits()).as(why).isEqualTo(hits);
            assertThat(warmed.engine.keyspaceMisses()).as(why).isEqualTo(misses);
            assertThat(warmed.engine.totalCommands()).as(why).isEqualTo(commands);
            assertThat(warmed.takeStream()).as(why).isEmpty();
            for (Object item : items) {
                if (item instanceof byte[][] a) {
                    assertThat(warmed.exec(a.clone())).as(why).isEqualTo(plain.exec(a.clone()));
                }
            }
            assertThat(warmed.takeStream()).as(why).isEqualTo(plain.takeStream());
            plain.advance(1);
            warmed.advance(1);
        }
        assertThat(warmed.engine.keyspaceHits()).as(why).isEqualTo(plain.engine.keyspaceHits());
        assertThat(warmed.engine.keyspaceMisses()).as(why).isEqualTo(plain.engine.keyspaceMisses());
        assertThat(warmed.cmd("DBSIZE")).as(why).isEqualTo(plain.cmd("DBSIZE"));
        assertThat(warmed.cmd("ZRANGE", "zset:big", "0", "-1", "WITHSCORES"))
                .as(why).isEqualTo(plain.cmd("ZRANGE", "zset:big", "0", "-1", "WITHSCORES"));
    }
}
