package io.relog.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.relog.engine.keyspace.Database;
import org.junit.jupiter.api.Test;

/**
 * {@link Engine#retainedBytesSinceFreeze()}, the estimate INFO reports as {@code rdb_last_cow_size}:
 * zero while nothing shares the keyspace, the dropped values and copied paths once a frozen view
 * does, and proportional to what was written, not to the data set's size.
 */
class FrozenViewRetentionTest {

    private static String value(int i) {
        return String.format("%0100d", i); // 100 bytes
    }

    private static TestEngine filled(int keys) {
        TestEngine t = new TestEngine();
        for (int i = 0; i < keys; i++) {
            t.cmd("SET", "k" + i, value(i));
        }
        return t;
    }

    @Test
    void writesWithoutAViewRetainNothing() {
        TestEngine t = filled(10_000);
        for (int i = 0; i < 10_000; i++) {
            t.cmd("SET", "k" + i, value(i + 1));
            t.cmd("HSET", "h" + (i % 10), "f" + i, "v");
        }
        assertThat(t.engine.retainedBytesSinceFreeze()).isZero();
    }

    @Test
    void overwritesUnderAViewRetainTheOldValuesAndPaths() {
        TestEngine t = filled(10_000);
        Database[] views = t.engine.freeze();
        assertThat(t.engine.retainedBytesSinceFreeze()).isZero();
        for (int i = 0; i < 1_000; i++) {
            t.cmd("SET", "k" + i, value(i + 1));
        }
        long retained = t.engine.retainedBytesSinceFreeze();
        // At least the 1,000 old 100-byte values (116 bytes each on the heap) ...
        assertThat(retained).isGreaterThanOrEqualTo(1_000L * 116);
        // ... and no more than they plus the trie paths they shared (a few nodes each).
        assertThat(retained).isLessThan(1_000L * 116 + 1_000L * 4 * 600);
        assertThat(views[0].size()).isEqualTo(10_000);

        // Overwriting the same keys again copies nothing more: the live paths are owned now,
        // except for values dropped from nodes that are still shared.
        long before = t.engine.retainedBytesSinceFreeze();
        for (int i = 0; i < 1_000; i++) {
            t.cmd("SET", "k" + i, value(i + 2));
        }
        assertThat(t.engine.retainedBytesSinceFreeze()).isEqualTo(before);
    }

    @Test
    void anEditOfALargeCollectionCostsItsPathNotItsSize() {
        TestEngine t = new TestEngine();
        for (int i = 0; i < 20_000; i++) {
            t.cmd("HSET", "big", "field:" + i, "value:" + i);
            t.cmd("RPUSH", "list", "item:" + i);
        }
        t.engine.freeze();
        t.cmd("HSET", "big", "field:7", "changed");
        t.cmd("LSET", "list", "7", "changed");
        long retained = t.engine.retainedBytesSinceFreeze();
        assertThat(retained).isPositive();
        assertThat(retained).isLessThan(10_000); // a few trie and tree nodes, far below 20,000 entries
    }

    @Test
    void aNewFreezeStartsANewCount() {
        TestEngine t = filled(1_000);
        t.engine.freeze();
        t.cmd("DEL", "k1", "k2", "k3");
        assertThat(t.engine.retainedBytesSinceFreeze()).isPositive();
        t.engine.freeze();
        assertThat(t.engine.retainedBytesSinceFreeze()).isZero();
    }
}
