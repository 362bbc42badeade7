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
 */
public final class CommandTable {

    private final Map<String, CommandSpec> byName = new LinkedHashMap<>();

    // Open-addressing index by lower-case name bytes, so the per-command lookup allocates nothing.
    private byte[][] slotNames = new byte[0][];
    private CommandSpec[] slotSpecs = new CommandSpec[0];

    /** Adds a command; fails on a duplicate name, which would be a programming error. */
    public void register(CommandSpec spec) {
        if (byName.putIfAbsent(spec.name(), spec) != null) {
            throw new IllegalStateException("command registered twice: " + spec.name());
        }
        rebuildIndex();
    }

    private void rebuildIndex() {
        int cap = Integer.highestOneBit(Math.max(16, byName.size() * 4) - 1) << 1;
        byte[][] names = new byte[cap][];
        CommandSpec[] specs = new CommandSpec[cap];
        for (CommandSpec spec : byName.values()) {
            byte[] n = spec.name().getBytes(StandardCharsets.UTF_8);
            int i = caseFoldHash(n) & (cap - 1);
            while (names[i] != null) {
                i = (i + 1) & (cap - 1);
            }
            names[i] = n;
            specs[i] = spec;
        }
        slotNames = names;
        slotSpecs = specs;
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

    /** The command named {@code name} in any letter case, or {@code null}. Allocation-free. */
    public CommandSpec lookup(byte[] name) {
        byte[][] names = slotNames;
        if (names.length == 0) {
            return null;
        }
        int mask = names.length - 1;
        for (int i = caseFoldHash(name) & mask; names[i] != null; i = (i + 1) & mask) {
            if (equalsFolded(names[i], name)) {
                return slotSpecs[i];
            }
        }
        return null;
    }

    /** The command named {@code name} (case-insensitive), or {@code null}. */
    public CommandSpec lookup(String name) {
        return byName.get(name.toLowerCase(Locale.ROOT));
    }

    /** Every top-level command, in registration order. */
    public Collection<CommandSpec> all() {
        return Collections.unmodifiableCollection(byName.values());
    }

    public int size() {
        return byName.size();
    }

    /** Lower-cased ASCII view of a command name or option, for messages and comparisons. */
    public static String name(byte[] arg) {
        return new String(arg, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
    }
}
