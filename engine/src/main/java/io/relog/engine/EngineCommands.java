package io.relog.engine;

import io.relog.engine.command.CommandSpec;
import io.relog.engine.command.CommandTable;
import io.relog.engine.command.Subcommands;
import io.relog.engine.keys.DatabaseCommands;
import io.relog.engine.keys.KeyCommands;
import io.relog.engine.strings.StringCommands;
import java.util.List;

/**
 * The command table rows of every command the engine implements, with Redis 7.0's metadata
 * (arity, flags, key positions, ACL categories, group, first version) as {@code COMMAND INFO}
 * and {@code COMMAND DOCS} of Redis 7.0.15 report them. The frontend adds its connection and
 * server commands to the same table.
 *
 * <p><b>Propagated command names.</b> A write whose effect does not depend on when or where it
 * runs is propagated as the client sent it — the same argv, letter case included (zero copies).
 * A write that must be rewritten to be deterministic is propagated in upper case: {@code SET k v
 * PXAT <ms>}, {@code SET k <value> KEEPTTL}, {@code PEXPIREAT}, {@code PERSIST}, {@code DEL}. This
 * is what Redis 7.0 itself writes to its replication stream, so Relog's stream and a real
 * master's are byte-identical for the same commands (apart from Redis wrapping a command and the
 * expiry DELs it triggered in MULTI/EXEC, which Relog's log batches make unnecessary).
 */
public final class EngineCommands {

    private EngineCommands() {
    }

    /** Registers every engine command in {@code table}; call once, at start. */
    public static void registerAll(CommandTable table) {
        registerStrings(table);
        registerKeys(table);
        registerDatabases(table);
    }

    static void registerStrings(CommandTable table) {
        table.register(CommandSpec.of("get", 2, "readonly fast", 1, 1, 1, "read string fast", "string", "1.0.0",
                "Returns the string stored at a key.", StringCommands::get));
        table.register(CommandSpec.of("set", -3, "write denyoom", 1, 1, 1, "write string slow", "string", "1.0.0",
                "Stores a string at a key, with optional expiry, condition and old-value return.", StringCommands::set));
        table.register(CommandSpec.of("setnx", 3, "write denyoom fast", 1, 1, 1, "write string fast", "string", "1.0.0",
                "Stores a string only when the key does not exist.", StringCommands::setnx));
        table.register(CommandSpec.of("setex", 4, "write denyoom", 1, 1, 1, "write string slow", "string", "2.0.0",
                "Stores a string with a time to live in seconds.", StringCommands::setex));
        table.register(CommandSpec.of("psetex", 4, "write denyoom", 1, 1, 1, "write string slow", "string", "2.6.0",
                "Stores a string with a time to live in milliseconds.", StringCommands::psetex));
        table.register(CommandSpec.of("getset", 3, "write denyoom fast", 1, 1, 1, "write string fast", "string", "1.0.0",
                "Stores a string and returns the previous one.", StringCommands::getset));
        table.register(CommandSpec.of("getdel", 2, "write fast", 1, 1, 1, "write string fast", "string", "6.2.0",
                "Returns a string and deletes its key.", StringCommands::getdel));
        table.register(CommandSpec.of("getex", -2, "write fast", 1, 1, 1, "write string fast", "string", "6.2.0",
                "Returns a string and changes or removes its time to live.", StringCommands::getex));
        table.register(CommandSpec.of("mget", -2, "readonly fast", 1, -1, 1, "read string fast", "string", "1.0.0",
                "Returns the strings stored at several keys.", StringCommands::mget));
        table.register(CommandSpec.of("mset", -3, "write denyoom", 1, -1, 2, "write string slow", "string", "1.0.1",
                "Stores several strings at once.", StringCommands::mset));
        table.register(CommandSpec.of("msetnx", -3, "write denyoom", 1, -1, 2, "write string slow", "string", "1.0.1",
                "Stores several strings only when none of the keys exists.", StringCommands::msetnx));
        table.register(CommandSpec.of("incr", 2, "write denyoom fast", 1, 1, 1, "write string fast", "string", "1.0.0",
                "Adds one to the integer stored at a key.", StringCommands::incr));
        table.register(CommandSpec.of("decr", 2, "write denyoom fast", 1, 1, 1, "write string fast", "string", "1.0.0",
                "Subtracts one from the integer stored at a key.", StringCommands::decr));
        table.register(CommandSpec.of("incrby", 3, "write denyoom fast", 1, 1, 1, "write string fast", "string", "1.0.0",
                "Adds an integer to the integer stored at a key.", StringCommands::incrby));
        table.register(CommandSpec.of("decrby", 3, "write denyoom fast", 1, 1, 1, "write string fast", "string", "1.0.0",
                "Subtracts an integer from the integer stored at a key.", StringCommands::decrby));
        table.register(CommandSpec.of("incrbyfloat", 3, "write denyoom fast", 1, 1, 1, "write string fast", "string", "2.6.0",
                "Adds a floating point number to the number stored at a key.", StringCommands::incrbyfloat));
        table.register(CommandSpec.of("append", 3, "write denyoom fast", 1, 1, 1, "write string fast", "string", "2.0.0",
                "Appends bytes to the string stored at a key.", StringCommands::append));
        table.register(CommandSpec.of("strlen", 2, "readonly fast", 1, 1, 1, "read string fast", "string", "2.2.0",
                "Returns the length in bytes of the string stored at a key.", StringCommands::strlen));
        table.register(CommandSpec.of("getrange", 4, "readonly", 1, 1, 1, "read string slow", "string", "2.4.0",
                "Returns a byte range of the string stored at a key.", StringCommands::getrange));
        table.register(CommandSpec.of("setrange", 4, "write denyoom", 1, 1, 1, "write string slow", "string", "2.2.0",
                "Overwrites part of the string stored at a key from an offset.", StringCommands::setrange));
        table.register(CommandSpec.of("substr", 4, "readonly", 1, 1, 1, "read string slow", "string", "1.0.0",
                "Returns a byte range of a string (old name of GETRANGE).", StringCommands::substr));
        table.register(CommandSpec.of("lcs", -3, "readonly", 1, 2, 1, "read string slow", "string", "7.0.0",
                "Finds the longest common subsequence of two strings.", StringCommands::lcs));
    }

