package io.relog.frontend;

import io.relog.engine.command.CommandFlag;
import io.relog.engine.command.CommandHandler;
import io.relog.engine.command.CommandSpec;
import io.relog.engine.command.CommandTable;
import io.relog.engine.command.Errors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/**
 * Short-hand for the keyless connection and server commands' Redis 7.0 metadata, and the
 * dispatch of container commands (CLIENT, CONFIG, COMMAND) to their subcommands with Redis'
 * subcommand arity check ({@code ERR wrong number of arguments for 'client|setname' command}).
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
        return new CommandSpec(name, arity, flags(flags), 0, 0, 0, words(acl), group, since, summary, List.of(), handler);
    }

    /** A container command: dispatches on argv[1] to one of {@code subs} (named {@code container|sub}). */
    static CommandSpec container(String name, String group, String since, String summary, List<CommandSpec> subs) {
        CommandHandler dispatch = (engine, session, argv, reply) -> {
            String sub = new String(argv[1], java.nio.charset.StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            CommandSpec spec = null;
            for (CommandSpec s : subs) {
                if (s.name().equals(name + "|" + sub)) {
                    spec = s;
                    break;
                }
            }
            if (spec == null) {
                reply.error(Errors.unknownSubcommand(new String(argv[1], java.nio.charset.StandardCharsets.UTF_8), name));
                return;
            }
            if (!spec.arityAccepts(argv.length)) {
                reply.error(Errors.wrongArgs(spec.name()));
                return;
            }
            spec.handler().execute(engine, session, argv, reply);
        };
        return new CommandSpec(name, -2, EnumSet.noneOf(CommandFlag.class), 0, 0, 0, List.of("slow"), group, since,
                summary, subs, dispatch);
    }

    static EnumSet<CommandFlag> flags(String flags) {
        EnumSet<CommandFlag> set = EnumSet.noneOf(CommandFlag.class);
        for (String f : words(flags)) {
            set.add(CommandFlag.valueOf(f.toUpperCase(Locale.ROOT)));
        }
        return set;
    }

    static List<String> words(String s) {
        return s.isBlank() ? List.of() : new ArrayList<>(Arrays.asList(s.trim().split("\\s+")));
    }

    static void registerAll(CommandTable table, List<CommandSpec> specs) {
        for (CommandSpec s : specs) {
            table.register(s);
        }
    }
}
