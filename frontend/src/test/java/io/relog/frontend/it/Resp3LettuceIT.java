package io.relog.frontend.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.CopyArgs;
import io.lettuce.core.ExpireArgs;
import io.lettuce.core.GetExArgs;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.protocol.ProtocolVersion;

/**
 * Lettuce over RESP3 (it negotiates with {@code HELLO 3}): its typed API, and the RESP3 type of
 * each reply as Lettuce's parser sees it ({@link TypedReplyOutput}); one RESP2 client alongside.
 */
class Resp3LettuceIT extends AbstractServerIT {

    private static RedisClient resp3Client;
    private static RedisClient resp2Client;
    private StatefulRedisConnection<String, String> connection;
    private RedisCommands<String, String> lettuce;

    @BeforeAll
    static void createClients() {
        RedisURI uri = RedisURI.builder().withHost(server.host()).withPort(server.port())
                .withTimeout(Duration.ofSeconds(5)).build();
        resp3Client = RedisClient.create(uri);
        resp3Client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP3).build());
        resp2Client = RedisClient.create(uri);
        resp2Client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP2).build());
    }

    @AfterAll
    static void shutdownClients() {
        resp3Client.shutdown(0, 2, TimeUnit.SECONDS);
        resp2Client.shutdown(0, 2, TimeUnit.SECONDS);
    }

    @BeforeEach
    void connectLettuce() {
        connection = resp3Client.connect();
        lettuce = connection.sync();
    }

    @AfterEach
    void closeLettuce() {
        connection.close();
    }

    /** Sends any command through Lettuce and renders the typed reply. */
    private String typed(String... args) {
        return typed(lettuce, args);
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
    void connectionNegotiatedResp3() {
        assertThat(connection.getOptions().getConfiguredProtocolVersion()).isEqualTo(ProtocolVersion.RESP3);
        assertThat(lettuce.clientInfo()).contains(" resp=3");
        assertThat(lettuce.ping()).isEqualTo("PONG");
        assertThat(lettuce.echo("hi")).isEqualTo("hi");
    }

    @Test
    void helloThreeIsAMap() {
        String hello = typed("HELLO", "3");
        assertThat(hello).startsWith("%{\"server\"=").contains("\"proto\"=:3", "\"mode\"=\"standalone\"",
                "\"role\"=\"master\"", "\"modules\"=[]");
        assertThat(hello).matches(".*\"id\"=:\\d+.*").matches(".*\"version\"=\"\\d+\\.\\d+\\.\\d+\".*");
    }

    @Test
    void replyTypesOfStringCommands() {
        assertThat(typed("SET", "k", "v")).isEqualTo("\"OK\"");
        assertThat(typed("GET", "k")).isEqualTo("\"v\"");
        assertThat(typed("GET", "missing")).isEqualTo("_");
        assertThat(typed("SET", "k", "w", "NX")).isEqualTo("_");
        assertThat(typed("MGET", "k", "missing")).isEqualTo("[\"v\", _]");
        assertThat(typed("INCR", "n")).isEqualTo(":1");
        assertThat(typed("INCRBYFLOAT", "f", "1.5")).as("INCRBYFLOAT stays a bulk string").isEqualTo("\"1.5\"");
        assertThat(typed("STRLEN", "k")).isEqualTo(":1");
        assertThat(typed("SET", "k", "x", "GET")).isEqualTo("\"v\"");
    }

    @Test
    void replyTypesOfKeyAndServerCommands() {
        lettuce.set("a", "1");
        assertThat(typed("EXISTS", "a", "missing")).isEqualTo(":1");
        assertThat(typed("TTL", "a")).isEqualTo(":-1");
        assertThat(typed("TYPE", "a")).isEqualTo("\"string\"");
        assertThat(typed("SCAN", "0")).isEqualTo("[\"0\", [\"a\"]]");
        assertThat(typed("KEYS", "*")).isEqualTo("[\"a\"]");
        assertThat(typed("OBJECT", "ENCODING", "a")).isEqualTo("\"int\"");
        assertThat(typed("CONFIG", "GET", "databases")).isEqualTo("%{\"databases\"=\"16\"}");
        assertThat(typed("CONFIG", "GET", "nosuchparameter")).isEqualTo("%{}");
        assertThat(typed("COMMAND", "INFO", "get")).startsWith(
                "[[\"get\", :2, ~[\"readonly\", \"fast\"], :1, :1, :1, ~[\"@read\", \"@string\", \"@fast\"], ");
        assertThat(typed("COMMAND", "DOCS", "get")).startsWith("%{\"get\"=%{\"summary\"=");
        assertThat(typed("TIME")).matches("\\[\"\\d+\", \"\\d+\"\\]");
        assertThat(typed("CLIENT", "GETNAME")).isEqualTo("_");
        assertThat(typed("DBSIZE")).isEqualTo(":1");
    }

    @Test
    void lcsIdxIsAMapInResp3() {
        lettuce.mset(Map.of("a", "ohmytext", "b", "mynewtext"));
        assertThat(typed("LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"))
                .isEqualTo("%{\"matches\"=[[[:4, :7], [:5, :8], :4]], \"len\"=:6}");
        assertThat(typed("LCS", "a", "b")).isEqualTo("\"mytext\"");
    }

    @Test
    void verbatimStringsReadAsText() {
        String info = lettuce.info("server");
        assertThat(info).startsWith("# Server\r\n").contains("redis_version:");
        assertThat(lettuce.clientList()).contains("resp=3");
    }

    @Test
    void typedApiOfStringCommands() {
        assertThat(lettuce.set("k", "v", SetArgs.Builder.ex(100))).isEqualTo("OK");
        assertThat(lettuce.ttl("k")).isBetween(99L, 100L);
        assertThat(lettuce.setGet("k", "w")).isEqualTo("v");
        assertThat(lettuce.set("k", "x", SetArgs.Builder.nx())).isNull();
        assertThat(lettuce.getex("k", GetExArgs.Builder.persist())).isEqualTo("w");
        assertThat(lettuce.ttl("k")).isEqualTo(-1L);
        assertThat(lettuce.getdel("k")).isEqualTo("w");
        assertThat(lettuce.get("k")).isNull();
        assertThat(lettuce.mset(Map.of("a", "1", "b", "2"))).isEqualTo("OK");
        assertThat(lettuce.mget("a", "missing", "b")).containsExactly(
                KeyValue.just("a", "1"), KeyValue.empty("missing"), KeyValue.just("b", "2"));
        assertThat(lettuce.msetnx(Map.of("a", "x", "c", "3"))).isFalse();
        assertThat(lettuce.incrby("a", 9)).isEqualTo(10L);
        assertThat(lettuce.decr("a")).isEqualTo(9L);
        assertThat(lettuce.incrbyfloat("a", 0.5)).isEqualTo(9.5);
        assertThat(lettuce.append("b", "22")).isEqualTo(3L);
        assertThat(lettuce.getrange("b", 1, -1)).isEqualTo("22");
        assertThat(lettuce.setrange("b", 0, "9")).isEqualTo(3L);
        assertThat(lettuce.get("b")).isEqualTo("922");
        assertThat(lettuce.setnx("b", "no")).isFalse();
        assertThat(lettuce.setex("e", 50, "v")).isEqualTo("OK");
        assertThat(lettuce.psetex("p", 50_000, "v")).isEqualTo("OK");
        assertThat(lettuce.pttl("p")).isBetween(49_000L, 50_000L);
        assertThat(lettuce.getset("e", "new")).isEqualTo("v");
        assertThat(lettuce.strlen("e")).isEqualTo(3L);
    }

    @Test
    void typedApiOfKeyCommands() {
        lettuce.set("k", "v");
        assertThat(lettuce.expire("k", 100, ExpireArgs.Builder.nx())).isTrue();
        assertThat(lettuce.expire("k", 50, ExpireArgs.Builder.gt())).isFalse();
        assertThat(lettuce.pexpire("k", 200_000, ExpireArgs.Builder.gt())).isTrue();
        assertThat(lettuce.expiretime("k")).isGreaterThan(System.currentTimeMillis() / 1000);
        assertThat(lettuce.persist("k")).isTrue();
        assertThat(lettuce.copy("k", "k2", CopyArgs.Builder.replace(true))).isTrue();
        assertThat(lettuce.rename("k2", "k3")).isEqualTo("OK");
        assertThat(lettuce.renamenx("k3", "k")).isFalse();
        assertThat(lettuce.type("k3")).isEqualTo("string");
        assertThat(lettuce.exists("k", "k3", "missing")).isEqualTo(2L);
        assertThat(lettuce.touch("k", "missing")).isEqualTo(1L);
        assertThat(lettuce.objectEncoding("k")).isEqualTo("embstr");
        assertThat(lettuce.randomkey()).isIn("k", "k3");
        assertThat(lettuce.unlink("k3")).isEqualTo(1L);
        assertThat(lettuce.del("k", "missing")).isEqualTo(1L);
        assertThat(lettuce.dbsize()).isEqualTo(0L);
    }

    @Test
    void scanWithLettuceCursor() {
        for (int i = 0; i < 120; i++) {
            lettuce.set("s:" + i, "v");
        }
        Set<String> seen = new HashSet<>();
        KeyScanCursor<String> cursor = lettuce.scan(ScanArgs.Builder.limit(10).match("s:1*"));
        seen.addAll(cursor.getKeys());
        while (!cursor.isFinished()) {
            cursor = lettuce.scan(cursor, ScanArgs.Builder.limit(10).match("s:1*"));
            seen.addAll(cursor.getKeys());
        }
        assertThat(seen).hasSize(31).allMatch(k -> k.startsWith("s:1"));
        assertThat(lettuce.scan(ScanCursor.INITIAL).getCursor()).isNotNull();
    }

    @Test
    void configAndServerThroughLettuce() {
        Map<String, String> config = lettuce.configGet("maxmemory*");
        assertThat(config).containsEntry("maxmemory", "0").containsKey("maxmemory-policy");
        assertThat(lettuce.configSet(Map.of("maxmemory", "1mb"))).isEqualTo("OK");
        assertThat(lettuce.configGet("maxmemory")).containsEntry("maxmemory", "1048576");
        lettuce.configSet("maxmemory", "0");
        assertThat(lettuce.configResetstat()).isEqualTo("OK");
        assertThat(lettuce.time()).hasSize(2);
        assertThat(lettuce.lastsave()).isNotNull();
        assertThat(lettuce.commandCount()).isPositive();
        assertThat(lettuce.clientId()).isPositive();
        assertThat(lettuce.clientSetname("lettuce-test")).isEqualTo("OK");
        assertThat(lettuce.clientGetname()).isEqualTo("lettuce-test");
        assertThat(lettuce.flushdb()).isEqualTo("OK");
    }

    @Test
    void errorsSurfaceAsRedisCommandExecutionException() {
        lettuce.set("k", "abc");
        assertThatThrownBy(() -> lettuce.incr("k")).isInstanceOf(RedisCommandExecutionException.class)
                .hasMessage("ERR value is not an integer or out of range");
        assertThatThrownBy(() -> lettuce.incrbyfloat("k", 1.0)).isInstanceOf(RedisCommandExecutionException.class)
                .hasMessage("ERR value is not a valid float");
        assertThatThrownBy(() -> lettuce.select(16)).isInstanceOf(RedisCommandExecutionException.class)
                .hasMessage("ERR DB index is out of range");
        assertThatThrownBy(() -> typed("GET")).isInstanceOf(RedisCommandExecutionException.class)
                .hasMessage("ERR wrong number of arguments for 'get' command");
        assertThat(lettuce.ping()).isEqualTo("PONG");
    }

    @Test
    void resp2ClientSeesResp2Types() {
        try (StatefulRedisConnection<String, String> resp2 = resp2Client.connect()) {
            RedisCommands<String, String> sync = resp2.sync();
            assertThat(sync.clientInfo()).contains(" resp=2");
            assertThat(typed(sync, "CONFIG", "GET", "databases")).isEqualTo("[\"databases\", \"16\"]");
            assertThat(typed(sync, "GET", "missing")).isEqualTo("_");
            sync.set("a", "ohmytext");
            sync.set("b", "mynewtext");
            assertThat(typed(sync, "LCS", "a", "b", "IDX", "MINMATCHLEN", "4"))
                    .isEqualTo("[\"matches\", [[[:4, :7], [:5, :8]]], \"len\", :6]");
            assertThat(typed(sync, "COMMAND", "INFO", "get")).startsWith(
                    "[[\"get\", :2, [\"readonly\", \"fast\"], :1, :1, :1, [\"@read\", \"@string\", \"@fast\"], ");
        }
    }

    @Test
    void asyncBatchWithManualFlush() throws Exception {
        try (StatefulRedisConnection<String, String> batch = resp3Client.connect()) {
            batch.setAutoFlushCommands(false);
            RedisAsyncCommands<String, String> async = batch.async();
            List<RedisFuture<?>> futures = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                futures.add(async.set("b:" + i, Integer.toString(i)));
                futures.add(async.incr("b:" + i));
            }
            RedisFuture<List<KeyValue<String, String>>> mget = async.mget("b:0", "b:999", "missing");
            batch.flushCommands();
            assertThat(LettuceFutures.awaitAll(Duration.ofSeconds(10), futures.toArray(new RedisFuture[0]))).isTrue();
            for (int i = 0; i < 1000; i++) {
                assertThat(futures.get(2 * i + 1).get()).isEqualTo((long) i + 1);
            }
            assertThat(mget.get(5, TimeUnit.SECONDS)).containsExactly(
                    KeyValue.just("b:0", "1"), KeyValue.just("b:999", "1000"), KeyValue.empty("missing"));
        }
    }

    @Test
    void databaseFromTheUriIsSelectedOnConnect() {
        RedisClient client = RedisClient.create(RedisURI.builder().withHost(server.host()).withPort(server.port())
                .withDatabase(7).withTimeout(Duration.ofSeconds(5)).build());
        client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP3).build());
        try (StatefulRedisConnection<String, String> db7 = client.connect()) {
            db7.sync().set("in7", "v");
            assertThat(db7.sync().clientInfo()).contains(" db=7 ");
        } finally {
            client.shutdown(0, 2, TimeUnit.SECONDS);
        }
        assertThat(call("EXISTS", "in7")).isEqualTo(0L);
        call("SELECT", "7");
        assertThat(call("GET", "in7")).isEqualTo("v");
    }

    @Test
    void selectAndSwapdbPerConnection() {
        assertThat(lettuce.select(2)).isEqualTo("OK");
        lettuce.set("in2", "v");
        assertThat(lettuce.dbsize()).isEqualTo(1L);
        assertThat(lettuce.swapdb(2, 0)).isEqualTo("OK");
        assertThat(lettuce.dbsize()).isEqualTo(0L);
        assertThat(call("GET", "in2")).isEqualTo("v");
        assertThat(lettuce.move("missing", 1)).isFalse();
        assertThat(List.of(lettuce.flushall())).containsExactly("OK");
    }
}
