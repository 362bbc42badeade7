package io.relog.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.relog.frontend.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/** Pub/sub over the network with Jedis (RESP2), Lettuce (RESP3) and raw sockets. */
class PubSubServerTest {

    @TempDir
    static Path dir;

    static RelogServer server;

    @BeforeAll
    static void start() throws Exception {
        server = RelogServer.start(ServerConfig.fromArgs("--port", "0", "--dir", dir.resolve("data").toString()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Collects what a JedisPubSub receives. */
    static final class Listener extends JedisPubSub {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void onMessage(String channel, String message) {
            events.add("message " + channel + " " + message);
        }

        @Override
        public void onPMessage(String pattern, String channel, String message) {
            events.add("pmessage " + pattern + " " + channel + " " + message);
        }

        @Override
        public void onSubscribe(String channel, int count) {
            events.add("subscribe " + channel + " " + count);
        }

        @Override
        public void onPSubscribe(String pattern, int count) {
            events.add("psubscribe " + pattern + " " + count);
        }
    }

    @Test
    void jedisSubscribeAndPatterns() throws Exception {
        Listener channels = new Listener();
        Listener patterns = new Listener();
        Thread t1 = new Thread(() -> {
            try (Jedis j = new Jedis("127.0.0.1", server.port())) {
                j.subscribe(channels, "jedis.a", "jedis.b");
            }
        });
        Thread t2 = new Thread(() -> {
            try (Jedis j = new Jedis("127.0.0.1", server.port())) {
                j.psubscribe(patterns, "jedis.*");
            }
        });
        t1.start();
        t2.start();
        try (Jedis pub = new Jedis("127.0.0.1", server.port())) {
            await().atMost(5, TimeUnit.SECONDS).until(() -> pub.pubsubNumSub("jedis.a", "jedis.b")
                    .equals(java.util.Map.of("jedis.a", 1L, "jedis.b", 1L)) && pub.pubsubNumPat() >= 1);
            assertThat(pub.pubsubChannels("jedis.*")).containsExactlyInAnyOrder("jedis.a", "jedis.b");
            assertThat(pub.publish("jedis.a", "one")).isEqualTo(2);
            assertThat(pub.publish("jedis.c", "two")).isEqualTo(1);
            assertThat(pub.info("stats")).contains("pubsub_channels:2").contains("pubsub_patterns:1");
            assertThat(pub.clientList()).contains("flags=P db=0 sub=2 psub=0").contains("flags=P db=0 sub=0 psub=1");
            await().atMost(5, TimeUnit.SECONDS).until(() -> channels.events.size() == 3 && patterns.events.size() == 3);
            assertThat(channels.events).containsExactly("subscribe jedis.a 1", "subscribe jedis.b 2",
                    "message jedis.a one");
            assertThat(patterns.events).containsExactly("psubscribe jedis.* 1", "pmessage jedis.* jedis.a one",
                    "pmessage jedis.* jedis.c two");
            channels.unsubscribe();
            patterns.punsubscribe();
            t1.join(5000);
            t2.join(5000);
            assertThat(pub.pubsubNumPat()).isZero();
            assertThat(pub.pubsubChannels()).doesNotContain("jedis.a", "jedis.b");
        }
    }

    @Test
    void lettuceResp3PushMessages() {
        RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", server.port()));
        client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP3).build());
        try (StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
             var pub = client.connect()) {
            List<String> got = new CopyOnWriteArrayList<>();
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    got.add(channel + "=" + message);
                }

                @Override
                public void message(String pattern, String channel, String message) {
                    got.add(pattern + ":" + channel + "=" + message);
                }
            });
            sub.sync().subscribe("lettuce.ch");
            sub.sync().psubscribe("lettuce.*");
            // RESP3: the subscribed connection may still run ordinary commands.
            assertThat(sub.sync().set("lettuce.key", "v")).isEqualTo("OK");
            assertThat(sub.sync().get("lettuce.key")).isEqualTo("v");
            assertThat(pub.sync().publish("lettuce.ch", "hello")).isEqualTo(2);
            await().atMost(5, TimeUnit.SECONDS).until(() -> got.size() == 2);
            assertThat(got).containsExactlyInAnyOrder("lettuce.ch=hello", "lettuce.*:lettuce.ch=hello");
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Test
    void subscribedResp2ContextOnTheWire() throws IOException {
        try (RawClient c = new RawClient(server.port())) {
            String sub = "*3\r\n$9\r\nsubscribe\r\n$4\r\nwire\r\n:1\r\n";
            assertThat(c.command("SUBSCRIBE", "wire").read(sub.length())).isEqualTo(sub);
            String err = "-ERR Can't execute 'set': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET "
                    + "are allowed in this context\r\n";
            assertThat(c.command("SET", "k", "v").read(err.length())).isEqualTo(err);
            String pong = "*2\r\n$4\r\npong\r\n$0\r\n\r\n";
            assertThat(c.command("PING").read(pong.length())).isEqualTo(pong);
            String pongX = "*2\r\n$4\r\npong\r\n$1\r\nx\r\n";
            assertThat(c.command("PING", "x").read(pongX.length())).isEqualTo(pongX);
            try (RawClient p = new RawClient(server.port())) {
                assertThat(p.command("PUBLISH", "wire", "m").read(4)).isEqualTo(":1\r\n");
            }
            String msg = "*3\r\n$7\r\nmessage\r\n$4\r\nwire\r\n$1\r\nm\r\n";
            assertThat(c.read(msg.length())).isEqualTo(msg);
            assertThat(c.command("RESET").read(8)).isEqualTo("+RESET\r\n");
            assertThat(c.command("PING").read(7)).isEqualTo("+PONG\r\n");
            try (RawClient p = new RawClient(server.port())) {
                assertThat(p.command("PUBLISH", "wire", "m").read(4)).isEqualTo(":0\r\n");
            }
        }
    }

