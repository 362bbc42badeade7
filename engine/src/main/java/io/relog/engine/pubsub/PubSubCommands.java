package io.relog.engine.pubsub;

import io.relog.engine.Engine;
import io.relog.engine.Session;
import io.relog.engine.command.CommandSpec;
import io.relog.engine.command.Reply;
import io.relog.engine.command.Subcommands;
import java.util.List;

/**
 * SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE PUBLISH PUBSUB, over the engine's {@link PubSub}.
 * Engine thread. Sharded pub/sub (SSUBSCRIBE, ...) is a cluster feature: PUBSUB SHARDCHANNELS
 * and SHARDNUMSUB answer as a standalone Redis 7.0 with no shard subscribers does.
 */
public final class PubSubCommands {

    private PubSubCommands() {
    }

    public static void subscribe(Engine e, Session s, byte[][] a, Reply r) {
        for (int i = 1; i < a.length; i++) {
            e.pubsub().subscribe(s, a[i], r);
        }
    }

    public static void psubscribe(Engine e, Session s, byte[][] a, Reply r) {
        for (int i = 1; i < a.length; i++) {
            e.pubsub().psubscribe(s, a[i], r);
        }
    }

    public static void unsubscribe(Engine e, Session s, byte[][] a, Reply r) {
        if (a.length == 1) {
            e.pubsub().unsubscribeAll(s, r);
            return;
        }
        for (int i = 1; i < a.length; i++) {
            e.pubsub().unsubscribe(s, a[i], r);
        }
    }

    public static void punsubscribe(Engine e, Session s, byte[][] a, Reply r) {
        if (a.length == 1) {
            e.pubsub().punsubscribeAll(s, r);
            return;
        }
        for (int i = 1; i < a.length; i++) {
            e.pubsub().punsubscribe(s, a[i], r);
        }
    }

    /** PUBLISH: delivers, replies the receiver count, and propagates (Redis replicates PUBLISH). */
    public static void publish(Engine e, Session s, byte[][] a, Reply r) {
        int n = e.pubsub().publish(a[1], a[2]);
        e.propagate(s.db(), a);
        r.integer(n);
    }

    static void channels(Engine e, Session s, byte[][] a, Reply r) {
        if (a.length > 3) {
            r.error(tooManyArgs(a));
            return;
        }
        List<byte[]> list = e.pubsub().activeChannels(a.length == 3 ? a[2] : null);
        r.array(list.size());
        for (byte[] ch : list) {
            r.bulk(ch);
        }
    }

    /** Redis' reply to CHANNELS/SHARDCHANNELS with more than one pattern; names the subcommand as sent. */
    private static String tooManyArgs(byte[][] a) {
        return "ERR unknown subcommand or wrong number of arguments for '"
                + new String(a[1], java.nio.charset.StandardCharsets.UTF_8) + "'. Try PUBSUB HELP.";
    }

    static void numsub(Engine e, Session s, byte[][] a, Reply r) {
        r.array(2 * (a.length - 2)); // a flat array in RESP3 too, as Redis 7.0 replies
        for (int i = 2; i < a.length; i++) {
            r.bulk(a[i]);
            r.integer(e.pubsub().subscribers(a[i]));
        }
    }

    static void shardchannels(Engine e, Session s, byte[][] a, Reply r) {
        if (a.length > 3) {
            r.error(tooManyArgs(a));
            return;
        }
        r.array(0);
    }

    static void shardnumsub(Engine e, Session s, byte[][] a, Reply r) {
        r.array(2 * (a.length - 2)); // a flat array in RESP3 too, as Redis 7.0 replies
        for (int i = 2; i < a.length; i++) {
            r.bulk(a[i]);
            r.integer(0);
        }
    }

    static void help(Engine e, Session s, byte[][] a, Reply r) {
        Subcommands.help(r, "pubsub",
                "CHANNELS [<pattern>]",
                "    Return the currently active channels matching a <pattern> (default: '*').",
                "NUMPAT",
                "    Return number of subscriptions to patterns.",
                "NUMSUB [<channel> ...]",
                "    Return the number of subscribers for the specified channels, excluding",
                "    pattern subscriptions(default: no channels).",
                "SHARDCHANNELS [<pattern>]",
                "    Return the currently active shard level channels matching a <pattern> (default: '*').",
                "SHARDNUMSUB [<shardchannel> ...]",
                "    Return the number of subscribers for the specified shard level channel(s)");
    }

    /** The command table rows, with Redis 7.0.15's metadata. */
    public static List<CommandSpec> specs() {
        List<CommandSpec> sub = List.of(
                CommandSpec.of("pubsub|channels", -2, "pubsub loading stale", 0, 0, 0, "pubsub slow", "pubsub",
                        "2.8.0", "Lists the channels with subscribers, optionally matching a pattern.",
                        PubSubCommands::channels),
                CommandSpec.of("pubsub|numsub", -2, "pubsub loading stale", 0, 0, 0, "pubsub slow", "pubsub",
                        "2.8.0", "Counts the subscribers of channels, pattern subscriptions excluded.",
                        PubSubCommands::numsub),
                CommandSpec.of("pubsub|numpat", 2, "pubsub loading stale", 0, 0, 0, "pubsub slow", "pubsub",
                        "2.8.0", "Counts the patterns with subscribers.",
                        (e, s, a, r) -> r.integer(e.pubsub().patterns())),
                CommandSpec.of("pubsub|shardchannels", -2, "pubsub loading stale", 0, 0, 0, "pubsub slow", "pubsub",
                        "7.0.0", "Lists the shard channels with subscribers (none outside a cluster).",
                        PubSubCommands::shardchannels),
                CommandSpec.of("pubsub|shardnumsub", -2, "pubsub loading stale", 0, 0, 0, "pubsub slow", "pubsub",
                        "7.0.0", "Counts the subscribers of shard channels (none outside a cluster).",
                        PubSubCommands::shardnumsub),
                CommandSpec.of("pubsub|help", 2, "loading stale", 0, 0, 0, "slow", "pubsub", "6.2.0",
                        "Returns help for PUBSUB.", PubSubCommands::help));
        return List.of(
                CommandSpec.of("subscribe", -2, "pubsub noscript loading stale", 0, 0, 0, "pubsub slow", "pubsub",
                        "2.0.0", "Listens for messages published to channels.", PubSubCommands::subscribe),
                CommandSpec.of("unsubscribe", -1, "pubsub noscript loading stale", 0, 0, 0, "pubsub slow", "pubsub",
                        "2.0.0", "Stops listening to channels, or to all of them.", PubSubCommands::unsubscribe),
                CommandSpec.of("psubscribe", -2, "pubsub noscript loading stale", 0, 0, 0, "pubsub slow", "pubsub",
                        "2.0.0", "Listens for messages published to channels matching glob patterns.",
                        PubSubCommands::psubscribe),
                CommandSpec.of("punsubscribe", -1, "pubsub noscript loading stale", 0, 0, 0, "pubsub slow", "pubsub",
                        "2.0.0", "Stops listening to patterns, or to all of them.", PubSubCommands::punsubscribe),
                CommandSpec.of("publish", 3, "pubsub loading stale fast", 0, 0, 0, "pubsub fast", "pubsub", "2.0.0",
                        "Posts a message to a channel; returns how many subscribers received it.",
                        PubSubCommands::publish),
                CommandSpec.withSubcommands("pubsub", -2, "", 0, 0, 0, "slow", "pubsub", "2.8.0",
                        "Inspects the state of the pub/sub subsystem.", sub, Subcommands.handler("pubsub", sub)));
    }
}
