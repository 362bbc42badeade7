package io.relog.frontend;

import static io.relog.frontend.SpecBuilder.command;
import static io.relog.frontend.SpecBuilder.container;

import io.relog.engine.Engine;
import io.relog.engine.Session;
import io.relog.engine.command.Args;
import io.relog.engine.command.CommandSpec;
import io.relog.engine.command.Errors;
import io.relog.engine.command.Reply;
import io.relog.engine.command.Subcommands;
import io.relog.frontend.acl.Acl;
import io.relog.frontend.acl.AclUser;
import io.relog.frontend.config.ConfigException;
import io.relog.frontend.config.ServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The ACL command and the glue between the ACL ({@link Acl}) and the server: the users of the
 * config file and the aclfile at start, the permission check of every client command (with its
 * ACL LOG entry), and the connections closed when their user is deleted or replaced. Engine
 * thread.
 */
final class AclCommands {

    private final ServerState state;

    AclCommands(ServerState state) {
        this.state = state;
    }

    private Acl acl() {
        return state.acl;
    }

    // ------------------------------------------------------------------ start

    /**
     * Applies {@code rename-command}, {@code requirepass}, the {@code user} directives and the
     * aclfile, in that order, and installs the permission check. Before the server accepts.
     *
     * @throws ConfigException naming the config or ACL file, the line and Redis' reason
     */
    static Acl configure(ServerState state, ServerConfig config) throws ConfigException {
        Engine engine = state.engine();
        for (ServerConfig.RepeatedLine l : config.renameLines()) {
            try {
                engine.commands().rename(l.args().get(0), l.args().get(1));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(l.source(), l.line(), l.text(), e.getMessage());
            }
        }
        Acl acl = new Acl(engine.commands());
        acl.pubsubDefaultAll(config.get("acl-pubsub-default").equals("allchannels"));
        acl.setRequirepass(config.requirepass());
        List<ServerConfig.RepeatedLine> userLines = config.userLines();
        String aclfile = config.get("aclfile");
        if (!userLines.isEmpty() && !aclfile.isEmpty()) {
            ServerConfig.RepeatedLine l = userLines.get(0);
            throw new ConfigException(l.source(), l.line(), l.text(), "Configuring Redis with users defined in "
                    + "redis.conf and at the same setting an ACL file path is invalid. This setup is very likely to "
                    + "lead to configuration errors and security holes, please define either an ACL file or declare "
                    + "users directly in your redis.conf, but not both.");
        }
        if (!userLines.isEmpty()) {
            List<Acl.Line> lines = new ArrayList<>();
            for (int i = 0; i < userLines.size(); i++) {
                lines.add(new Acl.Line(i, userLines.get(i).text(), userLines.get(i).args()));
            }
            try {
                acl.replaceUsers(lines, false);
            } catch (Acl.LoadException e) {
                ServerConfig.RepeatedLine l = userLines.get(e.line);
                throw new ConfigException(l.source(), l.line(), l.text(), e.reason);
            }
        }
        if (!aclfile.isEmpty()) {
            Path file = Path.of(aclfile);
            String source = "the ACL file " + file;
            try {
                acl.replaceUsers(Acl.readFile(file), true);
            } catch (IOException e) {
                throw new ConfigException(source, 0, "", "Error loading ACLs, opening file '" + file + "': "
                        + (e instanceof NoSuchFileException ? "No such file or directory" : e.getMessage()));
            } catch (Acl.LoadException e) {
                throw new ConfigException(source, e.line, e.text, file + ":" + e.line + ": " + e.reason);
            }
        }
        state.acl = acl;
        AclCommands self = new AclCommands(state);
        engine.setAccessCheck(self::denied);
        return acl;
    }

    /** The engine's permission check: refuses with Redis' NOPERM text and logs the denial. */
    private String denied(Session session, CommandSpec spec, byte[][] argv, boolean atExec) {
        if (!(session instanceof ClientConnection c)) {
            return null;
        }
        Acl.Denial d = acl().check(c.user, spec, argv);
        if (d == null) {
            return null;
        }
        logDenial(c, d.reason(), session.inTransaction() || atExec ? "multi" : "toplevel", d.object(), c.user.name());
        if (!atExec) {
            return d.error();
        }
        return "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. "
                + "This command is no longer allowed for the following reason: "
                + switch (d.reason()) {
                    case "command" -> "no permission to execute the command or subcommand";
                    case "key" -> "no permission to touch the specified keys";
                    default -> "no permission to access one of the channels used as arguments";
                };
    }

