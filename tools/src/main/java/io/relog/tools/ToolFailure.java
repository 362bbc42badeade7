package io.relog.tools;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Turns an I/O failure of a tool into one clear line on stderr and exit code 1 (a corrupt file
 * names its file and position in the message), instead of a stack trace.
 */
final class ToolFailure {

    private ToolFailure() {
    }

    static int guard(CommandSpec spec, Callable<Integer> body) throws Exception {
        try {
            return body.call();
        } catch (NoSuchFileException e) {
            spec.commandLine().getErr().println("relog " + spec.name() + ": " + e.getFile()
                    + (e.getReason() == null ? ": no such file or directory" : ": " + e.getReason()));
            return 1;
        } catch (IOException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("relog " + spec.name() + ": " + e.getMessage());
            return 1;
        }
    }
}
