package io.relog.frontend;

import io.relog.engine.Engine;
import io.relog.engine.Session;
import io.relog.engine.command.CommandFlag;
import io.relog.engine.command.CommandSpec;
import io.relog.engine.command.Reply;
import io.relog.engine.command.Subcommands;
import io.relog.frontend.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an operator asks about single commands, fed by the engine after each command runs
 * ({@link Engine.CallListener}): the slow log ({@code SLOWLOG}), the latency monitor's events
 * ({@code LATENCY}) and the {@code MONITOR} feed, as Redis 7.0's {@code call()} feeds them —
 * after the command ran, once per command of an EXEC, EXEC itself not in the slow log, admin
 * commands not shown to monitors, passwords redacted.
 *
 * <p>The hot path is three field tests per command (monitors, two thresholds); anything is
 * copied only when it is to be kept or shown. Engine thread only.
 */
final class Diagnostics implements Engine.CallListener {

    /** Redis' SLOWLOG_ENTRY_MAX_ARGC and SLOWLOG_ENTRY_MAX_STRING. */
    static final int MAX_ARGC = 32;
    static final int MAX_STRING = 128;
    /** Redis' LATENCY_TS_LEN: samples kept per event. */
    static final int LATENCY_SAMPLES = 160;
    private static final byte[] REDACTED = bytes("(redacted)");

    /** One slow log entry (Redis' slowlogEntry). */
    record SlowEntry(long id, long unixSec, long micros, byte[][] argv, String addr, String name) {
    }

    /** One latency sample: the worst latency of an event within one second (Redis' latencySample). */
    static final class Sample {
        final long unixSec;
        long ms;

        Sample(long unixSec, long ms) {
            this.unixSec = unixSec;
            this.ms = ms;
        }
    }

    /** An event's samples, newest last, and its worst latency ever (Redis' latencyTimeSeries). */
    static final class Event {
        final ArrayDeque<Sample> samples = new ArrayDeque<>();
        long max;
    }

    private final ServerState state;
    private final ArrayDeque<SlowEntry> slowlog = new ArrayDeque<>();
    private long nextSlowId;
    private long slowerThanMicros = 10000;
    private long slowlogMaxLen = 128;
    /** Volatile: the log's sync thread reads it to decide whether an fsync is worth reporting. */
    private volatile long latencyThresholdMs;
    final Map<String, Event> events = new LinkedHashMap<>();
    final List<ClientConnection> monitors = new ArrayList<>();

    Diagnostics(ServerState state) {
        this.state = state;
    }

    /** Reads the thresholds (at start and after CONFIG SET). Engine thread. */
    void configure(ServerConfig config) {
        slowerThanMicros = Long.parseLong(config.get("slowlog-log-slower-than"));
        slowlogMaxLen = Long.parseLong(config.get("slowlog-max-len"));
        latencyThresholdMs = Long.parseLong(config.get("latency-monitor-threshold"));
        trimSlowlog();
    }

    @Override
    public void called(Session session, CommandSpec spec, byte[][] argv, long nanos) {
        if (!monitors.isEmpty()) {
            feedMonitors(session, spec, argv);
        }
        long micros = nanos / 1000;
        if (slowerThanMicros >= 0 && micros >= slowerThanMicros && !effective(spec, argv).is(CommandFlag.SKIP_SLOWLOG)) {
            pushSlow(session, argv, micros);
        }
        if (latencyThresholdMs > 0 && micros / 1000 >= latencyThresholdMs) {
            addLatencySample(effective(spec, argv).is(CommandFlag.FAST) ? "fast-command" : "command", micros / 1000);
        }
    }

    /** The subcommand a container command ran ({@code config|get} for CONFIG GET), else {@code spec}. */
    private static CommandSpec effective(CommandSpec spec, byte[][] argv) {
        if (!spec.subcommands().isEmpty() && argv.length > 1 && argv[1].length <= 64) {
            CommandSpec sub = Subcommands.lookup(spec, argv[1]);
            if (sub != null) {
                return sub;
            }
        }
        return spec;
    }

    // ------------------------------------------------------------------ slow log

    private void pushSlow(Session session, byte[][] argv, long micros) {
        int argc = Math.min(argv.length, MAX_ARGC);
        byte[][] kept = new byte[argc][];
        boolean[] redacted = redactedArgs(argv);
        for (int i = 0; i < argc; i++) {
            if (argc != argv.length && i == argc - 1) {
                kept[i] = bytes("... (" + (argv.length - argc + 1) + " more arguments)");
            } else if (redacted[i]) {
                kept[i] = REDACTED;
            } else if (argv[i].length > MAX_STRING) {
                byte[] b = bytes("... (" + (argv[i].length - MAX_STRING) + " more bytes)");
                kept[i] = new byte[MAX_STRING + b.length];
                System.arraycopy(argv[i], 0, kept[i], 0, MAX_STRING);
                System.arraycopy(b, 0, kept[i], MAX_STRING, b.length);
            } else {
                kept[i] = argv[i].clone();
            }
        }
        slowlog.addFirst(new SlowEntry(nextSlowId++, System.currentTimeMillis() / 1000, micros, kept,
                addrOf(session), session instanceof ClientConnection c ? c.name : ""));
        trimSlowlog();
    }

