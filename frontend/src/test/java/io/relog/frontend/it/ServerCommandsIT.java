package io.relog.frontend.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/** Server commands through Jedis: COMMAND, INFO, CONFIG, databases, TIME, LASTSAVE, DEBUG, SHUTDOWN. */
class ServerCommandsIT extends AbstractServerIT {

    /** Every command issue 2 asks for; COMMAND must know each of them. */
    static final List<String> ISSUE_2_COMMANDS = List.of(
            "ping", "echo", "hello", "auth", "select", "quit", "reset", "client", "command", "info", "config",
            "dbsize", "flushdb", "flushall", "swapdb", "move", "time", "lastsave", "debug", "shutdown",
            "del", "unlink", "exists", "type", "rename", "renamenx", "keys", "scan", "randomkey", "expire",
            "pexpire", "expireat", "pexpireat", "ttl", "pttl", "expiretime", "pexpiretime", "persist", "touch",
            "copy", "object",
            "get", "set", "setnx", "setex", "psetex", "getset", "getdel", "getex", "mget", "mset", "msetnx",
            "incr", "decr", "incrby", "decrby", "incrbyfloat", "append", "strlen", "getrange", "setrange",
            "substr", "lcs");

    static final List<String> STRING_GROUP = List.of(
            "get", "set", "setnx", "setex", "psetex", "getset", "getdel", "getex", "mget", "mset", "msetnx",
            "incr", "decr", "incrby", "decrby", "incrbyfloat", "append", "strlen", "getrange", "setrange",
            "substr", "lcs");

    // ---------------------------------------------------------------- COMMAND

    @Test
    void commandCountListAndFullReplyAgree() {
        long count = (Long) call("COMMAND", "COUNT");
        List<String> names = strings(call("COMMAND", "LIST"));
        List<?> all = (List<?>) call("COMMAND");
        assertThat(names).doesNotHaveDuplicates().containsAll(ISSUE_2_COMMANDS)
                .as("COMMAND LIST names subcommands too").contains("config|get", "client|id", "object|encoding");
        assertThat(names.stream().filter(n -> !n.contains("|"))).hasSize((int) count);
        assertThat(all).hasSize((int) count);
        assertError(wrongArgs("command|count"), "COMMAND", "COUNT", "x");
    }

    @Test
    void commandInfoDescribesCommandsLikeRedis() {
        assertThat(head(call("COMMAND", "INFO", "get")))
                .isEqualTo(List.of("get", 2L, List.of("readonly", "fast"), 1L, 1L, 1L, List.of("@read", "@string", "@fast")));
        assertThat(head(call("COMMAND", "INFO", "set")))
                .isEqualTo(List.of("set", -3L, List.of("write", "denyoom"), 1L, 1L, 1L, List.of("@write", "@string", "@slow")));
        assertThat(head(call("COMMAND", "INFO", "mset")))
                .isEqualTo(List.of("mset", -3L, List.of("write", "denyoom"), 1L, -1L, 2L, List.of("@write", "@string", "@slow")));
        assertThat(head(call("COMMAND", "INFO", "del")))
                .isEqualTo(List.of("del", -2L, List.of("write"), 1L, -1L, 1L, List.of("@keyspace", "@write", "@slow")));
        assertThat(head(call("COMMAND", "INFO", "expire")))
                .isEqualTo(List.of("expire", -3L, List.of("write", "fast"), 1L, 1L, 1L, List.of("@keyspace", "@write", "@fast")));
        assertThat(head(call("COMMAND", "INFO", "ping")))
                .isEqualTo(List.of("ping", -1L, List.of("fast"), 0L, 0L, 0L, List.of("@fast", "@connection")));
        assertThat(head(call("COMMAND", "INFO", "lcs")))
                .isEqualTo(List.of("lcs", -3L, List.of("readonly"), 1L, 2L, 1L, List.of("@read", "@string", "@slow")));
        assertThat(head(call("COMMAND", "INFO", "GET"))).as("names are case-insensitive").element(0).isEqualTo("get");
    }

