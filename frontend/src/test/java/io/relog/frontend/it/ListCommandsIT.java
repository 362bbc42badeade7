package io.relog.frontend.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import redis.clients.jedis.Jedis;

/** List commands through Jedis: replies, options, exact errors, encodings and a served BLPOP. */
class ListCommandsIT extends AbstractServerIT {

    static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

    @Test
    void pushesAndPops() {
        assertThat(call("LPUSH", "l", "a", "b")).isEqualTo(2L);
        assertThat(call("RPUSH", "l", "c", "d")).isEqualTo(4L);
        assertThat(call("LRANGE", "l", "0", "-1")).isEqualTo(List.of("b", "a", "c", "d"));
        assertThat(call("LPUSHX", "missing", "x")).isEqualTo(0L);
        assertThat(call("RPUSHX", "missing", "x")).isEqualTo(0L);
        assertThat(call("EXISTS", "missing")).isEqualTo(0L);
        assertThat(call("LPUSHX", "l", "x", "y")).isEqualTo(6L);
        assertThat(call("RPUSHX", "l", "z")).isEqualTo(7L);
        assertThat(call("LPOP", "l")).isEqualTo("y");
        assertThat(call("RPOP", "l")).isEqualTo("z");
        assertThat(call("LPOP", "l", "2")).isEqualTo(List.of("x", "b"));
        assertThat(call("RPOP", "l", "10")).isEqualTo(List.of("d", "c", "a"));
        assertThat(call("EXISTS", "l")).isEqualTo(0L);
        assertThat(call("LPOP", "l")).isNull();
        assertThat(call("LPOP", "l", "2")).isNull();
        call("RPUSH", "l", "a");
        assertThat(call("LPOP", "l", "0")).isEqualTo(List.of());
        assertError("ERR value is out of range, must be positive", "LPOP", "l", "-1");
        assertThat(call("LLEN", "l")).isEqualTo(1L);
        assertThat(call("LLEN", "missing")).isEqualTo(0L);
    }

    @Test
    void lindexLsetLrangeLtrim() {
        call("RPUSH", "l", "a", "b", "c", "d", "e");
        assertThat(call("LINDEX", "l", "0")).isEqualTo("a");
        assertThat(call("LINDEX", "l", "-1")).isEqualTo("e");
        assertThat(call("LINDEX", "l", "5")).isNull();
        assertThat(call("LINDEX", "missing", "0")).isNull();
        assertThat(call("LSET", "l", "1", "B")).isEqualTo("OK");
        assertThat(call("LSET", "l", "-1", "E")).isEqualTo("OK");
        assertError("ERR index out of range", "LSET", "l", "5", "x");
        assertError("ERR no such key", "LSET", "missing", "0", "x");
        assertThat(call("LRANGE", "l", "1", "-2")).isEqualTo(List.of("B", "c", "d"));
        assertThat(call("LRANGE", "l", "-100", "100")).isEqualTo(List.of("a", "B", "c", "d", "E"));
        assertThat(call("LRANGE", "l", "3", "1")).isEqualTo(List.of());
        assertThat(call("LRANGE", "missing", "0", "-1")).isEqualTo(List.of());
        assertError("ERR value is not an integer or out of range", "LINDEX", "l", "x");
        assertThat(call("LTRIM", "l", "1", "-2")).isEqualTo("OK");
        assertThat(call("LRANGE", "l", "0", "-1")).isEqualTo(List.of("B", "c", "d"));
        assertThat(call("LTRIM", "l", "5", "10")).isEqualTo("OK");
        assertThat(call("EXISTS", "l")).isEqualTo(0L);
    }

