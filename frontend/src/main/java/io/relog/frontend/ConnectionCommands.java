package io.relog.frontend;

import static io.relog.frontend.SpecBuilder.command;
import static io.relog.frontend.SpecBuilder.container;

import io.relog.engine.Engine;
import io.relog.engine.Session;
import io.relog.engine.command.Args;
import io.relog.engine.command.CommandSpec;
import io.relog.engine.command.Errors;
import io.relog.engine.command.Reply;
import io.relog.frontend.config.RelogVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Connection commands: PING ECHO HELLO AUTH QUIT RESET CLIENT. They act on the calling
 * {@link ClientConnection} (and, for CLIENT LIST/KILL, on the others). Engine thread.
 */
final class ConnectionCommands {

    private final ServerState state;

    ConnectionCommands(ServerState state) {
        this.state = state;
    }

    List<CommandSpec> specs() {
        String conn = "noscript loading stale";
        return List.of(
                command("ping", -1, "fast", "fast connection", "connection", "1.0.0",
                        "Returns PONG, or the given message.", this::ping),
                command("echo", 2, "loading stale fast", "fast connection", "connection", "1.0.0",
                        "Returns the given string.", (e, s, a, r) -> r.bulk(a[1])),
                command("hello", -1, "noscript loading stale fast no_auth allow_busy", "fast connection", "connection",
                        "6.0.0", "Handshakes with the server: protocol version, authentication, client name.", this::hello),
                command("auth", -2, "noscript loading stale fast no_auth allow_busy", "fast connection", "connection",
                        "1.0.0", "Authenticates the connection.", this::auth),
                command("quit", -1, "noscript loading stale fast no_auth allow_busy", "fast connection", "connection",
                        "1.0.0", "Closes the connection after replying OK.", this::quit),
                command("reset", 1, "noscript loading stale fast no_auth allow_busy", "fast connection", "connection",
                        "6.2.0", "Resets the connection to its initial state.", this::reset),
                container("client", "connection", "2.4.0", "A container for client connection commands.", List.of(
                        command("client|id", 2, conn, "slow connection", "connection", "5.0.0",
                                "Returns the unique id of the connection.", (e, s, a, r) -> r.integer(s.id())),
                        command("client|setname", 3, conn, "slow connection", "connection", "2.6.9",
                                "Sets the connection name.", this::clientSetname),
                        command("client|getname", 2, conn, "slow connection", "connection", "2.6.9",
                                "Returns the connection name.", this::clientGetname),
                        command("client|list", -2, "admin " + conn, "admin slow dangerous connection", "connection",
                                "2.4.0", "Lists open connections.", this::clientList),
                        command("client|info", 2, conn, "slow connection", "connection", "6.2.0",
                                "Returns information about this connection.",
                                (e, s, a, r) -> r.verbatim("txt", bytes(describe(conn(s)) + "\n"))),
                        command("client|kill", -3, "admin " + conn, "admin slow dangerous connection", "connection",
                                "2.4.0", "Closes connections.", this::clientKill),
                        command("client|setinfo", 4, conn, "slow connection", "connection", "7.2.0",
                                "Records the client library name and version.", this::clientSetinfo),
                        command("client|no-evict", 3, "admin " + conn, "admin slow dangerous connection", "connection",
                                "7.0.0", "Excludes the connection from client eviction.",
                                (e, s, a, r) -> onOff(a[2], r, v -> conn(s).noEvict = v)),
                        command("client|no-touch", 3, conn, "slow connection", "connection", "7.2.0",
                                "Keeps the connection's commands from changing keys' access time.",
                                (e, s, a, r) -> onOff(a[2], r, v -> conn(s).noTouch(v))),
                        command("client|reply", 3, conn, "slow connection", "connection", "3.2.0",
                                "Turns replies to this connection on, off, or off for the next command.",
                                this::clientReply),
                        command("client|unblock", -3, "admin " + conn, "admin slow dangerous connection", "connection",
                                "5.0.0", "Unblocks a client blocked by a blocking command from a different connection.",
                                this::clientUnblock),
                        command("client|help", 2, "loading stale", "slow connection", "connection", "5.0.0",
                                "Returns help for CLIENT.", this::clientHelp))));
    }