    @Test
    void commandInfoOfUnknownAndOfMany() {
        List<?> reply = (List<?>) call("COMMAND", "INFO", "get", "nosuchcommand", "set");
        assertThat(reply).hasSize(3);
        assertThat(reply.get(1)).isNull();
        assertThat(((List<?>) reply.get(2)).get(0)).isEqualTo("set");
        List<?> containers = (List<?>) call("COMMAND", "INFO", "config");
        List<?> config = (List<?>) containers.get(0);
        assertThat(config.get(0)).isEqualTo("config");
        assertThat(config.get(1)).isEqualTo(-2L);
        List<String> subcommands = new ArrayList<>();
        for (Object sub : (List<?>) config.get(9)) {
            subcommands.add((String) ((List<?>) sub).get(0));
        }
        assertThat(subcommands).contains("config|get", "config|set", "config|resetstat");
        assertThat(((List<?>) call("COMMAND", "INFO"))).hasSize(((Long) call("COMMAND", "COUNT")).intValue());
    }

    @Test
    void commandDocs() {
        List<?> reply = (List<?>) call("COMMAND", "DOCS", "get");
        assertThat(reply).hasSize(2);
        assertThat(reply.get(0)).isEqualTo("get");
        Map<String, Object> doc = pairs((List<?>) reply.get(1));
        assertThat(doc).containsKeys("summary", "since", "group");
        if (Target.current() == Target.REDIS) {
            // Relog's COMMAND DOCS has no complexity or argument descriptions yet (README, known differences).
            assertThat(doc).containsKeys("complexity", "arguments");
        }
        assertThat(doc.get("group")).isEqualTo("string");
        assertThat(doc.get("since")).isEqualTo("1.0.0");
        assertThat(call("COMMAND", "DOCS", "nosuchcommand")).isEqualTo(List.of());
        List<?> all = (List<?>) call("COMMAND", "DOCS");
        assertThat(all).hasSize(2 * ((Long) call("COMMAND", "COUNT")).intValue());
    }

    @Test
    void commandListFilterby() {
        List<String> ge = strings(call("COMMAND", "LIST", "FILTERBY", "PATTERN", "ge*"));
        assertThat(ge).contains("get", "getex", "getdel", "getrange", "getset")
                .allMatch(n -> n.startsWith("ge"));
        List<String> strings = strings(call("COMMAND", "LIST", "FILTERBY", "ACLCAT", "string"));
        assertThat(strings).containsAll(STRING_GROUP).doesNotContain("del", "ping");
        assertThat(call("COMMAND", "LIST", "FILTERBY", "MODULE", "nosuchmodule")).isEqualTo(List.of());
        assertError("ERR syntax error", "COMMAND", "LIST", "foo");
    }

    @Test
    void commandGetkeys() {
        assertThat(call("COMMAND", "GETKEYS", "get", "a")).isEqualTo(List.of("a"));
        assertThat(call("COMMAND", "GETKEYS", "set", "a", "b", "EX", "10")).isEqualTo(List.of("a"));
        assertThat(call("COMMAND", "GETKEYS", "mset", "a", "1", "b", "2")).isEqualTo(List.of("a", "b"));
        assertThat(call("COMMAND", "GETKEYS", "del", "a", "b", "c")).isEqualTo(List.of("a", "b", "c"));
        assertThat(call("COMMAND", "GETKEYS", "copy", "a", "b")).isEqualTo(List.of("a", "b"));
        assertError("ERR The command has no key arguments", "COMMAND", "GETKEYS", "ping", "x");
        assertError("ERR Invalid command specified", "COMMAND", "GETKEYS", "nosuchcommand", "a");
        assertError("ERR Invalid number of arguments specified for command", "COMMAND", "GETKEYS", "get", "a", "b");
        assertError(wrongArgs("command|getkeys"), "COMMAND", "GETKEYS", "get");
        assertError("ERR unknown subcommand 'foo'. Try COMMAND HELP.", "COMMAND", "foo");
    }