    @Test
    void linsertLremLpos() {
        call("RPUSH", "l", "a", "b", "a", "c", "a");
        assertThat(call("LINSERT", "l", "BEFORE", "b", "x")).isEqualTo(6L);
        assertThat(call("LINSERT", "l", "after", "c", "y")).isEqualTo(7L);
        assertThat(call("LINSERT", "l", "AFTER", "zz", "y")).isEqualTo(-1L);
        assertThat(call("LINSERT", "missing", "AFTER", "a", "y")).isEqualTo(0L);
        assertError("ERR syntax error", "LINSERT", "l", "MIDDLE", "a", "y");
        assertThat(call("LRANGE", "l", "0", "-1")).isEqualTo(List.of("a", "x", "b", "a", "c", "y", "a"));
        assertThat(call("LPOS", "l", "a")).isEqualTo(0L);
        assertThat(call("LPOS", "l", "a", "RANK", "2")).isEqualTo(3L);
        assertThat(call("LPOS", "l", "a", "RANK", "-1")).isEqualTo(6L);
        assertThat(call("LPOS", "l", "a", "COUNT", "0")).isEqualTo(List.of(0L, 3L, 6L));
        assertThat(call("LPOS", "l", "a", "COUNT", "2", "RANK", "-1")).isEqualTo(List.of(6L, 3L));
        assertThat(call("LPOS", "l", "a", "COUNT", "0", "MAXLEN", "4")).isEqualTo(List.of(0L, 3L));
        assertThat(call("LPOS", "l", "zz")).isNull();
        assertThat(call("LPOS", "l", "zz", "COUNT", "1")).isEqualTo(List.of());
        assertError("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
                "LPOS", "l", "a", "RANK", "0");
        assertError("ERR COUNT can't be negative", "LPOS", "l", "a", "COUNT", "-1");
        assertThat(call("LREM", "l", "1", "a")).isEqualTo(1L);
        assertThat(call("LRANGE", "l", "0", "-1")).isEqualTo(List.of("x", "b", "a", "c", "y", "a"));
        assertThat(call("LREM", "l", "-1", "a")).isEqualTo(1L);
        assertThat(call("LRANGE", "l", "0", "-1")).isEqualTo(List.of("x", "b", "a", "c", "y"));
        call("RPUSH", "l", "b", "b");
        assertThat(call("LREM", "l", "0", "b")).isEqualTo(3L);
        assertThat(call("LREM", "missing", "0", "b")).isEqualTo(0L);
    }

    @Test
    void lmoveRpoplpushLmpop() {
        call("RPUSH", "src", "a", "b", "c");
        assertThat(call("LMOVE", "src", "dst", "LEFT", "RIGHT")).isEqualTo("a");
        assertThat(call("LMOVE", "src", "dst", "RIGHT", "LEFT")).isEqualTo("c");
        assertThat(call("LRANGE", "dst", "0", "-1")).isEqualTo(List.of("c", "a"));
        assertThat(call("RPOPLPUSH", "src", "dst")).isEqualTo("b");
        assertThat(call("LRANGE", "dst", "0", "-1")).isEqualTo(List.of("b", "c", "a"));
        assertThat(call("EXISTS", "src")).isEqualTo(0L);
        assertThat(call("RPOPLPUSH", "src", "dst")).isNull();
        assertThat(call("LMOVE", "dst", "dst", "LEFT", "RIGHT")).as("rotation").isEqualTo("b");
        assertThat(call("LRANGE", "dst", "0", "-1")).isEqualTo(List.of("c", "a", "b"));
        assertError("ERR syntax error", "LMOVE", "dst", "x", "UP", "LEFT");
        call("SET", "s", "v");
        assertError(WRONGTYPE, "LMOVE", "dst", "s", "LEFT", "LEFT");
        assertThat(call("LRANGE", "dst", "0", "-1")).as("nothing popped on a wrong-typed destination").isEqualTo(List.of("c", "a", "b"));

        assertThat(call("LMPOP", "2", "none", "dst", "LEFT")).isEqualTo(List.of("dst", List.of("c")));
        assertThat(call("LMPOP", "2", "none", "dst", "RIGHT", "COUNT", "5")).isEqualTo(List.of("dst", List.of("b", "a")));
        assertThat(call("LMPOP", "1", "dst", "LEFT")).isNull();
        assertError("ERR numkeys should be greater than 0", "LMPOP", "0", "dst", "LEFT");
        assertError("ERR count should be greater than 0", "LMPOP", "1", "dst", "LEFT", "COUNT", "0");
        assertError("ERR syntax error", "LMPOP", "1", "dst", "MIDDLE");
    }

