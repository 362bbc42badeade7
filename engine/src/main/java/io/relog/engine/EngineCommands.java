package io.relog.engine;

import io.relog.engine.blocking.BlockingCommands;
import io.relog.engine.command.CommandSpec;
import io.relog.engine.command.CommandTable;
import io.relog.engine.command.Subcommands;
import io.relog.engine.hashes.HashCommands;
import io.relog.engine.keys.DatabaseCommands;
import io.relog.engine.keys.KeyCommands;
import io.relog.engine.keys.SortCommands;
import io.relog.engine.sets.SetCommands;
import io.relog.engine.lists.ListCommands;
import io.relog.engine.strings.StringCommands;
import io.relog.engine.transaction.TransactionCommands;
import io.relog.engine.zsets.ZSetCommands;
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
 * PXAT <ms>}, {@code SET k <value> KEEPTTL}, {@code PEXPIREAT}, {@code PERSIST}, {@code DEL},
 * {@code HSET k f <value>} (HINCRBYFLOAT), {@code SREM k m...} or {@code DEL k} (SPOP),
 * {@code LPOP}/{@code RPOP k n} (LMPOP), {@code ZPOPMIN}/{@code ZPOPMAX k n} (ZMPOP). This
 * is what Redis 7.0 itself writes to its replication stream, so Relog's stream and a real
 * master's are byte-identical for the same commands (apart from Redis wrapping a command and the
 * expiry DELs it triggered in MULTI/EXEC, which Relog's log batches make unnecessary, and SPOP
 * with a count, which Redis 7.0 writes as one SREM per member in MULTI/EXEC and Relog as one SREM
 * of all of them, as Redis 7.2 does).
 */
public final class EngineCommands {

    private EngineCommands() {
    }

    /** Registers every engine command in {@code table}; call once, at start. */
    public static void registerAll(CommandTable table) {
        registerStrings(table);
        registerKeys(table);
        registerDatabases(table);
        registerHashes(table);
        registerSets(table);
        registerLists(table);
        registerSortedSets(table);
        registerBlocking(table);
        registerTransactions(table);
        registerSort(table);
        registerPubSub(table);
    }

    static void registerBlocking(CommandTable table) {
        table.register(CommandSpec.of("blpop", -3, "write noscript blocking", 1, -2, 1, "write list slow blocking", "list", "2.0.0",
                "Removes and returns the first element in a list. Blocks until an element is available otherwise.", BlockingCommands::blpop));
        table.register(CommandSpec.of("brpop", -3, "write noscript blocking", 1, -2, 1, "write list slow blocking", "list", "2.0.0",
                "Removes and returns the last element in a list. Blocks until an element is available otherwise.", BlockingCommands::brpop));
        table.register(CommandSpec.of("blmove", 6, "write denyoom noscript blocking", 1, 2, 1, "write list slow blocking", "list", "6.2.0",
                "Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise.", BlockingCommands::blmove));
        table.register(CommandSpec.of("brpoplpush", 4, "write denyoom noscript blocking", 1, 2, 1, "write list slow blocking", "list", "2.2.0",
                "Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise.", BlockingCommands::brpoplpush));
        table.register(CommandSpec.of("blmpop", -5, "write blocking movablekeys", 0, 0, 0, "write list slow blocking", "list", "7.0.0",
                "Pops the first element from one of multiple lists. Blocks until an element is available otherwise.", BlockingCommands::blmpop));
        table.register(CommandSpec.of("bzpopmin", -3, "write noscript blocking fast", 1, -2, 1, "write sortedset fast blocking", "sorted-set", "5.0.0",
                "Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise.", BlockingCommands::bzpopmin));
        table.register(CommandSpec.of("bzpopmax", -3, "write noscript blocking fast", 1, -2, 1, "write sortedset fast blocking", "sorted-set", "5.0.0",
                "Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise.", BlockingCommands::bzpopmax));
        table.register(CommandSpec.of("bzmpop", -5, "write blocking movablekeys", 0, 0, 0, "write sortedset slow blocking", "sorted-set", "7.0.0",
                "Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise.", BlockingCommands::bzmpop));
    }