    // ---------------------------------------------------------------- INFO

    @Test
    void infoDefaultHasTheStandardSectionsAndFields() {
        String info = (String) call("INFO");
        assertThat(info).contains("# Server\r\n", "# Clients\r\n", "# Memory\r\n", "# Persistence\r\n",
                "# Stats\r\n", "# Replication\r\n", "# CPU\r\n", "# Keyspace\r\n");
        Map<String, String> fields = infoFields(info);
        assertThat(fields).containsKeys("redis_version", "redis_mode", "process_id", "tcp_port", "uptime_in_seconds",
                "connected_clients", "used_memory", "used_memory_human", "maxmemory", "maxmemory_policy",
                "loading", "rdb_changes_since_last_save", "rdb_last_save_time", "aof_enabled",
                "total_connections_received", "total_commands_processed", "expired_keys", "evicted_keys",
                "keyspace_hits", "keyspace_misses",
                "role", "connected_slaves", "master_replid", "master_repl_offset",
                "used_cpu_sys", "used_cpu_user");
        assertThat(fields.get("tcp_port")).isEqualTo(Integer.toString(server.port()));
        assertThat(fields.get("role")).isEqualTo("master");
        assertThat(fields.get("redis_mode")).isEqualTo("standalone");
        assertThat(fields.get("aof_enabled")).isEqualTo("0");
        assertThat(Long.parseLong(fields.get("connected_clients"))).isGreaterThanOrEqualTo(1);
        assertThat(info).doesNotContain("# Commandstats");
    }

    @Test
    void infoSectionsOneOrSeveral() {
        String serverOnly = (String) call("INFO", "server");
        assertThat(serverOnly).startsWith("# Server\r\n").doesNotContain("# Clients");
        assertThat(infoFields(serverOnly)).containsKeys("redis_version", "tcp_port");
        String two = (String) call("INFO", "clients", "MEMORY");
        assertThat(two).contains("# Clients\r\n", "# Memory\r\n").doesNotContain("# Server");
        assertThat(infoFields((String) call("INFO", "persistence"))).containsKeys("rdb_last_save_time", "aof_enabled");
        assertThat(infoFields((String) call("INFO", "stats"))).containsKeys("total_commands_processed", "keyspace_hits");
        assertThat(infoFields((String) call("INFO", "replication"))).containsKeys("role", "master_repl_offset");
        assertThat(infoFields((String) call("INFO", "cpu"))).containsKeys("used_cpu_sys", "used_cpu_user");
        assertThat((String) call("INFO", "nosuchsection")).isEmpty();
        String everything = (String) call("INFO", "everything");
        assertThat(everything).contains("# Server\r\n", "# Commandstats\r\n", "# Keyspace\r\n");
    }

    /** Fields each section must have (the ones dashboards such as redis_exporter read). */
    static final Map<String, List<String>> SECTION_FIELDS = Map.of(
            "server", List.of("redis_version", "redis_mode", "os", "arch_bits", "process_id", "run_id", "tcp_port",
                    "server_time_usec", "uptime_in_seconds", "uptime_in_days", "hz", "executable", "config_file"),
            "clients", List.of("connected_clients", "maxclients", "blocked_clients", "tracking_clients",
                    "clients_in_timeout_table"),
            "memory", List.of("used_memory", "used_memory_human", "used_memory_rss", "used_memory_peak",
                    "used_memory_peak_human", "used_memory_dataset", "total_system_memory", "maxmemory",
                    "maxmemory_human", "maxmemory_policy", "mem_fragmentation_ratio", "mem_allocator",
                    "lazyfree_pending_objects"),
            "persistence", List.of("loading", "rdb_changes_since_last_save", "rdb_bgsave_in_progress",
                    "rdb_last_save_time", "rdb_last_bgsave_status", "rdb_saves", "aof_enabled",
                    "aof_rewrite_in_progress", "aof_last_write_status"),
            "stats", List.of("total_connections_received", "total_commands_processed", "instantaneous_ops_per_sec",
                    "total_net_input_bytes", "total_net_output_bytes", "rejected_connections", "sync_full",
                    "sync_partial_ok", "sync_partial_err", "expired_keys", "evicted_keys", "keyspace_hits",
                    "keyspace_misses", "pubsub_channels", "pubsub_patterns", "total_error_replies",
                    "total_reads_processed", "total_writes_processed"),
            "replication", List.of("role", "connected_slaves", "master_failover_state", "master_replid",
                    "master_replid2", "master_repl_offset", "second_repl_offset", "repl_backlog_active",
                    "repl_backlog_size", "repl_backlog_first_byte_offset", "repl_backlog_histlen"),
            "cpu", List.of("used_cpu_sys", "used_cpu_user", "used_cpu_sys_children", "used_cpu_user_children"));

