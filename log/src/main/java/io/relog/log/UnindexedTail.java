package io.relog.log;

import io.relog.log.resp.MalformedCommandException;
import io.relog.log.resp.RespCommands;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The bytes of a segment's {@code .log} past its last index entry, parsed into units as recovery
 * re-indexes them: one entry ({@link BatchEntry#REBUILT}) per command, or per whole
 * {@code MULTI … EXEC} (a transaction is a unit, so it is kept whole or dropped whole), up to the
 * first thing that is not a whole unit — an incomplete or unreadable command, an unfinished
 * transaction. {@link LogRecovery} indexes the units and cuts what follows; {@link ReadOnlyLog}
 * shows the units and stops its view before what follows. One parser for both, so a tool's view
 * ends where recovery would cut.
 *
 * <p>The tail is read in chunks (1 MiB, more when one unit is larger), so its size is not bound by
 * an array's.
 */
final class UnindexedTail {

    /** Reads a segment's {@code .log} at a file position, as {@link java.nio.channels.FileChannel#read(ByteBuffer, long)}. */
    @FunctionalInterface
    interface Source {
        int read(ByteBuffer dst, long position) throws IOException;
    }

    /** How the parse treats the two places where its callers differ. */
    enum Rules {
        /**
         * Recovery's: trailing zeros were dropped beforehand ({@code dropTrailingZeros}), so a zero
         * byte is an unreadable command; only {@code EXEC} ends a transaction.
         */
        RECOVERY(false, false),
        /**
         * The read-only view's: it sees a running server's files, so a zero byte where a command
         * starts ends the parse as zero-filled space ("zero bytes at position …"); {@code EXEC} or
         * {@code DISCARD} ends a transaction.
         */
        READ_ONLY_VIEW(true, true);

        final boolean zeroFillEnds;
        final boolean discardEndsTransaction;

        Rules(boolean zeroFillEnds, boolean discardEndsTransaction) {
            this.zeroFillEnds = zeroFillEnds;
            this.discardEndsTransaction = discardEndsTransaction;
        }
    }

    private final List<BatchEntry> units;
    private final long end;
    private final int dbAtEnd;
    private final String problem;

    private UnindexedTail(List<BatchEntry> units, long end, int dbAtEnd, String problem) {
        this.units = units;
        this.end = end;
        this.dbAtEnd = dbAtEnd;
        this.problem = problem;
    }

    /** The whole units, in order, each a {@link BatchEntry#REBUILT} entry (with {@link BatchEntry#TRANSACTION} for a transaction). */
    List<BatchEntry> units() {
        return units;
    }

    /** Log offset just past the last whole unit ({@code from} when there is none). */
    long end() {
        return end;
    }

    /** The database the stream has selected after the last whole unit (the given one when there is none). */
    int dbAtEnd() {
        return dbAtEnd;
    }

    /**
     * Why the parse stopped before the end of the file ("incomplete command", "MULTI without
     * EXEC", "unreadable command (…) at position p", "zero bytes at position p"), or {@code null} if
     * the bytes up to the end are whole units (or the file became shorter than {@code size} while
     * read: what was whole counts).
     */
    String problem() {
        return problem;
    }

    /**
     * Parses the file positions from {@code from - base} to {@code size} of the segment based at
     * log offset {@code base}.
     *
     * @param from        log offset where the tail starts (a unit boundary: the end of the last entry)
     * @param size        file position where the data ends (the file's size)
     * @param db          the database the stream has selected at {@code from} (-1: none yet)
     * @param timestampMs the time every unit is given (an estimate: the entries' times are lost)
     */
    static UnindexedTail parse(Source source, long base, long from, long size, int db, long timestampMs,
            Rules rules) throws IOException {
        List<BatchEntry> units = new ArrayList<>();
        long end = from;
        int dbAtEnd = db;
        byte[] chunk = new byte[(int) Math.min(Math.max(size - (from - base), 1), 1 << 20)];
        long chunkPos = from - base; // file position of chunk[0]
        int have = 0;
        int p = 0; // parse position in chunk
        int unitStart = 0;
        int unitDb = db;
        int unitCommands = 0;
        boolean inMulti = false;
        String problem = null;
        while (true) {
            RespCommands.Parsed c;
            boolean zero = rules.zeroFillEnds && p < have && chunk[p] == 0;
            try {
                c = zero ? null : RespCommands.parse(chunk, p, have);
            } catch (MalformedCommandException e) {
                problem = "unreadable command (" + e.getMessage() + ") at position " + (chunkPos + p + e.position());
                break;
            }
            if (c == null) {
                if (zero) {
                    problem = "zero bytes at position " + (chunkPos + p);
                    break;
                }
                if (chunkPos + have >= size) {
                    if (p < have || unitCommands > 0) {
                        problem = p < have ? "incomplete command" : "MULTI without EXEC";
                    }
                    break;
                }
                // Keep the unit being parsed; read more.
                int keepFrom = unitCommands > 0 ? unitStart : p;
                System.arraycopy(chunk, keepFrom, chunk, 0, have - keepFrom);
                have -= keepFrom;
                p -= keepFrom;
                unitStart -= Math.min(unitStart, keepFrom);
                chunkPos += keepFrom;
                if (have == chunk.length) {
                    chunk = Arrays.copyOf(chunk, (int) Math.min(Integer.MAX_VALUE - 16, chunk.length * 2L));
                }
                ByteBuffer bb = ByteBuffer.wrap(chunk, have, (int) Math.min(chunk.length - have, size - chunkPos - have));
                while (bb.hasRemaining()) {
                    if (source.read(bb, chunkPos + bb.position()) < 0) {
                        break;
                    }
                }
                if (bb.position() == have) {
                    break; // the file shrank under us; take what is whole
                }
                have = bb.position();
                continue;
            }
            if (unitCommands == 0) {
                unitStart = p;
                unitDb = db;
            }
            unitCommands++;
            db = ReadOnlyLog.selected(c.argv(), db);
            p += c.length();
            if (RespCommands.is(c.argv()[0], "multi")) {
                inMulti = true;
            } else if (RespCommands.is(c.argv()[0], "exec")
                    || (rules.discardEndsTransaction && RespCommands.is(c.argv()[0], "discard"))) {
                inMulti = false;
            }
            if (!inMulti) {
                CRC32C crc = new CRC32C();
                crc.update(chunk, unitStart, p - unitStart);
                boolean tx = unitCommands > 1;
                units.add(new BatchEntry(base + chunkPos + unitStart, p - unitStart, timestampMs, unitDb, unitCommands,
                        BatchEntry.REBUILT | (tx ? BatchEntry.TRANSACTION : 0), (int) crc.getValue()));
                unitCommands = 0;
                end = base + chunkPos + p;
                dbAtEnd = db;
            }
        }
        return new UnindexedTail(units, end, dbAtEnd, problem);
    }
}
