package io.relog.frontend;

import static io.relog.frontend.SpecBuilder.command;
import static io.relog.frontend.SpecBuilder.container;

import io.relog.engine.Engine;
import io.relog.engine.Session;
import io.relog.engine.command.Args;
import io.relog.engine.command.CommandSpec;
import io.relog.engine.command.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** SLOWLOG, LATENCY and MONITOR (Redis 7.0 replies and error texts), over {@link Diagnostics}. */
final class DiagnosticCommands {

    private final ServerState state;

    DiagnosticCommands(ServerState state) {
        this.state = state;
    }

    private Diagnostics d() {
        return state.diagnostics;
    }

    List<CommandSpec> specs() {
        String adm = "admin loading stale";
        String admNs = "admin noscript loading stale";
        return List.of(
                container("slowlog", "server", "2.2.12", "A container for slow log commands.", List.of(
                        command("slowlog|get", -2, adm, "admin slow dangerous", "server", "2.2.12",
                                "Returns the slow log's entries.", this::slowlogGet),
                        command("slowlog|len", 2, adm, "admin slow dangerous", "server", "2.2.12",
                                "Returns the number of entries in the slow log.",
                                (e, s, a, r) -> r.integer(d().slowlogLen())),
                        command("slowlog|reset", 2, adm, "admin slow dangerous", "server", "2.2.12",
                                "Clears all entries from the slow log.", (e, s, a, r) -> {
                                    d().slowlogReset();
                                    r.ok();
                                }),
                        command("slowlog|help", 2, "loading stale", "slow", "server", "6.2.0",
                                "Returns helpful text about the different subcommands.", this::slowlogHelp))),
                container("latency", "server", "2.8.13", "A container for latency diagnostics commands.", List.of(
                        command("latency|latest", 2, admNs, "admin slow dangerous", "server", "2.8.13",
                                "Returns the latest latency samples for all events.", this::latencyLatest),
                        command("latency|history", 3, admNs, "admin slow dangerous", "server", "2.8.13",
                                "Returns timestamp-latency samples for an event.", this::latencyHistory),
                        command("latency|reset", -2, admNs, "admin slow dangerous", "server", "2.8.13",
                                "Resets the latency data for one or more events.", this::latencyReset),
                        command("latency|doctor", 2, admNs, "admin slow dangerous", "server", "2.8.13",
                                "Returns a human-readable latency analysis report.", this::latencyDoctor),
                        command("latency|help", 2, "loading stale", "slow", "server", "2.8.13",
                                "Returns helpful text about the different subcommands.", this::latencyHelp))),
                command("monitor", 1, admNs, "admin slow dangerous", "server", "1.0.0",
                        "Listens for all requests received by the server in real-time.", this::monitor));
    }

    private void slowlogGet(Engine e, Session s, byte[][] a, Reply r) {
        long count = 10;
        if (a.length > 3) {
            r.error("ERR wrong number of arguments for 'slowlog|get' command");
            return;
        }
        if (a.length == 3) {
            count = Args.parseLong(a[2], "ERR count should be greater than or equal to -1");
            if (count < -1) {
                r.error("ERR count should be greater than or equal to -1");
                return;
            }
        }
        d().slowlogGet(count, r);
    }

    private void slowlogHelp(Engine e, Session s, byte[][] a, Reply r) {
        help(r,
                "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "GET [<count>]",
                "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
                "    Entries are made of:",
                "    id, timestamp, time in microseconds, arguments array, client IP and port,",
                "    client name",
                "LEN",
                "    Return the length of the slowlog.",
                "RESET",
                "    Reset the slowlog.",
                "HELP",
                "    Prints this help.");
    }

    private void latencyLatest(Engine e, Session s, byte[][] a, Reply r) {
        Map<String, Diagnostics.Event> events = d().events;
        r.array(events.size());
        for (Map.Entry<String, Diagnostics.Event> en : events.entrySet()) {
            Diagnostics.Sample last = en.getValue().samples.peekLast();
            r.array(4);
            r.bulk(en.getKey());
            r.integer(last.unixSec);
            r.integer(last.ms);
            r.integer(en.getValue().max);
        }
    }

