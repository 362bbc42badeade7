package io.relog.engine.strings;

import io.relog.engine.command.Args;

/**
 * Which of Redis' three string encodings OBJECT ENCODING reports for a stored {@code byte[]}.
 * Relog stores every string as a plain array; the encoding Redis would have chosen is derived
 * from the bytes, plus two value flags kept in the entry's metadata word
 * ({@link io.relog.engine.keyspace.Database#VALUE_FLAGS}) by the commands that make Redis leave
 * its usual choice:
 * <ul>
 *   <li>{@link #RAW}: APPEND and SETRANGE build a modifiable string, which Redis reports as
 *       {@code raw} whatever its length;</li>
 *   <li>{@link #NO_INT}: INCRBYFLOAT stores its result without trying the integer encoding.</li>
 * </ul>
 * Otherwise: {@code int} for a canonical 64-bit integer (at most 20 characters), {@code embstr}
 * up to 44 bytes, {@code raw} beyond.
 */
public final class StringEncoding {

    private StringEncoding() {
    }

    /** The string was built in place (APPEND, SETRANGE): always {@code raw}. */
    public static final int RAW = 1 << 24;
    /** The string was stored without trying the integer encoding (INCRBYFLOAT). */
    public static final int NO_INT = 1 << 25;

    /** Longest string Redis stores as {@code embstr}. */
    public static final int EMBSTR_MAX = 44;

    /** The OBJECT ENCODING name of {@code value} stored with metadata word {@code meta}. */
    public static String name(byte[] value, int meta) {
        if ((meta & RAW) != 0) {
            return "raw";
        }
        if ((meta & NO_INT) == 0 && Args.isLong(value)) {
            return "int";
        }
        return value.length <= EMBSTR_MAX ? "embstr" : "raw";
    }
}
