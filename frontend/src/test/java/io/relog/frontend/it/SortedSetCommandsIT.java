package io.relog.frontend.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.protocol.ProtocolVersion;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

/** Sorted set commands through Jedis (and one Lettuce RESP3 check): replies, options, errors, encodings. */
class SortedSetCommandsIT extends AbstractServerIT {

    static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

    @Test
    void zaddOptions() {
        assertThat(call("ZADD", "z", "1", "a", "2", "b")).isEqualTo(2L);
        assertThat(call("ZADD", "z", "5", "a", "3", "c")).as("counts only added").isEqualTo(1L);
        assertThat(call("ZADD", "z", "CH", "6", "a", "3", "c", "4", "d")).as("CH counts changed").isEqualTo(2L);
        assertThat(call("ZADD", "z", "NX", "100", "a", "7", "e")).isEqualTo(1L);
        assertThat(call("ZSCORE", "z", "a")).isEqualTo("6");
        assertThat(call("ZADD", "z", "XX", "CH", "10", "a", "10", "zz")).isEqualTo(1L);
        assertThat(call("ZSCORE", "z", "zz")).isNull();
        assertThat(call("ZADD", "z", "GT", "CH", "5", "a", "11", "b")).as("GT only raises").isEqualTo(1L);
        assertThat(call("ZSCORE", "z", "a")).isEqualTo("10");
        assertThat(call("ZADD", "z", "LT", "CH", "1", "a", "20", "c", "0", "new")).isEqualTo(2L);
        assertThat(call("ZSCORE", "z", "a")).isEqualTo("1");
        assertThat(call("ZSCORE", "z", "c")).isEqualTo("3");
        assertThat(call("ZSCORE", "z", "new")).isEqualTo("0");
        assertThat(call("ZADD", "z", "INCR", "2.5", "a")).isEqualTo("3.5");
        assertThat(call("ZADD", "z", "NX", "INCR", "1", "a")).isNull();
        assertThat(call("ZADD", "z", "XX", "INCR", "1", "missingmember")).isNull();
        assertThat(call("ZADD", "z", "GT", "INCR", "-1", "a")).isNull();
        assertError("ERR XX and NX options at the same time are not compatible", "ZADD", "z", "NX", "XX", "1", "a");
        assertError("ERR GT, LT, and/or NX options at the same time are not compatible", "ZADD", "z", "GT", "LT", "1", "a");
        assertError("ERR GT, LT, and/or NX options at the same time are not compatible", "ZADD", "z", "NX", "GT", "1", "a");
        assertError("ERR INCR option supports a single increment-element pair", "ZADD", "z", "INCR", "1", "a", "2", "b");
        assertError("ERR value is not a valid float", "ZADD", "z", "x", "a");
        assertError("ERR syntax error", "ZADD", "z", "1", "a", "2");
        assertError(wrongArgs("zadd"), "ZADD", "z", "1");
        assertThat(call("ZCARD", "z")).isEqualTo(6L);
        assertThat(call("ZCARD", "missing")).isEqualTo(0L);
    }

    @Test
    void scoreFormattingAndZincrby() {
        call("ZADD", "z", "0.1", "a", "inf", "b", "-inf", "c", "1e3", "d", "-0.5", "e", "3.0", "f");
        assertThat(call("ZSCORE", "z", "a")).as("17 significant digits").isEqualTo("0.10000000000000001");
        assertThat(call("ZSCORE", "z", "b")).isEqualTo("inf");
        assertThat(call("ZSCORE", "z", "c")).isEqualTo("-inf");
        assertThat(call("ZSCORE", "z", "d")).isEqualTo("1000");
        assertThat(call("ZSCORE", "z", "e")).isEqualTo("-0.5");
        assertThat(call("ZSCORE", "z", "f")).isEqualTo("3");
        assertThat(call("ZINCRBY", "z", "0.2", "a")).isEqualTo("0.30000000000000004");
        assertThat(call("ZINCRBY", "z", "5", "new")).isEqualTo("5");
        assertThat(call("ZINCRBY", "z", "1", "b")).isEqualTo("inf");
        assertError("ERR resulting score is not a number (NaN)", "ZINCRBY", "z", "-inf", "b");
        assertError("ERR value is not a valid float", "ZINCRBY", "z", "x", "a");
        assertError("ERR value is not a valid float", "ZADD", "z", "nan", "a");
        assertThat(call("ZMSCORE", "z", "e", "nope", "d")).isEqualTo(Arrays.asList("-0.5", null, "1000"));
        assertThat(call("ZMSCORE", "missing", "a")).isEqualTo(Arrays.asList((Object) null));
        assertThat(call("ZRANGE", "z", "0", "1", "WITHSCORES")).isEqualTo(List.of("c", "-inf", "e", "-0.5"));
    }

