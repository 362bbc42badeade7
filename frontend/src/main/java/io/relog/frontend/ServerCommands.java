package io.relog.frontend;

import static io.relog.frontend.SpecBuilder.command;
import static io.relog.frontend.SpecBuilder.container;

import io.relog.engine.Engine;
import io.relog.engine.Session;
import io.relog.engine.command.Args;
import io.relog.engine.command.CommandSpec;
import io.relog.engine.command.Errors;
import io.relog.engine.command.Reply;
import io.relog.engine.command.CommandFlag;
import io.relog.engine.keyspace.Database;
import io.relog.engine.pattern.Glob;
import io.relog.frontend.config.RelogVersion;
import io.relog.frontend.config.ServerConfig;
import io.relog.frontend.logging.LogSetup;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Server commands: COMMAND INFO CONFIG LASTSAVE DEBUG SHUTDOWN. Engine thread. */
final class ServerCommands {

    private final ServerState state;

    ServerCommands(ServerState state) {
        this.state = state;
    }

    List<CommandSpec> specs() {
        List<CommandSpec> l = new ArrayList<>();
        String adm = "admin noscript loading stale";
        String ls = "loading stale";
        l.add(container("command", -1, ls, "slow connection", "server", "2.8.13",
                "Returns detailed information about all commands.", List.of(
                command("command|info", -2, ls, "slow connection", "server", "2.8.13",
                        "Returns information about one, multiple or all commands.", this::commandInfo),
                command("command|docs", -2, ls, "slow connection", "server", "7.0.0",
                        "Returns documentary information about one, multiple or all commands.", this::commandDocs),
                command("command|count", 2, ls, "slow connection", "server", "2.8.13",
                        "Returns a count of commands.", (e, s, a, r) -> r.integer(e.commands().size())),
                command("command|list", -2, ls, "slow connection", "server", "7.0.0",
                        "Returns a list of command names.", this::commandList),
                command("command|getkeys", -4, ls, "slow connection", "server", "2.8.13",
                        "Extracts the key names from an arbitrary command.", this::commandGetkeys),
                command("command|help", 2, ls, "slow connection", "server", "5.0.0",
                        "Returns helpful text about the different subcommands.", this::commandHelp)),
                (e, s, a, r) -> commandAll(e, r)));
        l.add(command("info", -1, ls, "slow dangerous", "server", "1.0.0",
                "Returns information and statistics about the server.", this::info));
        l.add(container("config", "server", "2.0.0", "A container for server configuration commands.", List.of(
                command("config|get", -3, adm, "admin slow dangerous", "server", "2.0.0",
                        "Returns the effective values of configuration parameters.", this::configGet),
                command("config|set", -4, adm, "admin slow dangerous", "server", "2.0.0",
                        "Sets configuration parameters in-flight.", this::configSet),
                command("config|resetstat", 2, adm, "admin slow dangerous", "server", "2.0.0",
                        "Resets the server's statistics.", this::configResetstat),
                command("config|rewrite", 2, adm, "admin slow dangerous", "server", "2.8.0",
                        "Persists the effective configuration to file.",
                        (e, s, a, r) -> r.error("ERR CONFIG REWRITE is not supported by Relog yet")),
                command("config|help", 2, ls, "slow", "server", "5.0.0",
                        "Returns helpful text about the different subcommands.", this::configHelp))));
        l.add(command("debug", -2, "admin noscript loading stale", "admin slow dangerous", "server", "1.0.0",
                "A container for debugging commands (SLEEP).", this::debug));
        l.add(command("shutdown", -1, "admin noscript loading stale no_multi allow_busy", "admin slow dangerous",
                "server", "1.0.0", "Stops the server.", this::shutdown));
        return l;
    }

    /** Whether {@code enable-debug-command} lets this connection run DEBUG ("local": loopback only). */
    private boolean debugAllowed(Session s) {
        String mode = state.config().get("enable-debug-command");
        if (mode.equals("yes")) {
            return true;
        }
        if (mode.equals("local") && s instanceof ClientConnection c
                && c.channel().remoteAddress() instanceof java.net.InetSocketAddress in) {
            return in.getAddress() != null && in.getAddress().isLoopbackAddress();
        }
        return false;
    }

    private void debug(Engine e, Session s, byte[][] a, Reply r) {
        if (!debugAllowed(s)) {
            r.error("ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can "
                    + "run it from a local connection, otherwise you need to set this option in the configuration "
                    + "file, and then restart the server.");
            return;
        }
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
        if (Args.is(a[1], "reload") && a.length == 2) {
            // As Redis: save a snapshot, empty the data set, load the snapshot back.
            try {
                if (state.snapshots.inProgress()) {
                    r.error("ERR Background save already in progress");
                    return;
                }
                new PersistenceCommands(state).saveNow();
                io.relog.frontend.persistence.SnapshotRestore.reload(e, state.snapshots.lastSnapshotPath());
                r.ok();
            } catch (java.io.IOException ex) {
                r.error("ERR Error trying to load the RDB dump: " + ex.getMessage());
            }
            return;
        }
        r.error("ERR unknown subcommand or wrong number of arguments for '"
                + new String(a[1], java.nio.charset.StandardCharsets.UTF_8) + "'. Try DEBUG HELP.");
    }

