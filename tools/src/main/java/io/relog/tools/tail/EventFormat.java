package io.relog.tools.tail;

import java.io.IOException;
import java.util.List;

/** How {@code relog tail} prints events ({@code --format json|resp|text}). */
interface EventFormat {

    /** An event that passed the filters (with its keys). */
    void event(ChangeEvent e, List<byte[]> keys) throws IOException;

    /** A plumbing event that is not printed ({@code --raw} absent): the RESP form tracks transactions with it. */
    default void skipped(ChangeEvent e) throws IOException {
    }

    /** Called after each event: writes out when enough is buffered; returns whether it wrote. */
    boolean maybeFlush() throws IOException;

    /** Writes out everything buffered. */
    void flush() throws IOException;
}