    private void trimSlowlog() {
        while (slowlog.size() > slowlogMaxLen) {
            slowlog.removeLast();
        }
    }

    /**
     * Which arguments Redis 7.0 hides: every argument of AUTH, and the user name and password
     * after HELLO's AUTH ({@code redactClientCommandArgument}).
     */
    static boolean[] redactedArgs(byte[][] argv) {
        boolean[] r = new boolean[argv.length];
        String name = new String(argv[0], StandardCharsets.US_ASCII);
        if (name.equalsIgnoreCase("auth")) {
            for (int i = 1; i < argv.length; i++) {
                r[i] = true;
            }
        } else if (name.equalsIgnoreCase("hello")) {
            for (int i = 2; i + 2 < argv.length; i++) {
                if (new String(argv[i], StandardCharsets.US_ASCII).equalsIgnoreCase("auth")) {
                    r[i + 1] = true;
                    r[i + 2] = true;
                    break;
                }
            }
        }
        return r;
    }

    private String addrOf(Session session) {
        if (session instanceof ClientConnection c) {
            return c.addr();
        }
        String master = state.config().get("replicaof");
        return session.isMaster() && !master.isEmpty() ? master.replace(' ', ':') : "";
    }

    /** SLOWLOG GET: the newest {@code count} entries ({@code -1}: all). */
    void slowlogGet(long count, Reply r) {
        int n = count < 0 ? slowlog.size() : (int) Math.min(count, slowlog.size());
        r.array(n);
        Iterator<SlowEntry> it = slowlog.iterator();
        for (int i = 0; i < n; i++) {
            SlowEntry e = it.next();
            r.array(6);
            r.integer(e.id());
            r.integer(e.unixSec());
            r.integer(e.micros());
            r.array(e.argv().length);
            for (byte[] a : e.argv()) {
                r.bulk(a);
            }
            r.bulk(bytes(e.addr()));
            r.bulk(bytes(e.name()));
        }
    }

    int slowlogLen() {
        return slowlog.size();
    }

    void slowlogReset() {
        slowlog.clear();
    }

    // ------------------------------------------------------------------ latency monitor

    /**
     * Records {@code ms} for {@code event} if the monitor is on and it reaches the threshold (Redis'
     * {@code latencyAddSampleIfNeeded}). Engine thread.
     */
    void addLatencySampleIfNeeded(String event, long ms) {
        if (latencyThresholdMs > 0 && ms >= latencyThresholdMs) {
            addLatencySample(event, ms);
        }
    }

    private void addLatencySample(String event, long ms) {
        long now = System.currentTimeMillis() / 1000;
        Event e = events.computeIfAbsent(event, k -> new Event());
        e.max = Math.max(e.max, ms);
        Sample last = e.samples.peekLast();
        if (last != null && last.unixSec == now) {
            last.ms = Math.max(last.ms, ms); // one sample per second: its worst latency
            return;
        }
        e.samples.addLast(new Sample(now, ms));
        if (e.samples.size() > LATENCY_SAMPLES) {
            e.samples.removeFirst();
        }
    }

    /** LATENCY RESET: forgets {@code names} (all events if empty); how many were reset. */
    int latencyReset(List<String> names) {
        if (names.isEmpty()) {
            int n = events.size();
            events.clear();
            return n;
        }
        int n = 0;
        for (String name : names) {
            if (events.remove(name) != null) {
                n++;
            }
        }
        return n;
    }

    long latencyThresholdMs() {
        return latencyThresholdMs;
    }

    // ------------------------------------------------------------------ MONITOR

    private void feedMonitors(Session session, CommandSpec spec, byte[][] argv) {
        CommandSpec eff = effective(spec, argv);
        if (eff.is(CommandFlag.ADMIN) || eff.is(CommandFlag.SKIP_MONITOR) || spec.is(CommandFlag.ADMIN)) {
            return;
        }
        Instant now = Instant.now();
        StringBuilder sb = new StringBuilder(64).append('+').append(now.getEpochSecond()).append('.');
        String micros = Long.toString(now.getNano() / 1000);
        sb.append("000000", 0, 6 - micros.length()).append(micros);
        sb.append(" [").append(session.db()).append(' ').append(addrOf(session)).append(']');
        boolean[] redacted = redactedArgs(argv);
        for (int i = 0; i < argv.length; i++) {
            sb.append(' ');
            quote(sb, redacted[i] ? REDACTED : argv[i]);
        }
        sb.append("\r\n");
        byte[] line = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        for (int i = monitors.size() - 1; i >= 0; i--) {
            ClientConnection m = monitors.get(i);
            if (m.closed) {
                monitors.remove(i);
                continue;
            }
            state.loop.pushRaw(m, line);
        }
    }

    /** Redis' {@code sdscatrepr}: the argument in double quotes, escapes for the unprintable. */
    static void quote(StringBuilder sb, byte[] arg) {
        sb.append('"');
        for (byte b : arg) {
            int c = b & 0xff;
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 7 -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                default -> {
                    if (c >= 32 && c < 127) {
                        sb.append((char) c);
                    } else {
                        sb.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                    }
                }
            }
        }
        sb.append('"');
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
