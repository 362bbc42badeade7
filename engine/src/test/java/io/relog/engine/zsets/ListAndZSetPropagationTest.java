package io.relog.engine.zsets;

import static io.relog.engine.TestEngine.integer;
import static org.assertj.core.api.Assertions.assertThat;

import io.relog.engine.TestEngine;
import io.relog.engine.keyspace.Database;
import io.relog.engine.types.ListValue;
import io.relog.engine.types.ZSetValue;
import org.junit.jupiter.api.Test;

/**
 * What list and sorted-set commands propagate: deterministic writes as sent, multi-key pops as the
 * plain pop of what they popped, reads and no-op writes nothing; emptied keys are deleted; the
 * sorted-set encodings convert at Redis' limits; a frozen database never sees later writes.
 */
class ListAndZSetPropagationTest {

    private final TestEngine t = new TestEngine();

    @Test
    void multiKeyPopsPropagateAsPlainPops() {
        t.cmd("RPUSH", "l", "a", "b", "c");
        t.cmd("ZADD", "z", "1", "a", "2", "b", "3", "c");
        t.takeStream();
        t.cmd("LMPOP", "2", "nokey", "l", "RIGHT", "COUNT", "10");
        t.cmd("ZMPOP", "2", "nokey", "z", "MAX", "COUNT", "2");
        t.cmd("ZMPOP", "1", "z", "MIN");
        assertThat(t.takeStream()).containsExactly("RPOP l 3", "ZPOPMAX z 2", "ZPOPMIN z 1");
        assertThat(t.cmd("EXISTS", "l", "z")).isEqualTo(integer(0));
    }

    @Test
    void writesPropagateAsSentAndNoOpsNothing() {
        t.cmd("ZADD", "z", "INCR", "1.5", "m");
        t.cmd("ZINCRBY", "z", "2", "m");
        t.cmd("ZINCRBY", "z", "0", "m");            // unchanged score: nothing
        t.cmd("ZADD", "z", "INCR", "0", "m");       // unchanged score: nothing
        t.cmd("ZADD", "z", "NX", "5", "m");        // blocked: nothing
        t.cmd("ZADD", "z", "XX", "5", "absent");   // blocked: nothing
        t.cmd("ZREM", "z", "absent");               // nothing
        t.cmd("ZRANDMEMBER", "z", "-5");            // a read
        t.cmd("ZREMRANGEBYSCORE", "z", "10", "20"); // nothing in range
        t.cmd("LPOP", "nokey", "3");
        t.cmd("LPUSHX", "nokey", "a");
        t.cmd("RPUSH", "l", "a");
        t.cmd("LTRIM", "l", "0", "-1");             // keeps everything: nothing
        t.cmd("LREM", "l", "0", "zz");
        t.cmd("LINSERT", "l", "BEFORE", "zz", "x");
        t.cmd("LMOVE", "l", "l2", "LEFT", "RIGHT");
        assertThat(t.takeStream()).containsExactly("SELECT 0", "ZADD z INCR 1.5 m", "ZINCRBY z 2 m", "RPUSH l a",
                "LMOVE l l2 LEFT RIGHT");
        assertThat(t.cmd("EXISTS", "l")).isEqualTo(integer(0));
        assertThat(t.cmd("ZSCORE", "z", "m")).isEqualTo(TestEngine.bulk("3.5"));
    }

    @Test
    void storeWithEmptyResultDeletesDestination() {
        t.cmd("ZADD", "dst", "1", "a");
        t.takeStream();
        assertThat(t.cmd("ZINTERSTORE", "dst", "2", "dst", "nokey")).isEqualTo(integer(0));
        assertThat(t.cmd("EXISTS", "dst")).isEqualTo(integer(0));
        assertThat(t.cmd("ZUNIONSTORE", "dst", "1", "nokey")).isEqualTo(integer(0));
        assertThat(t.takeStream()).containsExactly("ZINTERSTORE dst 2 dst nokey");
    }

