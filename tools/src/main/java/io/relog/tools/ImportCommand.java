package io.relog.tools;

import io.relog.tools.aof.AofReader;
import io.relog.tools.aof.Manifest;
import io.relog.tools.state.Replay;
import io.relog.tools.state.StateOutput;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code relog import}: a Redis RDB file or AOF into a new Relog data directory. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {
            "Builds a new Relog data directory from Redis persistence files:",
            "  an RDB file (dump.rdb),",
            "  a single AOF file (with or without an RDB preamble),",
            "  a Redis 7 appendonlydir (or its appendonly.aof.manifest): the base file (RDB or AOF) and the increments",
            "  the manifest lists, in order.",
            "Start Relog with --dir on the new directory to serve the data.",
            "",
            "Example: relog import /var/lib/redis/appendonlydir --out-dir /var/lib/relog"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:imported", "1:the input could not be read (the message says where) or the output written",
            "2:usage error"})
public final class ImportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<input>", description = "dump.rdb, an AOF file, an appendonlydir or its manifest")
    Path input;

    @Option(names = "--out-dir", required = true, paramLabel = "<dir>",
            description = "the new Relog data directory (must be missing or empty)")
    Path outDir;

    @Override
    public Integer call() throws Exception {
        return ToolFailure.guard(spec, this::run);
    }

    private Integer run() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        StateOutput.requireEmpty(outDir);
        Replay replay = new Replay();
        List<String> warnings = new ArrayList<>();
        Path manifest = manifestOf(input);
        if (manifest != null) {
            Manifest m = Manifest.read(manifest);
            out.println("Loading the multi-part AOF of " + manifest + ": " + m.files().size() + " file(s)");
            List<Path> files = m.files();
            for (int i = 0; i < files.size(); i++) {
                long n = AofReader.load(files.get(i), replay, i == files.size() - 1, warnings);
                out.println("  " + files.get(i).getFileName() + ": " + n + " commands");
            }
        } else if (!Files.isRegularFile(input)) {
            spec.commandLine().getErr().println("relog import: " + input + " is neither a file nor an appendonlydir");
            return 1;
        } else if (AofReader.startsWithRdb(input) && !input.getFileName().toString().contains(".aof")) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(input), 1 << 16)) {
                replay.loadRdb(in, Files.size(input));
            }
            out.println("Loaded RDB file " + input);
        } else {
            long n = AofReader.load(input, replay, true, warnings);
            out.println("Loaded AOF file " + input + ": " + n + " commands");
        }
        if (replay.openTransactionOffset() >= 0) {
            replay.discardOpenTransaction();
        }
        for (String w : warnings) {
            out.println("Warning: " + w);
        }
        if (replay.errors() > 0) {
            out.println("Warning: " + replay.errors() + " commands replied with an error; first: " + replay.errorSamples().get(0));
        }
        var snapshot = StateOutput.writeDataDir(replay, outDir, 0);
        out.println("Wrote data directory " + outDir + " (" + replay.keys() + " keys in snapshot "
                + snapshot.path().getFileName() + ")");
        return 0;
    }

    /** The manifest to load when {@code input} is one, or an appendonlydir, or a Redis dir holding one; else {@code null}. */
    private static Path manifestOf(Path input) throws java.io.IOException {
        if (Files.isRegularFile(input) && input.getFileName().toString().endsWith(".manifest")) {
            return input;
        }
        if (!Files.isDirectory(input)) {
            return null;
        }
        Path dir = Files.isDirectory(input.resolve("appendonlydir")) ? input.resolve("appendonlydir") : input;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.manifest")) {
            for (Path p : ds) {
                return p;
            }
        }
        throw new java.io.IOException("no *.manifest in " + dir + ": not a Redis 7 appendonlydir");
    }
}