    @Test
    void infoSectionsHaveRedisFieldNames() {
        Map<String, List<String>> missing = new TreeMap<>();
        SECTION_FIELDS.forEach((section, names) -> {
            String text = (String) call("INFO", section);
            String header = "# " + (section.equals("cpu") ? "CPU" : Character.toUpperCase(section.charAt(0)) + section.substring(1));
            assertThat(text).as("INFO %s", section).startsWith(header + "\r\n");
            Map<String, String> fields = infoFields(text);
            names.stream().filter(n -> !fields.containsKey(n))
                    .forEach(n -> missing.computeIfAbsent(section, k -> new ArrayList<>()).add(n));
        });
        assertThat(missing).as("fields missing from INFO <section>").isEmpty();
        Map<String, String> stats = infoFields((String) call("INFO", "stats"));
        assertThat(Long.parseLong(stats.get("total_connections_received"))).isPositive();
        assertThat(Long.parseLong(stats.get("total_commands_processed"))).isPositive();
        Map<String, String> replication = infoFields((String) call("INFO", "replication"));
        assertThat(replication.get("master_replid")).matches("[0-9a-f]{40}");
        assertThat(replication.get("connected_slaves")).isEqualTo("0");
    }

    @Test
    void infoKeyspaceCountsKeysAndExpires() {
        assertThat((String) call("INFO", "keyspace")).isEqualTo("# Keyspace\r\n");
        call("SET", "a", "1");
        call("SET", "b", "2", "EX", "100");
        call("SELECT", "3");
        call("SET", "c", "3");
        call("SELECT", "0");
        Map<String, String> fields = infoFields((String) call("INFO", "keyspace"));
        assertThat(fields.get("db0")).matches("keys=2,expires=1,avg_ttl=\\d+");
        assertThat(fields.get("db3")).isEqualTo("keys=1,expires=0,avg_ttl=0");
        assertThat(fields).doesNotContainKey("db1");
    }

    @Test
    void infoStatsCountErrorReplies() {
        call("CONFIG", "RESETSTAT");
        call("SET", "k", "v");
        error("INCR", "k");            // ERR value is not an integer
        error("NOSUCHCOMMAND");        // unknown command
        error("GET");                  // wrong number of arguments
        call("GET", "k");
        assertThat(infoFields((String) call("INFO", "stats")).get("total_error_replies")).isEqualTo("3");
    }

    @Test
    void infoStatsCountHitsAndMisses() {
        call("CONFIG", "RESETSTAT");
        call("SET", "k", "v");
        call("GET", "k");
        call("GET", "k");
        call("GET", "missing");
        Map<String, String> stats = infoFields((String) call("INFO", "stats"));
        assertThat(stats.get("keyspace_hits")).isEqualTo("2");
        assertThat(stats.get("keyspace_misses")).isEqualTo("1");
    }