    static void registerSort(CommandTable table) {
        table.register(CommandSpec.of("sort", -2, "write denyoom movablekeys", 1, 1, 1,
                "write set sortedset list slow dangerous", "generic", "1.0.0",
                "Sorts a list, set or sorted set, optionally by and with external keys, and can store the result.",
                SortCommands::sort));
        table.register(CommandSpec.of("sort_ro", -2, "readonly movablekeys", 1, 1, 1,
                "read set sortedset list slow dangerous", "generic", "7.0.0",
                "Sorts a list, set or sorted set without storing the result.", SortCommands::sortRo));
    }

    static void registerTransactions(CommandTable table) {
        table.register(CommandSpec.of("multi", 1, "noscript loading stale fast allow_busy", 0, 0, 0,
                "fast transaction", "transactions", "1.2.0",
                "Starts a transaction: later commands are queued until EXEC.", TransactionCommands::multi));
        table.register(CommandSpec.of("exec", 1, "noscript loading stale skip_slowlog", 0, 0, 0,
                "slow transaction", "transactions", "1.2.0",
                "Runs the queued commands of a transaction as one unit.", TransactionCommands::exec));
        table.register(CommandSpec.of("discard", 1, "noscript loading stale fast allow_busy", 0, 0, 0,
                "fast transaction", "transactions", "2.0.0",
                "Drops the queued commands of a transaction.", TransactionCommands::discard));
        table.register(CommandSpec.of("watch", -2, "noscript loading stale fast allow_busy", 1, -1, 1,
                "fast transaction", "transactions", "2.2.0",
                "Makes the next EXEC fail if any of the keys changes before it.", TransactionCommands::watch));
        table.register(CommandSpec.of("unwatch", 1, "noscript loading stale fast allow_busy", 0, 0, 0,
                "fast transaction", "transactions", "2.2.0",
                "Forgets every watched key.", TransactionCommands::unwatch));
    }

