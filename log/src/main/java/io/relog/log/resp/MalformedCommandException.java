package io.relog.log.resp;

/** Bytes that are not a RESP command where one must be. */
public final class MalformedCommandException extends Exception {

    private final int position;

    /**
     * @param position where the problem is, relative to the start of the command
     * @param reason   what is wrong
     */
    public MalformedCommandException(int position, String reason) {
        super(reason);
        this.position = position;
    }

    /** Where the problem is, relative to the start of the command being parsed. */
    public int position() {
        return position;
    }
}
