package io.relog.engine.strings;

import static io.relog.engine.TestEngine.NIL;
import static io.relog.engine.TestEngine.OK;
import static io.relog.engine.TestEngine.START;
import static io.relog.engine.TestEngine.bulk;
import static io.relog.engine.TestEngine.err;
import static io.relog.engine.TestEngine.integer;
import static org.assertj.core.api.Assertions.assertThat;

import io.relog.engine.TestEngine;
import io.relog.engine.command.Errors;
import org.junit.jupiter.api.Test;

class StringCommandsTest {

    private final TestEngine t = new TestEngine();

    /** Stores a non-string value so WRONGTYPE paths can be exercised before other types exist. */
    private void putList(String key) {
        t.engine.db(t.session.db()).put(key.getBytes(), new Object(), 0, false);
    }

    @Test
    void getAndSet() {
        assertThat(t.cmd("GET", "k")).isEqualTo(NIL);
        assertThat(t.cmd("SET", "k", "hello")).isEqualTo(OK);
        assertThat(t.cmd("GET", "k")).isEqualTo("$5\r\nhello\r\n");
        assertThat(t.cmd("set", "k", "")).isEqualTo(OK);
        assertThat(t.cmd("get", "k")).isEqualTo("$0\r\n\r\n");
        assertThat(t.cmd("get")).isEqualTo(err("ERR wrong number of arguments for 'get' command"));
        assertThat(t.takeStream()).containsExactly("SELECT 0", "SET k hello", "set k ");
    }

    @Test
    void setOptionsSyntax() {
        assertThat(t.cmd("SET", "k", "v", "NX", "XX")).isEqualTo(err(Errors.SYNTAX));
        assertThat(t.cmd("SET", "k", "v", "EX", "10", "PX", "10")).isEqualTo(err(Errors.SYNTAX));
        assertThat(t.cmd("SET", "k", "v", "KEEPTTL", "EX", "1")).isEqualTo(err(Errors.SYNTAX));
        assertThat(t.cmd("SET", "k", "v", "EX", "1", "KEEPTTL")).isEqualTo(err(Errors.SYNTAX));
        assertThat(t.cmd("SET", "k", "v", "EX")).isEqualTo(err(Errors.SYNTAX));
        assertThat(t.cmd("SET", "k", "v", "foo")).isEqualTo(err(Errors.SYNTAX));
        assertThat(t.cmd("SET", "k", "v", "EX", "0")).isEqualTo(err("ERR invalid expire time in 'set' command"));
        assertThat(t.cmd("SET", "k", "v", "EX", "-1")).isEqualTo(err("ERR invalid expire time in 'set' command"));
        assertThat(t.cmd("SET", "k", "v", "EX", "abc")).isEqualTo(err(Errors.NOT_INTEGER));
        assertThat(t.cmd("SET", "k", "v", "EX", "9223372036854775807"))
                .isEqualTo(err("ERR invalid expire time in 'set' command"));
        assertThat(t.cmd("SET", "k", "v", "PX", "9223372036854775807"))
                .isEqualTo(err("ERR invalid expire time in 'set' command"));
        assertThat(t.cmd("SET", "k", "v", "GET", "GET")).isEqualTo(NIL);
        // The same option twice is accepted, the last value wins.
        assertThat(t.cmd("SET", "k", "v", "EX", "10", "EX", "20", "NX", "NX")).isEqualTo(NIL);
        assertThat(t.cmd("SET", "k", "v", "EX", "10", "EX", "20", "KEEPTTL")).isEqualTo(err(Errors.SYNTAX));
        assertThat(t.cmd("SET", "k", "v", "EX", "10", "EX", "20")).isEqualTo(OK);
        assertThat(t.cmd("TTL", "k")).isEqualTo(integer(20));
        assertThat(t.cmd("SET", "k", "v", "KEEPTTL", "KEEPTTL")).isEqualTo(OK);
        assertThat(t.cmd("TTL", "k")).isEqualTo(integer(20));
        assertThat(t.cmd("GET", "k")).isEqualTo(bulk("v"));
    }

    @Test
    void setNxXxGetAndPropagation() {
        assertThat(t.cmd("SET", "k", "v1", "XX")).isEqualTo(NIL);
        assertThat(t.cmd("SET", "k", "v1", "NX")).isEqualTo(OK);
        assertThat(t.cmd("SET", "k", "v2", "NX")).isEqualTo(NIL);
        assertThat(t.cmd("SET", "k", "v2", "XX", "GET")).isEqualTo(bulk("v1"));
        assertThat(t.cmd("SET", "k", "v3", "NX", "GET")).isEqualTo(bulk("v2"));
        assertThat(t.cmd("SET", "n", "v", "NX", "get")).isEqualTo(NIL);
        assertThat(t.cmd("GET", "k")).isEqualTo(bulk("v2"));
        assertThat(t.takeStream()).containsExactly("SELECT 0", "SET k v1 NX", "SET k v2 XX", "SET n v NX");
    }

