package io.relog.tools.tail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * {@code relog tail --follow} while the server writes, restarts and trims segments: every write
 * arrives once, in order, with contiguous offsets.
 */
class TailFollowIT {

    @ParameterizedTest(name = "offline={0}")
    @ValueSource(booleans = {false, true})
    void followsThroughWritesRestartsAndRetention(boolean offline) throws Exception {
        try (TestServer s = new TestServer("--log-segment-bytes", "16kb", "--log-retention-bytes", "1")) {
            long start;
            try (Jedis j = s.jedis()) {
                start = CdcReadersIT.endOffset(j);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Tail.StoppableOut stdout = new Tail.StoppableOut(out);
            List<String> source = offline ? List.of("--dir", s.dir.toString())
                    : List.of("--port", Integer.toString(s.port()));
            List<String> args = new ArrayList<>(source);
            args.addAll(List.of("--from", Long.toString(start), "--follow", "--format", "text", "--commands", "set"));
            CompletableFuture<Tail.Result> tail = CompletableFuture.supplyAsync(() -> Tail.run(stdout,
                    args.toArray(new String[0])));
            int n = 0;
            n = write(s, n, 3000); // many segments
            awaitSeen(out, n);
            s.restart(); // the tail reconnects and continues where it was
            n = write(s, n, 3000);
            awaitSeen(out, n);
            try (Jedis j = s.jedis()) {
                j.save(); // retention may now delete every segment below the snapshot
                await().atMost(Duration.ofSeconds(10)).until(() -> CdcReadersIT.earliest(j) > 0);
            }
            n = write(s, n, 3000);
            awaitSeen(out, n);
            s.stop(); // the tail keeps trying; it is not a failure
            Thread.sleep(500);
            assertThat(tail).isNotDone();
            // Stop it: the output reports an error at the tail's next idle moment (it is retrying).
            stdout.stop();
            Tail.Result r = tail.get(10, TimeUnit.SECONDS);
            assertThat(r.exit()).as(r.err()).isZero();
            if (!offline) {
                assertThat(r.err()).contains("reconnecting");
            }
            List<String> lines = lines(out);
            assertThat(lines).hasSize(n);
            for (int i = 0; i < n; i++) {
                assertThat(lines.get(i)).endsWith("SET \"k" + i + "\" \"v" + i + "\"");
            }
        }
    }

    static int write(TestServer s, int from, int count) {
        try (Jedis j = s.jedis()) {
            Pipeline p = j.pipelined();
            for (int i = from; i < from + count; i++) {
                p.set("k" + i, "v" + i);
                if (i % 100 == 99) {
                    p.sync();
                }
            }
            p.sync();
        }
        return from + count;
    }

    static void awaitSeen(ByteArrayOutputStream out, int n) {
        await().atMost(30, TimeUnit.SECONDS).until(() -> {
            List<String> l = lines(out);
            return l.size() >= n && l.get(n - 1).endsWith("\"k" + (n - 1) + "\" \"v" + (n - 1) + "\"");
        });
    }

    static List<String> lines(ByteArrayOutputStream out) {
        String t = out.toString(StandardCharsets.UTF_8);
        List<String> l = new ArrayList<>(List.of(t.split("\n")));
        if (!t.endsWith("\n") && !l.isEmpty()) {
            l.remove(l.size() - 1); // a line being written
        }
        l.removeIf(String::isEmpty);
        return l;
    }
}
