package io.relog.engine.command;

/** Redis 7.0's exact error texts, shared by every command group. */
public final class Errors {

    private Errors() {
    }

    public static final String SYNTAX = "ERR syntax error";
    public static final String NOT_INTEGER = "ERR value is not an integer or out of range";
    public static final String NOT_FLOAT = "ERR value is not a valid float";
    public static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
    public static final String NO_SUCH_KEY = "ERR no such key";
    public static final String DB_INDEX_OUT_OF_RANGE = "ERR DB index is out of range";
    public static final String OVERFLOW = "ERR increment or decrement would overflow";
    public static final String INVALID_EXPIRE_PREFIX = "ERR invalid expire time in '";
    public static final String NOAUTH = "NOAUTH Authentication required.";

    /** {@code ERR wrong number of arguments for '<name>' command}. */
    public static String wrongArgs(String commandName) {
        return "ERR wrong number of arguments for '" + commandName + "' command";
    }

    /** {@code ERR invalid expire time in '<name>' command}. */
    public static String invalidExpire(String commandName) {
        return INVALID_EXPIRE_PREFIX + commandName + "' command";
    }

    /** {@code ERR unknown subcommand '<sub>'. Try <CONTAINER> HELP.} */
    public static String unknownSubcommand(String sub, String container) {
        String s = sub.length() > 128 ? sub.substring(0, 128) : sub;
        return "ERR unknown subcommand '" + s + "'. Try " + container.toUpperCase(java.util.Locale.ROOT) + " HELP.";
    }
}
