package io.relog.frontend.acl;

import io.relog.engine.command.CommandSpec;
import io.relog.engine.command.CommandTable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One ACL user as Redis 7.0 models it (without selectors): enabled or not, its passwords (SHA-256
 * hex), the commands it may run (a set of command and subcommand names, plus allowed first
 * arguments such as {@code select|0}), its key patterns with read/write permissions, and its
 * channel patterns.
 *
 * <p>Rules ({@code on}, {@code >pass}, {@code ~pattern}, {@code +@category}, ...) are applied by
 * {@link #apply}; {@link #describe} writes them back in Redis' canonical form, which is what
 * {@code ACL LIST} prints and the aclfile holds. Commands are described Redis' way: start from
 * {@code +@all} or {@code -@all}, add each category that fits better than not, then single
 * commands for what still differs, so the text is equivalent to, not a copy of, what was typed.
 *
 * <p>Engine thread only (the connections that run as this user hold a reference to it, so a
 * change applies to their next command, as in Redis).
 */
public final class AclUser {

    /** Redis 7.0's categories, in the order {@code ACL CAT} lists them and descriptions try them. */
    public static final List<String> CATEGORIES = List.of("keyspace", "read", "write", "set", "sortedset", "list",
            "hash", "string", "bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking",
            "dangerous", "connection", "transaction", "scripting");

    static final int READ = 1;
    static final int WRITE = 2;

    /** A key pattern with the permissions it grants ({@link #READ}, {@link #WRITE} or both). */
    record KeyPattern(int flags, String pattern) {
        String describe() {
            return (flags == (READ | WRITE) ? "" : flags == READ ? "%R" : "%W") + "~" + pattern;
        }
    }

    final String name;
    boolean enabled;
    boolean nopass;
    /** 0 none, 1 sanitize-payload, 2 skip-sanitize-payload. */
    int sanitize;
    final LinkedHashSet<String> passwords = new LinkedHashSet<>();
    /** Command and subcommand names ({@code "get"}, {@code "config|get"}) the user may run. */
    final Set<String> commands = new HashSet<>();
    /** {@code +@all} applies to commands added later too (Redis' future-commands bit). */
    boolean futureCommands;
    /** First arguments allowed of commands not allowed as a whole ({@code select} → {@code 0}). */
    final Map<String, LinkedHashSet<String>> firstArgs = new LinkedHashMap<>();
    boolean allKeys;
    final List<KeyPattern> keys = new ArrayList<>();
    boolean allChannels;
    final List<String> channels = new ArrayList<>();

    AclUser(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public boolean enabled() {
        return enabled;
    }

    /** Whether the user can log in with any password. */
    public boolean nopass() {
        return nopass;
    }

    /** A refused rule, with Redis' reason ({@code "Syntax error"}, ...). */
    static final class RuleException extends Exception {
        RuleException(String reason) {
            super(reason, null, false, false);
        }
    }

    /** A copy, so that a list of rules is applied all or nothing. */
    AclUser copy(String newName) {
        AclUser u = new AclUser(newName);
        u.copyFrom(this);
        return u;
    }

    /** Makes this user's permissions equal to {@code o}'s (the name stays). */
    void copyFrom(AclUser o) {
        enabled = o.enabled;
        nopass = o.nopass;
        sanitize = o.sanitize;
        passwords.clear();
        passwords.addAll(o.passwords);
        commands.clear();
        commands.addAll(o.commands);
        futureCommands = o.futureCommands;
        firstArgs.clear();
        o.firstArgs.forEach((k, v) -> firstArgs.put(k, new LinkedHashSet<>(v)));
        allKeys = o.allKeys;
        keys.clear();
        keys.addAll(o.keys);
        allChannels = o.allChannels;
        channels.clear();
        channels.addAll(o.channels);
    }

    static String sha256Hex(byte[] password) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(password));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code password} logs this user in (enabled, and nopass or a matching password). */
    boolean checkPassword(byte[] password) {
        if (!enabled) {
            return false;
        }
        if (nopass) {
            return true;
        }
        byte[] hash = sha256Hex(password).getBytes(StandardCharsets.US_ASCII);
        boolean ok = false;
        for (String p : passwords) {
            ok |= MessageDigest.isEqual(p.getBytes(StandardCharsets.US_ASCII), hash); // no early exit
        }
        return ok;
    }

    private static boolean validHash(String h) {
        if (h.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = h.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Applies one rule. {@code pubsubDefaultAll} is {@code acl-pubsub-default allchannels}, which
     * {@code reset} applies.
     */
    void apply(String rule, CommandTable table, boolean pubsubDefaultAll) throws RuleException {
        String lower = rule.toLowerCase(Locale.ROOT);
        switch (lower) {
            case "on" -> enabled = true;
            case "off" -> enabled = false;
            case "nopass" -> {
                nopass = true;
                passwords.clear();
            }
            case "resetpass" -> {
                nopass = false;
                passwords.clear();
            }
            case "allkeys", "~*" -> {
                allKeys = true;
                keys.clear();
            }
            case "resetkeys" -> {
                allKeys = false;
                keys.clear();
            }
            case "allchannels", "&*" -> {
                allChannels = true;
                channels.clear();
            }
            case "resetchannels" -> {
                allChannels = false;
                channels.clear();
            }
            case "allcommands", "+@all" -> setAll(table, true);
            case "nocommands", "-@all" -> setAll(table, false);
            case "sanitize-payload" -> sanitize = 1;
            case "skip-sanitize-payload" -> sanitize = 2;
            case "clearselectors" -> {
                // Relog has no selectors: nothing to clear.
            }
            case "reset" -> {
                apply("resetpass", table, pubsubDefaultAll);
                apply("resetkeys", table, pubsubDefaultAll);
                apply("resetchannels", table, pubsubDefaultAll);
                if (pubsubDefaultAll) {
                    apply("allchannels", table, pubsubDefaultAll);
                }
                apply("off", table, pubsubDefaultAll);
                apply("sanitize-payload", table, pubsubDefaultAll);
                apply("-@all", table, pubsubDefaultAll);
            }
            default -> applyWithArgument(rule, table);
        }
    }

    private void applyWithArgument(String rule, CommandTable table) throws RuleException {
        if (rule.isEmpty()) {
            throw new RuleException("Syntax error");
        }
        char c = rule.charAt(0);
        String rest = rule.substring(1);
        switch (c) {
            case '>' -> {
                passwords.add(sha256Hex(rest.getBytes(StandardCharsets.UTF_8)));
                nopass = false;
            }
            case '#' -> {
                if (!validHash(rest)) {
                    throw new RuleException("The password hash must be exactly 64 characters and contain only "
                            + "lowercase hexadecimal characters");
                }
                passwords.add(rest);
                nopass = false;
            }
            case '<', '!' -> {
                String h = c == '<' ? sha256Hex(rest.getBytes(StandardCharsets.UTF_8)) : rest;
                if (c == '!' && !validHash(rest)) {
                    throw new RuleException("The password hash must be exactly 64 characters and contain only "
                            + "lowercase hexadecimal characters");
                }
                if (!passwords.remove(h)) {
                    throw new RuleException("The password you are trying to remove from the user does not exist");
                }
            }
            case '~' -> addKeyPattern(READ | WRITE, rest);
            case '%' -> {
                int tilde = rest.indexOf('~');
                if (tilde <= 0) {
                    throw new RuleException("Syntax error");
                }
                int flags = 0;
                for (char f : rest.substring(0, tilde).toCharArray()) {
                    if (f == 'R' || f == 'r') {
                        flags |= READ;
                    } else if (f == 'W' || f == 'w') {
                        flags |= WRITE;
                    } else {
                        throw new RuleException("Syntax error");
                    }
                }
                addKeyPattern(flags, rest.substring(tilde + 1));
            }
            case '&' -> {
                if (allChannels) {
                    throw new RuleException("Adding a pattern after the * pattern (or the 'allchannels' flag) is not "
                            + "valid and does not have any effect. Try 'resetchannels' to start with an empty list of "
                            + "channels");
                }
                if (!channels.contains(rest)) {
                    channels.add(rest);
                }
            }
            case '+', '-' -> applyCommandRule(c == '+', rest, table);
            case '(' -> throw new RuleException("Selectors are not supported by Relog");
            default -> throw new RuleException("Syntax error");
        }
    }

    private void addKeyPattern(int flags, String pattern) throws RuleException {
        if (allKeys) {
            throw new RuleException("Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and "
                    + "does not have any effect. Try 'resetkeys' to start with an empty list of patterns");
        }
        if (pattern.equals("*") && flags == (READ | WRITE)) {
            allKeys = true;
            keys.clear();
            return;
        }
        for (int i = 0; i < keys.size(); i++) {
            if (keys.get(i).pattern().equals(pattern)) {
                keys.set(i, new KeyPattern(keys.get(i).flags() | flags, pattern));
                return;
            }
        }
        keys.add(new KeyPattern(flags, pattern));
    }

    private void setAll(CommandTable table, boolean allow) {
        commands.clear();
        firstArgs.clear();
        futureCommands = allow;
        if (allow) {
            for (CommandSpec c : table.allOriginal()) {
                commands.add(c.name());
                for (CommandSpec s : c.subcommands()) {
                    commands.add(s.name());
                }
            }
        }
    }

    private void set(CommandSpec c, boolean allow) {
        if (allow) {
            commands.add(c.name());
        } else {
            commands.remove(c.name());
        }
        firstArgs.remove(c.name());
    }

    private void applyCommandRule(boolean allow, String what, CommandTable table) throws RuleException {
        if (what.startsWith("@")) {
            String cat = what.substring(1).toLowerCase(Locale.ROOT);
            if (!CATEGORIES.contains(cat)) {
                throw new RuleException("Unknown command or category name in ACL");
            }
            for (CommandSpec c : table.allOriginal()) {
                if (c.aclCategories().contains(cat)) {
                    set(c, allow);
                    for (CommandSpec s : c.subcommands()) {
                        set(s, allow); // a container in the category brings its subcommands, as in Redis
                    }
                }
                for (CommandSpec s : c.subcommands()) {
                    if (s.aclCategories().contains(cat)) {
                        set(s, allow);
                    }
                }
            }
            return;
        }
        String lower = what.toLowerCase(Locale.ROOT);
        int bar = lower.indexOf('|');
        if (bar < 0) {
            CommandSpec c = table.lookupOriginal(lower);
            if (c == null) {
                throw new RuleException("Unknown command or category name in ACL");
            }
            set(c, allow);
            for (CommandSpec s : c.subcommands()) {
                set(s, allow);
            }
            return;
        }
        CommandSpec c = table.lookupOriginal(lower.substring(0, bar));
        String arg = lower.substring(bar + 1);
        if (c == null || arg.isEmpty()) {
            throw new RuleException("Unknown command or category name in ACL");
        }
        if (!c.subcommands().isEmpty()) {
            if (arg.contains("|")) {
                throw new RuleException("Allowing first-arg of a subcommand is not supported");
            }
            CommandSpec sub = null;
            for (CommandSpec s : c.subcommands()) {
                if (s.name().equals(c.name() + "|" + arg)) {
                    sub = s;
                }
            }
            if (sub == null) {
                throw new RuleException("Unknown command or category name in ACL");
            }
            set(sub, allow);
            return;
        }
        if (!allow || arg.contains("|")) {
            throw new RuleException("Unknown command or category name in ACL");
        }
        if (!commands.contains(c.name())) {
            firstArgs.computeIfAbsent(c.name(), k -> new LinkedHashSet<>()).add(arg);
        }
    }

    // ------------------------------------------------------------------ checks

    /** Whether the user may run {@code spec} (a command or a subcommand) with first argument {@code arg1}. */
    boolean mayRun(CommandSpec spec, byte[] arg1) {
        if (commands.contains(spec.name())) {
            return true;
        }
        Set<String> args = firstArgs.get(spec.name());
        return args != null && arg1 != null
                && args.contains(new String(arg1, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT));
    }

    /** Whether some key pattern grants {@code needed} (READ/WRITE bits; 0 = any pattern) on {@code key}. */
    boolean mayAccessKey(byte[] key, int needed) {
        if (allKeys) {
            return true;
        }
        for (KeyPattern p : keys) {
            if ((p.flags() & needed) == needed
                    && io.relog.engine.pattern.Glob.matches(p.pattern().getBytes(StandardCharsets.UTF_8), key, false)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the user may use {@code channel}: a channel name matched against the patterns, or
     * for PSUBSCRIBE ({@code literal}) a pattern that must equal one of them, as in Redis.
     */
    boolean mayAccessChannel(byte[] channel, boolean literal) {
        if (allChannels) {
            return true;
        }
        String s = new String(channel, StandardCharsets.UTF_8);
        for (String p : channels) {
            if (literal ? p.equals(s)
                    : io.relog.engine.pattern.Glob.matches(p.getBytes(StandardCharsets.UTF_8), channel, false)) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ description

    /** The flags {@code ACL GETUSER} lists, in Redis' order. */
    List<String> flags() {
        List<String> f = new ArrayList<>();
        f.add(enabled ? "on" : "off");
        if (nopass) {
            f.add("nopass");
        }
        if (sanitize == 2) {
            f.add("skip-sanitize-payload");
        }
        if (sanitize == 1) {
            f.add("sanitize-payload");
        }
        return f;
    }

    /** {@code ~* } or the key patterns, as ACL GETUSER's {@code keys} field. */
    String describeKeys() {
        if (allKeys) {
            return "~*";
        }
        List<String> l = new ArrayList<>();
        for (KeyPattern p : keys) {
            l.add(p.describe());
        }
        return String.join(" ", l);
    }

    /** {@code &*} or the channel patterns, as ACL GETUSER's {@code channels} field. */
    String describeChannels() {
        if (allChannels) {
            return "&*";
        }
        List<String> l = new ArrayList<>();
        for (String c : channels) {
            l.add("&" + c);
        }
        return String.join(" ", l);
    }

    /**
     * The command rules in Redis 7.0's canonical form ({@code "-@all +@string -set +select|0"}):
     * from {@code -@all} (or {@code +@all} when future commands are allowed), greedily the
     * category that adds (removes) the most commands the user has (lacks) while costing the
     * fewest it lacks (has), each command counted once; then single commands where the result
     * still differs, and the allowed first arguments.
     */
    String describeCommands(CommandTable table) {
        AclUser fake = new AclUser("");
        StringBuilder sb = new StringBuilder();
        boolean additive = !futureCommands;
        fake.setAll(table, !additive);
        sb.append(additive ? "-@all " : "+@all ");
        AclUser temp = new AclUser("");
        temp.commands.addAll(commands);
        boolean[] applied = new boolean[CATEGORIES.size()];
        while (true) {
            int best = -1;
            long minDiff = Long.MAX_VALUE;
            long maxSame = 0;
            for (int j = 0; j < CATEGORIES.size(); j++) {
                if (applied[j]) {
                    continue;
                }
                long on = 0;
                long off = 0;
                for (CommandSpec c : table.allOriginal()) {
                    for (CommandSpec x : withSubcommands(c)) {
                        if (x.aclCategories().contains(CATEGORIES.get(j))) {
                            if (temp.commands.contains(x.name())) {
                                on++;
                            } else {
                                off++;
                            }
                        }
                    }
                }
                long diff = additive ? off : on;
                long same = additive ? on : off;
                if (same > diff && (diff < minDiff || diff == minDiff && same > maxSame)) {
                    best = j;
                    minDiff = diff;
                    maxSame = same;
                }
            }
            if (best < 0) {
                break;
            }
            try {
                fake.applyCommandRule(additive, "@" + CATEGORIES.get(best), table);
                temp.applyCommandRule(!additive, "@" + CATEGORIES.get(best), table);
            } catch (RuleException e) {
                throw new IllegalStateException(e);
            }
            sb.append(additive ? "+@" : "-@").append(CATEGORIES.get(best)).append(' ');
            applied[best] = true;
        }
        for (CommandSpec c : table.allOriginal()) {
            for (CommandSpec s : withSubcommands(c)) {
                boolean mine = commands.contains(s.name());
                if (mine != fake.commands.contains(s.name())) {
                    sb.append(mine ? '+' : '-').append(s.name()).append(' ');
                    fake.set(s, mine);
                    if (s == c) {
                        for (CommandSpec sub : c.subcommands()) {
                            fake.set(sub, mine); // +config applies to its subcommands, as the rule does
                        }
                    }
                }
            }
            Set<String> args = firstArgs.get(c.name());
            if (args != null && !commands.contains(c.name())) {
                for (String a : args) {
                    sb.append('+').append(c.name()).append('|').append(a).append(' ');
                }
            }
        }
        sb.setLength(sb.length() - 1);
        return sb.toString();
    }

    private static List<CommandSpec> withSubcommands(CommandSpec c) {
        if (c.subcommands().isEmpty()) {
            return List.of(c);
        }
        List<CommandSpec> l = new ArrayList<>(c.subcommands().size() + 1);
        l.add(c);
        l.addAll(c.subcommands());
        return l;
    }

    /** The whole user as {@code ACL LIST} prints it and the aclfile stores it. */
    String describe(CommandTable table) {
        StringBuilder sb = new StringBuilder("user ").append(name);
        for (String f : flags()) {
            sb.append(' ').append(f);
        }
        for (String p : passwords) {
            sb.append(" #").append(p);
        }
        String k = describeKeys();
        if (!k.isEmpty()) {
            sb.append(' ').append(k);
        }
        if (allChannels) {
            sb.append(" &*");
        } else {
            sb.append(" resetchannels");
            String ch = describeChannels();
            if (!ch.isEmpty()) {
                sb.append(' ').append(ch);
            }
        }
        sb.append(' ').append(describeCommands(table));
        return sb.toString();
    }
}
