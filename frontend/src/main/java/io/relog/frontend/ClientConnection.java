package io.relog.frontend;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.relog.engine.Session;
import io.relog.frontend.config.ServerConfig;
import io.relog.frontend.resp.ReplyBuffer;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client connection: the engine's {@link Session} plus what the front end tracks about it.
 *
 * <p>Threads: fields are engine-thread state unless marked otherwise. {@link #authenticated} is
 * volatile because the request decoder (IO thread) reads it to apply the unauthenticated limits.
 */
public final class ClientConnection extends Session {

    /** How replies are delivered, as {@code CLIENT REPLY} sets it. */
    public enum ReplyMode { ON, OFF, SKIP }

    private final Channel channel;
    private final ServerConfig config;
    private final ReplyBuffer reply;
    private final long createdAtMs;
    private final String addr;
    private final String laddr;
    private final int fd;

    private final io.relog.frontend.acl.Acl acl;
    private volatile boolean authenticated;
    /** The ACL user the connection runs as ({@code default} until AUTH). Engine thread. */
    io.relog.frontend.acl.AclUser user;
    /** Commands handed to the engine and not yet executed; IO thread increments, engine decrements. */
    final AtomicInteger pendingCommands = new AtomicInteger();

    // Engine-thread state.
    String name = "";
    String libName = "";
    String libVer = "";
    long lastInteractionMs;
    String lastCommand = "NULL";
    boolean replyOff;
    boolean skipNext;
    boolean noEvict;
    /** This connection's request decoder (CLIENT LIST reads its query buffer), or {@code null}. */
    io.relog.frontend.resp.RequestDecoder decoder;
    /** The command being executed (CLIENT LIST argv-mem of the caller), {@code null} between commands. Engine thread. */
    byte[][] currentArgv;
    /** After MONITOR: sees every command run (see {@link Diagnostics}). */
    boolean monitor;
    boolean closeAfterReply;
    boolean closed;
    boolean touched;
    /** Since when (Unix ms) the unread replies exceed the soft output limit; -1 while under it. Engine thread. */
    long softLimitSinceMs = -1;
    /** Set once this connection is a replica's link (after PSYNC/SYNC): its replies are suppressed. Engine thread. */
    io.relog.replica.master.ReplicaLink replicaLink;
    /** Set by {@code REPLCONF relog-cdc 1}: the PSYNC that follows makes this a change-feed reader. Engine thread. */
    boolean cdcReader;
    /** Set once this connection is a change-feed reader's link (after its PSYNC): replies are suppressed. */
    io.relog.replica.master.CdcLink cdcLink;
    /** Starts the replica link once the replies written before PSYNC have been handed to the channel. Engine thread. */
    Runnable afterReplies;
    /** What the connection announced with REPLCONF before PSYNC. Engine thread. */
    int replListeningPort;
    final java.util.List<String> replCapa = new java.util.ArrayList<>();
    /** The stream offset just past this client's last write (Redis' {@code woff}, for WAIT). Engine thread. */
    long writeOffset;
    /** A WAIT this client is blocked in, or {@code null}. Engine thread. */
    ReplicationMaster.Wait waiting;
    /** Replies of this client held until the log is durable past them (engine thread). */
    int heldReplies;
    /** Bytes of those held replies (engine thread). */
    long heldReplyBytes;
    /**
     * While blocked (BLPOP, ...) or paused for its unsent replies, and until resumed: the commands
     * that arrived behind the blocking one, or that were not executed yet, in order; {@code null}
     * otherwise.
     */
    java.util.ArrayDeque<Object> held;
    /**
     * Execution is paused because the replies not yet taken by the socket are above the channel's
     * high water mark; {@link #held} keeps the commands, which run again once the channel is
     * writable (see {@link EngineLoop}). Engine thread.
     */
    boolean outputPaused;

    ClientConnection(long id, Channel channel, ServerConfig config, io.relog.frontend.acl.Acl acl, long nowMs) {
        super(id);
        this.channel = channel;
        this.config = config;
        this.acl = acl;
        this.user = acl.defaultUser();
        this.reply = new ReplyBuffer(channel.alloc());
        this.createdAtMs = nowMs;
        this.lastInteractionMs = nowMs;
        // As Redis: a client connecting while the default user needs no password is authenticated,
        // and stays so if a password is set later (CONFIG SET requirepass, ACL SETUSER default).
        this.authenticated = !acl.defaultNeedsAuth();
        this.addr = format(channel.remoteAddress());
        this.laddr = format(channel.localAddress());
        this.fd = channel instanceof EpollSocketChannel e ? e.fd().intValue() : -1;
    }

    private static String format(SocketAddress a) {
        if (a instanceof InetSocketAddress in) {
            String host = in.getAddress() != null ? in.getAddress().getHostAddress() : in.getHostString();
            return host + ":" + in.getPort();
        }
        return String.valueOf(a);
    }

    public Channel channel() {
        return channel;
    }

    /** The reply sink of this connection (engine thread). */
    public ReplyBuffer reply() {
        return reply;
    }

    /** Whether the client must still authenticate before most commands. Any thread. */
    public boolean authRequired() {
        return !authenticated && acl.defaultNeedsAuth();
    }

    public boolean authenticated() {
        return authenticated;
    }

    /** The ACL user this connection runs as. Engine thread. */
    public io.relog.frontend.acl.AclUser user() {
        return user;
    }

    public void authenticated(boolean v) {
        authenticated = v;
    }

    /** {@code ip:port} of the client. */
    public String addr() {
        return addr;
    }

    /** {@code ip:port} of the server side of the connection. */
    public String laddr() {
        return laddr;
    }

    /** The socket's file descriptor (epoll transport), or -1 when the transport does not expose it. */
    public int fd() {
        return fd;
    }

    public long createdAtMs() {
        return createdAtMs;
    }

    public String name() {
        return name;
    }

    /** Asks that the connection be closed once the replies written so far are sent (QUIT, protocol error). */
    public void closeAfterReply() {
        closeAfterReply = true;
    }

    public boolean isClosed() {
        return closed;
    }
}