    @Test
    void zremRankCount() {
        call("ZADD", "z", "1", "a", "2", "b", "2", "c", "3", "d");
        assertThat(call("ZRANK", "z", "a")).isEqualTo(0L);
        assertThat(call("ZRANK", "z", "c")).isEqualTo(2L);
        assertThat(call("ZREVRANK", "z", "a")).isEqualTo(3L);
        assertThat(call("ZRANK", "z", "nope")).isNull();
        assertThat(call("ZRANK", "missing", "a")).isNull();
        assertThat(call("ZCOUNT", "z", "2", "3")).isEqualTo(3L);
        assertThat(call("ZCOUNT", "z", "(2", "+inf")).isEqualTo(1L);
        assertThat(call("ZCOUNT", "z", "-inf", "(2")).isEqualTo(1L);
        assertError("ERR min or max is not a float", "ZCOUNT", "z", "x", "3");
        assertThat(call("ZREM", "z", "a", "nope")).isEqualTo(1L);
        assertThat(call("ZREM", "z", "b", "c", "d")).isEqualTo(3L);
        assertThat(call("EXISTS", "z")).isEqualTo(0L);

        call("ZADD", "lex", "0", "a", "0", "b", "0", "c", "0", "d");
        assertThat(call("ZLEXCOUNT", "lex", "-", "+")).isEqualTo(4L);
        assertThat(call("ZLEXCOUNT", "lex", "[b", "(d")).isEqualTo(2L);
        assertError("ERR min or max not valid string range item", "ZLEXCOUNT", "lex", "b", "d");
    }

