package io.relog.tools;

import io.relog.log.ReadOnlyLog;
import io.relog.snapshot.SnapshotFiles;
import io.relog.tools.aof.AofWriter;
import io.relog.tools.state.DataDirectory;
import io.relog.tools.state.PointInTime;
import io.relog.tools.state.StateOutput;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code relog export}: the current data set as a Redis RDB file or a single AOF file. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {
            "Writes the data set at the end of the log (latest snapshot plus the log after it) for Redis:",
            "  rdb  an RDB file: copy it to redis-server's dir as dump.rdb",
            "  aof  one AOF file of plain commands: copy it to redis-server's dir as appendonly.aof and start",
            "       it with --appendonly yes (Redis 7 turns it into its appendonlydir)",
            "Read-only on --dir: safe while the server runs (it exports what is in the log then).",
            "",
            "Example: relog export --dir /var/lib/relog --format rdb --out /var/lib/redis/dump.rdb"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:exported", "1:the data could not be read or written", "2:usage error"})
public final class ExportCommand implements java.util.concurrent.Callable<Integer> {

    enum Format { rdb, aof }

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "<data dir>", description = "Relog data directory")
    Path dir;

    @Option(names = "--format", required = true, paramLabel = "rdb|aof", description = "rdb or aof")
    Format format;

    @Option(names = "--out", required = true, paramLabel = "<file>", description = "file to write (replaced if it exists)")
    Path out;

    @Override
    public Integer call() throws Exception {
        return ToolFailure.guard(spec, this::run);
    }

    private Integer run() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        DataDirectory data = DataDirectory.open(dir);
        List<SnapshotFiles.Snapshot> snapshots = data.snapshots();
        try (ReadOnlyLog log = data.openLog()) {
            PointInTime.Result r = PointInTime.build(log, snapshots, log.endOffset(), System.err);
            for (String note : r.notes()) {
                o.println("Note: " + note);
            }
            RestoreCommand.report(o, r);
            long bytes = format == Format.rdb ? StateOutput.writeRdb(r.replay(), out) : AofWriter.write(r.replay(), out);
            o.println("Wrote " + out + " (" + format + ", " + r.replay().keys() + " keys, " + bytes + " bytes)");
            return 0;
        } catch (PointInTime.Refused e) {
            spec.commandLine().getErr().println("relog export: " + e.getMessage());
            return 1;
        }
    }
}