    private void latencyHistory(Engine e, Session s, byte[][] a, Reply r) {
        Diagnostics.Event ev = d().events.get(new String(a[2], StandardCharsets.UTF_8));
        if (ev == null) {
            r.array(0);
            return;
        }
        r.array(ev.samples.size());
        for (Diagnostics.Sample sample : ev.samples) {
            r.array(2);
            r.integer(sample.unixSec);
            r.integer(sample.ms);
        }
    }

    private void latencyReset(Engine e, Session s, byte[][] a, Reply r) {
        List<String> names = new ArrayList<>();
        for (int i = 2; i < a.length; i++) {
            names.add(new String(a[i], StandardCharsets.UTF_8));
        }
        r.integer(d().latencyReset(names));
    }

    /**
     * A short report in Redis' words: each event's spikes, average, mean deviation, period and
     * worst. (Redis adds advice per event kind; Relog prints only the measurements.)
     */
    private void latencyDoctor(Engine e, Session s, byte[][] a, Reply r) {
        StringBuilder sb = new StringBuilder();
        if (d().latencyThresholdMs() == 0) {
            sb.append("I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. "
                    + "You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. "
                    + "If we weren't in a deep space mission I'd suggest to take a look at "
                    + "https://redis.io/topics/latency-monitor.\n");
        } else if (d().events.isEmpty()) {
            sb.append("Dave, no latency spike was observed during the lifetime of this Redis instance, not in the "
                    + "slightest bit. I honestly think you ought to sleep tonight.\n");
        } else {
            sb.append("Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, "
                    + "do you Dave?\n\n");
            int n = 1;
            for (Map.Entry<String, Diagnostics.Event> en : d().events.entrySet()) {
                var samples = en.getValue().samples;
                double avg = samples.stream().mapToLong(x -> x.ms).average().orElse(0);
                double mad = samples.stream().mapToDouble(x -> Math.abs(x.ms - avg)).average().orElse(0);
                long first = samples.peekFirst().unixSec;
                long last = samples.peekLast().unixSec;
                double period = samples.size() > 1 ? (double) (last - first) / (samples.size() - 1) : 0;
                sb.append(n++).append(". ").append(en.getKey()).append(": ").append(samples.size())
                        .append(" latency spikes (average ").append(Math.round(avg)).append("ms, mean deviation ")
                        .append(Math.round(mad)).append("ms, period ")
                        .append(String.format(Locale.ROOT, "%.2f", period)).append(" sec). Worst all time event ")
                        .append(en.getValue().max).append("ms.\n");
            }
        }
        r.verbatim("txt", sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void latencyHelp(Engine e, Session s, byte[][] a, Reply r) {
        help(r,
                "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "DOCTOR",
                "    Return a human readable latency analysis report.",
                "HISTORY <event>",
                "    Return time-latency samples for the <event> class.",
                "LATEST",
                "    Return the latest latency samples for all events.",
                "RESET [<event> ...]",
                "    Reset latency data of one or more <event> classes.",
                "    (default: reset all data for all event classes)",
                "HELP",
                "    Prints this help.");
    }

    private void monitor(Engine e, Session s, byte[][] a, Reply r) {
        if (!(s instanceof ClientConnection c)) {
            r.error("ERR MONITOR needs a client connection");
            return;
        }
        if (s.inTransaction()) {
            r.error("ERR MONITOR isn't allowed for DENY BLOCKING client");
            return;
        }
        if (c.monitor || c.replicaLink != null) {
            return; // already a monitor (or a replica): no reply, as Redis
        }
        c.monitor = true;
        d().monitors.add(c);
        r.ok();
    }

    private static void help(Reply r, String... lines) {
        r.array(lines.length);
        for (String l : lines) {
            r.simple(l);
        }
    }
}
