package io.relog.log;

import io.relog.log.resp.RespCommands;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The batch being built: the RESP bytes of the commands one engine iteration propagated, with
 * what the index records about them. The engine thread adds commands; {@link CommandLog#append}
 * writes the batch and {@link #clear()}s it for the next iteration, so its buffer is reused and
 * an iteration costs no allocation once the buffer has grown to the usual batch size.
 *
 * <p>Not thread-safe: owned by the engine thread.
 */
public final class BatchBuilder {

    private static final int SHRINK_ABOVE = 4 * 1024 * 1024;

    private byte[] buf = new byte[64 * 1024];
    private int size;
    private int commands;
    private int flags;
    private int startDb = -1;

    /**
     * Appends one command. {@code argv} is copied at once; the caller may reuse it.
     *
     * @param streamDb the database the stream has selected before this command (-1 if none); the
     *                 first command's value becomes the batch's starting database
     */
    public void add(byte[][] argv, int streamDb) {
        if (commands == 0) {
            startDb = streamDb;
        }
        int len = RespCommands.encodedLength(argv);
        ensure(len);
        size = RespCommands.encode(argv, buf, size);
        commands++;
        if (RespCommands.is(argv[0], "multi")) {
            flags |= BatchEntry.TRANSACTION;
        }
    }

    /** Appends raw RESP bytes holding {@code commandCount} whole commands (a replica's copy of its master's stream). */
    public void addRaw(byte[] bytes, int off, int len, int commandCount, int streamDb, boolean transaction) {
        if (commands == 0 && size == 0) {
            startDb = streamDb;
        }
        ensure(len);
        System.arraycopy(bytes, off, buf, size, len);
        size += len;
        commands += commandCount;
        if (transaction) {
            flags |= BatchEntry.TRANSACTION;
        }
    }

    private void ensure(int more) {
        long need = (long) size + more;
        if (need > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("batch larger than 2 GiB");
        }
        if (need > buf.length) {
            buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(need, (long) buf.length * 2)));
        }
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int size() {
        return size;
    }

    public int commands() {
        return commands;
    }

    public int flags() {
        return flags;
    }

    /** The database selected at the batch's first byte, or -1 if none. */
    public int startDb() {
        return startDb;
    }

    /** The batch's bytes are {@code array()[0, size())}; valid until the next change. Do not modify them. */
    public byte[] array() {
        return buf;
    }

    int crc() {
        CRC32C crc = new CRC32C();
        crc.update(buf, 0, size);
        return (int) crc.getValue();
    }

    /** Empties the batch for the next iteration; gives a very large buffer back. */
    public void clear() {
        size = 0;
        commands = 0;
        flags = 0;
        startDb = -1;
        if (buf.length > SHRINK_ABOVE) {
            buf = new byte[64 * 1024];
        }
    }
}
