package io.relog.engine.command;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * All commands the server knows, by lower-case name, with their Redis metadata. Filled at start
 * (engine commands by the engine, connection and server commands by the frontend) and read-only
 * afterwards, so any thread may read it once the server runs.
 *
 * <p><b>Two names per command.</b> {@code rename-command} (config file only, as in Redis) changes
 * the name clients call a command by, or removes it ({@code ""}); {@link #lookup} is that client
 * view, which {@code COMMAND INFO} also uses. The command keeps its original name everywhere else:
 * in {@code COMMAND} output, in ACL rules, and in what is written to the log, so that the log
 * replays, feeds CDC readers and replicas and restores with any configuration
 * ({@link #lookupOriginal}).
 */
public final class CommandTable {

    private final Map<String, CommandSpec> byName = new LinkedHashMap<>();
    /** Client-visible name to command, after {@code rename-command}. */
    private final Map<String, CommandSpec> byClientName = new LinkedHashMap<>();
    /** Original names of commands renamed to "" (disabled). */
    private final java.util.Set<String> disabled = new java.util.HashSet<>();
    private boolean renamed;

    // Open-addressing indexes by lower-case name bytes, so the per-command lookup allocates nothing.
    private byte[][] slotNames = new byte[0][];
    private CommandSpec[] slotSpecs = new CommandSpec[0];
    private byte[][] originalNames = new byte[0][];
    private CommandSpec[] originalSpecs = new CommandSpec[0];

    /** Adds a command; fails on a duplicate name, which would be a programming error. */
    public void register(CommandSpec spec) {
        if (byName.putIfAbsent(spec.name(), spec) != null) {
            throw new IllegalStateException("command registered twice: " + spec.name());
        }
        if (!renamed) {
            byClientName.put(spec.name(), spec);
        }
        rebuildIndex();
    }

    /**
     * {@code rename-command <name> <newName>}: clients call the command {@code newName} from now
     * on, or cannot call it at all when {@code newName} is empty. Before the server starts.
     *
     * @throws IllegalArgumentException with Redis' reason when {@code name} is not a command's
     *                                  client name or {@code newName} is taken
     */
    public void rename(String name, String newName) {
        String from = name.toLowerCase(Locale.ROOT);
        String to = newName.toLowerCase(Locale.ROOT);
        CommandSpec spec = byClientName.get(from);
        if (spec == null) {
            throw new IllegalArgumentException("No such command in rename-command");
        }
        if (!to.isEmpty() && byClientName.containsKey(to)) {
            throw new IllegalArgumentException("Target command name already exists");
        }
        renamed = true;
        byClientName.remove(from);
        if (to.isEmpty()) {
            disabled.add(spec.name());
        } else {
            byClientName.put(to, spec);
        }
        rebuildIndex();
    }

    /** Whether any command was renamed or disabled (then client names may differ from original ones). */
    public boolean hasRenames() {
        return renamed;
    }

    private void rebuildIndex() {
        Object[] client = index(byClientName);
        slotNames = (byte[][]) client[0];
        slotSpecs = (CommandSpec[]) client[1];
        Object[] original = index(byName);
        originalNames = (byte[][]) original[0];
        originalSpecs = (CommandSpec[]) original[1];
    }

    private static Object[] index(Map<String, CommandSpec> map) {
        int cap = Integer.highestOneBit(Math.max(16, map.size() * 4) - 1) << 1;
        byte[][] names = new byte[cap][];
        CommandSpec[] specs = new CommandSpec[cap];
        for (Map.Entry<String, CommandSpec> e : map.entrySet()) {
            CommandSpec spec = e.getValue();
            byte[] n = e.getKey().getBytes(StandardCharsets.UTF_8);
            int i = caseFoldHash(n) & (cap - 1);
            while (names[i] != null) {
                i = (i + 1) & (cap - 1);
            }
            names[i] = n;
            specs[i] = spec;
        }
        return new Object[] {names, specs};
    }

    private static int caseFoldHash(byte[] b) {
        int h = 0;
        for (byte x : b) {
            h = 31 * h + (x >= 'A' && x <= 'Z' ? x + 32 : x);
        }
        return h ^ (h >>> 16);
    }

    private static boolean equalsFolded(byte[] lower, byte[] any) {
        if (lower.length != any.length) {
            return false;
        }
        for (int i = 0; i < any.length; i++) {
            int c = any[i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lower[i]) {
                return false;
            }
        }
        return true;
    }

    /** The command clients call {@code name} (any letter case, after renames), or {@code null}. Allocation-free. */
    public CommandSpec lookup(byte[] name) {
        return find(slotNames, slotSpecs, name);
    }

    /** The command originally named {@code name} (any letter case, renames ignored), or {@code null}. Allocation-free. */
    public CommandSpec lookupOriginal(byte[] name) {
        return find(originalNames, originalSpecs, name);
    }

    private static CommandSpec find(byte[][] names, CommandSpec[] specs, byte[] name) {
        if (names.length == 0) {
            return null;
        }
        int mask = names.length - 1;
        for (int i = caseFoldHash(name) & mask; names[i] != null; i = (i + 1) & mask) {
            if (equalsFolded(names[i], name)) {
                return specs[i];
            }
        }
        return null;
    }

    /** The command clients call {@code name} (case-insensitive, after renames), or {@code null}. */
    public CommandSpec lookup(String name) {
        return byClientName.get(name.toLowerCase(Locale.ROOT));
    }

    /** The command originally named {@code name} (case-insensitive, renames ignored), or {@code null}. */
    public CommandSpec lookupOriginal(String name) {
        return byName.get(name.toLowerCase(Locale.ROOT));
    }

    /** Every top-level command clients can call, by original name, in registration order (disabled ones left out). */
    public Collection<CommandSpec> all() {
        if (disabled.isEmpty()) {
            return Collections.unmodifiableCollection(byName.values());
        }
        java.util.List<CommandSpec> l = new java.util.ArrayList<>();
        for (CommandSpec c : byName.values()) {
            if (!disabled.contains(c.name())) {
                l.add(c);
            }
        }
        return Collections.unmodifiableList(l);
    }

    /** Every top-level command, disabled ones included (ACL categories and rules are about these). */
    public Collection<CommandSpec> allOriginal() {
        return Collections.unmodifiableCollection(byName.values());
    }

    /** How many commands {@link #all} lists. */
    public int size() {
        return byName.size() - disabled.size();
    }

    /** Lower-cased ASCII view of a command name or option, for messages and comparisons. */
    public static String name(byte[] arg) {
        return new String(arg, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
    }
}
