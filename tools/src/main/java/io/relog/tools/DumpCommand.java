package io.relog.tools;

import io.relog.engine.keyspace.Database;
import io.relog.engine.types.CountedTree;
import io.relog.engine.types.HashValue;
import io.relog.engine.types.ListValue;
import io.relog.engine.types.SetValue;
import io.relog.engine.types.ZSetValue;
import io.relog.log.BatchEntry;
import io.relog.log.ReadOnlyLog;
import io.relog.snapshot.rdb.RdbLoad;
import io.relog.snapshot.rdb.RdbReader;
import io.relog.tools.aof.AofReader;
import io.relog.tools.state.DataDirectory;
import io.relog.tools.state.Replay;
import io.relog.tools.text.Repr;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code relog dump}: batches of the log and contents of RDB files, readably. */
@Command(name = "dump", mixinStandardHelpOptions = true,
        description = {
            "Prints the log's batches (offset, time, database, command count, flags, then each command with its",
            "offset) of a data directory or of single segment files, and the contents of RDB files (aux fields,",
            "then every key with its type, value and expiry, sorted by key). Bytes print as redis-cli prints them:",
            "quoted, with non-printable bytes escaped (\\n, \\xff, ...). Read-only.",
            "",
            "Examples: relog dump --dir /var/lib/relog --from 1000 --to 2000",
            "          relog dump /var/lib/relog/snapshots/00000000000000001234.rdb"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:printed", "1:a file could not be read (corrupt: the message says where)", "2:usage error"})
public final class DumpCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "<data dir>", description = "dump the log of this data directory")
    Path dir;

    @Option(names = "--from", paramLabel = "<offset>", description = "first log offset (batches that end after it)")
    long from = -1;

    @Option(names = "--to", paramLabel = "<offset>", description = "log offset to stop at (batches that start before it)")
    long to = -1;

    @Option(names = "--batches-only", description = "print batch lines without their commands")
    boolean batchesOnly;

    @Parameters(paramLabel = "<file>", arity = "0..*", description = "<offset>.log segment files and .rdb files")
    List<Path> files = new ArrayList<>();

    private PrintWriter out;

    @Override
    public Integer call() throws Exception {
        return ToolFailure.guard(spec, this::run);
    }

    private Integer run() throws Exception {
        out = spec.commandLine().getOut();
        if (dir == null && files.isEmpty()) {
            spec.commandLine().getErr().println("relog dump: give --dir <data dir> or files to dump");
            spec.commandLine().usage(spec.commandLine().getErr());
            return 2;
        }
        if (dir != null) {
            try (ReadOnlyLog log = DataDirectory.open(dir).openLog()) {
                dumpLog(log);
            }
        }
        for (Path f : files) {
            String name = f.getFileName().toString();
            if (ReadOnlyLog.isSegmentName(name)) {
                try (ReadOnlyLog log = ReadOnlyLog.openSegment(f)) {
                    dumpLog(log);
                }
            } else if (Files.isRegularFile(f) && AofReader.startsWithRdb(f)) {
                dumpRdb(f);
            } else {
                spec.commandLine().getErr().println("relog dump: " + f + " is neither a segment (<offset>.log) nor an RDB file");
                return 1;
            }
        }
        out.flush();
        return 0;
    }

    private void dumpLog(ReadOnlyLog log) throws IOException {
        out.println("# log " + log.dir() + ": offsets " + log.startOffset() + " to " + log.endOffset());
        long lo = Math.max(from, log.startOffset());
        long hi = to < 0 ? log.endOffset() : Math.min(to, log.endOffset());
        for (ReadOnlyLog.Segment s : log.segments()) {
            if (s.endOffset() <= lo || s.baseOffset() >= hi) {
                continue;
            }
            out.println("# segment " + s.logFile().getFileName() + ": offsets " + s.baseOffset() + " to " + s.endOffset()
                    + ", " + s.batches() + " batches (" + s.indexedBatches() + " indexed)");
            for (BatchEntry b : log.batches(s.baseOffset())) {
                if (b.endOffset() <= lo || b.offset() >= hi) {
                    continue;
                }
                out.println("batch offset=" + b.offset() + " length=" + b.length() + " time=" + Repr.time(b.timestampMs())
                        + " db=" + b.db() + " commands=" + b.commands() + " flags=" + flags(b.flags()) + " crc="
                        + String.format("%08x", b.crc()));
                if (!batchesOnly) {
                    log.scan(b.offset(), b.endOffset(), c -> {
                        out.println("  " + c.offset() + (c.inTransaction() ? " tx" : "") + " " + Repr.command(c.argv()));
                        return true;
                    });
                }
            }
        }
        ReadOnlyLog.TornTail t = log.tornTail();
        if (t != null && hi == log.endOffset()) {
            out.println("# torn tail: " + t.bytes() + " bytes at position " + t.position() + " of " + t.file() + " (offset "
                    + t.offset() + "): " + t.reason());
        }
    }

    private static String flags(int flags) {
        List<String> f = new ArrayList<>();
        if ((flags & BatchEntry.TRANSACTION) != 0) {
            f.add("transaction");
        }
        if ((flags & BatchEntry.REBUILT) != 0) {
            f.add("rebuilt");
        }
        return f.isEmpty() ? "-" : String.join(",", f);
    }

    private void dumpRdb(Path f) throws IOException {
        RdbLoad load = RdbReader.read(f, RdbReader.Options.defaults(Replay.DATABASES));
        out.println("# rdb " + f + ": version " + load.version() + ", " + load.keys() + " keys");
        for (Map.Entry<String, byte[]> e : load.aux().entrySet()) {
            out.println("aux " + e.getKey() + " " + Repr.quote(e.getValue()));
        }
        for (byte[] fn : load.functions()) {
            out.println("function " + Repr.quote(fn));
        }
        for (String w : load.warnings()) {
            out.println("# note: " + w);
        }
        for (Database db : load.databases()) {
            if (db == null || db.size() == 0) {
                continue;
            }
            out.println("db " + db.index() + ": " + db.size() + " keys");
            List<byte[]> keys = new ArrayList<>(db.size());
            db.keys().forEach((k, v) -> keys.add(k));
            keys.sort(Arrays::compareUnsigned);
            for (byte[] k : keys) {
                Object v = db.peek(k);
                long when = db.expireAt(k);
                out.println(type(v) + " " + Repr.quote(k) + " " + value(v) + (when >= 0 ? " expires=" + Repr.time(when) : ""));
            }
        }
    }

    private static String type(Object v) {
        if (v instanceof byte[]) {
            return "string";
        } else if (v instanceof ListValue) {
            return "list";
        } else if (v instanceof SetValue) {
            return "set";
        } else if (v instanceof HashValue) {
            return "hash";
        } else if (v instanceof ZSetValue) {
            return "zset";
        }
        return v.getClass().getSimpleName();
    }

    private static String value(Object v) {
        StringBuilder sb = new StringBuilder();
        if (v instanceof byte[] s) {
            Repr.append(sb, s);
        } else if (v instanceof ListValue l) {
            sb.append('[');
            for (CountedTree.Cursor c = l.items().cursor(0); c.hasNext(); ) {
                Repr.append(sb.length() > 1 ? sb.append(", ") : sb, (byte[]) c.next());
            }
            sb.append(']');
        } else if (v instanceof SetValue s) {
            List<byte[]> m = new ArrayList<>();
            s.forEachMember(m::add);
            m.sort(Arrays::compareUnsigned);
            sb.append('{');
            for (byte[] x : m) {
                Repr.append(sb.length() > 1 ? sb.append(", ") : sb, x);
            }
            sb.append('}');
        } else if (v instanceof HashValue h) {
            List<byte[][]> m = new ArrayList<>();
            h.forEach((f, x) -> m.add(new byte[][] {f, x}));
            m.sort((a, b) -> Arrays.compareUnsigned(a[0], b[0]));
            sb.append('{');
            for (byte[][] x : m) {
                Repr.append(sb.length() > 1 ? sb.append(", ") : sb, x[0]).append(": ");
                Repr.append(sb, x[1]);
            }
            sb.append('}');
        } else if (v instanceof ZSetValue z) {
            sb.append('[');
            for (CountedTree.Cursor c = z.order().cursor(0); c.hasNext(); ) {
                ZSetValue.Entry e = (ZSetValue.Entry) c.next();
                (sb.length() > 1 ? sb.append(", ") : sb).append(io.relog.tools.aof.AofWriter.scoreText(e.score())).append(' ');
                Repr.append(sb, e.member());
            }
            sb.append(']');
        } else {
            sb.append(new String(String.valueOf(v).getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
        }
        return sb.toString();
    }
}
