package io.relog.tools;

import io.relog.log.BatchEntry;
import io.relog.log.CommandLog;
import io.relog.log.LogCorruptionException;
import io.relog.log.LogOptions;
import io.relog.log.ReadOnlyLog;
import io.relog.log.ReplicationHistory;
import io.relog.log.resp.MalformedCommandException;
import io.relog.log.resp.RespCommands;
import io.relog.snapshot.SnapshotFiles;
import io.relog.snapshot.rdb.RdbLoad;
import io.relog.snapshot.rdb.RdbReader;
import io.relog.tools.state.DataDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.zip.CRC32C;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code relog check}: verifies a data directory or single files, like redis-check-aof,
 * redis-check-rdb and kafka-dump-log together. Read-only unless {@code --repair}.
 *
 * <p>What counts as a problem (exit code 1): a batch that fails its CRC32C or does not hold the
 * commands its index entry counts, a segment that does not start where the previous one ends, an
 * earlier segment that does not end in whole commands (corruption: never repaired here); a torn
 * tail at the end of the last segment, an index that is behind its segment or has a damaged
 * entry, an index without its segment (repairable: {@code --repair} does what the server's
 * recovery does at start, and prints every byte it drops); a snapshot that fails to load (its
 * structure or CRC-64); a history file that does not parse.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {
            "Verifies a Relog data directory, or single files: log segments (CRC32C of every batch, index entries",
            "against the segment, offset continuity between segments, torn tail), snapshots (RDB structure and",
            "CRC-64) and the replication-history file. Prints what it found; read-only unless --repair.",
            "",
            "--repair truncates a torn tail and rebuilds missing, behind or damaged indexes, printing the file,",
            "position and bytes of everything it drops; it refuses to touch a log with corruption in the middle.",
            "Do not run --repair while a server uses the directory. On a running server the active segment's index",
            "is normally a little behind and its last command may be half written: check a stopped server for a verdict.",
            "",
            "Examples: relog check --dir /var/lib/relog",
            "          relog check /var/lib/relog/log/00000000000000000000.log /var/lib/relog/snapshots/00000000000000001234.rdb"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:everything checked is clean (after --repair: clean now)", "1:a problem was found",
            "2:usage error"})