    @Test
    void blpopIsServedByAPushFromAnotherClient() throws Exception {
        Jedis pusher = newConnection();
        Jedis blocked = newConnection();
        CompletableFuture<Object> pop = CompletableFuture.supplyAsync(() -> call(blocked, "BLPOP", "q1", "q2", "5"));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> ((String) call(pusher, "CLIENT", "LIST")).contains("cmd=blpop"));
        assertThat(call(pusher, "RPUSH", "q2", "x", "y")).isEqualTo(2L);
        assertThat(pop.get(5, TimeUnit.SECONDS)).isEqualTo(List.of("q2", "x"));
        assertThat(call("LRANGE", "q2", "0", "-1")).isEqualTo(List.of("y"));
        assertThat(call("BLPOP", "q2", "1")).as("served at once when data is present").isEqualTo(List.of("q2", "y"));
        assertThat(call("BLPOP", "q2", "0.01")).as("times out with nil").isNull();
        assertError("ERR timeout is negative", "BLPOP", "q2", "-1");
    }

    @Test
    void encodingIsQuicklistAsInRedis70() {
        call("RPUSH", "l", "a", "b");
        assertThat(call("OBJECT", "ENCODING", "l")).isEqualTo("quicklist");
        for (int i = 0; i < 200; i++) {
            redis.rpush("l", "element-" + i);
        }
        assertThat(call("OBJECT", "ENCODING", "l")).isEqualTo("quicklist");
        call("RPUSH", "big", "x".repeat(10000));
        assertThat(call("OBJECT", "ENCODING", "big")).isEqualTo("quicklist");
    }

    @Test
    void wrongTypeAndArityErrors() {
        call("SET", "s", "v");
        for (String[] cmd : new String[][] {{"LPUSH", "s", "a"}, {"RPUSH", "s", "a"}, {"LPUSHX", "s", "a"},
                {"LPOP", "s"}, {"RPOP", "s"}, {"LLEN", "s"}, {"LINDEX", "s", "0"}, {"LRANGE", "s", "0", "1"},
                {"LREM", "s", "0", "a"}, {"LPOS", "s", "a"}, {"RPOPLPUSH", "s", "d"}, {"BLPOP", "s", "1"},
                {"LMPOP", "1", "s", "LEFT"}}) {
            assertError(WRONGTYPE, cmd);
        }
        assertError(wrongArgs("lpush"), "LPUSH", "l");
        assertError(wrongArgs("lrange"), "LRANGE", "l", "0");
        assertError(wrongArgs("lmove"), "LMOVE", "a", "b", "LEFT");
        assertThat(Arrays.asList(call("TYPE", "s"))).containsExactly("string");
    }

    @Test
    void lposOptionErrorsAndMaxlenZero() {
        call("RPUSH", "l", "a", "b", "a");
        assertError("ERR MAXLEN can't be negative", "LPOS", "l", "a", "MAXLEN", "-1");
        assertThat(call("LPOS", "l", "a", "MAXLEN", "0", "COUNT", "0")).isEqualTo(List.of(0L, 2L));
        assertThat(call("LPOS", "l", "a", "RANK", "3")).isNull();
        assertError("ERR syntax error", "LPOS", "l", "a", "FOO", "1");
        assertThat(call("LPOS", "missing", "a")).isNull();
        assertThat(call("LPOS", "missing", "a", "COUNT", "0")).isEqualTo(List.of());
    }

    @Test
    void blockedClientsAreServedInArrivalOrder() throws Exception {
        Jedis pusher = newConnection();
        Jedis first = newConnection();
        Jedis second = newConnection();
        CompletableFuture<Object> a = CompletableFuture.supplyAsync(() -> call(first, "BRPOP", "q", "5"));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> blockedClients(pusher) == 1L);
        CompletableFuture<Object> b = CompletableFuture.supplyAsync(() -> call(second, "BLMOVE", "q", "dst", "RIGHT", "LEFT", "5"));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> blockedClients(pusher) == 2L);
        assertThat(call(pusher, "RPUSH", "q", "x", "y", "z")).isEqualTo(3L);
        assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo(List.of("q", "z"));
        assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo("y");
        assertThat(call("LRANGE", "q", "0", "-1")).isEqualTo(List.of("x"));
        assertThat(call("LRANGE", "dst", "0", "-1")).isEqualTo(List.of("y"));
    }

    private static long blockedClients(Jedis jedis) {
        String info = (String) call(jedis, "INFO", "clients");
        for (String line : info.split("\r\n")) {
            if (line.startsWith("blocked_clients:")) {
                return Long.parseLong(line.substring("blocked_clients:".length()).trim());
            }
        }
        throw new AssertionError("no blocked_clients in " + info);
    }

    @Test
    void blockingPopInsideMultiDoesNotBlockAndPushInExecServesWaiter() throws Exception {
        call("MULTI");
        call("BLPOP", "empty", "0");
        assertThat(call("EXEC")).isEqualTo(Arrays.asList((Object) null));
        Jedis waiter = newConnection();
        CompletableFuture<Object> pop = CompletableFuture.supplyAsync(() -> call(waiter, "BLPOP", "q", "5"));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> blockedClients(redis) == 1L);
        call("MULTI");
        call("RPUSH", "q", "a");
        call("RPUSH", "q", "b");
        call("LPOP", "q");
        assertThat(call("EXEC")).isEqualTo(List.of(1L, 2L, "a"));
        assertThat(pop.get(5, TimeUnit.SECONDS)).as("served after EXEC with what is left").isEqualTo(List.of("q", "b"));
        assertThat(call("EXISTS", "q")).isEqualTo(0L);
    }

    @Test
    void blmpopAndTimeoutErrors() throws Exception {
        assertError("ERR timeout is not a float or out of range", "BLPOP", "q", "abc");
        assertThat(call("BLMPOP", "0.01", "2", "a", "b", "LEFT")).isNull();
        call("RPUSH", "b", "1", "2", "3");
        assertThat(call("BLMPOP", "1", "2", "a", "b", "RIGHT", "COUNT", "2")).isEqualTo(List.of("b", List.of("3", "2")));
        Jedis waiter = newConnection();
        CompletableFuture<Object> pop = CompletableFuture.supplyAsync(() -> call(waiter, "BRPOPLPUSH", "src", "dst", "5"));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> blockedClients(redis) == 1L);
        call("LPUSH", "src", "v");
        assertThat(pop.get(5, TimeUnit.SECONDS)).isEqualTo("v");
        assertThat(call("LRANGE", "dst", "0", "-1")).isEqualTo(List.of("v"));
    }

    @Test
    void writesThatCreateAWaitedListServeTheBlockedClient() throws Exception {
        Jedis waiter = newConnection();
        call("RPUSH", "src", "a", "b");
        CompletableFuture<Object> pop1 = CompletableFuture.supplyAsync(() -> call(waiter, "BLPOP", "renamed", "5"));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> blockedClients(redis) == 1L);
        assertThat(call("RENAME", "src", "renamed")).isEqualTo("OK");
        assertThat(pop1.get(5, TimeUnit.SECONDS)).as("RENAME serves").isEqualTo(List.of("renamed", "a"));

        CompletableFuture<Object> pop2 = CompletableFuture.supplyAsync(() -> call(waiter, "BLPOP", "sorted", "5"));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> blockedClients(redis) == 1L);
        call("RPUSH", "nums", "3", "1", "2");
        assertThat(call("SORT", "nums", "STORE", "sorted")).isEqualTo(3L);
        assertThat(pop2.get(5, TimeUnit.SECONDS)).as("SORT STORE serves").isEqualTo(List.of("sorted", "1"));

        CompletableFuture<Object> pop3 = CompletableFuture.supplyAsync(() -> call(waiter, "BLPOP", "gone", "1"));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> blockedClients(redis) == 1L);
        call("MULTI");
        call("RPUSH", "gone", "x");
        call("DEL", "gone");
        call("EXEC");
        assertThat(pop3.get(5, TimeUnit.SECONDS)).as("pushed then deleted in one EXEC: not served, times out").isNull();

        CompletableFuture<Object> pop4 = CompletableFuture.supplyAsync(() -> call(waiter, "BLPOP", "chain2", "5"));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> blockedClients(redis) == 1L);
        Jedis mover = newConnection();
        CompletableFuture<Object> move = CompletableFuture.supplyAsync(() -> call(mover, "BLMOVE", "chain1", "chain2", "LEFT", "RIGHT", "5"));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> blockedClients(redis) == 2L);
        call("RPUSH", "chain1", "v");
        assertThat(move.get(5, TimeUnit.SECONDS)).isEqualTo("v");
        assertThat(pop4.get(5, TimeUnit.SECONDS)).as("a served BLMOVE serves the next waiter").isEqualTo(List.of("chain2", "v"));
        assertThat(call("EXISTS", "chain1", "chain2")).isEqualTo(0L);
    }

    @Test
    void blockedClientKeepsWaitingWhenKeyBecomesAnotherTypeAndClientUnblock() throws Exception {
        Jedis waiter = newConnection();
        long id = (Long) call(waiter, "CLIENT", "ID");
        CompletableFuture<Object> pop = CompletableFuture.supplyAsync(() -> call(waiter, "BLPOP", "q", "0"));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> blockedClients(redis) == 1L);
        call("SET", "q", "string");
        call("DEL", "q");
        assertThat(blockedClients(redis)).isEqualTo(1L);
        assertThat(call("CLIENT", "UNBLOCK", Long.toString(id))).isEqualTo(1L);
        assertThat(pop.get(5, TimeUnit.SECONDS)).isNull();
        assertThat(call("CLIENT", "UNBLOCK", Long.toString(id))).isEqualTo(0L);

        CompletableFuture<String> failed = CompletableFuture.supplyAsync(() -> error(waiter, "BRPOP", "q", "0"));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> blockedClients(redis) == 1L);
        assertThat(call("CLIENT", "UNBLOCK", Long.toString(id), "ERROR")).isEqualTo(1L);
        assertThat(failed.get(5, TimeUnit.SECONDS)).isEqualTo("UNBLOCKED client unblocked via CLIENT UNBLOCK");
        call("SET", "str", "v");
        assertError("WRONGTYPE Operation against a key holding the wrong kind of value", "BLPOP", "str", "0");
    }

    @Test
    void randomOperationsMatchAModel() {
        java.util.Random random = new java.util.Random(42);
        java.util.LinkedList<String> model = new java.util.LinkedList<>();
        java.util.LinkedList<String> other = new java.util.LinkedList<>();
        for (int op = 0; op < 3000; op++) {
            String v = random.nextInt(10) == 0 ? "long-" + "x".repeat(random.nextInt(3000)) + op : "v" + random.nextInt(8);
            switch (random.nextInt(11)) {
                case 0: redis.lpush("l", v); model.addFirst(v); break;
                case 1: redis.rpush("l", v); model.addLast(v); break;
                case 2: assertThat(redis.lpop("l")).isEqualTo(model.pollFirst()); break;
                case 3: assertThat(redis.rpop("l")).isEqualTo(model.pollLast()); break;
                case 4: {
                    String pivot = "v" + random.nextInt(8);
                    boolean before = random.nextBoolean();
                    long reply = (Long) call("LINSERT", "l", before ? "BEFORE" : "AFTER", pivot, v);
                    int at = model.indexOf(pivot);
                    if (model.isEmpty()) {
                        assertThat(reply).isEqualTo(0L);
                    } else if (at < 0) {
                        assertThat(reply).isEqualTo(-1L);
                    } else {
                        model.add(before ? at : at + 1, v);
                        assertThat(reply).isEqualTo(model.size());
                    }
                    break;
                }
                case 5: {
                    int count = random.nextInt(5) - 2;
                    String target = "v" + random.nextInt(8);
                    long removed = 0;
                    if (count >= 0) {
                        java.util.Iterator<String> it = model.iterator();
                        while (it.hasNext() && (count == 0 || removed < count)) {
                            if (it.next().equals(target)) { it.remove(); removed++; }
                        }
                    } else {
                        java.util.Iterator<String> it = model.descendingIterator();
                        while (it.hasNext() && removed < -count) {
                            if (it.next().equals(target)) { it.remove(); removed++; }
                        }
                    }
                    assertThat(call("LREM", "l", Integer.toString(count), target)).isEqualTo(removed);
                    break;
                }
                case 6:
                    if (!model.isEmpty()) {
                        int i = random.nextInt(model.size());
                        assertThat(call("LSET", "l", Integer.toString(i), v)).isEqualTo("OK");
                        model.set(i, v);
                    }
                    break;
                case 7:
                    if (random.nextInt(10) == 0 && model.size() > 4) {
                        int start = random.nextInt(3);
                        int end = -1 - random.nextInt(3);
                        call("LTRIM", "l", Integer.toString(start), Integer.toString(end));
                        int to = model.size() + end + 1;
                        java.util.List<String> kept = start < to ? new java.util.ArrayList<>(model.subList(start, to)) : java.util.List.of();
                        model.clear();
                        model.addAll(kept);
                    }
                    break;
                case 8: {
                    boolean fromLeft = random.nextBoolean();
                    boolean toLeft = random.nextBoolean();
                    String moved = (String) call("LMOVE", "l", "o", fromLeft ? "LEFT" : "RIGHT", toLeft ? "LEFT" : "RIGHT");
                    String expected = fromLeft ? model.pollFirst() : model.pollLast();
                    assertThat(moved).isEqualTo(expected);
                    if (expected != null) {
                        if (toLeft) other.addFirst(expected); else other.addLast(expected);
                    }
                    break;
                }
                case 9:
                    if (!model.isEmpty()) {
                        int i = random.nextInt(model.size() * 2) - model.size();
                        assertThat(redis.lindex("l", i)).isEqualTo(model.get(i < 0 ? model.size() + i : i));
                    }
                    break;
                default: {
                    String target = "v" + random.nextInt(8);
                    Object pos = call("LPOS", "l", target);
                    int at = model.indexOf(target);
                    assertThat(pos).isEqualTo(at < 0 ? null : (Object) (long) at);
                }
            }
            if (op % 100 == 0) {
                assertThat(redis.lrange("l", 0, -1)).as("after op %d", op).isEqualTo(model);
                assertThat(redis.lrange("o", 0, -1)).isEqualTo(other);
            }
        }
        assertThat(redis.lrange("l", 0, -1)).isEqualTo(model);
        assertThat(redis.llen("l")).isEqualTo(model.size());
        assertThat(redis.lrange("o", 0, -1)).isEqualTo(other);
    }

    @Test
    void aClosedBlockedClientDoesNotSwallowThePush() throws Exception {
        Jedis waiter = connect(server.server());
        CompletableFuture<Object> pop = CompletableFuture.supplyAsync(() -> {
            try {
                return call(waiter, "BLPOP", "q", "0");
            } catch (RuntimeException e) {
                return e;
            }
        });
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> blockedClients(redis) == 1L);
        waiter.getConnection().disconnect();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> blockedClients(redis) == 0L);
        assertThat(call("RPUSH", "q", "kept")).isEqualTo(1L);
        assertThat(call("LRANGE", "q", "0", "-1")).isEqualTo(List.of("kept"));
        pop.get(5, TimeUnit.SECONDS);
        waiter.close();
    }

    @Test
    void blpopTimeoutIsHonouredAndKilledBlockedClient() throws Exception {
        long start = System.nanoTime();
        assertThat(call("BLPOP", "q", "0.3")).isNull();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(250L, 3000L);
        Jedis waiter = newConnection();
        long id = (Long) call(waiter, "CLIENT", "ID");
        CompletableFuture<Object> pop = CompletableFuture.supplyAsync(() -> {
            try {
                return call(waiter, "BLPOP", "q", "0");
            } catch (RuntimeException e) {
                return e;
            }
        });
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> blockedClients(redis) == 1L);
        assertThat(call("CLIENT", "KILL", "ID", Long.toString(id))).isEqualTo(1L);
        assertThat(pop.get(5, TimeUnit.SECONDS)).isInstanceOf(RuntimeException.class);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> blockedClients(redis) == 0L);
        call("RPUSH", "q", "kept");
        assertThat(call("LLEN", "q")).isEqualTo(1L);
    }

    @Test
    void concurrentPushersAndBlockingPoppersLoseNothing() throws Exception {
        int producers = 3;
        int perProducer = 300;
        List<CompletableFuture<Void>> tasks = new java.util.ArrayList<>();
        java.util.Set<String> popped = java.util.concurrent.ConcurrentHashMap.newKeySet();
        for (int p = 0; p < producers; p++) {
            Jedis c = newConnection();
            int id = p;
            tasks.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < perProducer; i++) {
                    c.rpush("work", id + ":" + i);
                }
            }));
        }
        for (int q = 0; q < 2; q++) {
            Jedis c = newConnection();
            tasks.add(CompletableFuture.runAsync(() -> {
                while (true) {
                    List<String> got = c.blpop(1, "work");
                    if (got == null) {
                        return;
                    }
                    assertThat(popped.add(got.get(1))).isTrue();
                }
            }));
        }
        CompletableFuture.allOf(tasks.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
        assertThat(popped).hasSize(producers * perProducer);
        assertThat(call("EXISTS", "work")).isEqualTo(0L);
    }
}
