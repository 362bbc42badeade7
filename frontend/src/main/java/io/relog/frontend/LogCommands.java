package io.relog.frontend;

import static io.relog.frontend.SpecBuilder.command;

import io.relog.engine.Engine;
import io.relog.engine.Session;
import io.relog.engine.command.Args;
import io.relog.engine.command.CommandSpec;
import io.relog.engine.command.Reply;
import io.relog.frontend.config.RelogVersion;
import io.relog.log.CommandLog;
import io.relog.log.ReplicationHistory;
import io.relog.snapshot.SnapshotFiles;
import java.io.IOException;
import java.util.List;

/**
 * {@code RELOG.LOG}: what the command log holds, for operators and change-feed tools.
 *
 * <ul>
 *   <li>{@code RELOG.LOG INFO}: start, end and synced offsets, the segments (base offset, end,
 *       bytes, batches, first and last append time), the roll and retention settings, the
 *       replication history with the range each ID covers, and the retained snapshots. A map in
 *       RESP3, a flat array of name/value pairs in RESP2 (as {@code XINFO} does).</li>
 *   <li>{@code RELOG.LOG OFFSET <unix-ms>}: the log offset of the first batch appended at or after
 *       that time, or the end offset when every retained batch is older — what a change-feed
 *       reader asks to start "from a time".</li>
 *   <li>{@code RELOG.LOG HELP}.</li>
 * </ul>
 *
 * <p>Offsets are log offsets: Redis' replication offsets ({@code master_repl_offset} is the end
 * offset), not PSYNC's 1-based "next byte". Engine thread.
 */
final class LogCommands {

    private final ServerState state;

    LogCommands(ServerState state) {
        this.state = state;
    }

    List<CommandSpec> specs() {
        String since = RelogVersion.VERSION;
        List<CommandSpec> subs = List.of(
                command("relog.log|info", 2, "loading stale", "slow", "server", since,
                        "Returns the command log's offsets, segments, retention settings, replication history and "
                                + "snapshots.", this::info),
                command("relog.log|offset", 3, "loading stale", "slow", "server", since,
                        "Returns the log offset of the first batch appended at or after a Unix time in milliseconds.",
                        this::offset),
                command("relog.log|help", 2, "loading stale", "slow", "server", since,
                        "Returns helpful text about the different subcommands.", this::help));
        return List.of(SpecBuilder.container("relog.log", "server", since,
                "A container for commands about Relog's command log.", subs));
    }

    private void help(Engine e, Session s, byte[][] a, Reply r) {
        String[] lines = {
            "RELOG.LOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "INFO",
            "    Return the log's start, end and synced offsets, segments, retention settings,",
            "    replication history (with the offsets each ID covers) and snapshots.",
            "OFFSET <unix-time-milliseconds>",
            "    Return the offset of the first batch appended at or after that time (the end",
            "    offset if all retained batches are older).",
            "HELP",
            "    Print this help.",
        };
        r.array(lines.length);
        for (String l : lines) {
            r.simple(l);
        }
    }

    private void offset(Engine e, Session s, byte[][] a, Reply r) {
        if (!Args.isLong(a[2])) {
            r.error("ERR value is not an integer or out of range");
            return;
        }
        long ms = Args.parseLong(a[2]);
        if (ms < 0) {
            r.error("ERR timestamp must be a Unix time in milliseconds, not negative");
            return;
        }
        try {
            r.integer(state.writer.commandLog().offsetForTimestamp(ms));
        } catch (IOException ex) {
            r.error("ERR cannot read the log index: " + ex.getMessage());
        }
    }

    private void info(Engine e, Session s, byte[][] a, Reply r) {
        CommandLog cl = state.writer.commandLog();
        List<SnapshotFiles.Snapshot> snapshots;
        try {
            snapshots = new SnapshotFiles(state.config().dir()).list();
        } catch (IOException ex) {
            r.error("ERR cannot list the snapshots: " + ex.getMessage());
            return;
        }
        List<CommandLog.SegmentInfo> segments = cl.segments();
        long end = cl.endOffset();
        var c = state.config();
        r.map(14);
        r.bulk("start-offset");
        r.integer(cl.startOffset());
        r.bulk("end-offset");
        r.integer(end);
        r.bulk("synced-offset");
        r.integer(cl.syncedOffset());
        r.bulk("bytes");
        r.integer(cl.sizeInBytes());
        r.bulk("first-timestamp");
        r.integer(segments.isEmpty() ? -1 : segments.get(0).firstTimestampMs());
        r.bulk("last-timestamp");
        long last = -1;
        for (CommandLog.SegmentInfo si : segments) {
            if (si.lastTimestampMs() >= 0) {
                last = si.lastTimestampMs();
            }
        }
        r.integer(last);
        r.bulk("log-segment-bytes");
        r.integer(Long.parseLong(c.get("log-segment-bytes")));
        r.bulk("log-segment-ms");
        r.integer(Long.parseLong(c.get("log-segment-ms")));
        r.bulk("log-retention-hours");
        r.integer(c.logRetentionHours());
        r.bulk("log-retention-bytes");
        r.integer(c.logRetentionBytes());
        r.bulk("segments");
        r.array(segments.size());
        for (CommandLog.SegmentInfo si : segments) {
            r.map(6);
            r.bulk("base-offset");
            r.integer(si.baseOffset());
            r.bulk("end-offset");
            r.integer(si.endOffset());
            r.bulk("bytes");
            r.integer(si.bytes());
            r.bulk("batches");
            r.integer(si.batches());
            r.bulk("first-timestamp");
            r.integer(si.firstTimestampMs());
            r.bulk("last-timestamp");
            r.integer(si.lastTimestampMs());
        }
        r.bulk("replication-history");
        List<ReplicationHistory.Entry> history = state.history.entries();
        r.array(history.size());
        for (ReplicationHistory.Entry h : history) {
            long[] range = state.history.rangeOf(h.replid(), end);
            r.map(3);
            r.bulk("replid");
            r.bulk(h.replid());
            r.bulk("start-offset");
            r.integer(range == null ? h.startOffset() : range[0]);
            r.bulk("end-offset");
            r.integer(range == null ? end : range[1]);
        }
        r.bulk("snapshots");
        r.array(snapshots.size());
        for (SnapshotFiles.Snapshot sn : snapshots) {
            r.map(3);
            r.bulk("offset");
            r.integer(sn.offset());
            r.bulk("file");
            r.bulk(sn.path().getFileName().toString());
            r.bulk("bytes");
            r.integer(sn.size());
        }
        r.bulk("cdc-readers");
        r.integer(state.replication.cdcLinks().stream().filter(l -> !l.isClosed()).count());
    }
}