    @Test
    void encodingConvertsAtRedisLimits() {
        for (int i = 0; i < 128; i++) {
            t.cmd("ZADD", "z", Integer.toString(i), "m" + i);
        }
        assertThat(t.cmd("OBJECT", "ENCODING", "z")).isEqualTo(TestEngine.bulk("listpack"));
        t.cmd("ZADD", "z", "1", "one-more");
        assertThat(t.cmd("OBJECT", "ENCODING", "z")).isEqualTo(TestEngine.bulk("skiplist"));
        t.cmd("ZREMRANGEBYRANK", "z", "0", "-3");
        assertThat(t.cmd("OBJECT", "ENCODING", "z")).isEqualTo(TestEngine.bulk("skiplist"));
        t.cmd("ZADD", "w", "1", "x".repeat(64));
        assertThat(t.cmd("OBJECT", "ENCODING", "w")).isEqualTo(TestEngine.bulk("listpack"));
        t.cmd("ZADD", "w", "1", "x".repeat(65));
        assertThat(t.cmd("OBJECT", "ENCODING", "w")).isEqualTo(TestEngine.bulk("skiplist"));
        t.cmd("ZRANGESTORE", "small", "z", "0", "0");
        assertThat(t.cmd("OBJECT", "ENCODING", "small")).isEqualTo(TestEngine.bulk("listpack"));
        t.cmd("RPUSH", "l", "a");
        assertThat(t.cmd("OBJECT", "ENCODING", "l")).isEqualTo(TestEngine.bulk("quicklist"));
    }

    @Test
    void configuredLimitsDecideTheEncoding() {
        t.engine.setZsetEncodingLimits(2, 64);
        t.cmd("ZADD", "c1", "1", "a", "2", "b");
        assertThat(t.cmd("OBJECT", "ENCODING", "c1")).isEqualTo(TestEngine.bulk("listpack"));
        t.cmd("ZADD", "c1", "3", "c");
        assertThat(t.cmd("OBJECT", "ENCODING", "c1")).isEqualTo(TestEngine.bulk("skiplist"));
        t.engine.setZsetEncodingLimits(0, 64);
        t.cmd("ZADD", "c2", "1", "a");
        assertThat(t.cmd("OBJECT", "ENCODING", "c2")).isEqualTo(TestEngine.bulk("skiplist"));
        t.engine.setZsetEncodingLimits(128, 3);
        t.cmd("ZADD", "c3", "1", "abcd");
        assertThat(t.cmd("OBJECT", "ENCODING", "c3")).isEqualTo(TestEngine.bulk("skiplist"));
        t.cmd("ZUNIONSTORE", "c4", "1", "c1");
        assertThat(t.cmd("OBJECT", "ENCODING", "c4")).isEqualTo(TestEngine.bulk("listpack"));
    }

    @Test
    void frozenViewNeverSeesLaterWrites() {
        for (int i = 0; i < 500; i++) {
            t.cmd("RPUSH", "l", "e" + i);
            t.cmd("ZADD", "z", Integer.toString(i), "m" + i);
        }
        Database live = t.engine.db(0);
        Database view = live.freeze();
        ListValue frozenList = (ListValue) view.peek("l".getBytes());
        ZSetValue frozenZset = (ZSetValue) view.peek("z".getBytes());
        t.cmd("LSET", "l", "250", "changed");
        t.cmd("LPOP", "l", "100");
        t.cmd("ZADD", "z", "-1", "m400");
        t.cmd("ZREMRANGEBYRANK", "z", "0", "99");
        assertThat(frozenList.size()).isEqualTo(500);
        assertThat(new String((byte[]) frozenList.items().get(250))).isEqualTo("e250");
        assertThat(frozenZset.size()).isEqualTo(500);
        assertThat(frozenZset.score("m400".getBytes())).isEqualTo(400.0);
        assertThat(frozenZset.rank("m0".getBytes())).isZero();
        assertThat(t.cmd("LINDEX", "l", "150")).isEqualTo(TestEngine.bulk("changed"));
        assertThat(t.cmd("ZCARD", "z")).isEqualTo(integer(400));
    }
}