    @Test
    void infoCommandstatsAndConfigResetstat() {
        call("GET", "k");
        call("GET", "k");
        assertThat(infoFields((String) call("INFO", "commandstats")).get("cmdstat_get"))
                .matches("calls=\\d+,usec=\\d+,usec_per_call=[0-9.]+,rejected_calls=\\d+,failed_calls=\\d+");
        assertThat(call("CONFIG", "RESETSTAT")).isEqualTo("OK");
        String afterReset = (String) call("INFO", "commandstats");
        assertThat(infoFields(afterReset)).doesNotContainKey("cmdstat_get");
        call("GET", "k");
        call("GET", "k");
        call("GET", "k");
        error("SET", "k");
        error("INCR", "k", "x");
        call("SET", "k", "a");
        error("INCR", "k");
        Map<String, String> fields = infoFields((String) call("INFO", "commandstats"));
        assertThat(fields.get("cmdstat_get")).startsWith("calls=3,").endsWith(",rejected_calls=0,failed_calls=0");
        assertThat(fields.get("cmdstat_set")).startsWith("calls=1,").endsWith(",rejected_calls=1,failed_calls=0");
        assertThat(fields.get("cmdstat_incr")).startsWith("calls=1,").endsWith(",rejected_calls=1,failed_calls=1");
        assertThat(fields).containsKey("cmdstat_info");
    }

    @Test
    void infoServerHasRelogVersion() {
        assumeRelog("relog_version is Relog's own INFO field");
        assertThat(infoFields((String) call("INFO", "server"))).containsKey("relog_version");
    }

    // ---------------------------------------------------------------- CONFIG

    @Test
    void configGetWithGlobsAndSeveralPatterns() {
        Map<String, Object> maxmemory = pairs((List<?>) call("CONFIG", "GET", "maxmemory*"));
        assertThat(maxmemory).containsKeys("maxmemory", "maxmemory-policy", "maxmemory-samples")
                .allSatisfy((k, v) -> assertThat(k).startsWith("maxmemory"));
        assertThat(maxmemory.get("maxmemory")).isEqualTo("0");
        assertThat(maxmemory.get("maxmemory-policy")).isEqualTo("noeviction");
        Map<String, Object> two = pairs((List<?>) call("CONFIG", "GET", "port", "maxmemory-policy"));
        assertThat(two).containsOnlyKeys("port", "maxmemory-policy");
        assertThat(two.get("port")).isEqualTo(Integer.toString(server.port()));
        List<?> upper = (List<?>) call("CONFIG", "GET", "PORT");
        assertThat(upper).hasSize(2);
        assertThat((String) upper.get(0)).as("names are case-insensitive").isEqualToIgnoringCase("port");
        assertThat(upper.get(1)).isEqualTo(Integer.toString(server.port()));
        assertThat(pairs((List<?>) call("CONFIG", "GET", "appendonly"))).containsEntry("appendonly", "no");
        assertThat(pairs((List<?>) call("CONFIG", "GET", "databases"))).containsEntry("databases", "16");
        assertThat(pairs((List<?>) call("CONFIG", "GET", "dir"))).as("the absolute data directory")
                .containsEntry("dir", server.dir().toAbsolutePath().toString());
        assertThat(pairs((List<?>) call("CONFIG", "GET", "*"))).containsKeys("port", "dir", "requirepass", "save",
                "appendfsync", "maxmemory");
        assertThat(call("CONFIG", "GET", "nosuchparameter")).isEqualTo(List.of());
        assertError(wrongArgs("config|get"), "CONFIG", "GET");
    }

    @Test
    void configSetOneOrSeveral() {
        try {
            assertThat(call("CONFIG", "SET", "maxmemory", "10mb")).isEqualTo("OK");
            assertThat(pairs((List<?>) call("CONFIG", "GET", "maxmemory"))).containsEntry("maxmemory", "10485760");
            assertThat(call("CONFIG", "SET", "maxmemory", "20mb", "maxmemory-policy", "allkeys-lru")).isEqualTo("OK");
            assertThat(pairs((List<?>) call("CONFIG", "GET", "maxmemory*")))
                    .containsEntry("maxmemory", "20971520").containsEntry("maxmemory-policy", "allkeys-lru");
        } finally {
            call("CONFIG", "SET", "maxmemory", "0", "maxmemory-policy", "noeviction");
        }
    }

