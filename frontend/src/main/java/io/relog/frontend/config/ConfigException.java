package io.relog.frontend.config;

/**
 * A configuration that cannot be used: the server does not start. {@link #getMessage()} is the
 * whole report in the shape redis-server prints it, naming the source (file or command line),
 * the line, the offending line itself and the reason.
 */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final String reason;

    /**
     * @param source the config file path, or {@code "the command line arguments"}
     * @param line   1-based line number within {@code source}
     * @param text   the offending line as written
     * @param reason why it was refused, e.g. {@code argument couldn't be parsed into an integer}
     */
    public ConfigException(String source, int line, String text, String reason) {
        super("*** FATAL CONFIG FILE ERROR (Redis 7.0.15 compatible, Relog " + RelogVersion.VERSION + ") ***\n"
                + "Reading " + source + ", at line " + line + "\n"
                + ">>> '" + text + "'\n"
                + reason);
        this.source = source;
        this.line = line;
        this.reason = reason;
    }

    /** The config file path, or {@code "the command line arguments"}. */
    public String source() {
        return source;
    }

    /** 1-based line number. */
    public int line() {
        return line;
    }

    /** The reason alone, without the surrounding report. */
    public String reason() {
        return reason;
    }
}
