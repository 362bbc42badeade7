package io.relog.engine.pubsub;

import java.nio.charset.StandardCharsets;

/**
 * Keyspace notifications: the {@code notify-keyspace-events} classes and the two channels a change
 * is published on, {@code __keyspace@<db>__:<key>} (message: the event name) and
 * {@code __keyevent@<db>__:<event>} (message: the key), as Redis 7.0 does.
 *
 * <p>Commands call {@code Engine.notifyKeyspaceEvent(type, event, key, db)} after a change; the
 * engine tests one int against the configured classes first, so with notifications off (the
 * default) a notification costs a field read and a branch. Notifications are not propagated:
 * a replica notifies its own subscribers as it applies the master's writes.
 */
public final class KeyspaceEvents {

    private KeyspaceEvents() {
    }

    /** {@code K}: publish on {@code __keyspace@<db>__:<key>}. */
    public static final int KEYSPACE = 1;
    /** {@code E}: publish on {@code __keyevent@<db>__:<event>}. */
    public static final int KEYEVENT = 1 << 1;
    /** {@code g}: generic commands (DEL, EXPIRE, RENAME, ...). */
    public static final int GENERIC = 1 << 2;
    /** {@code $}: string commands. */
    public static final int STRING = 1 << 3;
    /** {@code l}: list commands. */
    public static final int LIST = 1 << 4;
    /** {@code s}: set commands. */
    public static final int SET = 1 << 5;
    /** {@code h}: hash commands. */
    public static final int HASH = 1 << 6;
    /** {@code z}: sorted set commands. */
    public static final int ZSET = 1 << 7;
    /** {@code x}: a key expired. */
    public static final int EXPIRED = 1 << 8;
    /** {@code e}: a key was evicted (maxmemory). */
    public static final int EVICTED = 1 << 9;
    /** {@code t}: stream commands. */
    public static final int STREAM = 1 << 10;
    /** {@code m}: a key was missed on read (not part of {@code A}). */
    public static final int KEY_MISS = 1 << 11;
    /** {@code d}: module key types. */
    public static final int MODULE = 1 << 12;
    /** {@code n}: a key was created (Redis 7.0; not part of {@code A}). */
    public static final int NEW = 1 << 13;
    /** {@code A}: alias for {@code g$lshzxetd}. */
    public static final int ALL = GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;

    /** The letters CONFIG SET accepts, as Redis names them in its error. */
    public static final String LETTERS = "Ag$lshzxeKEtmdn";

    /** Redis' reason when a class letter is unknown. */
    public static final String INVALID = "Invalid event class character. Use '" + LETTERS + "'.";

    /** The classes of {@code letters}, or -1 if a letter is unknown. */
    public static int parse(String letters) {
        int flags = 0;
        for (int i = 0; i < letters.length(); i++) {
            int f = switch (letters.charAt(i)) {
                case 'A' -> ALL;
                case 'g' -> GENERIC;
                case '$' -> STRING;
                case 'l' -> LIST;
                case 's' -> SET;
                case 'h' -> HASH;
                case 'z' -> ZSET;
                case 'x' -> EXPIRED;
                case 'e' -> EVICTED;
                case 'K' -> KEYSPACE;
                case 'E' -> KEYEVENT;
                case 't' -> STREAM;
                case 'm' -> KEY_MISS;
                case 'd' -> MODULE;
                case 'n' -> NEW;
                default -> -1;
            };
            if (f == -1) {
                return -1;
            }
            flags |= f;
        }
        return flags;
    }

    /**
     * The canonical letters CONFIG GET shows: {@code A} when every class of {@code A} is on,
     * else the type letters in the order {@code g$lshzxetdn}; then {@code K}, {@code E}, {@code m}.
     * As in Redis 7.0, {@code n} is not shown next to {@code A} (though it stays on).
     */
    public static String format(int flags) {
        StringBuilder sb = new StringBuilder();
        if ((flags & ALL) == ALL) {
            sb.append('A');
        } else {
            append(sb, flags, GENERIC, 'g');
            append(sb, flags, STRING, '$');
            append(sb, flags, LIST, 'l');
            append(sb, flags, SET, 's');
            append(sb, flags, HASH, 'h');
            append(sb, flags, ZSET, 'z');
            append(sb, flags, EXPIRED, 'x');
            append(sb, flags, EVICTED, 'e');
            append(sb, flags, STREAM, 't');
            append(sb, flags, MODULE, 'd');
            append(sb, flags, NEW, 'n');
        }
        append(sb, flags, KEYSPACE, 'K');
        append(sb, flags, KEYEVENT, 'E');
        append(sb, flags, KEY_MISS, 'm');
        return sb.toString();
    }

    private static void append(StringBuilder sb, int flags, int flag, char c) {
        if ((flags & flag) != 0) {
            sb.append(c);
        }
    }

    /**
     * Publishes one event on the channels {@code flags} asks for. The caller has checked that
     * {@code type} is among {@code flags}.
     */
    public static void publish(PubSub pubsub, int flags, String event, byte[] key, int db) {
        if ((flags & KEYSPACE) != 0) {
            byte[] prefix = ("__keyspace@" + db + "__:").getBytes(StandardCharsets.US_ASCII);
            byte[] channel = new byte[prefix.length + key.length];
            System.arraycopy(prefix, 0, channel, 0, prefix.length);
            System.arraycopy(key, 0, channel, prefix.length, key.length);
            pubsub.publish(channel, event.getBytes(StandardCharsets.US_ASCII));
        }
        if ((flags & KEYEVENT) != 0) {
            pubsub.publish(("__keyevent@" + db + "__:" + event).getBytes(StandardCharsets.US_ASCII), key);
        }
    }
}
