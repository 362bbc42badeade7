package io.relog.frontend;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.relog.engine.Engine;
import io.relog.engine.Session;
import io.relog.engine.command.Reply;
import io.relog.log.ReplicationHistory;
import io.relog.log.resp.RespCommands;
import io.relog.replica.replica.MasterLinkHandler;
import io.relog.snapshot.rdb.EncodingLimits;
import io.relog.snapshot.rdb.RdbLoad;
import io.relog.snapshot.rdb.RdbReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica side in the server: the link to the master ({@link MasterLinkHandler} does the
 * protocol), and what it does to this server — the full sync's swap, applying the stream on the
 * engine thread through a master session, copying the stream into the log byte for byte,
 * acknowledging offsets, reconnecting, and promotion ({@code REPLICAOF NO ONE}).
 *
 * <p><b>Offsets.</b> The replica's offset is the log offset of the last byte of the last command
 * it has fully processed, as Redis' {@code reploff}: a {@code MULTI} and what follows it count
 * only once its {@code EXEC} has run, and those bytes reach the log only then, so a batch never
 * ends inside a transaction. A dropped link loses the half-received transaction; the PSYNC that
 * follows asks for it again from its {@code MULTI}.
 *
 * <p>Engine thread, except the listener callbacks, which hand their work to it tagged with the
 * link they came from, so work of a link that was replaced is dropped.
 */
final class ReplicationReplica {

    private static final Logger log = LoggerFactory.getLogger(ReplicationReplica.class);
    static final String READONLY = "READONLY You can't write against a read only replica.";

    /** The link's state as {@code ROLE} names it (Redis' repl_state, coarsely). */
    enum LinkState {
        CONNECT("connect"), CONNECTING("connecting"), SYNC("sync"), CONNECTED("connected");

        final String role;

        LinkState(String role) {
            this.role = role;
        }
    }

    private final ServerState state;
    private String host;
    private int port;
    private LinkState linkState = LinkState.CONNECT;
    private Channel channel;
    private MasterLinkHandler handler;
    /** Incremented for every new link: callbacks of older links are ignored. */
    private long generation;
    private int failures;
    private long nextAttemptMs;
    private long lastAckMs;
    private long linkDownSinceMs = -1;

    /** The master's session: obeyed, replies discarded. */
    private Session master;
    /** Log offset up to which the stream is processed (and handed to the log). */
    private long processedOffset;
    /** Bytes of an open transaction, held until its EXEC. */
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private int pendingCommands;
    private int pendingDb;
    private final io.relog.engine.command.DiscardedReply reply = new io.relog.engine.command.DiscardedReply();

    ReplicationReplica(ServerState state) {
        this.state = state;
    }

