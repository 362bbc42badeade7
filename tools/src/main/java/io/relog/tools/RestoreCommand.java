package io.relog.tools;

import io.relog.log.ReadOnlyLog;
import io.relog.snapshot.SnapshotFiles;
import io.relog.tools.state.DataDirectory;
import io.relog.tools.state.PointInTime;
import io.relog.tools.state.StateOutput;
import io.relog.tools.text.Repr;
import io.relog.tools.text.TimeArgument;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code relog restore}: the data set as of a time or an offset, as an RDB file or a new data directory. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {
            "Builds the data set as it was at a point in time or at a log offset, from the newest snapshot at or before",
            "it plus the log up to it (transactions whole: a point inside MULTI ... EXEC stops before it), and writes it",
            "as an RDB file (loadable by Relog and redis-server 6.2 to 7.4) or as a new Relog data directory.",
            "Read-only on --dir: safe while the server runs. Refuses a point outside what is retained (exit 1).",
            "",
            "Example: relog restore --dir /var/lib/relog --to-time 2026-11-21T20:49:43Z --out /tmp/before.rdb"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:restored", "1:the point is not retained, or the data could not be read or written",
            "2:usage error"})
public final class RestoreCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "<data dir>", description = "Relog data directory to restore from")
    Path dir;

    static final class Point {
        @Option(names = "--to-time", paramLabel = "<time>",
                description = "ISO-8601 time (UTC unless it has an offset) or Unix milliseconds: every write appended at or before it")
        String time;

        @Option(names = "--to-offset", paramLabel = "<offset>",
                description = "log offset (master_repl_offset): every command ending at or before it")
        Long offset;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Point point;

    static final class Target {
        @Option(names = "--out", paramLabel = "<file.rdb>", description = "write an RDB file")
        Path rdb;

        @Option(names = "--out-dir", paramLabel = "<dir>",
                description = "write a new Relog data directory (must be missing or empty); start the server with --dir on it")
        Path dataDir;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Override
    public Integer call() throws Exception {
        return ToolFailure.guard(spec, this::run);
    }

    private Integer run() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DataDirectory data = DataDirectory.open(dir);
        List<SnapshotFiles.Snapshot> snapshots = data.snapshots();
        try (ReadOnlyLog log = data.openLog()) {
            long offset;
            if (point.time != null) {
                long t;
                try {
                    t = TimeArgument.parseMillis(point.time);
                } catch (IllegalArgumentException e) {
                    err.println("relog restore: --to-time " + e.getMessage());
                    return 2;
                }
                offset = PointInTime.offsetForTime(log, snapshots, t);
                out.println("Restoring to " + Repr.time(t) + " (log offset " + offset + ")");
                io.relog.log.BatchEntry last = log.endOffset() > log.startOffset() ? log.batchAt(log.endOffset() - 1) : null;
                if (last != null && t > last.timestampMs()) {
                    out.println("Note: the log's last write was appended at " + Repr.time(last.timestampMs())
                            + "; the data set is as of then (later writes, if any, are not in the log yet)");
                }
            } else {
                offset = point.offset;
                out.println("Restoring to log offset " + offset);
            }
            out.flush();
            PointInTime.Result r = PointInTime.build(log, snapshots, offset, System.err);
            for (String note : r.notes()) {
                out.println("Note: " + note);
            }
            report(out, r);
            if (target.rdb != null) {
                long bytes = StateOutput.writeRdb(r.replay(), target.rdb);
                out.println("Wrote " + target.rdb + " (" + r.replay().keys() + " keys, " + bytes + " bytes)");
            } else {
                SnapshotFiles.Snapshot s = StateOutput.writeDataDir(r.replay(), target.dataDir, r.offset());
                out.println("Wrote data directory " + target.dataDir + " (" + r.replay().keys() + " keys in snapshot "
                        + s.path().getFileName() + ", log continues at offset " + r.offset() + ")");
            }
            return 0;
        } catch (PointInTime.Refused e) {
            err.println("relog restore: " + e.getMessage());
            return 1;
        }
    }

    static void report(PrintWriter out, PointInTime.Result r) {
        double secs = r.nanos() / 1e9;
        out.println(String.format(Locale.ROOT, "Data set at offset %d: %s + %d bytes of log (%d commands) replayed in %.3f s%s",
                r.offset(), r.base() == null ? "empty start" : "snapshot " + r.base().path().getFileName() + " ("
                        + r.baseKeys() + " keys)", r.bytesReplayed(), r.replay().commands(), secs,
                secs > 0 && r.bytesReplayed() > 0
                        ? String.format(Locale.ROOT, ", %.1f MB/s", r.bytesReplayed() / secs / (1024 * 1024)) : ""));
    }
}
