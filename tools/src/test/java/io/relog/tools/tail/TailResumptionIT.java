package io.relog.tools.tail;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void jsonCutAtRandomEventsConcatenatesToTheWhole(boolean offline) {
        checkCuts(offline, List.of("--format", "json"), new Random(seed + 1));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void rawJsonCutAtRandomCommandsIncludingInsideTransactions(boolean offline) {
        checkCuts(offline, List.of("--format", "json", "--raw"), new Random(seed + 2));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void textWithFiltersCutAtRandomEvents(boolean offline) {
        checkCuts(offline, List.of("--format", "text", "--match", "key:1*", "--commands", "set,hset,del"),
                new Random(seed + 3));
    }

    /** The server and its data directory (read while the server runs) give identical output. */
    @ParameterizedTest
    @ValueSource(strings = {"json", "text", "resp"})
    void onlineAndOfflineOutputsAreIdentical(String format) {
        for (List<String> extra : List.of(List.<String>of(), List.of("--raw"), List.of("--db", "2", "--match", "key:*"))) {
            List<String> options = new ArrayList<>(List.of("--format", format));
            options.addAll(extra);
            Tail.Result online = run(false, options, null, null);
            Tail.Result offline = run(true, options, null, null);
            assertThat(online.exit()).as(online.err()).isZero();
            assertThat(offline.exit()).as(offline.err()).isZero();
            assertThat(online.out()).isNotEmpty();
            assertThat(offline.text()).as("seed " + seed + ", " + options).isEqualTo(online.text());
        }
    }

    static void checkCuts(boolean offline, List<String> options, Random rnd) {
        String context = "seed " + seed + ", offline " + offline + ", options " + options;
        List<String> whole = run(offline, options, null, null).lines();
        assertThat(whole).as(context).hasSizeGreaterThan(50);
        // Cut points: the next_offset of random events (the json form of the same range gives them).
        List<String> json = run(offline, List.of("--format", "json", "--raw"), null, null).lines();
        TreeSet<Long> cuts = new TreeSet<>();
        for (int i = 0; i < 12; i++) {
            cuts.add(TailServerIT.nextOffset(json.get(rnd.nextInt(json.size()))));
        }
        List<String> joined = new ArrayList<>();
        String from = "earliest";
        for (long cut : cuts) {
            Tail.Result r = run(offline, options, from, Long.toString(cut));
            assertThat(r.exit()).as(context + " " + r.err()).isZero();
            joined.addAll(r.lines());
            from = Long.toString(cut);
        }
        joined.addAll(run(offline, options, from, null).lines());
        assertThat(joined).as(context + ", cuts " + cuts).isEqualTo(whole);
    }

    static Tail.Result run(boolean offline, List<String> options, String from, String to) {
        List<String> a = new ArrayList<>(options);
        if (from != null) {
            a.addAll(List.of("--from", from));
        }
        if (to != null) {
            a.addAll(List.of("--to", to));
        }
        if (offline) {
            a.addAll(List.of("--dir", server.dir.toString()));
            return Tail.run(a.toArray(new String[0]));
        }
        return Tail.online(server.port(), a.toArray(new String[0]));
    }
}