    private void shutdown(Engine e, Session s, byte[][] a, Reply r) {
        boolean abort = false;
        boolean save = false;
        boolean nosave = false;
        for (int i = 1; i < a.length; i++) {
            if (Args.is(a[i], "abort")) {
                abort = true;
            } else if (Args.is(a[i], "save")) {
                save = true;
            } else if (Args.is(a[i], "nosave")) {
                nosave = true;
            } else if (!(Args.is(a[i], "now") || Args.is(a[i], "force"))) {
                r.error(Errors.SYNTAX);
                return;
            }
        }
        if (save && nosave) {
            r.error(Errors.SYNTAX);
            return;
        }
        if (abort) {
            if (a.length > 2) {
                r.error(Errors.SYNTAX);
            } else {
                r.error("ERR No shutdown in progress.");
            }
            return;
        }
        if (!nosave && (save || state.snapshots.hasSaveRules())) {
            try {
                new PersistenceCommands(state).saveNow();
            } catch (java.io.IOException ex) {
                org.slf4j.LoggerFactory.getLogger(ServerCommands.class).warn("Error trying to save the DB, can't exit: {}",
                        ex.getMessage());
                boolean force = false;
                for (int i = 1; i < a.length; i++) {
                    force |= Args.is(a[i], "force");
                }
                if (!force) {
                    r.error("ERR Errors trying to SHUTDOWN. Check logs.");
                    return;
                }
            }
        }
        state.shutdownSaved = true; // saved above if wanted; the close must not save again
        state.loop.requestStop();
        state.shutdownAction.run();
    }

    /** The process' resident set size from /proc/self/statm, or -1 where there is no procfs. */
    static long residentSetBytes() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/statm")).trim().split(" ");
            return Long.parseLong(f[1]) * 4096L;
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    // ------------------------------------------------------------------ COMMAND

    /** Top-level commands and their subcommands, in table order. */
    private List<CommandSpec> allWithSubcommands(Engine e) {
        List<CommandSpec> all = new ArrayList<>();
        for (CommandSpec c : e.commands().all()) {
            all.add(c);
            all.addAll(c.subcommands());
        }
        return all;
    }

    /** Finds {@code name} or {@code container|sub}; null when unknown. */
    private static CommandSpec find(Engine e, String name) {
        String n = name.toLowerCase(Locale.ROOT);
        int bar = n.indexOf('|');
        if (bar < 0) {
            return e.commands().lookup(n);
        }
        CommandSpec parent = e.commands().lookup(n.substring(0, bar));
        if (parent == null) {
            return null;
        }
        for (CommandSpec s : parent.subcommands()) {
            if (s.name().equals(n)) {
                return s;
            }
        }
        return null;
    }

    /** One COMMAND INFO entry: Redis 7.0's 10 fields. */
    private static void writeInfo(CommandSpec c, Reply r) {
        r.array(10);
        r.bulk(c.name());
        r.integer(c.arity());
        r.set(c.flags().size());
        for (CommandFlag f : c.flags()) {
            r.simple(f.redisName());
        }
        r.integer(c.firstKey());
        r.integer(c.lastKey());
        r.integer(c.step());
        r.set(c.aclCategories().size());
        for (String cat : c.aclCategories()) {
            r.simple("@" + cat);
        }
        r.set(0); // tips: not carried by the command table
        if (c.firstKey() > 0) {
            // One key spec derived from (firstKey, lastKey, step); Redis' finer key-spec flags are approximated.
            r.set(1);
            r.map(3);
            r.bulk("flags");
            boolean write = c.is(CommandFlag.WRITE);
            r.set(2);
            r.simple(write ? "RW" : "RO");
            r.simple(write ? "update" : "access");
            r.bulk("begin_search");
            r.map(2);
            r.bulk("type");
            r.bulk("index");
            r.bulk("spec");
            r.map(1);
            r.bulk("index");
            r.integer(c.firstKey());
            r.bulk("find_keys");
            r.map(2);
            r.bulk("type");
            r.bulk("range");
            r.bulk("spec");
            r.map(3);
            r.bulk("lastkey");
            r.integer(c.lastKey() >= 0 ? c.lastKey() - c.firstKey() : c.lastKey());
            r.bulk("keystep");
            r.integer(c.step());
            r.bulk("limit");
            r.integer(0);
        } else {
            r.set(0);
        }
        r.set(c.subcommands().size());
        for (CommandSpec sub : c.subcommands()) {
            writeInfo(sub, r);
        }
    }