    /** Whether this server is a replica. */
    boolean active() {
        return host != null;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    LinkState linkState() {
        return linkState;
    }

    /** The offset processed from the master's stream. */
    long processedOffset() {
        return processedOffset;
    }

    /** Seconds since the last bytes from the master, or -1 without a link. */
    long lastIoSecondsAgo() {
        MasterLinkHandler h = handler;
        return h == null || channel == null ? -1 : (System.currentTimeMillis() - h.lastIoMs()) / 1000;
    }

    long linkDownSinceSeconds() {
        return linkDownSinceMs < 0 ? -1 : (System.currentTimeMillis() - linkDownSinceMs) / 1000;
    }

    boolean syncInProgress() {
        return linkState == LinkState.SYNC;
    }

    long syncReceivedBytes() {
        return handler == null ? 0 : handler.rdbReceivedBytes();
    }

    // --------------------------------------------------------------------------- role changes

    /**
     * Becomes a replica of {@code host:port} (REPLICAOF, or the {@code replicaof} directive at
     * start): the data stays until a full sync replaces it; the PSYNC offers this server's own
     * replication ID and log end, so a master whose history holds them continues.
     *
     * @param streamDb the database the log's stream has selected at its end
     */
    void replicaOf(String host, int port, int streamDb) {
        boolean wasReplica = active();
        disconnect();
        this.host = host;
        this.port = port;
        Engine e = state.engine();
        if (!wasReplica) {
            state.writer.afterIteration(); // this server's own writes so far end its stream
            master = newMasterSession(Math.max(0, streamDb));
            e.propagator().assumeSelected(streamDb); // a snapshot before the first command records it
        }
        processedOffset = state.writer.commandLog().endOffset();
        state.writer.replicating(true);
        e.setReplica(true);
        applyReadOnly();
        linkState = LinkState.CONNECT;
        failures = 0;
        nextAttemptMs = 0;
        linkDownSinceMs = System.currentTimeMillis();
        log.info("Connecting to MASTER {}:{}", host, port);
        connect();
    }

    /** {@code REPLICAOF NO ONE}: a master again, under a new replication ID from the log end. */
    void noOne() throws IOException {
        if (!active()) {
            return;
        }
        disconnect();
        host = null;
        Engine e = state.engine();
        state.writer.afterIteration(); // what was processed is in the log before the ID changes
        state.writer.replicating(false);
        e.setReplica(false);
        e.setReadOnlyDenial(null);
        long end = state.writer.commandLog().endOffset();
        ReplicationHistory.Entry old = state.history.current();
        ReplicationHistory.Entry now = state.history.shift(ReplicationHistory.randomReplid(), end);
        log.info("Setting secondary replication ID to {}, valid up to offset: {}. New replication ID is {}",
                old.replid(), end + 1, now.replid());
        // As Redis: the replicas learn the new ID only from a new +CONTINUE, so they reconnect (partially).
        state.replication.disconnectAll();
        log.info("MASTER MODE enabled");
        master = null;
    }

    /** Applies {@code replica-read-only} (start, CONFIG SET, role change). */
    void applyReadOnly() {
        boolean ro = state.config().get("replica-read-only").equals("yes");
        state.engine().setReadOnlyDenial(active() && ro ? READONLY : null);
    }

    private Session newMasterSession(int db) {
        Session s = new Session(-2);
        s.master(true);
        s.select(db);
        return s;
    }

    /** Closes the link to the master (CLIENT KILL TYPE master); it reconnects. Whether there was one. */
    boolean killLink() {
        if (channel == null) {
            return false;
        }
        channel.close();
        return true;
    }

    // ------------------------------------------------------------------------------ commands

    java.util.List<io.relog.engine.command.CommandSpec> specs() {
        return java.util.List.of(
                SpecBuilder.command("replicaof", 3, "admin noscript stale no_async_loading", "admin slow dangerous",
                        "server", "5.0.0", "Configures a server as replica of another, or promotes it to a master.",
                        this::replicaofCommand),
                SpecBuilder.command("slaveof", 3, "admin noscript stale no_async_loading", "admin slow dangerous",
                        "server", "1.0.0", "Sets a Redis server as a replica of another, or promotes it to being a "
                                + "master.", this::replicaofCommand),
                SpecBuilder.command("role", 1, "noscript loading stale fast", "admin fast dangerous", "server",
                        "2.8.12", "Returns the replication role.", this::roleCommand));
    }

    private void replicaofCommand(Engine e, Session s, byte[][] a, Reply r) {
        if (RespCommands.is(a[1], "no") && RespCommands.is(a[2], "one")) {
            if (active()) {
                try {
                    noOne();
                } catch (IOException ex) {
                    r.error("ERR cannot record the new replication ID: " + ex.getMessage());
                    return;
                }
            }
            r.ok();
            return;
        }
        if (s instanceof ClientConnection c && c.replicaLink != null) {
            r.error("ERR Command is not valid when client is a replica.");
            return;
        }
        long p;
        try {
            p = Long.parseLong(new String(a[2], java.nio.charset.StandardCharsets.US_ASCII));
        } catch (NumberFormatException ex) {
            p = -1;
        }
        if (p < 0 || p > 65535) {
            r.error("ERR Invalid master port");
            return;
        }
        String h = new String(a[1], java.nio.charset.StandardCharsets.UTF_8);
        if (active() && host.equalsIgnoreCase(h) && port == p) {
            r.simple("OK Already connected to specified master");
            return;
        }
        replicaOf(h, (int) p, e.propagator().streamDb());
        r.ok();
    }

    private void roleCommand(Engine e, Session s, byte[][] a, Reply r) {
        if (!active()) {
            var links = state.replication.links().stream().filter(l -> !l.isClosed()).toList();
            r.array(3);
            r.bulk("master");
            r.integer(state.writer.commandLog().endOffset());
            r.array(links.size());
            for (var l : links) {
                r.array(3);
                r.bulk(l.ip());
                r.bulk(Integer.toString(l.listeningPort()));
                r.bulk(Long.toString(l.ackOffset()));
            }
            return;
        }
        r.array(5);
        r.bulk("slave");
        r.bulk(host);
        r.integer(port);
        r.bulk(linkState.role);
        r.integer(linkState == LinkState.CONNECTED ? processedOffset : -1);
    }

    private void disconnect() {
        generation++;
        if (channel != null) {
            channel.close();
        }
        channel = null;
        handler = null;
        dropPendingTransaction();
    }

    private void dropPendingTransaction() {
        if (master != null && master.inTransaction()) {
            state.engine().discardTransaction(master);
        }
        pending.reset();
        pendingCommands = 0;
    }

    // ------------------------------------------------------------------------------ the link

    private void connect() {
        long gen = ++generation;
        var cfg = state.config();
        // tls-replication: the master is reached over TLS, and this server announces its TLS port, as Redis does.
        io.netty.handler.ssl.SslContext tls = cfg.get("tls-replication").equals("yes") ? state.server.tls().client() : null;
        boolean tlsLink = tls != null;
        String masterHost = host;
        int masterPort = port;
        MasterLinkHandler.Handshake hs = new MasterLinkHandler.Handshake(cfg.get("masteruser"),
                cfg.get("masterauth"),
                tlsLink && state.server.tlsPort() != 0 ? state.server.tlsPort() : state.server.port(),
                state.history.current().replid(), processedOffset,
                state.snapshotDir);
        Listener listener = new Listener(gen);
        MasterLinkHandler h = new MasterLinkHandler(hs, listener);
        listener.link = h;
        handler = h;
        linkState = LinkState.CONNECTING;
        Bootstrap b = new Bootstrap().group(state.ioGroup).channel(state.clientChannelType)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        Long.parseLong(cfg.get("repl-timeout")) * 1000))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast("ssl", tls.newHandler(ch.alloc(), masterHost, masterPort));
                        }
                        ch.pipeline().addLast("master-link", h);
                    }
                });
        ChannelFuture f = b.connect(host, port);
        channel = f.channel();
        f.addListener(done -> {
            if (!done.isSuccess()) {
                log.warn("Error condition on socket for SYNC: {}", done.cause().getMessage());
            } else {
                log.info("MASTER <-> REPLICA sync started");
            }
        });
        channel.closeFuture().addListener(x -> state.loop.execute(() -> linkClosed(gen)));
    }

    private void linkClosed(long gen) {
        if (gen != generation || !active()) {
            return;
        }
        if (linkState == LinkState.CONNECTED) {
            log.info("Connection with master lost.");
        }
        channel = null;
        dropPendingTransaction();
        linkState = LinkState.CONNECT;
        if (linkDownSinceMs < 0) {
            linkDownSinceMs = System.currentTimeMillis();
        }
        // Backoff: the first retry soon, then doubling up to 5 s.
        long delay = Math.min(5000, 100L << Math.min(6, failures));
        failures++;
        nextAttemptMs = System.currentTimeMillis() + delay;
    }

    /** Server cron: reconnects, acknowledges every second, enforces repl-timeout. */
    void cron() {
        if (!active()) {
            return;
        }
        long now = System.currentTimeMillis();
        if (linkState == LinkState.CONNECT && channel == null && now >= nextAttemptMs) {
            log.info("Connecting to MASTER {}:{}", host, port);
            connect();
            return;
        }
        MasterLinkHandler h = handler;
        if (h == null || channel == null) {
            return;
        }
        if (linkState == LinkState.CONNECTED && now - lastAckMs >= 1000) {
            lastAckMs = now;
            h.sendAck(processedOffset);
        }
        long timeout = Long.parseLong(state.config().get("repl-timeout")) * 1000;
        if (channel.config().isAutoRead() && now - h.lastIoMs() > timeout) {
            log.warn("MASTER timeout: no data nor PING received...");
            channel.close();
        }
    }

    /** Hands the link's events to the engine thread, dropping those of a replaced link. */
    private final class Listener implements MasterLinkHandler.Listener {
        private final long gen;
        /** The link whose events these are (set right after it is made). */
        volatile MasterLinkHandler link;

        Listener(long gen) {
            this.gen = gen;
        }

        private void onEngine(Runnable r) {
            state.loop.execute(() -> {
                if (gen == generation && active()) {
                    r.run();
                }
            });
        }

        @Override
        public void fullResync(String replid, long offset) {
            log.info("Full resync from master: {}:{}", replid, offset);
            onEngine(() -> linkState = LinkState.SYNC);
        }

        @Override
        public void rdbReceived(Path file, String replid, long offset) {
            // Loaded off the engine thread: the old data set keeps serving meanwhile.
            Thread t = new Thread(() -> load(gen, file, replid, offset), "relog-replica-load");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void continued(String replid) {
            onEngine(() -> partialResync(replid));
        }

        @Override
        public void stream(MasterLinkHandler.StreamChunk chunk) {
            MasterLinkHandler l = link;
            state.loop.execute(new EngineLoop.OwningTask() {
                @Override
                public void run() {
                    try {
                        if (gen == generation && active()) {
                            apply(chunk);
                        }
                    } finally {
                        drop();
                    }
                }

                @Override
                public void drop() {
                    chunk.release(); // the log writer holds what it still has to write
                    l.applied(chunk.size()); // the link reads on once the engine catches up
                }
            });
        }

        @Override
        public void failed(String reason) {
            log.warn("Replication with {}:{} failed: {}", host, port, reason);
        }
    }

    // ----------------------------------------------------------------------------- full sync

    private void load(long gen, Path file, String replid, long offset) {
        Engine e = state.engine();
        long start = System.nanoTime();
        try {
            log.info("MASTER <-> REPLICA sync: Loading DB in memory");
            RdbLoad load = RdbReader.read(file, RdbReader.Options.of(e));
            log.info("MASTER <-> REPLICA sync: {} keys loaded in {} ms", load.keys(),
                    (System.nanoTime() - start) / 1_000_000);
            state.loop.execute(() -> swapIn(gen, file, load, replid, offset));
        } catch (IOException | RuntimeException ex) {
            log.warn("Failed trying to load the MASTER synchronization DB from disk: {}", ex.getMessage());
            deleteQuietly(file);
            state.loop.execute(() -> {
                if (gen == generation && channel != null) {
                    channel.close();
                }
            });
        }
    }

    /** Engine thread: replaces the data set, the log and the history with the master's. */
    private void swapIn(long gen, Path file, RdbLoad load, String replid, long offset) {
        if (gen != generation || !active()) {
            deleteQuietly(file);
            return;
        }
        if (state.snapshots.inProgress()) {
            // The snapshot thread reads the old log and writes at an old offset: let it finish first.
            state.snapshots.afterNextSnapshot(() -> swapIn(gen, file, load, replid, offset));
            return;
        }
        Engine e = state.engine();
        try {
            state.writer.afterIteration();
            state.replication.disconnectAll(); // our replicas must resync with the new data, as in Redis
            // A crash from here until the history names the master's ID must not PSYNC with the old one.
            state.history.shift(ReplicationHistory.randomReplid(), state.writer.commandLog().endOffset());
            // From here until the history names the master, a crash leaves neither data set whole:
            // the marker makes the next start discard what is left (RelogServer).
            Path marker = state.writer.commandLog().dir().resolve(RelogServer.FULL_SYNC_MARKER);
            Files.write(marker, new byte[0]);
            io.relog.log.DirectorySync.fsync(marker.getParent());
            state.writer.resetLog(offset);
            state.snapshots.adoptFullSync(file, offset);
            state.history.reset(replid, offset);
            Files.delete(marker);
            io.relog.log.DirectorySync.fsync(marker.getParent());
        } catch (IOException ex) {
            log.warn("Full sync failed: cannot reset the log or keep the master's RDB: {}", ex.getMessage());
            deleteQuietly(file);
            if (channel != null) {
                channel.close();
            }
            return;
        }
        for (int db = 0; db < e.databases(); db++) {
            e.db(db).clear();
            if (db < load.databases().length && load.databases()[db] != null) {
                e.db(db).swapWith(load.databases()[db]);
            }
        }
        e.resetDirty();
        int streamDb = load.replStreamDb();
        master = newMasterSession(Math.max(0, streamDb));
        e.propagator().assumeSelected(streamDb);
        processedOffset = offset;
        dropPendingTransaction();
        linkState = LinkState.CONNECTED;
        failures = 0;
        linkDownSinceMs = -1;
        log.info("MASTER <-> REPLICA sync: Finished with success");
        if (channel == null) {
            // The link dropped while the RDB was loading: the data set is the master's at its
            // offset all the same, so the next attempt PSYNCs from there.
            linkState = LinkState.CONNECT;
            nextAttemptMs = 0;
            linkDownSinceMs = System.currentTimeMillis();
            return;
        }
        MasterLinkHandler h = handler;
        if (h != null) {
            h.resume();
            lastAckMs = System.currentTimeMillis();
            h.sendAck(processedOffset); // a master streams after a diskless sync only once acknowledged
        }
    }

    private void partialResync(String replid) {
        String current = state.history.current().replid();
        if (replid != null && !replid.equalsIgnoreCase(current)) {
            try {
                state.writer.afterIteration();
                state.history.shift(replid, state.writer.commandLog().endOffset());
                log.info("Master replication ID changed to {}", replid);
            } catch (IOException ex) {
                log.warn("Cannot record the master's new replication ID: {}", ex.getMessage());
                channel.close();
                return;
            }
            state.replication.disconnectAll(); // as Redis: sub-replicas must learn the new ID
        }
        log.info("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
        linkState = LinkState.CONNECTED;
        failures = 0;
        linkDownSinceMs = -1;
    }

    // ------------------------------------------------------------------------------ streaming

    /**
     * Applies a chunk's commands in order and hands their bytes to the log writer: each run of
     * commands outside a transaction as a slice of the received buffer (no copy), which the
     * writer writes with the rest of the iteration's as one batch when the iteration ends; a
     * transaction's bytes are held until its {@code EXEC} has run, then handed over whole.
     */
    private void apply(MasterLinkHandler.StreamChunk chunk) {
        Engine e = state.engine();
        io.netty.buffer.ByteBuf bytes = chunk.bytes();
        int base = bytes.readerIndex();
        int pos = 0;
        int runStart = 0;     // the commands since runStart are applied and not yet logged
        int runCommands = 0;
        int runDb = master.db();
        int count = chunk.commands().size();
        for (int i = 0; i < count; i++) {
            byte[][] argv = chunk.commands().get(i);
            int len = chunk.lengths()[i];
            if (EngineLoop.WARM && count >= 2 && i % Engine.WARM_WINDOW == 0) {
                e.warm(master, chunk.commands(), i, i + Engine.WARM_WINDOW); // see Engine.warm
            }
            int dbBefore = master.db();
            boolean replconf = RespCommands.is(argv[0], "replconf");
            boolean getack = replconf && argv.length >= 2 && RespCommands.is(argv[1], "getack");
            if (!replconf) {
                reply.clearError();
                e.execute(master, argv, reply);
                if (reply.lastError() != null) {
                    log.warn("Command '{}' from the master failed: {}", new String(argv[0],
                            java.nio.charset.StandardCharsets.UTF_8), reply.lastError());
                }
            }
            if (master.inTransaction() || pending.size() > 0) {
                if (runCommands > 0) {
                    state.writer.appendRaw(bytes.retainedSlice(base + runStart, pos - runStart), runCommands, runDb, false);
                    runCommands = 0;
                }
                if (pending.size() == 0) {
                    pendingDb = dbBefore;
                }
                pending.write(ByteBufUtil.getBytes(bytes, base + pos, len), 0, len);
                pendingCommands++;
                if (!master.inTransaction()) {
                    byte[] tx = pending.toByteArray();
                    state.writer.appendRaw(tx, 0, tx.length, pendingCommands, pendingDb, true);
                    processedOffset += tx.length;
                    pending.reset();
                    pendingCommands = 0;
                }
            } else {
                if (runCommands == 0) {
                    runStart = pos;
                    runDb = dbBefore;
                }
                runCommands++;
                processedOffset += len;
            }
            pos += len;
            if (getack && handler != null) {
                handler.sendAck(processedOffset); // its own bytes counted, as Redis does
            }
        }
        if (runCommands > 0) {
            state.writer.appendRaw(bytes.retainedSlice(base + runStart, pos - runStart), runCommands, runDb, false);
        }
        e.propagator().assumeSelected(master.db());
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temp file; the next start removes it
        }
    }
}
