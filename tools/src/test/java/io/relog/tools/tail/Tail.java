package io.relog.tools.tail;

import io.relog.tools.RelogTool;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/** Runs {@code relog tail} in this JVM through the real entry point, capturing its output. */
final class Tail {

    record Result(int exit, byte[] out, String err) {
        String text() {
            return new String(out, StandardCharsets.UTF_8);
        }

        List<String> lines() {
            String t = text();
            return t.isEmpty() ? List.of() : Arrays.asList(t.split("\n"));
        }
    }

    static Result run(String... args) {
        return run(new ByteArrayOutputStream(), args);
    }

    /** An output whose {@code checkError()} turns true on {@link #stop()}: the tail then ends at its next idle moment. */
    static final class StoppableOut extends PrintStream {
        final ByteArrayOutputStream bytes;
        private volatile boolean stopped;

        StoppableOut(ByteArrayOutputStream bytes) {
            super(bytes, false);
            this.bytes = bytes;
        }

        void stop() {
            stopped = true;
        }

        @Override
        public boolean checkError() {
            return stopped || super.checkError();
        }
    }

    static Result run(ByteArrayOutputStream bytes, String... args) {
        return run(new StoppableOut(bytes), args);
    }

    static Result run(StoppableOut out, String... args) {
        ByteArrayOutputStream bytes = out.bytes;
        CommandLine cl = RelogTool.commandLine();
        TailCommand t = (TailCommand) cl.getSubcommands().get("tail").getCommand();
        t.stdout = out;
        cl.setOut(new java.io.PrintWriter(out, true)); // --help
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        cl.setErr(new java.io.PrintWriter(err, true));
        PrintStream oldErr = System.err;
        PrintStream capture = new PrintStream(err, true);
        System.setErr(capture);
        int exit;
        try {
            List<String> a = new ArrayList<>(List.of("tail"));
            a.addAll(List.of(args));
            exit = cl.execute(a.toArray(new String[0]));
        } finally {
            System.setErr(oldErr);
        }
        return new Result(exit, bytes.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    /** {@code --host 127.0.0.1 --port <port>} followed by {@code args}. */
    static Result online(int port, String... args) {
        List<String> a = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", Integer.toString(port)));
        a.addAll(List.of(args));
        return run(a.toArray(new String[0]));
    }
}
