package io.relog.frontend;

import io.relog.engine.Engine;
import io.relog.frontend.config.ServerConfig;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.LoggerFactory;

/**
 * What the connection and server commands see of the running server: configuration, engine,
 * connected clients, counters for INFO, and how to shut down. Engine-thread state unless marked.
 */
final class ServerState {

    private final ServerConfig config;
    private final Engine engine;
    final long startTimeMs = System.currentTimeMillis();
    final long startNanos = System.nanoTime();
    final String runId = randomHex(20);
    /** The command log's writer (INFO persistence, CONFIG SET appendfsync). */
    io.relog.frontend.persistence.LogWriter writer;
    /** The replicas connected to this server. */
    ReplicationMaster replication;
    /** The replica side: the link to this server's master, if it has one. Engine thread. */
    ReplicationReplica replica;
    /** Where the IO threads run, and the socket type, for the replica's client connection to its master. */
    io.netty.channel.EventLoopGroup ioGroup;
    Class<? extends io.netty.channel.Channel> clientChannelType;
    /** Where a full sync's RDB is received (the snapshots directory). */
    java.nio.file.Path snapshotDir;
    /** Snapshot schedule and state. Engine thread. */
    io.relog.frontend.persistence.SnapshotScheduler snapshots;
    /** SHUTDOWN has saved (or was told not to): closing must not take another snapshot. */
    volatile boolean shutdownSaved;
    /** The replication IDs the log has lived under. Engine thread. */
    io.relog.log.ReplicationHistory history;
    EngineLoop loop;
    /** SLOWLOG, LATENCY and MONITOR state. Engine thread. */
    Diagnostics diagnostics;
    /** ACL users and the ACL LOG. Engine thread (see {@link io.relog.frontend.acl.Acl}). */
    io.relog.frontend.acl.Acl acl;
    RelogServer server;
    Runnable shutdownAction = () -> { };

    /** Connected clients by id, in connection order. Engine thread. */
    final Map<Long, ClientConnection> clients = new LinkedHashMap<>();
    /** Connected clients, counted on accept (IO threads) for maxclients. Any thread. */
    final AtomicInteger connectedCount = new AtomicInteger();
    final AtomicLong nextClientId = new AtomicLong(1);
    final AtomicLong totalConnections = new AtomicLong();
    final AtomicLong rejectedConnections = new AtomicLong();
    final LongAdder netInputBytes = new LongAdder();
    long netOutputBytes;
    long rejectedCalls;
    /** Error replies sent to clients (INFO total_error_replies). Engine thread. */
    long errorReplies;

    final InstantaneousRate opsPerSec = new InstantaneousRate();
    final InstantaneousRate inputBytesPerSec = new InstantaneousRate();
    final InstantaneousRate outputBytesPerSec = new InstantaneousRate();

    /** Samples the instantaneous_* rates, at most every 100 ms as Redis does. Engine thread (cron). */
    void sampleRates() {
        long now = System.nanoTime();
        opsPerSec.sample(now, engine.totalCommands());
        inputBytesPerSec.sample(now, netInputBytes.sum());
        outputBytesPerSec.sample(now, netOutputBytes);
        notePeakMemory(engine.usedMemory());
    }

    /** Highest {@code used_memory} seen by the cron or INFO (used_memory_peak). Engine thread. */
    private long peakMemory;

    void notePeakMemory(long used) {
        peakMemory = Math.max(peakMemory, used);
    }

    long peakMemory() {
        return peakMemory;
    }

    /** Pending commands per connection above which its reads pause until the engine catches up. */
    static final int MAX_PENDING_COMMANDS = 64 * 1024;

    ServerState(ServerConfig config, Engine engine) {
        this.config = config;
        this.engine = engine;
    }

    ServerConfig config() {
        return config;
    }

