package io.relog.tools.state;

import io.relog.log.BatchEntry;
import io.relog.log.ReadOnlyLog;
import io.relog.snapshot.SnapshotFiles;
import io.relog.snapshot.rdb.RdbLoad;
import io.relog.tools.text.Repr;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.List;

/**
 * Builds the data set as it was at a point of the log: the newest snapshot at or before the
 * point, then the log from the snapshot's offset up to the point, transactions whole.
 *
 * <p><b>The point.</b> "At offset {@code n}" means every command that ends at or before
 * {@code n} and nothing after; a point inside a command or inside a {@code MULTI … EXEC} stops
 * before it (a transaction is never half applied). "At time {@code t}" means every batch
 * appended at or before {@code t}: the point is the first batch appended after {@code t}.
 *
 * <p><b>What is retained.</b> The earliest point that can be built is the log start when the log
 * starts at offset 0 (an empty data set before it), else the oldest snapshot the log still
 * continues; the latest is the log end. A point outside is refused ({@link Refused}) with that
 * range in the message, never approximated.
 */
public final class PointInTime {

    /** The point is outside what the directory retains; the message names the retained range. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    /**
     * A built data set.
     *
     * @param replay          the data set
     * @param offset          the log offset it is at (every command below applied, none after)
     * @param requestedOffset the point asked for (as an offset)
     * @param base            the snapshot it started from, or {@code null} (empty, log from offset 0)
     * @param baseKeys        keys in the base snapshot
     * @param bytesReplayed   log bytes replayed
     * @param nanos           time the replay of the log took
     * @param notes           what a user should know: a stop before a transaction, a snapshot skipped
     */
    public record Result(Replay replay, long offset, long requestedOffset, SnapshotFiles.Snapshot base, long baseKeys,
            long bytesReplayed, long nanos, List<String> notes) {
    }

    private PointInTime() {
    }

    /** The earliest offset the directory can build the data set at, or -1 if none. */
    public static long earliestOffset(ReadOnlyLog log, List<SnapshotFiles.Snapshot> snapshots) {
        if (log.startOffset() == 0) {
            return 0;
        }
        for (SnapshotFiles.Snapshot s : snapshots) {
            if (s.offset() >= log.startOffset() && s.offset() <= log.endOffset()) {
                return s.offset();
            }
        }
        return -1;
    }

    /** The retained range in words, for messages. */
    public static String retainedRange(ReadOnlyLog log, List<SnapshotFiles.Snapshot> snapshots) {
        long earliest = earliestOffset(log, snapshots);
        if (earliest < 0) {
            return "nothing: the log starts at offset " + log.startOffset() + " and no snapshot holds the data below it";
        }
        long earliestTime = earliestTime(log, earliest);
        BatchEntry last = log.endOffset() > log.startOffset() ? log.batchAt(log.endOffset() - 1) : null;
        return "offsets " + earliest + " to " + log.endOffset() + ", times "
                + (earliestTime == Long.MIN_VALUE ? "from the beginning" : Repr.time(earliestTime)) + " to "
                + (last == null ? "(no writes in the log)" : Repr.time(last.timestampMs()));
    }

    /**
     * The earliest time the data set can be built at: none when the log starts at offset 0; else
     * the time of the last batch before the earliest offset, or (when that batch is gone) of the
     * first batch retained, which is later than needed but never wrong.
     */
    private static long earliestTime(ReadOnlyLog log, long earliest) {
        if (earliest == 0) {
            return Long.MIN_VALUE;
        }
        BatchEntry before = earliest > log.startOffset() ? log.batchAt(earliest - 1) : null;
        if (before != null) {
            return before.timestampMs();
        }
        BatchEntry at = log.batchAt(earliest);
        return at == null ? Long.MIN_VALUE : at.timestampMs();
    }

    /**
     * The offset for "as of time {@code unixMs}": just past every batch appended at or before it.
     *
     * @throws Refused if that time is before the earliest the directory can build
     */
    public static long offsetForTime(ReadOnlyLog log, List<SnapshotFiles.Snapshot> snapshots, long unixMs) throws Refused {
        long earliest = earliestOffset(log, snapshots);
        if (earliest < 0) {
            throw new Refused("Cannot restore to " + Repr.time(unixMs) + ": the retained range is "
                    + retainedRange(log, snapshots));
        }
        long t = earliestTime(log, earliest);
        long offset = unixMs == Long.MAX_VALUE ? log.endOffset() : log.offsetForTimestamp(unixMs + 1);
        if (unixMs < t || offset < earliest) {
            throw new Refused("Cannot restore to " + Repr.time(unixMs) + ": it is before what is retained; the retained range is "
                    + retainedRange(log, snapshots));
        }
        return offset;
    }

    /**
     * Builds the data set at log offset {@code point}, reporting progress on {@code progressOut}
     * ({@code null}: silent).
     *
     * @throws Refused if the point is outside the retained range
     */
    public static Result build(ReadOnlyLog log, List<SnapshotFiles.Snapshot> snapshots, long point,
            PrintStream progressOut) throws IOException, Refused {
        long earliest = earliestOffset(log, snapshots);
        if (earliest < 0 || point < earliest || point > log.endOffset()) {
            throw new Refused("Cannot restore to offset " + point + ": the retained range is "
                    + retainedRange(log, snapshots));
        }
        List<String> notes = new java.util.ArrayList<>();
        Replay replay = new Replay();
        SnapshotFiles.Snapshot base = null;
        long baseKeys = 0;
        for (int i = snapshots.size() - 1; i >= 0 && base == null; i--) {
            SnapshotFiles.Snapshot s = snapshots.get(i);
            if (s.offset() > point || s.offset() < log.startOffset() && s.offset() != point) {
                continue;
            }
            try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(s.path()), 1 << 16)) {
                RdbLoad load = replay.loadRdb(in, Files.size(s.path()));
                base = s;
                baseKeys = load.keys();
            } catch (IOException e) {
                notes.add("Snapshot " + s.path() + " cannot be loaded (" + e.getMessage() + "); using an older starting point");
                replay = new Replay();
            }
        }
        long from = base == null ? 0 : base.offset();
        if (base == null && log.startOffset() > 0) {
            throw new Refused("Cannot restore to offset " + point + ": no loadable snapshot at or before it, and the log starts at "
                    + log.startOffset() + "; the retained range is " + retainedRange(log, snapshots));
        }
        long start = System.nanoTime();
        long next;
        Replay r = replay;
        if (point > from) {
            try (Progress progress = progressOut == null ? null : Progress.start("restore", point - from, progressOut)) {
                next = log.scan(from, point, c -> {
                    r.apply(c);
                    if (progress != null) {
                        progress.update(c.nextOffset() - from);
                    }
                    return true;
                });
            }
        } else {
            next = from;
        }
        long nanos = System.nanoTime() - start;
        long at = next;
        if (replay.openTransactionOffset() >= 0) {
            at = replay.openTransactionOffset();
            notes.add("Offset " + point + " falls inside the transaction (MULTI ... EXEC) that starts at offset " + at
                    + ": restored to just before it");
            replay.discardOpenTransaction();
        } else if (next < point) {
            notes.add("Offset " + point + " falls inside the command at offset " + next + ": restored to just before it");
        }
        if (replay.errors() > 0) {
            notes.add(replay.errors() + " replayed commands replied with an error, as they did when first run; first: "
                    + replay.errorSamples().get(0));
        }
        return new Result(replay, at, point, base, baseKeys, next - from, nanos, notes);
    }
}