public final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "<data dir>", description = "Relog data directory to check")
    Path dir;

    @Option(names = "--repair", description = "truncate a torn tail and rebuild indexes (data directory only)")
    boolean repair;

    @Parameters(paramLabel = "<file>", arity = "0..*",
            description = "single files: <offset>.log segments, .rdb snapshots, replication-history")
    List<Path> files = new ArrayList<>();

    private PrintWriter out;
    private int problems;
    private int repairable;

    private void problem(String text, boolean canRepair) {
        problems++;
        if (canRepair) {
            repairable++;
        }
        out.println("  PROBLEM: " + text + (canRepair ? " (--repair fixes this)" : ""));
    }

    @Override
    public Integer call() throws Exception {
        return ToolFailure.guard(spec, this::run);
    }

    private Integer run() throws Exception {
        out = spec.commandLine().getOut();
        if (dir == null && files.isEmpty()) {
            spec.commandLine().getErr().println("relog check: give --dir <data dir> or files to check");
            spec.commandLine().usage(spec.commandLine().getErr());
            return 2;
        }
        if (repair && dir == null) {
            spec.commandLine().getErr().println("relog check: --repair works on a data directory (--dir)");
            return 2;
        }
        if (dir != null) {
            checkDataDir(DataDirectory.open(dir));
            if (repair && problems > 0) {
                if (problems > repairable) {
                    out.println("Not repairing: " + (problems - repairable) + " problem(s) are not a torn tail or an index"
                            + " (corruption inside the log or a bad snapshot); nothing was changed");
                    return 1;
                }
                repairLog(DataDirectory.open(dir));
                problems = 0;
                repairable = 0;
                out.println("Checking again after the repair");
                checkDataDir(DataDirectory.open(dir));
            }
        }
        for (Path f : files) {
            checkFile(f);
        }
        out.println(problems == 0 ? "No problems found" : problems + " problem(s) found"
                + (repairable > 0 && !repair ? ", " + repairable + " repairable with --repair" : ""));
        return problems == 0 ? 0 : 1;
    }

    private void checkFile(Path f) throws IOException {
        String name = f.getFileName().toString();
        if (!Files.isRegularFile(f)) {
            out.println(f + ":");
            problem("no such file", false);
        } else if (ReadOnlyLog.isSegmentName(name)) {
            out.println("Segment " + f);
            try (ReadOnlyLog log = ReadOnlyLog.openSegment(f)) {
                checkLog(log);
            } catch (LogCorruptionException e) {
                problem(e.getMessage(), false);
            }
        } else if (name.equals(ReplicationHistory.FILE_NAME)) {
            out.println("Replication history " + f);
            checkHistory(f.toAbsolutePath().getParent(), Long.MAX_VALUE);
        } else if (name.endsWith(".rdb") || io.relog.tools.aof.AofReader.startsWithRdb(f)) {
            checkRdb(f);
        } else {
            out.println(f + ":");
            problem("not a file relog check knows (<offset>.log, .rdb, replication-history)", false);
        }
    }

    private void checkDataDir(DataDirectory data) throws IOException {
        out.println("Data directory " + data.root());
        long start = -1;
        long end = Long.MAX_VALUE;
        if (Files.isDirectory(data.logDir())) {
            try (ReadOnlyLog log = data.openLog()) {
                out.println("Log " + data.logDir() + ": " + log.segments().size() + " segment(s), offsets "
                        + log.startOffset() + " to " + log.endOffset());
                checkLog(log);
                start = log.startOffset();
                end = log.endOffset();
            } catch (LogCorruptionException e) {
                out.println("Log " + data.logDir() + ":");
                problem(e.getMessage(), false);
            }
            checkOrphanIndexes(data.logDir());
        } else {
            out.println("Log: none (no " + data.logDir() + ")");
        }
        List<SnapshotFiles.Snapshot> snapshots = data.snapshots();
        out.println("Snapshots: " + snapshots.size());
        boolean covered = start <= 0;
        for (SnapshotFiles.Snapshot s : snapshots) {
            boolean ok = checkRdb(s.path());
            if (ok && s.offset() >= start && s.offset() <= end) {
                covered = true;
            }
        }
        if (!covered) {
            out.println("Coverage:");
            problem("the log starts at offset " + start + " and no loadable snapshot lies between it and the log end:"
                    + " the data below offset " + start + " is nowhere", false);
        }
        if (Files.exists(data.historyFile())) {
            out.println("Replication history " + data.historyFile());
            checkHistory(data.root(), end);
        } else {
            out.println("Replication history: none (the server starts a new one)");
        }
    }

    private void checkLog(ReadOnlyLog log) throws IOException {
        List<ReadOnlyLog.Segment> segs = log.segments();
        for (int k = 0; k < segs.size(); k++) {
            ReadOnlyLog.Segment s = segs.get(k);
            boolean last = k == segs.size() - 1;
            int before = problems;
            List<BatchEntry> batches = log.batches(s.baseOffset());
            long commands = 0;
            for (int i = 0; i < batches.size(); i++) {
                BatchEntry b = batches.get(i);
                byte[] bytes = log.read(b.offset(), b.length());
                CRC32C crc = new CRC32C();
                crc.update(bytes);
                String bad = (int) crc.getValue() == b.crc() ? null : "CRC mismatch (stored " + Integer.toHexString(b.crc())
                        + ", computed " + Integer.toHexString((int) crc.getValue()) + ")";
                if (bad == null) {
                    int n = countCommands(bytes);
                    if (n != b.commands()) {
                        bad = "holds " + (n < 0 ? "bytes that are not whole RESP commands" : n + " commands")
                                + " but its index entry says " + b.commands();
                    }
                    commands += Math.max(n, 0);
                }
                if (bad != null) {
                    long position = b.offset() - s.baseOffset();
                    if (last && i == batches.size() - 1) {
                        problem("torn tail: the last batch of " + s.logFile() + " at position " + position + " (offset "
                                + b.offset() + ", " + b.length() + " bytes) " + bad, true);
                    } else {
                        problem("corrupt batch in " + s.logFile() + " at position " + position + " (offset " + b.offset()
                                + ", " + b.length() + " bytes): " + bad, false);
                    }
                }
            }
            out.println("  " + s.logFile().getFileName() + ": offsets " + s.baseOffset() + " to " + s.endOffset() + ", "
                    + s.batches() + " batches, " + commands + " commands"
                    + (s.batches() > 0 ? ", " + io.relog.tools.text.Repr.time(s.firstTimestampMs()) + " to "
                            + io.relog.tools.text.Repr.time(s.lastTimestampMs()) : ""));
            if (s.indexBytesIgnored() > 0) {
                problem("index " + s.indexFile() + " is damaged: " + s.indexBytesIgnored() + " bytes from position "
                        + (long) s.indexedBatches() * 32 + " are not valid entries", true);
            }
            if (s.batches() > s.indexedBatches()) {
                long from = s.indexedBatches() == 0 ? s.baseOffset() : batches.get(s.indexedBatches() - 1).endOffset();
                problem("index " + s.indexFile() + (Files.exists(s.indexFile()) ? " is behind" : " is missing") + ": "
                        + (s.batches() - s.indexedBatches()) + " units from offset " + from + " are not indexed", true);
            }
            if (last) {
                ReadOnlyLog.TornTail t = log.tornTail();
                if (t != null) {
                    problem("torn tail: " + t.bytes() + " bytes at position " + t.position() + " of " + t.file()
                            + " (offset " + t.offset() + "): " + t.reason(), true);
                }
            }
            if (problems == before) {
                out.println("    OK");
            }
        }
    }

    private static int countCommands(byte[] bytes) {
        int p = 0;
        int n = 0;
        try {
            while (p < bytes.length) {
                RespCommands.Parsed c = RespCommands.parse(bytes, p, bytes.length);
                if (c == null) {
                    return -1;
                }
                p += c.length();
                n++;
            }
        } catch (MalformedCommandException e) {
            return -1;
        }
        return n;
    }

    private void checkOrphanIndexes(Path logDir) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(logDir, "*.idx")) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (!Files.exists(logDir.resolve(name.substring(0, name.length() - 4) + ".log"))) {
                    problem("index " + p + " has no segment file", true);
                }
            }
        }
    }

    private boolean checkRdb(Path f) {
        try {
            RdbLoad load = RdbReader.read(f, RdbReader.Options.defaults(io.relog.tools.state.Replay.DATABASES));
            out.println("  " + f + ": RDB version " + load.version() + ", " + load.keys() + " keys"
                    + (load.replOffset() >= 0 ? ", repl-offset " + load.replOffset() : "") + ": OK");
            for (String w : load.warnings()) {
                out.println("    note: " + w);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            out.println("  " + f + ":");
            problem("snapshot " + f + " does not load: " + e.getMessage(), false);
            return false;
        }
    }

    private void checkHistory(Path dataDir, long logEnd) {
        try {
            List<ReplicationHistory.Entry> entries = ReplicationHistory.read(dataDir);
            for (ReplicationHistory.Entry e : entries) {
                out.println("  " + e.replid() + " from offset " + e.startOffset());
                if (e.startOffset() > logEnd) {
                    problem("replication ID " + e.replid() + " starts at offset " + e.startOffset()
                            + ", past the log end " + logEnd, false);
                }
            }
            if (entries.isEmpty()) {
                out.println("  (no entries)");
            }
        } catch (IOException e) {
            problem(e.getMessage(), false);
        }
    }

    /** Runs the server's recovery on the log (strict: never past corruption) and prints what it changed. */
    private void repairLog(DataDirectory data) throws IOException {
        out.println("Repairing " + data.logDir());
        try (CommandLog log = CommandLog.open(data.logDir(), new LogOptions(LogOptions.MAX_SEGMENT_BYTES, 0, false))) {
            for (String w : log.recovery().warnings()) {
                out.println("  " + w);
            }
            out.println("  The log now ends at offset " + log.endOffset() + " (" + log.recovery().bytesTruncated()
                    + " bytes dropped, " + log.recovery().entriesRebuilt() + " index entries rebuilt)");
        }
    }
}
