package io.relog.frontend.durability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Every write acknowledged under {@code appendfsync always} survives {@code kill -9}, and a
 * transaction is applied whole or not at all.
 *
 * <p>Each cycle runs concurrent writers against the real server process — SETs of unique keys,
 * HSETs of unique fields into a few hashes, and MULTI/EXEC transactions that SET two keys and
 * INCR a shared counter — kills the server with SIGKILL at a random moment 50–400 ms after they
 * start, restarts it on the same directory and checks, for every cycle so far (the data
 * accumulates in one directory):
 * <ul>
 *   <li>every acknowledged SET and HSET is present with its value, and every key or field that
 *       is present (acknowledged or not) has the value its writer sent;</li>
 *   <li>every transaction whose EXEC was answered has both its keys; no transaction, answered or
 *       not, has only one of its keys (found by scanning);</li>
 *   <li>the counter is at least the number of answered INCRs and at least the largest value an
 *       answered INCR returned, and equals the number of transactions applied (every applied
 *       transaction INCRs it once);</li>
 *   <li>{@code INFO persistence} reports {@code aof_enabled:1} and a {@code log_end_offset} equal
 *       to the end of the last segment file.</li>
 * </ul>
 * {@code -Drelog.crash.cycles=N} sets the number of cycles (default 20; the {@code crash-soak}
 * profile runs 200); {@code -Drelog.crash.seed=S} replays the kill delays of a printed seed.
 */
class CrashRecoveryIT {

    static final int CYCLES = Integer.getInteger("relog.crash.cycles", 20);
    /**
     * The default snapshot rules stay (a restart may restore a snapshot plus the log after it);
     * 64 KiB segments make the log roll a few times per cycle, so kills also land around rolls.
     */
    static final String[] SERVER_ARGS = {"--appendonly", "yes", "--appendfsync", "always",
        "--log-segment-bytes", "64kb"};

    private static final int SET_WRITERS = 2;
    private static final int HSET_WRITERS = 2;
    private static final int TX_WRITERS = 2;
    private static final int HASHES = 3;
    private static final String COUNTER = "tx-counter";

    @TempDir
    Path dir;

    /** What the writers were told was done, over all cycles so far. */
    private final Map<String, String> ackedSets = new HashMap<>();
    private final Map<String, Map<String, String>> ackedFields = new TreeMap<>();
    private final Set<String> ackedTx = new HashSet<>();
    private long maxAckedIncr;
    private long lastLogEndOffset = -1;

