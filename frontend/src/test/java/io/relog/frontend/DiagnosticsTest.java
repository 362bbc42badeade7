package io.relog.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import io.relog.engine.Clock;
import io.relog.engine.Engine;
import io.relog.engine.EngineCommands;
import io.relog.engine.Session;
import io.relog.engine.propagation.Propagation;
import io.relog.frontend.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The latency monitor's bookkeeping, which a real server can only show with commands that are
 * slow by accident: which event a command's time goes to, one sample per second holding that
 * second's worst, at most 160 samples, the worst ever kept apart; and the slow log's length cap.
 */
class DiagnosticsTest {

    private final Engine engine = new Engine(16, Clock.SYSTEM, Propagation.DISCARD);
    private final ServerConfig config = ServerConfig.defaults();
    private final Diagnostics d;

    DiagnosticsTest() {
        EngineCommands.registerAll(engine.commands());
        d = new Diagnostics(new ServerState(config, engine));
    }

    private static byte[][] argv(String... a) {
        byte[][] out = new byte[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }

    private void called(String... a) {
        called(0, a);
    }

    private void called(long nanos, String... a) {
        byte[][] v = argv(a);
        d.called(new Session(1), engine.commands().lookup(v[0]), v, nanos);
    }

    @Test
    void fastAndOtherCommandsGoToTheirOwnEventsOnlyOverTheThreshold() {
        called(50_000_000, "GET", "k");
        assertThat(d.events).isEmpty(); // threshold 0: the monitor is off
        config.set("latency-monitor-threshold", "10");
        d.configure(config);
        called(9_999_999, "GET", "k"); // 9 ms
        assertThat(d.events).isEmpty();
        called(12_000_000, "GET", "k");   // GET is a fast command
        called(30_000_000, "KEYS", "*");  // KEYS is not
        called(20_000_000, "GET", "k");   // the same second: the sample keeps the worst
        assertThat(d.events.keySet()).containsExactly("fast-command", "command");
        Diagnostics.Event fast = d.events.get("fast-command");
        // One sample per second (two if the clock's second turned between the calls), the last one the worst.
        assertThat(fast.samples.size()).isBetween(1, 2);
        assertThat(fast.samples.peekLast().ms).isEqualTo(20);
        assertThat(fast.max).isEqualTo(20);
        assertThat(d.events.get("command").samples.peekLast().ms).isEqualTo(30);
        d.addLatencySampleIfNeeded("log-fsync", 11);
        d.addLatencySampleIfNeeded("log-fsync", 3);
        assertThat(d.events.get("log-fsync").max).isEqualTo(11);
        assertThat(d.latencyReset(List.of("command", "nope"))).isEqualTo(1);
        assertThat(d.events.keySet()).containsExactly("fast-command", "log-fsync");
    }

    @Test
    void theSlowLogKeepsTheNewestUpToItsLength() {
        config.set("slowlog-log-slower-than", "0");
        config.set("slowlog-max-len", "3");
        d.configure(config);
        for (int i = 0; i < 5; i++) {
            called("SET", "k" + i, "v");
        }
        called("EXEC"); // skip_slowlog
        assertThat(d.slowlogLen()).isEqualTo(3);
        config.set("slowlog-max-len", "1");
        d.configure(config);
        assertThat(d.slowlogLen()).isEqualTo(1);
        config.set("slowlog-max-len", "10");
        config.set("slowlog-log-slower-than", "1000");
        d.configure(config);
        d.slowlogReset();
        assertThat(d.slowlogLen()).isZero();
        called(999_999, "SET", "fast", "v");   // 999 µs
        assertThat(d.slowlogLen()).isZero();
        called(1_000_000, "SET", "slow", "v"); // 1000 µs: at the threshold counts, as in Redis
        assertThat(d.slowlogLen()).isEqualTo(1);
    }
}
