package io.relog.engine;

import io.relog.engine.command.Args;
import io.relog.engine.command.CommandSpec;
import io.relog.engine.command.CommandTable;
import io.relog.engine.command.Reply;
import io.relog.engine.keyspace.ChampMap;
import io.relog.engine.keyspace.Database;
import io.relog.engine.propagation.KeyspaceObserver;
import io.relog.engine.propagation.ModifiedKeys;
import io.relog.engine.propagation.Propagation;
import io.relog.engine.propagation.Propagator;
import io.relog.engine.transaction.TransactionCommands;
import io.relog.engine.transaction.TransactionState;
import io.relog.engine.transaction.WatchedKeys;
import io.relog.engine.pubsub.KeyspaceEvents;
import io.relog.engine.pubsub.PubSub;
import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The engine: the databases, the command table, expiry and the propagated write stream.
 *
 * <p><b>One writer.</b> Every method runs on the engine thread (the single thread that executes
 * commands), unless documented otherwise. Log order is execution order: a write is propagated
 * through {@link #propagate} while it executes, so the stream handed to {@link Propagation} is the
 * order in which the keyspace changed.
 *
 * <p><b>Expiry</b> is exact: a key whose time has come is never returned. On a master it is
 * deleted when found (lazily, by {@link #lookupRead}/{@link #lookupWrite}, or by the
 * {@link #activeExpireCycle active cycle}) and the deletion is propagated as {@code DEL}; on a
 * replica it is only masked, until the master's {@code DEL} arrives, as Redis 7 does.
 */
public final class Engine {

    /** {@code DEL}, the propagated form of an expiry and of commands that delete a key. */
    public static final byte[] DEL = "DEL".getBytes(StandardCharsets.US_ASCII);

    /** Redis' default {@code proto-max-bulk-len}: 512 MB. */
    public static final long DEFAULT_PROTO_MAX_BULK_LEN = 512L * 1024 * 1024;

    private final Database[] dbs;
    private final CommandTable commands = new CommandTable();
    private final Clock clock;
    private final Propagator propagator;
    private final SplittableRandom random = new SplittableRandom();
    private final Map<CommandSpec, CommandStats> stats = new IdentityHashMap<>();
    private final io.relog.engine.blocking.BlockedClients blockedClients = new io.relog.engine.blocking.BlockedClients(this);
    private final PubSub pubsub = new PubSub();
    /** {@code notify-keyspace-events} classes; 0 when nothing would be published. */
    private int notifyFlags;

    private int zsetMaxListpackEntries = io.relog.engine.types.ZSetValue.MAX_LISTPACK_ENTRIES;
    private int zsetMaxListpackValue = io.relog.engine.types.ZSetValue.MAX_LISTPACK_VALUE;

    /** Time of the command being executed (Unix ms), fixed for the whole command like Redis' {@code server.mstime}. */
    private long commandTime;
    private boolean replica;
    private long protoMaxBulkLen = DEFAULT_PROTO_MAX_BULK_LEN;
    private String maxmemoryPolicy = "noeviction";
    private int hashMaxListpackEntries = io.relog.engine.types.HashValue.DEFAULT_MAX_LISTPACK_ENTRIES;
    private int hashMaxListpackValue = io.relog.engine.types.HashValue.DEFAULT_MAX_LISTPACK_VALUE;
    private int setMaxIntsetEntries = io.relog.engine.types.SetValue.DEFAULT_MAX_INTSET_ENTRIES;

    // Counters reported by INFO.
    private long dirty;
    private long expiredKeys;
    private long keyspaceHits;
    private long keyspaceMisses;
    private long totalCommands;
    private int activeExpireDb;

    /**
     * @param databases number of databases ({@code databases} directive, at least 1)
     * @param clock     wall clock for expiry and propagation of relative times
     * @param sink      receives the propagated write stream
     */
    public Engine(int databases, Clock clock, Propagation sink) {
        if (databases < 1) {
            throw new IllegalArgumentException("databases must be at least 1");
        }
        this.dbs = new Database[databases];
        this.unsettled = new int[databases];
        this.unsettledFlag = new boolean[databases];
        for (int i = 0; i < databases; i++) {
            dbs[i] = new Database(i);
            dbs[i].onUnsettled(db -> {
                if (!unsettledFlag[db.index()]) {
                    unsettledFlag[db.index()] = true;
                    unsettled[unsettledCount++] = db.index();
                }
            });
        }
        this.clock = clock;
        this.propagator = new Propagator(sink);
        this.commandTime = clock.millis();
        addObserver(blockedClients);
        this.watchedKeys = new WatchedKeys(this);
        addObserver(watchedKeys);
        // Inside MULTI a blocking pop does not block: it replies as its timeout would, as Redis does.
        blockedClients.setDenyBlocking(Session::inTransaction);
    }

    /** The clients blocked in BLPOP and the other blocking pops (see {@link io.relog.engine.blocking.BlockedClients}). */
    public io.relog.engine.blocking.BlockedClients blockedClients() {
        return blockedClients;
    }

    public CommandTable commands() {
        return commands;
    }

    public int databases() {
        return dbs.length;
    }

    public Database db(int index) {
        return dbs[index];
    }

    public Clock clock() {
        return clock;
    }

    /** The time of the current command in Unix ms (refreshed at the start of every command). */
    public long now() {
        return commandTime;
    }

    /** Refreshes the cached command time from the clock; the executor calls this per command. */
    public void refreshTime() {
        commandTime = clock.millis();
    }

    public SplittableRandom random() {
        return random;
    }

    public Propagator propagator() {
        return propagator;
    }

    /**
     * Publishes keyspace notification {@code event} for {@code key} of database {@code db}, if
     * {@code notify-keyspace-events} enables class {@code type} ({@link KeyspaceEvents}). Costs a
     * field test when notifications are off. Engine thread.
     */
    public void notifyKeyspaceEvent(int type, String event, byte[] key, int db) {
        if ((notifyFlags & type) != 0) {
            KeyspaceEvents.publish(pubsub, notifyFlags, event, key, db);
        }
    }

    /** Sets the enabled notification classes ({@code notify-keyspace-events}, see {@link KeyspaceEvents#parse}). */
    public void setNotifyKeyspaceEvents(int flags) {
        // Without K or E nothing is published: keep the fast path.
        this.notifyFlags = (flags & (KeyspaceEvents.KEYSPACE | KeyspaceEvents.KEYEVENT)) == 0 ? 0 : flags;
        // 'n': keys added anywhere (SET, LPUSH, RENAME, MOVE, ...) are told by the database itself.
        Database.KeyAdded added = (notifyFlags & KeyspaceEvents.NEW) == 0 ? null
                : (db, key) -> notifyKeyspaceEvent(KeyspaceEvents.NEW, "new", key, db);
        for (Database d : dbs) {
            d.onKeyAdded(added);
        }
    }

    /** The pub/sub registry (channels, patterns, delivery). */
    public PubSub pubsub() {
        return pubsub;
    }

    /** Whether this engine applies a master's stream (expired keys are masked, not deleted). */
    public boolean isReplica() {
        return replica;
    }

    public void setReplica(boolean replica) {
        this.replica = replica;
    }

    /**
     * The largest string a command may build, in bytes ({@code proto-max-bulk-len}): APPEND and
     * SETRANGE refuse to grow a string past it.
     */
    public long protoMaxBulkLen() {
        return protoMaxBulkLen;
    }

    /** Sets {@code proto-max-bulk-len} (CONFIG SET); engine thread. */
    public void setProtoMaxBulkLen(long bytes) {
        this.protoMaxBulkLen = bytes;
    }

    /** {@code zset-max-listpack-entries}: most members a listpack-encoded sorted set holds (128). */
    public int zsetMaxListpackEntries() {
        return zsetMaxListpackEntries;
    }

    /** {@code zset-max-listpack-value}: longest member, in bytes, a listpack-encoded sorted set holds (64). */
    public int zsetMaxListpackValue() {
        return zsetMaxListpackValue;
    }

    /**
     * Sets the listpack limits of sorted sets (CONFIG SET); engine thread. A stored set keeps its
     * encoding until a write crosses the new limits, as in Redis.
     */
    public void setZsetEncodingLimits(int maxListpackEntries, int maxListpackValue) {
        this.zsetMaxListpackEntries = maxListpackEntries;
        this.zsetMaxListpackValue = maxListpackValue;
    }

    /** The {@code maxmemory-policy} in Redis' spelling, e.g. {@code noeviction}, {@code allkeys-lfu}. */
    public String maxmemoryPolicy() {
        return maxmemoryPolicy;
    }

    /** Sets {@code maxmemory-policy} (CONFIG SET); engine thread. The name is not validated here. */
    public void setMaxmemoryPolicy(String policy) {
        this.maxmemoryPolicy = policy;
        eviction.setPolicy(io.relog.engine.eviction.Eviction.Policy.of(policy));
        for (Database db : dbs) {
            db.keepAccessOnOverwrite(lfuPolicy());
        }
    }

    // ------------------------------------------------------------------ maxmemory

    private final io.relog.engine.eviction.Eviction eviction = new io.relog.engine.eviction.Eviction(random);
    /** {@code maxmemory} in bytes of {@link #usedMemory()}; 0 for no limit. */
    private long maxmemory;
    private long evictedKeys;

    /** The OOM error (Redis 7.0's {@code shared.oomerr}). */
    public static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";

    /** The policy, sampling and LFU counters of {@code maxmemory}. */
    public io.relog.engine.eviction.Eviction eviction() {
        return eviction;
    }

    /** Sets {@code maxmemory} (bytes of {@link #usedMemory()}, 0 = no limit). Engine thread. */
    public void setMaxmemory(long bytes) {
        this.maxmemory = bytes;
    }

    public long maxmemory() {
        return maxmemory;
    }

    /** Keys evicted since start or CONFIG RESETSTAT ({@code evicted_keys}). */
    public long evictedKeys() {
        return evictedKeys;
    }

    /**
     * The estimated bytes of the data set (INFO {@code used_memory}, what {@code maxmemory}
     * limits): see {@link io.relog.engine.keyspace.MemoryEstimate}. O(databases).
     */
    /**
     * The databases whose collection changes are not counted yet (each once, in the order they
     * started to have some): {@link #settleMemory()} counts only those, not every database after
     * every command. Engine thread.
     */
    private final int[] unsettled;
    private final boolean[] unsettledFlag;
    private int unsettledCount;

    /** Counts the memory of the collections commands changed since the last call. Engine thread. */
    private void settleMemory() {
        for (int k = 0; k < unsettledCount; k++) {
            int i = unsettled[k];
            unsettledFlag[i] = false;
            dbs[i].settleMemory();
        }
        unsettledCount = 0;
    }

    public long usedMemory() {
        long b = 0;
        for (Database db : dbs) {
            db.settleMemory();
            b += db.usedMemory();
        }
        return b;
    }

    /** The access bits a key written now starts with: the LRU clock, or under LFU this minute and the initial counter. */
    public int newKeyAccess() {
        return eviction.policy().lfu() ? io.relog.engine.eviction.Eviction.lfuInitial(commandTime) : lruClock();
    }

    /**
     * Evicts keys under the policy until {@link #usedMemory()} is at most {@code maxmemory}
     * (Redis' {@code performEvictions}); each eviction is a write propagated as {@code DEL}, with
     * the {@code evicted} keyspace event. Returns false if the data set is still over the limit
     * because nothing (more) can be evicted. Always true without a limit and on a replica, which
     * leaves eviction to its master (Redis' {@code replica-ignore-maxmemory yes}). Engine thread.
     */
    public boolean performEvictions() {
        if (maxmemory == 0 || replica) {
            return true;
        }
        while (usedMemory() > maxmemory) {
            io.relog.engine.eviction.Eviction.Victim v = eviction.choose(dbs, lruClock(), commandTime);
            if (v == null) {
                return false;
            }
            Database db = dbs[v.db()];
            db.remove(v.key());
            evictedKeys++;
            notifyKeyspaceEvent(KeyspaceEvents.EVICTED, "evicted", v.key(), v.db());
            propagate(v.db(), new byte[][] {DEL, v.key()});
        }
        return true;
    }

    /** Whether Redis refuses {@code spec} when out of memory: a {@code denyoom} command, or an EXEC queueing one. */
    private static boolean deniedWhenOutOfMemory(Session session, CommandSpec spec) {
        if (spec.is(io.relog.engine.command.CommandFlag.DENYOOM)) {
            return true;
        }
        if (spec.name().equals("exec") && session.inTransaction()) {
            for (io.relog.engine.transaction.TransactionState.Queued q : session.transaction().queued()) {
                if (q.spec().is(io.relog.engine.command.CommandFlag.DENYOOM)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code hash-max-listpack-entries}: most fields a listpack-encoded hash holds (Redis 7.0 default 512). */
    public int hashMaxListpackEntries() {
        return hashMaxListpackEntries;
    }

    /** {@code hash-max-listpack-value}: longest field or value, in bytes, a listpack-encoded hash holds (64). */
    public int hashMaxListpackValue() {
        return hashMaxListpackValue;
    }

    /** {@code set-max-intset-entries}: most members an intset-encoded set holds (512). */
    public int setMaxIntsetEntries() {
        return setMaxIntsetEntries;
    }

    /**
     * Sets the small-encoding limits of hashes and sets (CONFIG SET); engine thread. Values
     * already stored keep their encoding until their next write, as in Redis.
     */
    public void setEncodingLimits(int hashMaxListpackEntries, int hashMaxListpackValue, int setMaxIntsetEntries) {
        this.hashMaxListpackEntries = hashMaxListpackEntries;
        this.hashMaxListpackValue = hashMaxListpackValue;
        this.setMaxIntsetEntries = setMaxIntsetEntries;
    }

    /** Whether the policy is one of the LFU ones, under which OBJECT FREQ is available. */
    public boolean lfuPolicy() {
        return eviction.policy().lfu();
    }

    // ------------------------------------------------------------------ execution

    /**
     * Executes one command: looks it up, checks arity, runs it, and counts it for INFO
     * commandstats. Replies go to {@code reply}; writes are propagated as they happen.
     *
     * <p>While {@code session} is inside MULTI, a command other than EXEC, DISCARD, MULTI, WATCH,
     * QUIT and RESET is validated and queued (reply {@code +QUEUED}) instead; an unknown command,
     * a wrong arity or a {@code no-multi} command is refused and dooms the transaction (EXEC
     * then replies EXECABORT), as in Redis' {@code processCommand}.
     */
    public void execute(Session session, byte[][] argv, Reply reply) {
        // The master's stream and the log's replay carry original names (internal sessions have
        // negative ids); clients call commands by their names after rename-command.
        boolean internal = session.isMaster() || session.id() < 0;
        CommandSpec spec = internal ? commands.lookupOriginal(argv[0]) : commands.lookup(argv[0]);
        if (spec != null && !internal && commands.hasRenames() && !CommandTable.name(argv[0]).equals(spec.name())) {
            argv[0] = spec.name().getBytes(StandardCharsets.UTF_8); // propagated and queued by its original name
        }
        lastCommand = spec;
        if (spec == null) {
            if (session.inTransaction()) {
                session.transaction().flagQueueError();
            }
            reply.error(unknownCommand(argv));
            return;
        }
        CommandStats st = stats(spec);
        if (!spec.arityAccepts(argv.length)) {
            st.rejected++;
            if (session.inTransaction()) {
                session.transaction().flagQueueError();
            }
            reply.error("ERR wrong number of arguments for '" + spec.name() + "' command");
            return;
        }
        String refused = accessCheck == null || internal ? null : accessCheck.denied(session, spec, argv, false);
        if (refused != null) {
            // As Redis' processCommand: after the arity check, before queueing; it dooms a MULTI.
            st.rejected++;
            if (session.inTransaction()) {
                session.transaction().flagQueueError();
            }
            reply.error(refused);
            return;
        }
        if (session.protocol() == 2 && pubsub.isSubscribed(session) && !PubSub.allowedWhileSubscribed(spec)) {
            st.rejected++;
            reply.error(PubSub.notAllowedWhileSubscribed(spec, argv));
            return;
        }
        if (maxmemory != 0 && !session.isMaster()) {
            // As Redis' processCommand: evict before every command; refuse denyoom ones if that failed.
            refreshTime();
            if (!performEvictions() && deniedWhenOutOfMemory(session, spec)) {
                st.rejected++;
                if (spec.name().equals("exec")) {
                    discardTransaction(session);
                    reply.error("EXECABORT Transaction discarded because of: " + OOM);
                    return;
                }
                if (session.inTransaction()) {
                    session.transaction().flagQueueError();
                }
                reply.error(OOM);
                return;
            }
        }
        String denial = session.isMaster() ? null
                : writeDenial != null && deniedByWriteDenial(session, spec, true) ? writeDenial
                : readOnlyDenial != null && deniedByWriteDenial(session, spec, false) ? readOnlyDenial : null;
        if (denial != null) {
            // As Redis' processCommand: refused before queueing, and it dooms a MULTI.
            st.rejected++;
            if (spec.name().equals("exec")) {
                discardTransaction(session);
                reply.error("EXECABORT Transaction discarded because of: " + denial);
                return;
            }
            if (session.inTransaction()) {
                session.transaction().flagQueueError();
            }
            reply.error(denial);
            return;
        }
        if (session.inTransaction() && session.transaction().queueing()
                && !TransactionCommands.runsInsideMulti(spec.name())) {
            queue(session.transaction(), spec, argv, reply);
            return;
        }
        run(session, spec, st, argv, reply);
    }

    private CommandSpec lastCommand;

    // ------------------------------------------------------------------ cache warming

    /** At most this many keys (and as many members) are warmed per call; the rest find their paths themselves. */
    private static final int WARM_MAX = 64;
    /** How many commands of a batch to warm at a time (see {@link #warm}). */
    public static final int WARM_WINDOW = 32;
    private final ChampMap[] warmMaps = new ChampMap[WARM_MAX];
    private final byte[][] warmKeys = new byte[WARM_MAX][];
    private final int[] warmHashes = new int[WARM_MAX];
    private final Object[] warmNodes = new Object[WARM_MAX];
    private final Object[] warmValues = new Object[WARM_MAX];
    /** Per warmed key: the command whose first key it is (and that command's spec), else null. */
    private final byte[][][] warmCommands = new byte[WARM_MAX][][];
    private final CommandSpec[] warmSpecs = new CommandSpec[WARM_MAX];

    /**
     * Brings into the CPU caches what a pipelined batch of a client's commands is about to use,
     * many lookups at once ({@link ChampMap#warm}): first every key's entry in the client's
     * selected database (keys found from the command table: first key, last key, step), then,
     * for commands that name members or fields of a hash, set or sorted set held in a hash
     * trie, those members' entries. On a large keyspace or collection each command otherwise
     * stalls on one cache miss after another down its key's path; interleaving the walks lets
     * the misses of many keys overlap. Purely a hint: it changes nothing, and the commands run
     * exactly as they would without it. Engine thread.
     *
     * <p>Callers warm a long batch a window at a time ({@link #WARM_WINDOW} commands, just before
     * they run), so that what is warmed is still in the cache when it is used.
     *
     * @param items the batch: {@code byte[][]} argument vectors (other items are skipped)
     * @param from  the first item to warm
     * @param to    one past the last item to warm
     */
    public void warm(Session session, java.util.List<?> items, int from, int to) {
        ChampMap keyspace = dbs[session.db()].keys();
        boolean internal = session.isMaster() || session.id() < 0;
        int n = 0;
        for (int j = from, end = Math.min(to, items.size()); j < end && n < WARM_MAX; j++) {
            if (!(items.get(j) instanceof byte[][] argv) || argv.length < 2) {
                continue;
            }
            CommandSpec spec = internal ? commands.lookupOriginal(argv[0]) : commands.lookup(argv[0]);
            if (spec == null || spec.firstKey() <= 0) {
                continue;
            }
            int last = spec.lastKey() < 0 ? argv.length + spec.lastKey() : Math.min(spec.lastKey(), argv.length - 1);
            int step = Math.max(1, spec.step());
            for (int k = spec.firstKey(); k <= last && n < WARM_MAX; k += step) {
                warmMaps[n] = keyspace;
                warmKeys[n] = argv[k];
                warmHashes[n] = ChampMap.hash(argv[k]);
                warmCommands[n] = k == 1 ? argv : null;
                warmSpecs[n] = k == 1 ? spec : null;
                n++;
            }
        }
        if (n >= 2) {
            ChampMap.warm(warmMaps, warmKeys, warmHashes, warmNodes, warmValues, n);
            warmMembers(n);
        }
        java.util.Arrays.fill(warmMaps, null);
        java.util.Arrays.fill(warmKeys, null);
        java.util.Arrays.fill(warmValues, null);
        java.util.Arrays.fill(warmCommands, null);
        java.util.Arrays.fill(warmSpecs, null);
    }

    /** The second step of {@link #warm}: members and fields, from the keys' values found by the first. */
    private void warmMembers(int keys) {
        // Reads the first step's values, commands and specs; rewrites only maps, keys and hashes.
        int m = 0;
        for (int i = 0; i < keys && m < WARM_MAX; i++) {
            byte[][] argv = warmCommands[i];
            if (argv == null || !(warmValues[i] instanceof io.relog.engine.types.CollectionValue c)
                    || c.memberIndex() == null) {
                continue;
            }
            int first = firstMember(warmSpecs[i].name(), argv);
            if (first < 0) {
                continue;
            }
            int step = memberStep(warmSpecs[i].name());
            ChampMap index = c.memberIndex();
            for (int k = first; k < argv.length && m < WARM_MAX; k += step) {
                warmMaps[m] = index;
                warmKeys[m] = argv[k];
                warmHashes[m] = ChampMap.hash(argv[k]);
                m++;
                if (step == 0) {
                    break;
                }
            }
        }
        if (m >= 2) {
            ChampMap.warm(warmMaps, warmKeys, warmHashes, warmNodes, warmValues, m);
        }
    }

    /** Where the members or fields a command names start in its arguments, or -1 if it names none. */
    private static int firstMember(String command, byte[][] argv) {
        switch (command) {
            case "sadd", "srem", "sismember", "smismember", "hset", "hmset", "hsetnx", "hget", "hmget", "hdel",
                    "hexists", "hstrlen", "hincrby", "hincrbyfloat", "zscore", "zmscore", "zrem", "zrank",
                    "zrevrank":
                return 2;
            case "zincrby":
                return 3;
            case "zadd": {
                int i = 2;
                while (i < argv.length && argv[i].length <= 4 && isZaddFlag(argv[i])) {
                    i++;
                }
                return i + 1;
            }
            default:
                return -1;
        }
    }

    /** The distance between the members a command names; 0 when it names one. */
    private static int memberStep(String command) {
        switch (command) {
            case "hset", "hmset", "zadd":
                return 2;
            case "hsetnx", "hget", "hexists", "hstrlen", "hincrby", "hincrbyfloat", "zincrby":
                return 0;
            default:
                return 1;
        }
    }

    private static boolean isZaddFlag(byte[] a) {
        return Args.is(a, "nx") || Args.is(a, "xx") || Args.is(a, "gt") || Args.is(a, "lt") || Args.is(a, "ch")
                || Args.is(a, "incr");
    }

    /**
     * Decides whether a client may run a command (ACL permissions). Engine thread.
     */
    @FunctionalInterface
    public interface AccessCheck {
        /**
         * The error line to refuse {@code argv} with ({@code "NOPERM ..."}), or {@code null} to
         * let it run. Called for clients' commands only (not the master's stream or the log's
         * replay), after the arity check, before a MULTI queues the command.
         *
         * @param spec   the top-level command (a container's subcommand is for the check to find)
         * @param atExec whether EXEC is about to run the queued command (rules may have changed
         *               since it was queued, and Redis words the error for that case)
         */
        String denied(Session session, CommandSpec spec, byte[][] argv, boolean atExec);
    }

    private AccessCheck accessCheck;

    /** Sets the permission check of clients' commands ({@code null}: everything allowed). Before start. */
    public void setAccessCheck(AccessCheck check) {
        this.accessCheck = check;
    }

    /** The error writes are refused with (MISCONF while the log cannot be written), or {@code null}. */
    private String writeDenial;

    /**
     * Refuses write commands with {@code error} (a full error line such as {@code "MISCONF Errors
     * writing to the AOF file: No space left on device"}), or accepts them again ({@code null}).
     * As in Redis, PING and an EXEC whose queue holds a write are refused too, reads go on, and a
     * refused command inside MULTI makes the EXEC fail. Engine thread.
     */
    public void setWriteDenial(String error) {
        this.writeDenial = error;
    }

    /** The error writes are refused with, or {@code null}. */
    public String writeDenial() {
        return writeDenial;
    }

    /**
     * Refuses normal clients' writes with {@code error} while this server is a read-only replica
     * ({@code "READONLY You can't write against a read only replica."}), or accepts them again
     * ({@code null}). Unlike {@link #setWriteDenial}, PING goes on; the master's session is never
     * refused. Engine thread.
     */
    public void setReadOnlyDenial(String error) {
        this.readOnlyDenial = error;
    }

    /** The error a read-only replica refuses writes with, or {@code null}. */
    public String readOnlyDenial() {
        return readOnlyDenial;
    }

    private String readOnlyDenial;

    private static boolean deniedByWriteDenial(Session session, CommandSpec spec, boolean pingToo) {
        if (spec.is(io.relog.engine.command.CommandFlag.WRITE) || pingToo && spec.name().equals("ping")) {
            return true;
        }
        if (spec.name().equals("exec") && session.inTransaction()) {
            for (io.relog.engine.transaction.TransactionState.Queued q : session.transaction().queued()) {
                if (q.spec().is(io.relog.engine.command.CommandFlag.WRITE)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The command the last {@link #execute} call looked up, or {@code null} if it was unknown. */
    public CommandSpec lastCommand() {
        return lastCommand;
    }

    /** Queues a command sent inside MULTI, or refuses it (and dooms the transaction) as Redis does. */
    private void queue(TransactionState tx, CommandSpec spec, byte[][] argv, Reply reply) {
        if (spec.is(io.relog.engine.command.CommandFlag.NO_MULTI)) {
            stats(spec).rejected++;
            tx.flagQueueError();
            reply.error(TransactionCommands.NOT_ALLOWED_IN_MULTI);
            return;
        }
        tx.queue(spec, argv);
        reply.simple("QUEUED");
    }

    /**
     * Runs a command whose arity is checked, without queueing: the normal path, and EXEC running
     * its queue. Counts it for INFO commandstats.
     */
    public void executeQueued(Session session, CommandSpec spec, byte[][] argv, Reply reply) {
        if (accessCheck != null && !session.isMaster() && session.id() >= 0) {
            String refused = accessCheck.denied(session, spec, argv, true);
            if (refused != null) {
                stats(spec).rejected++;
                reply.error(refused);
                return;
            }
        }
        run(session, spec, stats(spec), argv, reply);
    }

    private void run(Session session, CommandSpec spec, CommandStats st, byte[][] argv, Reply reply) {
        refreshTime();
        touching = !session.noTouch() || spec.name().equals("touch");
        long start = System.nanoTime();
        try {
            spec.handler().execute(this, session, argv, reply);
        } catch (Args.ArgException e) {
            // A handler rejects a bad argument by throwing; nothing was changed yet by contract.
            st.failed++;
            reply.error(e.getMessage());
        }
        long nanos = System.nanoTime() - start;
        settleMemory();
        st.calls++;
        st.nanos += nanos;
        if (latencyTracking) {
            st.recordLatency(nanos);
        }
        totalCommands++;
        CallListener l = callListener;
        if (l != null) {
            l.called(session, spec, argv, nanos);
        }
    }

    /**
     * Told of every command the engine ran ({@link #execute} and each command of an EXEC, after
     * it ran): SLOWLOG, LATENCY and MONITOR feed on it. Engine thread.
     */
    @FunctionalInterface
    public interface CallListener {
        /**
         * @param argv  the command as the client sent it (do not keep or change it)
         * @param nanos the time the command's handler took, in nanoseconds
         */
        void called(Session session, CommandSpec spec, byte[][] argv, long nanos);
    }

    private CallListener callListener;
    private boolean latencyTracking = true;

    /** Sets who is told of every command run ({@code null}: nobody). Engine thread. */
    public void setCallListener(CallListener listener) {
        this.callListener = listener;
    }

    /**
     * Whether each command's duration is recorded into its latency histogram
     * ({@code latency-tracking}, INFO latencystats and the metrics endpoint). Engine thread.
     */
    public void setLatencyTracking(boolean on) {
        this.latencyTracking = on;
    }

    public boolean latencyTracking() {
        return latencyTracking;
    }

    /** Redis 7.0's text for an unknown command: name and up to the first args, each quoted. */
    public static String unknownCommand(byte[][] argv) {
        StringBuilder sb = new StringBuilder("ERR unknown command '")
                .append(truncate(argv[0], 128)).append("', with args beginning with: ");
        for (int i = 1; i < argv.length && sb.length() < 128; i++) {
            sb.append('\'').append(truncate(argv[i], 128 - sb.length())).append("' ");
        }
        return sb.toString();
    }

    private static String truncate(byte[] b, int max) {
        String s = new String(b, StandardCharsets.UTF_8);
        return s.length() > Math.max(0, max) ? s.substring(0, Math.max(0, max)) : s;
    }

    /**
     * Per-command counters for INFO commandstats and latencystats and for the metrics endpoint:
     * the one place a command's cost is recorded. Written on the engine thread only; other
     * threads read a {@link #copy} taken on the engine thread.
     *
     * <p>The latency histogram is Redis 7.0's: HdrHistogram, nanoseconds from 1 to 1 s (longer
     * commands count as 1 s), two significant digits. Recording is an index computation and an
     * increment, with no allocation (~24 KB per command that was ever called).
     */
    public static final class CommandStats {
        /** Durations above this are recorded as this, as Redis' {@code LATENCY_HISTOGRAM_HIGHEST_VALUE}. */
        public static final long HIGHEST_TRACKED_NANOS = 1_000_000_000L;

        public long calls;
        public long nanos;
        public long rejected;
        public long failed;
        public final org.HdrHistogram.Histogram latency;

        public CommandStats() {
            this(new org.HdrHistogram.Histogram(1, HIGHEST_TRACKED_NANOS, 2));
        }

        private CommandStats(org.HdrHistogram.Histogram latency) {
            this.latency = latency;
        }

        /** Records one call's duration into {@link #latency} (clamped to 1 ns .. 1 s). Engine thread. */
        public void recordLatency(long nanos) {
            latency.recordValue(nanos < 1 ? 1 : Math.min(nanos, HIGHEST_TRACKED_NANOS));
        }

        /** A copy another thread may read; engine thread. */
        public CommandStats copy() {
            CommandStats c = new CommandStats(latency.copy());
            c.calls = calls;
            c.nanos = nanos;
            c.rejected = rejected;
            c.failed = failed;
            return c;
        }
    }

    public CommandStats stats(CommandSpec spec) {
        return stats.computeIfAbsent(spec, s -> new CommandStats());
    }

    public Map<CommandSpec, CommandStats> allStats() {
        return stats;
    }

    public void resetStats() {
        stats.clear();
        expiredKeys = 0;
        keyspaceHits = 0;
        keyspaceMisses = 0;
        totalCommands = 0;
        evictedKeys = 0;
    }

    // ------------------------------------------------------------------ keyspace access

    /** Redis' 24-bit LRU clock (seconds). */
    public int lruClock() {
        return (int) ((commandTime / 1000) & 0xffffff);
    }

    /**
     * The value of {@code key} for a read, or {@code null} if absent or expired. Counts a hit or a
     * miss and updates the key's access time.
     */
    public Object lookupRead(Database db, byte[] key) {
        if (expireIfNeeded(db, key)) {
            keyspaceMisses++;
            notifyKeyspaceEvent(KeyspaceEvents.KEY_MISS, "keymiss", key, db.index());
            return null;
        }
        Object v = touching ? touch(db, key) : db.peek(key);
        if (v == null) {
            keyspaceMisses++;
            notifyKeyspaceEvent(KeyspaceEvents.KEY_MISS, "keymiss", key, db.index());
        } else {
            keyspaceHits++;
        }
        return v;
    }

    /** The value of {@code key} for a write (expired keys are removed first), or {@code null}. */
    public Object lookupWrite(Database db, byte[] key) {
        expireIfNeeded(db, key);
        return touching ? touch(db, key) : db.peek(key);
    }

    /** The value of {@code key}, recording an access: the LRU clock, or under LFU a counter increment. */
    private Object touch(Database db, byte[] key) {
        if (eviction.policy().lfu()) {
            int access = db.accessMeta(key) & Database.ACCESS_BITS;
            return db.getAndTouch(key, eviction.lfuTouch(access, commandTime));
        }
        return db.getAndTouch(key, lruClock());
    }

    /** Whether the command being executed updates access times (false for a CLIENT NO-TOUCH client but for TOUCH). */
    private boolean touching = true;

    /**
     * Like {@link #lookupRead} without updating the key's access time (Redis' {@code LOOKUP_NOTOUCH}):
     * for commands that inspect a key rather than use it — EXISTS, TYPE, TTL, OBJECT. Counts a
     * hit or a miss; deletes (master) or masks (replica) an expired key.
     */
    public Object lookupNoTouch(Database db, byte[] key) {
        return lookupNoTouch(db, key, true);
    }

    /**
     * Like {@link #lookupNoTouch(Database, byte[])} without the {@code keymiss} notification
     * (Redis' {@code LOOKUP_NONOTIFY}): for OBJECT.
     */
    public Object lookupNoTouchNoNotify(Database db, byte[] key) {
        return lookupNoTouch(db, key, false);
    }

    private Object lookupNoTouch(Database db, byte[] key, boolean notifyMiss) {
        if (expireIfNeeded(db, key)) {
            keyspaceMisses++;
            if (notifyMiss) {
                notifyKeyspaceEvent(KeyspaceEvents.KEY_MISS, "keymiss", key, db.index());
            }
            return null;
        }
        Object v = db.peek(key);
        if (v == null) {
            keyspaceMisses++;
            if (notifyMiss) {
                notifyKeyspaceEvent(KeyspaceEvents.KEY_MISS, "keymiss", key, db.index());
            }
        } else {
            keyspaceHits++;
        }
        return v;
    }

    /** Like {@link #lookupRead} without touching statistics or access time (OBJECT, TYPE of internals). */
    public Object lookupQuiet(Database db, byte[] key) {
        if (isExpired(db, key)) {
            if (!replica) {
                expireIfNeeded(db, key);
            }
            return null;
        }
        return db.peek(key);
    }

    /** Whether {@code key} has a time to live that has passed. */
    public boolean isExpired(Database db, byte[] key) {
        long when = db.expireAt(key);
        return when >= 0 && when <= commandTime;
    }

    /**
     * If {@code key} is expired: on a master deletes it and propagates {@code DEL}; on a replica
     * leaves it (the master will send the DEL). Returns whether the key is logically gone.
     */
    public boolean expireIfNeeded(Database db, byte[] key) {
        if (!isExpired(db, key)) {
            return false;
        }
        if (replica) {
            return true;
        }
        deleteExpired(db, key);
        return true;
    }

    private void deleteExpired(Database db, byte[] key) {
        db.remove(key);
        expiredKeys++;
        dirty++;
        notifyKeyspaceEvent(KeyspaceEvents.EXPIRED, "expired", key, db.index());
        propagate(db.index(), new byte[][] {DEL, key});
    }

    /**
     * One run of the active expiry cycle, like Redis' {@code activeExpireCycle}: samples keys with
     * a time to live in each database (continuing where the last run stopped) and deletes the
     * expired ones, repeating on a database while more than a quarter of a sample was expired,
     * until {@code budgetNanos} is spent. Does nothing on a replica. Returns the keys deleted.
     */
    public int activeExpireCycle(long budgetNanos) {
        if (replica) {
            return 0;
        }
        refreshTime();
        // Elapsed-time comparison: a deadline of start + budget would overflow for large budgets.
        long start = System.nanoTime();
        int deleted = 0;
        for (int n = 0; n < dbs.length; n++) {
            Database db = dbs[activeExpireDb];
            activeExpireDb = (activeExpireDb + 1) % dbs.length;
            int found;
            do {
                if (db.volatileSize() == 0) {
                    break;
                }
                found = expireSample(db, 20);
                deleted += found;
            } while (found > 5 && System.nanoTime() - start < budgetNanos);
            if (System.nanoTime() - start >= budgetNanos) {
                break;
            }
        }
        return deleted;
    }

    private final long[] expireCursors = new long[64];

    private int expireSample(Database db, int count) {
        int i = db.index() % expireCursors.length;
        java.util.ArrayList<byte[]> due = new java.util.ArrayList<>();
        long now = commandTime;
        expireCursors[i] = db.expires().scan(expireCursors[i], count, (k, v) -> {
            if ((Long) v <= now) {
                due.add(k);
            }
        });
        for (byte[] k : due) {
            deleteExpired(db, k);
        }
        return due.size();
    }

    /**
     * Freezes every database at once, in O(number of databases): the returned views never change
     * while writes continue (the basis of snapshots). All edit tokens are replaced together; see
     * {@link Database#freeze()} for why a single-database freeze is not enough.
     */
    public Database[] freeze() {
        Database[] views = new Database[dbs.length];
        for (int i = 0; i < dbs.length; i++) {
            views[i] = dbs[i].freeze();
        }
        return views;
    }

    /**
     * Estimated bytes that the views returned by the last {@link #freeze()} keep alive beyond the
     * live data set: nodes and arrays writes had to copy since, and values they dropped from nodes
     * still shared with the views (see {@link io.relog.engine.keyspace.EditToken}). Relog's
     * counterpart of the copy-on-write memory of a forked Redis child. Engine thread.
     */
    public long retainedBytesSinceFreeze() {
        long b = 0;
        for (Database db : dbs) {
            b += db.retainedBytesSinceFreeze();
        }
        return b;
    }

    // ------------------------------------------------------------------ propagation and counters

    /**
     * Propagates a write executed in database {@code db} in its deterministic form, and counts
     * it as a change (Redis' {@code server.dirty}).
     */
    public void propagate(int db, byte[][] argv) {
        propagator.write(db, argv);
        for (KeyspaceObserver o : observers) {
            ModifiedKeys.report(db, argv, dbs.length, o);
        }
    }

    private final WatchedKeys watchedKeys;

    /** Every client's WATCHed keys. Engine thread. */
    public WatchedKeys watchedKeys() {
        return watchedKeys;
    }

    /**
     * Leaves MULTI (dropping the queue) and unwatches every key: DISCARD, the end of EXEC, RESET,
     * and a client's disconnection. Engine thread.
     */
    public void discardTransaction(Session session) {
        TransactionState tx = session.transaction();
        watchedKeys.unwatchAll(tx);
        tx.reset();
    }

    private KeyspaceObserver[] observers = new KeyspaceObserver[0];

    /** Adds an observer of changed keys (WATCH, blocking pops). Engine thread, or before it starts. */
    public void addObserver(KeyspaceObserver observer) {
        observers = java.util.Arrays.copyOf(observers, observers.length + 1);
        observers[observers.length - 1] = observer;
    }

    /**
     * Deletes {@code key} if the collection stored there has become empty, with its {@code del}
     * keyspace event, as Redis does after a write that removed the last element (a stored
     * collection is never empty). Returns whether it deleted. The caller propagates its command.
     */
    public boolean deleteIfEmpty(Database db, byte[] key, io.relog.engine.types.CollectionValue value) {
        if (value.size() != 0) {
            return false;
        }
        db.remove(key);
        notifyKeyspaceEvent(io.relog.engine.pubsub.KeyspaceEvents.GENERIC, "del", key, db.index());
        return true;
    }

    /** Adds to the changes-since-last-save counter ({@code rdb_changes_since_last_save}). */
    public void addDirty(long n) {
        dirty += n;
    }

    /** Forgets the changes counted so far: after loading a data set, or once a snapshot holds them. */
    public void resetDirty() {
        dirty = 0;
    }

    public long dirty() {
        return dirty;
    }

    public long expiredKeys() {
        return expiredKeys;
    }

    public long keyspaceHits() {
        return keyspaceHits;
    }

    public long keyspaceMisses() {
        return keyspaceMisses;
    }

    public long totalCommands() {
        return totalCommands;
    }
}