    @Test
    void setExpiryIsPropagatedAsPxat() {
        assertThat(t.cmd("SET", "k", "v", "EX", "10")).isEqualTo(OK);
        assertThat(t.cmd("SET", "a", "v", "px", "1500", "GET", "NX")).isEqualTo(NIL);
        assertThat(t.cmd("SET", "b", "v", "EXAT", "1800000000")).isEqualTo(OK);
        assertThat(t.cmd("SET", "c", "v", "PXAT", "1800000000123")).isEqualTo(OK);
        assertThat(t.takeStream()).containsExactly("SELECT 0",
                "SET k v PXAT " + (START + 10_000),
                "SET a v PXAT " + (START + 1500),
                "SET b v PXAT 1800000000000",
                "SET c v PXAT 1800000000123");
        assertThat(t.cmd("PTTL", "k")).isEqualTo(integer(10_000));
        assertThat(t.cmd("SET", "k", "w", "KEEPTTL")).isEqualTo(OK);
        assertThat(t.cmd("PTTL", "k")).isEqualTo(integer(10_000));
        assertThat(t.cmd("SET", "k", "x")).isEqualTo(OK);
        assertThat(t.cmd("PTTL", "k")).isEqualTo(integer(-1));
    }

    @Test
    void setWithTimeInThePastStoresAnAlreadyExpiredKey() {
        assertThat(t.cmd("SET", "k", "v", "PXAT", "1")).isEqualTo(OK);
        assertThat(t.cmd("EXISTS", "k")).isEqualTo(integer(0));
        assertThat(t.takeStream()).containsExactly("SELECT 0", "SET k v PXAT 1", "DEL k");
    }

    @Test
    void wrongType() {
        putList("l");
        for (String[] c : new String[][] {{"GET", "l"}, {"SET", "l", "v", "GET"}, {"INCR", "l"},
                {"APPEND", "l", "x"}, {"STRLEN", "l"}, {"GETRANGE", "l", "0", "1"}, {"SETRANGE", "l", "0", "x"},
                {"GETSET", "l", "v"}, {"GETDEL", "l"}, {"GETEX", "l"}, {"INCRBYFLOAT", "l", "1"}}) {
            assertThat(t.cmd(c)).as(String.join(" ", c)).isEqualTo(err(Errors.WRONGTYPE));
        }
        assertThat(t.cmd("MGET", "l", "nokey")).isEqualTo("*2\r\n$-1\r\n$-1\r\n");
        assertThat(t.cmd("SET", "l", "v")).isEqualTo(OK);
        assertThat(t.takeStream()).containsExactly("SELECT 0", "SET l v");
    }

    @Test
    void setnxSetexPsetexGetset() {
        assertThat(t.cmd("SETNX", "k", "a")).isEqualTo(integer(1));
        assertThat(t.cmd("SETNX", "k", "b")).isEqualTo(integer(0));
        assertThat(t.cmd("SETEX", "k", "10", "c")).isEqualTo(OK);
        assertThat(t.cmd("PSETEX", "p", "2500", "d")).isEqualTo(OK);
        assertThat(t.cmd("SETEX", "k", "0", "c")).isEqualTo(err("ERR invalid expire time in 'setex' command"));
        assertThat(t.cmd("PSETEX", "k", "-1", "c")).isEqualTo(err("ERR invalid expire time in 'psetex' command"));
        assertThat(t.cmd("SETEX", "k", "abc", "c")).isEqualTo(err(Errors.NOT_INTEGER));
        assertThat(t.cmd("GETSET", "k", "e")).isEqualTo(bulk("c"));
        assertThat(t.cmd("TTL", "k")).isEqualTo(integer(-1));
        assertThat(t.cmd("GETSET", "new", "f")).isEqualTo(NIL);
        assertThat(t.takeStream()).containsExactly("SELECT 0", "SETNX k a",
                "SET k c PXAT " + (START + 10_000), "SET p d PXAT " + (START + 2500), "SET k e", "SET new f");
    }

