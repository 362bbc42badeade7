package io.relog.frontend.persistence;

import io.relog.engine.Engine;
import io.relog.engine.Session;
import io.relog.log.CommandLog;
import io.relog.log.resp.RespCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays the recovered log into an empty engine at start, as Redis loads its AOF: every command
 * is executed by a client of its own, in order, so the data set is what it was when the last
 * surviving batch was written. Replication plumbing ({@code PING}, {@code REPLCONF}) is skipped;
 * {@code SELECT}, {@code MULTI} and {@code EXEC} act as they did (recovery keeps transactions
 * whole). Runs on the thread that starts the server, before the engine thread does.
 */
public final class LogReplay {

    private static final Logger log = LoggerFactory.getLogger(LogReplay.class);
    private static final long PROGRESS_EVERY_NANOS = 3_000_000_000L;

    private LogReplay() {
    }

    /**
     * What a replay did.
     *
     * @param commands the commands executed
     * @param streamDb the database the stream has selected at the log's end (a replica's master
     *                 stream continues there after a restart)
     */
    public record Replayed(long commands, int streamDb) {
    }

    /**
     * Replays the log from {@code from} (the restored snapshot's offset, or the log start), where
     * the stream has database {@code streamDb} selected, to its end.
     */
    public static Replayed replay(CommandLog commandLog, Engine engine, LogWriter writer, long from, int streamDb)
            throws IOException {
        long end = commandLog.writtenOffset();
        if (end == from) {
            return new Replayed(0, streamDb);
        }
        long startNanos = System.nanoTime();
        Session session = new Session(-1);
        session.select(streamDb); // the stream's database at the starting offset
        // Obeyed like a master's stream: the log is what happened, so nothing in it is refused
        // (OOM, MISCONF) and nothing is evicted while it replays (evictions are in it as DELs).
        session.master(true);
        io.relog.engine.command.DiscardedReply reply = new io.relog.engine.command.DiscardedReply();
        long[] counts = new long[2]; // commands, errors
        long[] nextProgress = {startNanos + PROGRESS_EVERY_NANOS};
        writer.replaying(true);
        try {
            commandLog.scan(from, (argv, offset, length) -> {
                if (RespCommands.is(argv[0], "ping") || RespCommands.is(argv[0], "replconf")) {
                    return;
                }
                reply.clearError();
                engine.execute(session, argv, reply);
                counts[0]++;
                if (reply.lastError() != null) {
                    counts[1]++;
                    if (counts[1] <= 10) {
                        log.warn("Replaying the log: '{}' at offset {} failed: {}",
                                new String(argv[0], StandardCharsets.UTF_8), offset, reply.lastError());
                    }
                }
                long now = System.nanoTime();
                if (now - nextProgress[0] >= 0) {
                    nextProgress[0] = now + PROGRESS_EVERY_NANOS;
                    log.info("Replaying the log: {}% ({} of {} bytes, {} commands)",
                            (offset - from) * 100 / (end - from), offset - from, end - from, counts[0]);
                }
            });
        } finally {
            writer.replaying(false);
        }
        // As after Redis loads its AOF: replayed writes are neither changes since the last save nor
        // commands clients sent.
        engine.resetDirty();
        engine.resetStats();
        if (session.inTransaction()) {
            engine.discardTransaction(session);
            log.warn("Replaying the log: it ends inside MULTI; the open transaction was discarded");
        }
        double secs = (System.nanoTime() - startNanos) / 1e9;
        log.info("DB loaded from the log: {} commands, {} bytes in {} seconds{}", counts[0], end - from,
                String.format(java.util.Locale.ROOT, "%.3f", secs),
                counts[1] > 0 ? " (" + counts[1] + " commands failed)" : "");
        return new Replayed(counts[0], session.db());
    }
}
