package io.relog.engine.command;

import io.relog.engine.Engine;
import io.relog.engine.Session;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Dispatch for container commands (OBJECT, CLIENT, CONFIG, COMMAND, ...), the way Redis 7.0
 * does it: the container's own arity admits {@code argv[1]}, the subcommand is looked up by
 * name in any letter case, its own arity is checked against the whole argv, and its handler runs
 * with the same argv (so {@code argv[1]} is the subcommand name and its arguments start at 2).
 *
 * <p>Errors, with Redis' exact texts:
 * <ul>
 *   <li>unknown subcommand: {@code ERR unknown subcommand 'foo'. Try OBJECT HELP.}</li>
 *   <li>wrong arity of a subcommand: {@code ERR wrong number of arguments for 'object|encoding' command}</li>
 * </ul>
 *
 * <p>Usage: build the subcommand specs (named {@code "container|sub"}), then give the container
 * spec {@code handler(name, subs)} as its handler and {@code subs} as its subcommands.
 * {@link #help} writes the standard reply of a {@code HELP} subcommand.
 */
public final class Subcommands {

    private Subcommands() {
    }

    /**
     * A handler for container {@code container} that dispatches to {@code subcommands}.
     *
     * @param container   lower-case container name, e.g. {@code "object"}
     * @param subcommands specs named {@code container|sub} (lower case)
     */
    public static CommandHandler handler(String container, List<CommandSpec> subcommands) {
        Map<String, CommandSpec> byName = new HashMap<>();
        String prefix = container + "|";
        for (CommandSpec s : subcommands) {
            if (!s.name().startsWith(prefix)) {
                throw new IllegalArgumentException(s.name() + " is not a subcommand of " + container);
            }
            byName.put(s.name().substring(prefix.length()), s);
        }
        return (engine, session, argv, reply) -> dispatch(container, byName, engine, session, argv, reply);
    }

    /**
     * The subcommand {@code argv[1]} of {@code container}, or {@code null}; case-insensitive.
     * Any thread once the table is built.
     */
    public static CommandSpec lookup(CommandSpec container, byte[] sub) {
        String name = container.name() + "|" + new String(sub, java.nio.charset.StandardCharsets.UTF_8)
                .toLowerCase(Locale.ROOT);
        for (CommandSpec s : container.subcommands()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    private static void dispatch(String container, Map<String, CommandSpec> byName, Engine engine,
                                 Session session, byte[][] argv, Reply reply) {
        if (argv.length < 2) {
            reply.error(Errors.wrongArgs(container));
            return;
        }
        CommandSpec sub = argv[1].length > 64 ? null : byName.get(CommandTable.name(argv[1]));
        if (sub == null) {
            reply.error(Errors.unknownSubcommand(new String(argv[1], java.nio.charset.StandardCharsets.UTF_8), container));
            return;
        }
        if (!sub.arityAccepts(argv.length)) {
            reply.error(Errors.wrongArgs(sub.name()));
            return;
        }
        sub.handler().execute(engine, session, argv, reply);
    }

    /**
     * Writes Redis' standard {@code HELP} reply: a header line
     * {@code "<CONTAINER> <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"}, then
     * {@code lines}, then {@code HELP} and {@code "    Prints this help."}, as an array of simple
     * strings (RESP2 and RESP3 alike).
     *
     * @param lines the subcommand descriptions, two or more lines each: {@code "ENCODING <key>"},
     *              then indented explanation lines ({@code "    Return ..."})
     */
    public static void help(Reply reply, String container, String... lines) {
        reply.array(lines.length + 3);
        reply.simple(container.toUpperCase(Locale.ROOT) + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        for (String l : lines) {
            reply.simple(l);
        }
        reply.simple("HELP");
        reply.simple("    Prints this help.");
    }
}
