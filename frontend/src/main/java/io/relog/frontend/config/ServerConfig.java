package io.relog.frontend.config;

import io.relog.frontend.resp.InlineArgs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server configuration: every directive Relog knows, by its redis.conf name, with its current
 * value in canonical form (what {@code CONFIG GET} reports).
 *
 * <p>Sources, later ones winning: defaults, then the config file (redis.conf syntax: one directive
 * per line, arguments split like Redis' inline commands with {@code "..."} and {@code '...'}
 * quotes, {@code #} comments, {@code include <file>}), then command-line arguments in
 * redis-server form ({@code --port 6380 --save "" --bind 127.0.0.1 ::1}).
 *
 * <p>Some directives are accepted, validated and reported but have no effect yet because the
 * subsystem that reads them has not been built: {@code appendfilename} and {@code appenddirname}
 * (the command log replaces Redis' AOF files), {@code dbfilename} (snapshots live under
 * {@code snapshots/}), {@code rdbcompression}, {@code rdbchecksum},
 * {@code maxmemory-eviction-tenacity} (eviction runs until under the limit before each command), {@code maxmemory-clients}, {@code io-threads-do-reads},
 * {@code pidfile}, {@code enable-protected-configs},
 * {@code enable-module-command}. README lists them.
 *
 * <p>Thread safety: reads from any thread; {@link #set} is called on the engine thread
 * ({@code CONFIG SET}) and publishes through a concurrent map and volatile fields.
 */
public final class ServerConfig {

    /** Every known directive, in the order {@code CONFIG GET *} lists them. */
    private static final Map<String, Directive> DIRECTIVES = new LinkedHashMap<>();

    /** Old names Redis 7.0 still accepts, mapped to the current ones ({@code hash-max-ziplist-entries}, ...). */
    private static final Map<String, String> ALIASES = new LinkedHashMap<>();

    private static void add(Directive d) {
        DIRECTIVES.put(d.name(), d);
    }

    private static void alias(String old, String current) {
        ALIASES.put(old, current);
    }

    /** The current name of a directive given by its current or old (alias) lower-case name. */
    private static String canonical(String lowerName) {
        return ALIASES.getOrDefault(lowerName, lowerName);
    }

    static {
        add(Directive.integer("port", 6379, 0, 65535, true));
        add(Directive.custom("bind", "127.0.0.1 -::1", true, true, ServerConfig::checkBind));
        add(Directive.custom("dir", "./data", false, false, v -> Path.of(v).toAbsolutePath().normalize().toString()));
        add(Directive.integer("databases", 16, 1, Integer.MAX_VALUE, false));
        add(Directive.string("requirepass", "", true));
        add(Directive.integer("maxclients", 10000, 1, Integer.MAX_VALUE, true));
        add(Directive.integer("timeout", 0, 0, Integer.MAX_VALUE, true));
        add(Directive.integer("tcp-keepalive", 300, 0, Integer.MAX_VALUE, true));
        add(Directive.integer("tcp-backlog", 511, 0, Integer.MAX_VALUE, false));
        add(Directive.memory("proto-max-bulk-len", "512mb", 1024 * 1024, Long.MAX_VALUE, true));
        add(Directive.memory("client-query-buffer-limit", "1gb", 1024 * 1024, Long.MAX_VALUE, true));
        Directive hzRange = Directive.integer("hz", 10, 0, Integer.MAX_VALUE, true);
        // Redis clamps hz to 1..500 when it is set, so CONFIG GET reports the clamped value.
        add(Directive.custom("hz", "10", true, false,
                v -> Long.toString(Math.max(1, Math.min(500, Long.parseLong(hzRange.normalize(v)))))));
        add(Directive.oneOf("loglevel", "notice", true, "debug", "verbose", "notice", "warning"));
        add(Directive.string("logfile", "", false));
        add(Directive.custom("daemonize", "no", false, false, v -> {
            String s = v.toLowerCase(Locale.ROOT);
            if (s.equals("no")) {
                return s;
            }
            if (s.equals("yes")) {
                throw new IllegalArgumentException(
                        "Relog does not daemonize: run it in the foreground under a service manager (systemd, Docker)");
            }
            throw new IllegalArgumentException("argument must be 'yes' or 'no'");
        }));
        add(Directive.string("pidfile", "", false));
        add(Directive.bool("protected-mode", "yes", true));
        // Moot in Relog, accepted so redis.conf files load: memory is freed by the garbage
        // collector, off the engine thread, whatever these say.
        for (String lazy : List.of("lazyfree-lazy-eviction", "lazyfree-lazy-expire", "lazyfree-lazy-server-del",
                "replica-lazy-flush", "lazyfree-lazy-user-del", "lazyfree-lazy-user-flush")) {
            add(Directive.bool(lazy, "no", true));
        }
        // Encodings of small collections (Redis 7.0's names and defaults; the ziplist names are aliases).
        add(Directive.integer("hash-max-listpack-entries", 512, 0, Integer.MAX_VALUE, true));
        add(Directive.integer("hash-max-listpack-value", 64, 0, Integer.MAX_VALUE, true));
        add(Directive.integer("set-max-intset-entries", 512, 0, Integer.MAX_VALUE, true));
        add(Directive.integer("zset-max-listpack-entries", 128, 0, Integer.MAX_VALUE, true));
        add(Directive.integer("zset-max-listpack-value", 64, 0, Integer.MAX_VALUE, true));
        alias("hash-max-ziplist-entries", "hash-max-listpack-entries");
        alias("hash-max-ziplist-value", "hash-max-listpack-value");
        alias("zset-max-ziplist-entries", "zset-max-listpack-entries");
        alias("zset-max-ziplist-value", "zset-max-listpack-value");
        add(Directive.integer("io-threads", 1, 1, 128, false));
        add(Directive.oneOf("engine-thread", "auto", false, "auto", "shared", "dedicated"));
        add(Directive.bool("io-threads-do-reads", "no", false));
        add(Directive.bool("appendonly", "no", true));
        add(Directive.oneOf("appendfsync", "everysec", true, "everysec", "always", "no"));
        add(Directive.integer("log-group-commit-us", 0, 0, 1_000_000, true));
        add(Directive.memory("log-segment-bytes", "128mb", 1024, 1L << 30, false));
        add(Directive.integer("log-segment-ms", 0, 0, Long.MAX_VALUE / 2, false));
        add(Directive.integer("log-retention-hours", 168, -1, Integer.MAX_VALUE, true));
        add(Directive.custom("log-retention-bytes", "-1", true, false, v -> {
            if (v.trim().equals("-1")) {
                return "-1";
            }
            long n = MemoryUnits.parse(v);
            if (n < 0) {
                throw new IllegalArgumentException("argument must be a memory value or -1");
            }
            return Long.toString(n);
        }));
        add(Directive.oneOf("log-recovery-policy", "strict", false, "strict", "truncate"));
        add(Directive.bool("log-preallocate", "yes", false));
        add(Directive.string("appendfilename", "appendonly.aof", false));
        add(Directive.string("appenddirname", "appendonlydir", false));
        add(Directive.custom("save", "3600 1 300 100 60 10000", true, true, ServerConfig::checkSave));
        add(Directive.string("dbfilename", "dump.rdb", true));
        add(Directive.bool("stop-writes-on-bgsave-error", "yes", true));
        add(Directive.integer("repl-ping-replica-period", 10, 1, Integer.MAX_VALUE, true));
        alias("repl-ping-slave-period", "repl-ping-replica-period");
        add(Directive.integer("repl-timeout", 60, 1, Integer.MAX_VALUE, true));
        add(Directive.integer("min-replicas-to-write", 0, 0, Integer.MAX_VALUE, true));
        alias("min-slaves-to-write", "min-replicas-to-write");
        add(Directive.integer("min-replicas-max-lag", 10, 0, Integer.MAX_VALUE, true));
        alias("min-slaves-max-lag", "min-replicas-max-lag");
        add(Directive.bool("repl-diskless-sync", "yes", true));
        add(Directive.custom("replicaof", "", false, true, ServerConfig::checkReplicaof));
        alias("slaveof", "replicaof");
        add(Directive.string("masterauth", "", true));
        add(Directive.string("masteruser", "", true));
        add(Directive.bool("replica-read-only", "yes", true));
        alias("slave-read-only", "replica-read-only");
        add(Directive.integer("repl-diskless-sync-delay", 5, 0, Integer.MAX_VALUE, true));
        add(Directive.bool("rdbcompression", "yes", true));
        add(Directive.bool("rdbchecksum", "yes", true));
        add(Directive.integer("rdb-key-save-delay", 0, Integer.MIN_VALUE, Integer.MAX_VALUE, true));
        add(Directive.bool("rdb-save-incremental-fsync", "yes", true));
        add(Directive.integer("snapshot-log-growth-percent", 100, 0, Integer.MAX_VALUE, true));
        add(Directive.memory("snapshot-log-growth-min-size", "64mb", 0, Long.MAX_VALUE, true));
        add(Directive.memory("maxmemory", "0", 0, Long.MAX_VALUE, true));
        add(Directive.oneOf("maxmemory-policy", "noeviction", true, "volatile-lru", "volatile-lfu",
                "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"));
        add(Directive.integer("maxmemory-samples", 5, 1, 64, true));
        add(Directive.integer("lfu-log-factor", 10, 0, Integer.MAX_VALUE, true));
        add(Directive.integer("lfu-decay-time", 1, 0, Integer.MAX_VALUE, true));
        // A replica never evicts by itself: its log must stay the master's stream byte for byte,
        // so evictions reach it as the master's DELs. "no" (Redis' opt-in) cannot be honoured.
        add(Directive.oneOf("replica-ignore-maxmemory", "yes", true, "yes"));
        alias("slave-ignore-maxmemory", "replica-ignore-maxmemory");
        // <class> <hard> <soft> <soft seconds>, for normal and pubsub clients. Lines and CONFIG SET
        // change only the classes they name (see OutputBufferLimits.merge). The replica class is
        // kept for compatibility: replicas are served from the log on disk, not from a buffer.
        add(Directive.custom("client-output-buffer-limit", OutputBufferLimits.DEFAULT, true, true,
                OutputBufferLimits::normalize));
        add(Directive.custom("notify-keyspace-events", "", true, false, v -> {
            int flags = io.relog.engine.pubsub.KeyspaceEvents.parse(v);
            if (flags < 0) {
                throw new IllegalArgumentException(io.relog.engine.pubsub.KeyspaceEvents.INVALID);
            }
            return io.relog.engine.pubsub.KeyspaceEvents.format(flags);
        }));
        add(Directive.integer("maxmemory-eviction-tenacity", 10, 0, 100, true));
        add(Directive.memory("maxmemory-clients", "0", 0, Long.MAX_VALUE, true));
        // TLS (io.relog.frontend.tls.TlsContexts): files and options rebuild the contexts on CONFIG SET.
        add(Directive.integer("tls-port", 0, 0, 65535, false));
        for (String file : List.of("tls-cert-file", "tls-key-file", "tls-key-file-pass", "tls-client-cert-file",
                "tls-client-key-file", "tls-client-key-file-pass", "tls-ca-cert-file", "tls-ca-cert-dir",
                "tls-protocols", "tls-ciphers", "tls-ciphersuites")) {
            add(Directive.string(file, "", true));
        }
        add(Directive.oneOf("tls-auth-clients", "yes", true, "no", "yes", "optional"));
        add(Directive.bool("tls-replication", "no", true));
        add(Directive.oneOf("enable-debug-command", "no", false, "no", "yes", "local"));
        add(Directive.oneOf("enable-protected-configs", "no", false, "no", "yes", "local"));
        add(Directive.oneOf("enable-module-command", "no", false, "no", "yes", "local"));
        // Observability (README "Metrics and diagnostics"): Prometheus endpoint, SLOWLOG, LATENCY.
        add(Directive.integer("metrics-port", 0, 0, 65535, false));
        add(Directive.integer("slowlog-log-slower-than", 10000, -1, Long.MAX_VALUE, true));
        add(Directive.integer("slowlog-max-len", 128, 0, Long.MAX_VALUE, true));
        add(Directive.integer("latency-monitor-threshold", 0, 0, Long.MAX_VALUE, true));
        add(Directive.bool("latency-tracking", "yes", true));
        add(Directive.custom("latency-tracking-info-percentiles", "50 99 99.9", true, true,
                ServerConfig::checkPercentiles));
        // ACL (io.relog.frontend.acl); "user" and "rename-command" lines are kept apart: see userLines().
        add(Directive.string("aclfile", "", false));
        add(Directive.integer("acllog-max-len", 128, 0, Integer.MAX_VALUE, true));
        add(Directive.oneOf("acl-pubsub-default", "resetchannels", true, "resetchannels", "allchannels"));
    }

    /** {@code latency-tracking-info-percentiles}: numbers from 0 to 100, canonical as Redis prints them. */
    private static String checkPercentiles(String v) {
        StringBuilder sb = new StringBuilder();
        for (String p : v.trim().split("\\s+")) {
            if (p.isEmpty()) {
                continue;
            }
            double d;
            try {
                d = Double.parseDouble(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Invalid latency-tracking-info-percentiles parameters");
            }
            if (!(d >= 0 && d <= 100)) {
                throw new IllegalArgumentException("Invalid latency-tracking-info-percentiles parameters");
            }
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(new java.math.BigDecimal(p).stripTrailingZeros().toPlainString());
        }
        return sb.toString();
    }

    /** The percentiles INFO latencystats reports ({@code latency-tracking-info-percentiles}). */
    public double[] latencyPercentiles() {
        String v = get("latency-tracking-info-percentiles");
        if (v.isEmpty()) {
            return new double[0];
        }
        String[] parts = v.split(" ");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Double.parseDouble(parts[i]);
        }
        return out;
    }

    /**
     * A repeatable directive kept as written ({@code user}, {@code rename-command}): where it was
     * and its arguments, so the server can apply it at start and name the line if it is refused.
     */
    public record RepeatedLine(String source, int line, String text, List<String> args) {
    }

    private final List<RepeatedLine> userLines = new ArrayList<>();
    private final List<RepeatedLine> renameLines = new ArrayList<>();

    /** The {@code user} directives, in order (applied by the ACL at start). */
    public List<RepeatedLine> userLines() {
        return Collections.unmodifiableList(userLines);
    }

    /** The {@code rename-command} directives, in order (applied to the command table at start). */
    public List<RepeatedLine> renameLines() {
        return Collections.unmodifiableList(renameLines);
    }

    /** Keeps a {@code user} or {@code rename-command} line; returns whether {@code name} was one. */
    private boolean repeated(String name, List<String> args, String source, int line, String text)
            throws ConfigException {
        if (name.equals("user")) {
            if (args.isEmpty()) {
                throw new ConfigException(source, line, text, "Bad directive or wrong number of arguments");
            }
            userLines.add(new RepeatedLine(source, line, text, List.copyOf(args)));
            return true;
        }
        if (name.equals("rename-command")) {
            if (args.size() != 2) {
                throw new ConfigException(source, line, text, "Bad directive or wrong number of arguments");
            }
            renameLines.add(new RepeatedLine(source, line, text, List.copyOf(args)));
            return true;
        }
        return false;
    }

    private final Map<String, String> values = new ConcurrentHashMap<>();
    private Path configFile;

    // Hot values read on IO threads for every request.
    private volatile long protoMaxBulkLen;
    private volatile long clientQueryBufferLimit;
    private volatile String requirepass;

    private ServerConfig() {
        for (Directive d : DIRECTIVES.values()) {
            values.put(d.name(), d.defaultValue());
        }
        refreshCaches();
    }

    // ------------------------------------------------------------------ construction

    /** The defaults only. */
    public static ServerConfig defaults() {
        return new ServerConfig();
    }

    /**
     * Reads {@code configFileOrNull} (if not null), then applies {@code args} in redis-server form
     * ({@code --name value [value ...]}), later values overriding earlier ones.
     *
     * @throws ConfigException naming the file (or the command line), the line and the reason
     */
    public static ServerConfig parse(Path configFileOrNull, String... args) throws ConfigException {
        return parse(configFileOrNull, null, List.of(args));
    }

    /**
     * Like {@link #parse(Path, String...)}, naming the file {@code displayName} in errors and INFO
     * (e.g. {@code "standard input"} for a configuration piped in and saved to a temporary file).
     */
    public static ServerConfig parse(Path configFileOrNull, String displayName, List<String> args)
            throws ConfigException {
        ServerConfig c = new ServerConfig();
        Set<String> seenMultiArg = new HashSet<>();
        if (configFileOrNull != null) {
            c.configFile = configFileOrNull.toAbsolutePath().normalize();
            c.readFile(configFileOrNull, displayName, seenMultiArg, 0);
        }
        c.readArgs(args.toArray(new String[0]), seenMultiArg);
        return c;
    }

    /** Like {@link #parse} without a file; a bad argument throws {@link IllegalArgumentException}. */
    public static ServerConfig fromArgs(String... args) {
        try {
            return parse(null, args);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private void readFile(Path file, String displayName, Set<String> seenMultiArg, int depth) throws ConfigException {
        String source = "the configuration file " + (displayName != null ? displayName : file.toString());
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(source, 0, "", "Fatal error, can't open config file '" + file + "': " + e.getMessage());
        }
        // Decoded line by line, so that bytes that are not UTF-8 are refused naming their line
        // (reading the whole file as UTF-8 failed as "can't open", at line 0).
        List<byte[]> lines = splitLines(content);
        for (int i = 0; i < lines.size(); i++) {
            String raw;
            try {
                raw = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(lines.get(i))).toString();
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new ConfigException(source, i + 1, new String(lines.get(i), StandardCharsets.UTF_8).strip(),
                        "Invalid UTF-8 in configuration line");
            }
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            List<byte[]> parts = InlineArgs.split(bytes, 0, bytes.length);
            if (parts == null) {
                throw new ConfigException(source, i + 1, line, "Unbalanced quotes in configuration line");
            }
            if (parts.isEmpty()) {
                continue;
            }
            List<String> tokens = new ArrayList<>(parts.size());
            for (byte[] p : parts) {
                tokens.add(new String(p, StandardCharsets.UTF_8));
            }
            String name = tokens.get(0).toLowerCase(Locale.ROOT);
            if (name.equals("include")) {
                if (tokens.size() != 2) {
                    throw new ConfigException(source, i + 1, line, "Bad directive or wrong number of arguments");
                }
                if (depth > 16) {
                    throw new ConfigException(source, i + 1, line, "Too many nested includes");
                }
                Path inc;
                try {
                    inc = Path.of(tokens.get(1));
                } catch (java.nio.file.InvalidPathException e) {
                    // A NUL in the name, found by ServerConfigFuzzTest: it escaped as an InvalidPathException.
                    throw new ConfigException(source, i + 1, line,
                            "Fatal error, can't open config file '" + tokens.get(1) + "': " + e.getReason());
                }
                if (!inc.isAbsolute() && file.getParent() != null && !Files.exists(inc)) {
                    inc = file.getParent().resolve(inc);
                }
                readFile(inc, null, seenMultiArg, depth + 1);
                continue;
            }
            if (repeated(name, tokens.subList(1, tokens.size()), source, i + 1, line)) {
                continue;
            }
            String reason = apply(name, tokens.subList(1, tokens.size()), seenMultiArg);
            if (reason != null) {
                throw new ConfigException(source, i + 1, line, reason);
            }
        }
    }

    /** The lines of a file, ended by LF, CR LF or CR as {@link java.io.BufferedReader#readLine()} ends them. */
    private static List<byte[]> splitLines(byte[] b) {
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\n' || b[i] == '\r') {
                lines.add(java.util.Arrays.copyOfRange(b, start, i));
                if (b[i] == '\r' && i + 1 < b.length && b[i + 1] == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < b.length) {
            lines.add(java.util.Arrays.copyOfRange(b, start, b.length));
        }
        return lines;
    }

    private void readArgs(String[] args, Set<String> seenMultiArg) throws ConfigException {
        int i = 0;
        int directive = 0;
        while (i < args.length) {
            String a = args[i];
            if (!a.startsWith("--") || a.length() == 2) {
                throw new ConfigException("the command line arguments", directive + 1, a,
                        "Bad directive or wrong number of arguments: expected --<directive> <value>");
            }
            String name = canonical(a.substring(2).toLowerCase(Locale.ROOT));
            List<String> vals = new ArrayList<>();
            i++;
            // A value may itself start with "--" only as the first value (redis-server's rule).
            while (i < args.length && !(args[i].startsWith("--") && !vals.isEmpty())) {
                if (args[i].startsWith("--") && vals.isEmpty() && isDirective(args[i].substring(2).toLowerCase(Locale.ROOT))) {
                    break;
                }
                vals.add(args[i]);
                i++;
            }
            directive++;
            if (repeated(name, vals, "the command line arguments", directive, name + " " + String.join(" ", vals))) {
                continue;
            }
            if (vals.isEmpty() && name.equals("save")) {
                vals.add(""); // "--save" alone disables snapshots, as redis-server takes it
            }
            String reason = apply(name, vals, seenMultiArg);
            if (reason != null) {
                StringBuilder text = new StringBuilder(name);
                for (String v : vals) {
                    text.append(" \"").append(v).append('"');
                }
                throw new ConfigException("the command line arguments", directive, text.toString(), reason);
            }
        }
    }

    /** Applies one directive line; returns the reason it is refused, or null. */
    private String apply(String givenName, List<String> args, Set<String> seenMultiArg) {
        String name = canonical(givenName);
        Directive d = DIRECTIVES.get(name);
        if (d == null || args.isEmpty() || (!d.multiArg() && args.size() != 1)) {
            return "Bad directive or wrong number of arguments";
        }
        String joined;
        try {
            joined = OutputBufferLimits.merge(name, values.get(name), String.join(" ", args));
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        if (name.equals("save") && !seenMultiArg.add(name)) {
            // Several "save" lines accumulate, as in redis.conf; the first one replaces the default.
            String prev = values.get(name);
            joined = prev.isEmpty() ? joined : prev + " " + joined;
        } else {
            seenMultiArg.add(name);
        }
        try {
            values.put(name, d.normalize(joined));
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        refreshCaches();
        return null;
    }

    private void refreshCaches() {
        protoMaxBulkLen = Long.parseLong(values.get("proto-max-bulk-len"));
        clientQueryBufferLimit = Long.parseLong(values.get("client-query-buffer-limit"));
        requirepass = values.get("requirepass");
        outputBufferLimits = OutputBufferLimits.parse(values.get("client-output-buffer-limit"));
    }

    private volatile long[][] outputBufferLimits;

    /**
     * {@code client-output-buffer-limit} of client class {@code clientClass}
     * ({@link OutputBufferLimits#NORMAL}, {@link OutputBufferLimits#PUBSUB}): hard bytes, soft
     * bytes, soft seconds. Any thread; do not modify the array.
     */
    public long[] outputBufferLimit(int clientClass) {
        return outputBufferLimits[clientClass];
    }

    // ------------------------------------------------------------------ checks

    private static String checkBind(String v) {
        String[] addrs = v.trim().split("\\s+");
        if (addrs.length == 0 || addrs[0].isEmpty()) {
            throw new IllegalArgumentException("Invalid bind address: empty");
        }
        if (addrs.length > 16) {
            throw new IllegalArgumentException("Too many bind addresses specified.");
        }
        return String.join(" ", addrs);
    }

    /** {@code replicaof <host> <port>} (empty: a master). */
    private static String checkReplicaof(String v) {
        String t = v.trim();
        if (t.isEmpty()) {
            return "";
        }
        String[] p = t.split("\\s+");
        if (p.length != 2) {
            throw new IllegalArgumentException("wrong number of arguments");
        }
        try {
            int port = Integer.parseInt(p[1]);
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid master port");
        }
        return p[0] + " " + p[1];
    }

    private static String checkSave(String v) {
        String s = v.trim();
        if (s.isEmpty()) {
            return "";
        }
        String[] parts = s.split("\\s+");
        if (parts.length % 2 != 0) {
            throw new IllegalArgumentException("Invalid save parameters");
        }
        for (String p : parts) {
            try {
                if (Long.parseLong(p) < 0 || Long.parseLong(p) > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("Invalid save parameters");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Invalid save parameters");
            }
        }
        return String.join(" ", parts);
    }

    // ------------------------------------------------------------------ access

    /** Whether {@code name} (lower-case) is a known directive. */
    public static boolean isDirective(String name) {
        return DIRECTIVES.containsKey(canonical(name));
    }

    /** The directive named {@code name} (lower-case), or null. */
    public static Directive directive(String name) {
        return DIRECTIVES.get(canonical(name));
    }

    /** Every directive name, in listing order. */
    public static List<String> directiveNames() {
        return List.copyOf(DIRECTIVES.keySet());
    }

    /** The canonical value of {@code name} (case-insensitive), or {@code null} if unknown. */
    public String get(String name) {
        return values.get(canonical(name.toLowerCase(Locale.ROOT)));
    }

    /** A snapshot of every directive and value, in listing order. */
    public Map<String, String> all() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String n : DIRECTIVES.keySet()) {
            m.put(n, values.get(n));
        }
        for (Map.Entry<String, String> a : ALIASES.entrySet()) {
            m.put(a.getKey(), values.get(a.getValue())); // Redis 7.0 lists the old names too
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * Sets one directive at run time, as {@code CONFIG SET} does. For {@code port} and
     * {@code bind} this records the value only: moving the listeners is the server's job
     * ({@code CONFIG SET} asks it to rebind first).
     *
     * @throws IllegalArgumentException with Redis' reason text: unknown directive, immutable
     *         ({@code can't set immutable config}), or an invalid value
     */
    public void set(String name, String value) {
        String n = canonical(name.toLowerCase(Locale.ROOT));
        Directive d = DIRECTIVES.get(n);
        if (d == null) {
            throw new IllegalArgumentException("Unknown option or number of arguments for CONFIG SET - '" + name + "'");
        }
        if (!d.mutable()) {
            throw new IllegalArgumentException("can't set immutable config");
        }
        values.put(n, d.normalize(OutputBufferLimits.merge(n, values.get(n), value)));
        refreshCaches();
    }

    /** Sets a value the server determined itself (e.g. the port actually bound for {@code port 0}). */
    public void setEffective(String name, String value) {
        values.put(name, value);
        refreshCaches();
    }

    /** The configuration file the server was started with (absolute), or null. */
    public Path configFile() {
        return configFile;
    }

    // ------------------------------------------------------------------ typed getters

    public int port() {
        return Integer.parseInt(get("port"));
    }

    /** Bind addresses as written; a leading {@code -} marks one whose failure to bind is ignored. */
    public List<String> bind() {
        return List.of(get("bind").split(" "));
    }

    /** The data directory, absolute. */
    public Path dir() {
        return Path.of(get("dir"));
    }

    public int databases() {
        return Integer.parseInt(get("databases"));
    }

    /** The password of the default user, or empty when none is required. Any thread. */
    public String requirepass() {
        return requirepass;
    }

    public int maxclients() {
        return Integer.parseInt(get("maxclients"));
    }

    /** Idle client timeout in seconds; 0 = never. */
    public int timeout() {
        return Integer.parseInt(get("timeout"));
    }

    /** TCP keepalive period in seconds; 0 = off. */
    public int tcpKeepalive() {
        return Integer.parseInt(get("tcp-keepalive"));
    }

    public int tcpBacklog() {
        return Integer.parseInt(get("tcp-backlog"));
    }

    /** Largest bulk string a client may send, in bytes. Any thread. */
    public long protoMaxBulkLen() {
        return protoMaxBulkLen;
    }

    /** Largest pending query buffer of one client before it is closed, in bytes. Any thread. */
    public long clientQueryBufferLimit() {
        return clientQueryBufferLimit;
    }

    /** Server cron frequency, 1..500 (clamped when set). */
    public int hz() {
        return Integer.parseInt(get("hz"));
    }

    public String loglevel() {
        return get("loglevel");
    }

    public String logfile() {
        return get("logfile");
    }

    /**
     * Whether the engine runs on an IO event loop ({@code engine-thread shared}) rather than its
     * own thread; {@code auto} shares when there is one IO thread.
     */
    public boolean engineThreadShared() {
        String mode = get("engine-thread");
        return mode.equals("shared") || (mode.equals("auto") && ioThreads() == 1);
    }

    public int ioThreads() {
        return Integer.parseInt(get("io-threads"));
    }

    public boolean appendonly() {
        return get("appendonly").equals("yes");
    }

    public String appendfsync() {
        return get("appendfsync");
    }

    /** Least microseconds between the starts of two busy fsyncs under {@code always} ({@code log-group-commit-us}). */
    public long logGroupCommitMicros() {
        return Long.parseLong(get("log-group-commit-us"));
    }

    /** Bytes after which a log segment is rolled ({@code log-segment-bytes}). */
    public long logSegmentBytes() {
        return Long.parseLong(get("log-segment-bytes"));
    }

    /** Age in ms after which a non-empty segment is rolled, 0 = never ({@code log-segment-ms}). */
    public long logSegmentMs() {
        return Long.parseLong(get("log-segment-ms"));
    }

    /** Closed segments older than this many hours may be deleted; -1 = keep ({@code log-retention-hours}). */
    public long logRetentionHours() {
        return Long.parseLong(get("log-retention-hours"));
    }

    /** Closed segments may be deleted while the log stays at least this big; -1 = no limit ({@code log-retention-bytes}). */
    public long logRetentionBytes() {
        return Long.parseLong(get("log-retention-bytes"));
    }

    /** Whether corruption in the middle of the log truncates it there instead of stopping the start. */
    public boolean logRecoveryTruncates() {
        return get("log-recovery-policy").equals("truncate");
    }

    /** The {@code save} rules as (seconds, changes) pairs; empty when automatic snapshots are off. */
    public java.util.List<long[]> saveRules() {
        String v = get("save").trim();
        java.util.List<long[]> rules = new java.util.ArrayList<>();
        if (v.isEmpty()) {
            return rules;
        }
        String[] f = v.split("\\s+");
        for (int i = 0; i + 1 < f.length; i += 2) {
            rules.add(new long[] {Long.parseLong(f[i]), Long.parseLong(f[i + 1])});
        }
        return rules;
    }

    public long maxmemory() {
        return Long.parseLong(get("maxmemory"));
    }

    public String maxmemoryPolicy() {
        return get("maxmemory-policy");
    }
}
