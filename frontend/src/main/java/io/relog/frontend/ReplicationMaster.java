package io.relog.frontend;

import static io.relog.frontend.SpecBuilder.command;

import io.relog.engine.Engine;
import io.relog.engine.Session;
import io.relog.engine.command.Args;
import io.relog.engine.command.CommandSpec;
import io.relog.engine.command.Reply;
import io.relog.log.CommandLog;
import io.relog.log.ReplicationHistory;
import io.relog.replica.master.CdcLink;
import io.relog.replica.master.PsyncDecision;
import io.relog.replica.master.ReplicaLink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master side of replication in the server: the handshake commands ({@code REPLCONF},
 * {@code PSYNC}, {@code SYNC}), the replicas' links, keep-alive {@code PING}s in the stream,
 * {@code repl-timeout}, and what INFO reports about replicas. The links serve the log themselves
 * (see {@link ReplicaLink}); this class decides how each sync starts. Engine thread, except
 * {@link #grew}.
 */
final class ReplicationMaster implements io.relog.frontend.persistence.LogWriter.GrowthListener {

    private static final Logger log = LoggerFactory.getLogger(ReplicationMaster.class);
    private static final byte[][] PING = {"PING".getBytes(StandardCharsets.US_ASCII)};

    private final ServerState state;
    private final List<ReplicaLink> links = new CopyOnWriteArrayList<>();
    /** Change-feed readers (see {@link CdcLink}): not replicas, never counted for WAIT. */
    private final List<CdcLink> cdcLinks = new CopyOnWriteArrayList<>();
    long syncFull;
    long syncPartialOk;
    long syncPartialErr;
    private long lastPingMs = System.currentTimeMillis();

    ReplicationMaster(ServerState state) {
        this.state = state;
    }

    List<CommandSpec> specs() {
        List<CommandSpec> l = new ArrayList<>();
        l.add(command("replconf", -1, "admin noscript loading stale allow_busy", "admin slow dangerous", "server",
                "3.0.0", "An internal command for configuring the replication stream.", this::replconf));
        l.add(command("psync", -3, "admin noscript no_async_loading no_multi", "admin slow dangerous", "server",
                "2.8.0", "An internal command used in replication.", this::psync));
        l.add(command("sync", 1, "admin noscript no_async_loading no_multi", "admin slow dangerous", "server",
                "1.0.0", "An internal command used in replication.", this::sync));
        l.add(command("wait", 3, "noscript", "slow connection", "generic", "3.0.0",
                "Blocks until the asynchronous replication of all preceding write commands sent by the connection "
                        + "is completed.", this::waitCommand));
        return l;
    }

    /** The log grew or became durable further: every online link sends the new bytes. Any thread. */
    @Override
    public void grew() {
        for (ReplicaLink l : links) {
            l.logGrew();
        }
        for (CdcLink l : cdcLinks) {
            l.logGrew();
        }
    }

    /**
     * The engine appended a batch readers may see: the replicas get its bytes from memory (one
     * copy for all of them), each link sending them only if it has sent everything before them
     * ({@link ReplicaLink#tail}); change-feed readers read the log. Engine thread.
     */
    @Override
    public void appended(long offset, byte[] array, int length) {
        if (!links.isEmpty()) {
            byte[] bytes = java.util.Arrays.copyOf(array, length);
            for (ReplicaLink l : links) {
                l.tail(offset, bytes);
            }
        }
        for (CdcLink l : cdcLinks) {
            l.logGrew();
        }
    }

    /**
     * Closes every replica's link: this server's data or replication ID changed under them (a
     * full sync from its own master), so they must PSYNC again. Engine thread.
     */
    void disconnectAll() {
        for (ReplicaLink l : links) {
            l.channel().close();
        }
        for (CdcLink l : cdcLinks) {
            l.channel().close();
        }
    }

    /** Links of connected replicas (INFO). */
    List<ReplicaLink> links() {
        return links;
    }

    /** Links of connected change-feed readers (INFO). */
    List<CdcLink> cdcLinks() {
        return cdcLinks;
    }

    // ---------------------------------------------------------------------------------- WAIT

    /** A client blocked in WAIT: how many replicas must have acknowledged which offset, until when. */
    record Wait(int replicas, long offset, long deadlineMs) {
    }

    private final List<ClientConnection> waiting = new ArrayList<>();
    private boolean getackPending;
    private static final byte[][] GETACK = {"REPLCONF".getBytes(StandardCharsets.US_ASCII),
        "GETACK".getBytes(StandardCharsets.US_ASCII), "*".getBytes(StandardCharsets.US_ASCII)};

    /** Replicas whose acknowledged offset is at least {@code offset}. */
    int acknowledged(long offset) {
        int n = 0;
        for (ReplicaLink l : links) {
            if (!l.isClosed() && l.state() == ReplicaLink.State.ONLINE && l.ackOffset() >= offset) {
                n++;
            }
        }
        return n;
    }

    /**
     * WAIT numreplicas timeout: the number of replicas that have every write this client made, once
     * there are {@code numreplicas} of them or the timeout (ms, 0 = none) passed. As Redis, it asks
     * the replicas for an acknowledgement at once ({@code REPLCONF GETACK *} in the stream) and does
     * not block inside MULTI.
     */
    private void waitCommand(Engine e, Session s, byte[][] a, Reply r) {
        ClientConnection c = (ClientConnection) s;
        if (state.replica != null && state.replica.active()) {
            r.error("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a "
                    + "replica is configured to be writable (which is not the default) writes to replicas are just "
                    + "local and are not propagated.");
            return;
        }
        if (!Args.isLong(a[1]) || !Args.isLong(a[2])) {
            r.error("ERR value is not an integer or out of range");
            return;
        }
        long num = Args.parseLong(a[1]);
        long timeout = Args.parseLong(a[2]);
        if (timeout < 0) {
            r.error("ERR timeout is negative");
            return;
        }
        int acked = acknowledged(c.writeOffset);
        if (acked >= num || s.inTransaction()) {
            r.integer(acked);
            return;
        }
        long deadline = timeout == 0 ? Long.MAX_VALUE : System.currentTimeMillis() + timeout;
        c.waiting = new Wait((int) Math.min(Integer.MAX_VALUE, num), c.writeOffset, deadline);
        waiting.add(c);
        if (!getackPending) {
            getackPending = true;
            state.writer.appendPlumbing(GETACK); // ends with this iteration's batch
        }
    }

    /** Answers the WAITs that are satisfied or timed out. Engine thread (after ACKs and from the cron). */
    void serveWaiting() {
        if (waiting.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        for (var it = waiting.iterator(); it.hasNext();) {
            ClientConnection c = it.next();
            Wait w = c.waiting;
            if (w == null || c.closed) {
                it.remove();
                continue;
            }
            int acked = acknowledged(w.offset());
            if (acked >= w.replicas() || now >= w.deadlineMs()) {
                it.remove();
                c.waiting = null;
                c.reply().protocol(c.protocol());
                c.reply().integer(acked);
                state.loop.resume(c);
            }
        }
    }

    // ----------------------------------------------------------------------------- handshake

    private void replconf(Engine e, Session s, byte[][] a, Reply r) {
        ClientConnection c = (ClientConnection) s;
        if (a.length % 2 == 0) {
            r.error("ERR syntax error");
            return;
        }
        for (int i = 1; i < a.length; i += 2) {
            String opt = new String(a[i], StandardCharsets.UTF_8);
            String val = new String(a[i + 1], StandardCharsets.UTF_8);
            switch (opt.toLowerCase(java.util.Locale.ROOT)) {
                case "listening-port" -> {
                    try {
                        c.replListeningPort = Integer.parseInt(val);
                    } catch (NumberFormatException ex) {
                        r.error("ERR value is not an integer or out of range");
                        return;
                    }
                }
                case "ip-address", "rdb-only", "rdb-filter-only" -> {
                    // accepted; Relog has no use for them
                }
                case "capa" -> c.replCapa.add(val);
                case "relog-cdc" -> {
                    // REPLCONF relog-cdc 1: this connection is a change-feed reader, not a replica.
                    if (!val.equals("1")) {
                        r.error("ERR relog-cdc takes 1 (the version of the annotated stream)");
                        return;
                    }
                    c.cdcReader = true;
                }
                case "ack" -> {
                    // REPLCONF ACK <offset> [FACK <offset>]: no reply, as in Redis.
                    if (c.replicaLink != null && Args.isLong(a[i + 1])) {
                        c.replicaLink.ack(Args.parseLong(a[i + 1]), System.currentTimeMillis());
                        serveWaiting();
                    }
                    return;
                }
                case "getack" -> {
                    // Only a master sends GETACK; a master receiving one has nothing to acknowledge.
                    return;
                }
                default -> {
                    r.error("ERR Unrecognized REPLCONF option: " + opt);
                    return;
                }
            }
        }
        r.ok();
    }

    private void psync(Engine e, Session s, byte[][] a, Reply r) {
        String replid = new String(a[1], StandardCharsets.UTF_8);
        long offset = Args.isLong(a[2]) ? Args.parseLong(a[2]) : -1;
        ClientConnection c = (ClientConnection) s;
        if (c.cdcReader) {
            startCdc(c, offset, r); // a change-feed reader reads this server's log, linked or not
            return;
        }
        if (refusedWithoutMasterLink(s, r)) {
            return;
        }
        start(c, replid, offset, true);
    }

    private void sync(Engine e, Session s, byte[][] a, Reply r) {
        if (((ClientConnection) s).cdcReader) {
            r.error("ERR a CDC reader must use PSYNC <replid|?> <offset>");
            return;
        }
        if (refusedWithoutMasterLink(s, r)) {
            return;
        }
        start((ClientConnection) s, "?", -1, false);
    }

    /**
     * A replica serves its own replicas only while its link to its master is up, as Redis does:
     * before its first sync its data and ID are not its master's yet, and a sub-replica synced
     * from them would be dropped and synced again moments later. The sub-replica retries.
     */
    private boolean refusedWithoutMasterLink(Session s, Reply r) {
        if (((ClientConnection) s).replicaLink == null && state.replica != null && state.replica.active()
                && state.replica.linkState() != ReplicationReplica.LinkState.CONNECTED) {
            r.error("NOMASTERLINK Can't SYNC while not connected with my master");
            return true;
        }
        return false;
    }

    /**
     * PSYNC from a change-feed reader ({@code REPLCONF relog-cdc 1} before it): any retained
     * offset continues, whatever replication ID it names, and nothing is ever answered with a full
     * sync. {@code psyncOffset} is 1-based as in PSYNC (log offset + 1); -1 means the log's end.
     * The link replies {@code +CONTINUE <current replid>} or the error once it has checked the
     * offset against the files.
     */
    private void startCdc(ClientConnection c, long psyncOffset, Reply r) {
        if (c.cdcLink != null) {
            return; // already streaming: a second PSYNC on the link is ignored, as for replicas
        }
        CommandLog cl = state.writer.commandLog();
        long offset = psyncOffset == -1 ? cl.endOffset() : psyncOffset - 1;
        if (offset < 0) {
            r.error("ERR invalid offset " + psyncOffset + ": PSYNC takes the log offset + 1, or -1 for the end");
            return;
        }
        String ip = c.addr().substring(0, c.addr().lastIndexOf(':'));
        int port = Integer.parseInt(c.addr().substring(c.addr().lastIndexOf(':') + 1));
        CdcLink link = new CdcLink(c.channel(), cl, c.id(), ip, port);
        c.cdcLink = link;
        cdcLinks.add(link);
        String current = state.history.current().replid();
        c.afterReplies = () -> link.start(current, offset);
    }

    private void start(ClientConnection c, String replid, long psyncOffset, boolean psync) {
        if (c.replicaLink != null) {
            return; // already a replica: a second PSYNC on the link is ignored, as in Redis
        }
        CommandLog cl = state.writer.commandLog();
        ReplicationHistory history = state.history;
        String ip = c.addr().substring(0, c.addr().lastIndexOf(':'));
        ReplicaLink link = new ReplicaLink(c.channel(), cl, c.id(), ip);
        link.listeningPort(c.replListeningPort);
        c.replCapa.forEach(link::capa);
        c.replicaLink = link;
        links.add(link);
        String current = history.current().replid();
        PsyncDecision d = psync ? PsyncDecision.decide(replid, psyncOffset, history, cl.startOffset(), cl.endOffset())
                : new PsyncDecision(true, -1, "legacy SYNC");
        if (!d.fullSync()) {
            syncPartialOk++;
            log.info("Partial resynchronization request from {}:{} accepted. Sending {} bytes of backlog starting "
                    + "from offset {}.", ip, c.replListeningPort, cl.endOffset() - d.fromOffset(), d.fromOffset() + 1);
            c.afterReplies = () -> link.startContinue(current, d.fromOffset());
            return;
        }
        if (psync && !replid.equals("?")) {
            syncPartialErr++;
        }
        syncFull++;
        log.info("Replica {}:{} asks for synchronization; full resync: {}", ip, c.replListeningPort, d.reason());
        c.afterReplies = () -> fullSync(link, psync);
    }

    /** Sends a retained snapshot the current replication ID covers, or waits for a fresh one. */
    private void fullSync(ReplicaLink link, boolean psync) {
        var snapshots = state.snapshots;
        CommandLog cl = state.writer.commandLog();
        long offset = snapshots.lastOffset();
        Path path = snapshots.lastSnapshotPath();
        if (!snapshots.inProgress() && offset >= cl.startOffset() && offset >= state.history.current().startOffset()
                && path != null && Files.exists(path)) {
            send(link, offset, path, psync);
            return;
        }
        link.awaitSnapshot();
        if (!snapshots.inProgress()) {
            snapshots.requestBackground(false);
        }
        snapshots.afterNextSnapshot(() -> {
            Path p = snapshots.lastSnapshotPath();
            if (link.isClosed()) {
                return;
            }
            if (!snapshots.lastOk() || p == null) {
                log.warn("Full sync of replica {}:{} aborted: the snapshot failed", link.ip(), link.listeningPort());
                link.channel().close();
                return;
            }
            send(link, snapshots.lastOffset(), p, psync);
        });
    }

    private void send(ReplicaLink link, long offset, Path path, boolean psync) {
        try {
            long size = Files.size(path);
            boolean diskless = state.config().get("repl-diskless-sync").equals("yes");
            log.info("Starting full sync of replica {}:{} from snapshot {} (offset {}, {} bytes, {} form)", link.ip(),
                    link.listeningPort(), path.getFileName(), offset, size,
                    diskless && link.capaEof() ? "EOF-marked" : "disk");
            link.sendSnapshot(psync ? state.history.current().replid() : null, offset, path, size, diskless);
        } catch (java.io.IOException e) {
            log.warn("Full sync of replica {}:{} failed: {}", link.ip(), link.listeningPort(), e.getMessage());
            link.channel().close();
        }
    }

    // ---------------------------------------------------------------------------------- cron

    /** Drops closed links, appends a keep-alive PING to the stream, disconnects timed-out replicas. */
    /** After each engine iteration: the GETACK a WAIT asked for is in that iteration's batch; the next WAIT asks again. */
    void afterIteration() {
        getackPending = false;
    }

    static final String NOREPLICAS = "NOREPLICAS Not enough good replicas to write.";

    /** Replicas online whose last acknowledgement is at most {@code min-replicas-max-lag} seconds old. */
    int goodReplicas() {
        long maxLagMs = Long.parseLong(state.config().get("min-replicas-max-lag")) * 1000;
        long now = System.currentTimeMillis();
        int n = 0;
        for (ReplicaLink l : links) {
            if (!l.isClosed() && l.state() == ReplicaLink.State.ONLINE && now - l.ackTimeMs() <= maxLagMs) {
                n++;
            }
        }
        return n;
    }

    /**
     * {@code min-replicas-to-write}: a master with fewer good replicas refuses writes with
     * {@code -NOREPLICAS}, as Redis does (reads and PING go on). A replica's own READONLY wins.
     */
    private void applyMinReplicas() {
        if (state.replica != null && state.replica.active()) {
            return;
        }
        long min = Long.parseLong(state.config().get("min-replicas-to-write"));
        long maxLag = Long.parseLong(state.config().get("min-replicas-max-lag"));
        boolean refuse = min > 0 && maxLag > 0 && goodReplicas() < min;
        String now = state.engine().readOnlyDenial();
        if (refuse && now == null) {
            state.engine().setReadOnlyDenial(NOREPLICAS);
        } else if (!refuse && NOREPLICAS.equals(now)) {
            state.engine().setReadOnlyDenial(null);
        }
    }

    void cron() {
        serveWaiting();
        applyMinReplicas();
        links.removeIf(ReplicaLink::isClosed);
        cdcLinks.removeIf(CdcLink::isClosed);
        if (links.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        long period = Long.parseLong(state.config().get("repl-ping-replica-period")) * 1000;
        if (now - lastPingMs >= period) {
            lastPingMs = now;
            state.writer.appendPlumbing(PING);
        }
        long timeout = Long.parseLong(state.config().get("repl-timeout")) * 1000;
        for (ReplicaLink l : links) {
            if (l.state() == ReplicaLink.State.ONLINE && now - l.ackTimeMs() > timeout) {
                log.warn("Disconnecting timedout replica (streaming sync): {}:{}", l.ip(), l.listeningPort());
                l.channel().close();
            }
        }
    }
}