    @Test
    void configSetErrorsChangeNothing() {
        assertError("ERR Unknown option or number of arguments for CONFIG SET - 'nosuchparameter'",
                "CONFIG", "SET", "nosuchparameter", "1");
        assertError("ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value",
                "CONFIG", "SET", "maxmemory", "abc");
        assertError("ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate parameter",
                "CONFIG", "SET", "maxmemory", "10mb", "maxmemory", "20mb");
        assertError("ERR syntax error", "CONFIG", "SET", "maxmemory", "1", "2");
        assertError("ERR Unknown option or number of arguments for CONFIG SET - 'nosuchparameter'",
                "CONFIG", "SET", "maxmemory", "10mb", "nosuchparameter", "1");
        assertThat(pairs((List<?>) call("CONFIG", "GET", "maxmemory"))).containsEntry("maxmemory", "0");
        assertError(wrongArgs("config|set"), "CONFIG", "SET", "maxmemory");
        assertError("ERR unknown subcommand 'foo'. Try CONFIG HELP.", "CONFIG", "foo");
    }

    @Test
    void configSetValidatesEachKindOfValue() {
        String failed = "ERR CONFIG SET failed (possibly related to argument '%s') - %s";
        assertError(String.format(failed, "loglevel", "argument(s) must be one of the following: debug, verbose, notice, warning"),
                "CONFIG", "SET", "loglevel", "foo");
        assertError(String.format(failed, "maxmemory-policy", "argument(s) must be one of the following: volatile-lru,"
                + " volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction"),
                "CONFIG", "SET", "maxmemory-policy", "foo");
        assertError(String.format(failed, "appendfsync", "argument(s) must be one of the following: everysec, always, no"),
                "CONFIG", "SET", "appendfsync", "foo");
        assertError(String.format(failed, "hz", "argument couldn't be parsed into an integer"), "CONFIG", "SET", "hz", "abc");
        assertError(String.format(failed, "timeout", "argument must be between 0 and 2147483647 inclusive"),
                "CONFIG", "SET", "timeout", "-1");
        assertError(String.format(failed, "appendonly", "argument must be 'yes' or 'no'"),
                "CONFIG", "SET", "appendonly", "maybe");
        assertError(String.format(failed, "lazyfree-lazy-eviction", "argument must be 'yes' or 'no'"),
                "CONFIG", "SET", "lazyfree-lazy-eviction", "maybe");
        assertError(String.format(failed, "databases", "can't set immutable config"), "CONFIG", "SET", "databases", "20");
        try {
            assertThat(call("CONFIG", "SET", "save", "3600 1 300 100")).isEqualTo("OK");
            assertThat(pairs((List<?>) call("CONFIG", "GET", "save"))).containsEntry("save", "3600 1 300 100");
            assertThat(call("CONFIG", "SET", "hz", "0")).isEqualTo("OK");
            assertThat(pairs((List<?>) call("CONFIG", "GET", "hz"))).as("hz is clamped to 1..500").containsEntry("hz", "1");
        } finally {
            call("CONFIG", "SET", "save", "", "hz", "10");
        }
        assertThat(pairs((List<?>) call("CONFIG", "GET", "save"))).containsEntry("save", "");
    }

    @Test
    void configResetstatClearsStats() {
        call("GET", "missing");
        assertThat(call("CONFIG", "RESETSTAT")).isEqualTo("OK");
        Map<String, String> stats = infoFields((String) call("INFO", "stats"));
        assertThat(stats.get("keyspace_misses")).isEqualTo("0");
        assertThat(stats.get("expired_keys")).isEqualTo("0");
    }

