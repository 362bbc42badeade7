/**
 * Pub/sub and keyspace notifications.
 *
 * <p>{@link io.relog.engine.pubsub.PubSub} is the registry (channel → sessions, pattern →
 * sessions, and each session's subscriptions); it runs on the engine thread like every command, so
 * a message is delivered in execution order, within the loop iteration of the command that
 * published it. The engine cannot reach a socket: the frontend supplies a
 * {@link io.relog.engine.pubsub.PubSub.Delivery} that hands back the subscriber's reply buffer
 * (marked for flushing), and a message is written there as a RESP3 push, which degrades to the
 * RESP2 array Redis sends.
 *
 * <p>{@link io.relog.engine.pubsub.KeyspaceEvents} holds the {@code notify-keyspace-events}
 * classes. Commands call {@code Engine.notifyKeyspaceEvent} after each change with the event name
 * Redis 7.0 uses; the call is one int test when notifications are off. Notifications are derived
 * from execution, not from the propagated stream, because the event names (zincr, rename_from,
 * expired, new, keymiss...) are not recoverable from the propagated commands.
 */
package io.relog.engine.pubsub;
