package io.relog.engine;

import static io.relog.engine.TestEngine.NIL;
import static io.relog.engine.TestEngine.bulk;
import static io.relog.engine.TestEngine.integer;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Expiry without reads: the active cycle, its propagation as DEL, and replicas that only mask. */
class ExpiryTest {

    @Test
    void activeCycleDeletesExpiredKeysWithoutReadsAndPropagatesDel() {
        TestEngine t = new TestEngine();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            t.cmd("SET", "short:" + i, "v", "PX", "1000");
            t.cmd("SET", "long:" + i, "v", "PX", "100000");
            t.cmd("SET", "plain:" + i, "v");
            expected.add("DEL short:" + i);
        }
        t.cmd("SELECT", "2");
        t.cmd("SET", "other", "v", "PX", "500");
        expected.add("DEL other");
        t.takeStream();

        t.engine.activeExpireCycle(Long.MAX_VALUE);
        assertThat(t.takeStream()).as("nothing is due yet").isEmpty();

        t.advance(1000);
        long before = t.engine.expiredKeys();
        int deleted = 0;
        for (int round = 0; round < 100 && deleted < 201; round++) {
            deleted += t.engine.activeExpireCycle(Long.MAX_VALUE);
        }
        assertThat(deleted).isEqualTo(201);
        assertThat(t.engine.expiredKeys() - before).isEqualTo(201);
        assertThat(t.engine.db(0).size()).isEqualTo(400);
        assertThat(t.engine.db(0).volatileSize()).isEqualTo(200);
        assertThat(t.engine.db(2).size()).isZero();
        List<String> stream = t.takeStream();
        assertThat(stream.stream().filter(s -> s.startsWith("DEL"))).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(stream.stream().filter(s -> !s.startsWith("DEL"))).allMatch(s -> s.startsWith("SELECT"));
        assertThat(t.engine.keyspaceHits() + t.engine.keyspaceMisses()).as("no key was read").isZero();
    }

    @Test
    void replicaMasksExpiredKeysAndWaitsForTheMastersDel() {
        TestEngine t = new TestEngine();
        t.cmd("SET", "k", "v", "PX", "100");
        t.engine.setReplica(true);
        t.takeStream();
        t.advance(100);
        assertThat(t.cmd("GET", "k")).isEqualTo(NIL);
        assertThat(t.cmd("EXISTS", "k")).isEqualTo(integer(0));
        assertThat(t.engine.activeExpireCycle(Long.MAX_VALUE)).isZero();
        assertThat(t.engine.db(0).size()).isEqualTo(1);
        assertThat(t.takeStream()).isEmpty();
        assertThat(t.cmd("DEL", "k")).isEqualTo(integer(1));
        assertThat(t.engine.db(0).size()).isZero();
    }

    @Test
    void keyWithFutureTtlSurvivesTheCycle() {
        TestEngine t = new TestEngine();
        t.cmd("SET", "k", "v", "EX", "10");
        t.advance(9_999);
        t.engine.activeExpireCycle(Long.MAX_VALUE);
        assertThat(t.cmd("GET", "k")).isEqualTo(bulk("v"));
    }
}
