package io.relog.frontend;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.relog.engine.Clock;
import io.relog.engine.Engine;
import io.relog.engine.EngineCommands;
import io.relog.frontend.persistence.LogReplay;
import io.relog.frontend.persistence.SnapshotRestore;
import io.relog.frontend.persistence.SnapshotScheduler;
import io.relog.snapshot.SnapshotFiles;
import io.relog.frontend.persistence.LogWriter;
import io.relog.log.CommandLog;
import io.relog.log.LogOptions;
import io.relog.log.ReplicationHistory;
import io.relog.snapshot.SnapshotCommands;
import io.relog.frontend.config.RelogVersion;
import io.relog.frontend.config.ServerConfig;
import io.relog.frontend.resp.RequestDecoder;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Relog server: the listening sockets, the IO event loops, the engine thread.
 *
 * <p>{@link #start} returns once every address is accepting; {@link #close} stops accepting,
 * closes the clients, stops the engine thread and releases the port. Thread-safe.
 */
public final class RelogServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RelogServer.class);

    private final ServerConfig config;
    private final Engine engine;
    private EngineLoop loop;
    private ServerState state;
    private EventLoopGroup bossGroup;
    private EventLoopGroup ioGroup;
    private final LogWriter writer;
    private final SnapshotFiles snapshotFiles;
    private final SnapshotScheduler snapshotScheduler;
    private final ReplicationHistory history;
    /** Written to the log directory by a clean stop, removed at start: its absence means a crash. */
    static final String CLEAN_SHUTDOWN_MARKER = "clean-shutdown";
    /**
     * Written to the log directory by a replica's full sync just before it deletes its log, removed
     * once the master's RDB and replication ID are recorded: its presence at start means a crash
     * left a mix of the old and the new data set (see {@link #discardInterruptedFullSync}).
     */
    static final String FULL_SYNC_MARKER = "full-sync-in-progress";
    private final List<Channel> listeners = new ArrayList<>();
    /** The {@code tls-port} listeners (none without TLS). */
    private final List<Channel> tlsListeners = new ArrayList<>();
    private final io.relog.frontend.tls.TlsContexts tls = new io.relog.frontend.tls.TlsContexts();
    private volatile int tlsPort;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private ServerBootstrap bootstrap;
    private volatile int port;
    private boolean closed;
    /** The database the log's stream has selected at its end (where a replica's master stream goes on). */
    private int replayedStreamDb;

    private RelogServer(ServerConfig config) throws Exception {
        this.config = config;
        try {
            tls.reload(config); // a bad certificate or key stops the start before anything is opened
        } catch (io.relog.frontend.tls.TlsContexts.TlsConfigException e) {
            throw new java.io.IOException("TLS configuration: " + e.getMessage(), e);
        }
        Files.createDirectories(config.dir());
        Path logDir = config.dir().resolve("log");
        this.snapshotFiles = new SnapshotFiles(config.dir());
        snapshotFiles.deleteTemporaryFiles();
        discardInterruptedFullSync(config.dir(), logDir, snapshotFiles);
        List<SnapshotFiles.Snapshot> snapshots = snapshotFiles.list();
        // A log that is gone entirely restarts where the newest snapshot ends.
        CommandLog commandLog = CommandLog.open(logDir,
                new LogOptions(config.logSegmentBytes(), config.logSegmentMs(), config.logRecoveryTruncates(),
                        config.get("log-preallocate").equals("yes")),
                snapshots.isEmpty() ? 0 : snapshots.get(snapshots.size() - 1).offset());
        try {
            for (String w : commandLog.recovery().warnings()) {
                log.warn(w);
            }
            this.writer = new LogWriter(commandLog, config.appendonly(), config.appendfsync());
            this.engine = new Engine(config.databases(), Clock.SYSTEM, writer);
            ServerCommands.applyToEngine(engine, config);
            EngineCommands.registerAll(engine.commands());
            SnapshotCommands.registerAll(engine.commands());
            this.history = openHistory(logDir, commandLog, !config.get("replicaof").isEmpty());
            this.snapshotScheduler = new SnapshotScheduler(engine, commandLog, snapshotFiles, () -> history, writer,
                    System.currentTimeMillis() / 1000);
            SnapshotRestore.Restored restored = SnapshotRestore.restore(config, engine, commandLog, snapshots);
            this.replayedStreamDb = LogReplay.replay(commandLog, engine, writer, restored.replayFrom(),
                    restored.streamDb()).streamDb();
            if (restored.snapshot() != null) {
                snapshotScheduler.restoredFrom(restored.snapshot().offset(), restored.snapshot().size(),
                        java.nio.file.Files.getLastModifiedTime(restored.snapshot().path()).toMillis() / 1000);
            }
            if (restored.fromRedisDump()) {
                // The data came from dump.rdb, not from the log: a snapshot makes it part of this data dir.
                snapshotScheduler.saveNow();
            }
        } catch (Exception | Error e) {
            commandLog.close();
            throw e;
        }
        try {
            bindAndStart();
        } catch (Exception | Error e) {
            writer.close();
            throw e;
        }
    }

    /**
     * A replica's full sync replaces the log, the snapshots and the replication history one after
     * the other; a crash between those steps leaves, for example, an empty log at the master's
     * offset beside snapshots of the old data, from which no start is possible. The data was being
     * replaced anyway (as Redis replaces its dump.rdb before loading it), so such a directory is
     * emptied: the server starts with no data under a new replication ID, and as a replica syncs
     * in full again.
     */
    private static void discardInterruptedFullSync(Path dataDir, Path logDir, SnapshotFiles snapshots)
            throws java.io.IOException {
        Path marker = logDir.resolve(FULL_SYNC_MARKER);
        if (!Files.exists(marker)) {
            return;
        }
        log.warn("A full sync from a master was interrupted while it replaced this server's data: discarding "
                + "the log, the snapshots and the replication history; starting empty");
        for (SnapshotFiles.Snapshot s : snapshots.list()) {
            Files.deleteIfExists(s.path());
        }
        try (var files = Files.newDirectoryStream(logDir, "[0-9]*.{log,idx}")) {
            for (Path p : files) {
                Files.delete(p);
            }
        }
        Files.deleteIfExists(dataDir.resolve(ReplicationHistory.FILE_NAME));
        if (Files.isDirectory(snapshots.directory())) {
            io.relog.log.DirectorySync.fsync(snapshots.directory());
        }
        io.relog.log.DirectorySync.fsync(dataDir);
        Files.delete(marker);
        io.relog.log.DirectorySync.fsync(logDir);
    }

    /**
     * Loads the replication history. After an unclean stop a master's log may have lost an
     * unsynced tail that its replicas already saw; writing on under the same ID would give two
     * different streams one name, so a master continues under a new replication ID from the
     * recovered end (replicas at or below it continue under the old one).
     *
     * <p>A server that starts as a replica ({@code replicaof}) keeps its ID, as Redis' {@code
     * replicationCacheMasterUsingMyself} does: it writes nothing of its own, its log holds only
     * bytes its master sent (recovery cut any torn tail on a command boundary and keeps a
     * transaction whole or drops it), so what is left is a prefix of the stream that ID names,
     * and the PSYNC with the recovered end lets the master decide — {@code +CONTINUE} if its
     * history covers that offset, a full sync if not. This holds even for a former master that
     * lost a tail: the lost bytes are asked for again from the new master, which has them under
     * this ID only if a replica received them; and its own replicas that saw more than the
     * recovered end are refused a continuation (their offset is past this ID's range here). A
     * crash in the middle of a full sync left a throw-away ID in the history, so that one is
     * redone.
     */
    private static ReplicationHistory openHistory(Path logDir, CommandLog commandLog, boolean replica)
            throws java.io.IOException {
        Path marker = logDir.resolve(CLEAN_SHUTDOWN_MARKER);
        boolean clean = Files.exists(marker);
        boolean fresh = !Files.exists(logDir.getParent().resolve(ReplicationHistory.FILE_NAME));
        ReplicationHistory history = ReplicationHistory.load(logDir.getParent(), commandLog.startOffset());
        if (!clean && !fresh && replica) {
            log.info("The log was not closed cleanly; starting as a replica: continuing under replication ID {} "
                    + "from the recovered offset {}", history.current().replid(), commandLog.endOffset());
        } else if (!clean && !fresh && commandLog.endOffset() > history.current().startOffset()) {
            ReplicationHistory.Entry e = history.shift(ReplicationHistory.randomReplid(), commandLog.endOffset());
            log.info("The log was not closed cleanly: continuing under a new replication ID {} from offset {}",
                    e.replid(), e.startOffset());
        }
        Files.deleteIfExists(marker);
        return history;
    }

    private void bindAndStart() throws Exception {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        this.bossGroup = new MultiThreadIoEventLoopGroup(1, io);
        this.ioGroup = new MultiThreadIoEventLoopGroup(config.ioThreads(), io);
        this.bootstrap = bootstrap(channelType, false);
        int tlsPortWanted = Integer.parseInt(config.get("tls-port"));
        // As in Redis, "port 0" with a tls-port means TLS only; without one it means any free port.
        boolean plain = !(config.port() == 0 && tlsPortWanted != 0);
        try {
            if (plain) {
                listeners.addAll(listen(bootstrap, config.bind(), config.port()));
            }
            if (tlsPortWanted != 0) {
                tlsListeners.addAll(listen(bootstrap(channelType, true), config.bind(), tlsPortWanted));
                tlsPort = tlsPortWanted;
            }
        } catch (Exception e) {
            close(listeners);
            bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            ioGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        int bound = plain ? ((InetSocketAddress) listeners.get(0).localAddress()).getPort() : 0;
        this.port = bound;
        config.setEffective("port", Integer.toString(bound));
        ServerState st = new ServerState(config, engine);
        this.state = st;
        boolean sharedEngine = config.engineThreadShared();
        this.loop = new EngineLoop(engine, state, sharedEngine ? ioGroup.next() : null);
        state.loop = loop;
        state.server = this;
        state.shutdownAction = () -> {
            Thread t = new Thread(this::close, "relog-shutdown");
            t.start();
        };
        state.writer = writer;
        state.history = history;
        state.snapshots = snapshotScheduler;
        state.replication = new ReplicationMaster(state);
        state.replica = new ReplicationReplica(state);
        state.ioGroup = ioGroup;
        state.clientChannelType = epoll ? EpollSocketChannel.class : io.netty.channel.socket.nio.NioSocketChannel.class;
        state.snapshotDir = snapshotFiles.directory();
        state.diagnostics = new Diagnostics(state);
        state.diagnostics.configure(config);
        engine.setCallListener(state.diagnostics);
        Diagnostics diagnostics = state.diagnostics;
        writer.setFsyncListener(us -> { // sync thread: only a slow fsync crosses to the engine thread
            long threshold = diagnostics.latencyThresholdMs();
            if (threshold > 0 && us / 1000 >= threshold) {
                loop.execute(() -> diagnostics.addLatencySampleIfNeeded("log-fsync", us / 1000));
            }
        });
        writer.setGrowthListener(state.replication);
        FrontendCommands.registerAll(engine.commands(), state);
        try {
            AclCommands.configure(state, config);
        } catch (io.relog.frontend.config.ConfigException e) {
            for (Channel ch : listeners) {
                ch.close().syncUninterruptibly();
            }
            bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            ioGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        loop.addIterationHook(writer::afterIteration);
        loop.setReplyGate(writer::holdRepliesUntil);
        loop.addCronHook(writer::cron);
        writer.configure(config.appendonly(), config.appendfsync(), config.logGroupCommitMicros(),
                config.logRetentionHours(),
                config.logRetentionBytes());
        writer.start(engine, loop::execute, loop::releaseDurable);
        loop.addIterationHook(snapshotScheduler::afterIteration); // after the writer's: at a batch boundary
        loop.addCronHook(snapshotScheduler::cron);
        loop.addCronHook(state.replication::cron);
        loop.addIterationHook(state.replication::afterIteration);
        loop.addCronHook(state.replica::cron);
        configureSnapshots(snapshotScheduler, config);
        snapshotScheduler.start(loop::execute);
        try {
            startMetrics();
        } catch (java.io.IOException | RuntimeException e) {
            close(listeners);
            bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            ioGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        loop.start();
        String replicaof = config.get("replicaof");
        if (!replicaof.isEmpty()) {
            String[] hp = replicaof.split(" ");
            int db = replayedStreamDb;
            loop.execute(() -> state.replica.replicaOf(hp[0], Integer.parseInt(hp[1]), db));
        }
        for (Channel ch : listeners) {
            ch.config().setAutoRead(true);
        }
        for (Channel ch : tlsListeners) {
            ch.config().setAutoRead(true);
        }
        log.info("Relog {} (Redis {} compatible), pid={}, Java {}", RelogVersion.VERSION, RelogVersion.REDIS_VERSION,
                ProcessHandle.current().pid(), System.getProperty("java.version"));
        log.info("Running mode=standalone, port={}{}.", port, tlsPort == 0 ? "" : ", tls-port=" + tlsPort);
        log.info("Server initialized ({} transport, {} IO thread(s), engine on {})", epoll ? "epoll" : "nio",
                config.ioThreads(), sharedEngine ? "an IO thread" : "its own thread");
        log.info("Ready to accept connections {}", tlsPort == 0 ? "tcp" : port == 0 ? "tls" : "tcp and tls");
    }

    /** The Prometheus endpoint on {@code metrics-port}, or {@code null} when it is 0 (off). */
    private io.relog.frontend.metrics.MetricsEndpoint metricsEndpoint;

    /** Starts the Prometheus endpoint if {@code metrics-port} is set (README "Metrics and diagnostics"). */
    private void startMetrics() throws java.io.IOException {
        int metricsPort = Integer.parseInt(config.get("metrics-port"));
        if (metricsPort == 0) {
            return;
        }
        var metrics = new io.relog.frontend.metrics.ServerMetrics(() -> {
            var f = new java.util.concurrent.CompletableFuture<io.relog.frontend.metrics.EngineSample>();
            loop.execute(() -> f.complete(engineSample()));
            return f;
        }, io.relog.frontend.metrics.EngineSample.empty(engine.databases()));
        var registry = metrics.registry();
        io.micrometer.core.instrument.FunctionCounter.builder("relog.connections.received", state,
                        s -> s.totalConnections.get())
                .description("Connections accepted since start (total_connections_received)").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("relog.connections.rejected", state,
                        s -> s.rejectedConnections.get())
                .description("Connections refused by maxclients").register(registry);
        io.micrometer.core.instrument.FunctionTimer.builder("relog.log.fsync", writer, LogWriter::fsyncs,
                        LogWriter::fsyncMicrosTotal, TimeUnit.MICROSECONDS)
                .description("fsyncs of the command log that made progress, and the time they took").register(registry);
        io.micrometer.core.instrument.Gauge.builder("relog.log.fsync.last.seconds", writer,
                        w -> w.lastFsyncMicros() / 1e6)
                .description("Duration of the last fsync of the command log").register(registry);
        this.metricsEndpoint = new io.relog.frontend.metrics.MetricsEndpoint(metrics, config.bind(), metricsPort);
        config.setEffective("metrics-port", Integer.toString(metricsEndpoint.port()));
    }

    /** A copy of the engine-thread state the metrics report. Engine thread. */
    private io.relog.frontend.metrics.EngineSample engineSample() {
        var commands = new java.util.LinkedHashMap<String, Engine.CommandStats>();
        var all = engine.allStats();
        for (var e : all.entrySet()) {
            // A container whose subcommands are counted is reported through them, as INFO commandstats does.
            if (e.getKey().subcommands().stream().noneMatch(all::containsKey)) {
                commands.put(e.getKey().name(), e.getValue().copy());
            }
        }
        long[] keys = new long[engine.databases()];
        long[] expires = new long[engine.databases()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = engine.db(i).size();
            expires[i] = engine.db(i).volatileSize();
        }
        long now = System.currentTimeMillis();
        var replicas = new ArrayList<io.relog.frontend.metrics.EngineSample.Replica>();
        for (var l : state.replication.links()) {
            if (!l.isClosed()) {
                replicas.add(new io.relog.frontend.metrics.EngineSample.Replica(l.ip() + ":" + l.listeningPort(),
                        l.ackOffset(), l.sentOffset(), now - l.ackTimeMs()));
            }
        }
        var cdcReaders = new ArrayList<io.relog.frontend.metrics.EngineSample.CdcReader>();
        for (var l : state.replication.cdcLinks()) {
            if (!l.isClosed()) {
                cdcReaders.add(new io.relog.frontend.metrics.EngineSample.CdcReader(l.ip() + ":" + l.port(),
                        l.sentOffset(), l.lagSeconds(now)));
            }
        }
        var snap = new io.relog.frontend.metrics.EngineSample.Snapshot(snapshotScheduler.saves(),
                snapshotScheduler.lastDurationMs(), snapshotScheduler.lastOk(), snapshotScheduler.inProgress(),
                snapshotScheduler.lastRetainedBytes(), snapshotScheduler.currentRetainedBytes());
        return new io.relog.frontend.metrics.EngineSample(commands, keys, expires, state.clients.size(),
                engine.blockedClients().blockedCount(), loop.iterations(), loop.busyNanos(), writer.appends(),
                writer.appendNanos(), writer.appendedBytes(), writer.commandLog().endOffset(), replicas, cdcReaders, snap);
    }

    /** A listener's bootstrap; {@code tls}: its connections start with a TLS handshake ({@code tls-port}). */
    private ServerBootstrap bootstrap(Class<? extends ServerChannel> channelType, boolean tlsListener) {
        return new ServerBootstrap()
                .group(bossGroup, ioGroup)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, config.tcpBacklog())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        applyKeepalive(ch, config.tcpKeepalive());
                        if (tlsListener) {
                            // The context current at accept: CONFIG SET of a TLS file affects later connections.
                            ch.pipeline().addLast("ssl", tls.server().newHandler(ch.alloc()));
                        }
                        ClientConnection conn = new ClientConnection(state.nextClientId.getAndIncrement(), ch, config,
                                state.acl, System.currentTimeMillis());
                        RequestDecoder decoder = new RequestDecoder(config, conn::authRequired, state.netInputBytes);
                        conn.decoder = decoder;
                        ch.pipeline().addLast("decoder", decoder);
                        ch.pipeline().addLast("connection", new ConnectionHandler(state, conn));
                    }
                });
    }

    /**
     * Binds every address of {@code binds} on {@code port} ({@code 0}: a free port, the same for
     * all addresses). An address written with a leading {@code -} is skipped if it cannot be bound.
     * The listeners do not accept until their auto-read is switched on. On failure, closes what it
     * bound and throws.
     */
    private static List<Channel> listen(ServerBootstrap bootstrap, List<String> binds, int port)
            throws java.io.IOException {
        List<Channel> bound = new ArrayList<>();
        for (String spec : binds) {
            boolean optional = spec.startsWith("-");
            String host = optional ? spec.substring(1) : spec;
            if (host.equals("*")) {
                host = "0.0.0.0";
            } else if (host.equals("::*")) {
                host = "::";
            }
            try {
                Channel ch = bootstrap.bind(new InetSocketAddress(host, port)).sync().channel();
                bound.add(ch);
                if (port == 0) {
                    port = ((InetSocketAddress) ch.localAddress()).getPort();
                }
            } catch (Exception e) {
                if (optional) {
                    log.debug("Skipping optional bind address {}: {}", host, e.getMessage());
                    continue;
                }
                log.warn("Warning: Could not create server TCP listening socket {}:{}: {}", host, port, e.getMessage());
                close(bound);
                throw new java.io.IOException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
            }
        }
        if (bound.isEmpty()) {
            throw new java.io.IOException("Failed listening on port " + port + " (tcp): no bind address could be used");
        }
        return bound;
    }

    private static void close(List<Channel> channels) {
        for (Channel ch : channels) {
            ch.close().syncUninterruptibly();
        }
    }

    /**
     * Listens on {@code binds} and {@code port} instead of the current addresses ({@code CONFIG SET
     * port|bind}); connected clients stay. Returns {@code null}, or the reason it failed, in which
     * case the previous listeners are restored. Engine thread.
     */
    String rebind(List<String> binds, int newPort) {
        synchronized (this) {
            if (closed) {
                return "server is shutting down";
            }
            List<Channel> old = new ArrayList<>(listeners);
            close(old); // the same address may be bound again, so the old sockets go first, as in Redis
            listeners.clear();
            try {
                listeners.addAll(listen(bootstrap, binds, newPort));
            } catch (java.io.IOException e) {
                try {
                    listeners.addAll(listen(bootstrap, config.bind(), port));
                } catch (java.io.IOException restore) {
                    log.warn("Could not listen again on the previous addresses: {}", restore.getMessage());
                }
                listeners.forEach(ch -> ch.config().setAutoRead(true));
                return e.getMessage();
            }
            listeners.forEach(ch -> ch.config().setAutoRead(true));
            port = ((InetSocketAddress) listeners.get(0).localAddress()).getPort();
            log.info("Listening on port {} ({})", port, String.join(" ", binds));
            return null;
        }
    }

    /**
     * TCP keepalive as Redis' {@code anetKeepAlive} sets it: probes after {@code seconds} idle,
     * then every third of that, 3 times (the timing needs epoll; NIO only switches it on).
     */
    private static void applyKeepalive(SocketChannel ch, int seconds) {
        ch.config().setKeepAlive(seconds > 0);
        if (seconds > 0 && ch instanceof EpollSocketChannel e) {
            e.config().setTcpKeepIdle(seconds);
            e.config().setTcpKeepIntvl(Math.max(1, seconds / 3));
            e.config().setTcpKeepCnt(3);
        }
    }

    /**
     * Starts a server: creates {@code dir} if missing, binds, starts the engine thread, and returns
     * once it accepts connections.
     */
    public static RelogServer start(ServerConfig config) throws Exception {
        return new RelogServer(config);
    }

    /** The TCP port accepting connections (the actual one when {@code port 0} was asked). */
    public int port() {
        return port;
    }

    /** The TLS port accepting connections, or 0 without {@code tls-port}. */
    public int tlsPort() {
        return tlsPort;
    }

    /** The TLS contexts ({@code tls-*} directives); rebuilt by {@code CONFIG SET}. */
    io.relog.frontend.tls.TlsContexts tls() {
        return tls;
    }

    public ServerConfig config() {
        return config;
    }

    /** The engine; touch it only on the engine thread (see {@link #engineLoop()}). */
    public Engine engine() {
        return engine;
    }

    /** The engine thread, to run tasks there and add after-iteration hooks. */
    public EngineLoop engineLoop() {
        return loop;
    }

    /** Stops the server: listeners, clients, engine thread, event loops. Idempotent; any thread. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        log.info("User requested shutdown...");
        closeListeners();
        if (metricsEndpoint != null) {
            metricsEndpoint.close();
        }
        try {
            loop.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        closeLog();
        log.info("Relog is now ready to exit, bye bye...");
        terminated.countDown();
    }

    /** Applies the snapshot directives (at start and after CONFIG SET). */
    static void configureSnapshots(SnapshotScheduler s, ServerConfig config) {
        s.configure(config.saveRules(), Long.parseLong(config.get("snapshot-log-growth-percent")),
                Long.parseLong(config.get("snapshot-log-growth-min-size")),
                config.get("stop-writes-on-bgsave-error").equals("yes"));
        s.keySaveDelayMicros(Math.max(0, Long.parseLong(config.get("rdb-key-save-delay"))));
        s.incrementalSync(config.get("rdb-save-incremental-fsync").equals("yes"));
    }

    /** Closes the log (fsyncing it) and marks the stop as clean; first a snapshot if save rules ask for one. */
    private void closeLog() {
        if (!state.shutdownSaved && snapshotScheduler.hasSaveRules()) {
            try {
                snapshotScheduler.saveNow(); // the engine has stopped: this thread may read it
                log.info("DB saved on disk");
            } catch (java.io.IOException e) {
                log.warn("Error trying to save the DB: {}", e.getMessage());
            }
        }
        snapshotScheduler.close();
        try {
            writer.close();
            Path marker = writer.commandLog().dir().resolve(CLEAN_SHUTDOWN_MARKER);
            Files.write(marker, new byte[0]);
            io.relog.log.DirectorySync.fsync(marker.getParent());
            log.info("The log is closed at offset {}", writer.commandLog().endOffset());
        } catch (java.io.IOException e) {
            log.warn("Error closing the log: {}", e.getMessage());
        }
    }

    private void closeListeners() {
        for (Channel ch : listeners) {
            ch.close().syncUninterruptibly();
        }
        for (Channel ch : tlsListeners) {
            ch.close().syncUninterruptibly();
        }
    }

    /** Blocks until {@link #close} has finished (for {@code main}). */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }
}