    static ClientConnection conn(Session s) {
        return (ClientConnection) s;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void ping(Engine e, Session s, byte[][] a, Reply r) {
        if (a.length > 2) {
            r.error(Errors.wrongArgs("ping"));
        } else if (r.protocol() == 2 && e.pubsub().isSubscribed(s)) {
            // Subscribed RESP2 clients get a push-shaped pong, as Redis replies: [pong, message or ""].
            r.array(2);
            r.bulk("pong");
            r.bulk(a.length == 2 ? a[1] : new byte[0]);
        } else if (a.length == 2) {
            r.bulk(a[1]);
        } else {
            r.simple("PONG");
        }
    }

    /**
     * Logs {@code c} in as {@code user} if the password is right and the user enabled; otherwise
     * adds an ACL LOG entry and replies WRONGPASS. Returns whether it succeeded.
     */
    private boolean login(ClientConnection c, String user, byte[] password, Reply r) {
        io.relog.frontend.acl.AclUser u = state.acl.authenticate(user, password);
        if (u == null) {
            new AclCommands(state).logAuthFailure(c, user);
            r.error(io.relog.frontend.acl.Acl.WRONGPASS);
            return false;
        }
        c.user = u;
        c.authenticated(true);
        return true;
    }

    private void auth(Engine e, Session s, byte[][] a, Reply r) {
        if (a.length > 3) {
            r.error(Errors.SYNTAX);
            return;
        }
        if (a.length == 2 && state.acl.defaultUser().nopass()) {
            r.error("ERR AUTH <password> called without any password configured for the default user. "
                    + "Are you sure your configuration is correct?");
            return;
        }
        String user = a.length == 3 ? new String(a[1], StandardCharsets.UTF_8) : "default";
        if (login(conn(s), user, a[a.length - 1], r)) {
            r.ok();
        }
    }

    private void hello(Engine e, Session s, byte[][] a, Reply r) {
        ClientConnection c = conn(s);
        int proto = c.protocol();
        if (a.length >= 2) {
            long v;
            try {
                v = Args.parseLong(a[1]);
            } catch (Args.ArgException ex) {
                r.error("ERR Protocol version is not an integer or out of range");
                return;
            }
            if (v < 2 || v > 3) {
                r.error("NOPROTO unsupported protocol version");
                return;
            }
            proto = (int) v;
        }
        byte[] authUser = null;
        byte[] authPass = null;
        byte[] setname = null;
        for (int i = 2; i < a.length; i++) {
            boolean more = a.length - i - 1 > 0;
            if (Args.is(a[i], "auth") && a.length - i - 1 >= 2) {
                authUser = a[i + 1];
                authPass = a[i + 2];
                i += 2;
            } else if (Args.is(a[i], "setname") && more) {
                setname = a[i + 1];
                i += 1;
            } else {
                r.error("ERR Syntax error in HELLO option '" + new String(a[i], StandardCharsets.UTF_8) + "'");
                return;
            }
        }
        if (authUser != null) {
            if (!login(c, new String(authUser, StandardCharsets.UTF_8), authPass, r)) {
                return;
            }
        } else if (c.authRequired()) {
            r.error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH "
                    + "<user> <pass> option can be used to authenticate the client and select the RESP protocol "
                    + "version at the same time");
            return;
        }
        if (setname != null && !validName(setname)) {
            r.error("ERR Client names cannot contain spaces, newlines or special characters.");
            return;
        }
        if (setname != null) {
            c.name = new String(setname, StandardCharsets.UTF_8);
        }
        c.protocol(proto);
        c.reply().protocol(proto);
        r.map(7);
        r.bulk("server");
        r.bulk("redis");
        r.bulk("version");
        r.bulk(RelogVersion.REDIS_VERSION);
        r.bulk("proto");
        r.integer(proto);
        r.bulk("id");
        r.integer(c.id());
        r.bulk("mode");
        r.bulk("standalone");
        r.bulk("role");
        r.bulk(state.replica.active() ? "replica" : "master");
        r.bulk("modules");
        r.array(0);
    }

