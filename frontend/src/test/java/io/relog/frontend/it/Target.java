package io.relog.frontend.it;

/**
 * The implementation the integration suite runs against, chosen by the system property
 * {@code relog.it.target}: {@code relog} (default, in-process) or {@code redis} (Debian's
 * {@code /usr/bin/redis-server}, which proves that every expectation is real Redis behaviour).
 */
public enum Target {
    RELOG,
    REDIS;

    public static final String PROPERTY = "relog.it.target";

    /** The target selected for this JVM. */
    public static Target current() {
        String value = System.getProperty(PROPERTY, "relog").trim();
        switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "relog":
            case "":
                return RELOG;
            case "redis":
                return REDIS;
            default:
                throw new IllegalArgumentException(
                        "-D" + PROPERTY + " must be 'relog' or 'redis', not '" + value + "'");
        }
    }
}
