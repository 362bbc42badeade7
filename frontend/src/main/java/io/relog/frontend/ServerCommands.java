package io.relog.frontend;

import static io.relog.frontend.SpecBuilder.command;

import io.relog.engine.Engine;
import io.relog.engine.Session;
import io.relog.engine.command.Args;
import io.relog.engine.command.CommandSpec;
import io.relog.engine.command.Errors;
import io.relog.engine.command.Reply;
import java.util.ArrayList;
import java.util.List;

/** Server commands: COMMAND INFO CONFIG LASTSAVE DEBUG SHUTDOWN. Engine thread. */
final class ServerCommands {

    private final ServerState state;

    ServerCommands(ServerState state) {
        this.state = state;
    }

    List<CommandSpec> specs() {
        List<CommandSpec> l = new ArrayList<>();
        l.add(command("lastsave", 1, "loading stale fast", "admin fast dangerous", "server", "1.0.0",
                "Returns the Unix time of the last successful save.", this::lastsave));
        l.add(command("debug", -2, "admin noscript loading stale", "admin slow dangerous", "server", "1.0.0",
                "A container for debugging commands (SLEEP).", this::debug));
        l.add(command("shutdown", -1, "admin noscript loading stale no_multi allow_busy", "admin slow dangerous",
                "server", "1.0.0", "Stops the server.", this::shutdown));
        return l;
    }

    /**
     * The time of the last successful snapshot. No snapshot exists before the snapshot subsystem
     * lands, so this is the time the server started, which is what Redis reports before its first save.
     */
    private void lastsave(Engine e, Session s, byte[][] a, Reply r) {
        r.integer(state.startTimeMs / 1000);
    }

    private void debug(Engine e, Session s, byte[][] a, Reply r) {
        if (Args.is(a[1], "sleep") && a.length == 3) {
            double secs;
            try {
                secs = Args.parseDouble(a[2]);
            } catch (Args.ArgException ex) {
                r.error(Errors.NOT_FLOAT);
                return;
            }
            long nanos = (long) (secs * 1e9);
            long end = System.nanoTime() + nanos;
            // Blocks the engine thread on purpose, as DEBUG SLEEP blocks Redis' main thread.
            while (System.nanoTime() < end) {
                try {
                    Thread.sleep(Math.max(1, Math.min(100, (end - System.nanoTime()) / 1_000_000)));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            r.ok();
            return;
        }
        r.error("ERR unknown subcommand or wrong number of arguments for '"
                + new String(a[1], java.nio.charset.StandardCharsets.UTF_8) + "'. Try DEBUG HELP.");
    }

    private void shutdown(Engine e, Session s, byte[][] a, Reply r) {
        boolean abort = false;
        for (int i = 1; i < a.length; i++) {
            if (Args.is(a[i], "abort")) {
                abort = true;
            } else if (!(Args.is(a[i], "nosave") || Args.is(a[i], "save") || Args.is(a[i], "now")
                    || Args.is(a[i], "force"))) {
                r.error(Errors.SYNTAX);
                return;
            }
        }
        if (abort) {
            if (a.length > 2) {
                r.error(Errors.SYNTAX);
            } else {
                r.error("ERR No shutdown in progress.");
            }
            return;
        }
        // Nothing to save yet (snapshots are a later subsystem): NOSAVE and SAVE behave alike.
        state.loop.requestStop();
        state.shutdownAction.run();
    }
}