    static void registerKeys(CommandTable table) {
        table.register(CommandSpec.of("del", -2, "write", 1, -1, 1, "keyspace write slow", "generic", "1.0.0",
                "Deletes keys.", KeyCommands::del));
        table.register(CommandSpec.of("unlink", -2, "write fast", 1, -1, 1, "keyspace write fast", "generic", "4.0.0",
                "Deletes keys, reclaiming memory in the background.", KeyCommands::unlink));
        table.register(CommandSpec.of("exists", -2, "readonly fast", 1, -1, 1, "keyspace read fast", "generic", "1.0.0",
                "Counts how many of the given keys exist.", KeyCommands::exists));
        table.register(CommandSpec.of("type", 2, "readonly fast", 1, 1, 1, "keyspace read fast", "generic", "1.0.0",
                "Returns the type of the value stored at a key.", KeyCommands::type));
        table.register(CommandSpec.of("rename", 3, "write", 1, 2, 1, "keyspace write slow", "generic", "1.0.0",
                "Renames a key, replacing any value at the new name.", KeyCommands::rename));
        table.register(CommandSpec.of("renamenx", 3, "write fast", 1, 2, 1, "keyspace write fast", "generic", "1.0.0",
                "Renames a key only when the new name is free.", KeyCommands::renamenx));
        table.register(CommandSpec.of("keys", 2, "readonly", 0, 0, 0, "keyspace read slow dangerous", "generic", "1.0.0",
                "Returns every key matching a glob pattern.", KeyCommands::keys));
        table.register(CommandSpec.of("scan", -2, "readonly", 0, 0, 0, "keyspace read slow", "generic", "2.8.0",
                "Iterates over the keys of the database with a cursor.", KeyCommands::scan));
        table.register(CommandSpec.of("randomkey", 1, "readonly", 0, 0, 0, "keyspace read slow", "generic", "1.0.0",
                "Returns a key chosen at random.", KeyCommands::randomkey));
        table.register(CommandSpec.of("expire", -3, "write fast", 1, 1, 1, "keyspace write fast", "generic", "1.0.0",
                "Sets a time to live in seconds.", KeyCommands::expire));
        table.register(CommandSpec.of("pexpire", -3, "write fast", 1, 1, 1, "keyspace write fast", "generic", "2.6.0",
                "Sets a time to live in milliseconds.", KeyCommands::pexpire));
        table.register(CommandSpec.of("expireat", -3, "write fast", 1, 1, 1, "keyspace write fast", "generic", "1.2.0",
                "Sets the expiry time as a Unix time in seconds.", KeyCommands::expireat));
        table.register(CommandSpec.of("pexpireat", -3, "write fast", 1, 1, 1, "keyspace write fast", "generic", "2.6.0",
                "Sets the expiry time as a Unix time in milliseconds.", KeyCommands::pexpireat));
        table.register(CommandSpec.of("ttl", 2, "readonly fast", 1, 1, 1, "keyspace read fast", "generic", "1.0.0",
                "Returns the remaining time to live in seconds.", KeyCommands::ttl));
        table.register(CommandSpec.of("pttl", 2, "readonly fast", 1, 1, 1, "keyspace read fast", "generic", "2.6.0",
                "Returns the remaining time to live in milliseconds.", KeyCommands::pttl));
        table.register(CommandSpec.of("expiretime", 2, "readonly fast", 1, 1, 1, "keyspace read fast", "generic", "7.0.0",
                "Returns the expiry time as a Unix time in seconds.", KeyCommands::expiretime));
        table.register(CommandSpec.of("pexpiretime", 2, "readonly fast", 1, 1, 1, "keyspace read fast", "generic", "7.0.0",
                "Returns the expiry time as a Unix time in milliseconds.", KeyCommands::pexpiretime));
        table.register(CommandSpec.of("persist", 2, "write fast", 1, 1, 1, "keyspace write fast", "generic", "2.2.0",
                "Removes the time to live of a key.", KeyCommands::persist));
        table.register(CommandSpec.of("touch", -2, "readonly fast", 1, -1, 1, "keyspace read fast", "generic", "3.2.1",
                "Updates the access time of keys and counts the existing ones.", KeyCommands::touch));
        table.register(CommandSpec.of("copy", -3, "write denyoom", 1, 2, 1, "keyspace write slow", "generic", "6.2.0",
                "Copies the value of a key to another key, possibly in another database.", KeyCommands::copy));
        List<CommandSpec> object = List.of(
                CommandSpec.of("object|freq", 3, "readonly", 2, 2, 1, "keyspace read slow", "generic", "4.0.0",
                        "Returns the LFU access frequency counter of a key.", KeyCommands::objectFreq),
                CommandSpec.of("object|refcount", 3, "readonly", 2, 2, 1, "keyspace read slow", "generic", "2.2.3",
                        "Returns the reference count of a value.", KeyCommands::objectRefcount),
                CommandSpec.of("object|encoding", 3, "readonly", 2, 2, 1, "keyspace read slow", "generic", "2.2.3",
                        "Returns the internal encoding of a value.", KeyCommands::objectEncoding),
                CommandSpec.of("object|help", 2, "loading stale", 0, 0, 0, "keyspace slow", "generic", "6.2.0",
                        "Describes the OBJECT subcommands.", KeyCommands::objectHelp),
                CommandSpec.of("object|idletime", 3, "readonly", 2, 2, 1, "keyspace read slow", "generic", "2.2.3",
                        "Returns the seconds since a key was last accessed.", KeyCommands::objectIdletime));
        table.register(CommandSpec.withSubcommands("object", -2, "", 0, 0, 0, "slow", "generic", "2.2.3",
                "Inspects the internals of stored values.", object, Subcommands.handler("object", object)));
    }

