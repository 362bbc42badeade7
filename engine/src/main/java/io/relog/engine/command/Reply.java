package io.relog.engine.command;

/**
 * Where a command writes its reply. Implemented by the frontend over a network buffer; the engine
 * knows nothing of Netty. One {@code Reply} belongs to one connection and is only used on the engine
 * thread while a command of that connection executes.
 *
 * <p>Methods write one RESP value (or, for the aggregate headers, announce that the next
 * {@code n} values — {@code 2n} for maps — belong to the aggregate). Aggregates that only exist in
 * RESP3 (map, set, push, double, boolean, verbatim, null) degrade to their RESP2 forms exactly as
 * Redis 7.0 does when {@link #protocol()} is 2: map → flat array of 2n, set/push → array,
 * double → bulk string, boolean → integer 1/0, verbatim → bulk string, null → {@code $-1}.
 */
public interface Reply {

    /** The protocol of the connection: 2 or 3. */
    int protocol();

    /** {@code +OK}. */
    void ok();

    /** A simple string: {@code +text}. The text must not contain CR or LF. */
    void simple(String text);

    /**
     * An error: {@code -text}. {@code text} is the whole message including its code prefix,
     * e.g. {@code "ERR syntax error"} or {@code "WRONGTYPE Operation against a key holding the wrong kind of value"}.
     */
    void error(String text);

    /** {@code :v}. */
    void integer(long v);

    /** A bulk string; {@code null} writes the null reply ({@code $-1} in RESP2, {@code _} in RESP3). */
    void bulk(byte[] value);

    /** A bulk string of the UTF-8 bytes of {@code value}; {@code null} writes the null reply. */
    void bulk(String value);

    /** The null bulk reply: {@code $-1} in RESP2, {@code _} in RESP3. */
    void nullBulk();

    /** The null array reply: {@code *-1} in RESP2, {@code _} in RESP3. */
    void nullArray();

    /** Array header; {@code n} values follow. */
    void array(int n);

    /** Map header; {@code n} key/value pairs (2n values) follow. RESP2: array of 2n. */
    void map(int n);

    /** Set header; {@code n} values follow. RESP2: array of n. */
    void set(int n);

    /** Push header (out-of-band data such as pub/sub messages); RESP2: array of n. */
    void push(int n);

    /** A double, formatted as Redis 7.0 does ({@code inf}, {@code -inf}, 17 significant digits). RESP2: bulk string. */
    void doubleValue(double v);

    /** RESP3 boolean; RESP2 integer 1 or 0. */
    void bool(boolean v);

    /** RESP3 verbatim string with a 3-letter format ({@code txt}, {@code mkd}); RESP2: bulk string. */
    void verbatim(String format, byte[] text);
}
