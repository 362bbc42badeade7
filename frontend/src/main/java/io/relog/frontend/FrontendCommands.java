package io.relog.frontend;

import io.relog.engine.command.CommandTable;

/** Registers the commands the front end implements (connection and server commands). */
final class FrontendCommands {

    private FrontendCommands() {
    }

    static void registerAll(CommandTable table, ServerState state) {
        SpecBuilder.registerAll(table, new ConnectionCommands(state).specs());
        SpecBuilder.registerAll(table, new ServerCommands(state).specs());
        SpecBuilder.registerAll(table, new PersistenceCommands(state).specs());
        SpecBuilder.registerAll(table, new DiagnosticCommands(state).specs());
        SpecBuilder.registerAll(table, state.replication.specs());
        SpecBuilder.registerAll(table, new LogCommands(state).specs());
        SpecBuilder.registerAll(table, state.replica.specs());
        SpecBuilder.registerAll(table, new AclCommands(state).specs());
    }
}
