package io.relog.engine.command;

/** Redis 7.0 command flags, as {@code COMMAND INFO} reports them (lower-case names). */
public enum CommandFlag {
    WRITE, READONLY, DENYOOM, MODULE, ADMIN, PUBSUB, NOSCRIPT, BLOCKING, LOADING, STALE,
    SKIP_MONITOR, SKIP_SLOWLOG, ASKING, FAST, NO_AUTH, MAY_REPLICATE, SENTINEL, ONLY_SENTINEL,
    NO_MANDATORY_KEYS, PROTECTED, NO_ASYNC_LOADING, NO_MULTI, MOVABLE_KEYS, ALLOW_BUSY;

    /** The name Redis reports, e.g. {@code no_auth}. */
    public String redisName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