    @Test
    void getdelAndGetex() {
        t.cmd("SET", "k", "v");
        assertThat(t.cmd("GETDEL", "k")).isEqualTo(bulk("v"));
        assertThat(t.cmd("GETDEL", "k")).isEqualTo(NIL);
        t.cmd("SET", "k", "v");
        t.takeStream();
        assertThat(t.cmd("GETEX", "k")).isEqualTo(bulk("v"));
        assertThat(t.cmd("GETEX", "k", "EX", "100")).isEqualTo(bulk("v"));
        assertThat(t.cmd("TTL", "k")).isEqualTo(integer(100));
        assertThat(t.cmd("GETEX", "k", "PERSIST")).isEqualTo(bulk("v"));
        assertThat(t.cmd("GETEX", "k", "PERSIST")).isEqualTo(bulk("v"));
        assertThat(t.cmd("GETEX", "k", "PXAT", "9999999999999")).isEqualTo(bulk("v"));
        assertThat(t.cmd("GETEX", "k", "EXAT", "1")).isEqualTo(bulk("v"));
        assertThat(t.cmd("GETEX", "k")).isEqualTo(NIL);
        assertThat(t.takeStream()).containsExactly("PEXPIREAT k " + (START + 100_000), "PERSIST k",
                "PEXPIREAT k 9999999999999", "DEL k");
        // Like Redis, the time is validated only once there is a string to apply it to.
        assertThat(t.cmd("GETEX", "k", "EX", "0")).isEqualTo(NIL);
        assertThat(t.cmd("GETEX", "k", "EX", "abc")).isEqualTo(NIL);
        t.cmd("SET", "k", "v");
        assertThat(t.cmd("GETEX", "k", "EX", "0")).isEqualTo(err("ERR invalid expire time in 'getex' command"));
        assertThat(t.cmd("GETEX", "k", "EX", "abc")).isEqualTo(err(Errors.NOT_INTEGER));
        assertThat(t.cmd("GETEX", "k", "PX", "9223372036854775807"))
                .isEqualTo(err("ERR invalid expire time in 'getex' command"));
        assertThat(t.cmd("GETEX", "k", "EX", "-5", "EX", "100")).isEqualTo(bulk("v"));
        assertThat(t.cmd("GETEX", "k", "PERSIST", "PERSIST")).isEqualTo(bulk("v"));
        assertThat(t.cmd("GETEX", "k", "EX", "1", "PX", "1")).isEqualTo(err(Errors.SYNTAX));
        assertThat(t.cmd("GETEX", "k", "PERSIST", "EX", "1")).isEqualTo(err(Errors.SYNTAX));
        assertThat(t.cmd("GETEX", "k", "EX")).isEqualTo(err(Errors.SYNTAX));
        assertThat(t.cmd("GETEX", "k", "foo")).isEqualTo(err(Errors.SYNTAX));
        assertThat(t.cmd("GETEX", "k", "EXAT", "9223372036854775807"))
                .isEqualTo(err("ERR invalid expire time in 'getex' command"));
    }

    @Test
    void mgetMsetMsetnx() {
        assertThat(t.cmd("MSET", "a", "1", "b", "2")).isEqualTo(OK);
        assertThat(t.cmd("MGET", "a", "x", "b")).isEqualTo("*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n2\r\n");
        assertThat(t.cmd("MSET", "a")).isEqualTo(err("ERR wrong number of arguments for 'mset' command"));
        assertThat(t.cmd("MSET", "a", "1", "b")).isEqualTo(err("ERR wrong number of arguments for 'mset' command"));
        assertThat(t.cmd("MSETNX", "a", "1", "b")).isEqualTo(err("ERR wrong number of arguments for 'msetnx' command"));
        assertThat(t.cmd("MSETNX", "c", "3", "a", "9")).isEqualTo(integer(0));
        assertThat(t.cmd("GET", "c")).isEqualTo(NIL);
        assertThat(t.cmd("MSETNX", "c", "3", "d", "4")).isEqualTo(integer(1));
        assertThat(t.takeStream()).containsExactly("SELECT 0", "MSET a 1 b 2", "MSETNX c 3 d 4");
    }

