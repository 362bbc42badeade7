package io.relog.frontend.config;

/** The version strings the server reports ({@code --version}, {@code INFO server}, {@code HELLO}). */
public final class RelogVersion {

    private RelogVersion() {
    }

    /** Relog's own version, from the jar manifest when packaged, else the development version. */
    public static final String VERSION = manifestVersion();

    /** The Redis version whose behaviour Relog reproduces; clients read it as {@code redis_version}. */
    public static final String REDIS_VERSION = "7.0.15";

    private static String manifestVersion() {
        String v = RelogVersion.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT";
    }
}
