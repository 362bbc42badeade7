package io.relog.engine.blocking;

import io.relog.engine.Engine;
import io.relog.engine.Session;
import io.relog.engine.command.Args;
import io.relog.engine.command.Errors;
import io.relog.engine.command.Reply;
import io.relog.engine.keyspace.Database;
import io.relog.engine.lists.ListCommands;
import io.relog.engine.types.ListValue;
import io.relog.engine.types.ZSetValue;
import io.relog.engine.zsets.ZSetCommands;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The blocking pops: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP.
 *
 * <p>With data available each acts at once as its plain form, which it runs (so replies, errors
 * and propagation are those of the plain command). Otherwise it {@link BlockedClients#block
 * blocks} the session, or, where blocking is denied (MULTI/EXEC), replies as on timeout. A
 * served pop is the plain form run on the key that became ready, and is propagated as Redis
 * 7.0.15 does (verified on its AOF): {@code LPOP k} / {@code RPOP k} (BLPOP/BRPOP),
 * {@code LMOVE src dst left|right left|right} (BLMOVE), {@code RPOPLPUSH src dst},
 * {@code LPOP|RPOP k n} (BLMPOP, n popped), {@code ZPOPMIN|ZPOPMAX k} (BZPOPMIN/MAX) and
 * {@code ZPOPMIN|ZPOPMAX k n} (BZMPOP).
 *
 * <p>Null forms (Redis 7.0.15): on timeout every one replies a null array ({@code *-1}, RESP3
 * {@code _}), BLMOVE and BRPOPLPUSH included; inside MULTI BLMOVE and BRPOPLPUSH reply a null
 * bulk ({@code $-1}), the others a null array.
 */
public final class BlockingCommands {

    private BlockingCommands() {
    }

    static final String NOT_A_FLOAT = "ERR timeout is not a float or out of range";
    static final String NEGATIVE = "ERR timeout is negative";
    static final String OUT_OF_RANGE = "ERR timeout is out of range";

    private static final byte[] LPOP = ascii("LPOP");
    private static final byte[] RPOP = ascii("RPOP");
    private static final byte[] LMOVE = ascii("LMOVE");
    private static final byte[] RPOPLPUSH = ascii("RPOPLPUSH");
    private static final byte[] LMPOP = ascii("LMPOP");
    private static final byte[] ZPOPMIN = ascii("ZPOPMIN");
    private static final byte[] ZPOPMAX = ascii("ZPOPMAX");
    private static final byte[] ZMPOP = ascii("ZMPOP");
    private static final byte[] ONE = ascii("1");
    private static final byte[] LEFT = ascii("left");
    private static final byte[] RIGHT = ascii("right");

    private static final Consumer<Reply> NULL_ARRAY = Reply::nullArray;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Parses a timeout in seconds (a float, sub-millisecond values round up to 1 ms) into a
     * deadline in Unix ms of the engine's command time; 0 means forever. Redis 7.0's errors.
     */
    public static long deadline(Engine engine, byte[] arg) {
        double seconds;
        try {
            String s = new String(arg, StandardCharsets.US_ASCII);
            if (s.isEmpty() || Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(s.length() - 1))) {
                throw new NumberFormatException();
            }
            String lower = s.toLowerCase(java.util.Locale.ROOT);
            String unsigned = lower.startsWith("+") || lower.startsWith("-") ? lower.substring(1) : lower;
            if (unsigned.equals("inf") || unsigned.equals("infinity")) {
                seconds = lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            } else if (unsigned.startsWith("0x") && unsigned.length() > 2 && unsigned.indexOf('p') < 0
                    && unsigned.chars().skip(2).allMatch(ch -> Character.digit(ch, 16) >= 0 || ch == '.')) {
                // strtold reads hexadecimal too (BLPOP k 0x10 waits 16 s); Java wants the binary exponent.
                seconds = Double.parseDouble(s + "p0");
            } else if (unsigned.startsWith("0x") && unsigned.indexOf('p') > 2) {
                seconds = Double.parseDouble(s);
            } else if (!unsigned.isEmpty() && decimalEdge(unsigned.charAt(0))
                    && decimalEdge(unsigned.charAt(unsigned.length() - 1))) {
                // strtold's decimal syntax; Java's suffixes (1d, 1f) and words (NaN, Infinity) are not numbers here.
                seconds = Double.parseDouble(s);
            } else {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new Args.ArgException(NOT_A_FLOAT);
        }
        if (Double.isNaN(seconds)) {
            throw new Args.ArgException(NOT_A_FLOAT);
        }
        double ms = Math.ceil(seconds * 1000.0);
        // Redis converts to long long: infinities and values past its range come out negative.
        if (ms < 0 || ms >= 0x1p63) {
            throw new Args.ArgException(NEGATIVE);
        }
        long t = (long) ms;
        if (t == 0) {
            return 0;
        }
        long now = engine.now();
        if (t > Long.MAX_VALUE - now) {
            throw new Args.ArgException(OUT_OF_RANGE);
        }
        return now + t;
    }