    private void quit(Engine e, Session s, byte[][] a, Reply r) {
        r.ok();
        conn(s).closeAfterReply();
    }

    private void reset(Engine e, Session s, byte[][] a, Reply r) {
        ClientConnection c = conn(s);
        e.discardTransaction(c); // leaves MULTI and unwatches, as Redis' RESET does
        e.pubsub().forget(c);
        c.select(0);
        c.protocol(2);
        c.reply().protocol(2);
        c.name = "";
        c.replyOff = false;
        c.skipNext = false;
        c.noEvict = false;
        c.noTouch(false);
        if (c.monitor) { // RESET ends MONITOR, as in Redis
            c.monitor = false;
            state.diagnostics.monitors.remove(c);
        }
        c.user = state.acl.defaultUser(); // back to the default user, authenticated only if it needs no password
        c.authenticated(!state.acl.defaultNeedsAuth());
        r.simple("RESET");
    }

    /** Redis' rule for client names and library attributes: printable ASCII without spaces. */
    static boolean validName(byte[] name) {
        for (byte b : name) {
            if (b < '!' || b > '~') {
                return false;
            }
        }
        return true;
    }

    private void clientSetname(Engine e, Session s, byte[][] a, Reply r) {
        if (!validName(a[2])) {
            r.error("ERR Client names cannot contain spaces, newlines or special characters.");
            return;
        }
        conn(s).name = new String(a[2], StandardCharsets.UTF_8);
        r.ok();
    }

    private void clientGetname(Engine e, Session s, byte[][] a, Reply r) {
        String n = conn(s).name;
        if (n.isEmpty()) {
            r.nullBulk();
        } else {
            r.bulk(n);
        }
    }

    private void clientSetinfo(Engine e, Session s, byte[][] a, Reply r) {
        ClientConnection c = conn(s);
        boolean libName = Args.is(a[2], "lib-name");
        if (!libName && !Args.is(a[2], "lib-ver")) {
            r.error("ERR Unrecognized option '" + new String(a[2], StandardCharsets.UTF_8) + "'");
            return;
        }
        if (!validName(a[3])) {
            r.error("ERR " + (libName ? "lib-name" : "lib-ver") + " cannot contain spaces, newlines or special characters.");
            return;
        }
        if (libName) {
            c.libName = new String(a[3], StandardCharsets.UTF_8);
        } else {
            c.libVer = new String(a[3], StandardCharsets.UTF_8);
        }
        r.ok();
    }

    private interface BoolSetter {
        void set(boolean v);
    }

    private static void onOff(byte[] arg, Reply r, BoolSetter setter) {
        if (Args.is(arg, "on")) {
            setter.set(true);
        } else if (Args.is(arg, "off")) {
            setter.set(false);
        } else {
            r.error(Errors.SYNTAX);
            return;
        }
        r.ok();
    }

    private void clientReply(Engine e, Session s, byte[][] a, Reply r) {
        ClientConnection c = conn(s);
        if (Args.is(a[2], "on")) {
            c.replyOff = false;
            c.skipNext = false;
            r.ok();
        } else if (Args.is(a[2], "off")) {
            c.replyOff = true;
        } else if (Args.is(a[2], "skip")) {
            if (!c.replyOff) {
                c.skipNext = true;
            }
        } else {
            r.error(Errors.SYNTAX);
        }
    }

    /**
     * The client's type for CLIENT LIST/KILL TYPE, as Redis classifies it ({@code replica} before
     * {@code pubsub} before {@code normal}); a change-feed reader is {@code cdc}, which no TYPE
     * filter names: only ID or ADDR select one.
     */
    private String clientType(ClientConnection c) {
        if (c.cdcLink != null) {
            return "cdc";
        }
        if (c.replicaLink != null) {
            return "replica";
        }
        return state.engine().pubsub().isSubscribed(c) ? "pubsub" : "normal";
    }

