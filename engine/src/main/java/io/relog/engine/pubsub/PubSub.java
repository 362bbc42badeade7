package io.relog.engine.pubsub;

import io.relog.engine.Session;
import io.relog.engine.command.CommandSpec;
import io.relog.engine.command.Reply;
import io.relog.engine.command.Subcommands;
import io.relog.engine.pattern.Glob;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pub/sub registry: which sessions listen on which channels and patterns, and delivery of
 * published messages to them. Engine thread only.
 *
 * <p><b>Why it lives in the engine.</b> PUBLISH is a command like any other: it executes in log
 * order, is propagated (Redis puts it in the replication stream, so a replica's subscribers see
 * the master's messages), and keyspace notifications are published from inside the commands that
 * change keys. Delivering means writing a push into another client's reply, which only the
 * frontend can reach: it plugs a {@link Delivery} in, and a message reaches a subscriber in the
 * same loop iteration as the command that published it.
 *
 * <p>Channels and patterns are kept in subscription order (Redis' dict order is arbitrary; ours
 * is stable, which makes an argument-less UNSUBSCRIBE reply in the order subscribed).
 */
public final class PubSub {

    /** Gives access to another session's reply stream. Implemented by the frontend. */
    @FunctionalInterface
    public interface Delivery {
        /**
         * The reply sink of {@code target}, ready for one push written now (protocol set), and
         * marked to be flushed at the end of the current iteration; {@code null} when the
         * session can no longer receive (closed).
         */
        Reply open(Session target);
    }

    private static final byte[] MESSAGE = ascii("message");
    private static final byte[] PMESSAGE = ascii("pmessage");

    private final Map<ByteBuffer, Set<Session>> channels = new LinkedHashMap<>();
    private final Map<ByteBuffer, Set<Session>> patterns = new LinkedHashMap<>();
    private final Map<Session, Subscriptions> bySession = new IdentityHashMap<>();
    private Delivery delivery = s -> null;

    /** One session's channels and patterns, in subscription order. */
    private static final class Subscriptions {
        final Set<ByteBuffer> channels = new LinkedHashSet<>();
        final Set<ByteBuffer> patterns = new LinkedHashSet<>();

        int count() {
            return channels.size() + patterns.size();
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static ByteBuffer key(byte[] b) {
        return ByteBuffer.wrap(b);
    }

    private static byte[] bytes(ByteBuffer b) {
        return b.array();
    }

    /** Sets how messages reach other sessions; before the engine starts or on its thread. */
    public void delivery(Delivery delivery) {
        this.delivery = delivery;
    }

    /** Whether {@code s} has at least one channel or pattern subscription (Redis' pub/sub context). */
    /** The channels {@code s} is subscribed to (ACL re-checks them when its user changes). */
    public java.util.List<byte[]> channelsOf(Session s) {
        Subscriptions sub = bySession.get(s);
        java.util.List<byte[]> l = new java.util.ArrayList<>();
        if (sub != null) {
            for (ByteBuffer b : sub.channels) {
                l.add(bytesOf(b));
            }
        }
        return l;
    }

    /** The patterns {@code s} is subscribed to. */
    public java.util.List<byte[]> patternsOf(Session s) {
        Subscriptions sub = bySession.get(s);
        java.util.List<byte[]> l = new java.util.ArrayList<>();
        if (sub != null) {
            for (ByteBuffer b : sub.patterns) {
                l.add(bytesOf(b));
            }
        }
        return l;
    }

    private static byte[] bytesOf(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    public boolean isSubscribed(Session s) {
        return !bySession.isEmpty() && bySession.containsKey(s);
    }

    /** Channels {@code s} is subscribed to. */
    public int channelCount(Session s) {
        Subscriptions subs = bySession.get(s);
        return subs == null ? 0 : subs.channels.size();
    }

    /** Patterns {@code s} is subscribed to. */
    public int patternCount(Session s) {
        Subscriptions subs = bySession.get(s);
        return subs == null ? 0 : subs.patterns.size();
    }

    private int count(Session s) {
        Subscriptions subs = bySession.get(s);
        return subs == null ? 0 : subs.count();
    }

    /** Channels with at least one subscriber ({@code pubsub_channels}). */
    public int channels() {
        return channels.size();
    }

    /** Patterns with at least one subscriber ({@code pubsub_patterns}, PUBSUB NUMPAT). */
    public int patterns() {
        return patterns.size();
    }

    /** Subscribers of {@code channel}, excluding pattern subscriptions (PUBSUB NUMSUB). */
    public int subscribers(byte[] channel) {
        Set<Session> set = channels.get(key(channel));
        return set == null ? 0 : set.size();
    }

    /** Active channels matching {@code pattern} ({@code null}: all), in subscription order. */
    public List<byte[]> activeChannels(byte[] pattern) {
        List<byte[]> out = new ArrayList<>();
        for (ByteBuffer ch : channels.keySet()) {
            if (pattern == null || Glob.matches(pattern, bytes(ch), false)) {
                out.add(bytes(ch));
            }
        }
        return out;
    }

    /**
     * Whether a RESP2 client in the pub/sub context may run {@code spec}: only (P|S)SUBSCRIBE,
     * (P|S)UNSUBSCRIBE, PING, QUIT and RESET, as in Redis 7.0. RESP3 clients may run anything.
     */
    public static boolean allowedWhileSubscribed(CommandSpec spec) {
        return switch (spec.name()) {
            case "subscribe", "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe", "sunsubscribe",
                    "ping", "quit", "reset" -> true;
            default -> false;
        };
    }

    /** Redis 7.0's error for a command a subscribed RESP2 client may not run; names a subcommand fully. */
    public static String notAllowedWhileSubscribed(CommandSpec spec, byte[][] argv) {
        String name = spec.name();
        if (!spec.subcommands().isEmpty() && argv.length > 1) {
            CommandSpec sub = Subcommands.lookup(spec, argv[1]);
            if (sub != null) {
                name = sub.name();
            }
        }
        return "ERR Can't execute '" + name + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET "
                + "are allowed in this context";
    }

    // ------------------------------------------------------------------ subscribing

    /** SUBSCRIBE one channel, replying {@code [subscribe, channel, count]} as a push. */
    public void subscribe(Session s, byte[] channel, Reply reply) {
        Subscriptions subs = bySession.computeIfAbsent(s, k -> new Subscriptions());
        ByteBuffer k = key(channel);
        if (subs.channels.add(k)) {
            channels.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(s);
        }
        confirm(reply, "subscribe", channel, subs.count());
    }

    /** PSUBSCRIBE one pattern, replying {@code [psubscribe, pattern, count]}. */
    public void psubscribe(Session s, byte[] pattern, Reply reply) {
        Subscriptions subs = bySession.computeIfAbsent(s, k -> new Subscriptions());
        ByteBuffer k = key(pattern);
        if (subs.patterns.add(k)) {
            patterns.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(s);
        }
        confirm(reply, "psubscribe", pattern, subs.count());
    }

    /** UNSUBSCRIBE one channel (subscribed or not), replying {@code [unsubscribe, channel, count]}. */
    public void unsubscribe(Session s, byte[] channel, Reply reply) {
        removeChannel(s, key(channel));
        confirm(reply, "unsubscribe", channel, count(s));
    }

    /** PUNSUBSCRIBE one pattern, replying {@code [punsubscribe, pattern, count]}. */
    public void punsubscribe(Session s, byte[] pattern, Reply reply) {
        removePattern(s, key(pattern));
        confirm(reply, "punsubscribe", pattern, count(s));
    }

    /**
     * UNSUBSCRIBE without arguments: one confirmation per channel, or {@code [unsubscribe, nil,
     * count]} when there was none, as Redis replies.
     */
    public void unsubscribeAll(Session s, Reply reply) {
        Subscriptions subs = bySession.get(s);
        if (subs == null || subs.channels.isEmpty()) {
            confirm(reply, "unsubscribe", null, count(s));
            return;
        }
        for (ByteBuffer ch : new ArrayList<>(subs.channels)) {
            unsubscribe(s, bytes(ch), reply);
        }
    }

    /** PUNSUBSCRIBE without arguments; see {@link #unsubscribeAll(Session, Reply)}. */
    public void punsubscribeAll(Session s, Reply reply) {
        Subscriptions subs = bySession.get(s);
        if (subs == null || subs.patterns.isEmpty()) {
            confirm(reply, "punsubscribe", null, count(s));
            return;
        }
        for (ByteBuffer p : new ArrayList<>(subs.patterns)) {
            punsubscribe(s, bytes(p), reply);
        }
    }

    /** Drops every subscription of {@code s} without replying (RESET, disconnect). */
    public void forget(Session s) {
        Subscriptions subs = bySession.get(s);
        if (subs == null) {
            return;
        }
        for (ByteBuffer ch : new ArrayList<>(subs.channels)) {
            removeChannel(s, ch);
        }
        for (ByteBuffer p : new ArrayList<>(subs.patterns)) {
            removePattern(s, p);
        }
        bySession.remove(s);
    }

    private void removeChannel(Session s, ByteBuffer ch) {
        Subscriptions subs = bySession.get(s);
        if (subs == null || !subs.channels.remove(ch)) {
            return;
        }
        Set<Session> set = channels.get(ch);
        set.remove(s);
        if (set.isEmpty()) {
            channels.remove(ch);
        }
        if (subs.count() == 0) {
            bySession.remove(s);
        }
    }

    private void removePattern(Session s, ByteBuffer p) {
        Subscriptions subs = bySession.get(s);
        if (subs == null || !subs.patterns.remove(p)) {
            return;
        }
        Set<Session> set = patterns.get(p);
        set.remove(s);
        if (set.isEmpty()) {
            patterns.remove(p);
        }
        if (subs.count() == 0) {
            bySession.remove(s);
        }
    }

    private static void confirm(Reply reply, String kind, byte[] name, int count) {
        reply.push(3);
        reply.bulk(kind);
        reply.bulk(name);
        reply.integer(count);
    }

    // ------------------------------------------------------------------ publishing

    /**
     * Delivers {@code message} to the subscribers of {@code channel} ({@code message} pushes) and
     * of every matching pattern ({@code pmessage} pushes, one per matching pattern a session
     * holds). Returns the number of deliveries, as PUBLISH replies. Does not propagate.
     */
    public int publish(byte[] channel, byte[] message) {
        if (bySession.isEmpty()) {
            return 0;
        }
        int receivers = 0;
        Set<Session> direct = channels.get(key(channel));
        if (direct != null) {
            for (Session s : direct) {
                receivers++;
                Reply r = delivery.open(s);
                if (r != null) {
                    r.push(3);
                    r.bulk(MESSAGE);
                    r.bulk(channel);
                    r.bulk(message);
                }
            }
        }
        if (!patterns.isEmpty()) {
            for (Map.Entry<ByteBuffer, Set<Session>> e : patterns.entrySet()) {
                byte[] pattern = bytes(e.getKey());
                if (!Glob.matches(pattern, channel, false)) {
                    continue;
                }
                for (Session s : e.getValue()) {
                    receivers++;
                    Reply r = delivery.open(s);
                    if (r != null) {
                        r.push(4);
                        r.bulk(PMESSAGE);
                        r.bulk(pattern);
                        r.bulk(channel);
                        r.bulk(message);
                    }
                }
            }
        }
        return receivers;
    }
}
