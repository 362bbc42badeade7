package io.relog.engine.lists;

import io.relog.engine.pubsub.KeyspaceEvents;
import io.relog.engine.Engine;
import io.relog.engine.Session;
import io.relog.engine.command.Args;
import io.relog.engine.command.Errors;
import io.relog.engine.command.Reply;
import io.relog.engine.keyspace.Database;
import io.relog.engine.types.CountedTree;
import io.relog.engine.types.ListValue;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The list commands (Redis' {@code t_list.c} group) without the blocking variants, which need the
 * front end. Any value other than a list is {@code WRONGTYPE}.
 *
 * <p><b>Propagation.</b> Every list write is deterministic, so a command that changed something is
 * propagated as the client sent it; LMPOP becomes the plain {@code LPOP key n} / {@code RPOP key n}
 * of what it popped. A command that changes nothing propagates nothing. A list emptied by a write
 * is deleted.
 */
public final class ListCommands {

    private ListCommands() {
    }

    private static final byte[] LPOP = "LPOP".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RPOP = "RPOP".getBytes(StandardCharsets.US_ASCII);
    static final String POSITIVE = "ERR value is out of range, must be positive";

    private static Database db(Engine engine, Session session) {
        return engine.db(session.db());
    }

    /** The list value of {@code v}, or throws WRONGTYPE; {@code null} stays {@code null}. */
    static ListValue list(Object v) {
        return io.relog.engine.types.CollectionValue.as(v, ListValue.class);
    }


    private static void notify(Engine engine, Database db, String event, byte[] key) {
        engine.notifyKeyspaceEvent(KeyspaceEvents.LIST, event, key, db.index());
    }

    // ------------------------------------------------------------------ push

    public static void lpush(Engine engine, Session session, byte[][] argv, Reply reply) {
        push(engine, session, argv, reply, true, false);
    }

    public static void rpush(Engine engine, Session session, byte[][] argv, Reply reply) {
        push(engine, session, argv, reply, false, false);
    }

    public static void lpushx(Engine engine, Session session, byte[][] argv, Reply reply) {
        push(engine, session, argv, reply, true, true);
    }

    public static void rpushx(Engine engine, Session session, byte[][] argv, Reply reply) {
        push(engine, session, argv, reply, false, true);
    }

    private static void push(Engine engine, Session session, byte[][] argv, Reply reply, boolean head, boolean onlyExisting) {
        Database db = db(engine, session);
        byte[] key = argv[1];
        ListValue l = list(engine.lookupWrite(db, key));
        if (l == null) {
            if (onlyExisting) {
                reply.integer(0);
                return;
            }
            l = new ListValue(db.editToken());
            db.put(key, l, engine.newKeyAccess(), false);
        } else {
            l = db.editable(key, l);
        }
        CountedTree items = l.items();
        for (int i = 2; i < argv.length; i++) {
            if (head) {
                items.addFirst(argv[i]);
            } else {
                items.addLast(argv[i]);
            }
        }
        notify(engine, db, head ? "lpush" : "rpush", key);
        engine.propagate(db.index(), argv);
        engine.addDirty(argv.length - 2);
        reply.integer(items.size());
    }

    // ------------------------------------------------------------------ pop

    public static void lpop(Engine engine, Session session, byte[][] argv, Reply reply) {
        pop(engine, session, argv, reply, true);
    }

    public static void rpop(Engine engine, Session session, byte[][] argv, Reply reply) {
        pop(engine, session, argv, reply, false);
    }

    private static void pop(Engine engine, Session session, byte[][] argv, Reply reply, boolean head) {
        if (argv.length > 3) {
            reply.error(Errors.wrongArgs(head ? "lpop" : "rpop"));
            return;
        }
        boolean hasCount = argv.length == 3;
        long count = 1;
        if (hasCount) {
            count = Args.parseLong(argv[2], POSITIVE);
            if (count < 0) {
                throw new Args.ArgException(POSITIVE);
            }
        }
        Database db = db(engine, session);
        byte[] key = argv[1];
        ListValue l = list(engine.lookupWrite(db, key));
        if (l == null) {
            if (hasCount) {
                reply.nullArray();
            } else {
                reply.nullBulk();
            }
            return;
        }
        if (hasCount && count == 0) {
            reply.array(0);
            return;
        }
        l = db.editable(key, l);
        int n = (int) Math.min(count, l.size());
        if (hasCount) {
            reply.array(n);
        }
        popInto(l, n, head, reply);
        notify(engine, db, head ? "lpop" : "rpop", key);
        engine.deleteIfEmpty(db, key, l);
        engine.propagate(db.index(), argv);
        engine.addDirty(n);
    }

    /** LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]. */
    public static void lmpop(Engine engine, Session session, byte[][] argv, Reply reply) {
        long numkeys = Args.parseLong(argv[1], "ERR numkeys should be greater than 0");
        if (numkeys <= 0) {
            throw new Args.ArgException("ERR numkeys should be greater than 0");
        }
        if (numkeys > argv.length - 3) {
            throw new Args.ArgException(Errors.SYNTAX);
        }
        int dirAt = 2 + (int) numkeys;
        boolean head = direction(argv[dirAt]);
        long count = 1;
        int i = dirAt + 1;
        boolean countSeen = false;
        while (i < argv.length) {
            if (!countSeen && Args.is(argv[i], "count") && i + 1 < argv.length) {
                count = Args.parseLong(argv[i + 1], "ERR count should be greater than 0");
                if (count <= 0) {
                    throw new Args.ArgException("ERR count should be greater than 0");
                }
                countSeen = true;
                i += 2;
            } else {
                throw new Args.ArgException(Errors.SYNTAX);
            }
        }
        Database db = db(engine, session);
        for (int k = 2; k < dirAt; k++) {
            byte[] key = argv[k];
            ListValue l = list(engine.lookupWrite(db, key));
            if (l == null) {
                continue;
            }
            l = db.editable(key, l);
            int n = (int) Math.min(count, l.size());
            reply.array(2);
            reply.bulk(key);
            reply.array(n);
            popInto(l, n, head, reply);
            notify(engine, db, head ? "lpop" : "rpop", key);
            engine.deleteIfEmpty(db, key, l);
            engine.propagate(db.index(), new byte[][] {head ? LPOP : RPOP, key, Args.bytes(n)});
            engine.addDirty(n);
            return;
        }
        reply.nullArray();
    }

    /** Replies the {@code n} elements at one end of editable {@code l}, outermost first, and removes them. */
    private static void popInto(ListValue l, int n, boolean head, Reply reply) {
        CountedTree items = l.items();
        int size = items.size();
        CountedTree.Cursor c = items.cursor(head ? 0 : size);
        for (int i = 0; i < n; i++) {
            reply.bulk((byte[]) (head ? c.next() : c.previous()));
        }
        if (head) {
            items.removeRange(0, n);
        } else {
            items.removeRange(size - n, size);
        }
    }

    /** LEFT → true (head), RIGHT → false, else syntax error. */
    static boolean direction(byte[] arg) {
        if (Args.is(arg, "left")) {
            return true;
        }
        if (Args.is(arg, "right")) {
            return false;
        }
        throw new Args.ArgException(Errors.SYNTAX);
    }

    /** LMOVE source destination LEFT|RIGHT LEFT|RIGHT. */
    public static void lmove(Engine engine, Session session, byte[][] argv, Reply reply) {
        boolean from = direction(argv[3]);
        boolean to = direction(argv[4]);
        move(engine, session, argv, reply, from, to);
    }

    /** RPOPLPUSH source destination: LMOVE source destination RIGHT LEFT. */
    public static void rpoplpush(Engine engine, Session session, byte[][] argv, Reply reply) {
        move(engine, session, argv, reply, false, true);
    }

    private static void move(Engine engine, Session session, byte[][] argv, Reply reply, boolean fromHead, boolean toHead) {
        Database db = db(engine, session);
        byte[] src = argv[1];
        byte[] dst = argv[2];
        ListValue s = list(engine.lookupWrite(db, src));
        if (s == null) {
            reply.nullBulk();
            return;
        }
        ListValue d = list(engine.lookupWrite(db, dst));
        s = db.editable(src, s);
        byte[] value = (byte[]) (fromHead ? s.items().removeFirst() : s.items().removeLast());
        // Same key: the source was made editable; look it up again as the destination.
        if (Arrays.equals(src, dst)) {
            d = s;
        } else if (d == null) {
            d = new ListValue(db.editToken());
            db.put(dst, d, engine.newKeyAccess(), false);
        } else {
            d = db.editable(dst, d);
        }
        if (toHead) {
            d.items().addFirst(value);
        } else {
            d.items().addLast(value);
        }
        notify(engine, db, toHead ? "lpush" : "rpush", dst);
        notify(engine, db, fromHead ? "lpop" : "rpop", src);
        engine.deleteIfEmpty(db, src, s);
        engine.propagate(db.index(), argv);
        engine.addDirty(1);
        reply.bulk(value);
    }

    // ------------------------------------------------------------------ read

    public static void llen(Engine engine, Session session, byte[][] argv, Reply reply) {
        ListValue l = list(engine.lookupRead(db(engine, session), argv[1]));
        reply.integer(l == null ? 0 : l.size());
    }

    public static void lindex(Engine engine, Session session, byte[][] argv, Reply reply) {
        long index = Args.parseLong(argv[2]);
        ListValue l = list(engine.lookupRead(db(engine, session), argv[1]));
        if (l == null) {
            reply.nullBulk();
            return;
        }
        long i = index < 0 ? l.size() + index : index;
        if (i < 0 || i >= l.size()) {
            reply.nullBulk();
        } else {
            reply.bulk((byte[]) l.items().get((int) i));
        }
    }

    public static void lrange(Engine engine, Session session, byte[][] argv, Reply reply) {
        long start = Args.parseLong(argv[2]);
        long end = Args.parseLong(argv[3]);
        ListValue l = list(engine.lookupRead(db(engine, session), argv[1]));
        if (l == null) {
            reply.array(0);
            return;
        }
        int len = l.size();
        if (start < 0) {
            start = Math.max(0, len + start);
        }
        if (end < 0) {
            end = len + end;
        }
        if (start > end || start >= len) {
            reply.array(0);
            return;
        }
        end = Math.min(end, len - 1);
        int n = (int) (end - start + 1);
        reply.array(n);
        CountedTree.Cursor c = l.items().cursor((int) start);
        for (int i = 0; i < n; i++) {
            reply.bulk((byte[]) c.next());
        }
    }

    /** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]. */
    public static void lpos(Engine engine, Session session, byte[][] argv, Reply reply) {
        long rank = 1;
        long count = -1;
        long maxlen = 0;
        for (int i = 3; i < argv.length; i++) {
            boolean more = i + 1 < argv.length;
            if (Args.is(argv[i], "rank") && more) {
                rank = Args.parseLong(argv[++i]);
                if (rank == 0) {
                    throw new Args.ArgException("ERR RANK can't be zero: use 1 to start from the first match, "
                            + "2 from the second ... or use negative to start from the end of the list");
                }
            } else if (Args.is(argv[i], "count") && more) {
                count = Args.parseLong(argv[++i], "ERR COUNT can't be negative");
                if (count < 0) {
                    throw new Args.ArgException("ERR COUNT can't be negative");
                }
            } else if (Args.is(argv[i], "maxlen") && more) {
                maxlen = Args.parseLong(argv[++i], "ERR MAXLEN can't be negative");
                if (maxlen < 0) {
                    throw new Args.ArgException("ERR MAXLEN can't be negative");
                }
            } else {
                throw new Args.ArgException(Errors.SYNTAX);
            }
        }
        ListValue l = list(engine.lookupRead(db(engine, session), argv[1]));
        if (l == null) {
            if (count != -1) {
                reply.array(0);
            } else {
                reply.nullBulk();
            }
            return;
        }
        boolean fromTail = rank < 0;
        if (fromTail) {
            rank = -rank; // Long.MIN_VALUE stays negative: then the first match counts, as in Redis 7.0
        }
        byte[] element = argv[2];
        int len = l.size();
        long want = count == -1 ? 1 : count;
        java.util.List<Long> found = new java.util.ArrayList<>();
        CountedTree.Cursor c = l.items().cursor(fromTail ? len : 0);
        long matches = 0;
        for (long index = 0; index < len && (maxlen == 0 || index < maxlen); index++) {
            byte[] e = (byte[]) (fromTail ? c.previous() : c.next());
            if (Arrays.equals(e, element)) {
                matches++;
                if (matches >= rank) {
                    found.add(fromTail ? len - 1 - index : index);
                    if (want != 0 && found.size() >= want) {
                        break;
                    }
                }
            }
        }
        if (count == -1) {
            if (found.isEmpty()) {
                reply.nullBulk();
            } else {
                reply.integer(found.get(0));
            }
            return;
        }
        reply.array(found.size());
        for (long p : found) {
            reply.integer(p);
        }
    }

    // ------------------------------------------------------------------ edit

    public static void lset(Engine engine, Session session, byte[][] argv, Reply reply) {
        long index = Args.parseLong(argv[2]);
        Database db = db(engine, session);
        byte[] key = argv[1];
        ListValue l = list(engine.lookupWrite(db, key));
        if (l == null) {
            reply.error(Errors.NO_SUCH_KEY);
            return;
        }
        long i = index < 0 ? l.size() + index : index;
        if (i < 0 || i >= l.size()) {
            reply.error("ERR index out of range");
            return;
        }
        l = db.editable(key, l);
        l.items().set((int) i, argv[3]);
        notify(engine, db, "lset", key);
        engine.propagate(db.index(), argv);
        engine.addDirty(1);
        reply.ok();
    }

    public static void ltrim(Engine engine, Session session, byte[][] argv, Reply reply) {
        long start = Args.parseLong(argv[2]);
        long end = Args.parseLong(argv[3]);
        Database db = db(engine, session);
        byte[] key = argv[1];
        ListValue l = list(engine.lookupWrite(db, key));
        if (l == null) {
            reply.ok();
            return;
        }
        int len = l.size();
        if (start < 0) {
            start = Math.max(0, len + start);
        }
        if (end < 0) {
            end = len + end;
        }
        long left;
        long right;
        if (start > end || start >= len) {
            left = len;
            right = 0;
        } else {
            end = Math.min(end, len - 1);
            left = start;
            right = len - end - 1;
        }
        if (left + right > 0) {
            l = db.editable(key, l);
            l.items().removeRange(len - (int) right, len);
            l.items().removeRange(0, (int) left);
            notify(engine, db, "ltrim", key);
            engine.deleteIfEmpty(db, key, l);
            engine.propagate(db.index(), argv);
            engine.addDirty(left + right);
        } else {
            notify(engine, db, "ltrim", key); // as Redis: notified even when nothing was trimmed
        }
        reply.ok();
    }

    /** LINSERT key BEFORE|AFTER pivot element. */
    public static void linsert(Engine engine, Session session, byte[][] argv, Reply reply) {
        boolean after;
        if (Args.is(argv[2], "after")) {
            after = true;
        } else if (Args.is(argv[2], "before")) {
            after = false;
        } else {
            throw new Args.ArgException(Errors.SYNTAX);
        }
        Database db = db(engine, session);
        byte[] key = argv[1];
        ListValue l = list(engine.lookupWrite(db, key));
        if (l == null) {
            reply.integer(0);
            return;
        }
        int at = -1;
        int index = 0;
        for (CountedTree.Cursor c = l.items().cursor(0); c.hasNext(); index++) {
            if (Arrays.equals((byte[]) c.next(), argv[3])) {
                at = index;
                break;
            }
        }
        if (at < 0) {
            reply.integer(-1);
            return;
        }
        l = db.editable(key, l);
        l.items().add(after ? at + 1 : at, argv[4]);
        notify(engine, db, "linsert", key);
        engine.propagate(db.index(), argv);
        engine.addDirty(1);
        reply.integer(l.size());
    }

    /** LREM key count element: count > 0 from the head, < 0 from the tail, 0 all. */
    public static void lrem(Engine engine, Session session, byte[][] argv, Reply reply) {
        long count = Args.parseLong(argv[2]);
        Database db = db(engine, session);
        byte[] key = argv[1];
        ListValue l = list(engine.lookupWrite(db, key));
        if (l == null) {
            reply.integer(0);
            return;
        }
        byte[] element = argv[3];
        boolean fromTail = count < 0;
        long limit = count == 0 ? Long.MAX_VALUE : (count == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(count));
        // Find positions first (reading a possibly shared tree), then remove from the editable one.
        java.util.List<Integer> positions = new java.util.ArrayList<>();
        int len = l.size();
        CountedTree.Cursor c = l.items().cursor(fromTail ? len : 0);
        for (int i = 0; i < len && positions.size() < limit; i++) {
            byte[] e = (byte[]) (fromTail ? c.previous() : c.next());
            if (Arrays.equals(e, element)) {
                positions.add(fromTail ? len - 1 - i : i);
            }
        }
        if (positions.isEmpty()) {
            reply.integer(0);
            return;
        }
        l = db.editable(key, l);
        if (fromTail) {
            for (int p : positions) { // descending
                l.items().remove(p);
            }
        } else {
            for (int j = positions.size() - 1; j >= 0; j--) {
                l.items().remove(positions.get(j));
            }
        }
        notify(engine, db, "lrem", key);
        engine.deleteIfEmpty(db, key, l);
        engine.propagate(db.index(), argv);
        engine.addDirty(positions.size());
        reply.integer(positions.size());
    }
}
