package io.relog.snapshot;

import io.relog.engine.command.CommandSpec;
import io.relog.engine.command.CommandTable;
import io.relog.snapshot.dump.DumpCommands;

/**
 * The command table rows of the snapshot module, with Redis 7.0.15's metadata as
 * {@code COMMAND INFO} reports it: DUMP and RESTORE.
 */
public final class SnapshotCommands {

    private SnapshotCommands() {
    }

    /** Registers the snapshot commands in {@code table}; call once, at start, after the engine's. */
    public static void registerAll(CommandTable table) {
        table.register(CommandSpec.of("dump", 2, "readonly", 1, 1, 1, "keyspace read slow", "generic", "2.6.0",
                "Returns a serialized representation of the value stored at a key.", DumpCommands::dump));
        table.register(CommandSpec.of("restore", -4, "write denyoom", 1, 1, 1, "keyspace write slow dangerous",
                "generic", "2.6.0", "Creates a key from the serialized representation of a value.",
                DumpCommands::restore));
    }
}
