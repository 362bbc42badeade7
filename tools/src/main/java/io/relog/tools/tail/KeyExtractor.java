package io.relog.tools.tail;

import io.relog.engine.EngineCommands;
import io.relog.engine.command.CommandSpec;
import io.relog.engine.command.CommandTable;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys of a command, from the key positions (first key, last key, step) the engine's command
 * table records — the same rule {@code COMMAND GETKEYS} applies. Commands the table does not know
 * (connection and server commands, plumbing) have no keys. For the few write commands with
 * movable keys ({@code ZUNIONSTORE} and kin, {@code SORT … STORE}) the table names the fixed
 * positions only (the destination), as {@code COMMAND INFO} reports them.
 */
final class KeyExtractor {

    private final CommandTable table = new CommandTable();

    KeyExtractor() {
        EngineCommands.registerAll(table);
    }

    /** The keys of {@code argv}, in order; empty when it has none. */
    List<byte[]> keys(byte[][] argv) {
        CommandSpec c = table.lookup(argv[0]);
        if (c == null || c.firstKey() <= 0) {
            return List.of();
        }
        int argc = argv.length;
        int last = c.lastKey() >= 0 ? c.lastKey() : argc + c.lastKey();
        int step = Math.max(1, c.step());
        List<byte[]> keys = new ArrayList<>(Math.max(1, (last - c.firstKey()) / step + 1));
        for (int i = c.firstKey(); i <= last && i < argc; i += step) {
            keys.add(argv[i]);
        }
        return keys;
    }
}
