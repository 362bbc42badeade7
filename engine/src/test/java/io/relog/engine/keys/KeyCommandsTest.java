package io.relog.engine.keys;

import static io.relog.engine.TestEngine.NIL;
import static io.relog.engine.TestEngine.OK;
import static io.relog.engine.TestEngine.START;
import static io.relog.engine.TestEngine.bulk;
import static io.relog.engine.TestEngine.err;
import static io.relog.engine.TestEngine.integer;
import static org.assertj.core.api.Assertions.assertThat;

import io.relog.engine.TestEngine;
import io.relog.engine.command.Errors;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class KeyCommandsTest {

    private final TestEngine t = new TestEngine();

    @Test
    void delUnlinkExists() {
        t.cmd("MSET", "a", "1", "b", "2", "c", "3");
        t.takeStream();
        assertThat(t.cmd("EXISTS", "a", "a", "nokey")).isEqualTo(integer(2));
        assertThat(t.cmd("DEL", "a", "nokey")).isEqualTo(integer(1));
        assertThat(t.cmd("DEL", "a", "nokey")).isEqualTo(integer(0));
        assertThat(t.cmd("unlink", "b", "c")).isEqualTo(integer(2));
        assertThat(t.takeStream()).containsExactly("DEL a nokey", "unlink b c");
        assertThat(t.cmd("DEL")).isEqualTo(err("ERR wrong number of arguments for 'del' command"));
    }

    @Test
    void typeAndTouch() {
        t.cmd("SET", "k", "v");
        assertThat(t.cmd("TYPE", "k")).isEqualTo("+string\r\n");
        assertThat(t.cmd("TYPE", "nokey")).isEqualTo("+none\r\n");
        assertThat(t.cmd("TOUCH", "k", "nokey", "k")).isEqualTo(integer(2));
        assertThat(t.takeStream()).containsExactly("SELECT 0", "SET k v");
    }

    @Test
    void renameAndRenamenx() {
        assertThat(t.cmd("RENAME", "nokey", "x")).isEqualTo(err("ERR no such key"));
        assertThat(t.cmd("RENAMENX", "nokey", "x")).isEqualTo(err("ERR no such key"));
        t.cmd("SET", "k", "v", "EX", "100");
        t.cmd("SET", "other", "o");
        t.takeStream();
        assertThat(t.cmd("RENAME", "k", "k")).isEqualTo(OK);
        assertThat(t.cmd("RENAMENX", "k", "k")).isEqualTo(integer(0));
        assertThat(t.cmd("RENAMENX", "k", "other")).isEqualTo(integer(0));
        assertThat(t.cmd("RENAME", "k", "other")).isEqualTo(OK);
        assertThat(t.cmd("GET", "other")).isEqualTo(bulk("v"));
        assertThat(t.cmd("TTL", "other")).isEqualTo(integer(100));
        assertThat(t.cmd("EXISTS", "k")).isEqualTo(integer(0));
        assertThat(t.cmd("RENAMENX", "other", "k")).isEqualTo(integer(1));
        assertThat(t.takeStream()).containsExactly("RENAME k other", "RENAMENX other k");
    }

    @Test
    void keysAndRandomkey() {
        assertThat(t.cmd("RANDOMKEY")).isEqualTo(NIL);
        t.cmd("MSET", "one", "1", "two", "2", "three", "3");
        t.cmd("SET", "gone", "x", "PX", "10");
        t.advance(10);
        String all = t.cmd("KEYS", "*");
        assertThat(all).startsWith("*3\r\n").contains(bulk("one"), bulk("two"), bulk("three"));
        assertThat(t.cmd("KEYS", "t*")).startsWith("*2\r\n").contains(bulk("two"), bulk("three"));
        assertThat(t.cmd("KEYS", "nothing")).isEqualTo("*0\r\n");
        for (int i = 0; i < 20; i++) {
            assertThat(t.cmd("RANDOMKEY")).isIn(bulk("one"), bulk("two"), bulk("three"));
        }
    }

    @Test
    void scanVisitsEveryKeyOnceAndFilters() {
        for (int i = 0; i < 500; i++) {
            t.cmd("SET", "key:" + i, "v");
        }
        Set<String> seen = new HashSet<>();
        String cursor = "0";
        Pattern p = Pattern.compile("\\$\\d+\\r\\n([^\\r]*)\\r\\n");
        do {
            String r = t.cmd("SCAN", cursor, "COUNT", "37");
            Matcher m = p.matcher(r);
            assertThat(m.find()).isTrue();
            cursor = m.group(1);
            while (m.find()) {
                assertThat(seen.add(m.group(1))).as("duplicate " + m.group(1)).isTrue();
            }
        } while (!cursor.equals("0"));
        assertThat(seen).hasSize(500);

        String r = t.cmd("SCAN", "0", "MATCH", "key:1?", "COUNT", "1000");
        assertThat(r).startsWith("*2\r\n$1\r\n0\r\n*10\r\n");
        assertThat(t.cmd("SCAN", "0", "TYPE", "hash", "COUNT", "1000")).isEqualTo("*2\r\n$1\r\n0\r\n*0\r\n");
        assertThat(t.cmd("SCAN", "0", "TYPE", "STRING", "COUNT", "1000")).startsWith("*2\r\n$1\r\n0\r\n*500\r\n");
    }

    @Test
    void scanErrors() {
        assertThat(t.cmd("SCAN", "abc")).isEqualTo(err("ERR invalid cursor"));
        assertThat(t.cmd("SCAN", "18446744073709551616")).isEqualTo(err("ERR invalid cursor"));
        assertThat(t.cmd("SCAN", "18446744073709551615")).isEqualTo("*2\r\n$1\r\n0\r\n*0\r\n");
        assertThat(t.cmd("SCAN", "-1")).isEqualTo("*2\r\n$1\r\n0\r\n*0\r\n");
        assertThat(t.cmd("SCAN", "0", "COUNT", "0")).isEqualTo(err(Errors.SYNTAX));
        assertThat(t.cmd("SCAN", "0", "COUNT", "abc")).isEqualTo(err(Errors.NOT_INTEGER));
        assertThat(t.cmd("SCAN", "0", "MATCH")).isEqualTo(err(Errors.SYNTAX));
        assertThat(t.cmd("SCAN", "0", "foo", "1")).isEqualTo(err(Errors.SYNTAX));
    }

    @Test
    void scanDeletesExpiredKeysItMeets() {
        t.cmd("SET", "k", "v", "PX", "5");
        t.advance(5);
        t.takeStream();
        assertThat(t.cmd("SCAN", "0")).isEqualTo("*2\r\n$1\r\n0\r\n*0\r\n");
        assertThat(t.takeStream()).containsExactly("DEL k");
    }

    @Test
    void expireFamilyAndPropagation() {
        assertThat(t.cmd("EXPIRE", "nokey", "10")).isEqualTo(integer(0));
        t.cmd("SET", "k", "v");
        t.takeStream();
        assertThat(t.cmd("EXPIRE", "k", "10")).isEqualTo(integer(1));
        assertThat(t.cmd("PEXPIRE", "k", "20000", "XX")).isEqualTo(integer(1));
        assertThat(t.cmd("EXPIREAT", "k", "1800000000")).isEqualTo(integer(1));
        assertThat(t.cmd("pexpireat", "k", "1800000000500")).isEqualTo(integer(1));
        assertThat(t.cmd("PEXPIRETIME", "k")).isEqualTo(integer(1800000000500L));
        assertThat(t.cmd("EXPIRETIME", "k")).isEqualTo(integer(1800000001L)); // rounded, as Redis does
        assertThat(t.takeStream()).containsExactly("PEXPIREAT k " + (START + 10_000),
                "PEXPIREAT k " + (START + 20_000) + " XX", "PEXPIREAT k 1800000000000",
                "pexpireat k 1800000000500");
        assertThat(t.cmd("EXPIRE", "k", "-1")).isEqualTo(integer(1));
        assertThat(t.cmd("EXISTS", "k")).isEqualTo(integer(0));
        assertThat(t.takeStream()).containsExactly("DEL k");
    }

    @Test
    void expireConditions() {
        t.cmd("SET", "k", "v");
        assertThat(t.cmd("EXPIRE", "k", "10", "XX")).isEqualTo(integer(0));
        assertThat(t.cmd("EXPIRE", "k", "10", "GT")).isEqualTo(integer(0));
        assertThat(t.cmd("EXPIRE", "k", "10", "LT")).isEqualTo(integer(1));
        assertThat(t.cmd("EXPIRE", "k", "20", "NX")).isEqualTo(integer(0));
        assertThat(t.cmd("EXPIRE", "k", "20", "LT")).isEqualTo(integer(0));
        assertThat(t.cmd("EXPIRE", "k", "20", "GT")).isEqualTo(integer(1));
        assertThat(t.cmd("TTL", "k")).isEqualTo(integer(20));
        t.cmd("SET", "n", "v");
        assertThat(t.cmd("EXPIRE", "n", "10", "NX", "NX")).isEqualTo(integer(1));
        t.takeStream();
        assertThat(t.cmd("PERSIST", "n")).isEqualTo(integer(1));
        assertThat(t.cmd("PERSIST", "n")).isEqualTo(integer(0));
        assertThat(t.cmd("PERSIST", "nokey")).isEqualTo(integer(0));
        assertThat(t.takeStream()).containsExactly("PERSIST n");
    }

    @Test
    void expireErrors() {
        t.cmd("SET", "k", "v");
        String nx = err("ERR NX and XX, GT or LT options at the same time are not compatible");
        assertThat(t.cmd("EXPIRE", "k", "10", "NX", "XX")).isEqualTo(nx);
        assertThat(t.cmd("EXPIRE", "k", "10", "NX", "GT")).isEqualTo(nx);
        assertThat(t.cmd("EXPIRE", "k", "10", "GT", "LT"))
                .isEqualTo(err("ERR GT and LT options at the same time are not compatible"));
        assertThat(t.cmd("EXPIRE", "k", "10", "foo")).isEqualTo(err("ERR Unsupported option foo"));
        assertThat(t.cmd("EXPIRE", "k", "abc")).isEqualTo(err(Errors.NOT_INTEGER));
        assertThat(t.cmd("EXPIRE", "k", "9223372036854775807"))
                .isEqualTo(err("ERR invalid expire time in 'expire' command"));
        assertThat(t.cmd("PEXPIRE", "k", "9223372036854775807"))
                .isEqualTo(err("ERR invalid expire time in 'pexpire' command"));
        assertThat(t.cmd("EXPIREAT", "k", "9223372036854775807"))
                .isEqualTo(err("ERR invalid expire time in 'expireat' command"));
        assertThat(t.cmd("TTL", "k")).isEqualTo(integer(-1));
    }

    @Test
    void ttlValues() {
        assertThat(t.cmd("TTL", "nokey")).isEqualTo(integer(-2));
        assertThat(t.cmd("PTTL", "nokey")).isEqualTo(integer(-2));
        assertThat(t.cmd("EXPIRETIME", "nokey")).isEqualTo(integer(-2));
        t.cmd("SET", "k", "v", "PX", "10400");
        assertThat(t.cmd("TTL", "k")).isEqualTo(integer(10));
        t.advance(900);
        assertThat(t.cmd("PTTL", "k")).isEqualTo(integer(9500));
        assertThat(t.cmd("TTL", "k")).isEqualTo(integer(10)); // rounded like Redis
        assertThat(t.cmd("EXPIRETIME", "k")).isEqualTo(integer((START + 10_400) / 1000));
    }

    @Test
    void copy() {
        t.cmd("SET", "k", "v", "EX", "50");
        t.takeStream();
        assertThat(t.cmd("COPY", "k", "k")).isEqualTo(err("ERR source and destination objects are the same"));
        assertThat(t.cmd("COPY", "nokey", "x")).isEqualTo(integer(0));
        assertThat(t.cmd("COPY", "k", "k2", "DB", "99")).isEqualTo(err(Errors.DB_INDEX_OUT_OF_RANGE));
        assertThat(t.cmd("COPY", "k", "k2", "DB", "abc")).isEqualTo(err(Errors.NOT_INTEGER));
        assertThat(t.cmd("COPY", "k", "k2", "DB", "99", "foo")).isEqualTo(err(Errors.DB_INDEX_OUT_OF_RANGE));
        assertThat(t.cmd("COPY", "k", "k2", "DB", "99", "DB", "1")).isEqualTo(err(Errors.DB_INDEX_OUT_OF_RANGE));
        assertThat(t.cmd("COPY", "k", "k2", "foo")).isEqualTo(err(Errors.SYNTAX));
        assertThat(t.cmd("COPY", "k", "k2")).isEqualTo(integer(1));
        assertThat(t.cmd("TTL", "k2")).isEqualTo(integer(50));
        assertThat(t.cmd("COPY", "k", "k2")).isEqualTo(integer(0));
        assertThat(t.cmd("COPY", "k", "k", "DB", "1", "REPLACE")).isEqualTo(integer(1));
        assertThat(t.takeStream()).containsExactly("COPY k k2", "COPY k k DB 1 REPLACE");
        t.cmd("SELECT", "1");
        assertThat(t.cmd("GET", "k")).isEqualTo(bulk("v"));
    }

    @Test
    void objectSubcommands() {
        t.cmd("SET", "i", "12345");
        t.cmd("SET", "z", "012");
        t.cmd("SET", "e", "x".repeat(44));
        t.cmd("SET", "r", "x".repeat(45));
        t.cmd("SET", "big", "123456789012");
        assertThat(t.cmd("OBJECT", "ENCODING", "i")).isEqualTo(bulk("int"));
        assertThat(t.cmd("object", "encoding", "z")).isEqualTo(bulk("embstr"));
        assertThat(t.cmd("OBJECT", "ENCODING", "e")).isEqualTo(bulk("embstr"));
        assertThat(t.cmd("OBJECT", "ENCODING", "r")).isEqualTo(bulk("raw"));
        assertThat(t.cmd("OBJECT", "ENCODING", "nokey")).isEqualTo(NIL);
        t.cmd("SET", "a", "12");
        t.cmd("APPEND", "a", "3");
        assertThat(t.cmd("OBJECT", "ENCODING", "a")).as("APPEND makes a raw string").isEqualTo(bulk("raw"));
        t.cmd("GET", "a");
        assertThat(t.cmd("OBJECT", "ENCODING", "a")).as("an access keeps the flag").isEqualTo(bulk("raw"));
        t.cmd("INCR", "a");
        assertThat(t.cmd("OBJECT", "ENCODING", "a")).isEqualTo(bulk("int"));
        t.cmd("SETRANGE", "s", "0", "x");
        assertThat(t.cmd("OBJECT", "ENCODING", "s")).isEqualTo(bulk("raw"));
        t.cmd("COPY", "s", "s2");
        assertThat(t.cmd("OBJECT", "ENCODING", "s2")).isEqualTo(bulk("raw"));
        t.cmd("RENAME", "s2", "s3");
        assertThat(t.cmd("OBJECT", "ENCODING", "s3")).isEqualTo(bulk("raw"));
        t.cmd("INCRBYFLOAT", "f", "3");
        assertThat(t.cmd("OBJECT", "ENCODING", "f")).as("INCRBYFLOAT skips the int encoding").isEqualTo(bulk("embstr"));
        t.cmd("SET", "f", "3");
        assertThat(t.cmd("OBJECT", "ENCODING", "f")).isEqualTo(bulk("int"));
        assertThat(t.cmd("OBJECT", "REFCOUNT", "i")).isEqualTo(integer(1));
        assertThat(t.cmd("OBJECT", "REFCOUNT", "z")).isEqualTo(integer(1));
        t.cmd("SET", "small", "100");
        assertThat(t.cmd("OBJECT", "REFCOUNT", "small")).isEqualTo(integer(Integer.MAX_VALUE));
        assertThat(t.cmd("OBJECT", "FREQ", "i")).isEqualTo(err("ERR An LFU maxmemory policy is not selected, "
                + "access frequency not tracked. Please note that when switching between policies at runtime LRU "
                + "and LFU data will take some time to adjust."));
        assertThat(t.cmd("OBJECT", "FREQ", "nokey")).isEqualTo(NIL);
        assertThat(t.cmd("OBJECT", "foo")).isEqualTo(err("ERR unknown subcommand 'foo'. Try OBJECT HELP."));
        assertThat(t.cmd("OBJECT", "ENCODING")).isEqualTo(err("ERR wrong number of arguments for 'object|encoding' command"));
        assertThat(t.cmd("OBJECT")).isEqualTo(err("ERR wrong number of arguments for 'object' command"));
        assertThat(t.cmd("OBJECT", "HELP")).startsWith("*15\r\n+OBJECT <subcommand> [<arg> [value] [opt] ...]. "
                + "Subcommands are:\r\n+ENCODING <key>\r\n").endsWith("+HELP\r\n+    Prints this help.\r\n");
    }

    @Test
    void objectIdletimeDoesNotTouch() {
        t.cmd("SET", "k", "v");
        t.advance(5_000);
        assertThat(t.cmd("OBJECT", "IDLETIME", "k")).isEqualTo(integer(5));
        t.advance(2_000);
        assertThat(t.cmd("OBJECT", "IDLETIME", "k")).isEqualTo(integer(7));
        t.cmd("GET", "k");
        assertThat(t.cmd("OBJECT", "IDLETIME", "k")).isEqualTo(integer(0));
        assertThat(t.cmd("OBJECT", "IDLETIME", "nokey")).isEqualTo(NIL);
        t.engine.setMaxmemoryPolicy("allkeys-lfu");
        assertThat(t.cmd("OBJECT", "IDLETIME", "k")).startsWith("-ERR An LFU maxmemory policy is selected");
        assertThat(t.cmd("OBJECT", "FREQ", "k")).startsWith(":");
    }

    /** As Redis' dbOverwrite: under LFU a key overwritten by SET, INCR or a STORE keeps its counter. */
    @Test
    void overwritesKeepTheLfuCounter() {
        TestEngine t = new TestEngine();
        t.engine.setMaxmemoryPolicy("allkeys-lfu");
        t.cmd("SET", "k", "1");
        t.cmd("SADD", "s", "a");
        for (int i = 0; i < 300; i++) {
            t.cmd("GET", "k");
            t.cmd("SCARD", "s");
        }
        long before = Long.parseLong(t.cmd("OBJECT", "FREQ", "k").substring(1).trim());
        assertThat(before).isGreaterThan(5); // above LFU_INIT_VAL: the GETs counted
        t.cmd("SET", "k", "2");
        assertThat(Long.parseLong(t.cmd("OBJECT", "FREQ", "k").substring(1).trim())).isGreaterThanOrEqualTo(before);
        t.cmd("INCR", "k");
        assertThat(Long.parseLong(t.cmd("OBJECT", "FREQ", "k").substring(1).trim())).isGreaterThanOrEqualTo(before);
        long set = Long.parseLong(t.cmd("OBJECT", "FREQ", "s").substring(1).trim());
        t.cmd("SUNIONSTORE", "s", "s", "s");
        assertThat(Long.parseLong(t.cmd("OBJECT", "FREQ", "s").substring(1).trim())).isGreaterThanOrEqualTo(set);
        // A new key starts at LFU_INIT_VAL; a renamed key brings its own counter, plus the use
        // RENAME's lookup counts (redis-server 7.0.15 answers 5, then 6, too).
        t.cmd("SET", "fresh", "x");
        assertThat(t.cmd("OBJECT", "FREQ", "fresh")).isEqualTo(integer(5));
        t.cmd("RENAME", "fresh", "k");
        assertThat(t.cmd("OBJECT", "FREQ", "k")).isEqualTo(integer(6));
    }

    @Test
    void idleTimeWrapsAroundTheLruClock() {
        int max = (1 << 24) - 1;
        assertThat(KeyCommands.idleSeconds(10, 5)).isEqualTo(5);
        assertThat(KeyCommands.idleSeconds(3, max - 2)).isEqualTo(5);
    }

    @Test
    void cursorParsing() {
        assertThat(KeyCommands.parseCursor("0".getBytes())).isZero();
        assertThat(KeyCommands.parseCursor("4294967296".getBytes())).isEqualTo(1L << 32);
        assertThat(KeyCommands.parseCursor("18446744073709551615".getBytes())).isEqualTo(-1L);
    }
}