    /**
     * After a user's rules changed: its subscribers that may no longer use a channel or pattern
     * they are subscribed to are disconnected, as Redis 7.0 does.
     */
    void closeForbiddenSubscribers(AclUser u) {
        var pubsub = state.engine().pubsub();
        for (ClientConnection c : new ArrayList<>(state.clients.values())) {
            if (c.user == u && !c.isClosed() && pubsub.isSubscribed(c)
                    && !acl().maySubscribe(u, pubsub.channelsOf(c), pubsub.patternsOf(c))) {
                c.closeAfterReply();
                c.channel().close();
            }
        }
    }

    void logDenial(ClientConnection c, String reason, String context, String object, String username) {
        acl().logDenial(reason, context, object, username, new ConnectionCommands(state).describe(c),
                System.currentTimeMillis(), Integer.parseInt(state.config().get("acllog-max-len")));
    }

    /** An AUTH or HELLO AUTH that failed, for ACL LOG (object {@code AUTH}, reason {@code auth}). */
    void logAuthFailure(ClientConnection c, String username) {
        logDenial(c, "auth", c.inTransaction() ? "multi" : "toplevel", "AUTH", username);
    }

    /**
     * Closes every connection of the given users; the caller's own is closed after its reply, as
     * Redis does when a user is deleted or ACL LOAD replaces it.
     */
    void disconnect(Set<AclUser> gone, ClientConnection self) {
        if (gone.isEmpty()) {
            return;
        }
        for (ClientConnection c : new ArrayList<>(state.clients.values())) {
            if (!c.isClosed() && gone.contains(c.user)) {
                c.closeAfterReply();
                if (c != self) {
                    c.channel().close();
                }
            }
        }
    }

    // ------------------------------------------------------------------ ACL

