package io.relog.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** keyspace_hits / keyspace_misses as Redis 7.0 counts them per command. */
class KeyspaceStatsTest {

    private final TestEngine t = new TestEngine();

    private void assertCounts(long hits, long misses, String... cmd) {
        long h = t.engine.keyspaceHits();
        long m = t.engine.keyspaceMisses();
        t.cmd(cmd);
        assertThat(new long[] {t.engine.keyspaceHits() - h, t.engine.keyspaceMisses() - m})
                .as(String.join(" ", cmd)).containsExactly(hits, misses);
    }

    @Test
    void countsLikeRedis() {
        t.cmd("SET", "k", "v");
        assertCounts(0, 1, "EXISTS", "nokey");
        assertCounts(1, 0, "EXISTS", "k");
        assertCounts(0, 1, "TYPE", "nokey");
        assertCounts(0, 1, "TTL", "nokey");
        assertCounts(0, 1, "OBJECT", "ENCODING", "nokey");
        assertCounts(1, 0, "OBJECT", "ENCODING", "k");
        assertCounts(0, 1, "TOUCH", "nokey");
        assertCounts(0, 1, "GET", "nokey");
        assertCounts(0, 0, "SCAN", "0");
        assertCounts(0, 0, "KEYS", "*");
        assertCounts(1, 1, "LCS", "k", "nokey");
        assertCounts(1, 1, "MGET", "nokey", "k");
        assertCounts(0, 1, "STRLEN", "nokey");
        assertCounts(0, 1, "GETRANGE", "nokey", "0", "1");
        assertCounts(0, 1, "GETEX", "nokey");
        assertCounts(0, 1, "GETDEL", "nokey");
        assertCounts(0, 1, "SET", "nokey", "v", "GET");
        assertCounts(0, 0, "INCR", "cnt");
        assertCounts(0, 0, "SETRANGE", "nokey2", "0", "x");
        assertCounts(0, 0, "APPEND", "nokey3", "x");
        assertCounts(1, 0, "COPY", "k", "k9");
        assertCounts(0, 0, "RENAME", "k9", "k8");
        assertCounts(0, 0, "MOVE", "k8", "1");
        assertCounts(0, 0, "EXPIRE", "nokey", "1");
        assertCounts(0, 0, "PERSIST", "nokey");
    }
}
