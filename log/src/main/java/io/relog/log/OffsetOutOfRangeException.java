package io.relog.log;

import java.io.IOException;

/** A reader asked for an offset the log does not hold: trimmed by retention, or past the end. */
public final class OffsetOutOfRangeException extends IOException {

    private final long requested;
    private final long startOffset;
    private final long endOffset;

    public OffsetOutOfRangeException(long requested, long startOffset, long endOffset) {
        super(requested < startOffset
                ? "offset " + requested + " is no longer retained; the earliest available offset is " + startOffset
                : "offset " + requested + " is beyond the log end offset " + endOffset);
        this.requested = requested;
        this.startOffset = startOffset;
        this.endOffset = endOffset;
    }

    public long requested() {
        return requested;
    }

    /** The earliest offset the log held when the request failed. */
    public long startOffset() {
        return startOffset;
    }

    public long endOffset() {
        return endOffset;
    }
}
