package io.relog.frontend.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** String commands through Jedis: replies, options, edge cases and exact error texts. */
class StringCommandsIT extends AbstractServerIT {

    @Test
    void getOfMissingKeyIsNilAndSetThenGetRoundTrips() {
        assertThat(call("GET", "k")).isNull();
        assertThat(call("SET", "k", "v")).isEqualTo("OK");
        assertThat(call("GET", "k")).isEqualTo("v");
        assertThat(call("SET", "k", "w")).isEqualTo("OK");
        assertThat(call("GET", "k")).isEqualTo("w");
    }

    @Test
    void valuesAreBinarySafe() {
        byte[] key = {0, 1, 2, (byte) 0xff, '\r', '\n'};
        byte[] value = new byte[1000];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i;
        }
        assertThat(redis.set(key, value)).isEqualTo("OK");
        assertThat(redis.get(key)).isEqualTo(value);
        assertThat(redis.strlen(key)).isEqualTo(1000L);
        assertThat(redis.set("empty", "")).isEqualTo("OK");
        assertThat(redis.get("empty")).isEmpty();
        assertThat(redis.exists("empty")).isTrue();
    }

    @Test
    void getAndSetArityErrors() {
        assertError(wrongArgs("get"), "GET");
        assertError(wrongArgs("get"), "GET", "a", "b");
        assertError(wrongArgs("set"), "SET", "k");
    }

    @Test
    void setWithExAndPxSetsTtl() {
        assertThat(call("SET", "k", "v", "EX", "100")).isEqualTo("OK");
        assertThat((Long) call("TTL", "k")).isBetween(99L, 100L);
        assertThat(call("SET", "k", "v", "PX", "100000")).isEqualTo("OK");
        assertThat((Long) call("PTTL", "k")).isBetween(99_000L, 100_000L);
        assertThat(call("SET", "k", "v", "ex", "50")).as("options are case-insensitive").isEqualTo("OK");
        assertThat((Long) call("TTL", "k")).isBetween(49L, 50L);
    }

    @Test
    void setWithExatAndPxatSetsAbsoluteExpiry() {
        long nowSec = System.currentTimeMillis() / 1000;
        assertThat(call("SET", "k", "v", "EXAT", Long.toString(nowSec + 1000))).isEqualTo("OK");
        assertThat(call("EXPIRETIME", "k")).isEqualTo(nowSec + 1000);
        long atMs = System.currentTimeMillis() + 500_000;
        assertThat(call("SET", "k", "v", "PXAT", Long.toString(atMs))).isEqualTo("OK");
        assertThat(call("PEXPIRETIME", "k")).isEqualTo(atMs);
    }

    @Test
    void setWithoutKeepTtlClearsTtlAndKeepTtlKeepsIt() {
        call("SET", "k", "v", "EX", "100");
        assertThat(call("SET", "k", "v2", "KEEPTTL")).isEqualTo("OK");
        assertThat((Long) call("TTL", "k")).isBetween(99L, 100L);
        assertThat(call("GET", "k")).isEqualTo("v2");
        assertThat(call("SET", "k", "v3")).isEqualTo("OK");
        assertThat(call("TTL", "k")).isEqualTo(-1L);
    }

    @Test
    void setNxAndXx() {
        assertThat(call("SET", "k", "v", "XX")).isNull();
        assertThat(call("EXISTS", "k")).isEqualTo(0L);
        assertThat(call("SET", "k", "v", "NX")).isEqualTo("OK");
        assertThat(call("SET", "k", "w", "NX")).isNull();
        assertThat(call("GET", "k")).isEqualTo("v");
        assertThat(call("SET", "k", "w", "XX")).isEqualTo("OK");
        assertThat(call("GET", "k")).isEqualTo("w");
    }

    @Test
    void setGetReturnsOldValue() {
        assertThat(call("SET", "k", "v1", "GET")).isNull();
        assertThat(call("SET", "k", "v2", "GET")).isEqualTo("v1");
        assertThat(call("SET", "k", "v3", "XX", "GET")).isEqualTo("v2");
        assertThat(call("SET", "other", "x", "XX", "GET")).isNull();
        assertThat(call("EXISTS", "other")).isEqualTo(0L);
        assertThat(call("SET", "k", "v4", "NX", "GET")).as("NX with GET is allowed since 7.0").isEqualTo("v3");
        assertThat(call("GET", "k")).isEqualTo("v3");
    }

    @Test
    void setOptionErrors() {
        assertError("ERR syntax error", "SET", "k", "v", "NX", "XX");
        assertError("ERR syntax error", "SET", "k", "v", "EX", "10", "PX", "10");
        assertError("ERR syntax error", "SET", "k", "v", "KEEPTTL", "EX", "10");
        assertError("ERR syntax error", "SET", "k", "v", "FOO");
        assertError("ERR syntax error", "SET", "k", "v", "EX");
        assertError("ERR value is not an integer or out of range", "SET", "k", "v", "EX", "abc");
        assertError("ERR invalid expire time in 'set' command", "SET", "k", "v", "EX", "0");
        assertError("ERR invalid expire time in 'set' command", "SET", "k", "v", "EX", "-1");
        assertError("ERR invalid expire time in 'set' command", "SET", "k", "v", "PX", "0");
        assertError("ERR invalid expire time in 'set' command", "SET", "k", "v", "EXAT", "0");
        assertError("ERR invalid expire time in 'set' command", "SET", "k", "v", "EX", "9223372036854775807");
        assertThat(call("EXISTS", "k")).as("failed SETs change nothing").isEqualTo(0L);
    }

    @Test
    void setnxSetexPsetex() {
        assertThat(call("SETNX", "k", "a")).isEqualTo(1L);
        assertThat(call("SETNX", "k", "b")).isEqualTo(0L);
        assertThat(call("GET", "k")).isEqualTo("a");
        assertThat(call("SETEX", "k", "100", "c")).isEqualTo("OK");
        assertThat(call("GET", "k")).isEqualTo("c");
        assertThat((Long) call("TTL", "k")).isBetween(99L, 100L);
        assertThat(call("PSETEX", "k", "100000", "d")).isEqualTo("OK");
        assertThat((Long) call("PTTL", "k")).isBetween(99_000L, 100_000L);
        assertError("ERR invalid expire time in 'setex' command", "SETEX", "k", "0", "v");
        assertError("ERR invalid expire time in 'setex' command", "SETEX", "k", "-5", "v");
        assertError("ERR invalid expire time in 'psetex' command", "PSETEX", "k", "0", "v");
        assertError("ERR value is not an integer or out of range", "SETEX", "k", "x", "v");
        assertError(wrongArgs("setex"), "SETEX", "k", "10");
        assertError(wrongArgs("setnx"), "SETNX", "k");
    }

    @Test
    void getsetGetdel() {
        assertThat(call("GETSET", "k", "a")).isNull();
        assertThat(call("GETSET", "k", "b")).isEqualTo("a");
        call("EXPIRE", "k", "100");
        assertThat(call("GETSET", "k", "c")).isEqualTo("b");
        assertThat(call("TTL", "k")).as("GETSET clears the TTL").isEqualTo(-1L);
        assertThat(call("GETDEL", "k")).isEqualTo("c");
        assertThat(call("EXISTS", "k")).isEqualTo(0L);
        assertThat(call("GETDEL", "k")).isNull();
    }

    @Test
    void getexChangesOrRemovesTtl() {
        assertThat(call("GETEX", "missing", "EX", "10")).isNull();
        call("SET", "k", "v");
        assertThat(call("GETEX", "k")).isEqualTo("v");
        assertThat(call("TTL", "k")).isEqualTo(-1L);
        assertThat(call("GETEX", "k", "EX", "100")).isEqualTo("v");
        assertThat((Long) call("TTL", "k")).isBetween(99L, 100L);
        assertThat(call("GETEX", "k", "PX", "200000")).isEqualTo("v");
        assertThat((Long) call("PTTL", "k")).isBetween(199_000L, 200_000L);
        long at = System.currentTimeMillis() / 1000 + 5000;
        assertThat(call("GETEX", "k", "EXAT", Long.toString(at))).isEqualTo("v");
        assertThat(call("EXPIRETIME", "k")).isEqualTo(at);
        long atMs = System.currentTimeMillis() + 7_000_000;
        assertThat(call("GETEX", "k", "PXAT", Long.toString(atMs))).isEqualTo("v");
        assertThat(call("PEXPIRETIME", "k")).isEqualTo(atMs);
        assertThat(call("GETEX", "k", "PERSIST")).isEqualTo("v");
        assertThat(call("TTL", "k")).isEqualTo(-1L);
    }

    @Test
    void getexErrors() {
        call("SET", "k", "v");
        assertError("ERR invalid expire time in 'getex' command", "GETEX", "k", "EX", "0");
        assertError("ERR syntax error", "GETEX", "k", "PX", "100", "EX", "100");
        assertError("ERR syntax error", "GETEX", "k", "FOO");
        assertError("ERR syntax error", "GETEX", "k", "EX", "10", "PERSIST");
        assertError("ERR value is not an integer or out of range", "GETEX", "k", "EX", "ten");
        assertThat(call("TTL", "k")).isEqualTo(-1L);
    }

    @Test
    void getexWithPastTimeDeletesKey() {
        call("SET", "k", "v");
        assertThat(call("GETEX", "k", "PXAT", "1")).isEqualTo("v");
        assertThat(call("EXISTS", "k")).isEqualTo(0L);
    }

    @Test
    void msetMgetMsetnx() {
        assertThat(call("MSET", "a", "1", "b", "2")).isEqualTo("OK");
        assertThat(call("MGET", "a", "missing", "b")).isEqualTo(Arrays.asList("1", null, "2"));
        assertThat(call("MSETNX", "a", "x", "c", "3")).isEqualTo(0L);
        assertThat(call("EXISTS", "c")).as("MSETNX sets nothing when any key exists").isEqualTo(0L);
        assertThat(call("MSETNX", "c", "3", "d", "4")).isEqualTo(1L);
        assertThat(call("MGET", "c", "d")).isEqualTo(List.of("3", "4"));
        assertThat(call("MSET", "a", "first", "a", "second")).isEqualTo("OK");
        assertThat(call("GET", "a")).as("the last of repeated keys wins").isEqualTo("second");
        assertError(wrongArgs("mset"), "MSET", "a");
        assertError(wrongArgs("mset"), "MSET", "a", "1", "b");
        assertError(wrongArgs("msetnx"), "MSETNX", "a", "1", "b");
        assertError(wrongArgs("mget"), "MGET");
    }

    @Test
    void incrDecrFamily() {
        assertThat(call("INCR", "n")).isEqualTo(1L);
        assertThat(call("INCRBY", "n", "10")).isEqualTo(11L);
        assertThat(call("INCRBY", "n", "-5")).isEqualTo(6L);
        assertThat(call("DECR", "n")).isEqualTo(5L);
        assertThat(call("DECRBY", "n", "7")).isEqualTo(-2L);
        assertThat(call("GET", "n")).isEqualTo("-2");
        assertThat(call("DECR", "fresh")).isEqualTo(-1L);
        call("SET", "n", "-9223372036854775808");
        assertThat(call("INCR", "n")).isEqualTo(-9223372036854775807L);
    }

    @Test
    void incrKeepsTtl() {
        call("SET", "n", "5", "EX", "100");
        assertThat(call("INCR", "n")).isEqualTo(6L);
        assertThat((Long) call("TTL", "n")).isBetween(99L, 100L);
    }

    @Test
    void incrErrors() {
        call("SET", "s", "abc");
        assertError("ERR value is not an integer or out of range", "INCR", "s");
        call("SET", "s", " 1");
        assertError("ERR value is not an integer or out of range", "INCR", "s");
        call("SET", "s", "01");
        assertError("ERR value is not an integer or out of range", "INCR", "s");
        call("SET", "s", "1.5");
        assertError("ERR value is not an integer or out of range", "INCR", "s");
        call("SET", "s", "99999999999999999999");
        assertError("ERR value is not an integer or out of range", "INCR", "s");
        assertError("ERR value is not an integer or out of range", "INCRBY", "n", "abc");
        assertError("ERR value is not an integer or out of range", "DECRBY", "n", "1.0");
        call("SET", "max", "9223372036854775807");
        assertError("ERR increment or decrement would overflow", "INCR", "max");
        assertError("ERR increment or decrement would overflow", "INCRBY", "max", "1");
        call("SET", "min", "-9223372036854775808");
        assertError("ERR increment or decrement would overflow", "DECR", "min");
        assertError("ERR decrement would overflow", "DECRBY", "min", "-9223372036854775808");
        assertThat(call("GET", "max")).isEqualTo("9223372036854775807");
        assertError(wrongArgs("incr"), "INCR");
        assertError(wrongArgs("incrby"), "INCRBY", "n");
    }

    @Test
    void incrbyfloat() {
        assertThat(call("INCRBYFLOAT", "f", "1.5")).isEqualTo("1.5");
        assertThat(call("INCRBYFLOAT", "f", "0.1")).isEqualTo("1.6");
        assertThat(call("INCRBYFLOAT", "f", "-1.6")).isEqualTo("0");
        assertThat(call("INCRBYFLOAT", "g", "3.0e3")).isEqualTo("3000");
        assertThat(call("INCRBYFLOAT", "h", "10.5000")).isEqualTo("10.5");
        call("SET", "i", "10");
        assertThat(call("INCRBYFLOAT", "i", "5")).isEqualTo("15");
        assertThat(call("GET", "i")).isEqualTo("15");
        call("SET", "t", "1", "EX", "100");
        call("INCRBYFLOAT", "t", "1");
        assertThat((Long) call("TTL", "t")).as("INCRBYFLOAT keeps the TTL").isBetween(99L, 100L);
    }

    @Test
    void incrbyfloatErrors() {
        assertError("ERR value is not a valid float", "INCRBYFLOAT", "f", "abc");
        call("SET", "s", "abc");
        assertError("ERR value is not a valid float", "INCRBYFLOAT", "s", "1");
        call("SET", "f", "1");
        assertError("ERR increment would produce NaN or Infinity", "INCRBYFLOAT", "f", "inf");
        assertThat(call("GET", "f")).isEqualTo("1");
        assertError(wrongArgs("incrbyfloat"), "INCRBYFLOAT", "f");
    }

    @Test
    void appendAndStrlen() {
        assertThat(call("APPEND", "k", "hello")).isEqualTo(5L);
        assertThat(call("APPEND", "k", " world")).isEqualTo(11L);
        assertThat(call("GET", "k")).isEqualTo("hello world");
        assertThat(call("STRLEN", "k")).isEqualTo(11L);
        assertThat(call("STRLEN", "missing")).isEqualTo(0L);
        call("SET", "n", "12");
        assertThat(call("APPEND", "n", "3")).isEqualTo(3L);
        assertThat(call("INCR", "n")).isEqualTo(124L);
        assertThat(call("STRLEN", "n")).as("STRLEN of an integer-encoded value").isEqualTo(3L);
    }

    @Test
    void getrangeAndSubstr() {
        call("SET", "k", "hello world");
        assertThat(call("GETRANGE", "k", "0", "4")).isEqualTo("hello");
        assertThat(call("GETRANGE", "k", "-5", "-1")).isEqualTo("world");
        assertThat(call("GETRANGE", "k", "5", "1")).isEqualTo("");
        assertThat(call("GETRANGE", "k", "0", "100")).isEqualTo("hello world");
        assertThat(call("GETRANGE", "k", "-100", "2")).isEqualTo("hel");
        assertThat(call("GETRANGE", "missing", "0", "1")).isEqualTo("");
        assertThat(call("SUBSTR", "k", "0", "4")).isEqualTo("hello");
        assertError("ERR value is not an integer or out of range", "GETRANGE", "k", "a", "b");
        assertError(wrongArgs("getrange"), "GETRANGE", "k", "0");
    }

    @Test
    void setrange() {
        call("SET", "k", "hello world");
        assertThat(call("SETRANGE", "k", "6", "Redis")).isEqualTo(11L);
        assertThat(call("GET", "k")).isEqualTo("hello Redis");
        assertThat(call("SETRANGE", "k", "11", "!")).isEqualTo(12L);
        assertThat(call("SETRANGE", "z", "3", "x")).isEqualTo(4L);
        assertThat(redis.get("z".getBytes())).isEqualTo(new byte[] {0, 0, 0, 'x'});
        assertThat(call("SETRANGE", "empty", "0", "")).isEqualTo(0L);
        assertThat(call("EXISTS", "empty")).as("an empty SETRANGE on a missing key creates nothing").isEqualTo(0L);
        assertThat(call("SETRANGE", "k", "100", "")).as("an empty SETRANGE does not pad").isEqualTo(12L);
        assertError("ERR offset is out of range", "SETRANGE", "k", "-1", "x");
        assertError("ERR string exceeds maximum allowed size (proto-max-bulk-len)", "SETRANGE", "k", "536870912", "x");
        assertError("ERR value is not an integer or out of range", "SETRANGE", "k", "x", "x");
    }

    @Test
    void lcs() {
        call("MSET", "a", "ohmytext", "b", "mynewtext");
        assertThat(call("LCS", "a", "b")).isEqualTo("mytext");
        assertThat(call("LCS", "a", "b", "LEN")).isEqualTo(6L);
        assertThat(call("LCS", "a", "missing")).isEqualTo("");
        assertThat(call("LCS", "a", "b", "IDX")).isEqualTo(List.of(
                "matches", List.of(
                        List.of(List.of(4L, 7L), List.of(5L, 8L)),
                        List.of(List.of(2L, 3L), List.of(0L, 1L))),
                "len", 6L));
        assertThat(call("LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN")).isEqualTo(List.of(
                "matches", List.of(List.of(List.of(4L, 7L), List.of(5L, 8L), 4L)),
                "len", 6L));
        assertError("ERR If you want both the length and indexes, please just use IDX.", "LCS", "a", "b", "LEN", "IDX");
        assertError("ERR syntax error", "LCS", "a", "b", "FOO");
        assertError(wrongArgs("lcs"), "LCS", "a");
    }

    @Test
    void setWithAbsoluteTimeInThePastStoresNothingVisible() {
        assertThat(call("SET", "k", "v", "EXAT", "1")).isEqualTo("OK");
        assertThat(call("EXISTS", "k")).isEqualTo(0L);
        call("SET", "k", "old");
        assertThat(call("SET", "k", "v", "PXAT", "1", "GET")).isEqualTo("old");
        assertThat(call("GET", "k")).isNull();
        assertError("ERR invalid expire time in 'setex' command", "SETEX", "k", "9223372036854775807", "v");
    }

    @Test
    void incrbyfloatParsesExponentsButNotSpaces() {
        call("SET", "f", "1e5");
        assertThat(call("INCRBYFLOAT", "f", "1")).isEqualTo("100001");
        call("SET", "f", " 1");
        assertError("ERR value is not a valid float", "INCRBYFLOAT", "f", "1");
        assertError("ERR value is not a valid float", "INCRBYFLOAT", "g", "1 ");
        assertThat(call("INCRBYFLOAT", "g", "-2.5e-1")).isEqualTo("-0.25");
    }

    @Test
    void msetnxWithRepeatedKeyKeepsTheLastValue() {
        assertThat(call("MSETNX", "x", "1", "x", "2")).isEqualTo(1L);
        assertThat(call("GET", "x")).isEqualTo("2");
    }

    @Test
    void incrbyfloatFormatsLikeRedisLongDouble() {
        assertThat(call("INCRBYFLOAT", "f", "0.1")).isEqualTo("0.1");
        assertThat(call("INCRBYFLOAT", "f", "0.1")).isEqualTo("0.2");
        assertThat(call("INCRBYFLOAT", "f", "0.1")).as("no binary-double residue").isEqualTo("0.3");
        assertThat(call("INCRBYFLOAT", "g", "10.5")).isEqualTo("10.5");
        assertThat(call("INCRBYFLOAT", "g", "0.1")).isEqualTo("10.6");
        assertThat(call("INCRBYFLOAT", "h", "1.23456789012345678")).isEqualTo("1.23456789012345678");
        assertThat(call("INCRBYFLOAT", "e17", "1e17")).isEqualTo("100000000000000000");
        assertThat(call("INCRBYFLOAT", "zero", "-0")).isEqualTo("0");
        assertThat(call("INCRBYFLOAT", "half", ".5")).isEqualTo("0.5");
        assertThat(call("INCRBYFLOAT", "five", "5.")).isEqualTo("5");
        assertThat(call("INCRBYFLOAT", "hex", "0x10")).isEqualTo("16");
    }

    @Test
    void integerArgumentsAreParsedStrictly() {
        call("SET", "k", "5");
        String notAnInteger = "ERR value is not an integer or out of range";
        for (String bad : List.of("+5", " 5", "5 ", "5.0", "-0", "010", "00", "9223372036854775808", "", "0x10")) {
            assertThat(error("INCRBY", "k", bad)).as("INCRBY k '%s'", bad).isEqualTo(notAnInteger);
            assertThat(error("EXPIRE", "k", bad)).as("EXPIRE k '%s'", bad).isEqualTo(notAnInteger);
            assertThat(error("SETEX", "k2", bad, "v")).as("SETEX k2 '%s'", bad).isEqualTo(notAnInteger);
            assertThat(error("GETRANGE", "k", bad, "1")).as("GETRANGE k '%s' 1", bad).isEqualTo(notAnInteger);
            assertThat(error("SELECT", bad)).as("SELECT '%s'", bad).isEqualTo(notAnInteger);
        }
        assertThat(call("GET", "k")).isEqualTo("5");
        assertThat(call("TTL", "k")).isEqualTo(-1L);
        assertThat(call("EXISTS", "k2")).isEqualTo(0L);
        assertThat(call("INCRBY", "k", "-9223372036854775808")).isEqualTo(-9223372036854775803L);
    }
}