    // ---------------------------------------------------------------- databases

    @Test
    void dbsizeFlushdbFlushall() {
        call("MSET", "a", "1", "b", "2");
        assertThat(call("DBSIZE")).isEqualTo(2L);
        call("SELECT", "1");
        call("SET", "c", "3");
        assertThat(call("DBSIZE")).isEqualTo(1L);
        assertThat(call("FLUSHDB")).isEqualTo("OK");
        assertThat(call("DBSIZE")).isEqualTo(0L);
        call("SELECT", "0");
        assertThat(call("DBSIZE")).as("FLUSHDB empties only the selected db").isEqualTo(2L);
        call("SELECT", "2");
        call("SET", "d", "4");
        assertThat(call("FLUSHALL")).isEqualTo("OK");
        assertThat(call("DBSIZE")).isEqualTo(0L);
        call("SELECT", "0");
        assertThat(call("DBSIZE")).isEqualTo(0L);
        assertError(wrongArgs("dbsize"), "DBSIZE", "x");
    }

    @Test
    void flushSyncAndAsync() {
        call("MSET", "a", "1", "b", "2");
        assertThat(call("FLUSHDB", "ASYNC")).isEqualTo("OK");
        assertThat(call("DBSIZE")).isEqualTo(0L);
        call("MSET", "a", "1", "b", "2");
        assertThat(call("FLUSHDB", "sync")).isEqualTo("OK");
        assertThat(call("DBSIZE")).isEqualTo(0L);
        call("MSET", "a", "1", "b", "2");
        assertThat(call("FLUSHALL", "ASYNC")).isEqualTo("OK");
        assertThat(call("DBSIZE")).isEqualTo(0L);
        call("MSET", "a", "1", "b", "2");
        assertThat(call("FLUSHALL", "SYNC")).isEqualTo("OK");
        assertThat(call("DBSIZE")).isEqualTo(0L);
        assertError("ERR syntax error", "FLUSHALL", "foo");
        assertError("ERR syntax error", "FLUSHDB", "SYNC", "ASYNC");
    }

    @Test
    void swapdb() {
        call("SET", "in0", "a");
        call("SELECT", "1");
        call("SET", "in1", "b");
        call("SET", "in1-too", "c");
        Jedis other = newConnection();
        call(other, "SELECT", "1");
        assertThat(call("SWAPDB", "0", "1")).isEqualTo("OK");
        assertThat(call("DBSIZE")).isEqualTo(1L);
        assertThat(call("GET", "in0")).isEqualTo("a");
        assertThat(call(other, "GET", "in0")).as("another client in db 1 sees the swap too").isEqualTo("a");
        call("SELECT", "0");
        assertThat(call("MGET", "in1", "in1-too")).isEqualTo(List.of("b", "c"));
        assertThat(call("SWAPDB", "0", "0")).isEqualTo("OK");
        assertThat(call("DBSIZE")).isEqualTo(2L);
        assertError("ERR DB index is out of range", "SWAPDB", "0", "16");
        assertError("ERR DB index is out of range", "SWAPDB", "0", "-1");
        assertError("ERR invalid first DB index", "SWAPDB", "x", "0");
        assertError("ERR invalid second DB index", "SWAPDB", "0", "x");
        assertError(wrongArgs("swapdb"), "SWAPDB", "0");
    }

    @Test
    void move() {
        call("SET", "k", "v", "EX", "100");
        assertThat(call("MOVE", "k", "1")).isEqualTo(1L);
        assertThat(call("EXISTS", "k")).isEqualTo(0L);
        assertThat(call("MOVE", "missing", "1")).isEqualTo(0L);
        call("SET", "k", "here");
        assertThat(call("MOVE", "k", "1")).as("MOVE refuses to overwrite").isEqualTo(0L);
        assertThat(call("GET", "k")).isEqualTo("here");
        call("SELECT", "1");
        assertThat(call("GET", "k")).isEqualTo("v");
        assertThat((Long) call("TTL", "k")).as("MOVE keeps the TTL").isBetween(99L, 100L);
        assertError("ERR source and destination objects are the same", "MOVE", "k", "1");
        assertError("ERR DB index is out of range", "MOVE", "k", "16");
        assertError("ERR value is not an integer or out of range", "MOVE", "k", "x");
    }

