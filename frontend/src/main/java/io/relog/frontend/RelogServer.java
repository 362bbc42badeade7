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
import io.relog.engine.propagation.Propagation;
import io.relog.frontend.config.RelogVersion;
import io.relog.frontend.config.ServerConfig;
import io.relog.frontend.resp.RequestDecoder;
import java.net.InetSocketAddress;
import java.nio.file.Files;
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
    private final EngineLoop loop;
    private final ServerState state;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup ioGroup;
    private final List<Channel> listeners = new ArrayList<>();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final ServerBootstrap bootstrap;
    private volatile int port;
    private boolean closed;

    private RelogServer(ServerConfig config) throws Exception {
        this.config = config;
        Files.createDirectories(config.dir());
        this.engine = new Engine(config.databases(), Clock.SYSTEM, Propagation.DISCARD);
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        this.bossGroup = new MultiThreadIoEventLoopGroup(1, io);
        this.ioGroup = new MultiThreadIoEventLoopGroup(config.ioThreads(), io);
        this.bootstrap = bootstrap(channelType);
        try {
            listeners.addAll(listen(config.bind(), config.port()));
        } catch (Exception e) {
            bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            ioGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        int bound = ((InetSocketAddress) listeners.get(0).localAddress()).getPort();
        this.port = bound;
        config.setEffective("port", Integer.toString(bound));
        ServerState st = new ServerState(config, engine);
        this.state = st;
        this.loop = new EngineLoop(engine, state);
        state.loop = loop;
        state.server = this;
        state.shutdownAction = () -> {
            Thread t = new Thread(this::close, "relog-shutdown");
            t.start();
        };
        ServerCommands.applyToEngine(engine, config); // before the engine thread starts
        EngineCommands.registerAll(engine.commands());
        FrontendCommands.registerAll(engine.commands(), state);
        loop.start();
        for (Channel ch : listeners) {
            ch.config().setAutoRead(true);
        }
        log.info("Relog {} (Redis {} compatible), pid={}, Java {}", RelogVersion.VERSION, RelogVersion.REDIS_VERSION,
                ProcessHandle.current().pid(), System.getProperty("java.version"));
        log.info("Running mode=standalone, port={}.", port);
        log.info("Server initialized ({} transport, {} IO thread(s))", epoll ? "epoll" : "nio", config.ioThreads());
        log.info("Ready to accept connections tcp");
    }

    private ServerBootstrap bootstrap(Class<? extends ServerChannel> channelType) {
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
                        ClientConnection conn = new ClientConnection(state.nextClientId.getAndIncrement(), ch, config,
                                System.currentTimeMillis());
                        ch.pipeline().addLast("decoder",
                                new RequestDecoder(config, conn::authRequired, state.netInputBytes));
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
    private List<Channel> listen(List<String> binds, int port) throws java.io.IOException {
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
                listeners.addAll(listen(binds, newPort));
            } catch (java.io.IOException e) {
                try {
                    listeners.addAll(listen(config.bind(), port));
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
        try {
            loop.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        log.info("Relog is now ready to exit, bye bye...");
        terminated.countDown();
    }

    private void closeListeners() {
        for (Channel ch : listeners) {
            ch.close().syncUninterruptibly();
        }
    }

    /** Blocks until {@link #close} has finished (for {@code main}). */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }
}