    private void commandInfo(Engine e, Session s, byte[][] a, Reply r) {
        if (a.length == 2) {
            r.array(e.commands().size());
            for (CommandSpec c : e.commands().all()) {
                writeInfo(c, r);
            }
            return;
        }
        r.array(a.length - 2);
        for (int i = 2; i < a.length; i++) {
            CommandSpec c = find(e, new String(a[i], StandardCharsets.UTF_8));
            if (c == null) {
                r.nullArray();
            } else {
                writeInfo(c, r);
            }
        }
    }

    /** The full COMMAND reply (no subcommand), registered as the container's no-argument form. */
    void commandAll(Engine e, Reply r) {
        r.array(e.commands().size());
        for (CommandSpec c : e.commands().all()) {
            writeInfo(c, r);
        }
    }

    private static void writeDocs(CommandSpec c, Reply r) {
        boolean subs = !c.subcommands().isEmpty();
        r.map(subs ? 4 : 3);
        r.bulk("summary");
        r.bulk(c.summary());
        r.bulk("since");
        r.bulk(c.since());
        r.bulk("group");
        r.bulk(c.group());
        if (subs) {
            r.bulk("subcommands");
            r.map(c.subcommands().size());
            for (CommandSpec sub : c.subcommands()) {
                r.bulk(sub.name());
                writeDocs(sub, r);
            }
        }
    }

    private void commandDocs(Engine e, Session s, byte[][] a, Reply r) {
        List<CommandSpec> found = new ArrayList<>();
        if (a.length == 2) {
            found.addAll(e.commands().all());
        } else {
            for (int i = 2; i < a.length; i++) {
                CommandSpec c = find(e, new String(a[i], StandardCharsets.UTF_8));
                if (c != null) {
                    found.add(c);
                }
            }
        }
        r.map(found.size());
        for (CommandSpec c : found) {
            r.bulk(c.name());
            writeDocs(c, r);
        }
    }

    private void commandList(Engine e, Session s, byte[][] a, Reply r) {
        List<CommandSpec> all = allWithSubcommands(e);
        List<String> names = new ArrayList<>();
        if (a.length == 2) {
            all.forEach(c -> names.add(c.name()));
        } else if (a.length == 5 && Args.is(a[2], "filterby")) {
            String v = new String(a[4], StandardCharsets.UTF_8);
            if (Args.is(a[3], "module")) {
                // no modules: nothing matches
            } else if (Args.is(a[3], "aclcat")) {
                for (CommandSpec c : all) {
                    if (c.aclCategories().contains(v.toLowerCase(Locale.ROOT))) {
                        names.add(c.name());
                    }
                }
            } else if (Args.is(a[3], "pattern")) {
                for (CommandSpec c : all) {
                    if (Glob.matches(a[4], c.name().getBytes(StandardCharsets.UTF_8), true)) {
                        names.add(c.name());
                    }
                }
            } else {
                r.error(Errors.SYNTAX);
                return;
            }
        } else {
            r.error(Errors.SYNTAX);
            return;
        }
        r.array(names.size());
        names.forEach(r::bulk);
    }

    private void commandGetkeys(Engine e, Session s, byte[][] a, Reply r) {
        CommandSpec c = e.commands().lookup(a[2]);
        if (c == null) {
            r.error("ERR Invalid command specified");
            return;
        }
        int argc = a.length - 2;
        if (!c.arityAccepts(argc)) {
            r.error("ERR Invalid number of arguments specified for command");
            return;
        }
        if (c.firstKey() <= 0) {
            r.error("ERR The command has no key arguments");
            return;
        }
        int last = c.lastKey() >= 0 ? c.lastKey() : argc + c.lastKey();
        List<byte[]> keys = new ArrayList<>();
        for (int i = c.firstKey(); i <= last && i < argc; i += Math.max(1, c.step())) {
            keys.add(a[2 + i]);
        }
        r.array(keys.size());
        keys.forEach(r::bulk);
    }

    private static void help(Reply r, String... lines) {
        r.array(lines.length);
        for (String l : lines) {
            r.simple(l);
        }
    }

    private void commandHelp(Engine e, Session s, byte[][] a, Reply r) {
        help(r,
                "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "(no subcommand)",
                "    Return details about all commands.",
                "COUNT",
                "    Return the total number of commands in this server.",
                "LIST",
                "    Return a list of all commands in this server.",
                "INFO [<command-name> ...]",
                "    Return details about multiple commands.",
                "    If no command names are given, documentation details for all",
                "    commands are returned.",
                "DOCS [<command-name> ...]",
                "    Return documentation details about multiple commands.",
                "    If no command names are given, documentation details for all",
                "    commands are returned.",
                "GETKEYS <full-command>",
                "    Return the keys from a full command.",
                "HELP",
                "    Print this help.");
    }

