package io.relog.engine.propagation;

import io.relog.engine.command.Args;

/**
 * Which keys a propagated write changed. Propagated forms are plain and deterministic (LMPOP
 * is propagated as LPOP, SPOP as SREM, an expiry as DEL, ...), so a short list of shapes covers
 * every write: most commands change their first argument; the rest are named here.
 */
public final class ModifiedKeys {

    private ModifiedKeys() {
    }

    /** Reports to {@code observer} the keys that {@code argv}, executed in database {@code db}, changed. */
    public static void report(int db, byte[][] argv, int databases, KeyspaceObserver observer) {
        byte[] name = argv[0];
        int n = argv.length;
        if (Args.is(name, "flushall")) {
            for (int d = 0; d < databases; d++) {
                observer.databaseModified(d);
            }
        } else if (Args.is(name, "flushdb")) {
            observer.databaseModified(db);
        } else if (Args.is(name, "swapdb")) {
            observer.databaseModified(dbIndex(argv[1], db));
            observer.databaseModified(dbIndex(argv[2], db));
        } else if (Args.is(name, "move")) {
            observer.keyModified(db, argv[1]);
            observer.keyModified(dbIndex(argv[2], db), argv[1]);
        } else if (Args.is(name, "copy")) {
            int target = db;
            for (int i = 3; i + 1 < n; i++) {
                if (Args.is(argv[i], "db")) {
                    target = dbIndex(argv[i + 1], db);
                }
            }
            observer.keyModified(target, argv[2]);
        } else if (Args.is(name, "del") || Args.is(name, "unlink")) {
            for (int i = 1; i < n; i++) {
                observer.keyModified(db, argv[i]);
            }
        } else if (Args.is(name, "mset") || Args.is(name, "msetnx")) {
            for (int i = 1; i < n; i += 2) {
                observer.keyModified(db, argv[i]);
            }
        } else if (Args.is(name, "rename") || Args.is(name, "renamenx") || Args.is(name, "smove")
                || Args.is(name, "lmove") || Args.is(name, "rpoplpush")) {
            observer.keyModified(db, argv[1]);
            observer.keyModified(db, argv[2]);
        } else if (Args.is(name, "sort")) {
            for (int i = 2; i + 1 < n; i++) {
                if (Args.is(argv[i], "store")) {
                    observer.keyModified(db, argv[i + 1]);
                }
            }
        } else if (Args.is(name, "multi") || Args.is(name, "exec") || Args.is(name, "publish")
                || Args.is(name, "ping") || Args.is(name, "select")) {
            return;
        } else if (n > 1) {
            // SET, PEXPIREAT, HSET, LPUSH, ZADD, SREM, ... and the *STORE commands (destination first).
            observer.keyModified(db, argv[1]);
        }
    }

    private static int dbIndex(byte[] arg, int fallback) {
        return Args.isLong(arg) ? (int) Args.parseLong(arg) : fallback;
    }
}