    /**
     * One line of CLIENT LIST / CLIENT INFO, with Redis 7.0's fields (plus 7.2's lib-name and
     * lib-ver). Where Relog's buffers differ from Redis', the fields say the nearest true thing:
     * qbuf/qbuf-free are the decoder's unparsed input and its free room after the last read;
     * argv-mem the argument bytes of the command running now (the caller's CLIENT LIST) or of
     * the commands a blocked client holds, or a client paused because its replies are above the
     * high water mark; obl/rbs/rbp the reply buffer being filled this engine iteration, its
     * capacity and peak; oll/omem the reply buffers waiting for an fsync ({@code appendfsync
     * always}) or in the socket's outbound queue; events r while the socket is read, w while
     * output waits for it. Engine thread.
     */
    String describe(ClientConnection c) {
        long now = System.currentTimeMillis();
        StringBuilder flags = new StringBuilder();
        if (c.monitor) {
            flags.append('O');
        } else if (c.replicaLink != null) {
            flags.append('S'); // a replica, as Redis shows it
        }
        if (c.cdcLink != null) {
            flags.append('C'); // a change-feed (CDC) reader: Relog's own flag, not a replica
        }
        if (state.engine().pubsub().isSubscribed(c)) {
            flags.append('P');
        }
        boolean multi = c.inTransaction();
        if (multi) {
            flags.append('x');
        }
        if (state.engine().blockedClients().isBlocked(c) || c.waiting != null) {
            flags.append('b');
        }
        if (c.transaction() != null && c.transaction().watchTouched()) {
            flags.append('d');
        }
        if (c.closeAfterReply) {
            flags.append('c');
        }
        if (c.noEvict) {
            flags.append('e');
        }
        if (c.noTouch()) {
            flags.append('T');
        }
        if (flags.length() == 0) {
            flags.append('N');
        }
        long multiMem = 0;
        int queued = -1;
        if (multi) {
            var q = c.transaction().queued();
            queued = q.size();
            for (var cmd : q) {
                multiMem += argvBytes(cmd.argv());
            }
        }
        long argvMem = c.currentArgv != null ? argvBytes(c.currentArgv) : 0;
        if (c.held != null) {
            for (Object o : c.held) {
                if (o instanceof byte[][] argv) {
                    argvMem += argvBytes(argv);
                }
            }
        }
        int qbuf = c.decoder == null ? 0 : c.decoder.queryBufferBytes();
        int qbufFree = c.decoder == null ? 0 : c.decoder.queryBufferFree();
        var outbound = c.channel().unsafe().outboundBuffer();
        long socketPending = outbound == null ? 0 : outbound.totalPendingWriteBytes();
        int obl = c.reply().size();
        int oll = c.heldReplies + (socketPending > 0 ? 1 : 0);
        long omem = socketPending + c.heldReplyBytes;
        // r while the socket is read (not while reads are paused for back-pressure), w while it has output queued.
        String events = (c.channel().config().isAutoRead() ? "r" : "") + (socketPending > 0 ? "w" : "");
        long totMem = qbuf + qbufFree + argvMem + multiMem + c.reply().capacity() + omem;
        return "id=" + c.id()
                + " addr=" + c.addr()
                + " laddr=" + c.laddr()
                + " fd=" + c.fd()
                + " name=" + c.name
                + " age=" + (now - c.createdAtMs()) / 1000
                + " idle=" + Math.max(0, now - c.lastInteractionMs) / 1000
                + " flags=" + flags
                + " db=" + c.db()
                + " sub=" + state.engine().pubsub().channelCount(c)
                + " psub=" + state.engine().pubsub().patternCount(c)
                + " ssub=0"
                + " multi=" + queued
                + " qbuf=" + qbuf
                + " qbuf-free=" + qbufFree
                + " argv-mem=" + argvMem
                + " multi-mem=" + multiMem
                + " rbs=" + c.reply().capacity()
                + " rbp=" + c.reply().peak()
                + " obl=" + obl
                + " oll=" + oll
                + " omem=" + omem
                + " tot-mem=" + totMem
                + " events=" + events
                + " cmd=" + c.lastCommand
                + " user=" + c.user.name() + " redir=-1"
                + " resp=" + c.protocol()
                + " lib-name=" + c.libName
                + " lib-ver=" + c.libVer;
    }

