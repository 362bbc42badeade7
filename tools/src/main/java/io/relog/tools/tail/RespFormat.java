package io.relog.tools.tail;

import io.relog.log.resp.RespCommands;
import java.io.IOException;
import java.util.List;

/**
 * {@code --format resp}: the selected commands as the stream holds them (RESP multibulks), a
 * valid AOF that {@code redis-server} or {@code redis-check-aof} loads. With {@code --raw} and no
 * filter it is the stream's bytes of the range exactly, plus — only where the range starts
 * mid-stream — a {@code SELECT} of the database in effect and a {@code MULTI} when it starts
 * inside a transaction, so the file stands alone. Without {@code --raw}, plumbing is left out and
 * the output re-selects the database whenever a printed command's differs from the last one
 * printed; a transaction's printed commands stay wrapped in {@code MULTI … EXEC}.
 */
final class RespFormat implements EventFormat {

    private final ByteOut out;
    private final boolean raw;
    private int selected = -1;
    private boolean started;
    /** The transaction (its MULTI's offset) whose MULTI has been printed and whose EXEC is still due, or -1. */
    private long openTx = -1;

    RespFormat(ByteOut out, boolean raw) {
        this.out = out;
        this.raw = raw;
    }

    @Override
    public void event(ChangeEvent e, List<byte[]> keys) {
        byte[][] argv = e.argv();
        if (raw) {
            if (!started) {
                started = true;
                boolean isSelect = RespCommands.is(argv[0], "select");
                if (!isSelect && e.db() >= 0) {
                    command("SELECT", Integer.toString(e.db()));
                }
                if (e.tx() >= 0 && !RespCommands.is(argv[0], "multi")) {
                    command("MULTI");
                }
            }
            write(argv);
            return;
        }
        if (e.db() != selected && e.db() >= 0) {
            if (openTx >= 0) {
                // Cannot happen in a transaction from the log (no SELECT inside MULTI … EXEC).
                command("EXEC");
                openTx = -1;
            }
            command("SELECT", Integer.toString(e.db()));
            selected = e.db();
        }
        if (e.tx() >= 0 && openTx != e.tx()) {
            if (openTx >= 0) {
                command("EXEC");
            }
            command("MULTI");
            openTx = e.tx();
        }
        write(argv);
    }

    @Override
    public void skipped(ChangeEvent e) {
        if (openTx >= 0 && e.tx() == openTx && RespCommands.is(e.argv()[0], "exec")) {
            command("EXEC");
            openTx = -1;
        }
    }

    private void command(String... args) {
        out.write(RespCommands.encode(args));
    }

    private void write(byte[][] argv) {
        int len = RespCommands.encodedLength(argv);
        out.ensure(len);
        out.write(RespCommands.encode(argv));
    }

    @Override
    public boolean maybeFlush() throws IOException {
        return out.maybeFlush();
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }
}