    @Test
    void counters() {
        assertThat(t.cmd("INCR", "n")).isEqualTo(integer(1));
        assertThat(t.cmd("INCRBY", "n", "10")).isEqualTo(integer(11));
        assertThat(t.cmd("DECR", "n")).isEqualTo(integer(10));
        assertThat(t.cmd("DECRBY", "n", "20")).isEqualTo(integer(-10));
        assertThat(t.cmd("INCRBY", "n", "abc")).isEqualTo(err(Errors.NOT_INTEGER));
        t.cmd("SET", "m", "9223372036854775807");
        assertThat(t.cmd("INCR", "m")).isEqualTo(err("ERR increment or decrement would overflow"));
        assertThat(t.cmd("DECRBY", "m", "-9223372036854775808")).isEqualTo(err("ERR decrement would overflow"));
        t.cmd("SET", "s", " 1");
        assertThat(t.cmd("INCR", "s")).isEqualTo(err(Errors.NOT_INTEGER));
        t.cmd("SET", "s", "1.5");
        assertThat(t.cmd("INCR", "s")).isEqualTo(err(Errors.NOT_INTEGER));
        t.cmd("SET", "t", "5", "EX", "100");
        assertThat(t.cmd("INCR", "t")).isEqualTo(integer(6));
        assertThat(t.cmd("TTL", "t")).isEqualTo(integer(100));
        t.takeStream();
        assertThat(t.cmd("incr", "t")).isEqualTo(integer(7));
        assertThat(t.takeStream()).containsExactly("incr t");
    }

    @Test
    void incrbyfloat() {
        assertThat(t.cmd("INCRBYFLOAT", "f", "1.5")).isEqualTo(bulk("1.5"));
        assertThat(t.cmd("INCRBYFLOAT", "f", "0.1")).isEqualTo(bulk("1.6"));
        assertThat(t.cmd("INCRBYFLOAT", "f", "1e2")).isEqualTo(bulk("101.6"));
        assertThat(t.cmd("INCRBYFLOAT", "f", "-101.6")).isEqualTo(bulk("0"));
        t.cmd("SET", "x", "5.76");
        assertThat(t.cmd("INCRBYFLOAT", "x", "3.0e3")).isEqualTo(bulk("3005.76000000000000001"));
        t.cmd("SET", "h", "0x10");
        assertThat(t.cmd("INCRBYFLOAT", "h", "1")).isEqualTo(bulk("17"));
        t.cmd("SET", "i", "inf");
        assertThat(t.cmd("INCRBYFLOAT", "i", "abc")).isEqualTo(err(Errors.NOT_FLOAT));
        assertThat(t.cmd("INCRBYFLOAT", "i", "1")).isEqualTo(err("ERR increment would produce NaN or Infinity"));
        t.cmd("SET", "g", "3.0e3");
        assertThat(t.cmd("INCRBYFLOAT", "g", "1")).isEqualTo(bulk("3001"));
        assertThat(t.cmd("INCRBYFLOAT", "g", "abc")).isEqualTo(err(Errors.NOT_FLOAT));
        assertThat(t.cmd("INCRBYFLOAT", "g", "inf")).isEqualTo(err("ERR increment would produce NaN or Infinity"));
        t.cmd("SET", "s", "abc");
        assertThat(t.cmd("INCRBYFLOAT", "s", "inf")).isEqualTo(err(Errors.NOT_FLOAT));
        t.cmd("SET", "s", " 1");
        assertThat(t.cmd("INCRBYFLOAT", "s", "1")).isEqualTo(err(Errors.NOT_FLOAT));
        assertThat(t.takeStream()).containsSubsequence("SET f 1.5 KEEPTTL", "SET f 1.6 KEEPTTL",
                "SET f 101.6 KEEPTTL", "SET f 0 KEEPTTL", "SET g 3001 KEEPTTL");
    }

    @Test
    void appendStrlenAndSizeLimit() {
        assertThat(t.cmd("APPEND", "k", "")).isEqualTo(integer(0));
        assertThat(t.cmd("EXISTS", "k")).isEqualTo(integer(1));
        assertThat(t.cmd("APPEND", "k", "hello")).isEqualTo(integer(5));
        assertThat(t.cmd("APPEND", "k", " world")).isEqualTo(integer(11));
        assertThat(t.cmd("GET", "k")).isEqualTo(bulk("hello world"));
        assertThat(t.cmd("STRLEN", "k")).isEqualTo(integer(11));
        assertThat(t.cmd("STRLEN", "nokey")).isEqualTo(integer(0));
        t.engine.setProtoMaxBulkLen(12);
        assertThat(t.cmd("APPEND", "k", "!")).isEqualTo(integer(12));
        assertThat(t.cmd("APPEND", "k", "!"))
                .isEqualTo(err("ERR string exceeds maximum allowed size (proto-max-bulk-len)"));
        assertThat(t.cmd("SETRANGE", "k", "12", "x"))
                .isEqualTo(err("ERR string exceeds maximum allowed size (proto-max-bulk-len)"));
        assertThat(t.cmd("SETRANGE", "new", "11", "x")).isEqualTo(integer(12));
        assertThat(t.cmd("SETRANGE", "new2", "12", "x"))
                .isEqualTo(err("ERR string exceeds maximum allowed size (proto-max-bulk-len)"));
    }

