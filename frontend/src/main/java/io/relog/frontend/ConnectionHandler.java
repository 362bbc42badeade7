package io.relog.frontend;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.relog.frontend.resp.ProtocolError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects a channel to the engine: collects the requests the decoder framed during one read and
 * hands them to the engine thread as one batch on {@code channelReadComplete}; registers and
 * unregisters the connection; pauses reading while the engine is far behind this client or the
 * client does not read its replies, and tells the engine when the replies have drained, so that it
 * resumes the commands it held for them ({@link EngineLoop}). Runs on the channel's event loop.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);
    private static final byte[] MAX_CLIENTS = "-ERR max number of clients reached\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Redis 7.0's reply to a remote client refused by protected mode (its typo included). */
    static final byte[] DENIED = ("-DENIED Redis is running in protected mode because protected mode is enabled and "
            + "no password is set for the default user. In this mode connections are only accepted from the loopback "
            + "interface. If you want to connect from external computers to Redis you may adopt one of the following "
            + "solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the "
            + "loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE "
            + "Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change "
            + "permanent. 2) Alternatively you can just disable the protected mode by editing the Redis "
            + "configuration file, and setting the protected mode option to 'no', and then restarting the server. "
            + "3) If you started the server manually just for testing, restart it with the '--protected-mode no' "
            + "option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of "
            + "the above things in order for the server to start accepting connections from the outside.\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    /**
     * Redis' protected mode: while {@code protected-mode} is yes and the default user has no
     * password, only loopback clients are served, whatever {@code bind} says. Any thread.
     */
    static boolean refusedByProtectedMode(ServerState state, java.net.SocketAddress remote) {
        if (!state.config().get("protected-mode").equals("yes") || !state.acl.defaultNopass()) {
            return false;
        }
        return !(remote instanceof java.net.InetSocketAddress in) || in.getAddress() == null
                || !in.getAddress().isLoopbackAddress();
    }

    private final ServerState state;
    private final ClientConnection conn;
    private List<Object> pending = new ArrayList<>();
    private boolean stopped;

    ConnectionHandler(ServerState state, ClientConnection conn) {
        this.state = state;
        this.conn = conn;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        state.totalConnections.incrementAndGet();
        if (state.connectedCount.incrementAndGet() > state.config().maxclients()) {
            state.rejectedConnections.incrementAndGet();
            stopped = true;
            ctx.writeAndFlush(Unpooled.wrappedBuffer(MAX_CLIENTS)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (refusedByProtectedMode(state, ctx.channel().remoteAddress())) {
            state.rejectedConnections.incrementAndGet();
            stopped = true;
            ctx.writeAndFlush(Unpooled.wrappedBuffer(DENIED)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        log.debug("Accepted {}", conn.addr());
        state.loop.execute(() -> state.clients.put(conn.id(), conn));
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (stopped) {
            return;
        }
        pending.add(msg);
        if (msg instanceof ProtocolError) {
            stopped = true;
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!pending.isEmpty()) {
            List<Object> batch = pending;
            pending = new ArrayList<>(Math.min(batch.size(), 1024));
            state.loop.submit(conn, batch);
            if (conn.pendingCommands.get() >= ServerState.MAX_PENDING_COMMANDS) {
                ctx.channel().config().setAutoRead(false);
            }
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateAutoRead(conn);
        if (ctx.channel().isWritable() && conn.replicaLink == null && conn.cdcLink == null) {
            // The engine resumes the commands it held while the replies were above the high water mark.
            state.loop.execute(() -> state.loop.outputDrained(conn));
        }
        io.relog.replica.master.ReplicaLink link = conn.replicaLink;
        if (link != null && ctx.channel().isWritable()) {
            link.writable();
        }
        io.relog.replica.master.CdcLink cdc = conn.cdcLink;
        if (cdc != null && ctx.channel().isWritable()) {
            cdc.writable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** Reads while the client takes its replies and the engine keeps up. Event loop of the channel. */
    static void updateAutoRead(ClientConnection c) {
        boolean read = c.channel().isWritable() && c.pendingCommands.get() < ServerState.MAX_PENDING_COMMANDS;
        c.channel().config().setAutoRead(read);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        log.debug("Client closed connection id={} addr={}", conn.id(), conn.addr());
        state.connectedCount.decrementAndGet();
        pending.clear();
        state.loop.execute(() -> {
            conn.closed = true;
            state.loop.connectionClosed(conn);
            state.engine().pubsub().forget(conn);
            conn.reply().release();
            state.clients.remove(conn.id());
            state.engine().discardTransaction(conn); // drop its MULTI queue and WATCHed keys
        });
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() instanceof javax.net.ssl.SSLException
                || cause instanceof javax.net.ssl.SSLException) {
            // A failed handshake (no or an untrusted client certificate, plain text on the TLS port):
            // that connection only, as Redis logs it at verbose level.
            Throwable t = cause instanceof javax.net.ssl.SSLException ? cause : cause.getCause();
            log.debug("Error accepting a client connection: {} (addr={})", t.getMessage(), conn.addr());
        } else if (cause instanceof IOException) {
            log.debug("Client {} connection error: {}", conn.addr(), cause.getMessage());
        } else {
            log.warn("Client {} closed after an unexpected error", conn.addr(), cause);
        }
        ctx.close();
    }
}
