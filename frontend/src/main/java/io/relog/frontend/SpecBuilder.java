package io.relog.frontend;

import io.relog.engine.Engine;
import io.relog.engine.command.Args;
import io.relog.engine.command.CommandHandler;
import io.relog.engine.command.CommandSpec;
import io.relog.engine.command.CommandTable;
import io.relog.engine.command.Subcommands;
import java.util.List;

/**
 * Short-hand for the keyless connection and server commands' Redis 7.0 metadata, and container
 * commands (CLIENT, CONFIG, COMMAND) dispatching through the engine's {@link Subcommands}, plus
 * what the front end adds: a bare form ({@code COMMAND} alone) and the last command name that
 * {@code CLIENT LIST} reports ({@code cmd=client|list}).
 */
final class SpecBuilder {

    private SpecBuilder() {
    }

    /**
     * @param flags space-separated Redis flag names as COMMAND INFO prints them ({@code "noscript loading stale"})
     * @param acl   space-separated ACL categories without '@'
     */
    static CommandSpec command(String name, int arity, String flags, String acl, String group, String since,
            String summary, CommandHandler handler) {
        return CommandSpec.of(name, arity, flags, 0, 0, 0, acl, group, since, summary, handler);
    }

    /** A container command (arity -2, no flags, {@code @slow}) over {@code subs} (named {@code container|sub}). */
    static CommandSpec container(String name, String group, String since, String summary, List<CommandSpec> subs) {
        return container(name, -2, "", "slow", group, since, summary, subs, null);
    }

    /**
     * A container command whose bare form ({@code argv.length == 1}, allowed when {@code arity} is
     * -1) runs {@code bare}, like {@code COMMAND} alone.
     */
    static CommandSpec container(String name, int arity, String flags, String acl, String group, String since,
            String summary, List<CommandSpec> subs, CommandHandler bare) {
        CommandSpec[] self = new CommandSpec[1];
        CommandHandler toSubcommand = Subcommands.handler(name, subs);
        CommandHandler dispatch = (engine, session, argv, reply) -> {
            if (argv.length == 1 && bare != null) {
                bare.execute(engine, session, argv, reply);
                return;
            }
            CommandSpec sub = argv.length < 2 || argv[1].length > 64 ? null : Subcommands.lookup(self[0], argv[1]);
            if (sub == null) {
                toSubcommand.execute(engine, session, argv, reply); // replies Redis' unknown-subcommand error
                return;
            }
            if (session instanceof ClientConnection c) {
                c.lastCommand = sub.name();
            }
            // Counted per subcommand, as Redis' INFO commandstats reports them (cmdstat_client|id).
            Engine.CommandStats st = engine.stats(sub);
            if (!sub.arityAccepts(argv.length)) {
                st.rejected++;
                toSubcommand.execute(engine, session, argv, reply); // replies Redis' arity error
                return;
            }
            long start = System.nanoTime();
            try {
                toSubcommand.execute(engine, session, argv, reply);
            } catch (Args.ArgException e) {
                st.failed++;
                throw e;
            } finally {
                long nanos = System.nanoTime() - start;
                st.calls++;
                st.nanos += nanos;
                if (engine.latencyTracking()) {
                    st.recordLatency(nanos);
                }
            }
        };
        self[0] = CommandSpec.withSubcommands(name, arity, flags, 0, 0, 0, acl, group, since, summary, subs, dispatch);
        return self[0];
    }

    static void registerAll(CommandTable table, List<CommandSpec> specs) {
        for (CommandSpec s : specs) {
            table.register(s);
        }
    }
}