    private static long argvBytes(byte[][] argv) {
        long n = 0;
        for (byte[] a : argv) {
            n += a.length;
        }
        return n;
    }

    private void clientList(Engine e, Session s, byte[][] a, Reply r) {
        List<Long> ids = null;
        String type = null;
        for (int i = 2; i < a.length; i++) {
            if (Args.is(a[i], "type") && i + 1 < a.length) {
                type = new String(a[++i], StandardCharsets.UTF_8).toLowerCase(java.util.Locale.ROOT);
                if (!List.of("normal", "master", "replica", "slave", "pubsub").contains(type)) {
                    r.error("ERR Unknown client type '" + new String(a[i], StandardCharsets.UTF_8) + "'");
                    return;
                }
            } else if (Args.is(a[i], "id") && i + 1 < a.length) {
                ids = new ArrayList<>();
                for (i = i + 1; i < a.length; i++) {
                    try {
                        long id = Args.parseLong(a[i]);
                        if (id <= 0) {
                            throw new Args.ArgException("");
                        }
                        ids.add(id);
                    } catch (Args.ArgException ex) {
                        r.error("ERR Invalid client ID");
                        return;
                    }
                }
            } else {
                r.error(Errors.SYNTAX);
                return;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (ClientConnection c : state.clients.values()) {
            if (c.isClosed() || (ids != null && !ids.contains(c.id()))) {
                continue;
            }
            if (type != null && !(type.equals("slave") ? "replica" : type).equals(clientType(c))) {
                continue; // the link to our own master is no client connection here
            }
            sb.append(describe(c)).append('\n');
        }
        r.verbatim("txt", bytes(sb.toString()));
    }

    private void clientKill(Engine e, Session s, byte[][] a, Reply r) {
        ClientConnection self = conn(s);
        if (a.length == 3) {
            String addr = new String(a[2], StandardCharsets.UTF_8);
            for (ClientConnection c : state.clients.values()) {
                if (!c.isClosed() && c.addr().equals(addr)) {
                    kill(c, self);
                    r.ok();
                    return;
                }
            }
            r.error("ERR No such client");
            return;
        }
        Long id = null;
        String addr = null;
        String laddr = null;
        String type = null;
        String user = null;
        boolean skipme = true;
        if ((a.length - 2) % 2 != 0) {
            r.error(Errors.SYNTAX);
            return;
        }
        for (int i = 2; i < a.length; i += 2) {
            String v = new String(a[i + 1], StandardCharsets.UTF_8);
            if (Args.is(a[i], "id")) {
                try {
                    id = Args.parseLong(a[i + 1]);
                } catch (Args.ArgException ex) {
                    r.error("ERR client-id should be greater than 0");
                    return;
                }
                if (id <= 0) {
                    r.error("ERR client-id should be greater than 0");
                    return;
                }
            } else if (Args.is(a[i], "addr")) {
                addr = v;
            } else if (Args.is(a[i], "laddr")) {
                laddr = v;
            } else if (Args.is(a[i], "user")) {
                user = v;
            } else if (Args.is(a[i], "type")) {
                type = v.toLowerCase(java.util.Locale.ROOT);
                if (!List.of("normal", "master", "replica", "slave", "pubsub").contains(type)) {
                    r.error("ERR Unknown client type '" + v + "'");
                    return;
                }
            } else if (Args.is(a[i], "skipme")) {
                if (Args.is(a[i + 1], "yes")) {
                    skipme = true;
                } else if (Args.is(a[i + 1], "no")) {
                    skipme = false;
                } else {
                    r.error(Errors.SYNTAX);
                    return;
                }
            } else {
                r.error(Errors.SYNTAX);
                return;
            }
        }
        io.relog.frontend.acl.AclUser byUser = user == null ? null : state.acl.user(user);
        if (user != null && byUser == null) {
            r.error("ERR No such user '" + user + "'");
            return;
        }
        int killed = 0;
        String wanted = "slave".equals(type) ? "replica" : type;
        for (ClientConnection c : new ArrayList<>(state.clients.values())) {
            String cType = clientType(c);
            if (c.isClosed() || (id != null && c.id() != id) || (addr != null && !c.addr().equals(addr))
                    || (byUser != null && c.user != byUser)
                    || (laddr != null && !c.laddr().equals(laddr))
                    || (wanted != null && !wanted.equals(cType)) || (skipme && c == self)) {
                continue;
            }
            kill(c, self);
            killed++;
        }
        if ("master".equals(wanted) && id == null && addr == null && laddr == null && state.replica.killLink()) {
            killed++; // the link to our master is no client connection here, but it is killed alike
        }
        r.integer(killed);
    }

    private static void kill(ClientConnection c, ClientConnection self) {
        c.closeAfterReply();
        if (c != self) {
            c.channel().close();
        }
    }

    /** CLIENT UNBLOCK id [TIMEOUT|ERROR]: 1 if the client was blocked (and is now answered), else 0. */
    private void clientUnblock(Engine e, Session s, byte[][] a, Reply r) {
        if (a.length > 4) {
            r.error("ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT HELP.");
            return;
        }
        long id = Args.parseLong(a[2]);
        boolean error = false;
        if (a.length == 4) {
            if (Args.is(a[3], "error")) {
                error = true;
            } else if (!Args.is(a[3], "timeout")) {
                r.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
                return;
            }
        }
        ClientConnection target = state.clients.get(id);
        r.integer(target != null && e.blockedClients().unblock(target, error) ? 1 : 0);
    }

    private void clientHelp(Engine e, Session s, byte[][] a, Reply r) {
        String[] lines = {
            "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "GETNAME",
            "    Return the name of the current connection.",
            "ID",
            "    Return the ID of the current connection.",
            "INFO",
            "    Return information about the current client connection.",
            "KILL <ip:port>",
            "    Kill connection made from <ip:port>.",
            "KILL <option> <value> [<option> <value> [...]]",
            "    Kill connections. Options are:",
            "    * ADDR (<ip:port>|<unixsocket>:0)",
            "      Kill connections made from the specified address",
            "    * LADDR (<ip:port>|<unixsocket>:0)",
            "      Kill connections made to specified local address",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Kill connections by type.",
            "    * USER <username>",
            "      Kill connections authenticated by <username>.",
            "    * SKIPME (YES|NO)",
            "      Skip killing current connection (default: yes).",
            "    * ID <client-id>",
            "      Kill connections by client id.",
            "LIST [options ...]",
            "    Return information about client connections. Options:",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Return clients of specified type.",
            "    * ID <client-id> [<client-id> ...]",
            "      Return clients with the specified IDs.",
            "UNBLOCK <clientid> [TIMEOUT|ERROR]",
            "    Unblock the specified blocked client.",
            "NO-EVICT (ON|OFF)",
            "    Protect current client connection from eviction.",
            "NO-TOUCH (ON|OFF)",
            "    Will not touch LRU/LFU stats when this mode is on.",
            "REPLY (ON|OFF|SKIP)",
            "    Control the replies sent to the current connection.",
            "SETNAME <name>",
            "    Assign the name <name> to the current connection.",
            "SETINFO <LIB-NAME|LIB-VER> <value>",
            "    Set client meta attr. Options are:",
            "    * LIB-NAME: the client lib name.",
            "    * LIB-VER: the client lib version.",
            "HELP",
            "    Print this help.",
        };
        r.array(lines.length);
        for (String l : lines) {
            r.simple(l);
        }
    }
}
