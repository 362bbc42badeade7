package io.relog.frontend.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import redis.clients.jedis.Pipeline;

/** Generic key commands through Jedis: DEL … OBJECT, with their options and error texts. */
class KeyCommandsIT extends AbstractServerIT {

    @Test
    void delAndUnlinkCountRemovedKeys() {
        call("MSET", "a", "1", "b", "2", "c", "3");
        assertThat(call("DEL", "a", "missing", "a")).isEqualTo(1L);
        assertThat(call("UNLINK", "b", "c", "missing")).isEqualTo(2L);
        assertThat(call("DBSIZE")).isEqualTo(0L);
        assertThat(call("DEL", "missing")).isEqualTo(0L);
        assertError(wrongArgs("del"), "DEL");
        assertError(wrongArgs("unlink"), "UNLINK");
    }

    @Test
    void existsCountsEveryArgument() {
        call("SET", "a", "1");
        assertThat(call("EXISTS", "a")).isEqualTo(1L);
        assertThat(call("EXISTS", "a", "a", "missing")).isEqualTo(2L);
        assertThat(call("EXISTS", "missing")).isEqualTo(0L);
        assertError(wrongArgs("exists"), "EXISTS");
    }

    @Test
    void typeOfStringAndMissingKey() {
        call("SET", "s", "v");
        assertThat(call("TYPE", "s")).isEqualTo("string");
        assertThat(call("TYPE", "missing")).isEqualTo("none");
        assertError(wrongArgs("type"), "TYPE");
    }

    @Test
    void renameMovesValueAndTtl() {
        call("SET", "a", "v", "EX", "100");
        call("SET", "b", "old");
        assertThat(call("RENAME", "a", "b")).isEqualTo("OK");
        assertThat(call("EXISTS", "a")).isEqualTo(0L);
        assertThat(call("GET", "b")).isEqualTo("v");
        assertThat((Long) call("TTL", "b")).isBetween(99L, 100L);
        assertThat(call("RENAME", "b", "b")).as("renaming onto itself is OK").isEqualTo("OK");
        assertThat(call("GET", "b")).isEqualTo("v");
        assertError("ERR no such key", "RENAME", "missing", "x");
        assertError(wrongArgs("rename"), "RENAME", "a");
    }

    @Test
    void renameOverKeyWithTtlDropsThatTtl() {
        call("SET", "a", "v");
        call("SET", "b", "w", "EX", "100");
        call("RENAME", "a", "b");
        assertThat(call("TTL", "b")).isEqualTo(-1L);
    }

    @Test
    void renamenx() {
        call("SET", "a", "1");
        call("SET", "b", "2");
        assertThat(call("RENAMENX", "a", "b")).isEqualTo(0L);
        assertThat(call("GET", "b")).isEqualTo("2");
        assertThat(call("RENAMENX", "a", "a")).isEqualTo(0L);
        assertThat(call("RENAMENX", "a", "c")).isEqualTo(1L);
        assertThat(call("GET", "c")).isEqualTo("1");
        assertThat(call("EXISTS", "a")).isEqualTo(0L);
        assertError("ERR no such key", "RENAMENX", "missing", "x");
    }

    @Test
    void keysMatchesGlobPatterns() {
        call("MSET", "hello", "1", "hallo", "2", "hxllo", "3", "hllo", "4", "heeeello", "5", "h*llo", "6");
        assertThat(sorted(call("KEYS", "*"))).hasSize(6);
        assertThat(sorted(call("KEYS", "h?llo"))).containsExactly("h*llo", "hallo", "hello", "hxllo");
        assertThat(sorted(call("KEYS", "h*llo"))).containsExactly("h*llo", "hallo", "heeeello", "hello", "hllo", "hxllo");
        assertThat(sorted(call("KEYS", "h[ae]llo"))).containsExactly("hallo", "hello");
        assertThat(sorted(call("KEYS", "h[^e]llo"))).containsExactly("h*llo", "hallo", "hxllo");
        assertThat(sorted(call("KEYS", "h[a-b]llo"))).containsExactly("hallo");
        assertThat(sorted(call("KEYS", "h\\*llo"))).containsExactly("h*llo");
        assertThat(sorted(call("KEYS", "nomatch*"))).isEmpty();
        assertError(wrongArgs("keys"), "KEYS");
    }

