package io.relog.frontend;

import static io.relog.frontend.SpecBuilder.command;

import io.relog.engine.Engine;
import io.relog.engine.Session;
import io.relog.engine.command.Args;
import io.relog.engine.command.CommandSpec;
import io.relog.engine.command.Errors;
import io.relog.engine.command.Reply;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Snapshot commands: BGSAVE [SCHEDULE], SAVE, BGREWRITEAOF (served by a snapshot: the log before
 * it becomes trimmable, which is what an AOF rewrite achieves in Redis), LASTSAVE. Engine thread.
 */
final class PersistenceCommands {

    private final ServerState state;

    PersistenceCommands(ServerState state) {
        this.state = state;
    }

    List<CommandSpec> specs() {
        List<CommandSpec> l = new ArrayList<>();
        l.add(command("bgsave", -1, "admin noscript no_async_loading", "admin slow dangerous", "server", "1.0.0",
                "Asynchronously saves the database(s) to disk.", this::bgsave));
        l.add(command("save", 1, "admin noscript no_async_loading no_multi", "admin slow dangerous", "server",
                "1.0.0", "Synchronously saves the database(s) to disk.", this::save));
        l.add(command("bgrewriteaof", 1, "admin noscript no_async_loading", "admin slow dangerous", "server",
                "1.0.0", "Asynchronously rewrites the append-only file to disk.", this::bgrewriteaof));
        l.add(command("lastsave", 1, "loading stale fast", "admin fast dangerous", "server", "1.0.0",
                "Returns the Unix time of the last successful save.",
                (e, s, a, r) -> r.integer(state.snapshots.lastSaveSec())));
        return l;
    }

    private void bgsave(Engine e, Session s, byte[][] a, Reply r) {
        boolean schedule = false;
        if (a.length == 2 && Args.is(a[1], "schedule")) {
            schedule = true;
        } else if (a.length > 1) {
            r.error(Errors.SYNTAX);
            return;
        }
        if (state.snapshots.requestBackground(schedule)) {
            r.simple("Background saving started");
        } else if (schedule) {
            r.simple("Background saving scheduled");
        } else {
            r.error("ERR Background save already in progress");
        }
    }

    private void save(Engine e, Session s, byte[][] a, Reply r) {
        if (state.snapshots.inProgress()) {
            r.error("ERR Background save already in progress");
            return;
        }
        try {
            saveNow();
            r.ok();
        } catch (IOException ex) {
            r.error("ERR " + ex.getMessage());
        }
    }

    /** A snapshot now, on the engine thread: this iteration's writes go to the log first, so the offset is exact. */
    void saveNow() throws IOException {
        state.writer.afterIteration();
        state.snapshots.saveNow();
    }

    private void bgrewriteaof(Engine e, Session s, byte[][] a, Reply r) {
        if (state.snapshots.inProgress()) {
            state.snapshots.requestBackground(true);
            r.simple("Background append only file rewriting scheduled");
        } else {
            state.snapshots.requestBackground(false);
            r.simple("Background append only file rewriting started");
        }
    }
}