    @Test
    @Timeout(value = 60, unit = TimeUnit.MINUTES)
    void acknowledgedWritesSurviveKill9() throws Exception {
        long seed = Long.getLong("relog.crash.seed", System.nanoTime());
        System.out.println("CrashRecoveryIT: seed " + seed + ", " + CYCLES + " cycles (replay: -Drelog.crash.seed="
                + seed + ")");
        Random random = new Random(seed);
        for (int h = 0; h < HASHES; h++) {
            ackedFields.put("hash:" + h, new HashMap<>());
        }
        long started = System.nanoTime();
        RelogProcess server = RelogProcess.start(dir, SERVER_ARGS);
        try {
            for (int cycle = 0; cycle < CYCLES; cycle++) {
                int killAfterMs = 50 + random.nextInt(351);
                String where = "cycle " + cycle + " (seed " + seed + ", kill after " + killAfterMs + " ms)";
                CycleResult result = runWritersAndKill(server, cycle, killAfterMs);
                assertThat(result.errors).as("%s: error replies or lost connections before the kill", where)
                        .isEmpty();
                ackedSets.putAll(result.sets);
                result.fields.forEach((hash, fields) -> ackedFields.get(hash).putAll(fields));
                ackedTx.addAll(result.tx);
                maxAckedIncr = Math.max(maxAckedIncr, result.maxIncr);
                System.out.printf("CrashRecoveryIT %s: acknowledged %d SET, %d HSET, %d MULTI/EXEC%n", where,
                        result.sets.size(), result.fields.values().stream().mapToInt(Map::size).sum(),
                        result.tx.size());
                server.close();
                try {
                    server = RelogProcess.start(dir, SERVER_ARGS);
                } catch (IOException e) {
                    throw new AssertionError(where + ": restart after kill -9 failed: " + e.getMessage(), e);
                }
                verify(server, where);
            }
        } finally {
            server.close();
        }
        System.out.printf("CrashRecoveryIT: %d cycles in %d s; %d SET, %d HSET, %d transactions acknowledged; "
                + "%d segments%n", CYCLES, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started),
                ackedSets.size(), ackedFields.values().stream().mapToInt(Map::size).sum(), ackedTx.size(),
                LogDir.segments(dir).size());
        // The test must have tested something: writes were acknowledged in the run.
        assertThat(ackedSets).as("acknowledged SETs over the run").isNotEmpty();
        assertThat(ackedFields.values().stream().mapToInt(Map::size).sum()).as("acknowledged HSETs").isPositive();
        assertThat(ackedTx).as("acknowledged transactions over the run").isNotEmpty();
    }

    // ---- writers ------------------------------------------------------------------------------

    /** What one cycle's writers had acknowledged when the server died. */
    private static final class CycleResult {
        final Map<String, String> sets = new HashMap<>();
        final Map<String, Map<String, String>> fields = new HashMap<>();
        final Set<String> tx = new HashSet<>();
        long maxIncr;
        final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    }

    private CycleResult runWritersAndKill(RelogProcess server, int cycle, int killAfterMs) throws Exception {
        CycleResult result = new CycleResult();
        AtomicBoolean killed = new AtomicBoolean();
        CountDownLatch go = new CountDownLatch(1);
        List<Writer> writers = new ArrayList<>();
        for (int t = 0; t < SET_WRITERS; t++) {
            writers.add(new SetWriter(server.port(), "s:" + cycle + ":" + t));
        }
        for (int t = 0; t < HSET_WRITERS; t++) {
            writers.add(new HsetWriter(server.port(), "f:" + cycle + ":" + t));
        }
        for (int t = 0; t < TX_WRITERS; t++) {
            writers.add(new TxWriter(server.port(), cycle + ":" + t));
        }
        List<Thread> threads = new ArrayList<>();
        for (Writer w : writers) {
            w.connect();
            Thread thread = new Thread(() -> w.run(go, killed, result.errors), "writer " + w.prefix);
            thread.start();
            threads.add(thread);
        }
        go.countDown();
        Thread.sleep(killAfterMs);
        killed.set(true);
        server.kill9();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(t.isAlive()).as("%s still running 30 s after the kill", t.getName()).isFalse();
        }
        for (Writer w : writers) {
            w.collect(result);
        }
        return result;
    }

    private abstract static class Writer {
        final int port;
        final String prefix;
        Jedis jedis;

        Writer(int port, String prefix) {
            this.port = port;
            this.prefix = prefix;
        }

        void connect() {
            jedis = new Jedis("127.0.0.1", port, 10_000);
            jedis.ping();
        }

        void run(CountDownLatch go, AtomicBoolean killed, List<String> errors) {
            try {
                go.await();
                for (int i = 0; ; i++) {
                    writeOne(i);
                }
            } catch (JedisDataException e) {
                errors.add(prefix + ": error reply " + e.getMessage());
            } catch (Exception e) {
                // Expected once the server is killed; before that it is a failure.
                if (!killed.get()) {
                    errors.add(prefix + ": " + e + " before the kill");
                }
            } finally {
                try {
                    jedis.close();
                } catch (Exception ignored) {
                    // the connection is already broken
                }
            }
        }

        /** Sends write {@code i} and records it once (and only if) the server acknowledged it. */
        abstract void writeOne(int i);

        abstract void collect(CycleResult result);
    }

    static String setValue(String key) {
        return "v|" + key + "|" + "x".repeat(Math.floorMod(key.hashCode(), 64));
    }

    static String fieldValue(String field) {
        return "h|" + field + "|" + "y".repeat(Math.floorMod(field.hashCode(), 32));
    }

    static String txValue(String key) {
        return "t|" + key;
    }

    static String hashOf(String field) {
        return "hash:" + Math.floorMod(field.hashCode(), HASHES);
    }

    private static final class SetWriter extends Writer {
        private final Map<String, String> acked = new LinkedHashMap<>();

        SetWriter(int port, String prefix) {
            super(port, prefix);
        }

        @Override
        void writeOne(int i) {
            String key = prefix + ":" + i;
            String value = setValue(key);
            String reply = jedis.set(key, value);
            if (!"OK".equals(reply)) {
                throw new JedisDataException("SET " + key + " answered " + reply);
            }
            acked.put(key, value);
        }

        @Override
        void collect(CycleResult result) {
            result.sets.putAll(acked);
        }
    }

    private static final class HsetWriter extends Writer {
        private final Map<String, Map<String, String>> acked = new HashMap<>();

        HsetWriter(int port, String prefix) {
            super(port, prefix);
        }

        @Override
        void writeOne(int i) {
            String field = prefix + ":" + i;
            String hash = hashOf(field);
            String value = fieldValue(field);
            long added = jedis.hset(hash, field, value);
            if (added != 1) {
                throw new JedisDataException("HSET " + hash + " " + field + " answered " + added + ", not 1");
            }
            acked.computeIfAbsent(hash, h -> new HashMap<>()).put(field, value);
        }

        @Override
        void collect(CycleResult result) {
            acked.forEach((hash, fields) -> result.fields.computeIfAbsent(hash, h -> new HashMap<>()).putAll(fields));
        }
    }

    private static final class TxWriter extends Writer {
        private final Set<String> acked = new HashSet<>();
        private long maxIncr;

        TxWriter(int port, String prefix) {
            super(port, prefix);
        }

        @Override
        void writeOne(int i) {
            String id = prefix + ":" + i;
            Transaction tx = jedis.multi();
            tx.set(txKey(id, 'a'), txValue(txKey(id, 'a')));
            tx.set(txKey(id, 'b'), txValue(txKey(id, 'b')));
            tx.incr(COUNTER);
            List<Object> replies = tx.exec();
            if (replies == null || replies.size() != 3 || !"OK".equals(replies.get(0))
                    || !"OK".equals(replies.get(1)) || !(replies.get(2) instanceof Long)) {
                throw new JedisDataException("EXEC of transaction " + id + " answered " + replies);
            }
            acked.add(id);
            maxIncr = Math.max(maxIncr, (Long) replies.get(2));
        }

        @Override
        void collect(CycleResult result) {
            result.tx.addAll(acked);
            result.maxIncr = Math.max(result.maxIncr, maxIncr);
        }
    }

    static String txKey(String id, char part) {
        return "tx:" + id + ":" + part;
    }

    // ---- verification -------------------------------------------------------------------------

    private void verify(RelogProcess server, String where) {
        try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 30_000)) {
            checkLogEndOffset(jedis, server, where);
            checkSets(jedis, where);
            checkHashes(jedis, where);
            checkTransactions(jedis, where);
        }
    }

    private void checkLogEndOffset(Jedis jedis, RelogProcess server, String where) {
        // Nothing writes between the restart and here, so the files must not move meanwhile.
        long before = LogDir.endOffset(server.dir());
        long reported = Info.checkPersistence(jedis);
        long after = LogDir.endOffset(server.dir());
        if (before == after) {
            assertThat(reported).as("%s: INFO log_end_offset vs last segment base + size", where).isEqualTo(after);
        }
        if (!ackedSets.isEmpty() || !ackedTx.isEmpty()) {
            assertThat(reported).as("%s: log_end_offset after acknowledged writes", where).isGreaterThan(0);
        }
        assertThat(reported).as("%s: log_end_offset may not go below an earlier restart's (acknowledged data)",
                where).isGreaterThanOrEqualTo(lastLogEndOffset);
        lastLogEndOffset = reported;
    }

    private void checkSets(Jedis jedis, String where) {
        List<String> keys = new ArrayList<>(ackedSets.keySet());
        for (int from = 0; from < keys.size(); from += 500) {
            List<String> chunk = keys.subList(from, Math.min(keys.size(), from + 500));
            List<String> values = jedis.mget(chunk.toArray(new String[0]));
            for (int i = 0; i < chunk.size(); i++) {
                String key = chunk.get(i);
                assertThat(values.get(i)).as("%s: acknowledged SET %s", where, key).isEqualTo(ackedSets.get(key));
            }
        }
        // Unacknowledged SETs may or may not have been applied, but never with another value.
        for (String key : scan(jedis, "s:*")) {
            if (!ackedSets.containsKey(key)) {
                assertThat(jedis.get(key)).as("%s: unacknowledged SET %s", where, key).isEqualTo(setValue(key));
            }
        }
    }

    private void checkHashes(Jedis jedis, String where) {
        for (Map.Entry<String, Map<String, String>> e : ackedFields.entrySet()) {
            Map<String, String> actual = jedis.hgetAll(e.getKey());
            for (Map.Entry<String, String> field : e.getValue().entrySet()) {
                assertThat(actual.get(field.getKey())).as("%s: acknowledged HSET %s %s", where, e.getKey(),
                        field.getKey()).isEqualTo(field.getValue());
            }
            for (Map.Entry<String, String> field : actual.entrySet()) {
                assertThat(field.getValue()).as("%s: field %s of %s", where, field.getKey(), e.getKey())
                        .isEqualTo(fieldValue(field.getKey()));
                assertThat(hashOf(field.getKey())).as("%s: hash holding field %s", where, field.getKey())
                        .isEqualTo(e.getKey());
            }
        }
    }

    private void checkTransactions(Jedis jedis, String where) {
        Map<String, Set<Character>> parts = new HashMap<>();
        for (String key : scan(jedis, "tx:*")) {
            String id = key.substring(3, key.length() - 2);
            parts.computeIfAbsent(id, x -> new HashSet<>()).add(key.charAt(key.length() - 1));
        }
        for (Map.Entry<String, Set<Character>> e : parts.entrySet()) {
            assertThat(e.getValue()).as("%s: keys of transaction %s (half-applied if only one)", where, e.getKey())
                    .containsExactlyInAnyOrder('a', 'b');
            for (char part : new char[] {'a', 'b'}) {
                String key = txKey(e.getKey(), part);
                assertThat(jedis.get(key)).as("%s: %s", where, key).isEqualTo(txValue(key));
            }
        }
        for (String id : ackedTx) {
            assertThat(parts).as("%s: acknowledged transaction %s", where, id).containsKey(id);
        }
        String counterValue = jedis.get(COUNTER);
        long counter = counterValue == null ? 0 : Long.parseLong(counterValue);
        assertThat(counter).as("%s: %s vs acknowledged INCRs", where, COUNTER)
                .isGreaterThanOrEqualTo(ackedTx.size())
                .isGreaterThanOrEqualTo(maxAckedIncr);
        assertThat(counter).as("%s: %s vs transactions applied (each INCRs once)", where, COUNTER)
                .isEqualTo(parts.size());
    }

    private static Set<String> scan(Jedis jedis, String pattern) {
        Set<String> keys = new HashSet<>();
        ScanParams params = new ScanParams().match(pattern).count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = jedis.scan(cursor, params);
            keys.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return keys;
    }
}
