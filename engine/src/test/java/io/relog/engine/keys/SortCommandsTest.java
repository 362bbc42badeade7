package io.relog.engine.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.relog.engine.TestEngine;
import org.junit.jupiter.api.Test;

/**
 * SORT and SORT_RO: the expected replies were recorded from redis-server 7.0.15 with the same
 * setup (set members come back sorted in every case here, so their iteration order does not matter).
 */
class SortCommandsTest {

    private final TestEngine t = new TestEngine();

    private void check(String expected, String... cmd) {
        assertThat(t.cmd(cmd)).as(String.join(" ", cmd)).isEqualTo(expected);
    }

    private void setup() {
        t.cmd("RPUSH", "l", "3", "1", "2", "10");
        t.cmd("RPUSH", "bad", "1", "", " 2", "abc");
        t.cmd("RPUSH", "e", "", " 2", "1");
        t.cmd("MSET", "w_3", "30", "w_1", "10", "w_2", "20", "w_10", "5");
        t.cmd("HSET", "h_1", "f", "b");
        t.cmd("HSET", "h_2", "f", "a");
        t.cmd("HSET", "h_3", "f", "c");
        t.cmd("HSET", "h_10", "f", "a");
        t.cmd("ZADD", "z", "1", "c", "2", "a", "3", "b");
        t.cmd("SADD", "s", "5", "3", "9");
        t.cmd("RPUSH", "m", "b", "a", "c", "a");
        t.cmd("SET", "str", "x");
        t.cmd("SADD", "ss", "b", "a", "c");
    }

