package io.relog.engine.command;

/** Redis 7.0 command flags, as {@code COMMAND INFO} reports them (lower-case names). */
public enum CommandFlag {
    WRITE, READONLY, DENYOOM, MODULE, ADMIN, PUBSUB, NOSCRIPT, BLOCKING, LOADING, STALE,
    SKIP_MONITOR, SKIP_SLOWLOG, ASKING, FAST, NO_AUTH, MAY_REPLICATE, SENTINEL, ONLY_SENTINEL,
    NO_MANDATORY_KEYS, PROTECTED, NO_ASYNC_LOADING, NO_MULTI, MOVABLE_KEYS, ALLOW_BUSY;

    /** The name Redis reports, e.g. {@code no_auth}; {@code movablekeys} is spelt without the underscore. */
    public String redisName() {
        return this == MOVABLE_KEYS ? "movablekeys" : name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The flag Redis reports as {@code name} (case-insensitive). */
    public static CommandFlag fromRedisName(String name) {
        for (CommandFlag f : values()) {
            if (f.redisName().equalsIgnoreCase(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown command flag: " + name);
    }
}
