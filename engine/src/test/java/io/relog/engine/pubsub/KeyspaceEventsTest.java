package io.relog.engine.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.relog.engine.RecordingReply;
import io.relog.engine.Session;
import io.relog.engine.TestEngine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keyspace notifications: the flag letters as CONFIG shows them, and the events of every
 * command replayed against the transcript recorded from redis-server 7.0.15
 * ({@code redis-7.0.15-keyevents.txt}).
 */
class KeyspaceEventsTest {

    @Test
    void flagLettersAreCanonicalisedAsRedisDoes() {
        String[][] cases = {
                {"KEA", "AKE"}, {"AKE", "AKE"}, {"Elg", "glE"}, {"g$lshzxetdnmKE", "AKEm"}, {"nmA", "Am"},
                {"K", "K"}, {"x", "x"}, {"", ""}, {"AAn", "A"}, {"mnEKg$x", "g$xnKEm"}, {"dtexzhsl$g", "A"},
                {"nK", "nK"},
        };
        for (String[] c : cases) {
            assertThat(KeyspaceEvents.format(KeyspaceEvents.parse(c[0]))).as(c[0]).isEqualTo(c[1]);
        }
        assertThat(KeyspaceEvents.parse("KEy")).isEqualTo(-1);
        assertThat(KeyspaceEvents.INVALID).isEqualTo("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
        // 'n' stays on under 'A' even though CONFIG GET does not show it.
        assertThat(KeyspaceEvents.parse("An") & KeyspaceEvents.NEW).isNotZero();
    }

    private static final Pattern PUSH = Pattern.compile(
            "\\*3\r\n\\$7\r\nmessage\r\n\\$\\d+\r\n__keyevent@(\\d+)__:([^\r]*)\r\n\\$\\d+\r\n([^\r]*)\r\n");

    @Test
    void eventsMatchRedisTranscript() throws IOException {
        TestEngine t = new TestEngine();
        RecordingReply inbox = new RecordingReply(2);
        Session listener = new Session(99);
        t.engine.pubsub().delivery(s -> s == listener ? inbox : null);
        t.engine.pubsub().psubscribe(listener, "__keyevent*__:*".getBytes(StandardCharsets.US_ASCII),
                new RecordingReply(2));
        t.engine.setNotifyKeyspaceEvents(KeyspaceEvents.parse("KEA"));
        List<String> expected = new ArrayList<>();
        List<String> actual = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                getClass().getResourceAsStream("/redis-7.0.15-keyevents.txt"), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                if (line.startsWith("> ")) {
                    String cmd = line.substring(2);
                    expected.add("> " + cmd);
                    actual.add("> " + cmd);
                    // pmessage pushes: keep the channel and message.
                    t.cmd(cmd.split(" "));
                    String got = inbox.take().replace("*4\r\n$8\r\npmessage\r\n$15\r\n__keyevent*__:*\r\n", "*3\r\n$7\r\nmessage\r\n");
                    Matcher m = PUSH.matcher(got);
                    while (m.find()) {
                        actual.add(m.group(1) + " " + m.group(2) + " " + m.group(3));
                    }
                } else if (line.startsWith("sleep ")) {
                    t.advance(Long.parseLong(line.substring(6)));
                } else {
                    expected.add(line);
                }
            }
        }
        assertThat(String.join("\n", actual)).isEqualTo(String.join("\n", expected));
    }

    @Test
    void keyspaceChannelCarriesTheEventAndNothingWhenOff() {
        TestEngine t = new TestEngine();
        RecordingReply inbox = new RecordingReply(3);
        Session listener = new Session(99);
        listener.protocol(3);
        t.engine.pubsub().delivery(s -> inbox);
        t.engine.pubsub().subscribe(listener, "__keyspace@0__:k".getBytes(StandardCharsets.US_ASCII),
                new RecordingReply(3));
        t.cmd("SET", "k", "v");
        assertThat(inbox.take()).isEmpty();
        t.engine.setNotifyKeyspaceEvents(KeyspaceEvents.parse("K$"));
        t.cmd("SET", "k", "v");
        t.cmd("EXPIRE", "k", "10"); // generic class not enabled
        assertThat(inbox.take()).isEqualTo(">3\r\n$7\r\nmessage\r\n$16\r\n__keyspace@0__:k\r\n$3\r\nset\r\n");
        t.engine.setNotifyKeyspaceEvents(KeyspaceEvents.parse("Kx"));
        t.advance(20_000);
        t.cmd("GET", "k");
        assertThat(inbox.take()).isEqualTo(">3\r\n$7\r\nmessage\r\n$16\r\n__keyspace@0__:k\r\n$7\r\nexpired\r\n");
        // Type letters without K or E publish nothing.
        t.engine.setNotifyKeyspaceEvents(KeyspaceEvents.parse("A"));
        t.cmd("SET", "k", "v");
        assertThat(inbox.take()).isEmpty();
    }

    /** The {@code n} class, as redis-server 7.0.15 publishes it with {@code KEAn}: before the command's event. */
    @Test
    void newKeyEvents() {
        TestEngine t = new TestEngine();
        RecordingReply inbox = new RecordingReply(2);
        Session listener = new Session(99);
        t.engine.pubsub().delivery(s -> inbox);
        t.engine.pubsub().psubscribe(listener, "__keyevent@*__:*".getBytes(StandardCharsets.US_ASCII),
                new RecordingReply(2));
        t.engine.setNotifyKeyspaceEvents(KeyspaceEvents.parse("KEAn"));
        String[][] cases = {
                {"set n1 v", "0 new n1|0 set n1"},
                {"set n1 w", "0 set n1"},
                {"lpush nl a", "0 new nl|0 lpush nl"},
                {"rename n1 n2", "0 new n2|0 rename_from n1|0 rename_to n2"},
                {"copy n2 n3", "0 new n3|0 copy_to n3"},
                {"lmove nl nl2 left left", "0 new nl2|0 lpush nl2|0 lpop nl|0 del nl"},
                {"move n3 1", "1 new n3|0 move_from n3|1 move_to n3"},
        };
        Pattern p = Pattern.compile("__keyevent@(\\d+)__:([^\r]*)\r\n\\$\\d+\r\n([^\r]*)\r\n");
        for (String[] c : cases) {
            t.cmd(c[0].split(" "));
            Matcher m = p.matcher(inbox.take());
            List<String> got = new ArrayList<>();
            while (m.find()) {
                got.add(m.group(1) + " " + m.group(2) + " " + m.group(3));
            }
            assertThat(String.join("|", got)).as(c[0]).isEqualTo(c[1]);
        }
        t.engine.setNotifyKeyspaceEvents(KeyspaceEvents.parse("KEA"));
        t.cmd("set", "n9", "v");
        assertThat(inbox.take()).doesNotContain("new");
    }

    /** The {@code m} class: read misses publish {@code keymiss}; OBJECT does not (redis-server 7.0.15). */
    @Test
    void keyMissEvents() {
        TestEngine t = new TestEngine();
        RecordingReply inbox = new RecordingReply(2);
        Session listener = new Session(99);
        t.engine.pubsub().delivery(s -> inbox);
        t.engine.pubsub().subscribe(listener, "__keyevent@0__:keymiss".getBytes(StandardCharsets.US_ASCII),
                new RecordingReply(2));
        t.engine.setNotifyKeyspaceEvents(KeyspaceEvents.parse("Em"));
        for (String c : new String[] {"get m1", "exists m2", "type m3", "ttl m4", "hget m5 f", "lrange m6 0 -1",
                "touch m8", "strlen m9", "getdel m11"}) {
            t.cmd(c.split(" "));
            String key = c.split(" ")[1];
            assertThat(inbox.take()).as(c).isEqualTo("*3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:keymiss\r\n$"
                    + key.length() + "\r\n" + key + "\r\n");
        }
        t.cmd("OBJECT", "ENCODING", "m7");
        t.cmd("SET", "m10", "v");
        t.cmd("GET", "m10");
        assertThat(inbox.take()).isEmpty();
    }
}