    Engine engine() {
        return engine;
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Seconds since start. */
    long uptimeSeconds() {
        return (System.nanoTime() - startNanos) / 1_000_000_000L;
    }

    /** Called by the engine after a batch: lets a paused connection read again once drained. */
    void resumeReadingIfDrained(ClientConnection c, int pending) {
        if (pending < MAX_PENDING_COMMANDS / 2 && !c.channel().config().isAutoRead() && c.channel().isActive()) {
            c.channel().eventLoop().execute(() -> ConnectionHandler.updateAutoRead(c));
        }
    }

    /** Closes clients idle for longer than {@code timeout} seconds (0 = never). Engine thread. */
    void closeIdleClients() {
        int timeout = config.timeout();
        if (timeout <= 0) {
            return;
        }
        long now = engine.clock().millis();
        for (ClientConnection c : clients.values()) {
            // As Redis 7.0: never replicas, blocked clients or pub/sub subscribers (nor CDC readers).
            // A client paused because it does not read its replies is idle too.
            if (now - c.lastInteractionMs > timeout * 1000L && (c.pendingCommands.get() == 0 || c.outputPaused)
                    && !engine.blockedClients().isBlocked(c) && c.replicaLink == null && c.cdcLink == null
                    && !engine.pubsub().isSubscribed(c)) {
                c.channel().close();
            }
        }
    }

    /** Clients closed for their output buffer (INFO client_output_buffer_limit_disconnections). Engine thread. */
    long outputBufferLimitDisconnections;

    /**
     * Closes {@code c} if the replies it has not read exceed its class' {@code
     * client-output-buffer-limit}: the hard limit at once, the soft limit once it has been over it
     * for longer than the soft seconds (checked as replies are sent and by the cron). A replica
     * link has no limit: it is served from the log on disk. Returns whether it closed. Engine thread.
     */
    boolean enforceOutputBufferLimit(ClientConnection c, long nowMs) {
        if (c.replicaLink != null || c.closed) {
            return false;
        }
        int clientClass = engine.pubsub().isSubscribed(c)
                ? io.relog.frontend.config.OutputBufferLimits.PUBSUB : io.relog.frontend.config.OutputBufferLimits.NORMAL;
        long[] limit = config.outputBufferLimit(clientClass);
        if (limit[0] == 0 && limit[1] == 0) {
            return false;
        }
        io.netty.channel.ChannelOutboundBuffer out = c.channel().unsafe().outboundBuffer();
        // Includes writes handed over from this thread and not yet run by the channel's event loop,
        // and the replies still held for an fsync (appendfsync always).
        long pending = (out == null ? 0 : out.totalPendingWriteBytes()) + c.heldReplyBytes;
        boolean hard = limit[0] > 0 && pending >= limit[0];
        boolean soft = false;
        if (limit[1] > 0 && pending >= limit[1]) {
            if (c.softLimitSinceMs < 0) {
                c.softLimitSinceMs = nowMs;
            } else if (nowMs - c.softLimitSinceMs > limit[2] * 1000) {
                soft = true;
            }
        } else {
            c.softLimitSinceMs = -1;
        }
        if (!hard && !soft) {
            return false;
        }
        LoggerFactory.getLogger(ServerState.class).warn("Client id={} addr={} closed for overcoming of output buffer limits ({} bytes pending).",
                c.id(), c.addr(), pending);
        outputBufferLimitDisconnections++;
        c.channel().close();
        return true;
    }

    /** The cron's check of clients over their soft output limit, whose time may run out while nothing is sent. */
    void enforceSoftOutputLimits() {
        long now = engine.clock().millis();
        java.util.List<ClientConnection> over = null;
        for (ClientConnection c : clients.values()) {
            if (c.softLimitSinceMs >= 0) {
                (over == null ? over = new java.util.ArrayList<>() : over).add(c);
            }
        }
        if (over != null) {
            for (ClientConnection c : over) {
                enforceOutputBufferLimit(c, now);
            }
        }
    }

    /** Frees every client's reply buffer; the engine thread calls this when it stops. */
    void releaseAllClients() {
        for (ClientConnection c : clients.values()) {
            c.closed = true;
            c.reply().release();
            // Close the socket now rather than rely on the IO event loops' shutdown to do it:
            // under load a client sometimes stayed connected after the server had stopped.
            c.channel().close();
        }
        clients.clear();
    }
}
