package io.relog.engine.propagation;

/**
 * Told about every key a write changed, on the engine thread, as the write is propagated:
 * WATCH (a watched key changed), blocking pops (a key clients wait on may now be served) and,
 * later, client-side caching use it.
 *
 * <p>The keys are derived from the propagated form of the write (see {@link ModifiedKeys}),
 * which is the one place every change to the keyspace passes through — commands, expiry,
 * eviction, FLUSH, and a replica applying its master's stream — so no command can forget to
 * signal. The report may over-approximate: DEL propagates the keys as the client gave them
 * (as Redis does), including ones that did not exist when others did. Observers must not
 * execute commands.
 */
public interface KeyspaceObserver {

    /** {@code key} in database {@code db} was written, deleted or expired. */
    void keyModified(int db, byte[] key);

    /** Every key of database {@code db} may have changed (FLUSHDB, FLUSHALL, SWAPDB). */
    void databaseModified(int db);
}