    List<CommandSpec> specs() {
        String adm = "admin noscript loading stale";
        String admAcl = "admin slow dangerous";
        String plain = "noscript loading stale";
        return List.of(container("acl", "server", "6.0.0", "A container for Access List Control commands.", List.of(
                command("acl|cat", -2, plain, "slow", "server", "6.0.0",
                        "Lists the ACL categories, or the commands inside a category.", this::cat),
                command("acl|deluser", -3, adm, admAcl, "server", "6.0.0",
                        "Deletes ACL users, and terminates their connections.", this::deluser),
                command("acl|dryrun", -4, adm, admAcl, "server", "7.0.0",
                        "Simulates the execution of a command by a user, without executing the command.",
                        this::dryrun),
                command("acl|genpass", -2, plain, "slow", "server", "6.0.0",
                        "Generates a pseudorandom, secure password that can be used to identify ACL users.",
                        this::genpass),
                command("acl|getuser", 3, adm, admAcl, "server", "6.0.0",
                        "Lists the ACL rules of a user.", this::getuser),
                command("acl|help", 2, "loading stale", "slow", "server", "6.0.0",
                        "Returns helpful text about the different subcommands.", this::help),
                command("acl|list", 2, adm, admAcl, "server", "6.0.0",
                        "Dumps the effective rules in ACL file format.", this::list),
                command("acl|load", 2, adm, admAcl, "server", "6.0.0",
                        "Reloads the rules from the configured ACL file.", this::load),
                command("acl|log", -2, adm, admAcl, "server", "6.0.0",
                        "Lists recent security events generated due to commands rejected by ACL rules.",
                        this::log),
                command("acl|save", 2, adm, admAcl, "server", "6.0.0",
                        "Saves the effective ACL rules in the configured ACL file.", this::save),
                command("acl|setuser", -3, adm, admAcl, "server", "6.0.0",
                        "Creates and modifies an ACL user and its rules.", this::setuser),
                command("acl|users", 2, adm, admAcl, "server", "6.0.0",
                        "Lists all ACL users.", this::users),
                command("acl|whoami", 2, plain, "slow", "server", "6.0.0",
                        "Returns the authenticated username of the current connection.",
                        (e, s, a, r) -> r.bulk(ConnectionCommands.conn(s).user.name())))));
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private void cat(Engine e, Session s, byte[][] a, Reply r) {
        if (a.length > 3) {
            r.error("ERR unknown subcommand or wrong number of arguments for 'cat'. Try ACL HELP.");
            return;
        }
        if (a.length == 2) {
            r.array(AclUser.CATEGORIES.size());
            AclUser.CATEGORIES.forEach(r::bulk);
            return;
        }
        String cat = str(a[2]).toLowerCase(Locale.ROOT);
        if (!AclUser.CATEGORIES.contains(cat)) {
            r.error("ERR Unknown category '" + str(a[2]) + "'");
            return;
        }
        List<String> names = new ArrayList<>();
        for (CommandSpec c : e.commands().allOriginal()) {
            if (c.aclCategories().contains(cat)) {
                names.add(c.name());
            }
            for (CommandSpec sub : c.subcommands()) {
                if (sub.aclCategories().contains(cat)) {
                    names.add(sub.name());
                }
            }
        }
        r.array(names.size());
        names.forEach(r::bulk);
    }

    private void setuser(Engine e, Session s, byte[][] a, Reply r) {
        String name = str(a[2]);
        if (name.contains(" ") || name.indexOf('\0') >= 0) {
            r.error("ERR Usernames can't contain spaces or null characters");
            return;
        }
        List<String> rules = new ArrayList<>();
        for (int i = 3; i < a.length; i++) {
            rules.add(str(a[i]));
        }
        String error = acl().setUser(name, rules);
        if (error != null) {
            r.error(error);
            return;
        }
        closeForbiddenSubscribers(acl().user(name));
        r.ok();
    }

    private void deluser(Engine e, Session s, byte[][] a, Reply r) {
        Set<AclUser> gone = new HashSet<>();
        for (int i = 2; i < a.length; i++) {
            if (str(a[i]).equals("default")) {
                r.error("ERR The 'default' user cannot be removed");
                return;
            }
        }
        for (int i = 2; i < a.length; i++) {
            AclUser u = acl().deleteUser(str(a[i]));
            if (u != null) {
                gone.add(u);
            }
        }
        disconnect(gone, ConnectionCommands.conn(s));
        r.integer(gone.size());
    }

    private void getuser(Engine e, Session s, byte[][] a, Reply r) {
        AclUser u = acl().user(str(a[2]));
        if (u == null) {
            r.nullBulk();
            return;
        }
        r.map(6);
        r.bulk("flags");
        List<String> flags = acl().flags(u);
        r.array(flags.size());
        flags.forEach(r::bulk);
        r.bulk("passwords");
        List<String> pw = acl().passwords(u);
        r.array(pw.size());
        pw.forEach(r::bulk);
        r.bulk("commands");
        r.bulk(acl().describeCommands(u));
        r.bulk("keys");
        r.bulk(acl().describeKeys(u));
        r.bulk("channels");
        r.bulk(acl().describeChannels(u));
        r.bulk("selectors");
        r.array(0);
    }

    private void list(Engine e, Session s, byte[][] a, Reply r) {
        r.array(acl().users().size());
        for (AclUser u : acl().users()) {
            r.bulk(acl().describe(u));
        }
    }

    private void users(Engine e, Session s, byte[][] a, Reply r) {
        r.array(acl().users().size());
        for (AclUser u : acl().users()) {
            r.bulk(u.name());
        }
    }

    private void genpass(Engine e, Session s, byte[][] a, Reply r) {
        long bits = 256;
        if (a.length == 3) {
            bits = Args.parseLong(a[2]);
            if (bits <= 0 || bits > 4096) {
                r.error("ERR ACL GENPASS argument must be the number of bits for the output password, "
                        + "a positive number up to 4096");
                return;
            }
        } else if (a.length > 3) {
            r.error("ERR unknown subcommand or wrong number of arguments for 'genpass'. Try ACL HELP.");
            return;
        }
        r.bulk(acl().genpass((int) bits));
    }

    private void dryrun(Engine e, Session s, byte[][] a, Reply r) {
        AclUser u = acl().user(str(a[2]));
        if (u == null) {
            r.error("ERR User '" + str(a[2]) + "' not found");
            return;
        }
        CommandSpec cmd = e.commands().lookup(a[3]);
        if (cmd == null) {
            r.error("ERR Command '" + str(a[3]) + "' not found");
            return;
        }
        byte[][] argv = java.util.Arrays.copyOfRange(a, 3, a.length);
        if (!cmd.arityAccepts(argv.length)) {
            r.error(Errors.wrongArgs(cmd.name()));
            return;
        }
        Acl.Denial d = acl().check(u, cmd, argv);
        if (d == null) {
            r.ok();
        } else if (d.reason().equals("command")) {
            r.bulk("This user has no permissions to run the '" + d.object() + "' command");
        } else if (d.reason().equals("key")) {
            r.bulk("This user has no permissions to access the '" + d.object() + "' key");
        } else {
            r.bulk("This user has no permissions to access the '" + d.object() + "' channel");
        }
    }

    private void log(Engine e, Session s, byte[][] a, Reply r) {
        long count = 10;
        if (a.length > 3) {
            r.error("ERR unknown subcommand or wrong number of arguments for 'log'. Try ACL HELP.");
            return;
        }
        if (a.length == 3) {
            if (Args.is(a[2], "reset")) {
                acl().resetLog();
                r.ok();
                return;
            }
            count = Args.parseLong(a[2]);
        }
        List<Acl.LogEntry> entries = acl().logEntries();
        int n = (int) Math.max(0, Math.min(count, entries.size()));
        long now = System.currentTimeMillis();
        r.array(n);
        for (int i = 0; i < n; i++) {
            Acl.LogEntry en = entries.get(i);
            r.map(7);
            r.bulk("count");
            r.integer(en.count);
            r.bulk("reason");
            r.bulk(en.reason);
            r.bulk("context");
            r.bulk(en.context);
            r.bulk("object");
            r.bulk(en.object);
            r.bulk("username");
            r.bulk(en.username);
            r.bulk("age-seconds");
            r.doubleValue((now - en.createdMs) / 1000.0);
            r.bulk("client-info");
            r.bulk(en.clientInfo);
        }
    }

    private static final String NO_ACLFILE = "ERR This Redis instance is not configured to use an ACL file. You may "
            + "want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have "
            + "a Redis configuration file set) in order to store users in the Redis configuration.";

    private void save(Engine e, Session s, byte[][] a, Reply r) {
        String file = state.config().get("aclfile");
        if (file.isEmpty()) {
            r.error(NO_ACLFILE);
            return;
        }
        try {
            acl().save(Path.of(file));
            r.ok();
        } catch (IOException ex) {
            r.error("ERR There was an error trying to save the ACLs. Please check the server logs for more "
                    + "information");
            org.slf4j.LoggerFactory.getLogger(AclCommands.class).warn("Saving the ACL file {}: {}", file,
                    ex.toString());
        }
    }

    private void load(Engine e, Session s, byte[][] a, Reply r) {
        String file = state.config().get("aclfile");
        if (file.isEmpty()) {
            r.error(NO_ACLFILE);
            return;
        }
        Path p = Path.of(file);
        List<AclUser> replaced;
        try {
            if (!Files.exists(p)) {
                r.error("ERR Error loading ACLs, opening file '" + file + "': No such file or directory");
                return;
            }
            replaced = acl().replaceUsers(Acl.readFile(p), true);
        } catch (IOException ex) {
            r.error("ERR Error loading ACLs, opening file '" + file + "': " + ex.getMessage());
            return;
        } catch (Acl.LoadException ex) {
            r.error("ERR " + file + ":" + ex.line + ": " + ex.reason + ". WARNING: ACL errors detected, no change "
                    + "to the previously active ACL rules was performed");
            return;
        }
        disconnect(new HashSet<>(replaced), ConnectionCommands.conn(s));
        r.ok();
    }

    private void help(Engine e, Session s, byte[][] a, Reply r) {
        Subcommands.help(r, "acl",
                "CAT [<category>]",
                "    List all commands that belong to <category>, or all command categories",
                "    when no category is specified.",
                "DELUSER <username> [<username> ...]",
                "    Delete a list of users.",
                "DRYRUN <username> <command> [<arg> ...]",
                "    Returns whether the user can execute the given command without executing the command.",
                "GETUSER <username>",
                "    Get the user's details.",
                "GENPASS [<bits>]",
                "    Generate a secure 256-bit user password. The optional `bits` argument can",
                "    be used to specify a different size.",
                "LIST",
                "    Show users details in config file format.",
                "LOAD",
                "    Reload users from the ACL file.",
                "LOG [<count> | RESET]",
                "    Show the ACL log entries.",
                "SAVE",
                "    Save the current config to the ACL file.",
                "SETUSER <username> <attribute> [<attribute> ...]",
                "    Create or modify a user with the specified attributes.",
                "USERS",
                "    List all the registered usernames.",
                "WHOAMI",
                "    Return the current connection username.");
    }
}
