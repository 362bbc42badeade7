package io.relog.tools;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@code relog <args>} in this JVM and keeps its exit code and output. */
record ToolRun(int exitCode, String out, String err) {

    static ToolRun run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = RelogTool.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new ToolRun(code, out.toString(), err.toString());
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