    static void registerPubSub(CommandTable table) {
        for (CommandSpec s : io.relog.engine.pubsub.PubSubCommands.specs()) {
            table.register(s);
        }
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

    static void registerHashes(CommandTable table) {
        table.register(CommandSpec.of("hset", -4, "write denyoom fast", 1, 1, 1, "write hash fast", "hash", "2.0.0",
                "Sets fields of a hash.", HashCommands::hset));
        table.register(CommandSpec.of("hsetnx", 4, "write denyoom fast", 1, 1, 1, "write hash fast", "hash", "2.0.0",
                "Sets a hash field only when it does not exist.", HashCommands::hsetnx));
        table.register(CommandSpec.of("hget", 3, "readonly fast", 1, 1, 1, "read hash fast", "hash", "2.0.0",
                "Returns the value of a hash field.", HashCommands::hget));
        table.register(CommandSpec.of("hmget", -3, "readonly fast", 1, 1, 1, "read hash fast", "hash", "2.0.0",
                "Returns the values of hash fields.", HashCommands::hmget));
        table.register(CommandSpec.of("hmset", -4, "write denyoom fast", 1, 1, 1, "write hash fast", "hash", "2.0.0",
                "Sets fields of a hash (old form of HSET, replies OK).", HashCommands::hmset));
        table.register(CommandSpec.of("hdel", -3, "write fast", 1, 1, 1, "write hash fast", "hash", "2.0.0",
                "Deletes fields of a hash.", HashCommands::hdel));
        table.register(CommandSpec.of("hlen", 2, "readonly fast", 1, 1, 1, "read hash fast", "hash", "2.0.0",
                "Returns the number of fields of a hash.", HashCommands::hlen));
        table.register(CommandSpec.of("hstrlen", 3, "readonly fast", 1, 1, 1, "read hash fast", "hash", "3.2.0",
                "Returns the length of a hash field's value.", HashCommands::hstrlen));
        table.register(CommandSpec.of("hexists", 3, "readonly fast", 1, 1, 1, "read hash fast", "hash", "2.0.0",
                "Tells whether a hash field exists.", HashCommands::hexists));
        table.register(CommandSpec.of("hkeys", 2, "readonly", 1, 1, 1, "read hash slow", "hash", "2.0.0",
                "Returns every field name of a hash.", HashCommands::hkeys));
        table.register(CommandSpec.of("hvals", 2, "readonly", 1, 1, 1, "read hash slow", "hash", "2.0.0",
                "Returns every value of a hash.", HashCommands::hvals));
        table.register(CommandSpec.of("hgetall", 2, "readonly", 1, 1, 1, "read hash slow", "hash", "2.0.0",
                "Returns every field and value of a hash.", HashCommands::hgetall));
        table.register(CommandSpec.of("hincrby", 4, "write denyoom fast", 1, 1, 1, "write hash fast", "hash", "2.0.0",
                "Adds an integer to the integer in a hash field.", HashCommands::hincrby));
        table.register(CommandSpec.of("hincrbyfloat", 4, "write denyoom fast", 1, 1, 1, "write hash fast", "hash", "2.6.0",
                "Adds a floating point number to the number in a hash field.", HashCommands::hincrbyfloat));
        table.register(CommandSpec.of("hrandfield", -2, "readonly", 1, 1, 1, "read hash slow", "hash", "6.2.0",
                "Returns random fields of a hash.", HashCommands::hrandfield));
        table.register(CommandSpec.of("hscan", -3, "readonly", 1, 1, 1, "read hash slow", "hash", "2.8.0",
                "Iterates over the fields of a hash with a cursor.", HashCommands::hscan));
    }

    static void registerSets(CommandTable table) {
        table.register(CommandSpec.of("sadd", -3, "write denyoom fast", 1, 1, 1, "write set fast", "set", "1.0.0",
                "Adds members to a set.", SetCommands::sadd));
        table.register(CommandSpec.of("srem", -3, "write fast", 1, 1, 1, "write set fast", "set", "1.0.0",
                "Removes members from a set.", SetCommands::srem));
        table.register(CommandSpec.of("sismember", 3, "readonly fast", 1, 1, 1, "read set fast", "set", "1.0.0",
                "Tells whether a value is a member of a set.", SetCommands::sismember));
        table.register(CommandSpec.of("smismember", -3, "readonly fast", 1, 1, 1, "read set fast", "set", "6.2.0",
                "Tells for each value whether it is a member of a set.", SetCommands::smismember));
        table.register(CommandSpec.of("scard", 2, "readonly fast", 1, 1, 1, "read set fast", "set", "1.0.0",
                "Returns the number of members of a set.", SetCommands::scard));
        table.register(CommandSpec.of("smembers", 2, "readonly", 1, 1, 1, "read set slow", "set", "1.0.0",
                "Returns every member of a set.", SetCommands::smembers));
        table.register(CommandSpec.of("srandmember", -2, "readonly", 1, 1, 1, "read set slow", "set", "1.0.0",
                "Returns random members of a set.", SetCommands::srandmember));
        table.register(CommandSpec.of("spop", -2, "write fast", 1, 1, 1, "write set fast", "set", "1.0.0",
                "Removes and returns random members of a set.", SetCommands::spop));
        table.register(CommandSpec.of("smove", 4, "write fast", 1, 2, 1, "write set fast", "set", "1.0.0",
                "Moves a member from one set to another.", SetCommands::smove));
        table.register(CommandSpec.of("sinter", -2, "readonly", 1, -1, 1, "read set slow", "set", "1.0.0",
                "Returns the intersection of sets.", SetCommands::sinter));
        table.register(CommandSpec.of("sintercard", -3, "readonly movablekeys", 0, 0, 0, "read set slow", "set", "7.0.0",
                "Counts the members of the intersection of sets, up to a limit.", SetCommands::sintercard));
        table.register(CommandSpec.of("sinterstore", -3, "write denyoom", 1, -1, 1, "write set slow", "set", "1.0.0",
                "Stores the intersection of sets in a key.", SetCommands::sinterstore));
        table.register(CommandSpec.of("sunion", -2, "readonly", 1, -1, 1, "read set slow", "set", "1.0.0",
                "Returns the union of sets.", SetCommands::sunion));
        table.register(CommandSpec.of("sunionstore", -3, "write denyoom", 1, -1, 1, "write set slow", "set", "1.0.0",
                "Stores the union of sets in a key.", SetCommands::sunionstore));
        table.register(CommandSpec.of("sdiff", -2, "readonly", 1, -1, 1, "read set slow", "set", "1.0.0",
                "Returns the members of a set that no other given set has.", SetCommands::sdiff));
        table.register(CommandSpec.of("sdiffstore", -3, "write denyoom", 1, -1, 1, "write set slow", "set", "1.0.0",
                "Stores the difference of sets in a key.", SetCommands::sdiffstore));
        table.register(CommandSpec.of("sscan", -3, "readonly", 1, 1, 1, "read set slow", "set", "2.8.0",
                "Iterates over the members of a set with a cursor.", SetCommands::sscan));
    }

    static void registerLists(CommandTable table) {
        table.register(CommandSpec.of("lpush", -3, "write denyoom fast", 1, 1, 1, "write list fast", "list", "1.0.0",
                "Inserts elements at the head of a list, creating it if needed.", ListCommands::lpush));
        table.register(CommandSpec.of("rpush", -3, "write denyoom fast", 1, 1, 1, "write list fast", "list", "1.0.0",
                "Appends elements at the tail of a list, creating it if needed.", ListCommands::rpush));
        table.register(CommandSpec.of("lpushx", -3, "write denyoom fast", 1, 1, 1, "write list fast", "list", "2.2.0",
                "Inserts elements at the head of an existing list.", ListCommands::lpushx));
        table.register(CommandSpec.of("rpushx", -3, "write denyoom fast", 1, 1, 1, "write list fast", "list", "2.2.0",
                "Appends elements at the tail of an existing list.", ListCommands::rpushx));
        table.register(CommandSpec.of("lpop", -2, "write fast", 1, 1, 1, "write list fast", "list", "1.0.0",
                "Removes and returns elements from the head of a list.", ListCommands::lpop));
        table.register(CommandSpec.of("rpop", -2, "write fast", 1, 1, 1, "write list fast", "list", "1.0.0",
                "Removes and returns elements from the tail of a list.", ListCommands::rpop));
        table.register(CommandSpec.of("llen", 2, "readonly fast", 1, 1, 1, "read list fast", "list", "1.0.0",
                "Returns the length of a list.", ListCommands::llen));
        table.register(CommandSpec.of("lindex", 3, "readonly", 1, 1, 1, "read list slow", "list", "1.0.0",
                "Returns the element at an index of a list.", ListCommands::lindex));
        table.register(CommandSpec.of("lset", 4, "write denyoom", 1, 1, 1, "write list slow", "list", "1.0.0",
                "Replaces the element at an index of a list.", ListCommands::lset));
        table.register(CommandSpec.of("lrange", 4, "readonly", 1, 1, 1, "read list slow", "list", "1.0.0",
                "Returns a range of elements of a list.", ListCommands::lrange));
        table.register(CommandSpec.of("ltrim", 4, "write", 1, 1, 1, "write list slow", "list", "1.0.0",
                "Keeps only a range of elements of a list.", ListCommands::ltrim));
        table.register(CommandSpec.of("linsert", 5, "write denyoom", 1, 1, 1, "write list slow", "list", "2.2.0",
                "Inserts an element before or after the first occurrence of a pivot.", ListCommands::linsert));
        table.register(CommandSpec.of("lrem", 4, "write", 1, 1, 1, "write list slow", "list", "1.0.0",
                "Removes occurrences of an element from a list.", ListCommands::lrem));
        table.register(CommandSpec.of("lpos", -3, "readonly", 1, 1, 1, "read list slow", "list", "6.0.6",
                "Returns the positions of matching elements of a list.", ListCommands::lpos));
        table.register(CommandSpec.of("lmove", 5, "write denyoom", 1, 2, 1, "write list slow", "list", "6.2.0",
                "Pops an element from one end of a list and pushes it at an end of another.", ListCommands::lmove));
        table.register(CommandSpec.of("rpoplpush", 3, "write denyoom", 1, 2, 1, "write list slow", "list", "1.2.0",
                "Pops from the tail of a list and pushes at the head of another.", ListCommands::rpoplpush));
        table.register(CommandSpec.of("lmpop", -4, "write movablekeys", 0, 0, 0, "write list slow", "list", "7.0.0",
                "Pops elements from the first non-empty list among several keys.", ListCommands::lmpop));
    }

    static void registerSortedSets(CommandTable table) {
        table.register(CommandSpec.of("zadd", -4, "write denyoom fast", 1, 1, 1, "write sortedset fast", "sorted-set", "1.2.0",
                "Adds members with scores to a sorted set, or updates their scores.", ZSetCommands::zadd));
        table.register(CommandSpec.of("zincrby", 4, "write denyoom fast", 1, 1, 1, "write sortedset fast", "sorted-set", "1.2.0",
                "Adds to the score of a member of a sorted set.", ZSetCommands::zincrby));
        table.register(CommandSpec.of("zrem", -3, "write fast", 1, 1, 1, "write sortedset fast", "sorted-set", "1.2.0",
                "Removes members from a sorted set.", ZSetCommands::zrem));
        table.register(CommandSpec.of("zcard", 2, "readonly fast", 1, 1, 1, "read sortedset fast", "sorted-set", "1.2.0",
                "Returns the number of members of a sorted set.", ZSetCommands::zcard));
        table.register(CommandSpec.of("zscore", 3, "readonly fast", 1, 1, 1, "read sortedset fast", "sorted-set", "1.2.0",
                "Returns the score of a member of a sorted set.", ZSetCommands::zscore));
        table.register(CommandSpec.of("zmscore", -3, "readonly fast", 1, 1, 1, "read sortedset fast", "sorted-set", "6.2.0",
                "Returns the scores of several members of a sorted set.", ZSetCommands::zmscore));
        table.register(CommandSpec.of("zrank", 3, "readonly fast", 1, 1, 1, "read sortedset fast", "sorted-set", "2.0.0",
                "Returns the rank of a member, lowest score first.", ZSetCommands::zrank));
        table.register(CommandSpec.of("zrevrank", 3, "readonly fast", 1, 1, 1, "read sortedset fast", "sorted-set", "2.0.0",
                "Returns the rank of a member, highest score first.", ZSetCommands::zrevrank));
        table.register(CommandSpec.of("zcount", 4, "readonly fast", 1, 1, 1, "read sortedset fast", "sorted-set", "2.0.0",
                "Counts the members whose score is in an interval.", ZSetCommands::zcount));
        table.register(CommandSpec.of("zlexcount", 4, "readonly fast", 1, 1, 1, "read sortedset fast", "sorted-set", "2.8.9",
                "Counts the members in a lexicographic interval.", ZSetCommands::zlexcount));
        table.register(CommandSpec.of("zrange", -4, "readonly", 1, 1, 1, "read sortedset slow", "sorted-set", "1.2.0",
                "Returns members by rank, score or lexicographic interval, either direction.", ZSetCommands::zrange));
        table.register(CommandSpec.of("zrangestore", -5, "write denyoom", 1, 2, 1, "write sortedset slow", "sorted-set", "6.2.0",
                "Stores the members a ZRANGE selects as a new sorted set.", ZSetCommands::zrangestore));
        table.register(CommandSpec.of("zrevrange", -4, "readonly", 1, 1, 1, "read sortedset slow", "sorted-set", "1.2.0",
                "Returns members by rank, highest score first.", ZSetCommands::zrevrange));
        table.register(CommandSpec.of("zrangebyscore", -4, "readonly", 1, 1, 1, "read sortedset slow", "sorted-set", "1.0.5",
                "Returns members whose score is in an interval, lowest first.", ZSetCommands::zrangebyscore));
        table.register(CommandSpec.of("zrevrangebyscore", -4, "readonly", 1, 1, 1, "read sortedset slow", "sorted-set", "2.2.0",
                "Returns members whose score is in an interval, highest first.", ZSetCommands::zrevrangebyscore));
        table.register(CommandSpec.of("zrangebylex", -4, "readonly", 1, 1, 1, "read sortedset slow", "sorted-set", "2.8.9",
                "Returns members in a lexicographic interval.", ZSetCommands::zrangebylex));
        table.register(CommandSpec.of("zrevrangebylex", -4, "readonly", 1, 1, 1, "read sortedset slow", "sorted-set", "2.8.9",
                "Returns members in a lexicographic interval, in reverse order.", ZSetCommands::zrevrangebylex));
        table.register(CommandSpec.of("zremrangebyrank", 4, "write", 1, 1, 1, "write sortedset slow", "sorted-set", "2.0.0",
                "Removes the members in a rank interval.", ZSetCommands::zremrangebyrank));
        table.register(CommandSpec.of("zremrangebyscore", 4, "write", 1, 1, 1, "write sortedset slow", "sorted-set", "1.2.0",
                "Removes the members whose score is in an interval.", ZSetCommands::zremrangebyscore));
        table.register(CommandSpec.of("zremrangebylex", 4, "write", 1, 1, 1, "write sortedset slow", "sorted-set", "2.8.9",
                "Removes the members in a lexicographic interval.", ZSetCommands::zremrangebylex));
        table.register(CommandSpec.of("zpopmin", -2, "write fast", 1, 1, 1, "write sortedset fast", "sorted-set", "5.0.0",
                "Removes and returns the members with the lowest scores.", ZSetCommands::zpopmin));
        table.register(CommandSpec.of("zpopmax", -2, "write fast", 1, 1, 1, "write sortedset fast", "sorted-set", "5.0.0",
                "Removes and returns the members with the highest scores.", ZSetCommands::zpopmax));
        table.register(CommandSpec.of("zmpop", -4, "write movablekeys", 0, 0, 0, "write sortedset slow", "sorted-set", "7.0.0",
                "Pops members from the first non-empty sorted set among several keys.", ZSetCommands::zmpop));
        table.register(CommandSpec.of("zrandmember", -2, "readonly", 1, 1, 1, "read sortedset slow", "sorted-set", "6.2.0",
                "Returns members chosen at random.", ZSetCommands::zrandmember));
        table.register(CommandSpec.of("zunion", -3, "readonly movablekeys", 0, 0, 0, "read sortedset slow", "sorted-set", "6.2.0",
                "Returns the union of sorted sets.", ZSetCommands::zunion));
        table.register(CommandSpec.of("zinter", -3, "readonly movablekeys", 0, 0, 0, "read sortedset slow", "sorted-set", "6.2.0",
                "Returns the intersection of sorted sets.", ZSetCommands::zinter));
        table.register(CommandSpec.of("zdiff", -3, "readonly movablekeys", 0, 0, 0, "read sortedset slow", "sorted-set", "6.2.0",
                "Returns the members of the first sorted set absent from the others.", ZSetCommands::zdiff));
        table.register(CommandSpec.of("zunionstore", -4, "write denyoom movablekeys", 1, 1, 1, "write sortedset slow", "sorted-set", "2.0.0",
                "Stores the union of sorted sets.", ZSetCommands::zunionstore));
        table.register(CommandSpec.of("zinterstore", -4, "write denyoom movablekeys", 1, 1, 1, "write sortedset slow", "sorted-set", "2.0.0",
                "Stores the intersection of sorted sets.", ZSetCommands::zinterstore));
        table.register(CommandSpec.of("zdiffstore", -4, "write denyoom movablekeys", 1, 1, 1, "write sortedset slow", "sorted-set", "6.2.0",
                "Stores the difference of sorted sets.", ZSetCommands::zdiffstore));
        table.register(CommandSpec.of("zintercard", -3, "readonly movablekeys", 0, 0, 0, "read sortedset slow", "sorted-set", "7.0.0",
                "Counts the members of the intersection of sorted sets.", ZSetCommands::zintercard));
        table.register(CommandSpec.of("zscan", -3, "readonly", 1, 1, 1, "read sortedset slow", "sorted-set", "2.8.0",
                "Iterates over the members and scores of a sorted set with a cursor.", ZSetCommands::zscan));
    }
}