    @Test
    void getrangeAndSubstr() {
        t.cmd("SET", "s", "abc");
        assertThat(t.cmd("GETRANGE", "s", "0", "-1")).isEqualTo(bulk("abc"));
        assertThat(t.cmd("GETRANGE", "s", "-100", "100")).isEqualTo(bulk("abc"));
        assertThat(t.cmd("GETRANGE", "s", "2", "1")).isEqualTo(bulk(""));
        assertThat(t.cmd("GETRANGE", "s", "-1", "-2")).isEqualTo(bulk(""));
        assertThat(t.cmd("GETRANGE", "s", "5", "10")).isEqualTo(bulk(""));
        assertThat(t.cmd("GETRANGE", "nokey", "0", "-1")).isEqualTo(bulk(""));
        assertThat(t.cmd("GETRANGE", "s", "9223372036854775807", "9223372036854775807")).isEqualTo(bulk(""));
        assertThat(t.cmd("GETRANGE", "s", "-9223372036854775808", "-9223372036854775808")).isEqualTo(bulk("a"));
        assertThat(t.cmd("GETRANGE", "s", "a", "b")).isEqualTo(err(Errors.NOT_INTEGER));
        assertThat(t.cmd("SUBSTR", "s", "0", "1")).isEqualTo(bulk("ab"));
    }

    @Test
    void setrange() {
        assertThat(t.cmd("SETRANGE", "k", "-1", "x")).isEqualTo(err("ERR offset is out of range"));
        assertThat(t.cmd("SETRANGE", "k", "0", "")).isEqualTo(integer(0));
        assertThat(t.cmd("EXISTS", "k")).isEqualTo(integer(0));
        assertThat(t.cmd("SETRANGE", "k", "3", "ab")).isEqualTo(integer(5));
        assertThat(t.cmd("GET", "k")).isEqualTo("$5\r\n\0\0\0ab\r\n");
        assertThat(t.cmd("SETRANGE", "k", "1", "xyz")).isEqualTo(integer(5));
        assertThat(t.cmd("GET", "k")).isEqualTo("$5\r\n\0xyzb\r\n");
        assertThat(t.cmd("SETRANGE", "k", "0", "")).isEqualTo(integer(5));
        assertThat(t.takeStream()).containsExactly("SELECT 0", "SETRANGE k 3 ab", "SETRANGE k 1 xyz");
    }

    @Test
    void lcs() {
        t.cmd("SET", "a", "ohmytext");
        t.cmd("SET", "b", "mynewtext");
        assertThat(t.cmd("LCS", "a", "b")).isEqualTo(bulk("mytext"));
        assertThat(t.cmd("LCS", "a", "b", "LEN")).isEqualTo(integer(6));
        assertThat(t.cmd("LCS", "a", "b", "IDX")).isEqualTo("*4\r\n$7\r\nmatches\r\n*2\r\n"
                + "*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n"
                + "*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n"
                + "$3\r\nlen\r\n:6\r\n");
        assertThat(t.cmd("LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN")).isEqualTo(
                "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n");
        assertThat(t.cmd("LCS", "a", "nokey", "IDX")).isEqualTo("*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n");
        assertThat(t.cmd("LCS", "a", "b", "LEN", "IDX"))
                .isEqualTo(err("ERR If you want both the length and indexes, please just use IDX."));
        assertThat(t.cmd("LCS", "a", "b", "foo")).isEqualTo(err(Errors.SYNTAX));
        assertThat(t.cmd("LCS", "a", "b", "IDX", "MINMATCHLEN", "abc")).isEqualTo(err(Errors.NOT_INTEGER));
        putList("l");
        assertThat(t.cmd("LCS", "l", "a", "foo")).isEqualTo(err("ERR The specified keys must contain string values"));
    }

    @Test
    void lazyExpiryOnRead() {
        t.cmd("SET", "k", "v", "PX", "100");
        t.advance(99);
        assertThat(t.cmd("GET", "k")).isEqualTo(bulk("v"));
        t.advance(1);
        assertThat(t.cmd("GET", "k")).isEqualTo(NIL);
        assertThat(t.takeStream()).containsExactly("SELECT 0", "SET k v PXAT " + (START + 100), "DEL k");
    }
}