    // ------------------------------------------------------------------ CONFIG

    private void configGet(Engine e, Session s, byte[][] a, Reply r) {
        Map<String, String> all = state.config().all();
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 2; i < a.length; i++) {
            String p = new String(a[i], StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            if (all.containsKey(p)) {
                out.put(p, all.get(p));
                continue;
            }
            byte[] pat = p.getBytes(StandardCharsets.UTF_8);
            for (Map.Entry<String, String> en : all.entrySet()) {
                if (Glob.matches(pat, en.getKey().getBytes(StandardCharsets.UTF_8), true)) {
                    out.put(en.getKey(), en.getValue());
                }
            }
        }
        r.map(out.size());
        for (Map.Entry<String, String> en : out.entrySet()) {
            r.bulk(en.getKey());
            r.bulk(en.getValue());
        }
    }

    /**
     * CONFIG SET name value [name value ...]: every pair is checked before any is applied, so the
     * change is all or nothing, with Redis' error texts.
     */
    private void configSet(Engine e, Session s, byte[][] a, Reply r) {
        if ((a.length - 2) % 2 != 0) {
            r.error(Errors.SYNTAX);
            return;
        }
        ServerConfig config = state.config();
        Map<String, String> changes = new LinkedHashMap<>();
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 2; i < a.length; i += 2) {
            String name = new String(a[i], StandardCharsets.UTF_8);
            String lower = name.toLowerCase(Locale.ROOT);
            String value = new String(a[i + 1], StandardCharsets.UTF_8);
            var d = ServerConfig.directive(lower);
            if (d == null) {
                r.error("ERR Unknown option or number of arguments for CONFIG SET - '" + name + "'");
                return;
            }
            if (!seen.add(lower)) {
                r.error(setFailed(name, "duplicate parameter"));
                return;
            }
            if (!d.mutable()) {
                r.error(setFailed(name, "can't set immutable config"));
                return;
            }
            try {
                d.normalize(value);
            } catch (IllegalArgumentException ex) {
                r.error(setFailed(name, ex.getMessage()));
                return;
            }
            changes.put(lower, value);
        }
        if (changes.containsKey("port") || changes.containsKey("bind")) {
            String port = changes.containsKey("port") ? ServerConfig.directive("port").normalize(changes.get("port"))
                    : Integer.toString(state.server.port());
            String bind = changes.containsKey("bind") ? ServerConfig.directive("bind").normalize(changes.get("bind"))
                    : config.get("bind");
            String failure = state.server.rebind(List.of(bind.split(" ")), Integer.parseInt(port));
            if (failure != null) {
                String arg = changes.containsKey("port") ? "port" : "bind";
                r.error(setFailed(arg, arg.equals("port") ? "Unable to listen on this port: " + failure
                        : "Failed to bind to specified addresses."));
                return;
            }
            changes.remove("port");
            changes.remove("bind");
            config.setEffective("port", Integer.toString(state.server.port()));
            config.setEffective("bind", bind);
        }
        Map<String, String> before = new LinkedHashMap<>();
        changes.keySet().forEach(name -> before.put(name, config.get(name)));
        for (Map.Entry<String, String> c : changes.entrySet()) {
            config.set(c.getKey(), c.getValue());
        }
        if (changes.keySet().stream().anyMatch(name -> name.startsWith("tls-"))) {
            // New certificates, keys, CAs or options apply to connections made from now on, as in Redis.
            try {
                state.server.tls().reload(config);
            } catch (io.relog.frontend.tls.TlsContexts.TlsConfigException ex) {
                org.slf4j.LoggerFactory.getLogger(ServerCommands.class).warn("Failed to update the TLS configuration: {}",
                        ex.getMessage());
                before.forEach(config::set); // all or nothing, as Redis' CONFIG SET
                String first = changes.keySet().stream().filter(name -> name.startsWith("tls-")).findFirst().get();
                r.error(setFailed(first, "Unable to update TLS configuration. Check server logs."));
                return;
            }
        }
        if (changes.containsKey("requirepass")) {
            state.acl.setRequirepass(config.requirepass()); // the default user's only password, as in Redis
        }
        if (changes.containsKey("acl-pubsub-default")) {
            state.acl.pubsubDefaultAll(config.get("acl-pubsub-default").equals("allchannels"));
        }
        applyToEngine(e, config);
        state.diagnostics.configure(config);
        state.writer.configure(config.appendonly(), config.appendfsync(), config.logGroupCommitMicros(),
                config.logRetentionHours(),
                config.logRetentionBytes());
        RelogServer.configureSnapshots(state.snapshots, config);
        state.replica.applyReadOnly();
        if (changes.containsKey("loglevel")) {
            LogSetup.applyLevel(config.loglevel());
        }
        r.ok();
    }

    /** Hands the engine the directives it reads itself; at start and after CONFIG SET. Engine thread. */
    static void applyToEngine(Engine e, ServerConfig config) {
        e.setLatencyTracking(config.get("latency-tracking").equals("yes"));
        e.setProtoMaxBulkLen(config.protoMaxBulkLen());
        e.setMaxmemoryPolicy(config.maxmemoryPolicy());
        e.setMaxmemory(config.maxmemory());
        e.eviction().configure(intOf(config, "maxmemory-samples"), intOf(config, "lfu-log-factor"),
                intOf(config, "lfu-decay-time"));
        e.setNotifyKeyspaceEvents(io.relog.engine.pubsub.KeyspaceEvents.parse(config.get("notify-keyspace-events")));
        e.setEncodingLimits(intOf(config, "hash-max-listpack-entries"), intOf(config, "hash-max-listpack-value"),
                intOf(config, "set-max-intset-entries"));
        e.setZsetEncodingLimits(intOf(config, "zset-max-listpack-entries"), intOf(config, "zset-max-listpack-value"));
    }

    private static int intOf(ServerConfig config, String name) {
        return (int) Math.min(Integer.MAX_VALUE, Long.parseLong(config.get(name)));
    }

    private static String setFailed(String name, String reason) {
        return "ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + reason;
    }

    private void configResetstat(Engine e, Session s, byte[][] a, Reply r) {
        e.resetStats();
        state.totalConnections.set(0);
        state.rejectedConnections.set(0);
        state.netInputBytes.reset();
        state.netOutputBytes = 0;
        state.rejectedCalls = 0;
        state.errorReplies = 0;
        r.ok();
    }

    private void configHelp(Engine e, Session s, byte[][] a, Reply r) {
        help(r,
                "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "GET <pattern>",
                "    Return parameters matching the glob-like <pattern> and their values.",
                "SET <directive> <value>",
                "    Set the configuration <directive> to <value>.",
                "RESETSTAT",
                "    Reset statistics reported by the INFO command.",
                "REWRITE",
                "    Rewrite the configuration file.",
                "HELP",
                "    Print this help.");
    }

    // ------------------------------------------------------------------ INFO

    private static final List<String> DEFAULT_SECTIONS = List.of("server", "clients", "memory", "persistence",
            "stats", "replication", "cpu", "modules", "errorstats", "cluster", "keyspace");
    private static final List<String> ALL_SECTIONS = List.of("server", "clients", "memory", "persistence",
            "stats", "replication", "cpu", "modules", "commandstats", "errorstats", "latencystats", "cluster",
            "keyspace");

    private void info(Engine e, Session s, byte[][] a, Reply r) {
        Set<String> wanted = new LinkedHashSet<>();
        if (a.length == 1) {
            wanted.addAll(DEFAULT_SECTIONS);
        }
        for (int i = 1; i < a.length; i++) {
            String sec = new String(a[i], StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            switch (sec) {
                case "default" -> wanted.addAll(DEFAULT_SECTIONS);
                case "all", "everything" -> wanted.addAll(ALL_SECTIONS);
                default -> wanted.add(sec);
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String sec : ALL_SECTIONS) {
            if (!wanted.contains(sec)) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append("\r\n");
            }
            section(e, sec, sb);
        }
        r.verbatim("txt", sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void field(StringBuilder sb, String name, Object value) {
        sb.append(name).append(':').append(value).append("\r\n");
    }

    private static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + "B";
        }
        String[] units = {"K", "M", "G", "T", "P"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f%s", v, units[u]);
    }

    private void section(Engine e, String sec, StringBuilder sb) {
        ServerConfig c = state.config();
        switch (sec) {
            case "server" -> {
                sb.append("# Server\r\n");
                field(sb, "redis_version", RelogVersion.REDIS_VERSION);
                field(sb, "redis_git_sha1", "00000000");
                field(sb, "redis_git_dirty", 0);
                field(sb, "redis_build_id", "0");
                field(sb, "redis_mode", "standalone");
                field(sb, "os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
                field(sb, "arch_bits", 64);
                field(sb, "monotonic_clock", "System.nanoTime");
                field(sb, "multiplexing_api", io.netty.channel.epoll.Epoll.isAvailable() ? "epoll" : "nio");
                field(sb, "atomicvar_api", "java");
                field(sb, "gcc_version", "0.0.0");
                field(sb, "process_id", ProcessHandle.current().pid());
                field(sb, "process_supervised", "no");
                field(sb, "run_id", state.runId);
                field(sb, "tcp_port", state.server.port());
                field(sb, "server_time_usec", System.currentTimeMillis() * 1000);
                field(sb, "uptime_in_seconds", state.uptimeSeconds());
                field(sb, "uptime_in_days", state.uptimeSeconds() / 86400);
                field(sb, "hz", c.hz());
                field(sb, "configured_hz", c.get("hz"));
                field(sb, "lru_clock", e.lruClock());
                field(sb, "executable", "");
                field(sb, "config_file", c.configFile() == null ? "" : c.configFile().toString());
                field(sb, "io_threads_active", 0);
                field(sb, "relog_version", RelogVersion.VERSION);
                field(sb, "java_version", System.getProperty("java.version"));
            }
            case "clients" -> {
                sb.append("# Clients\r\n");
                field(sb, "connected_clients", state.clients.size());
                field(sb, "cluster_connections", 0);
                field(sb, "maxclients", c.maxclients());
                field(sb, "client_recent_max_input_buffer", 0);
                field(sb, "client_recent_max_output_buffer", 0);
                field(sb, "blocked_clients", state.engine().blockedClients().blockedCount());
                field(sb, "tracking_clients", 0);
                field(sb, "clients_in_timeout_table", state.engine().blockedClients().withTimeoutCount());
            }
            case "memory" -> {
                sb.append("# Memory\r\n");
                // used_memory is the engine's deterministic estimate of the data set (what
                // maxmemory limits; see MemoryEstimate), not heap usage, which includes garbage.
                MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                long used = e.usedMemory();
                long rss = residentSetBytes();
                if (rss <= 0) {
                    rss = heap.getUsed() + ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getUsed();
                }
                state.notePeakMemory(used);
                long peak = state.peakMemory();
                field(sb, "used_memory", used);
                field(sb, "used_memory_human", human(used));
                field(sb, "used_memory_dataset", used);
                field(sb, "used_memory_rss", rss);
                field(sb, "used_memory_rss_human", human(rss));
                field(sb, "used_memory_peak", peak);
                field(sb, "used_memory_peak_human", human(peak));
                field(sb, "used_memory_heap", heap.getUsed());
                field(sb, "used_memory_heap_human", human(heap.getUsed()));
                field(sb, "total_system_memory", Runtime.getRuntime().maxMemory());
                field(sb, "total_system_memory_human", human(Runtime.getRuntime().maxMemory()));
                field(sb, "maxmemory", c.maxmemory());
                field(sb, "maxmemory_human", human(c.maxmemory()));
                field(sb, "maxmemory_policy", c.maxmemoryPolicy());
                field(sb, "mem_fragmentation_ratio",
                        String.format(java.util.Locale.ROOT, "%.2f", used == 0 ? 0.0 : (double) rss / used));
                field(sb, "mem_allocator", "jvm");
                field(sb, "lazyfree_pending_objects", 0);
            }
            case "persistence" -> {
                sb.append("# Persistence\r\n");
                field(sb, "loading", 0);
                field(sb, "async_loading", 0);
                // No fork: the "copy-on-write" is what the snapshot's frozen view keeps alive
                // (see EditToken); it only grows while the view is held, so peak = current.
                field(sb, "current_cow_peak", state.snapshots.currentRetainedBytes());
                field(sb, "current_cow_size", state.snapshots.currentRetainedBytes());
                field(sb, "current_fork_perc", "0.00");
                field(sb, "current_save_keys_processed", 0);
                field(sb, "current_save_keys_total", 0);
                var snap = state.snapshots;
                field(sb, "rdb_changes_since_last_save", e.dirty());
                field(sb, "rdb_bgsave_in_progress", snap.inProgress() ? 1 : 0);
                field(sb, "rdb_last_save_time", snap.lastSaveSec());
                field(sb, "rdb_last_bgsave_status", snap.lastOk() ? "ok" : "err");
                field(sb, "rdb_last_bgsave_time_sec", snap.lastDurationSec());
                field(sb, "rdb_current_bgsave_time_sec", snap.currentDurationSec());
                field(sb, "rdb_saves", snap.saves());
                field(sb, "rdb_last_cow_size", snap.lastRetainedBytes());
                field(sb, "rdb_last_snapshot_offset", snap.lastOffset());
                field(sb, "aof_enabled", c.appendonly() ? 1 : 0);
                field(sb, "aof_rewrite_in_progress", 0);
                field(sb, "aof_rewrite_scheduled", 0);
                field(sb, "aof_last_rewrite_time_sec", -1);
                field(sb, "aof_current_rewrite_time_sec", -1);
                field(sb, "aof_last_bgrewrite_status", "ok");
                var w = state.writer;
                var cl = w.commandLog();
                field(sb, "aof_rewrites", 0);
                field(sb, "aof_rewrites_consecutive_failures", 0);
                field(sb, "aof_last_write_status", w.lastWriteOk() ? "ok" : "err");
                field(sb, "aof_last_cow_size", 0);
                field(sb, "module_fork_in_progress", 0);
                field(sb, "module_fork_last_cow_size", 0);
                if (c.appendonly()) {
                    field(sb, "aof_current_size", cl.sizeInBytes());
                    field(sb, "aof_base_size", 0);
                    field(sb, "aof_pending_rewrite", 0);
                    field(sb, "aof_buffer_length", w.unwrittenBytes());
                    field(sb, "aof_pending_bio_fsync", w.fsyncInProgress() ? 1 : 0);
                    field(sb, "aof_delayed_fsync", 0); // writes never wait for an fsync in progress
                }
                field(sb, "log_start_offset", cl.startOffset());
                field(sb, "log_end_offset", cl.endOffset());
                field(sb, "log_written_offset", cl.writtenOffset());
                field(sb, "log_synced_offset", cl.syncedOffset());
                field(sb, "log_segments", cl.segmentCount());
                field(sb, "log_bytes", cl.sizeInBytes());
                field(sb, "log_fsyncs", w.fsyncs());
                field(sb, "log_fsync_time_us", w.fsyncMicrosTotal());
                field(sb, "log_last_fsync_ms", w.lastFsyncMs());
                field(sb, "log_last_fsync_duration_us", w.lastFsyncMicros());
            }
            case "stats" -> {
                sb.append("# Stats\r\n");
                field(sb, "total_connections_received", state.totalConnections.get());
                field(sb, "total_commands_processed", e.totalCommands());
                field(sb, "instantaneous_ops_per_sec", state.opsPerSec.instantaneous());
                field(sb, "instantaneous_input_kbps", String.format(Locale.ROOT, "%.2f",
                        state.inputBytesPerSec.instantaneous() / 1024.0));
                field(sb, "instantaneous_output_kbps", String.format(Locale.ROOT, "%.2f",
                        state.outputBytesPerSec.instantaneous() / 1024.0));
                field(sb, "total_net_input_bytes", state.netInputBytes.sum());
                field(sb, "total_net_output_bytes", state.netOutputBytes);
                field(sb, "rejected_connections", state.rejectedConnections.get());
                field(sb, "expired_keys", e.expiredKeys());
                field(sb, "evicted_keys", e.evictedKeys());
                field(sb, "client_output_buffer_limit_disconnections", state.outputBufferLimitDisconnections);
                field(sb, "sync_full", state.replication.syncFull);
                field(sb, "sync_partial_ok", state.replication.syncPartialOk);
                field(sb, "sync_partial_err", state.replication.syncPartialErr);
                field(sb, "keyspace_hits", e.keyspaceHits());
                field(sb, "keyspace_misses", e.keyspaceMisses());
                field(sb, "pubsub_channels", e.pubsub().channels());
                field(sb, "pubsub_patterns", e.pubsub().patterns());
                field(sb, "total_error_replies", state.errorReplies);
                field(sb, "total_reads_processed", 0);
                field(sb, "total_writes_processed", 0);
            }
            case "replication" -> {
                sb.append("# Replication\r\n");
                var replica = state.replica;
                field(sb, "role", replica.active() ? "slave" : "master");
                if (replica.active()) {
                    boolean up = replica.linkState() == ReplicationReplica.LinkState.CONNECTED;
                    field(sb, "master_host", replica.host());
                    field(sb, "master_port", replica.port());
                    field(sb, "master_link_status", up ? "up" : "down");
                    field(sb, "master_last_io_seconds_ago", up ? replica.lastIoSecondsAgo() : -1);
                    field(sb, "master_sync_in_progress", replica.syncInProgress() ? 1 : 0);
                    field(sb, "slave_read_repl_offset", replica.processedOffset());
                    field(sb, "slave_repl_offset", replica.processedOffset());
                    if (replica.syncInProgress()) {
                        field(sb, "master_sync_read_bytes", replica.syncReceivedBytes());
                        field(sb, "master_sync_last_io_seconds_ago", replica.lastIoSecondsAgo());
                    }
                    if (!up) {
                        field(sb, "master_link_down_since_seconds", replica.linkDownSinceSeconds());
                    }
                    field(sb, "slave_priority", 100);
                    field(sb, "slave_read_only", state.config().get("replica-read-only").equals("yes") ? 1 : 0);
                    field(sb, "replica_announced", 1);
                }
                var links = state.replication.links().stream().filter(l -> !l.isClosed()).toList();
                field(sb, "connected_slaves", links.size());
                if (Long.parseLong(c.get("min-replicas-to-write")) > 0
                        && Long.parseLong(c.get("min-replicas-max-lag")) > 0) {
                    field(sb, "min_slaves_good_slaves", state.replication.goodReplicas());
                }
                long nowMs = System.currentTimeMillis();
                for (int i = 0; i < links.size(); i++) {
                    var l = links.get(i);
                    field(sb, "slave" + i, "ip=" + l.ip() + ",port=" + l.listeningPort() + ",state=" + l.state().info()
                            + ",offset=" + l.ackOffset() + ",lag=" + (nowMs - l.ackTimeMs()) / 1000);
                }
                // Change-feed readers: listed apart, never counted as replicas (WAIT, min-replicas).
                var cdc = state.replication.cdcLinks().stream().filter(l -> !l.isClosed()).toList();
                field(sb, "connected_cdc_readers", cdc.size());
                for (int i = 0; i < cdc.size(); i++) {
                    var l = cdc.get(i);
                    field(sb, "cdc" + i, "ip=" + l.ip() + ",port=" + l.port() + ",offset=" + l.sentOffset() + ",lag="
                            + l.lagSeconds(nowMs));
                }
                field(sb, "master_failover_state", "no-failover");
                var cl = state.writer.commandLog();
                var current = state.history.current();
                var previous = state.history.previous();
                // The log is the backlog: it is always active and holds everything retained.
                field(sb, "master_replid", current.replid());
                field(sb, "master_replid2", previous == null ? "0000000000000000000000000000000000000000"
                        : previous.replid());
                field(sb, "master_repl_offset", cl.endOffset());
                field(sb, "second_repl_offset", previous == null ? -1 : current.startOffset() + 1);
                field(sb, "repl_backlog_active", 1);
                field(sb, "repl_backlog_size", cl.sizeInBytes());
                field(sb, "repl_backlog_first_byte_offset", cl.startOffset() + 1);
                field(sb, "repl_backlog_histlen", cl.endOffset() - cl.startOffset());
            }
            case "cpu" -> {
                sb.append("# CPU\r\n");
                double cpu = 0;
                if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                    cpu = os.getProcessCpuTime() / 1e9;
                }
                field(sb, "used_cpu_sys", String.format(Locale.ROOT, "%.6f", 0.0));
                field(sb, "used_cpu_user", String.format(Locale.ROOT, "%.6f", cpu));
                field(sb, "used_cpu_sys_children", "0.000000");
                field(sb, "used_cpu_user_children", "0.000000");
            }
            case "modules" -> sb.append("# Modules\r\n");
            case "errorstats" -> sb.append("# Errorstats\r\n");
            case "cluster" -> {
                sb.append("# Cluster\r\n");
                field(sb, "cluster_enabled", 0);
            }
            case "commandstats" -> {
                sb.append("# Commandstats\r\n");
                Map<CommandSpec, Engine.CommandStats> stats = e.allStats();
                for (Map.Entry<CommandSpec, Engine.CommandStats> en : stats.entrySet()) {
                    Engine.CommandStats st = en.getValue();
                    if (st.calls == 0 && st.rejected == 0 && st.failed == 0) {
                        continue;
                    }
                    // A container whose subcommands are counted is reported through them, as Redis does.
                    if (en.getKey().subcommands().stream().anyMatch(stats::containsKey)) {
                        continue;
                    }
                    long usec = st.nanos / 1000;
                    sb.append("cmdstat_").append(en.getKey().name()).append(":calls=").append(st.calls)
                            .append(",usec=").append(usec)
                            .append(",usec_per_call=").append(String.format(Locale.ROOT, "%.2f",
                                    st.calls == 0 ? 0.0 : (double) usec / st.calls))
                            .append(",rejected_calls=").append(st.rejected)
                            .append(",failed_calls=").append(st.failed).append("\r\n");
                }
            }
            case "latencystats" -> {
                // Percentiles of each command's HdrHistogram (Engine.CommandStats), in µs, as Redis 7.0.
                sb.append("# Latencystats\r\n");
                String[] names = state.config().get("latency-tracking-info-percentiles").split(" ");
                double[] ps = state.config().latencyPercentiles();
                Map<CommandSpec, Engine.CommandStats> stats = e.allStats();
                for (Map.Entry<CommandSpec, Engine.CommandStats> en : stats.entrySet()) {
                    org.HdrHistogram.Histogram h = en.getValue().latency;
                    if (h.getTotalCount() == 0 || en.getKey().subcommands().stream().anyMatch(stats::containsKey)) {
                        continue; // as commandstats: a container is reported through its subcommands
                    }
                    sb.append("latency_percentiles_usec_").append(en.getKey().name()).append(':');
                    for (int i = 0; i < ps.length; i++) {
                        sb.append(i == 0 ? "" : ",").append('p').append(names[i]).append('=')
                                .append(String.format(Locale.ROOT, "%.3f", h.getValueAtPercentile(ps[i]) / 1000.0));
                    }
                    sb.append("\r\n");
                }
            }
            case "keyspace" -> {
                sb.append("# Keyspace\r\n");
                for (int i = 0; i < e.databases(); i++) {
                    Database db = e.db(i);
                    if (db.size() > 0) {
                        sb.append("db").append(i).append(":keys=").append(db.size())
                                .append(",expires=").append(db.volatileSize()).append(",avg_ttl=0\r\n");
                    }
                }
            }
            default -> {
            }
        }
    }
}