    private static boolean decimalEdge(char c) {
        return (c >= '0' && c <= '9') || c == '.';
    }

    private static BlockedClients blocked(Engine engine) {
        return engine.blockedClients();
    }

    // ------------------------------------------------------------------ BLPOP, BRPOP

    /** BLPOP key [key ...] timeout. */
    public static void blpop(Engine engine, Session session, byte[][] argv, Reply reply) {
        popFirst(engine, session, argv, reply, ListValue.class, (e, s, key, r) -> servePop(e, s, key, r, LPOP));
    }

    /** BRPOP key [key ...] timeout. */
    public static void brpop(Engine engine, Session session, byte[][] argv, Reply reply) {
        popFirst(engine, session, argv, reply, ListValue.class, (e, s, key, r) -> servePop(e, s, key, r, RPOP));
    }

    /** BZPOPMIN key [key ...] timeout. */
    public static void bzpopmin(Engine engine, Session session, byte[][] argv, Reply reply) {
        popFirst(engine, session, argv, reply, ZSetValue.class, (e, s, key, r) -> serveZPop(e, s, key, r, ZPOPMIN));
    }

    /** BZPOPMAX key [key ...] timeout. */
    public static void bzpopmax(Engine engine, Session session, byte[][] argv, Reply reply) {
        popFirst(engine, session, argv, reply, ZSetValue.class, (e, s, key, r) -> serveZPop(e, s, key, r, ZPOPMAX));
    }

    @FunctionalInterface
    private interface KeyPop {
        void pop(Engine engine, Session session, byte[] key, Reply reply);
    }

    /** The shape shared by BLPOP, BRPOP, BZPOPMIN, BZPOPMAX: keys then timeout, pop the first non-empty key. */
    private static void popFirst(Engine engine, Session session, byte[][] argv, Reply reply, Class<?> type, KeyPop pop) {
        long deadline = deadline(engine, argv[argv.length - 1]);
        byte[][] keys = Arrays.copyOfRange(argv, 1, argv.length - 1);
        Database db = engine.db(session.db());
        for (byte[] key : keys) {
            Object v = engine.lookupWrite(db, key);
            if (v == null) {
                continue;
            }
            if (!type.isInstance(v)) {
                throw new Args.ArgException(Errors.WRONGTYPE);
            }
            pop.pop(engine, session, key, reply);
            return;
        }
        if (!blocked(engine).mayBlock(session)) {
            reply.nullArray();
            return;
        }
        blocked(engine).block(session, reply, session.db(), keys, deadline, type,
                (e, w, key) -> {
                    pop.pop(e, w.session(), key, w.reply());
                    return true;
                }, NULL_ARRAY);
    }

    /** {@code [key, element]}, propagated as {@code LPOP key} / {@code RPOP key}. */
    private static void servePop(Engine engine, Session session, byte[] key, Reply reply, byte[] name) {
        reply.array(2);
        reply.bulk(key);
        byte[][] plain = {name, key};
        if (name == LPOP) {
            ListCommands.lpop(engine, session, plain, reply);
        } else {
            ListCommands.rpop(engine, session, plain, reply);
        }
    }

    /** {@code [key, member, score]}, propagated as {@code ZPOPMIN key} / {@code ZPOPMAX key}. */
    private static void serveZPop(Engine engine, Session session, byte[] key, Reply reply, byte[] name) {
        reply.array(3);
        reply.bulk(key);
        // ZPOPMIN key replies [member, score]: keep its elements, drop its header.
        Reply inner = new ForwardingReply(reply) {
            private boolean headerSkipped;

            @Override
            public void array(int n) {
                if (headerSkipped) {
                    super.array(n);
                } else {
                    headerSkipped = true;
                }
            }
        };
        byte[][] plain = {name, key};
        if (name == ZPOPMIN) {
            ZSetCommands.zpopmin(engine, session, plain, inner);
        } else {
            ZSetCommands.zpopmax(engine, session, plain, inner);
        }
    }

    // ------------------------------------------------------------------ BLMOVE, BRPOPLPUSH

    /** BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout. */
    public static void blmove(Engine engine, Session session, byte[][] argv, Reply reply) {
        boolean fromLeft = direction(argv[3]);
        boolean toLeft = direction(argv[4]);
        long deadline = deadline(engine, argv[5]);
        move(engine, session, reply, argv[1], argv[2], deadline,
                new byte[][] {LMOVE, argv[1], argv[2], argv[3], argv[4]},
                (src, dst) -> new byte[][] {LMOVE, src, dst, fromLeft ? LEFT : RIGHT, toLeft ? LEFT : RIGHT});
    }

