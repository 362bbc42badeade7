package io.relog.tools.tail;

import java.io.IOException;

/** Where {@code relog tail} reads the log: a running server, or a data directory. */
interface EventSource extends AutoCloseable {

    /** The first retained log offset. */
    long earliest() throws IOException;

    /** The log's end offset now. */
    long latest() throws IOException;

    /** The offset of the first batch appended at or after {@code unixMs}, or the end offset if none. */
    long offsetForTime(long unixMs) throws IOException;

    /**
     * Streams the events from log offset {@code from} (a command boundary) until the next one
     * would start at or after {@code to} ({@code -1}: forever, waiting for new commands).
     *
     * @throws TailException when the offset is not retained (naming the earliest available one)
     *         or the source fails in a way retrying does not mend
     */
    void stream(long from, long to, EventConsumer consumer) throws IOException;

    @Override
    void close() throws IOException;

    /** Receives events in log order. */
    interface EventConsumer {
        void event(ChangeEvent e) throws IOException;

        /** No more input is available right now (flush the output). */
        void idle() throws IOException;
    }
}