    // ---------------------------------------------------------------- TIME, LASTSAVE, DEBUG

    @Test
    void timeIsSecondsAndMicroseconds() {
        List<?> time = (List<?>) call("TIME");
        assertThat(time).hasSize(2);
        long seconds = Long.parseLong((String) time.get(0));
        long micros = Long.parseLong((String) time.get(1));
        assertThat(seconds).isCloseTo(System.currentTimeMillis() / 1000, Offset.offset(2L));
        assertThat(micros).isBetween(0L, 999_999L);
        assertError(wrongArgs("time"), "TIME", "x");
    }

    @Test
    void lastsaveIsAUnixTimeNotInTheFuture() {
        long lastsave = (Long) call("LASTSAVE");
        long now = System.currentTimeMillis() / 1000;
        assertThat(lastsave).isBetween(now - 3600, now + 1);
    }

    @Test
    void debugIsDeniedByDefault() {
        assertThat(error("DEBUG", "SLEEP", "0")).startsWith("ERR DEBUG command not allowed.");
    }

    @Test
    void debugSleepWhenEnabled() {
        try (RunningServer s = ServerUnderTest.start("--enable-debug-command", "yes");
             Jedis jedis = connect(s)) {
            assertThat(call(jedis, "DEBUG", "SLEEP", "0")).isEqualTo("OK");
            long start = System.nanoTime();
            assertThat(call(jedis, "DEBUG", "SLEEP", "0.2")).isEqualTo("OK");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(190));
        }
    }

    // ---------------------------------------------------------------- SHUTDOWN

    @Test
    void shutdownStopsTheServer() {
        try (RunningServer s = ServerUnderTest.start(); Jedis jedis = connect(s)) {
            call(jedis, "SET", "k", "v");
            assertError(jedis, "ERR syntax error", "SHUTDOWN", "foo");
            assertError(jedis, "ERR No shutdown in progress.", "SHUTDOWN", "ABORT");
            assertError(jedis, "ERR syntax error", "SHUTDOWN", "SAVE", "NOSAVE");
            assertError(jedis, "ERR syntax error", "SHUTDOWN", "ABORT", "NOW");
            assertThat(call(jedis, "GET", "k")).as("failed SHUTDOWNs leave the server up").isEqualTo("v");
            assertThatThrownBy(() -> call(jedis, "SHUTDOWN", "NOSAVE")).isInstanceOf(JedisConnectionException.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> !RedisServerProcess.answersPing(s.port()));
            if (s instanceof RedisServerProcess) {
                await().atMost(Duration.ofSeconds(10)).until(() -> !((RedisServerProcess) s).isAlive());
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    static void assertError(Jedis jedis, String expected, String... args) {
        assertThat(error(jedis, args)).isEqualTo(expected);
    }

    /** The first seven elements of a one-command COMMAND INFO reply (name … ACL categories). */
    private static List<?> head(Object commandInfoReply) {
        List<?> info = (List<?>) ((List<?>) commandInfoReply).get(0);
        return info.subList(0, 7);
    }

    static Map<String, Object> pairs(List<?> flat) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            map.put((String) flat.get(i), flat.get(i + 1));
        }
        assertThat(flat.size() % 2).as("even number of elements").isZero();
        return map;
    }

    static Map<String, String> infoFields(String info) {
        Map<String, String> fields = new HashMap<>();
        for (String line : info.split("\r\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            assertThat(colon).as("INFO line '%s' is name:value", line).isPositive();
            fields.put(line.substring(0, colon), line.substring(colon + 1));
        }
        return fields;
    }
}
