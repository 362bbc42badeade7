package io.relog.engine;

import io.relog.engine.transaction.TransactionState;

/**
 * The engine's view of one client: what command execution needs to know about it. The frontend's
 * connection extends this with network state. Fields are read and written on the engine thread
 * only, unless stated otherwise.
 */
public class Session {

    private final long id;
    private int db;
    private int protocol = 2;
    private boolean noTouch;

    public Session(long id) {
        this.id = id;
    }

    /** Unique client id, as {@code CLIENT ID} reports it. Any thread. */
    public final long id() {
        return id;
    }

    /** The selected database index. */
    public final int db() {
        return db;
    }

    public final void select(int db) {
        this.db = db;
    }

    /** RESP protocol version: 2 or 3. */
    public final int protocol() {
        return protocol;
    }

    public final void protocol(int protocol) {
        this.protocol = protocol;
    }

    /** {@code CLIENT NO-TOUCH}: this client's reads leave keys' access times alone (except TOUCH). */
    public final boolean noTouch() {
        return noTouch;
    }

    public final void noTouch(boolean noTouch) {
        this.noTouch = noTouch;
    }

    private boolean master;

    /**
     * Whether this session is a replica's link to its master: the master's stream is obeyed
     * whatever this server would refuse its own clients ({@code READONLY}, {@code MISCONF}), as
     * Redis' {@code obey_client}.
     */
    public final boolean isMaster() {
        return master;
    }

    public final void master(boolean master) {
        this.master = master;
    }

    private TransactionState transaction;

    /** This client's MULTI/WATCH state, created on first use. Engine thread. */
    public final TransactionState transaction() {
        if (transaction == null) {
            transaction = new TransactionState();
        }
        return transaction;
    }

    /**
     * Whether the client is inside MULTI: from MULTI until EXEC or DISCARD has finished,
     * including while EXEC runs the queued commands. Blocking commands (BLPOP, BZPOPMIN, ...)
     * must not block when this is true: inside a transaction they behave as their non-blocking
     * forms, replying null when nothing can be served, as Redis does.
     */
    public final boolean inTransaction() {
        return transaction != null && transaction.inMulti();
    }
}
