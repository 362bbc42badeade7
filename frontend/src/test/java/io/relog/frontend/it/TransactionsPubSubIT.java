package io.relog.frontend.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * MULTI/EXEC/DISCARD/WATCH across two Jedis connections, SORT, SUBSCRIBE/PUBLISH with a
 * {@link JedisPubSub} in a thread, and {@code redis-cli}'s exact stdout for collection commands.
 */
class TransactionsPubSubIT extends AbstractServerIT {

    static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

    /** The raw reply, keeping error elements of an EXEC reply as {@link JedisDataException}. */
    private Object raw(Jedis jedis, String... args) {
        ProtocolCommand command = () -> args[0].getBytes(StandardCharsets.UTF_8);
        return jedis.sendCommand(command, Arrays.copyOfRange(args, 1, args.length));
    }

    @Test
    void multiExecQueuesAndRunsInOrder() {
        assertThat(call("MULTI")).isEqualTo("OK");
        assertThat(call("SET", "k", "v")).isEqualTo("QUEUED");
        assertThat(call("INCR", "n")).isEqualTo("QUEUED");
        assertThat(call("RPUSH", "l", "a", "b")).isEqualTo("QUEUED");
        assertThat(call("HSET", "h", "f", "1")).isEqualTo("QUEUED");
        Jedis other = newConnection();
        assertThat(other.exists("k")).as("nothing runs before EXEC").isFalse();
        assertThat(call("EXEC")).isEqualTo(List.of("OK", 1L, 2L, 1L));
        assertThat(call("GET", "k")).isEqualTo("v");
        assertThat(call("MULTI")).isEqualTo("OK");
        assertThat(call("EXEC")).isEqualTo(List.of());
    }

    @Test
    void runtimeErrorInsideExecDoesNotStopTheOthers() {
        call("SET", "s", "v");
        call("MULTI");
        call("INCR", "n");
        call("LPUSH", "s", "x");
        call("INCR", "n");
        List<?> reply = (List<?>) raw(redis, "EXEC");
        assertThat(reply).hasSize(3);
        assertThat(reply.get(0)).isEqualTo(1L);
        assertThat(reply.get(1)).isInstanceOf(JedisDataException.class);
        assertThat(((JedisDataException) reply.get(1)).getMessage()).isEqualTo(WRONGTYPE);
        assertThat(reply.get(2)).isEqualTo(2L);
    }

    @Test
    void queueTimeErrorAbortsExecAndStateErrors() {
        assertError("ERR EXEC without MULTI", "EXEC");
        assertError("ERR DISCARD without MULTI", "DISCARD");
        call("MULTI");
        assertError("ERR MULTI calls can not be nested", "MULTI");
        assertError("ERR WATCH inside MULTI is not allowed", "WATCH", "k");
        assertThat(call("SET", "k", "v")).isEqualTo("QUEUED");
        assertError(wrongArgs("set"), "SET", "k");
        assertError("ERR unknown command 'NOSUCH', with args beginning with: 'x' ", "NOSUCH", "x");
        assertError("EXECABORT Transaction discarded because of previous errors.", "EXEC");
        assertThat(call("EXISTS", "k")).isEqualTo(0L);
        assertError("ERR EXEC without MULTI", "EXEC");
    }

    @Test
    void discardDropsTheQueue() {
        call("MULTI");
        call("SET", "k", "v");
        assertThat(call("DISCARD")).isEqualTo("OK");
        assertThat(call("GET", "k")).isNull();
        assertThat(call("PING")).as("back to normal mode").isEqualTo("PONG");
    }

