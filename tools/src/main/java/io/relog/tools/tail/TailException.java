package io.relog.tools.tail;

/** A failure {@code relog tail} reports on stderr and exits 1 for (no stack trace: the message says it all). */
public final class TailException extends RuntimeException {

    public TailException(String message) {
        super(message);
    }
}
