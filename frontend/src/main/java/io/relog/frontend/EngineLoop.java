package io.relog.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.util.internal.PlatformDependent;
import io.relog.engine.Engine;
import io.relog.engine.command.CommandSpec;
import io.relog.engine.command.CommandFlag;
import io.relog.engine.command.Errors;
import io.relog.frontend.resp.ProtocolError;
import io.relog.frontend.resp.ReplyBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine thread: the one thread that executes commands.
 *
 * <p><b>Why one thread, fed in batches.</b> Log order must be execution order, so exactly one
 * thread mutates the engine (the single-writer principle); IO threads only frame requests. To keep
 * the hand-off off the per-command cost, an IO thread enqueues all commands one read of one
 * connection produced as a single {@link Batch} (a pipeline of 10,000 PINGs is one enqueue). The
 * queue is a lock-free multi-producer single-consumer queue; the engine thread parks when it is
 * empty and producers unpark it only when it is parked.
 *
 * <p><b>One iteration</b>: drain everything pending, executing each connection's commands in
 * order into that connection's {@link ReplyBuffer}; run the {@link IterationHook after-iteration
 * hooks} (where the command log writes the iteration's batch); only then hand each touched
 * connection's replies to its channel with one {@code writeAndFlush} — or, when the
 * {@link ReplyGate} says so ({@code appendfsync always} and the log not yet fsynced past what was
 * executed), park them until the sync thread reports the log durable ({@link #releaseDurable}),
 * keeping every client's replies in order. A reply is therefore never visible before the writes
 * that precede it are in the log, and under {@code always} on disk; the loop does not wait for
 * the fsync, it goes on executing the next requests. Every {@code 1000/hz} ms the server cron (active expiry with a budget of a
 * quarter of the period, like Redis' slow cycle; idle clients) runs before the hooks, so the
 * deletions it propagates are sealed with the same iteration.
 *
 * <p><b>Where it runs.</b> With {@code engine-thread dedicated} the loop has its own thread, as
 * above. With {@code engine-thread shared} (the default when {@code io-threads} is 1) it runs
 * as a task on one IO event loop: a connection's read hands its batch over by scheduling one
 * iteration task, which Netty runs after it has processed every ready socket, so the iteration
 * still covers all connections that were read together, and nothing crosses threads. On a
 * small machine this avoids two thread wake-ups per request at low pipelining depth (measured:
 * see README). Both modes keep the invariant that matters: one writer, in log order, and replies
 * released only after the iteration's hooks.
 *
 * <p><b>Why execution pauses per connection.</b> Back-pressure on reads (a connection whose
 * channel is not writable is not read, see {@link ConnectionHandler}) acts between reads, not
 * within one: one read of a pipeline of 200 {@code GET}s of a 1 MB value would otherwise be
 * executed whole into the reply buffer — 200 MB for one client that never reads. So before each
 * command of a connection the loop checks its output: while the channel is not writable, or the
 * bytes of this connection not yet taken by the socket (the reply buffer being filled, the
 * replies held for an fsync and the channel's outbound queue) are above the channel's high water
 * mark, the remaining commands stay in {@link ClientConnection#held}, in order, and the loop goes
 * on with the other connections. They run again, still in order and still on this thread, when
 * the connection drains: on {@code channelWritabilityChanged} (the socket took the replies down
 * to the low water mark), or when the loop itself hands the last of those bytes to the channel
 * and they fit. Every pause has such a wake-up: either the channel is unwritable, and Netty
 * reports when it is writable again, or the bytes are still in this loop, which re-checks when
 * it sends them. Drained connections resume in slices of {@link #DRAINED_SLICE_NANOS}, each
 * followed by the queued batches (shared mode: by a pass over the sockets, as the next slice is
 * a scheduled task), so hundreds of slow readers each taking one more large reply do not keep
 * other clients' requests waiting. The check is between commands, never inside one, so a single reply larger than
 * the mark (a {@code GET} of 100 MB, {@code EXEC} of a transaction) is produced whole, and a
 * transaction, a blocking command or a {@code WAIT} keeps its meaning: the pause only delays
 * when the next command of that client starts. A paused connection's held commands still count
 * as pending, so its reads stay paused too. Replica and change-feed links are not paused: their
 * replies are suppressed, their stream is paced by their own links.
 *
 * <p><b>Buffers</b>: a connection's reply buffer belongs to this thread until it is handed to
 * the channel (Netty releases it after the write, or on failure); a closed connection's buffer is
 * released here when the close is processed, so nothing leaks whatever the interleaving.
 */
public final class EngineLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(EngineLoop.class);

    /** Work that runs after every iteration's commands and before replies are released. Engine thread. */
    @FunctionalInterface
    public interface IterationHook {
        void afterIteration();
    }

    /**
     * Says whether the replies of the iteration just run must wait for the command log: under
     * {@code appendfsync always} they are released only once the log is fsynced past what the
     * engine has executed so far. Engine thread.
     */
    @FunctionalInterface
    public interface ReplyGate {
        /** The log offset the replies must wait for, or -1 to release them now. */
        long holdUntil();
    }

    /** Replies waiting for the log to be durable up to {@code offset}, in the order they were produced. */
    private static final class HeldReplies {
        final long offset;
        final ArrayList<ClientConnection> conns = new ArrayList<>();
        final ArrayList<ByteBuf> bufs = new ArrayList<>();
        final ArrayList<Boolean> close = new ArrayList<>();

        HeldReplies(long offset) {
            this.offset = offset;
        }
    }

    /** The commands one read of one connection produced, in order ({@code byte[][]} or {@link ProtocolError}). */
    record Batch(ClientConnection conn, List<Object> items) {
    }

    private final Engine engine;
    private final ServerState state;
    private final Queue<Object> queue = PlatformDependent.newMpscQueue();
    private final List<ClientConnection> touched = new ArrayList<>();
    private final List<IterationHook> hooks = new CopyOnWriteArrayList<>();
    private final List<Runnable> cronHooks = new CopyOnWriteArrayList<>();
    private volatile ReplyGate gate = () -> -1;
    private final java.util.ArrayDeque<HeldReplies> held = new java.util.ArrayDeque<>();
    private final Thread thread;
    /** The IO event loop the engine runs on in shared mode; {@code null} with a dedicated thread. */
    private final EventLoop sharedLoop;
    private final AtomicBoolean iterationScheduled = new AtomicBoolean();
    private volatile boolean running = true;
    private volatile boolean sleeping;
    private long nextCronNanos;
    /** Clients paused for their output that have drained, whose held commands run next (see {@link #outputDrained}). */
    private final java.util.ArrayDeque<ClientConnection> drained = new java.util.ArrayDeque<>();
    /** Shared mode: a {@link #drainedTick} is scheduled. Engine thread. */
    private boolean drainedScheduled;
    /** Clients unblocked (served, timed out, CLIENT UNBLOCK) whose held commands must run next. */
    private final java.util.ArrayDeque<ClientConnection> unblocked = new java.util.ArrayDeque<>();
    /** Unix ms of the timeout wake-up scheduled on the shared event loop, or MAX_VALUE if none. */
    private long scheduledWakeMs = Long.MAX_VALUE;

    /**
     * @param sharedLoop the IO event loop to run on ({@code engine-thread shared}), or
     *                   {@code null} for a dedicated engine thread
     */
    EngineLoop(Engine engine, ServerState state, EventLoop sharedLoop) {
        this.engine = engine;
        this.state = state;
        this.sharedLoop = sharedLoop;
        this.thread = sharedLoop == null ? new Thread(this, "relog-engine") : null;
        engine.blockedClients().setListener(s -> {
            if (s instanceof ClientConnection c) {
                markTouched(c);
                unblocked.add(c);
            }
        });
        engine.pubsub().delivery(this::deliveryTo);
    }

    /**
     * The reply buffer of {@code target} for a pub/sub push written now, marked to be flushed at the
     * end of this iteration; {@code null} once the connection is closed. Engine thread.
     */
    private io.relog.engine.command.Reply deliveryTo(io.relog.engine.Session target) {
        ClientConnection c = (ClientConnection) target;
        if (c.closed) {
            return null;
        }
        ReplyBuffer reply = c.reply();
        reply.protocol(c.protocol());
        if (!c.touched) {
            c.touched = true;
            touched.add(c);
        }
        return reply;
    }

    void start() {
        if (sharedLoop == null) {
            thread.start();
        } else {
            sharedLoop.execute(this::cronTick);
        }
    }

    /** Whether the engine shares an IO event loop instead of having its own thread. */
    boolean shared() {
        return sharedLoop != null;
    }

    /**
     * Adds a hook run on the engine thread after each iteration that executed anything, before
     * that iteration's replies are flushed. Any thread; takes effect from the next iteration.
     */
    public void addIterationHook(IterationHook hook) {
        hooks.add(hook);
    }

    /** Adds work run on the engine thread by every server cron tick ({@code hz} times a second). */
    public void addCronHook(Runnable hook) {
        cronHooks.add(hook);
    }

    /** Sets who decides whether replies wait for the log (see {@link ReplyGate}). Before start. */
    public void setReplyGate(ReplyGate gate) {
        this.gate = gate;
    }

    /**
     * Sends the held replies that waited for the log to be durable up to {@code durableOffset},
     * oldest first. Engine thread (run it through {@link #execute}).
     */
    public void releaseDurable(long durableOffset) {
        HeldReplies g;
        while ((g = held.peek()) != null && g.offset <= durableOffset) {
            held.poll();
            for (int i = 0; i < g.conns.size(); i++) {
                ClientConnection c = g.conns.get(i);
                ByteBuf out = g.bufs.get(i);
                c.heldReplies--;
                c.heldReplyBytes -= out == null ? 0 : out.readableBytes();
                send(c, out, g.close.get(i));
            }
        }
    }

    /** Number of reply groups waiting for the log (INFO). Engine thread. */
    int heldReplyGroups() {
        return held.size();
    }

    /** Whether the caller is the engine thread. */
    public boolean inEngineThread() {
        return sharedLoop != null ? sharedLoop.inEventLoop() : Thread.currentThread() == thread;
    }

    /** Hands a batch of one connection's commands to the engine. Any thread. */
    void submit(ClientConnection conn, List<Object> items) {
        conn.pendingCommands.addAndGet(items.size());
        enqueue(new Batch(conn, items));
    }

    /**
     * A task that owns something to give back (a network buffer): if the loop stops before running
     * it, {@link #drop()} is called instead, on the engine thread or after it let go.
     */
    public interface OwningTask extends Runnable {
        void drop();
    }

    /** Runs {@code task} on the engine thread, in order with the batches submitted before it. Any thread. */
    public void execute(Runnable task) {
        enqueue(task);
    }

    private void enqueue(Object o) {
        queue.offer(o);
        if (sharedLoop != null) {
            if (!iterationScheduled.getAndSet(true)) {
                sharedLoop.execute(this::sharedIteration);
            }
        } else if (sleeping) {
            LockSupport.unpark(thread);
        }
    }

    /** Stops after the current iteration and waits for the engine to let go. Any thread but the engine's. */
    void stop() throws InterruptedException {
        running = false;
        if (sharedLoop == null) {
            LockSupport.unpark(thread);
            if (Thread.currentThread() != thread) {
                thread.join(10_000);
            }
        } else if (!sharedLoop.inEventLoop() && !sharedLoop.isShuttingDown()) {
            sharedLoop.submit(this::releaseAll).await(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** One iteration in shared mode: a task on the IO event loop, scheduled by {@link #enqueue}. */
    private void sharedIteration() {
        iterationScheduled.set(false); // later enqueues schedule the next iteration
        if (!running) {
            return;
        }
        long start = System.nanoTime();
        boolean worked = drain();
        finishIteration(worked);
        countIteration(worked, start);
        scheduleTimeoutWake();
    }

    /** Iterations that did work, and the time they took (metrics). Engine thread. */
    private long iterations;
    private long busyNanos;

    private void countIteration(boolean worked, long startNanos) {
        if (worked) {
            iterations++;
            busyNanos += System.nanoTime() - startNanos;
        }
    }

    /** Engine loop iterations that did work since start. Engine thread. */
    long iterations() {
        return iterations;
    }

    /** Time those iterations took, in nanoseconds. Engine thread. */
    long busyNanos() {
        return busyNanos;
    }

    /**
     * Shared mode: makes sure the event loop wakes at the earliest blocked client's deadline, so
     * a sub-second timeout fires on time even when nothing else happens.
     */
    private void scheduleTimeoutWake() {
        long deadline = engine.blockedClients().nextDeadlineMs();
        if (deadline == Long.MAX_VALUE || deadline >= scheduledWakeMs) {
            return;
        }
        scheduledWakeMs = deadline;
        long delay = Math.max(0, deadline - engine.clock().millis());
        sharedLoop.schedule(this::timeoutTick, delay, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Shared mode: a scheduled wake-up at a blocked client's deadline. */
    private void timeoutTick() {
        scheduledWakeMs = Long.MAX_VALUE;
        if (!running) {
            return;
        }
        boolean worked = expireBlocked();
        finishIteration(worked);
        scheduleTimeoutWake();
    }

    /** Times out blocked clients whose deadline has passed and runs what they had pipelined. */
    private boolean expireBlocked() {
        if (engine.blockedClients().nextDeadlineMs() > engine.clock().millis()) {
            return false;
        }
        engine.blockedClients().expire(engine.clock().millis());
        resumeUnblocked();
        return true;
    }

    /** The cron in shared mode: runs every {@code 1000/hz} ms as a scheduled task on the event loop. */
    private void cronTick() {
        if (!running) {
            return;
        }
        cron();
        finishIteration(true);
        scheduleTimeoutWake();
        sharedLoop.schedule(this::cronTick, 1_000_000L / state.config().hz(), java.util.concurrent.TimeUnit.MICROSECONDS);
    }

    /** Runs the hooks after work that may have written, then releases the replies. */
    private void finishIteration(boolean worked) {
        if (worked) {
            for (IterationHook h : hooks) {
                h.afterIteration();
            }
        }
        if (!touched.isEmpty()) {
            flushTouched();
        }
    }

    /** Asks the loop to stop after the current iteration, without waiting (engine thread: SHUTDOWN). */
    void requestStop() {
        running = false;
    }

    @Override
    public void run() {
        nextCronNanos = System.nanoTime();
        try {
            while (running) {
                long start = System.nanoTime();
                boolean worked = drain();
                worked |= expireBlocked();
                long now = System.nanoTime();
                boolean cronRan = false;
                if (now - nextCronNanos >= 0) {
                    cron();
                    cronRan = true;
                    nextCronNanos = now + 1_000_000_000L / state.config().hz();
                }
                // Commands and the cron (active expiry propagates DELs) may have written.
                finishIteration(worked || cronRan);
                countIteration(worked || cronRan, start);
                if (!worked && running) {
                    sleeping = true;
                    if (queue.isEmpty() && drained.isEmpty()) {
                        long park = nextCronNanos - System.nanoTime();
                        long deadline = engine.blockedClients().nextDeadlineMs();
                        if (deadline != Long.MAX_VALUE) {
                            park = Math.min(park, (deadline - engine.clock().millis()) * 1_000_000L);
                        }
                        LockSupport.parkNanos(this, Math.max(0, park));
                    }
                    sleeping = false;
                }
            }
        } catch (Throwable t) {
            log.error("Engine thread failed", t);
        } finally {
            releaseAll();
        }
    }

    private boolean drain() {
        boolean worked = false;
        if (sharedLoop == null && !drained.isEmpty()) {
            worked = true;
            resumeDrained(System.nanoTime() + DRAINED_SLICE_NANOS); // the rest after the queued batches
        }
        Object o;
        while ((o = queue.poll()) != null) {
            worked = true;
            if (o instanceof Batch b) {
                runBatch(b);
                resumeUnblocked();
            } else {
                try {
                    ((Runnable) o).run();
                } catch (RuntimeException e) {
                    log.warn("Engine task failed", e);
                }
                if (engine.blockedClients().hasReady()) {
                    engine.blockedClients().serveReady();
                }
                resumeUnblocked();
            }
            if (!running) {
                break;
            }
        }
        return worked;
    }

    /**
     * Whether pipelined batches warm the caches first ({@link Engine#warm}); the
     * JVM property {@code -Drelog.engine.warm=false} turns it off, for measuring what it buys.
     */
    static final boolean WARM = !"false".equals(System.getProperty("relog.engine.warm"));

    private void runBatch(Batch b) {
        ClientConnection c = b.conn();
        if (c.held != null) {
            // Blocked (or about to resume): its commands wait behind the blocking one, in order.
            if (!c.closed) {
                c.held.addAll(b.items());
            }
            return;
        }
        runItems(c, b.items());
    }

    /**
     * Executes {@code items} of {@code c} in order. If a command blocks the client, or the client's
     * unsent replies are above the high water mark before a command starts, the rest is kept in
     * {@link ClientConnection#held} (still counted as pending, so reading stays paused when it
     * grows) until the client is unblocked or drained, like Redis' blocked client's query buffer.
     */
    private void runItems(ClientConnection c, List<Object> items) {
        int n = items.size();
        int consumed = n;
        boolean warm = WARM && n >= 2;
        try {
            for (int i = 0; i < n; i++) {
                Object item = items.get(i);
                if (warm && i % Engine.WARM_WINDOW == 0) {
                    // A pipeline: fetch the next commands' trie paths together, see Engine.warm.
                    engine.warm(c, items, i, i + Engine.WARM_WINDOW);
                }
                if (c.closed || c.closeAfterReply || !running) {
                    break;
                }
                if (outputFull(c)) {
                    c.outputPaused = true;
                    c.held = new java.util.ArrayDeque<>(items.subList(i, n));
                    consumed = i;
                    break;
                }
                if (item instanceof ProtocolError pe) {
                    c.reply().error(pe.message());
                    c.closeAfterReply();
                    break;
                }
                executeCommand(c, (byte[][]) item);
                if (engine.blockedClients().isBlocked(c) || c.waiting != null) {
                    c.held = new java.util.ArrayDeque<>(items.subList(i + 1, n));
                    consumed = i + 1;
                    break;
                }
            }
        } finally {
            int left = c.pendingCommands.addAndGet(-consumed);
            state.resumeReadingIfDrained(c, left);
        }
        markTouched(c);
    }

    private void markTouched(ClientConnection c) {
        if (!c.touched && !c.closed) {
            c.touched = true;
            touched.add(c);
        }
    }

    /**
     * Whether {@code c}'s replies not yet taken by its socket are above its channel's high water
     * mark, so that its next command must wait (see the class comment). Counts the reply buffer
     * of this iteration, the replies held for an fsync and the channel's outbound queue (which
     * includes writes handed over from this thread that its event loop has not run yet). A
     * replica's or change-feed reader's link is never paused. Engine thread.
     */
    private static boolean outputFull(ClientConnection c) {
        if (c.replicaLink != null || c.cdcLink != null) {
            return false;
        }
        io.netty.channel.Channel ch = c.channel();
        if (!ch.isWritable()) {
            return true;
        }
        io.netty.channel.ChannelOutboundBuffer queued = ch.unsafe().outboundBuffer();
        long unsent = c.reply().size() + c.heldReplyBytes + (queued == null ? 0 : queued.totalPendingWriteBytes());
        return unsent > ch.config().getWriteBufferHighWaterMark();
    }

    /**
     * Resumes {@code c} if it was paused for its output and that output now fits: called when its
     * channel reports it is writable again, and after this loop hands it replies. Its held
     * commands run with the other resumed clients, after the current task. Engine thread.
     */
    void outputDrained(ClientConnection c) {
        if (c.outputPaused && !c.closed && !outputFull(c)) {
            c.outputPaused = false;
            drained.add(c);
            scheduleDrainedTick();
        }
    }

    /**
     * Shared mode: runs {@link #drainedTick} as a scheduled task, not through execute(): Netty
     * runs it after its next pass over the sockets, so slow readers taking one more large reply
     * each do not chain task after task while other clients' requests wait unread.
     */
    private void scheduleDrainedTick() {
        if (sharedLoop != null && !drainedScheduled) {
            drainedScheduled = true;
            sharedLoop.schedule(this::drainedTick, 0, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    /** Shared mode: runs the held commands of the connections whose output drained. */
    private void drainedTick() {
        drainedScheduled = false;
        if (!running) {
            return;
        }
        long start = System.nanoTime();
        boolean worked = !drained.isEmpty();
        resumeDrained(start + DRAINED_SLICE_NANOS);
        finishIteration(worked);
        countIteration(worked, start);
        scheduleTimeoutWake();
        if (!drained.isEmpty()) {
            scheduleDrainedTick(); // the rest after the sockets had their turn
        }
    }

    /**
     * How long the loop resumes drained connections before it serves the others (shared mode:
     * lets the event loop read the sockets; dedicated: runs the queued batches): each resumed
     * connection may produce a large reply.
     */
    private static final long DRAINED_SLICE_NANOS = 10_000_000;

    /**
     * Runs the held commands of the connections whose output drained, each in order, until
     * {@code deadlineNanos} ({@link System#nanoTime}) has passed; the others stay queued. Engine thread.
     */
    private void resumeDrained(long deadlineNanos) {
        ClientConnection c;
        int n = drained.size(); // the ones drained while these run wait for the next round
        for (int i = 0; i < n && (c = drained.poll()) != null; i++) {
            if (i > 0 && System.nanoTime() - deadlineNanos > 0) {
                drained.addFirst(c);
                break;
            }
            if (c.closed || c.outputPaused || c.held == null) {
                continue;
            }
            List<Object> rest = new ArrayList<>(c.held);
            c.held = null;
            runItems(c, rest);
            resumeUnblocked(); // clients those commands unblocked
        }
    }

    /** Runs the held commands of the clients unblocked or drained since the last call. Engine thread. */
    private void resumeUnblocked() {
        ClientConnection c;
        while ((c = unblocked.poll()) != null) {
            if (c.held == null || c.outputPaused || engine.blockedClients().isBlocked(c) || c.waiting != null) {
                continue;
            }
            List<Object> rest = new ArrayList<>(c.held);
            c.held = null;
            if (c.closed) {
                continue;
            }
            runItems(c, rest);
        }
    }

    /**
     * Appends {@code resp} (complete RESP) to {@code c}'s replies, flushed at the end of this
     * iteration: a MONITOR line. Engine thread.
     */
    void pushRaw(ClientConnection c, byte[] resp) {
        if (!c.closed) {
            c.reply().raw(resp);
            markTouched(c);
        }
    }

    /** Forgets a closed connection's wait and held commands. Engine thread. */
    void connectionClosed(ClientConnection c) {
        if (c.monitor) {
            state.diagnostics.monitors.remove(c);
        }
        engine.blockedClients().remove(c);
        c.waiting = null;
        c.held = null;
        c.outputPaused = false;
    }

    /** A client that was waiting outside the engine (WAIT) is answered: flush it and run what it pipelined. Engine thread. */
    void resume(ClientConnection c) {
        markTouched(c);
        unblocked.add(c); // its pipelined commands run after the current command or cron, never inside it
    }

    /** Executes one command for {@code c}: authentication, CLIENT REPLY, then the engine. */
    void executeCommand(ClientConnection c, byte[][] argv) {
        c.lastInteractionMs = engine.clock().millis();
        ReplyBuffer reply = c.reply();
        reply.protocol(c.protocol());
        int mark = reply.size();
        long errorsBefore = reply.errorReplies();
        boolean wasOff = c.replyOff;
        boolean skip = c.skipNext;
        c.skipNext = false;
        long streamBefore = state.writer.streamEnd();
        // Only a client that still has to authenticate needs the command looked up here.
        CommandSpec gate = c.authRequired() ? engine.commands().lookup(argv[0]) : null;
        if (gate != null && !gate.is(CommandFlag.NO_AUTH) && gate.arityAccepts(argv.length)) {
            reply.error(Errors.NOAUTH);
            state.rejectedCalls++;
        } else {
            c.currentArgv = argv;
            try {
                engine.execute(c, argv, reply);
                CommandSpec spec = engine.lastCommand();
                if (spec != null) {
                    c.lastCommand = spec.name();
                }
            } catch (RuntimeException e) {
                CommandSpec spec = engine.lastCommand();
                // A bug in a command must not take the engine thread down with it.
                log.error("Command '{}' failed", spec != null ? spec.name() : "?", e);
                reply.truncate(mark);
                reply.error("ERR internal error executing '" + (spec != null ? spec.name() : "?") + "': "
                        + e.getClass().getSimpleName());
            }
            c.currentArgv = null;
            // Clients blocked on keys this command (or EXEC) changed are served now, in order.
            if (engine.blockedClients().hasReady()) {
                engine.blockedClients().serveReady();
            }
        }
        long streamAfter = state.writer.streamEnd();
        if (streamAfter != streamBefore) {
            c.writeOffset = streamAfter; // WAIT waits for replicas to have this
        }
        // Every error reply counts, also inside EXEC's array and when CLIENT REPLY drops it, as in Redis.
        state.errorReplies += reply.errorReplies() - errorsBefore;
        if (skip || (wasOff && c.replyOff) || c.replicaLink != null || c.cdcLink != null) {
            reply.truncate(mark); // a replica's or CDC reader's link carries only the stream
        }
    }

    private void flushTouched() {
        long hold = gate.holdUntil();
        HeldReplies group = null;
        for (ClientConnection c : touched) {
            c.touched = false;
            ByteBuf out = c.reply().take();
            if (c.closed) {
                if (out != null) {
                    out.release();
                }
                continue;
            }
            if (out == null && !c.closeAfterReply) {
                startLinkAfterReplies(c);
                continue;
            }
            if (hold >= 0 || c.heldReplies > 0) {
                // Behind the log's fsync, and a client's replies stay in order behind its held ones.
                if (group == null) {
                    HeldReplies last = held.peekLast();
                    if (last != null && (hold < 0 || last.offset == hold)) {
                        group = last;
                    } else {
                        group = new HeldReplies(hold);
                        held.add(group);
                    }
                }
                group.conns.add(c);
                group.bufs.add(out);
                group.close.add(c.closeAfterReply);
                c.heldReplies++;
                c.heldReplyBytes += out == null ? 0 : out.readableBytes();
                continue;
            }
            send(c, out, c.closeAfterReply);
        }
        touched.clear();
    }

    /** A PSYNC's link starts once the replies before it are on their way (they stay in order). */
    private static void startLinkAfterReplies(ClientConnection c) {
        Runnable start = c.afterReplies;
        if (start != null && c.heldReplies == 0) {
            c.afterReplies = null;
            start.run();
        }
    }

    private void send(ClientConnection c, ByteBuf out, boolean close) {
        if (c.closed) {
            if (out != null) {
                out.release();
            }
            return;
        }
        try {
            sendNow(c, out, close);
        } finally {
            startLinkAfterReplies(c);
        }
        if (c.outputPaused) {
            // Replies that were in this loop are now in the channel: if they fit, nothing else
            // would resume the connection (Netty reports only a change of writability).
            outputDrained(c);
        }
    }

    private void sendNow(ClientConnection c, ByteBuf out, boolean close) {
        if (out != null) {
            state.netOutputBytes += out.readableBytes();
            if (close) {
                c.channel().writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
            } else {
                c.channel().writeAndFlush(out, c.channel().voidPromise());
                state.enforceOutputBufferLimit(c, engine.clock().millis());
            }
        } else if (close) {
            c.channel().close();
        }
    }

    private void cron() {
        long period = 1_000_000_000L / state.config().hz();
        engine.activeExpireCycle(period / 4);
        state.closeIdleClients();
        state.enforceSoftOutputLimits();
        state.sampleRates();
        for (Runnable r : cronHooks) {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.warn("Cron task failed", e);
            }
        }
        resumeUnblocked(); // clients a cron task answered (WAIT timeouts) run what they pipelined
    }

    private void releaseAll() {
        Object o;
        while ((o = queue.poll()) != null) {
            if (o instanceof Batch b) {
                b.conn().pendingCommands.addAndGet(-b.items().size());
            } else if (o instanceof OwningTask t) {
                t.drop();
            }
        }
        for (ClientConnection c : touched) {
            c.touched = false;
        }
        touched.clear();
        HeldReplies g;
        while ((g = held.poll()) != null) {
            for (ByteBuf b : g.bufs) {
                if (b != null) {
                    b.release();
                }
            }
        }
        state.releaseAllClients();
    }
}
