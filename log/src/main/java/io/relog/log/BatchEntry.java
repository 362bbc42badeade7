package io.relog.log;

/**
 * One entry of a segment's index: where a batch lies in the log and what it holds.
 *
 * @param offset      log offset of the batch's first byte (absolute, not relative to the segment)
 * @param length      bytes in the batch
 * @param timestampMs wall-clock time the batch was appended, Unix milliseconds; never less than
 *                    the previous entry's
 * @param db          database the stream had selected at the batch's first byte, or -1 if none yet
 * @param commands    number of RESP commands in the batch
 * @param flags       {@link #TRANSACTION}, {@link #REBUILT}
 * @param crc         CRC32C of the batch's bytes
 */
public record BatchEntry(long offset, int length, long timestampMs, int db, int commands, int flags, int crc) {

    /** The batch contains a {@code MULTI … EXEC}. */
    public static final int TRANSACTION = 1;
    /**
     * Rebuilt from the {@code .log} at recovery (the index was behind): the entry covers one
     * command, or one whole transaction, and its timestamp is an estimate.
     */
    public static final int REBUILT = 2;

    /** Log offset just past the batch. */
    public long endOffset() {
        return offset + length;
    }
}
