package io.relog.tools.tail;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import io.relog.tools.text.TimeArgument;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code relog tail}: the change feed. Reads the command log from a running server (over PSYNC,
 * as a CDC reader) or from a data directory (read-only), from any retained offset or time, and
 * prints one event per command. See {@link ChangeEvent} for what an event holds and the README's
 * "Change feed (CDC)" section for examples.
 */
@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Prints the change feed: one event per command of the log, from a running server (over PSYNC, as a "
                    + "CDC reader; nothing is ever fully synced) or from a data directory (--dir; read-only, safe "
                    + "while the server runs). Both give identical output for the same range.",
            "",
            "Offsets are log offsets (Redis replication offsets: INFO's master_repl_offset is the end). Every "
                    + "event carries next_offset: --from <next_offset> continues with exactly the following events.",
            "",
            "Positions (--from, --to): earliest | latest | <offset> | <unix-ms>ms | <ISO-8601 time>, e.g. "
                    + "1234, 1763758800000ms, 2026-11-21T20:00:00Z, 2026-11-21T21:00:00+01:00, 2026-11-21T20:00:00 "
                    + "(UTC when no zone is given). A time means the first batch appended at or after it."},
        footer = {
            "",
            "Exit codes:",
            "  0  done: reached --to or the end (or the output was closed)",
            "  1  failed: the offset is no longer retained (the message names the",
            "     earliest available offset), is beyond the end or inside a command;",
            "     the server or directory cannot be read; the connection was lost and",
            "     not re-established (30 s; --follow retries forever)",
            "  2  usage error",
            "",
            "Examples:",
            "  relog tail --port 6379 --from earliest --format text",
            "  relog tail --port 6379 --from latest --follow --match 'user:*' \\",
            "      --commands set,del",
            "  relog tail --dir /var/lib/relog --from 2026-11-21T20:00:00Z \\",
            "      --to 2026-11-21T21:00:00Z --format resp > hour.aof"})
public final class TailCommand implements Callable<Integer> {

    @Option(names = "--host", description = "Server host (default: ${DEFAULT-VALUE}).", defaultValue = "127.0.0.1")
    String host;

    @Option(names = {"-p", "--port"}, description = "Server port (default: ${DEFAULT-VALUE}).", defaultValue = "6379")
    int port;

    @Option(names = "--user", description = "ACL user to authenticate as (with --pass).")
    String user;

    @Option(names = {"-a", "--pass"}, description = "Password (AUTH). Also from the RELOG_PASSWORD environment variable.")
    String pass;

    @Option(names = "--dir", description = "Read the log of this data directory instead of a server (offline, "
            + "read-only, safe while the server runs).")
    Path dir;

    @Option(names = "--from", description = "Where to start (default: ${DEFAULT-VALUE}).", defaultValue = "earliest")
    String from;

    @Option(names = "--to", description = "Stop before the first event at or after this offset or time "
            + "(default: the end of the log when tail starts).")
    String to;

    @Option(names = {"-f", "--follow"}, description = "Keep waiting for new events forever (reconnecting after a "
            + "server restart).")
    boolean follow;

    @Option(names = "--db", description = "Only events in this database.")
    Integer db;

    @Option(names = "--match", description = "Only events with a key matching this Redis glob pattern.")
    String match;

    @Option(names = "--commands", split = ",", description = "Only these commands (comma-separated, any case).")
    List<String> commands;

    @Option(names = "--format", description = "json (one object per line), resp (an AOF) or text (default: "
            + "${DEFAULT-VALUE}).", defaultValue = "json")
    String format;

    @Option(names = "--raw", description = "Also print replication plumbing: PING, REPLCONF, SELECT, MULTI, EXEC "
            + "(filters apply to the other commands only).")
    boolean raw;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Where events go (System.out unless a test sets it). */
    PrintStream stdout;