    /** BRPOPLPUSH source destination timeout. */
    public static void brpoplpush(Engine engine, Session session, byte[][] argv, Reply reply) {
        long deadline = deadline(engine, argv[3]);
        move(engine, session, reply, argv[1], argv[2], deadline,
                new byte[][] {RPOPLPUSH, argv[1], argv[2]},
                (src, dst) -> new byte[][] {RPOPLPUSH, src, dst});
    }

    private static boolean direction(byte[] arg) {
        if (Args.is(arg, "left")) {
            return true;
        }
        if (Args.is(arg, "right")) {
            return false;
        }
        throw new Args.ArgException(Errors.SYNTAX);
    }

    @FunctionalInterface
    private interface MoveForm {
        byte[][] argv(byte[] src, byte[] dst);
    }

    private static void move(Engine engine, Session session, Reply reply, byte[] src, byte[] dst, long deadline,
                             byte[][] immediate, MoveForm served) {
        Database db = engine.db(session.db());
        Object v = engine.lookupWrite(db, src);
        if (v != null) {
            if (!(v instanceof ListValue)) {
                throw new Args.ArgException(Errors.WRONGTYPE);
            }
            runMove(engine, session, immediate, reply);
            return;
        }
        if (!blocked(engine).mayBlock(session)) {
            reply.nullBulk();
            return;
        }
        blocked(engine).block(session, reply, session.db(), new byte[][] {src}, deadline, ListValue.class,
                (e, w, key) -> {
                    Object d = e.lookupQuiet(e.db(w.db()), dst);
                    if (d != null && !(d instanceof ListValue)) {
                        return false; // wrong destination type: keep waiting, as Redis 7.0 does
                    }
                    runMove(e, w.session(), served.argv(key, dst), w.reply());
                    return true;
                }, NULL_ARRAY);
    }

    private static void runMove(Engine engine, Session session, byte[][] plain, Reply reply) {
        if (plain[0] == LMOVE) {
            ListCommands.lmove(engine, session, plain, reply);
        } else {
            ListCommands.rpoplpush(engine, session, plain, reply);
        }
    }

    // ------------------------------------------------------------------ BLMPOP, BZMPOP

    /** BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]. */
    public static void blmpop(Engine engine, Session session, byte[][] argv, Reply reply) {
        multiPop(engine, session, argv, reply, LMPOP, ListValue.class);
    }

    /** BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]. */
    public static void bzmpop(Engine engine, Session session, byte[][] argv, Reply reply) {
        multiPop(engine, session, argv, reply, ZMPOP, ZSetValue.class);
    }

    /**
     * Runs the plain LMPOP/ZMPOP (argv without the timeout), which validates the arguments and
     * pops from the first non-empty key; blocks when it found none.
     */
    private static void multiPop(Engine engine, Session session, byte[][] argv, Reply reply, byte[] name, Class<?> type) {
        long deadline = deadline(engine, argv[1]);
        byte[][] plain = new byte[argv.length - 1][];
        plain[0] = name;
        System.arraycopy(argv, 2, plain, 1, argv.length - 2);
        boolean[] empty = new boolean[1];
        Reply probe = new ForwardingReply(reply) {
            @Override
            public void nullArray() {
                empty[0] = true;
            }
        };
        runMultiPop(engine, session, plain, probe);
        if (!empty[0]) {
            return;
        }
        if (!blocked(engine).mayBlock(session)) {
            reply.nullArray();
            return;
        }
        int numkeys = (int) Args.parseLong(plain[1]);
        byte[][] keys = Arrays.copyOfRange(plain, 2, 2 + numkeys);
        blocked(engine).block(session, reply, session.db(), keys, deadline, type,
                (e, w, key) -> {
                    // The plain form on the one key that became ready: NAME 1 key where [COUNT n].
                    byte[][] one = new byte[plain.length - numkeys + 1][];
                    one[0] = name;
                    one[1] = ONE;
                    one[2] = key;
                    System.arraycopy(plain, 2 + numkeys, one, 3, plain.length - 2 - numkeys);
                    runMultiPop(e, w.session(), one, w.reply());
                    return true;
                }, NULL_ARRAY);
    }

    private static void runMultiPop(Engine engine, Session session, byte[][] plain, Reply reply) {
        if (plain[0] == LMPOP) {
            ListCommands.lmpop(engine, session, plain, reply);
        } else {
            ZSetCommands.zmpop(engine, session, plain, reply);
        }
    }
}