    @Test
    void scanWithoutChangesReturnsEveryKey() {
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            call("SET", "key:" + i, "v");
            expected.add("key:" + i);
        }
        assertThat(fullScan("SCAN", "%s")).isEqualTo(expected);
        assertThat(fullScan("SCAN", "%s", "COUNT", "7")).isEqualTo(expected);
        assertThat(fullScan("SCAN", "%s", "COUNT", "1000")).isEqualTo(expected);
    }

    @Test
    void scanReturnsEveryKeyPresentThroughoutWhileOthersComeAndGo() {
        Set<String> stable = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            call("SET", "stable:" + i, "v");
            stable.add("stable:" + i);
        }
        for (int i = 0; i < 300; i++) {
            call("SET", "temp:" + i, "v");
        }
        Set<String> seen = new HashSet<>();
        String cursor = "0";
        int step = 0;
        do {
            List<?> reply = (List<?>) call("SCAN", cursor, "COUNT", "10");
            cursor = (String) reply.get(0);
            for (Object key : (List<?>) reply.get(1)) {
                seen.add((String) key);
            }
            // Between steps, grow the table (forcing rehashes) and shrink it.
            for (int j = 0; j < 20; j++) {
                call("SET", "added:" + step + ":" + j, "v");
            }
            if (step < 300) {
                call("DEL", "temp:" + step);
            }
            step++;
        } while (!cursor.equals("0") && step < 100_000);
        assertThat(cursor).isEqualTo("0");
        assertThat(seen).containsAll(stable);
        assertThat(seen).allMatch(k -> k.startsWith("stable:") || k.startsWith("temp:") || k.startsWith("added:"));
    }

    @Test
    void manyKeysAreAllReachable() {
        int n = 20_000;
        Pipeline pipeline = redis.pipelined();
        for (int i = 0; i < n; i++) {
            pipeline.set("many:" + i, Integer.toString(i));
        }
        pipeline.sync();
        assertThat(call("DBSIZE")).isEqualTo((long) n);
        assertThat((List<?>) call("KEYS", "many:1????")).hasSize(10_000);
        assertThat(fullScan("SCAN", "%s", "COUNT", "500")).hasSize(n);
        pipeline = redis.pipelined();
        for (int i = 0; i < n; i += 2) {
            pipeline.del("many:" + i);
        }
        pipeline.sync();
        assertThat(call("DBSIZE")).isEqualTo((long) n / 2);
        assertThat(call("MGET", "many:0", "many:1", "many:19999")).isEqualTo(Arrays.asList(null, "1", "19999"));
        assertThat(fullScan("SCAN", "%s", "COUNT", "100")).hasSize(n / 2).allMatch(k -> Integer.parseInt(k.substring(5)) % 2 == 1);
        assertThat(call("FLUSHDB", "ASYNC")).isEqualTo("OK");
        assertThat(call("DBSIZE")).isEqualTo(0L);
    }

    @Test
    void scanMatchAndType() {
        for (int i = 0; i < 50; i++) {
            call("SET", "user:" + i, "v");
            call("SET", "item:" + i, "v");
        }
        Set<String> users = fullScan("SCAN", "%s", "MATCH", "user:*");
        assertThat(users).hasSize(50).allMatch(k -> k.startsWith("user:"));
        assertThat(fullScan("SCAN", "%s", "MATCH", "user:1?", "COUNT", "5"))
                .containsExactlyInAnyOrder("user:10", "user:11", "user:12", "user:13", "user:14",
                        "user:15", "user:16", "user:17", "user:18", "user:19");
        assertThat(fullScan("SCAN", "%s", "TYPE", "string")).hasSize(100);
        assertThat(fullScan("SCAN", "%s", "TYPE", "hash")).isEmpty();
        assertThat(fullScan("SCAN", "%s", "type", "STRING", "match", "item:4*")).hasSize(11);
    }

    @Test
    void scanOnEmptyDatabaseAndErrors() {
        assertThat(call("SCAN", "0")).isEqualTo(List.of("0", List.of()));
        assertError("ERR invalid cursor", "SCAN", "abc");
        assertError("ERR syntax error", "SCAN", "0", "COUNT", "0");
        assertError("ERR value is not an integer or out of range", "SCAN", "0", "COUNT", "x");
        assertError("ERR syntax error", "SCAN", "0", "FOO");
        assertError("ERR syntax error", "SCAN", "0", "MATCH");
        assertError(wrongArgs("scan"), "SCAN");
    }

    @Test
    void randomkey() {
        assertThat(call("RANDOMKEY")).isNull();
        call("SET", "only", "v");
        assertThat(call("RANDOMKEY")).isEqualTo("only");
        call("SET", "other", "v");
        assertThat(call("RANDOMKEY")).isIn("only", "other");
    }

    @Test
    void expireAndTtl() {
        call("SET", "k", "v");
        assertThat(call("TTL", "k")).isEqualTo(-1L);
        assertThat(call("PTTL", "k")).isEqualTo(-1L);
        assertThat(call("TTL", "missing")).isEqualTo(-2L);
        assertThat(call("PTTL", "missing")).isEqualTo(-2L);
        assertThat(call("EXPIRE", "k", "100")).isEqualTo(1L);
        assertThat((Long) call("TTL", "k")).isBetween(99L, 100L);
        assertThat((Long) call("PTTL", "k")).isBetween(98_000L, 100_000L);
        assertThat(call("PEXPIRE", "k", "50000")).isEqualTo(1L);
        assertThat((Long) call("PTTL", "k")).isBetween(49_000L, 50_000L);
        assertThat(call("EXPIRE", "missing", "100")).isEqualTo(0L);
        assertThat(call("PEXPIRE", "missing", "100")).isEqualTo(0L);
    }

    @Test
    void ttlAndExpiretimeRoundToTheNearestSecond() {
        call("SET", "k", "v", "PX", "1990");
        assertThat(call("TTL", "k")).as("1.99 s left rounds to 2").isEqualTo(2L);
        long atMs = (System.currentTimeMillis() / 1000 + 100) * 1000 + 700;
        call("PEXPIREAT", "k", Long.toString(atMs));
        assertThat(call("EXPIRETIME", "k")).isEqualTo(atMs / 1000 + 1);
        call("PEXPIREAT", "k", Long.toString(atMs - 400));
        assertThat(call("EXPIRETIME", "k")).isEqualTo(atMs / 1000);
    }

    @Test
    void expireWithZeroOrNegativeTimeDeletes() {
        call("MSET", "a", "1", "b", "2", "c", "3");
        assertThat(call("EXPIRE", "a", "0")).isEqualTo(1L);
        assertThat(call("PEXPIRE", "b", "-1")).isEqualTo(1L);
        assertThat(call("EXPIREAT", "c", "1")).isEqualTo(1L);
        assertThat(call("DBSIZE")).isEqualTo(0L);
        assertThat(call("EXPIREAT", "c", "1")).isEqualTo(0L);
    }

    @Test
    void expireatPexpireatAndExpiretime() {
        call("SET", "k", "v");
        assertThat(call("EXPIRETIME", "k")).isEqualTo(-1L);
        assertThat(call("PEXPIRETIME", "k")).isEqualTo(-1L);
        assertThat(call("EXPIRETIME", "missing")).isEqualTo(-2L);
        assertThat(call("PEXPIRETIME", "missing")).isEqualTo(-2L);
        long at = System.currentTimeMillis() / 1000 + 1000;
        assertThat(call("EXPIREAT", "k", Long.toString(at))).isEqualTo(1L);
        assertThat(call("EXPIRETIME", "k")).isEqualTo(at);
        assertThat(call("PEXPIRETIME", "k")).isEqualTo(at * 1000);
        long atMs = (System.currentTimeMillis() / 1000 + 2000) * 1000 + 123;
        assertThat(call("PEXPIREAT", "k", Long.toString(atMs))).isEqualTo(1L);
        assertThat(call("PEXPIRETIME", "k")).isEqualTo(atMs);
        assertThat(call("EXPIRETIME", "k")).isEqualTo(atMs / 1000);
        assertThat(call("EXPIREAT", "missing", Long.toString(at))).isEqualTo(0L);
    }

    @Test
    void expireNxXxGtLt() {
        call("SET", "k", "v");
        assertThat(call("EXPIRE", "k", "100", "XX")).as("XX needs an existing TTL").isEqualTo(0L);
        assertThat(call("EXPIRE", "k", "100", "GT")).as("no TTL counts as infinite for GT").isEqualTo(0L);
        assertThat(call("EXPIRE", "k", "100", "NX")).isEqualTo(1L);
        assertThat(call("EXPIRE", "k", "200", "NX")).isEqualTo(0L);
        assertThat(call("EXPIRE", "k", "200", "XX")).isEqualTo(1L);
        assertThat(call("EXPIRE", "k", "50", "GT")).isEqualTo(0L);
        assertThat(call("EXPIRE", "k", "500", "GT")).isEqualTo(1L);
        assertThat(call("EXPIRE", "k", "1000", "LT")).isEqualTo(0L);
        assertThat(call("EXPIRE", "k", "300", "LT")).isEqualTo(1L);
        assertThat((Long) call("TTL", "k")).isBetween(299L, 300L);
        assertThat(call("EXPIRE", "k", "250", "xx", "lt")).as("XX combines with LT").isEqualTo(1L);
        call("PERSIST", "k");
        assertThat(call("EXPIRE", "k", "300", "LT")).as("no TTL counts as infinite for LT").isEqualTo(1L);
        call("PERSIST", "k");
        assertThat(call("PEXPIRE", "k", "300000", "NX")).isEqualTo(1L);
        assertThat(call("PEXPIREAT", "k", Long.toString(System.currentTimeMillis() + 10_000_000), "GT")).isEqualTo(1L);
        assertThat(call("EXPIREAT", "k", Long.toString(System.currentTimeMillis() / 1000 + 100), "LT")).isEqualTo(1L);
        assertThat(call("EXPIREAT", "k", Long.toString(System.currentTimeMillis() / 1000 + 100), "NX")).isEqualTo(0L);
    }

    @Test
    void expireOptionAndValueErrors() {
        call("SET", "k", "v");
        assertError("ERR NX and XX, GT or LT options at the same time are not compatible", "EXPIRE", "k", "100", "NX", "XX");
        assertError("ERR NX and XX, GT or LT options at the same time are not compatible", "PEXPIRE", "k", "100", "NX", "GT");
        assertError("ERR GT and LT options at the same time are not compatible", "EXPIRE", "k", "100", "GT", "LT");
        assertError("ERR Unsupported option foo", "EXPIRE", "k", "100", "foo");
        assertError("ERR value is not an integer or out of range", "EXPIRE", "k", "abc");
        assertError("ERR value is not an integer or out of range", "EXPIREAT", "k", "1.5");
        assertError("ERR invalid expire time in 'expire' command", "EXPIRE", "k", "9223372036854775807");
        assertError("ERR invalid expire time in 'pexpire' command", "PEXPIRE", "k", "9223372036854775807");
        assertError(wrongArgs("expire"), "EXPIRE", "k");
        assertError(wrongArgs("ttl"), "TTL");
        assertThat(call("TTL", "k")).isEqualTo(-1L);
    }

    @Test
    void persist() {
        call("SET", "k", "v", "EX", "100");
        assertThat(call("PERSIST", "k")).isEqualTo(1L);
        assertThat(call("TTL", "k")).isEqualTo(-1L);
        assertThat(call("PERSIST", "k")).isEqualTo(0L);
        assertThat(call("PERSIST", "missing")).isEqualTo(0L);
    }

    @Test
    void touchCountsExistingKeys() {
        call("MSET", "a", "1", "b", "2");
        assertThat(call("TOUCH", "a", "b", "missing", "a")).isEqualTo(3L);
        assertThat(call("TOUCH", "missing")).isEqualTo(0L);
        assertError(wrongArgs("touch"), "TOUCH");
    }

    @Test
    void copy() {
        call("SET", "src", "v", "EX", "100");
        call("SET", "taken", "old");
        assertThat(call("COPY", "src", "dst")).isEqualTo(1L);
        assertThat(call("GET", "dst")).isEqualTo("v");
        assertThat((Long) call("TTL", "dst")).as("COPY copies the TTL").isBetween(99L, 100L);
        assertThat(call("COPY", "src", "taken")).isEqualTo(0L);
        assertThat(call("GET", "taken")).isEqualTo("old");
        assertThat(call("COPY", "src", "taken", "REPLACE")).isEqualTo(1L);
        assertThat(call("GET", "taken")).isEqualTo("v");
        assertThat(call("COPY", "missing", "x")).isEqualTo(0L);
        call("SET", "src", "changed");
        assertThat(call("GET", "dst")).as("the copy is independent").isEqualTo("v");
    }

    @Test
    void copyToAnotherDatabase() {
        call("SET", "src", "v");
        assertThat(call("COPY", "src", "dst", "DB", "1")).isEqualTo(1L);
        assertThat(call("EXISTS", "dst")).isEqualTo(0L);
        assertThat(call("COPY", "src", "src", "DB", "2")).as("same name in another db is fine").isEqualTo(1L);
        call("SELECT", "1");
        assertThat(call("GET", "dst")).isEqualTo("v");
        call("SELECT", "2");
        assertThat(call("GET", "src")).isEqualTo("v");
        call("SELECT", "0");
        assertError("ERR source and destination objects are the same", "COPY", "src", "src");
        assertError("ERR DB index is out of range", "COPY", "src", "x", "DB", "16");
        assertError("ERR value is not an integer or out of range", "COPY", "src", "x", "DB", "one");
        assertError("ERR syntax error", "COPY", "src", "x", "FOO");
    }

    @Test
    void objectEncoding() {
        call("SET", "short", "hello");
        call("SET", "int", "12345");
        call("SET", "big", "12345678901234567890");
        call("SET", "long", "x".repeat(45));
        assertThat(call("OBJECT", "ENCODING", "short")).isEqualTo("embstr");
        assertThat(call("OBJECT", "ENCODING", "int")).isEqualTo("int");
        assertThat(call("OBJECT", "ENCODING", "big")).isEqualTo("embstr");
        assertThat(call("OBJECT", "ENCODING", "long")).isEqualTo("raw");
        call("APPEND", "short", "!");
        assertThat(call("OBJECT", "ENCODING", "short")).as("APPEND makes a raw string").isEqualTo("raw");
        assertThat(call("OBJECT", "ENCODING", "missing")).isNull();
        assertError(wrongArgs("object|encoding"), "OBJECT", "ENCODING");
    }

    @Test
    void objectEncodingFollowsTheValue() {
        call("INCRBYFLOAT", "float", "1.5");
        call("SET", "negative", "-1");
        call("SET", "padded", "007");
        call("SET", "spaced", " 12");
        call("SET", "max", "9223372036854775807");
        call("SET", "overflow", "9223372036854775808");
        call("SET", "ttl", "123", "EX", "100");
        call("INCR", "counter");
        call("GETSET", "getset", "55");
        call("SET", "e44", "x".repeat(44));
        call("SET", "ranged", "abc");
        call("SETRANGE", "ranged", "1", "z");
        assertThat(call("OBJECT", "ENCODING", "float")).isEqualTo("embstr");
        assertThat(call("OBJECT", "ENCODING", "negative")).isEqualTo("int");
        assertThat(call("OBJECT", "ENCODING", "padded")).isEqualTo("embstr");
        assertThat(call("OBJECT", "ENCODING", "spaced")).isEqualTo("embstr");
        assertThat(call("OBJECT", "ENCODING", "max")).isEqualTo("int");
        assertThat(call("OBJECT", "ENCODING", "overflow")).isEqualTo("embstr");
        assertThat(call("OBJECT", "ENCODING", "ttl")).isEqualTo("int");
        assertThat(call("OBJECT", "ENCODING", "counter")).isEqualTo("int");
        assertThat(call("OBJECT", "ENCODING", "getset")).isEqualTo("int");
        assertThat(call("OBJECT", "ENCODING", "e44")).as("44 bytes is the embstr limit").isEqualTo("embstr");
        assertThat(call("OBJECT", "ENCODING", "ranged")).as("SETRANGE makes a raw string").isEqualTo("raw");
    }

    @Test
    void objectRefcountIdletimeFreq() {
        call("SET", "k", "hello");
        assertThat(call("OBJECT", "REFCOUNT", "k")).isEqualTo(1L);
        assertThat(call("OBJECT", "REFCOUNT", "missing")).isNull();
        assertThat((Long) call("OBJECT", "IDLETIME", "k")).isBetween(0L, 2L);
        assertThat(call("OBJECT", "IDLETIME", "missing")).isNull();
        assertError("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that"
                + " when switching between policies at runtime LRU and LFU data will take some time to adjust.",
                "OBJECT", "FREQ", "k");
        call("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu");
        try {
            assertThat((Long) call("OBJECT", "FREQ", "k")).isBetween(0L, 255L);
            assertError("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that"
                    + " when switching between policies at runtime LRU and LFU data will take some time to adjust.",
                    "OBJECT", "IDLETIME", "k");
        } finally {
            call("CONFIG", "SET", "maxmemory-policy", "noeviction");
        }
    }

    @Test
    void objectHelpAndUnknownSubcommand() {
        List<?> help = (List<?>) call("OBJECT", "HELP");
        assertThat(help.get(0).toString()).startsWith("OBJECT <subcommand>");
        assertThat(help).anyMatch(line -> line.toString().startsWith("ENCODING"))
                .anyMatch(line -> line.toString().startsWith("FREQ"))
                .anyMatch(line -> line.toString().startsWith("IDLETIME"))
                .anyMatch(line -> line.toString().startsWith("REFCOUNT"));
        assertError("ERR unknown subcommand 'foo'. Try OBJECT HELP.", "OBJECT", "foo");
        assertError(wrongArgs("object"), "OBJECT");
    }

    private Set<String> fullScan(String command, String cursorFormat, String... options) {
        Set<String> keys = new HashSet<>();
        String cursor = "0";
        int steps = 0;
        do {
            List<String> args = new ArrayList<>(List.of(command, String.format(cursorFormat, cursor)));
            args.addAll(List.of(options));
            List<?> reply = (List<?>) call(args.toArray(new String[0]));
            cursor = (String) reply.get(0);
            for (Object key : (List<?>) reply.get(1)) {
                keys.add((String) key);
            }
        } while (!cursor.equals("0") && ++steps < 100_000);
        assertThat(cursor).as("SCAN terminates").isEqualTo("0");
        return keys;
    }

    private static List<String> sorted(Object reply) {
        List<String> list = new ArrayList<>();
        for (Object o : (List<?>) reply) {
            list.add((String) o);
        }
        list.sort(null);
        return list;
    }
}