    @Override
    public Integer call() {
        if (to != null && follow) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--to and --follow exclude each other");
        }
        if (!List.of("json", "resp", "text").contains(format)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--format must be json, resp or text, not '" + format + "'");
        }
        if (db != null && db < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--db must not be negative");
        }
        CommandLine.ParseResult pr = spec.commandLine().getParseResult();
        if (dir != null && (pr.hasMatchedOption("--host") || pr.hasMatchedOption("--port") || pass != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--dir reads a data directory: it takes no --host, --port or --pass");
        }
        Position fromPos = parsePosition(from, "--from", true);
        Position toPos = to == null ? null : parsePosition(to, "--to", false);
        if (pass == null) {
            pass = System.getenv("RELOG_PASSWORD");
        }
        PrintStream out = stdout != null ? stdout : System.out;
        try (EventSource source = openSource()) {
            long start = resolve(source, fromPos);
            long end = follow ? -1 : toPos == null ? source.latest() : resolve(source, toPos);
            Set<String> names = null;
            if (commands != null) {
                names = new LinkedHashSet<>();
                for (String c : commands) {
                    names.add(c.trim().toLowerCase(Locale.ROOT));
                }
            }
            KeyExtractor keys = new KeyExtractor();
            EventFilter filter = new EventFilter(db == null ? -1 : db, match, names, keys);
            ByteOut bytes = new ByteOut(out);
            EventFormat fmt = switch (format) {
                case "resp" -> new RespFormat(bytes, raw);
                case "text" -> new TextFormat(bytes);
                default -> new JsonFormat(bytes);
            };
            boolean wantKeys = format.equals("json") || filter.needsKeys();
            if (end < 0 || start < end) {
                source.stream(start, end, new EventSource.EventConsumer() {
                    @Override
                    public void event(ChangeEvent e) throws IOException {
                        if (e.plumbing()) {
                            if (!raw) {
                                fmt.skipped(e);
                                return;
                            }
                            fmt.event(e, List.of());
                        } else {
                            List<byte[]> k = wantKeys ? keys.keys(e.argv()) : List.of();
                            if (!filter.accepts(e, k)) {
                                return;
                            }
                            fmt.event(e, k);
                        }
                        if (fmt.maybeFlush() && out.checkError()) {
                            throw new OutputClosed(); // e.g. | head: stop reading
                        }
                    }

                    @Override
                    public void idle() throws IOException {
                        fmt.flush();
                        if (out.checkError()) {
                            throw new OutputClosed();
                        }
                    }
                });
            }
            fmt.flush();
            return 0;
        } catch (OutputClosed e) {
            return 0; // the reader of our output went away (| head): not a failure
        } catch (TailException e) {
            out.flush();
            System.err.println("relog tail: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            out.flush();
            System.err.println("relog tail: " + e.getMessage());
            return 1;
        }
    }

    /**
     * The output stream was closed by its reader. Unchecked, so that no source mistakes it for a
     * lost connection and retries.
     */
    private static final class OutputClosed extends RuntimeException {
        OutputClosed() {
            super("output closed", null, false, false);
        }
    }

    private EventSource openSource() throws IOException {
        if (dir != null) {
            return DirectorySource.open(dir);
        }
        return new ServerSource(host, port, user, pass, follow ? -1 : 30_000);
    }

    /** A parsed --from/--to. */
    record Position(String keyword, long offset, long unixMs) {
    }

    Position parsePosition(String s, String option, boolean keywords) {
        String v = s.trim();
        if (keywords && (v.equals("earliest") || v.equals("latest"))) {
            return new Position(v, -1, -1);
        }
        try {
            if (v.matches("[0-9]+")) {
                return new Position(null, Long.parseLong(v), -1);
            }
            if (v.matches("[0-9]+ms")) {
                return new Position(null, -1, Long.parseLong(v.substring(0, v.length() - 2)));
            }
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + ": number out of range: " + v);
        }
        try {
            return new Position(null, -1, TimeArgument.parseMillis(v));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " takes "
                    + (keywords ? "earliest, latest, " : "") + "an offset, <unix-ms>ms or an ISO-8601 time, not '"
                    + s + "'");
        }
    }

    private static long resolve(EventSource source, Position p) throws IOException {
        if ("earliest".equals(p.keyword())) {
            return source.earliest();
        }
        if ("latest".equals(p.keyword())) {
            return source.latest();
        }
        if (p.offset() >= 0) {
            return p.offset();
        }
        return source.offsetForTime(p.unixMs());
    }
}
