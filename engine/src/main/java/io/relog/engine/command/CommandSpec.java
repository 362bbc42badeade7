package io.relog.engine.command;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One row of the command table: Redis' metadata for a command plus its handler.
 *
 * @param name      lower-case command name, e.g. {@code "get"}; for a subcommand, {@code "client|setname"}
 * @param arity     Redis arity: positive = exact argument count including the name, negative = at least -arity
 * @param flags     Redis command flags
 * @param firstKey  position of the first key in argv (0 = no keys)
 * @param lastKey   position of the last key (negative counts from the end: -1 = last argument)
 * @param step      distance between keys
 * @param aclCategories Redis ACL categories without the '@', e.g. {@code "string", "fast", "write"}
 * @param group     Redis' documentation group: {@code string}, {@code generic}, {@code connection}, {@code server}, ...
 * @param since     Redis version that introduced the command, e.g. {@code "1.0.0"}
 * @param summary   one-line description for {@code COMMAND DOCS}, in our own words
 * @param subcommands specs of subcommands (for container commands like CLIENT, CONFIG, OBJECT); empty otherwise
 * @param handler   the implementation; for a container command it dispatches on argv[1]
 */
public record CommandSpec(
        String name,
        int arity,
        Set<CommandFlag> flags,
        int firstKey,
        int lastKey,
        int step,
        List<String> aclCategories,
        String group,
        String since,
        String summary,
        List<CommandSpec> subcommands,
        CommandHandler handler) {

    public CommandSpec {
        flags = flags.isEmpty() ? EnumSet.noneOf(CommandFlag.class) : EnumSet.copyOf(flags);
        aclCategories = List.copyOf(aclCategories);
        subcommands = List.copyOf(subcommands);
    }

    public boolean is(CommandFlag flag) {
        return flags.contains(flag);
    }

    /** Whether {@code argc} arguments (including the command name) satisfy the arity. */
    public boolean arityAccepts(int argc) {
        return arity >= 0 ? argc == arity : argc >= -arity;
    }

    /**
     * A leaf command from Redis' metadata written compactly: {@code flags} and {@code acl} as
     * space-separated lower-case names ({@code "write denyoom fast"}, {@code "write string fast"}).
     */
    public static CommandSpec of(String name, int arity, String flags, int firstKey, int lastKey, int step,
                                 String acl, String group, String since, String summary, CommandHandler handler) {
        return withSubcommands(name, arity, flags, firstKey, lastKey, step, acl, group, since, summary,
                List.of(), handler);
    }

    /** Like {@link #of} for a container command with {@code subcommands}. */
    public static CommandSpec withSubcommands(String name, int arity, String flags, int firstKey, int lastKey,
                                              int step, String acl, String group, String since, String summary,
                                              List<CommandSpec> subcommands, CommandHandler handler) {
        EnumSet<CommandFlag> fs = EnumSet.noneOf(CommandFlag.class);
        for (String f : words(flags)) {
            fs.add(CommandFlag.valueOf(f.toUpperCase(java.util.Locale.ROOT)));
        }
        return new CommandSpec(name, arity, fs, firstKey, lastKey, step, words(acl), group, since, summary,
                subcommands, handler);
    }

    private static List<String> words(String s) {
        return s.isBlank() ? List.of() : List.of(s.trim().split(" +"));
    }
}
