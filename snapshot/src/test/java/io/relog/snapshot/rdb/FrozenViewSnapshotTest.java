package io.relog.snapshot.rdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.relog.engine.Clock;
import io.relog.engine.Engine;
import io.relog.engine.keyspace.Database;
import io.relog.engine.propagation.Propagation;
import io.relog.engine.types.CollectionValue;
import io.relog.engine.types.HashValue;
import io.relog.engine.types.ListValue;
import io.relog.engine.types.SetValue;
import io.relog.engine.types.ZSetValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A snapshot written on another thread while the engine thread keeps changing every kind of
 * value in place holds exactly the state at the freeze.
 */
class FrozenViewSnapshotTest {

    @Test
    void snapshotUnderConcurrentWritesEqualsStateAtFreeze() throws Exception {
        long seed = Long.getLong("relog.seed", System.nanoTime());
        Random r = new Random(seed);
        Engine engine = new Engine(2, Clock.SYSTEM, Propagation.DISCARD);
        Database[] live = {engine.db(0), engine.db(1)};
        Keyspaces.fill(r, live, 60, 1_900_000_000_000L);
        // Warm up: write through the live token so values are owned by it (in-place edits from now on).
        mutate(r, live, 2000);

        Database[] views = engine.freeze();
        List<Map<ByteBuffer, List<Object>>> atFreeze = Keyspaces.model(views);
        AtomicInteger rounds = new AtomicInteger();
        CompletableFuture<byte[]> snapshot = CompletableFuture.supplyAsync(() -> {
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                // Each buffer the writer hands over waits for a round of engine writes, so
                // writing and mutating interleave whatever the machine's speed.
                OutputStream out = new FilterOutputStream(bytes) {
                    @Override
                    public void write(byte[] b, int off, int len) throws java.io.IOException {
                        int seen = rounds.get();
                        long deadline = System.nanoTime() + 2_000_000_000L;
                        while (rounds.get() == seen && System.nanoTime() < deadline) {
                            Thread.onSpinWait();
                        }
                        bytes.write(b, off, len);
                    }
                };
                RdbWriter.write(views, RdbAux.withoutReplication(1, 1), out);
                return bytes.toByteArray();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        while (!snapshot.isDone()) {
            mutate(r, live, 200); // the engine thread goes on writing meanwhile
            rounds.incrementAndGet();
        }
        assertThat(rounds.get()).as("writes made while the snapshot streamed").isPositive();
        mutate(r, live, 2000);
        byte[] rdb = snapshot.get();
        RdbLoad load = RdbReader.read(new ByteArrayInputStream(rdb), rdb.length, RdbReader.Options.defaults(2));
        // Encodings aside: a hash that grew into a hashtable and shrank back under the listpack
        // limits loads as a listpack, as in Redis (the RDB holds content, not the encoding).
        assertThat(withoutEncodings(Keyspaces.model(load.databases()))).as("seed %d", seed)
                .isEqualTo(withoutEncodings(atFreeze));
        assertThat(Keyspaces.model(views)).as("the views never change").isEqualTo(atFreeze);
        assertThat(Keyspaces.model(live)).as("the live keyspace did change").isNotEqualTo(atFreeze);
    }

    /** The model with each key's encoding (element 1: type, encoding, value, ...) left out. */
    private static List<Map<ByteBuffer, List<Object>>> withoutEncodings(List<Map<ByteBuffer, List<Object>>> model) {
        List<Map<ByteBuffer, List<Object>>> out = new ArrayList<>();
        for (Map<ByteBuffer, List<Object>> db : model) {
            Map<ByteBuffer, List<Object>> m = new java.util.HashMap<>();
            db.forEach((k, v) -> {
                List<Object> copy = new ArrayList<>(v);
                copy.remove(1);
                m.put(k, copy);
            });
            out.add(m);
        }
        return out;
    }

    /** {@code n} random in-place changes through {@link Database#editable}, as commands make them. */
    static void mutate(Random r, Database[] dbs, int n) {
        for (int i = 0; i < n; i++) {
            Database db = dbs[r.nextInt(dbs.length)];
            List<byte[]> keys = new ArrayList<>();
            db.keys().forEach((k, v) -> {
                if (keys.size() < 64) {
                    keys.add(k);
                }
            });
            if (keys.isEmpty() || r.nextInt(20) == 0) {
                byte[] k = Keyspaces.randomKey(r);
                db.put(k, Keyspaces.randomValue(r, db.editToken()), 0, false);
                continue;
            }
            byte[] key = keys.get(r.nextInt(keys.size()));
            Object v = db.peek(key);
            byte[] x = Keyspaces.randomBytes(r, 30);
            if (v instanceof byte[]) {
                db.put(key, x, 0, true);
            } else if (v instanceof ListValue l) {
                db.editable(key, l).items().addLast(x);
            } else if (v instanceof SetValue s) {
                db.editable(key, s).add(x, SetValue.DEFAULT_MAX_INTSET_ENTRIES);
            } else if (v instanceof HashValue h) {
                db.editable(key, h).put(x, x, HashValue.DEFAULT_MAX_LISTPACK_ENTRIES,
                        HashValue.DEFAULT_MAX_LISTPACK_VALUE);
            } else if (v instanceof ZSetValue z) {
                db.editable(key, z).put(r.nextDouble(), x);
            }
            if (r.nextInt(10) == 0) {
                db.setExpireAt(key, 2_000_000_000_000L + r.nextInt(1000));
            }
            if (r.nextInt(50) == 0 && v instanceof CollectionValue) {
                db.remove(key);
            }
        }
    }
}