    @Test
    void disconnectDropsSubscriptions() throws IOException {
        try (RawClient c = new RawClient(server.port())) {
            String sub = "*3\r\n$10\r\npsubscribe\r\n$6\r\ngone.*\r\n:1\r\n";
            assertThat(c.command("PSUBSCRIBE", "gone.*").read(sub.length())).isEqualTo(sub);
        }
        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
            await().atMost(5, TimeUnit.SECONDS).until(() -> j.publish("gone.x", "m") == 0);
        }
    }

    @Test
    void keyspaceNotificationsThroughConfigSet() throws Exception {
        try (Jedis admin = new Jedis("127.0.0.1", server.port())) {
            assertThat(admin.configGet("notify-keyspace-events")).containsEntry("notify-keyspace-events", "");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> admin.configSet("notify-keyspace-events", "KEy"))
                    .hasMessage("ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - "
                            + "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
            assertThat(admin.configSet("notify-keyspace-events", "KEA")).isEqualTo("OK");
            assertThat(admin.configGet("notify-keyspace-events")).containsEntry("notify-keyspace-events", "AKE");
            Listener events = new Listener();
            Thread t = new Thread(() -> {
                try (Jedis j = new Jedis("127.0.0.1", server.port())) {
                    j.psubscribe(events, "__key*__:notif*");
                }
            });
            t.start();
            try {
                await().atMost(5, TimeUnit.SECONDS).until(() -> admin.pubsubNumPat() >= 1);
                admin.set("notif:s", "v");
                admin.hset("notif:h", "f", "v");
                admin.lpush("notif:l", "a");
                admin.sadd("notif:set", "m");
                admin.zadd("notif:z", 1, "m");
                admin.rename("notif:s", "notif:s2");
                admin.pexpire("notif:s2", 1);
                await().atMost(5, TimeUnit.SECONDS).until(() -> !admin.exists("notif:s2")
                        && events.events.contains("pmessage __key*__:notif* __keyspace@0__:notif:s2 expired"));
                assertThat(events.events).containsSubsequence(
                        "pmessage __key*__:notif* __keyspace@0__:notif:s set",
                        "pmessage __key*__:notif* __keyspace@0__:notif:h hset",
                        "pmessage __key*__:notif* __keyspace@0__:notif:l lpush",
                        "pmessage __key*__:notif* __keyspace@0__:notif:set sadd",
                        "pmessage __key*__:notif* __keyspace@0__:notif:z zadd",
                        "pmessage __key*__:notif* __keyspace@0__:notif:s rename_from",
                        "pmessage __key*__:notif* __keyspace@0__:notif:s2 rename_to",
                        "pmessage __key*__:notif* __keyspace@0__:notif:s2 expire",
                        "pmessage __key*__:notif* __keyspace@0__:notif:s2 expired");
                assertThat(events.events).doesNotContain("pmessage __key*__:notif* __keyevent@0__:notif:s set");
            } finally {
                events.punsubscribe();
                t.join(5000);
                admin.configSet("notify-keyspace-events", "");
            }
        }
    }
}