    static void registerDatabases(CommandTable table) {
        table.register(CommandSpec.of("select", 2, "loading stale fast", 0, 0, 0, "fast connection", "connection", "1.0.0",
                "Selects the database of the connection.", DatabaseCommands::select));
        table.register(CommandSpec.of("dbsize", 1, "readonly fast", 0, 0, 0, "keyspace read fast", "server", "1.0.0",
                "Returns the number of keys in the selected database.", DatabaseCommands::dbsize));
        table.register(CommandSpec.of("flushdb", -1, "write", 0, 0, 0, "keyspace write slow dangerous", "server", "1.0.0",
                "Deletes every key of the selected database.", DatabaseCommands::flushdb));
        table.register(CommandSpec.of("flushall", -1, "write", 0, 0, 0, "keyspace write slow dangerous", "server", "1.0.0",
                "Deletes every key of every database.", DatabaseCommands::flushall));
        table.register(CommandSpec.of("swapdb", 3, "write fast", 0, 0, 0, "keyspace write fast dangerous", "server", "4.0.0",
                "Exchanges the contents of two databases.", DatabaseCommands::swapdb));
        table.register(CommandSpec.of("move", 3, "write fast", 1, 1, 1, "keyspace write fast", "generic", "1.0.0",
                "Moves a key to another database.", DatabaseCommands::move));
        table.register(CommandSpec.of("time", 1, "loading stale fast", 0, 0, 0, "fast", "server", "2.6.0",
                "Returns the server time.", DatabaseCommands::time));
    }
}