    @Test
    void watchIsBrokenByAnotherClient() {
        Jedis other = newConnection();
        call("SET", "k", "1");
        assertThat(call("WATCH", "k")).isEqualTo("OK");
        other.set("k", "2");
        call("MULTI");
        call("SET", "k", "mine");
        assertThat(call("EXEC")).as("aborted: nil").isNull();
        assertThat(call("GET", "k")).isEqualTo("2");

        call("WATCH", "k");
        other.get("k");
        call("MULTI");
        call("SET", "k", "mine");
        assertThat(call("EXEC")).as("a read does not break WATCH").isEqualTo(List.of("OK"));

        call("WATCH", "absent");
        other.rpush("absent", "x");
        call("MULTI");
        call("SET", "k", "again");
        assertThat(call("EXEC")).as("creating a watched key breaks WATCH").isNull();
        assertThat(call("GET", "k")).isEqualTo("mine");

        call("WATCH", "k");
        assertThat(call("UNWATCH")).isEqualTo("OK");
        other.set("k", "3");
        call("MULTI");
        call("SET", "k", "4");
        assertThat(call("EXEC")).isEqualTo(List.of("OK"));

        call("WATCH", "k");
        other.set("k", "5");
        call("MULTI");
        call("SET", "k", "6");
        call("DISCARD");
        call("MULTI");
        call("SET", "k", "7");
        assertThat(call("EXEC")).as("DISCARD unwatches").isEqualTo(List.of("OK"));
    }

    @Test
    void jedisTransactionApi() {
        Transaction t = redis.multi();
        t.set("a", "1");
        t.incrBy("a", 5);
        t.sadd("s", "x", "y");
        t.zadd("z", 1.5, "m");
        assertThat(t.exec()).isEqualTo(List.of("OK", 6L, 2L, 1L));
        assertThat(redis.zscore("z", "m")).isEqualTo(1.5);
    }

    @Test
    void sortNumericAlphaLimitDesc() {
        call("RPUSH", "l", "3", "10", "1", "2");
        assertThat(call("SORT", "l")).isEqualTo(List.of("1", "2", "3", "10"));
        assertThat(call("SORT", "l", "DESC")).isEqualTo(List.of("10", "3", "2", "1"));
        assertThat(call("SORT", "l", "ALPHA")).isEqualTo(List.of("1", "10", "2", "3"));
        assertThat(call("SORT", "l", "LIMIT", "1", "2")).isEqualTo(List.of("2", "3"));
        assertThat(call("SORT", "l", "LIMIT", "2", "-1", "DESC")).isEqualTo(List.of("2", "1"));
        assertThat(call("SORT", "missing")).isEqualTo(List.of());
        call("SADD", "set", "b", "c", "a");
        assertThat(call("SORT", "set", "ALPHA")).isEqualTo(List.of("a", "b", "c"));
        assertError("ERR One or more scores can't be converted into double", "SORT", "set");
        call("ZADD", "z", "1", "x", "2", "y", "3", "w");
        assertThat(call("SORT", "z", "ALPHA", "DESC")).isEqualTo(List.of("y", "x", "w"));
        call("SET", "str", "v");
        assertError(WRONGTYPE, "SORT", "str");
        assertError("ERR syntax error", "SORT", "l", "LIMIT", "1");
    }

    @Test
    void sortByGetAndStore() {
        call("RPUSH", "ids", "1", "2", "3");
        call("MSET", "w_1", "30", "w_2", "10", "w_3", "20", "name_1", "one", "name_2", "two");
        call("HSET", "obj_1", "age", "5");
        call("HSET", "obj_3", "age", "7");
        assertThat(call("SORT", "ids", "BY", "w_*")).isEqualTo(List.of("2", "3", "1"));
        assertThat(call("SORT", "ids", "BY", "w_*", "GET", "#", "GET", "name_*"))
                .isEqualTo(Arrays.asList("2", "two", "3", null, "1", "one"));
        assertThat(call("SORT", "ids", "BY", "nosort", "GET", "obj_*->age"))
                .isEqualTo(Arrays.asList("5", null, "7"));
        assertThat(call("SORT", "ids", "BY", "obj_*->age", "DESC", "LIMIT", "0", "2")).isEqualTo(List.of("3", "1"));
        assertThat(call("SORT", "ids", "BY", "w_*", "STORE", "dst")).isEqualTo(3L);
        assertThat(call("LRANGE", "dst", "0", "-1")).isEqualTo(List.of("2", "3", "1"));
        assertThat(call("SORT", "ids", "GET", "name_*", "STORE", "dst")).isEqualTo(3L);
        assertThat(call("LRANGE", "dst", "0", "-1")).as("nil stored as empty string").isEqualTo(List.of("one", "two", ""));
        assertThat(call("SORT", "missing", "STORE", "dst")).isEqualTo(0L);
        assertThat(call("EXISTS", "dst")).isEqualTo(0L);
    }

