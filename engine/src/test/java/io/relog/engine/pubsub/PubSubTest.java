package io.relog.engine.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.relog.engine.RecordingReply;
import io.relog.engine.Session;
import io.relog.engine.TestEngine;
import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pub/sub at the engine: replies recorded from redis-server 7.0.15, delivery through {@link PubSub.Delivery}. */
class PubSubTest {

    private final TestEngine t = new TestEngine();
    private final Map<Session, RecordingReply> inboxes = new IdentityHashMap<>();

    PubSubTest() {
        t.engine.pubsub().delivery(s -> inboxes.computeIfAbsent(s, x -> new RecordingReply(s.protocol())));
    }

    /** Runs a command as {@code s} and returns its RESP reply (pushes to itself included). */
    private String as(Session s, String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            argv[i] = args[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        RecordingReply r = inboxes.computeIfAbsent(s, x -> new RecordingReply(s.protocol()));
        t.engine.execute(s, argv, r);
        return r.take();
    }

    private String inbox(Session s) {
        RecordingReply r = inboxes.get(s);
        return r == null ? "" : r.take();
    }

    @Test
    void subscribeConfirmationsAndContextRestriction() {
        Session s = new Session(7);
        assertThat(as(s, "UNSUBSCRIBE")).isEqualTo("*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n");
        assertThat(as(s, "PUNSUBSCRIBE")).isEqualTo("*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n");
        assertThat(as(s, "SUBSCRIBE", "a", "b", "a")).isEqualTo(
                "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n"
                        + "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:2\r\n");
        assertThat(as(s, "GET", "k")).isEqualTo("-ERR Can't execute 'get': only (P|S)SUBSCRIBE / "
                + "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n");
        assertThat(as(s, "OBJECT", "ENCODING", "k")).startsWith("-ERR Can't execute 'object|encoding'");
        assertThat(as(s, "GET")).isEqualTo("-ERR wrong number of arguments for 'get' command\r\n");
        assertThat(as(s, "PSUBSCRIBE", "p*")).isEqualTo("*3\r\n$10\r\npsubscribe\r\n$2\r\np*\r\n:3\r\n");
        assertThat(as(s, "UNSUBSCRIBE")).isEqualTo(
                "*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:2\r\n*3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:1\r\n");
        assertThat(as(s, "PUNSUBSCRIBE")).isEqualTo("*3\r\n$12\r\npunsubscribe\r\n$2\r\np*\r\n:0\r\n");
        assertThat(as(s, "GET", "k")).isEqualTo("$-1\r\n");
    }

    @Test
    void publishDeliversMessagesAndPatternMessages() {
        Session a = new Session(1);
        Session b = new Session(2);
        b.protocol(3);
        Session pub = new Session(3);
        as(a, "SUBSCRIBE", "news");
        as(b, "SUBSCRIBE", "news");
        as(b, "PSUBSCRIBE", "n*", "*s");
        assertThat(as(pub, "PUBLISH", "news", "hi")).isEqualTo(":4\r\n");
        assertThat(inbox(a)).isEqualTo("*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n");
        assertThat(inbox(b)).isEqualTo(">3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n"
                + ">4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$2\r\nhi\r\n"
                + ">4\r\n$8\r\npmessage\r\n$2\r\n*s\r\n$4\r\nnews\r\n$2\r\nhi\r\n");
        assertThat(as(pub, "PUBLISH", "other", "x")).isEqualTo(":0\r\n");
        assertThat(t.takeStream()).containsExactly("SELECT 0", "PUBLISH news hi", "PUBLISH other x");

        assertThat(as(pub, "PUBSUB", "NUMSUB", "news", "none")).isEqualTo("*4\r\n$4\r\nnews\r\n:2\r\n$4\r\nnone\r\n:0\r\n");
        assertThat(as(pub, "PUBSUB", "NUMPAT")).isEqualTo(":2\r\n");
        assertThat(as(pub, "PUBSUB", "CHANNELS")).isEqualTo("*1\r\n$4\r\nnews\r\n");
        assertThat(as(pub, "PUBSUB", "CHANNELS", "x*")).isEqualTo("*0\r\n");
        // RESP3 clients may run anything while subscribed.
        assertThat(as(b, "GET", "k")).isEqualTo("_\r\n");

        t.engine.pubsub().forget(b);
        assertThat(as(pub, "PUBLISH", "news", "again")).isEqualTo(":1\r\n");
        assertThat(as(pub, "PUBSUB", "NUMPAT")).isEqualTo(":0\r\n");
        assertThat(t.engine.pubsub().isSubscribed(b)).isFalse();
    }

    @Test
    void resp3ConfirmationsArePushes() {
        Session s = new Session(9);
        s.protocol(3);
        assertThat(as(s, "SUBSCRIBE", "a")).isEqualTo(">3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n");
        assertThat(as(s, "PSUBSCRIBE", "*")).isEqualTo(">3\r\n$10\r\npsubscribe\r\n$1\r\n*\r\n:2\r\n");
        assertThat(as(s, "UNSUBSCRIBE")).isEqualTo(">3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:1\r\n");
        assertThat(as(s, "UNSUBSCRIBE")).isEqualTo(">3\r\n$11\r\nunsubscribe\r\n_\r\n:1\r\n");
        assertThat(as(s, "PUNSUBSCRIBE", "x")).isEqualTo(">3\r\n$12\r\npunsubscribe\r\n$1\r\nx\r\n:1\r\n");
    }
}
