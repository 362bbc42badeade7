package io.relog.tools.aof;

import io.relog.log.resp.MalformedCommandException;
import io.relog.log.resp.RespCommands;
import io.relog.tools.state.Replay;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Loads a Redis AOF file into a {@link Replay}, as Redis' {@code loadSingleAppendOnlyFile}
 * (aof.c) does: an optional RDB preamble (the file starts with {@code REDIS}), then RESP
 * commands executed in order, transactions whole; annotation lines starting with {@code #} are
 * skipped (such as {@code #TS:<unix seconds>}, which only {@code redis-check-aof} uses). Like
 * {@code aof-load-truncated yes}, an incomplete command at the very end of the last file is cut
 * with a warning; anything else that is not RESP is an error naming the file and position.
 */
public final class AofReader {

    private AofReader() {
    }

    /**
     * Loads {@code file} into {@code replay}.
     *
     * @param last whether it is the last file of the AOF (only there may the end be truncated)
     * @param warnings receives what was cut
     * @return the number of commands read
     */
    public static long load(Path file, Replay replay, boolean last, List<String> warnings) throws IOException {
        long size = Files.size(file);
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(5);
            byte[] magic = raw.readNBytes(5);
            raw.reset();
            long position = 0;
            if (Arrays.equals(magic, "REDIS".getBytes(StandardCharsets.US_ASCII))) {
                ExactStream exact = new ExactStream(raw);
                replay.loadRdb(exact, -1);
                position = exact.count;
            }
            return commands(file, raw, position, size, replay, last, warnings);
        }
    }

    /** Whether {@code file} starts with an RDB header. */
    public static boolean startsWithRdb(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(5), "REDIS".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static long commands(Path file, InputStream in, long position, long size, Replay replay, boolean last,
            List<String> warnings) throws IOException {
        byte[] buf = new byte[1 << 20];
        int have = 0;
        int p = 0;
        long bufPos = position; // file position of buf[0]
        long count = 0;
        boolean eof = false;
        long now = System.currentTimeMillis(); // relative times mean "from the load", as in Redis
        while (true) {
            if (p < have && buf[p] == '#') {
                int nl = indexOf(buf, p, have, (byte) '\n');
                if (nl >= 0) {
                    p = nl + 1; // an annotation such as #TS:<unix seconds>: not a command
                    continue;
                }
            }
            RespCommands.Parsed c = null;
            if (p < have && buf[p] != '#') {
                try {
                    c = RespCommands.parse(buf, p, have);
                } catch (MalformedCommandException e) {
                    throw new IOException("Bad AOF format in " + file + " at position " + (bufPos + p + e.position()) + ": "
                            + e.getMessage());
                }
            }
            if (c != null) {
                replay.apply(c.argv(), -1, bufPos + p, now);
                count++;
                p += c.length();
                continue;
            }
            if (eof) {
                break;
            }
            System.arraycopy(buf, p, buf, 0, have - p);
            have -= p;
            bufPos += p;
            p = 0;
            if (have == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            int n = in.read(buf, have, buf.length - have);
            if (n < 0) {
                eof = true;
            } else {
                have += n;
            }
        }
        long end = bufPos + p;
        if (p < have || replay.openTransactionOffset() >= 0) {
            long cut = replay.openTransactionOffset() >= 0 ? replay.openTransactionOffset() : end;
            if (!last) {
                throw new IOException("Unexpected end of " + file + " at position " + end
                        + " (an incomplete command or transaction in a file that is not the last)");
            }
            warnings.add("Cut the truncated end of " + file + ": " + (size - cut) + " bytes from position " + cut
                    + " (incomplete " + (replay.openTransactionOffset() >= 0 ? "MULTI ... EXEC" : "command")
                    + "), as redis-server does with aof-load-truncated yes");
            replay.discardOpenTransaction();
        }
        return count;
    }

    private static int indexOf(byte[] b, int from, int to, byte v) {
        for (int i = from; i < to; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Hands the RDB reader one byte per read call, so it never reads ahead of the RDB's end (it
     * asks for exactly what it still needs) and the AOF part starts where it stopped.
     */
    private static final class ExactStream extends FilterInputStream {
        long count;

        ExactStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int v = in.read();
            if (v < 0) {
                return -1;
            }
            b[off] = (byte) v;
            count++;
            return 1;
        }

        @Override
        public void close() {
            // the caller closes the file
        }
    }
}