    @Test
    void subscribeAndPublishAcrossThreads() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        JedisPubSub listener = new JedisPubSub() {
            @Override
            public void onMessage(String channel, String message) {
                received.add(channel + ":" + message);
            }

            @Override
            public void onPMessage(String pattern, String channel, String message) {
                received.add(pattern + "|" + channel + ":" + message);
            }
        };
        Jedis subscriber = newConnection();
        Thread thread = new Thread(() -> subscriber.subscribe(listener, "news", "sport"), "it-subscriber");
        thread.start();
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> call("PUBSUB", "NUMSUB", "news", "sport").equals(List.of("news", 1L, "sport", 1L)));
        assertThat(strings(call("PUBSUB", "CHANNELS"))).containsExactlyInAnyOrder("news", "sport");
        assertThat(call("PUBLISH", "news", "hello")).isEqualTo(1L);
        assertThat(call("PUBLISH", "nobody", "x")).isEqualTo(0L);
        assertThat(call("PUBLISH", "sport", "goal")).isEqualTo(1L);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2);
        assertThat(received).containsExactly("news:hello", "sport:goal");

        listener.psubscribe("n*");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> call("PUBSUB", "NUMPAT").equals(1L));
        assertThat(call("PUBLISH", "news", "both")).as("channel and pattern subscription").isEqualTo(2L);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 4);
        assertThat(received.subList(2, 4)).containsExactlyInAnyOrder("news:both", "n*|news:both");

        listener.unsubscribe();
        listener.punsubscribe();
        thread.join(TimeUnit.SECONDS.toMillis(5));
        assertThat(thread.isAlive()).isFalse();
        assertThat(call("PUBLISH", "news", "late")).isEqualTo(0L);
        assertThat(subscriber.ping()).as("subscriber back to normal mode").isEqualTo("PONG");
    }

    @Test
    void subscribedConnectionRejectsOtherCommands() {
        Jedis subscriber = newConnection();
        Object reply = raw(subscriber, "SUBSCRIBE", "c");
        assertThat(AbstractServerIT.decode(reply)).isEqualTo(List.of("subscribe", "c", 1L));
        assertThat(error(subscriber, "GET", "k")).isEqualTo(
                "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
    }

    private String cli(String... args) {
        RedisCliIT.CliResult result = RedisCliIT.run(server.server(), List.of(args), null, Map.of());
        assertThat(result.stderr).as("redis-cli stderr for %s", Arrays.toString(args)).isEmpty();
        return result.stdout;
    }

    @Test
    void redisCliCollectionReplies() {
        assertThat(cli("RPUSH", "l", "a", "b c", "d")).isEqualTo("3\n");
        assertThat(cli("LRANGE", "l", "0", "-1")).isEqualTo("a\nb c\nd\n");
        assertThat(cli("--no-raw", "LRANGE", "l", "0", "-1")).isEqualTo("1) \"a\"\n2) \"b c\"\n3) \"d\"\n");
        assertThat(cli("--no-raw", "LRANGE", "missing", "0", "-1")).isEqualTo("(empty array)\n");
        assertThat(cli("--no-raw", "LPOP", "missing")).isEqualTo("(nil)\n");
        assertThat(cli("--no-raw", "LLEN", "l")).isEqualTo("(integer) 3\n");
        assertThat(cli("HSET", "h", "f1", "v1", "f2", "v2")).isEqualTo("2\n");
        assertThat(cli("HGETALL", "h")).isEqualTo("f1\nv1\nf2\nv2\n");
        assertThat(cli("-3", "--no-raw", "HGETALL", "h")).isEqualTo("1# \"f1\" => \"v1\"\n2# \"f2\" => \"v2\"\n");
        assertThat(cli("SADD", "s", "3", "1", "2")).isEqualTo("3\n");
        assertThat(cli("SMEMBERS", "s")).as("intset order").isEqualTo("1\n2\n3\n");
        assertThat(cli("ZADD", "z", "1.5", "a", "inf", "b")).isEqualTo("2\n");
        assertThat(cli("--no-raw", "ZRANGE", "z", "0", "-1", "WITHSCORES")).isEqualTo("1) \"a\"\n2) \"1.5\"\n3) \"b\"\n4) \"inf\"\n");
        assertThat(cli("-3", "--no-raw", "ZSCORE", "z", "a")).isEqualTo("(double) 1.5\n");
        assertThat(cli("--no-raw", "LPUSH", "h", "x")).isEqualTo("(error) " + WRONGTYPE + "\n");
        assertThat(cli("--no-raw", "ZMPOP", "1", "z", "MIN")).isEqualTo("1) \"z\"\n2) 1) 1) \"a\"\n      2) \"1.5\"\n");
    }

    @Test
    void watchEdgeCases() {
        Jedis other = newConnection();
        call("SET", "k", "1");
        call("WATCH", "k");
        call("SET", "k", "self");
        call("MULTI");
        call("SET", "x", "1");
        assertThat(call("EXEC")).as("the watching client's own write breaks WATCH").isNull();

        call("WATCH", "k");
        call(other, "SELECT", "1");
        other.set("k", "otherdb");
        call("MULTI");
        call("SET", "x", "1");
        assertThat(call("EXEC")).as("same name in another db").isEqualTo(List.of("OK"));

        call("WATCH", "k");
        call(other, "SELECT", "0");
        call(other, "FLUSHALL");
        call("MULTI");
        call("SET", "x", "2");
        assertThat(call("EXEC")).as("FLUSHALL of a watched existing key").isNull();

        call("SET", "k", "1");
        call("WATCH", "k");
        other.set("k", "1");
        call("MULTI");
        call("SET", "x", "3");
        assertThat(call("EXEC")).as("a rewrite with the same value still counts").isNull();

        call("WATCH", "h");
        call(other, "HSET", "h", "f", "v");
        call("MULTI");
        call("PING");
        assertThat(call("EXEC")).isNull();
        call("WATCH", "h");
        call(other, "HDEL", "h", "nope");
        call("MULTI");
        call("PING");
        assertThat(call("EXEC")).as("a no-op write does not touch").isEqualTo(List.of("PONG"));
    }

    @Test
    void sortTieBreaksAndMissingWeights() {
        call("RPUSH", "l", "9", "10", "2");
        assertThat(call("SORT", "l", "BY", "missing_*")).as("equal weights compare as strings").isEqualTo(List.of("10", "2", "9"));
        assertThat(call("SORT", "l", "BY", "missing_*", "DESC")).isEqualTo(List.of("9", "2", "10"));
        assertThat(call("SORT", "l", "BY", "constant")).as("no * means no sorting").isEqualTo(List.of("9", "10", "2"));
        call("SET", "w_9", "notanumber");
        assertError("ERR One or more scores can't be converted into double", "SORT", "l", "BY", "w_*");
        assertThat(call("SORT", "l", "LIMIT", "-5", "2")).isEqualTo(List.of("2", "9"));
        assertThat(call("SORT_RO", "l", "DESC")).isEqualTo(List.of("10", "9", "2"));
        assertError("ERR syntax error", "SORT_RO", "l", "STORE", "d");
    }

    @Test
    void pubsubRepliesOnARawConnection() {
        Jedis subscriber = newConnection();
        assertThat(decode(raw(subscriber, "UNSUBSCRIBE"))).isEqualTo(Arrays.asList("unsubscribe", null, 0L));
        assertThat(decode(raw(subscriber, "PSUBSCRIBE", "a*", "b?"))).isEqualTo(List.of("psubscribe", "a*", 1L));
        assertThat(decode(subscriber.getConnection().getUnflushedObject())).isEqualTo(List.of("psubscribe", "b?", 2L));
        assertThat(call("PUBLISH", "abc", "m")).isEqualTo(1L);
        assertThat(decode(subscriber.getConnection().getUnflushedObject())).isEqualTo(List.of("pmessage", "a*", "abc", "m"));
        assertThat(decode(raw(subscriber, "PING"))).isEqualTo(List.of("pong", ""));
        assertThat(decode(raw(subscriber, "PUNSUBSCRIBE", "a*"))).isEqualTo(List.of("punsubscribe", "a*", 1L));
        assertThat(call("PUBSUB", "NUMPAT")).isEqualTo(1L);
    }

    @Test
    void watchedKeyThatExpiresAbortsExec() {
        Jedis other = newConnection();
        call("SET", "k", "v", "PX", "50");
        call("WATCH", "k");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> ((Long) call(other, "PTTL", "k")) == -2L);
        call("MULTI");
        call("PING");
        assertThat(call("EXEC")).isNull();

        call("SET", "e", "v", "PX", "1");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> ((Long) call(other, "PTTL", "e")) == -2L);
        call("WATCH", "e");
        call("MULTI");
        call("PING");
        assertThat(call("EXEC")).as("already expired when watched").isEqualTo(List.of("PONG"));
    }

    @Test
    void keyspaceNotificationsOfCollectionCommands() {
        List<String> events = new CopyOnWriteArrayList<>();
        JedisPubSub listener = new JedisPubSub() {
            @Override
            public void onPMessage(String pattern, String channel, String message) {
                events.add(channel + " " + message);
            }
        };
        call("CONFIG", "SET", "notify-keyspace-events", "KEA");
        try {
            Jedis subscriber = newConnection();
            Thread thread = new Thread(() -> subscriber.psubscribe(listener, "__keyevent@0__:*"), "it-keyevents");
            thread.start();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> call("PUBSUB", "NUMPAT").equals(1L));
            call("RPUSH", "l", "a");
            call("LPOP", "l");
            call("HSET", "h", "f", "1");
            call("HINCRBY", "h", "f", "1");
            call("HDEL", "h", "f");
            call("SADD", "s", "x", "y");
            call("SREM", "s", "nope");
            call("ZADD", "z", "1", "m");
            call("ZINCRBY", "z", "1", "m");
            call("ZREM", "z", "m");
            call("SUNIONSTORE", "dst", "s");
            call("PUBLISH", "done", "x");
            List<String> expected = List.of(
                    "__keyevent@0__:rpush l", "__keyevent@0__:lpop l", "__keyevent@0__:del l",
                    "__keyevent@0__:hset h", "__keyevent@0__:hincrby h", "__keyevent@0__:hdel h", "__keyevent@0__:del h",
                    "__keyevent@0__:sadd s", "__keyevent@0__:zadd z", "__keyevent@0__:zincr z",
                    "__keyevent@0__:zrem z", "__keyevent@0__:del z", "__keyevent@0__:sunionstore dst");
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> events.size() >= expected.size());
            assertThat(events).isEqualTo(expected);
            listener.punsubscribe();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !thread.isAlive());
        } finally {
            call("CONFIG", "SET", "notify-keyspace-events", "");
        }
    }

    @Test
    void encodingDirectivesAreHonoured() {
        List<String> saved = strings(call("CONFIG", "GET", "hash-max-listpack-entries"));
        try {
            call("CONFIG", "SET", "hash-max-listpack-entries", "2", "set-max-intset-entries", "2", "zset-max-listpack-value", "3");
            assertThat(call("CONFIG", "GET", "hash-max-ziplist-entries")).as("old alias").isEqualTo(List.of("hash-max-ziplist-entries", "2"));
            call("HSET", "h", "a", "1", "b", "2");
            assertThat(call("OBJECT", "ENCODING", "h")).isEqualTo("listpack");
            call("HSET", "h", "c", "3");
            assertThat(call("OBJECT", "ENCODING", "h")).isEqualTo("hashtable");
            call("SADD", "s", "1", "2");
            assertThat(call("OBJECT", "ENCODING", "s")).isEqualTo("intset");
            call("SADD", "s", "3");
            assertThat(call("OBJECT", "ENCODING", "s")).isEqualTo("hashtable");
            call("ZADD", "z", "1", "abc");
            assertThat(call("OBJECT", "ENCODING", "z")).isEqualTo("listpack");
            call("ZADD", "z", "1", "abcd");
            assertThat(call("OBJECT", "ENCODING", "z")).isEqualTo("skiplist");
        } finally {
            call("CONFIG", "SET", "hash-max-listpack-entries", saved.get(1), "set-max-intset-entries", "512",
                    "zset-max-listpack-value", "64");
        }
    }

    @Test
    void redisCliResp3CollectionFormatting() {
        call("SADD", "s", "b");
        call("ZADD", "z", "1.5", "a", "2", "b");
        call("HSET", "h", "f", "v");
        assertThat(cli("-3", "--no-raw", "SMEMBERS", "s")).isEqualTo("1~ \"b\"\n");
        assertThat(cli("-3", "--no-raw", "ZRANGE", "z", "0", "-1", "WITHSCORES"))
                .isEqualTo("1) 1) \"a\"\n   2) (double) 1.5\n2) 1) \"b\"\n   2) (double) 2\n");
        assertThat(cli("-3", "ZRANGE", "z", "0", "-1", "WITHSCORES")).isEqualTo("a\n1.5\nb\n2\n");
        assertThat(cli("-3", "--no-raw", "HRANDFIELD", "h", "1", "WITHVALUES")).isEqualTo("1) 1) \"f\"\n   2) \"v\"\n");
        assertThat(cli("-3", "--no-raw", "BLPOP", "nothing", "0.01")).isEqualTo("(nil)\n");
        assertThat(cli("--no-raw", "BLPOP", "nothing", "0.01")).isEqualTo("(nil)\n");
        assertThat(cli("--no-raw", "ZSCORE", "z", "a")).isEqualTo("\"1.5\"\n");
        assertThat(cli("--no-raw", "SINTERCARD", "1", "s")).isEqualTo("(integer) 1\n");
    }

    @Test
    void subscribedClientStateAndReset() {
        Jedis subscriber = newConnection();
        raw(subscriber, "SUBSCRIBE", "a");
        subscriber.getConnection().setTimeoutInfinite();
        assertThat(decode(raw(subscriber, "PSUBSCRIBE", "p*"))).isEqualTo(List.of("psubscribe", "p*", 2L));
        String list = (String) call("CLIENT", "LIST");
        assertThat(list).contains("sub=1 psub=1");
        assertThat(call("PUBSUB", "CHANNELS", "a*")).isEqualTo(List.of("a"));
        assertThat(call("PUBSUB", "CHANNELS", "x*")).isEqualTo(List.of());
        assertThat(decode(raw(subscriber, "RESET"))).isEqualTo("RESET");
        assertThat(call("PUBSUB", "NUMSUB", "a")).isEqualTo(List.of("a", 0L));
        assertThat(call("PUBSUB", "NUMPAT")).isEqualTo(0L);
        assertThat(subscriber.get("k")).isNull();
    }

    @Test
    void sortParsesWeightsWithStrtod() {
        call("RPUSH", "l", "1e2", "0x10", " 3", "-inf");
        assertThat(call("SORT", "l")).isEqualTo(List.of("-inf", " 3", "0x10", "1e2"));
        call("RPUSH", "t", "3 ", "1");
        assertError("ERR One or more scores can't be converted into double", "SORT", "t");
        byte[] key = "bin".getBytes(StandardCharsets.UTF_8);
        redis.rpush(key, new byte[] {(byte) 0x80}, new byte[] {'b'}, new byte[] {0x7f}, new byte[] {'a'});
        List<byte[]> sorted = redis.sort(key, new redis.clients.jedis.params.SortingParams().alpha());
        assertThat(sorted).containsExactly(new byte[] {'a'}, new byte[] {'b'}, new byte[] {0x7f}, new byte[] {(byte) 0x80});
    }

    @Test
    void optimisticLockingWithWatchIsAtomicUnderContention() throws Exception {
        call("SET", "counter", "0");
        int clients = 3;
        int incrementsEach = 60;
        java.util.concurrent.atomic.AtomicInteger aborted = new java.util.concurrent.atomic.AtomicInteger();
        List<java.util.concurrent.CompletableFuture<Void>> tasks = new java.util.ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Jedis jedis = newConnection();
            tasks.add(java.util.concurrent.CompletableFuture.runAsync(() -> {
                int done = 0;
                while (done < incrementsEach) {
                    call(jedis, "WATCH", "counter");
                    long value = Long.parseLong((String) call(jedis, "GET", "counter"));
                    call(jedis, "MULTI");
                    call(jedis, "SET", "counter", Long.toString(value + 1));
                    call(jedis, "RPUSH", "log", Long.toString(value + 1));
                    if (call(jedis, "EXEC") != null) {
                        done++;
                    } else {
                        aborted.incrementAndGet();
                    }
                }
            }));
        }
        java.util.concurrent.CompletableFuture.allOf(tasks.toArray(new java.util.concurrent.CompletableFuture[0])).get(30, TimeUnit.SECONDS);
        assertThat(call("GET", "counter")).isEqualTo(Integer.toString(clients * incrementsEach));
        List<String> log = strings(call("LRANGE", "log", "0", "-1"));
        for (int i = 0; i < log.size(); i++) {
            assertThat(log.get(i)).isEqualTo(Integer.toString(i + 1));
        }
    }

    @Test
    void publishInsideMultiAndGlobPatterns() throws Exception {
        Jedis subscriber = newConnection();
        assertThat(decode(raw(subscriber, "PSUBSCRIBE", "h[ae]llo"))).isEqualTo(List.of("psubscribe", "h[ae]llo", 1L));
        assertThat(decode(raw(subscriber, "PSUBSCRIBE", "x\\*"))).isEqualTo(List.of("psubscribe", "x\\*", 2L));
        assertThat(decode(raw(subscriber, "PSUBSCRIBE", "[^a]b"))).isEqualTo(List.of("psubscribe", "[^a]b", 3L));
        call("MULTI");
        call("PUBLISH", "hello", "1");
        call("PUBLISH", "hillo", "2");
        call("PUBLISH", "x*", "3");
        call("PUBLISH", "xy", "4");
        call("PUBLISH", "bb", "5");
        call("PUBLISH", "ab", "6");
        assertThat(call("EXEC")).isEqualTo(List.of(1L, 0L, 1L, 0L, 1L, 0L));
        assertThat(decode(subscriber.getConnection().getUnflushedObject())).isEqualTo(List.of("pmessage", "h[ae]llo", "hello", "1"));
        assertThat(decode(subscriber.getConnection().getUnflushedObject())).isEqualTo(List.of("pmessage", "x\\*", "x*", "3"));
        assertThat(decode(subscriber.getConnection().getUnflushedObject())).isEqualTo(List.of("pmessage", "[^a]b", "bb", "5"));
        assertThat(decode(raw(subscriber, "PUNSUBSCRIBE"))).isIn(
                List.of("punsubscribe", "h[ae]llo", 2L), List.of("punsubscribe", "x\\*", 2L), List.of("punsubscribe", "[^a]b", 2L));
    }
}