    @Test
    void zrangeVariants() {
        call("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e");
        assertThat(call("ZRANGE", "z", "0", "-1")).isEqualTo(List.of("a", "b", "c", "d", "e"));
        assertThat(call("ZRANGE", "z", "-2", "-1", "WITHSCORES")).isEqualTo(List.of("d", "4", "e", "5"));
        assertThat(call("ZRANGE", "z", "0", "1", "REV")).isEqualTo(List.of("e", "d"));
        assertThat(call("ZRANGE", "z", "(1", "4", "BYSCORE")).isEqualTo(List.of("b", "c", "d"));
        assertThat(call("ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "1", "2", "WITHSCORES"))
                .isEqualTo(List.of("d", "4", "c", "3"));
        assertThat(call("ZRANGE", "z", "-", "[c", "BYLEX")).isEqualTo(List.of("a", "b", "c"));
        assertThat(call("ZRANGE", "z", "+", "(b", "BYLEX", "REV", "LIMIT", "0", "2")).isEqualTo(List.of("e", "d"));
        assertThat(call("ZRANGE", "missing", "0", "-1")).isEqualTo(List.of());
        assertError("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
                "ZRANGE", "z", "0", "1", "LIMIT", "0", "1");
        assertError("ERR syntax error, WITHSCORES not supported in combination with BYLEX",
                "ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES");
        assertError("ERR min or max is not a float", "ZRANGE", "z", "a", "b", "BYSCORE");
        assertError("ERR min or max not valid string range item", "ZRANGE", "z", "a", "b", "BYLEX");

        assertThat(call("ZRANGEBYSCORE", "z", "2", "4", "WITHSCORES", "LIMIT", "1", "5"))
                .isEqualTo(List.of("c", "3", "d", "4"));
        assertThat(call("ZREVRANGEBYSCORE", "z", "4", "(2")).isEqualTo(List.of("d", "c"));

        assertThat(call("ZRANGESTORE", "dst", "z", "1", "3", "BYSCORE", "REV")).isEqualTo(0L);
        assertThat(call("ZRANGESTORE", "dst", "z", "3", "1", "BYSCORE", "REV")).isEqualTo(3L);
        assertThat(call("ZRANGE", "dst", "0", "-1", "WITHSCORES")).isEqualTo(List.of("a", "1", "b", "2", "c", "3"));
        call("SET", "dst", "string");
        assertThat(call("ZRANGESTORE", "dst", "z", "0", "0")).isEqualTo(1L);
        assertThat(call("TYPE", "dst")).isEqualTo("zset");
        assertThat(call("ZRANGESTORE", "dst", "missing", "0", "-1")).isEqualTo(0L);
        assertThat(call("EXISTS", "dst")).isEqualTo(0L);
    }

    @Test
    void zremrangeAndPops() {
        call("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "6", "f");
        assertThat(call("ZREMRANGEBYRANK", "z", "0", "1")).isEqualTo(2L);
        assertThat(call("ZREMRANGEBYSCORE", "z", "(5", "+inf")).isEqualTo(1L);
        assertThat(call("ZRANGE", "z", "0", "-1")).isEqualTo(List.of("c", "d", "e"));
        assertThat(call("ZPOPMIN", "z")).isEqualTo(List.of("c", "3"));
        assertThat(call("ZPOPMAX", "z", "5")).isEqualTo(List.of("e", "5", "d", "4"));
        assertThat(call("EXISTS", "z")).isEqualTo(0L);
        assertThat(call("ZPOPMIN", "z")).isEqualTo(List.of());
        call("ZADD", "z", "1", "a", "2", "b", "3", "c");
        assertError("ERR value is out of range, must be positive", "ZPOPMIN", "z", "-1");
        assertThat(call("ZMPOP", "2", "none", "z", "MIN")).isEqualTo(List.of("z", List.of(List.of("a", "1"))));
        assertThat(call("ZMPOP", "1", "z", "MAX", "COUNT", "5")).isEqualTo(List.of("z", List.of(List.of("c", "3"), List.of("b", "2"))));
        assertThat(call("ZMPOP", "1", "z", "MAX")).isNull();
        assertError("ERR numkeys should be greater than 0", "ZMPOP", "0", "z", "MIN");
        assertError("ERR count should be greater than 0", "ZMPOP", "1", "z", "MIN", "COUNT", "0");
        assertError("ERR syntax error", "ZMPOP", "1", "z", "MIDDLE");
    }

    @Test
    void unionInterDiffWithWeightsAggregateAndAPlainSet() {
        call("ZADD", "z1", "1", "a", "2", "b", "3", "c");
        call("ZADD", "z2", "10", "b", "20", "c", "30", "d");
        call("SADD", "s", "a", "c");
        assertThat(call("ZUNIONSTORE", "out", "2", "z1", "z2")).isEqualTo(4L);
        assertThat(call("ZRANGE", "out", "0", "-1", "WITHSCORES")).isEqualTo(List.of("a", "1", "b", "12", "c", "23", "d", "30"));
        assertThat(call("ZUNIONSTORE", "out", "2", "z1", "z2", "WEIGHTS", "2", "0.5", "AGGREGATE", "MAX")).isEqualTo(4L);
        assertThat(call("ZRANGE", "out", "0", "-1", "WITHSCORES")).isEqualTo(List.of("a", "2", "b", "5", "c", "10", "d", "15"));
        assertThat(call("ZINTERSTORE", "out", "2", "z1", "z2", "AGGREGATE", "MIN")).isEqualTo(2L);
        assertThat(call("ZRANGE", "out", "0", "-1", "WITHSCORES")).isEqualTo(List.of("b", "2", "c", "3"));
        assertThat(call("ZINTERSTORE", "out", "2", "z1", "s", "WEIGHTS", "1", "100")).as("set members score 1").isEqualTo(2L);
        assertThat(call("ZRANGE", "out", "0", "-1", "WITHSCORES")).isEqualTo(List.of("a", "101", "c", "103"));
        assertThat(call("ZUNIONSTORE", "out", "1", "s")).isEqualTo(2L);
        assertThat(call("ZRANGE", "out", "0", "-1", "WITHSCORES")).isEqualTo(List.of("a", "1", "c", "1"));
        assertThat(call("ZINTERSTORE", "out", "2", "z1", "missing")).isEqualTo(0L);
        assertThat(call("EXISTS", "out")).isEqualTo(0L);
        assertThat(call("ZDIFF", "2", "z1", "z2")).isEqualTo(List.of("a"));
        assertThat(call("ZDIFF", "2", "z2", "z1", "WITHSCORES")).isEqualTo(List.of("d", "30"));
        assertThat(call("ZINTERCARD", "2", "z1", "z2")).isEqualTo(2L);
        assertThat(call("ZINTERCARD", "2", "z1", "z2", "LIMIT", "1")).isEqualTo(1L);
        assertThat(call("ZINTERCARD", "2", "z1", "s")).isEqualTo(2L);
        assertError("ERR syntax error", "ZUNIONSTORE", "out", "2", "z1", "z2", "WEIGHTS", "1");
        assertError("ERR weight value is not a float", "ZUNIONSTORE", "out", "2", "z1", "z2", "WEIGHTS", "1", "x");
        assertError("ERR syntax error", "ZUNIONSTORE", "out", "2", "z1", "z2", "AGGREGATE", "AVG");
        assertError("ERR at least 1 input key is needed for 'zunionstore' command", "ZUNIONSTORE", "out", "0", "z1");
        assertError("ERR at least 1 input key is needed for 'zintercard' command", "ZINTERCARD", "0", "z1");
        call("SET", "str", "v");
        assertError(WRONGTYPE, "ZUNIONSTORE", "out", "2", "z1", "str");
        assertError(WRONGTYPE, "ZDIFF", "2", "z1", "str");
    }

    @Test
    void zscanFullScanReturnsAllMembers() {
        for (int n : new int[] {10, 300}) {
            redis.del("z");
            Map<String, Double> expected = new HashMap<>();
            for (int i = 0; i < n; i++) {
                expected.put("m" + i, (double) i);
            }
            redis.zadd("z", expected);
            Map<String, Double> seen = new HashMap<>();
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<Tuple> page = redis.zscan("z", cursor, new ScanParams().count(25));
                page.getResult().forEach(t -> seen.put(t.getElement(), t.getScore()));
                cursor = page.getCursor();
            } while (!cursor.equals("0"));
            assertThat(seen).isEqualTo(expected);
        }
        redis.del("z");
        call("ZADD", "z", "1.5", "aa", "2", "b");
        assertThat(call("ZSCAN", "z", "0")).isEqualTo(List.of("0", List.of("aa", "1.5", "b", "2")));
        assertThat(call("ZSCAN", "z", "0", "MATCH", "a*")).isEqualTo(List.of("0", List.of("aa", "1.5")));
    }

    @Test
    void encodingListpackToSkiplist() {
        for (int i = 0; i < 128; i++) {
            redis.zadd("z", i, "m" + i);
        }
        assertThat(call("OBJECT", "ENCODING", "z")).isEqualTo("listpack");
        redis.zadd("z", 128, "m128");
        assertThat(call("OBJECT", "ENCODING", "z")).isEqualTo("skiplist");
        redis.zadd("v", 1, "x".repeat(64));
        assertThat(call("OBJECT", "ENCODING", "v")).isEqualTo("listpack");
        redis.zadd("v", 2, "x".repeat(65));
        assertThat(call("OBJECT", "ENCODING", "v")).isEqualTo("skiplist");
        redis.zrem("v", "x".repeat(65));
        assertThat(call("OBJECT", "ENCODING", "v")).isEqualTo("skiplist");
    }

    @Test
    void wrongTypeErrors() {
        call("SET", "str", "v");
        for (String[] cmd : new String[][] {{"ZADD", "str", "1", "a"}, {"ZSCORE", "str", "a"}, {"ZCARD", "str"},
                {"ZRANGE", "str", "0", "1"}, {"ZRANK", "str", "a"}, {"ZINCRBY", "str", "1", "a"},
                {"ZPOPMIN", "str"}, {"ZSCAN", "str", "0"}, {"ZREM", "str", "a"}, {"ZCOUNT", "str", "0", "1"}}) {
            assertError(WRONGTYPE, cmd);
        }
    }

    @Test
    void resp3DoubleRepliesThroughLettuce() {
        call("ZADD", "z", "1.5", "a", "0.1", "b", "inf", "c");
        RedisClient client = RedisClient.create(RedisURI.builder().withHost(server.host()).withPort(server.port())
                .withTimeout(Duration.ofSeconds(5)).build());
        client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP3).build());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> lettuce = connection.sync();
            assertThat(lettuce.zscore("z", "a")).isEqualTo(1.5);
            assertThat(lettuce.zscore("z", "b")).isEqualTo(0.1);
            assertThat(lettuce.zscore("z", "c")).isEqualTo(Double.POSITIVE_INFINITY);
            assertThat(lettuce.zrangeWithScores("z", 0, -1)).containsExactly(
                    ScoredValue.just(0.1, "b"), ScoredValue.just(1.5, "a"), ScoredValue.just(Double.POSITIVE_INFINITY, "c"));
            assertThat(typed(lettuce, "ZSCORE", "z", "a")).isEqualTo(",1.5");
            assertThat(typed(lettuce, "ZRANGE", "z", "0", "1", "WITHSCORES")).isEqualTo("[[\"b\", ,0.1], [\"a\", ,1.5]]");
            assertThat(typed(lettuce, "ZINCRBY", "z", "1", "a")).isEqualTo(",2.5");
            assertThat(typed(lettuce, "ZMSCORE", "z", "a", "nope")).isEqualTo("[,2.5, _]");
            assertThat(typed(lettuce, "ZPOPMIN", "z")).isEqualTo("[\"b\", ,0.1]");
        } finally {
            client.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    private static String typed(RedisCommands<String, String> commands, String... args) {
        ProtocolKeyword keyword = () -> args[0].getBytes(StandardCharsets.UTF_8);
        CommandArgs<String, String> commandArgs = new CommandArgs<>(StringCodec.UTF8);
        for (int i = 1; i < args.length; i++) {
            commandArgs.add(args[i]);
        }
        return commands.dispatch(keyword, new TypedReplyOutput(), commandArgs);
    }

    @Test
    void scoreParsingAndFormattingEdgeCases() {
        call("ZADD", "z", "1e17", "a", "123456789012345678", "b", "0.000001", "c", "1e-5", "d", "-0", "e",
                "0.3333333333333333", "f", "+inf", "g", "0x10", "h");
        assertThat(call("ZSCORE", "z", "a")).isEqualTo("1e+17");
        assertThat(call("ZSCORE", "z", "b")).isEqualTo("1.2345678901234568e+17");
        assertThat(call("ZSCORE", "z", "c")).isEqualTo("9.9999999999999995e-07");
        assertThat(call("ZSCORE", "z", "d")).isEqualTo("1.0000000000000001e-05");
        assertThat(call("ZSCORE", "z", "e")).isEqualTo("0");
        assertThat(call("ZSCORE", "z", "f")).isEqualTo("0.33333333333333331");
        assertThat(call("ZSCORE", "z", "g")).isEqualTo("inf");
        assertThat(call("ZSCORE", "z", "h")).as("strtod accepts hex").isEqualTo("16");
        assertError("ERR value is not a valid float", "ZADD", "z", "1e400", "x");
        assertError("ERR value is not a valid float", "ZADD", "z", " 1", "x");
        assertError("ERR value is not a valid float", "ZADD", "z", "", "x");
        assertError("ERR value is not a valid float", "ZINCRBY", "z", "1e400", "a");
    }

    @Test
    void zaddGtAddsNewMembersAndMiscEdges() {
        call("ZADD", "z", "1", "a");
        assertThat(call("ZADD", "z", "GT", "0", "new")).isEqualTo(1L);
        assertThat(call("ZADD", "z", "LT", "5", "new2")).isEqualTo(1L);
        assertThat(call("ZPOPMIN", "z", "0")).isEqualTo(List.of());
        assertThat(call("ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "-1")).isEqualTo(List.of("a", "new2"));
        assertThat(call("ZRANGE", "z", "(0", "(5", "BYSCORE")).isEqualTo(List.of("a"));
        assertThat(call("ZLEXCOUNT", "z", "(z", "[a")).isEqualTo(0L);
        assertThat(call("ZCOUNT", "z", "5", "1")).isEqualTo(0L);
        assertThat(call("ZRANGEBYSCORE", "z", "(inf", "+inf")).isEqualTo(List.of());
    }

    @Test
    void aggregationsTreatNanAsZero() {
        call("ZADD", "p", "inf", "a", "1", "b");
        call("ZADD", "n", "-inf", "a", "2", "b");
        assertThat(call("ZUNIONSTORE", "out", "2", "p", "n")).isEqualTo(2L);
        assertThat(call("ZRANGE", "out", "0", "-1", "WITHSCORES")).isEqualTo(List.of("a", "0", "b", "3"));
        assertThat(call("ZINTERSTORE", "out", "1", "p", "WEIGHTS", "0")).isEqualTo(2L);
        assertThat(call("ZRANGE", "out", "0", "-1", "WITHSCORES")).isEqualTo(List.of("a", "0", "b", "0"));
        assertThat(call("ZDIFF", "1", "p", "WITHSCORES")).isEqualTo(List.of("b", "1", "a", "inf"));
        assertThat(call("ZINTERCARD", "2", "p", "n", "LIMIT", "0")).isEqualTo(2L);
        assertError("ERR LIMIT can't be negative", "ZINTERCARD", "2", "p", "n", "LIMIT", "-1");
    }

    @Test
    void bzpopminServedByZaddAndBzmpop() throws Exception {
        redis.clients.jedis.Jedis waiter = newConnection();
        java.util.concurrent.CompletableFuture<Object> pop = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> call(waiter, "BZPOPMIN", "z1", "z2", "5"));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> ((String) call("INFO", "clients")).contains("blocked_clients:1"));
        call("ZADD", "z2", "2.5", "b", "1", "a");
        assertThat(pop.get(5, TimeUnit.SECONDS)).isEqualTo(List.of("z2", "a", "1"));
        assertThat(call("BZPOPMAX", "z2", "1")).isEqualTo(List.of("z2", "b", "2.5"));
        assertThat(call("BZPOPMAX", "z2", "0.01")).isNull();
        call("ZADD", "z3", "1", "x", "2", "y");
        assertThat(call("BZMPOP", "1", "2", "z2", "z3", "MAX", "COUNT", "5")).isEqualTo(
                List.of("z3", List.of(List.of("y", "2"), List.of("x", "1"))));
    }

    @Test
    void storedResultEncodings() {
        call("ZADD", "a", "1", "x", "2", "y");
        call("SADD", "s", "x");
        call("ZUNIONSTORE", "u", "2", "a", "s");
        assertThat(call("OBJECT", "ENCODING", "u")).isEqualTo("listpack");
        for (int i = 0; i < 200; i++) {
            redis.zadd("big", i, "m" + i);
        }
        call("ZINTERSTORE", "i", "1", "big");
        assertThat(call("OBJECT", "ENCODING", "i")).isEqualTo("skiplist");
        call("ZRANGESTORE", "r", "big", "0", "9");
        assertThat(call("OBJECT", "ENCODING", "r")).isEqualTo("listpack");
        call("ZREMRANGEBYRANK", "big", "0", "190");
        assertThat(call("OBJECT", "ENCODING", "big")).as("no conversion back").isEqualTo("skiplist");
    }

    @Test
    void resp3ShapesOfPairsAndMaps() {
        call("ZADD", "z", "1", "a", "2", "b");
        call("HSET", "h", "f", "v");
        RedisClient client = RedisClient.create(RedisURI.builder().withHost(server.host()).withPort(server.port())
                .withTimeout(Duration.ofSeconds(5)).build());
        client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP3).build());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> lettuce = connection.sync();
            assertThat(typed(lettuce, "HGETALL", "h")).isEqualTo("%{\"f\"=\"v\"}");
            assertThat(typed(lettuce, "HRANDFIELD", "h", "1", "WITHVALUES")).isEqualTo("[[\"f\", \"v\"]]");
            assertThat(typed(lettuce, "ZPOPMIN", "z", "1")).isEqualTo("[[\"a\", ,1.0]]");
            assertThat(typed(lettuce, "ZRANDMEMBER", "z", "1", "WITHSCORES")).isEqualTo("[[\"b\", ,2.0]]");
            assertThat(typed(lettuce, "ZADD", "z", "INCR", "1", "b")).isEqualTo(",3.0");
            assertThat(typed(lettuce, "ZSCAN", "z", "0")).isEqualTo("[\"0\", [\"b\", \"3\"]]");
            assertThat(typed(lettuce, "ZMPOP", "1", "z", "MIN")).isEqualTo("[\"z\", [[\"b\", ,3.0]]]");
            assertThat(typed(lettuce, "SMEMBERS", "missing")).isEqualTo("~[]");
            assertThat(typed(lettuce, "BLPOP", "missing", "0.01")).isEqualTo("_");
            assertThat(typed(lettuce, "ZSCORE", "missing", "a")).isEqualTo("_");
        } finally {
            client.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    @Test
    void randomOperationsMatchAModel() {
        java.util.Random random = new java.util.Random(7);
        Map<String, Double> scores = new HashMap<>();
        java.util.Comparator<String> order = java.util.Comparator.<String>comparingDouble(scores::get).thenComparing(java.util.Comparator.naturalOrder());
        for (int op = 0; op < 3000; op++) {
            String m = "m" + random.nextInt(random.nextInt(10) == 0 ? 400 : 60);
            double s = random.nextInt(41) - 20;
            switch (random.nextInt(8)) {
                case 0: case 1: case 2:
                    assertThat(redis.zadd("z", s, m)).isEqualTo(scores.containsKey(m) ? 0L : 1L);
                    scores.put(m, s);
                    break;
                case 3:
                    scores.merge(m, s, Double::sum);
                    assertThat(redis.zincrby("z", s, m)).isEqualTo(scores.get(m));
                    break;
                case 4:
                    assertThat(redis.zrem("z", m)).isEqualTo(scores.remove(m) == null ? 0L : 1L);
                    break;
                case 5: {
                    double lo = random.nextInt(41) - 20;
                    double hi = lo + random.nextInt(4);
                    long expected = scores.values().stream().filter(v -> v >= lo && v <= hi).count();
                    if (random.nextInt(4) == 0) {
                        assertThat(redis.zremrangeByScore("z", lo, hi)).isEqualTo(expected);
                        scores.values().removeIf(v -> v >= lo && v <= hi);
                    } else {
                        assertThat(redis.zcount("z", lo, hi)).isEqualTo(expected);
                    }
                    break;
                }
                case 6: {
                    List<String> sorted = scores.keySet().stream().sorted(order).collect(java.util.stream.Collectors.toList());
                    if (random.nextInt(5) == 0 && !sorted.isEmpty()) {
                        int start = random.nextInt(sorted.size());
                        int stop = Math.min(sorted.size() - 1, start + random.nextInt(3));
                        assertThat(redis.zremrangeByRank("z", start, stop)).isEqualTo(stop - start + 1);
                        sorted.subList(start, stop + 1).forEach(scores::remove);
                    } else {
                        Long rank = redis.zrank("z", m);
                        int at = sorted.indexOf(m);
                        assertThat(rank).isEqualTo(at < 0 ? null : (Long) (long) at);
                        Long revRank = redis.zrevrank("z", m);
                        assertThat(revRank).isEqualTo(at < 0 ? null : (Long) (long) (sorted.size() - 1 - at));
                    }
                    break;
                }
                default: {
                    List<String> sorted = scores.keySet().stream().sorted(order).collect(java.util.stream.Collectors.toList());
                    if (!sorted.isEmpty() && random.nextInt(6) == 0) {
                        List<Tuple> popped = random.nextBoolean() ? redis.zpopmin("z", 2) : redis.zpopmax("z", 2);
                        for (Tuple t : popped) {
                            assertThat(scores.remove(t.getElement())).isEqualTo(t.getScore());
                        }
                        List<String> ends = new java.util.ArrayList<>(sorted);
                        assertThat(popped.get(0).getElement()).isIn(ends.get(0), ends.get(ends.size() - 1));
                    } else {
                        double lo = random.nextInt(41) - 20;
                        List<String> expected = sorted.stream().filter(x -> scores.get(x) > lo).skip(1).limit(3)
                                .collect(java.util.stream.Collectors.toList());
                        assertThat(call("ZRANGE", "z", "(" + (long) lo, "+inf", "BYSCORE", "LIMIT", "1", "3")).isEqualTo(expected);
                    }
                }
            }
            if (op % 100 == 0) {
                List<String> sorted = scores.keySet().stream().sorted(order).collect(java.util.stream.Collectors.toList());
                assertThat(redis.zrange("z", 0, -1)).as("after op %d", op).isEqualTo(sorted);
                assertThat(redis.zcard("z")).isEqualTo(scores.size());
            }
        }
        List<Tuple> all = redis.zrangeWithScores("z", 0, -1);
        Map<String, Double> actual = new HashMap<>();
        all.forEach(t -> actual.put(t.getElement(), t.getScore()));
        assertThat(actual).isEqualTo(scores);
    }

    @Test
    void membersCompareAsUnsignedBytes() {
        byte[] key = "bin".getBytes(StandardCharsets.UTF_8);
        byte[][] members = {{(byte) 0xff}, {(byte) 0x80}, {0x7f}, {0}, {'a', 0, 'b'}, {'a'}, {'\r', '\n'}};
        for (byte[] m : members) {
            redis.zadd(key, 0, m);
        }
        List<byte[]> range = redis.zrange(key, 0, -1);
        assertThat(range).containsExactly(new byte[] {0}, new byte[] {'\r', '\n'}, new byte[] {'a'},
                new byte[] {'a', 0, 'b'}, new byte[] {0x7f}, new byte[] {(byte) 0x80}, new byte[] {(byte) 0xff});
        assertThat(redis.zrangeByLex(key, new byte[] {'(', 'a'}, new byte[] {'[', (byte) 0x80})).containsExactly(
                new byte[] {'a', 0, 'b'}, new byte[] {0x7f}, new byte[] {(byte) 0x80});
        assertThat(redis.zlexcount(key, new byte[] {'[', (byte) 0x80}, new byte[] {'+'})).isEqualTo(2L);
        assertThat(redis.zrevrangeByLex(key, new byte[] {'(', 'a'}, new byte[] {'-'})).containsExactly(
                new byte[] {'\r', '\n'}, new byte[] {0});
        assertThat(redis.zremrangeByLex(key, new byte[] {'[', (byte) 0x80}, new byte[] {'+'})).isEqualTo(2L);
        assertThat(redis.zrank(key, new byte[] {'a', 0, 'b'})).isEqualTo(3L);
        for (int i = 0; i < 200; i++) {
            redis.zadd(key, 0, new byte[] {(byte) 0xfe, (byte) i});
        }
        assertThat(call("OBJECT", "ENCODING", "bin")).isEqualTo("skiplist");
        assertThat(redis.zrange(key, 5, 5)).containsExactly(new byte[] {(byte) 0xfe, 0});
        assertThat(redis.zrange(key, 5 + 0x80, 5 + 0x80)).containsExactly(new byte[] {(byte) 0xfe, (byte) 0x80});
    }

    @Test
    void destinationAmongInputsAndTtls() {
        call("ZADD", "a", "1", "x", "2", "y");
        call("ZADD", "b", "10", "y");
        call("EXPIRE", "a", "100");
        assertThat(call("ZUNIONSTORE", "a", "2", "a", "b")).isEqualTo(2L);
        assertThat(call("ZRANGE", "a", "0", "-1", "WITHSCORES")).isEqualTo(List.of("x", "1", "y", "12"));
        assertThat(call("TTL", "a")).as("a store replaces the key and its TTL").isEqualTo(-1L);
        call("EXPIRE", "b", "100");
        call("ZADD", "b", "11", "z");
        call("ZINCRBY", "b", "1", "z");
        assertThat((Long) call("TTL", "b")).as("writes to a zset keep its TTL").isGreaterThan(90L);
        call("ZPOPMIN", "b", "10");
        call("ZADD", "b", "1", "w");
        assertThat(call("TTL", "b")).as("emptied then re-created").isEqualTo(-1L);
        assertThat(call("ZINTERSTORE", "a", "2", "a", "a", "AGGREGATE", "SUM")).isEqualTo(2L);
        assertThat(call("ZRANGE", "a", "0", "-1", "WITHSCORES")).isEqualTo(List.of("x", "2", "y", "24"));
        assertThat(call("ZDIFFSTORE", "a", "2", "a", "a")).isEqualTo(0L);
        assertThat(call("EXISTS", "a")).isEqualTo(0L);
    }

    @Test
    void scoreSyntaxFollowsStrtod() {
        String[][] accepted = {{"infinity", "inf"}, {"INF", "inf"}, {"-Infinity", "-inf"}, {"1.", "1"}, {".5", "0.5"},
                {"+1", "1"}, {"0x1p3", "8"}, {"-0.0", "0"}, {"1E2", "100"}, {"0X10", "16"}};
        for (String[] pair : accepted) {
            call("ZADD", "z", pair[0], "m");
            assertThat(call("ZSCORE", "z", "m")).as("score %s", pair[0]).isEqualTo(pair[1]);
        }
        for (String bad : new String[] {"1d", "1f", "NaN", "1e", "1_0", "1 ", "", "--1"}) {
            assertError("ERR value is not a valid float", "ZADD", "z", bad, "m");
        }
        assertError("ERR min or max is not a float", "ZCOUNT", "z", "1d", "2");
        assertError("ERR min or max is not a float", "ZRANGEBYSCORE", "z", "(1f", "2");
        assertThat(call("ZCOUNT", "z", "(0x0", "+infinity")).isEqualTo(1L);
    }

    @Test
    void repeatedMembersNonStoreAlgebraAndZrandmember() {
        assertThat(call("ZADD", "z2", "1", "a", "2", "a")).as("last score wins").isEqualTo(1L);
        assertThat(call("ZSCORE", "z2", "a")).isEqualTo("2");
        assertThat(call("ZADD", "z2", "CH", "INCR", "1", "a")).isEqualTo("3");
        call("ZADD", "z", "1", "a", "5", "b");
        assertThat(call("ZRANGE", "z", "0", "-1", "BYSCORE", "LIMIT", "-1", "5")).isEqualTo(List.of());
        assertThat(call("ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "0", "-1")).isEqualTo(List.of("a", "b"));
        assertThat(call("ZUNION", "2", "z", "z2", "WITHSCORES")).isEqualTo(List.of("a", "4", "b", "5"));
        assertThat(call("ZINTER", "2", "z", "z2", "AGGREGATE", "MAX", "WITHSCORES")).isEqualTo(List.of("a", "3"));
        assertThat(call("ZINTER", "2", "z", "z2")).isEqualTo(List.of("a"));
        assertThat(call("ZRANDMEMBER", "z2", "2", "WITHSCORES")).isEqualTo(List.of("a", "3"));
        assertThat(call("ZRANDMEMBER", "missing")).isNull();
        assertThat(call("ZRANDMEMBER", "missing", "2")).isEqualTo(List.of());
        assertThat(strings(call("ZRANDMEMBER", "z", "-5"))).hasSize(5).allMatch(m -> m.equals("a") || m.equals("b"));
        assertThat(call("ZRANGESTORE", "dst", "z", "0", "-1", "BYSCORE", "LIMIT", "0", "1")).isEqualTo(0L);
        assertThat(call("ZRANGESTORE", "dst", "z", "0", "+inf", "BYSCORE", "LIMIT", "1", "1")).isEqualTo(1L);
        assertThat(call("ZRANGE", "dst", "0", "-1")).isEqualTo(List.of("b"));
        assertThat(call("ZMSCORE", "z", "a", "a", "zz")).isEqualTo(Arrays.asList("1", "1", null));
    }
}
