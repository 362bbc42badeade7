package io.relog.tools;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code bin/relog}: one picocli command per tool. Each subcommand returns its exit
 * code from {@code call()}: 0 on success, 1 when the work could not be done (a clear message on
 * stderr says why), 2 on a usage error (picocli's convention), and tools that verify something
 * ({@code check}) use 1 for "found a problem".
 */
@Command(
        name = "relog",
        mixinStandardHelpOptions = true,
        versionProvider = RelogTool.Version.class,
        description = "Relog's command-line tools: change feed, point-in-time restore, checks and data movement.",
        subcommands = {CommandLine.HelpCommand.class, io.relog.tools.tail.TailCommand.class, CheckCommand.class, DumpCommand.class, RestoreCommand.class, ExportCommand.class, ImportCommand.class})
public final class RelogTool implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Without a subcommand, prints the usage and fails (exit code 2). */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
    }

    /** Builds the command line with every subcommand registered; tests call this too. */
    public static CommandLine commandLine() {
        return new CommandLine(new RelogTool());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The version the tools report, taken from the jar manifest when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = RelogTool.class.getPackage().getImplementationVersion();
            return new String[] {"relog " + (v == null ? "0.1.0-SNAPSHOT" : v)};
        }
    }
}
