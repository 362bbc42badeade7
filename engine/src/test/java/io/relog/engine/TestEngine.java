package io.relog.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An engine with every engine command, a clock the test moves, and a recorded propagation stream:
 * the fixture of the command tests. {@link #cmd} runs one command in the session and returns its
 * RESP2 reply.
 */
public final class TestEngine {

    /** 2026-01-01T00:00:00Z: a fixed start so expiry times in assertions are readable. */
    public static final long START = 1_767_225_600_000L;

    public long now = START;
    public final List<byte[][]> stream = new ArrayList<>();
    public final Engine engine;
    public final Session session = new Session(1);
    private final RecordingReply reply = new RecordingReply();

    public TestEngine() {
        this(16);
    }

    public TestEngine(int databases) {
        engine = new Engine(databases, () -> now, stream::add);
        EngineCommands.registerAll(engine.commands());
    }

    /** Runs a command; returns the RESP2 reply. */
    public String cmd(String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            argv[i] = args[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        return exec(argv);
    }

    public String exec(byte[][] argv) {
        engine.execute(session, argv, reply);
        return reply.take();
    }

    /** The propagated stream since the last call, one command per string, arguments space-separated. */
    public List<String> takeStream() {
        List<String> out = stream.stream()
                .map(argv -> Arrays.stream(argv).map(a -> new String(a, StandardCharsets.ISO_8859_1))
                        .collect(Collectors.joining(" ")))
                .collect(Collectors.toList());
        stream.clear();
        return out;
    }

    public void advance(long ms) {
        now += ms;
    }

    /** Bulk reply of {@code s}. */
    public static String bulk(String s) {
        return "$" + s.length() + "\r\n" + s + "\r\n";
    }

    public static String integer(long v) {
        return ":" + v + "\r\n";
    }

    public static String err(String text) {
        return "-" + text + "\r\n";
    }

    public static final String OK = "+OK\r\n";
    public static final String NIL = "$-1\r\n";
}
