package io.relog.tools.tail;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Resuming from any printed {@code next_offset} gives exactly the following events: the outputs
 * of consecutive ranges cut at random events concatenate to the uninterrupted output.
 */
class TailResumptionIT {

    static TestServer server;
    static long seed = Long.getLong("tail.seed", System.nanoTime());

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer("--log-segment-bytes", "8kb");
        try (Jedis j = server.jedis()) {
            Workload.run(j, new Random(seed), 1500);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void jsonCutAtRandomEventsConcatenatesToTheWhole() {
        checkCuts(List.of("--format", "json"), new Random(seed + 1));
    }

    @Test
    void rawJsonCutAtRandomCommandsIncludingInsideTransactions() {
        checkCuts(List.of("--format", "json", "--raw"), new Random(seed + 2));
    }

    @Test
    void textWithFiltersCutAtRandomEvents() {
        checkCuts(List.of("--format", "text", "--match", "key:1*", "--commands", "set,hset,del"), new Random(seed + 3));
    }

    static void checkCuts(List<String> options, Random rnd) {
        String context = "seed " + seed + ", options " + options;
        List<String> whole = run(options, null, null).lines();
        assertThat(whole).as(context).hasSizeGreaterThan(50);
        // Cut points: the next_offset of random events (the json form of the same range gives them).
        List<String> json = run(List.of("--format", "json", "--raw"), null, null).lines();
        TreeSet<Long> cuts = new TreeSet<>();
        for (int i = 0; i < 12; i++) {
            cuts.add(TailServerIT.nextOffset(json.get(rnd.nextInt(json.size()))));
        }
        List<String> joined = new ArrayList<>();
        String from = "earliest";
        for (long cut : cuts) {
            Tail.Result r = run(options, from, Long.toString(cut));
            assertThat(r.exit()).as(context + " " + r.err()).isZero();
            joined.addAll(r.lines());
            from = Long.toString(cut);
        }
        joined.addAll(run(options, from, null).lines());
        assertThat(joined).as(context + ", cuts " + cuts).isEqualTo(whole);
    }

    static Tail.Result run(List<String> options, String from, String to) {
        List<String> a = new ArrayList<>(options);
        if (from != null) {
            a.addAll(List.of("--from", from));
        }
        if (to != null) {
            a.addAll(List.of("--to", to));
        }
        return Tail.online(server.port(), a.toArray(new String[0]));
    }
}