    @Test
    void repliesMatchRedis() {
        setup();
        check("*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n", "sort", "l");
        check("*4\r\n$2\r\n10\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n", "sort", "l", "desc");
        check("*2\r\n$1\r\n2\r\n$1\r\n3\r\n", "sort", "l", "limit", "1", "2");
        check("*2\r\n$1\r\n1\r\n$1\r\n2\r\n", "sort", "l", "limit", "-1", "2");
        check("*0\r\n", "sort", "l", "limit", "10", "2");
        check("*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n", "sort", "l", "limit", "0", "-1");
        check("*4\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n", "sort", "l", "by", "nosort", "desc");
        check("*2\r\n$1\r\n1\r\n$1\r\n2\r\n", "sort", "l", "by", "nosort", "limit", "1", "2");
        check("*2\r\n$1\r\n2\r\n$1\r\n1\r\n", "sort", "l", "by", "nosort", "desc", "limit", "1", "2");
        check("*2\r\n$1\r\nb\r\n$1\r\na\r\n", "sort", "z", "by", "nosort", "desc", "limit", "0", "2");
        check("*3\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n", "sort", "z", "by", "nosort");
        check("-ERR One or more scores can't be converted into double\r\n", "sort", "z");
        check("*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", "sort", "z", "alpha");
        check("*2\r\n$1\r\nb\r\n$1\r\na\r\n", "sort", "z", "alpha", "desc", "limit", "1", "5");
        check("*4\r\n$2\r\n10\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n", "sort", "l", "by", "w_*");
        check("*4\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n$2\r\n10\r\n", "sort", "l", "by", "w_*", "desc");
        check("*8\r\n$2\r\n10\r\n$1\r\n5\r\n$1\r\n1\r\n$2\r\n10\r\n$1\r\n2\r\n$2\r\n20\r\n$1\r\n3\r\n$2\r\n30\r\n", "sort", "l", "by", "w_*", "get", "#", "get", "w_*");
        check("*8\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\na\r\n$2\r\n10\r\n$1\r\nb\r\n$1\r\n1\r\n$1\r\nc\r\n$1\r\n3\r\n", "sort", "l", "by", "h_*->f", "alpha", "get", "h_*->f", "get", "#");
        check("*4\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n2\r\n$2\r\n10\r\n", "sort", "l", "by", "h_*->f", "alpha", "desc");
        check("*4\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n", "sort", "l", "get", "nostar");
        check("-ERR One or more scores can't be converted into double\r\n", "sort", "l", "by", "h_*->f");
        check("-ERR One or more scores can't be converted into double\r\n", "sort", "bad");
        check("*3\r\n$0\r\n\r\n$1\r\n1\r\n$2\r\n 2\r\n", "sort", "e");
        check("*4\r\n$1\r\n1\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\n3\r\n", "sort", "l", "alpha");
        check("*3\r\n$1\r\n3\r\n$1\r\n5\r\n$1\r\n9\r\n", "sort", "s");
        check("*3\r\n$1\r\n9\r\n$1\r\n5\r\n$1\r\n3\r\n", "sort", "s", "desc");
        check("*0\r\n", "sort", "nokey");
        check("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "sort", "str");
        check("*8\r\n$1\r\n1\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n3\r\n$2\r\n10\r\n$2\r\n10\r\n", "sort", "l", "get", "#", "get", "#");
        check("*2\r\n$1\r\n3\r\n$1\r\n2\r\n", "sort", "l", "desc", "alpha", "limit", "0", "2");
        check("*3\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nc\r\n", "sort", "z", "by", "nosort", "desc");
        check("*4\r\n$1\r\n1\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\n3\r\n", "sort", "l", "by", "h_*->");
        check("*4\r\n$1\r\na\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", "sort", "m", "alpha");
        check("*4\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\na\r\n", "sort", "m", "alpha", "desc");
        check("*4\r\n$1\r\n1\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\n3\r\n", "sort", "l", "by", "nokey_*");
        check("*4\r\n$1\r\n3\r\n$1\r\n2\r\n$2\r\n10\r\n$1\r\n1\r\n", "sort", "l", "by", "nokey_*", "desc");
        check("*12\r\n$1\r\nb\r\n$-1\r\n$2\r\n10\r\n$1\r\na\r\n$-1\r\n$2\r\n20\r\n$1\r\nc\r\n$-1\r\n$2\r\n30\r\n$1\r\na\r\n$-1\r\n$1\r\n5\r\n", "sort", "l", "get", "h_*->f", "get", "h_*->g", "get", "w_*");
        check("-ERR syntax error\r\n", "sort", "l", "limit", "1");
        check("-ERR value is not an integer or out of range\r\n", "sort", "l", "limit", "a", "b");
        check("-ERR syntax error\r\n", "sort", "l", "foo");
        check("-ERR syntax error\r\n", "sort", "l", "by");
        check("-ERR syntax error\r\n", "sort", "str", "foo");
        check("-ERR syntax error\r\n", "sort_ro", "l", "store", "x");
        check("*2\r\n$1\r\n5\r\n$2\r\n10\r\n", "sort_ro", "l", "by", "w_*", "get", "w_*", "limit", "0", "2");
        check(":4\r\n", "sort", "l", "store", "dst");
        check("*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n", "lrange", "dst", "0", "-1");
        check(":4\r\n", "sort", "l", "get", "h_*->f", "store", "dst2");
        check("*4\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nc\r\n$1\r\na\r\n", "lrange", "dst2", "0", "-1");
        check(":0\r\n", "sort", "nokey", "store", "dst2");
        check(":0\r\n", "exists", "dst2");
        check(":3\r\n", "sort", "ss", "by", "nosort", "store", "s2");
        check("*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", "lrange", "s2", "0", "-1");
        check("+OK\r\n", "set", "dst3", "x", "ex", "100");
        check(":1\r\n", "sort", "l", "limit", "0", "1", "store", "dst3");
        check(":-1\r\n", "ttl", "dst3");
        check("+list\r\n", "type", "dst3");
        check("*4\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n", "sort", "l", "get", "#->f");
        check("*4\r\n$1\r\n1\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\n3\r\n", "sort", "l", "by", "w_*->f");
    }

    @Test
    void storePropagatesAsSentAndOnlyWhenSomethingChanged() {
        setup();
        t.takeStream();
        t.cmd("SORT", "l", "BY", "w_*", "STORE", "d");
        t.cmd("SORT", "nokey", "STORE", "nothere");
        t.cmd("SORT", "nokey", "STORE", "d");
        t.cmd("SORT", "l");
        assertThat(t.takeStream()).containsExactly("SORT l BY w_* STORE d", "SORT nokey STORE d");
    }

    @Test
    void storeReplacesAnyTypeAndBreaksWatch() {
        setup();
        t.cmd("WATCH", "str");
        t.cmd("SORT", "s", "STORE", "str");
        t.cmd("MULTI");
        t.cmd("SORT_RO", "l", "LIMIT", "0", "1");
        assertThat(t.cmd("EXEC")).isEqualTo("*-1\r\n");
        assertThat(t.cmd("LRANGE", "str", "0", "-1")).isEqualTo("*3\r\n$1\r\n3\r\n$1\r\n5\r\n$1\r\n9\r\n");
    }
}
