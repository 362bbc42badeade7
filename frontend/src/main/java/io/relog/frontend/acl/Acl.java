package io.relog.frontend.acl;

import io.relog.engine.command.CommandSpec;
import io.relog.engine.command.CommandTable;
import io.relog.engine.command.Subcommands;
import io.relog.frontend.resp.InlineArgs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ACL users and the permission check, as Redis 7.0 has them.
 *
 * <p><b>Why users are objects the connections point to.</b> A connection authenticates as a user
 * and keeps a reference to it, so {@code ACL SETUSER} changes (applied all or nothing to a copy,
 * then copied into the same object) take effect on the next command of every connection of that
 * user, with no lookup by name per command. Deleting a user, or {@code ACL LOAD} replacing the
 * users, disconnects their connections instead (the caller does that: see
 * {@link #deleteUser}, {@link #load}). The {@code default} user is never replaced, only
 * changed, because every new connection starts as it.
 *
 * <p>Threads: engine thread, except {@link #defaultNeedsAuth}, which IO threads read.
 */
public final class Acl {

    /** One refused command, for the error reply and the ACL LOG entry. */
    public record Denial(String reason, String object, String error) {
    }

    /** One ACL LOG entry (Redis groups repeated denials into one entry with a count). */
    public static final class LogEntry {
        public final String reason;
        public final String context;
        public final String object;
        public final String username;
        public long count = 1;
        public long createdMs;
        public String clientInfo;

        LogEntry(String reason, String context, String object, String username, long now, String clientInfo) {
            this.reason = reason;
            this.context = context;
            this.object = object;
            this.username = username;
            this.createdMs = now;
            this.clientInfo = clientInfo;
        }
    }

    public static final String NOPERM_KEYS = "NOPERM this user has no permissions to access one of the keys used as arguments";
    public static final String NOPERM_CHANNELS =
            "NOPERM this user has no permissions to access one of the channels used as arguments";
    public static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";

    private final CommandTable table;
    private final KeySpecs keySpecs = KeySpecs.load();
    private final TreeMap<String, AclUser> users = new TreeMap<>();
    private final AclUser defaultUser;
    private final ArrayDeque<LogEntry> log = new ArrayDeque<>();
    private final SecureRandom random = new SecureRandom();
    private volatile boolean defaultNeedsAuth;
    private volatile boolean defaultNopass;
    private boolean pubsubDefaultAll;

    /** Users with the {@code default} user alone: on, nopass, every key, channel and command. */
    public Acl(CommandTable table) {
        this.table = table;
        defaultUser = new AclUser("default");
        try {
            for (String r : List.of("on", "nopass", "~*", "&*", "+@all")) {
                defaultUser.apply(r, table, false);
            }
        } catch (AclUser.RuleException e) {
            throw new IllegalStateException(e);
        }
        users.put("default", defaultUser);
        refreshDefault();
    }

    /** {@code acl-pubsub-default}: whether new users and {@code reset} get {@code allchannels}. */
    public void pubsubDefaultAll(boolean all) {
        this.pubsubDefaultAll = all;
    }

    private void refreshDefault() {
        defaultNeedsAuth = !defaultUser.nopass || !defaultUser.enabled;
        defaultNopass = defaultUser.nopass;
    }

    /** Whether the default user has {@code nopass} (protected mode then refuses remote clients). Any thread. */
    public boolean defaultNopass() {
        return defaultNopass;
    }

    /** Whether a new connection must authenticate (the default user has a password or is off). Any thread. */
    public boolean defaultNeedsAuth() {
        return defaultNeedsAuth;
    }

    public AclUser defaultUser() {
        return defaultUser;
    }

    /** The user named {@code name}, or {@code null}. */
    public AclUser user(String name) {
        return users.get(name);
    }

    /** Every user, by name. */
    public Collection<AclUser> users() {
        return users.values();
    }

    /** {@code requirepass} (config or CONFIG SET): the default user's only password, or nopass when empty. */
    public void setRequirepass(String password) {
        try {
            defaultUser.apply("resetpass", table, pubsubDefaultAll);
            defaultUser.apply(password.isEmpty() ? "nopass" : ">" + password, table, pubsubDefaultAll);
        } catch (AclUser.RuleException e) {
            throw new IllegalStateException(e);
        }
        refreshDefault();
    }

    /** The user {@code name} logs in as with {@code password}, or {@code null} (unknown, off, wrong password). */
    public AclUser authenticate(String name, byte[] password) {
        AclUser u = users.get(name);
        return u != null && u.checkPassword(password) ? u : null;
    }

    /** A user name Redis accepts: no spaces or control characters (sdssplitargs would split it). */
    static boolean validName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c == 127) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code ACL SETUSER name rules...}: creates the user if needed and applies the rules all or
     * nothing. Returns {@code null}, or the error reply naming the refused rule.
     */
    public String setUser(String name, List<String> rules) {
        AclUser existing = users.get(name);
        AclUser work = existing != null ? existing.copy(name) : newUser(name);
        for (String r : rules) {
            try {
                work.apply(r, table, pubsubDefaultAll);
            } catch (AclUser.RuleException e) {
                return "ERR Error in ACL SETUSER modifier '" + r + "': " + e.getMessage();
            }
        }
        if (existing != null) {
            existing.copyFrom(work);
        } else {
            users.put(name, work);
        }
        refreshDefault();
        return null;
    }

    private AclUser newUser(String name) {
        AclUser u = new AclUser(name);
        u.allChannels = pubsubDefaultAll;
        return u;
    }

    /** Removes a user (not {@code default}); returns the removed one, whose connections the caller closes. */
    public AclUser deleteUser(String name) {
        if (name.equals("default")) {
            throw new IllegalArgumentException("The 'default' user cannot be removed");
        }
        return users.remove(name);
    }

    // ------------------------------------------------------------------ check

    /**
     * Whether {@code user} may run {@code argv}: the command (or the container's subcommand),
     * then its keys with the access each needs, then its channels. {@code null} when allowed.
     */
    public Denial check(AclUser user, CommandSpec spec, byte[][] argv) {
        CommandSpec run = spec;
        if (!spec.subcommands().isEmpty() && argv.length >= 2) {
            CommandSpec sub = argv[1].length > 64 ? null : Subcommands.lookup(spec, argv[1]);
            if (sub != null) {
                run = sub;
            }
        }
        if (!user.mayRun(run, argv.length > 1 ? argv[1] : null)) {
            return new Denial("command", run.name(),
                    "NOPERM this user has no permissions to run the '" + run.name() + "' command");
        }
        if (!user.allKeys) {
            for (KeySpecs.KeyRef k : keySpecs.keys(run.name(), argv)) {
                int needed = (k.read() ? AclUser.READ : 0) | (k.write() ? AclUser.WRITE : 0);
                if (!user.mayAccessKey(argv[k.index()], needed)) {
                    return new Denial("key", new String(argv[k.index()], StandardCharsets.UTF_8), NOPERM_KEYS);
                }
            }
        }
        if (!user.allChannels) {
            String n = run.name();
            int from = n.equals("publish") || n.equals("spublish") ? 1
                    : n.equals("subscribe") || n.equals("ssubscribe") || n.equals("psubscribe") ? 1 : -1;
            int to = n.equals("publish") || n.equals("spublish") ? 2 : argv.length;
            for (int i = from; i >= 0 && i < to && i < argv.length; i++) {
                if (!user.mayAccessChannel(argv[i], n.equals("psubscribe"))) {
                    return new Denial("channel", new String(argv[i], StandardCharsets.UTF_8), NOPERM_CHANNELS);
                }
            }
        }
        return null;
    }

    /**
     * Whether {@code user} may still use every channel and pattern in {@code channels}/{@code patterns}
     * (after its rules changed, a subscriber that may not is disconnected, as in Redis 7.0).
     */
    public boolean maySubscribe(AclUser user, Collection<byte[]> channels, Collection<byte[]> patterns) {
        for (byte[] c : channels) {
            if (!user.mayAccessChannel(c, false)) {
                return false;
            }
        }
        for (byte[] p : patterns) {
            if (!user.mayAccessChannel(p, true)) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ ACL LOG

    /**
     * Adds an ACL LOG entry, or counts it into a matching one less than 60 s old (same reason,
     * context, object and user), then trims to {@code maxLen} entries.
     */
    public void logDenial(String reason, String context, String object, String username, String clientInfo,
                          long nowMs, int maxLen) {
        for (LogEntry e : log) {
            if (e.reason.equals(reason) && e.context.equals(context) && e.object.equals(object)
                    && e.username.equals(username) && nowMs - e.createdMs < 60_000) {
                e.count++;
                e.createdMs = nowMs;
                e.clientInfo = clientInfo;
                log.remove(e);
                log.addFirst(e);
                return;
            }
        }
        log.addFirst(new LogEntry(reason, context, object, username, nowMs, clientInfo));
        while (log.size() > Math.max(0, maxLen)) {
            log.removeLast();
        }
    }

    /** The ACL LOG entries, newest first. */
    public List<LogEntry> logEntries() {
        return List.copyOf(log);
    }

    public void resetLog() {
        log.clear();
    }

    // ------------------------------------------------------------------ describe, GENPASS

    /** {@code ACL LIST}'s line for {@code u}. */
    public String describe(AclUser u) {
        return u.describe(table);
    }

    public String describeCommands(AclUser u) {
        return u.describeCommands(table);
    }

    /** ACL GETUSER's fields. */
    public List<String> flags(AclUser u) {
        return u.flags();
    }

    public List<String> passwords(AclUser u) {
        return List.copyOf(u.passwords);
    }

    public String describeKeys(AclUser u) {
        return u.describeKeys();
    }

    public String describeChannels(AclUser u) {
        return u.describeChannels();
    }

    /** {@code bits} random bits as hex, rounded up to whole hex digits (ACL GENPASS). */
    public String genpass(int bits) {
        int chars = (bits + 3) / 4;
        byte[] b = new byte[(chars + 1) / 2];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b).substring(0, chars);
    }

    // ------------------------------------------------------------------ files and config

    /**
     * A user rule list that could not be used: {@code line} (1-based) of {@code source}, the
     * line's text and Redis' reason.
     */
    public static final class LoadException extends Exception {
        public final int line;
        public final String text;
        public final String reason;

        LoadException(int line, String text, String reason) {
            super(reason);
            this.line = line;
            this.text = text;
            this.reason = reason;
        }
    }

    /**
     * Parses users ({@code name} then rules, per entry) into a new set, validating every rule;
     * nothing is changed here.
     *
     * @param lines per user: the line number, the text, the words (name first)
     */
    private TreeMap<String, AclUser> parseUsers(List<Line> lines) throws LoadException {
        TreeMap<String, AclUser> parsed = new TreeMap<>();
        for (Line l : lines) {
            if (l.words.isEmpty()) {
                throw new LoadException(l.number, l.text, "should start with user keyword followed by the username");
            }
            String name = l.words.get(0);
            if (!validName(name)) {
                throw new LoadException(l.number, l.text, "username '" + name + "' contains invalid characters");
            }
            if (parsed.containsKey(name)) {
                throw new LoadException(l.number, l.text, "Duplicate user '" + name + "' found");
            }
            AclUser u = newUser(name);
            for (String r : l.words.subList(1, l.words.size())) {
                try {
                    u.apply(r, table, pubsubDefaultAll);
                } catch (AclUser.RuleException e) {
                    throw new LoadException(l.number, l.text,
                            "Error in applying operation '" + r + "': " + e.getMessage());
                }
            }
            parsed.put(name, u);
        }
        return parsed;
    }

    /** One user definition: where it was, its text, and its words after {@code user}. */
    public record Line(int number, String text, List<String> words) {
    }

    /**
     * Replaces every user with {@code lines} (the {@code user} directives of the config file, or
     * an aclfile's lines): all or nothing. A missing {@code default} keeps today's default user
     * unchanged (as the users directive does) or, for an aclfile, makes it the initial one.
     *
     * @return the users that were replaced or removed (not {@code default}), whose connections
     *         the caller closes, as Redis does on ACL LOAD
     */
    public List<AclUser> replaceUsers(List<Line> lines, boolean resetDefaultIfMissing) throws LoadException {
        TreeMap<String, AclUser> parsed = parseUsers(lines);
        AclUser newDefault = parsed.remove("default");
        if (newDefault != null) {
            defaultUser.copyFrom(newDefault);
        } else if (resetDefaultIfMissing) {
            defaultUser.copyFrom(new Acl(table).defaultUser);
        }
        List<AclUser> old = new ArrayList<>();
        for (Map.Entry<String, AclUser> e : users.entrySet()) {
            if (!e.getKey().equals("default")) {
                old.add(e.getValue());
            }
        }
        users.clear();
        users.put("default", defaultUser);
        users.putAll(parsed);
        refreshDefault();
        return old;
    }

    /**
     * Reads an aclfile: {@code user <name> <rules...>} per line, {@code #} comments and empty lines
     * skipped, words split (and quotes honoured) like the config file.
     */
    public static List<Line> readFile(Path file) throws IOException, LoadException {
        List<String> text = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Line> out = new ArrayList<>();
        for (int i = 0; i < text.size(); i++) {
            String line = text.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            List<byte[]> parts = InlineArgs.split(b, 0, b.length);
            if (parts == null) {
                throw new LoadException(i + 1, line, "unbalanced quotes in acl line");
            }
            List<String> words = new ArrayList<>();
            for (byte[] p : parts) {
                words.add(new String(p, StandardCharsets.UTF_8));
            }
            if (words.size() < 2 || !words.get(0).equals("user")) {
                throw new LoadException(i + 1, line, "should start with user keyword followed by the username");
            }
            out.add(new Line(i + 1, line, words.subList(1, words.size())));
        }
        return out;
    }

    /** Writes every user to {@code file} (temp file, fsync, rename), as ACL SAVE. */
    public void save(Path file) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (AclUser u : users.values()) {
            sb.append(describe(u)).append('\n');
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
