package io.relog.frontend.it;

import static io.relog.frontend.it.AbstractServerIT.call;
import static io.relog.frontend.it.AbstractServerIT.error;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.ProtocolVersion;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/** AUTH, HELLO AUTH and RESET against a server started with {@code --requirepass}. */
class AuthIT {

    static final String PASSWORD = "s3cret";

    @RegisterExtension
    static final ServerUnderTest server = new ServerUnderTest("--requirepass", PASSWORD);

    static final String NOAUTH = "NOAUTH Authentication required.";
    static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";

    @Test
    void commandsAreRefusedUntilAuthenticated() {
        try (Jedis jedis = plain()) {
            assertThat(error(jedis, "PING")).isEqualTo(NOAUTH);
            assertThat(error(jedis, "GET", "k")).isEqualTo(NOAUTH);
            assertThat(error(jedis, "CLIENT", "ID")).isEqualTo(NOAUTH);
            assertThat(error(jedis, "nosuchcommand")).as("unknown commands are reported before NOAUTH")
                    .isEqualTo("ERR unknown command 'nosuchcommand', with args beginning with: ");
            assertThat(error(jedis, "GET")).as("arity is checked before NOAUTH")
                    .isEqualTo("ERR wrong number of arguments for 'get' command");
            assertThat(error(jedis, "HELLO", "3")).isEqualTo("NOAUTH HELLO must be called with the client already"
                    + " authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate"
                    + " the client and select the RESP protocol version at the same time");
        }
    }

    @Test
    void authWithPasswordOrDefaultUser() {
        try (Jedis jedis = plain()) {
            assertThat(error(jedis, "AUTH", "wrong")).isEqualTo(WRONGPASS);
            assertThat(error(jedis, "AUTH", "default", "wrong")).isEqualTo(WRONGPASS);
            assertThat(error(jedis, "PING")).isEqualTo(NOAUTH);
            assertThat(call(jedis, "AUTH", PASSWORD)).isEqualTo("OK");
            assertThat(call(jedis, "SET", "k", "v")).isEqualTo("OK");
            assertThat(call(jedis, "GET", "k")).isEqualTo("v");
        }
        try (Jedis jedis = plain()) {
            assertThat(call(jedis, "AUTH", "default", PASSWORD)).isEqualTo("OK");
            assertThat(call(jedis, "PING")).isEqualTo("PONG");
            assertThat(error(jedis, "AUTH", "a", "b", "c")).isEqualTo("ERR syntax error");
        }
    }

    @Test
    void jedisWithPasswordConnects() {
        try (Jedis jedis = new Jedis(new HostAndPort(server.host(), server.port()),
                DefaultJedisClientConfig.builder().password(PASSWORD).build())) {
            assertThat(jedis.ping()).isEqualTo("PONG");
            assertThat(jedis.configGet("requirepass")).containsEntry("requirepass", PASSWORD);
        }
    }

    @Test
    void lettuceOverResp3AuthenticatesWithHello() {
        RedisClient client = RedisClient.create(RedisURI.builder().withHost(server.host()).withPort(server.port())
                .withPassword(PASSWORD.toCharArray()).withTimeout(Duration.ofSeconds(5)).build());
        client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP3).build());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            assertThat(connection.sync().ping()).isEqualTo("PONG");
            assertThat(connection.sync().clientInfo()).contains(" resp=3", " user=default");
        } finally {
            client.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    @Test
    void shutdownNeedsAuthentication() {
        try (Jedis jedis = plain()) {
            assertThat(error(jedis, "SHUTDOWN", "NOSAVE")).isEqualTo(NOAUTH);
        }
        try (Jedis jedis = plain()) {
            assertThat(call(jedis, "AUTH", PASSWORD)).as("the server is still up").isEqualTo("OK");
        }
    }

    @Test
    void helloAuthAuthenticatesAndSwitchesProtocol() {
        try (Jedis jedis = plain()) {
            assertThat(error(jedis, "HELLO", "2", "AUTH", "default", "wrong")).isEqualTo(WRONGPASS);
            Map<String, Object> hello = ServerCommandsIT.pairs(
                    (List<?>) call(jedis, "HELLO", "2", "AUTH", "default", PASSWORD, "SETNAME", "authed"));
            assertThat(hello.get("proto")).isEqualTo(2L);
            assertThat(call(jedis, "CLIENT", "GETNAME")).isEqualTo("authed");
        }
        try (RespConnection raw = new RespConnection(server.server())) {
            assertThat(raw.call("HELLO", "3", "AUTH", "default", PASSWORD)).startsWith("%7\r\n");
            assertThat(raw.call("GET", "missing")).isEqualTo("_\r\n");
        }
    }

    @Test
    void resetDeauthenticates() {
        try (RespConnection raw = new RespConnection(server.server())) {
            assertThat(raw.call("AUTH", PASSWORD)).isEqualTo("+OK\r\n");
            assertThat(raw.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(raw.call("RESET")).isEqualTo("+RESET\r\n");
            assertThat(raw.call("PING")).isEqualTo("-" + NOAUTH + "\r\n");
        }
    }

    @Test
    void quitAndResetWorkUnauthenticated() {
        try (RespConnection raw = new RespConnection(server.server())) {
            assertThat(raw.call("RESET")).isEqualTo("+RESET\r\n");
            assertThat(raw.call("QUIT")).isEqualTo("+OK\r\n");
            assertThat(raw.isClosedByServer()).isTrue();
        }
    }

    @Test
    void requirepassCanChangeAtRuntime() {
        try (Jedis admin = plain()) {
            call(admin, "AUTH", PASSWORD);
            assertThat(call(admin, "CONFIG", "SET", "requirepass", "newpass")).isEqualTo("OK");
            try {
                assertThat(call(admin, "PING")).as("an authenticated connection stays authenticated").isEqualTo("PONG");
                try (Jedis jedis = plain()) {
                    assertThat(error(jedis, "AUTH", PASSWORD)).isEqualTo(WRONGPASS);
                    assertThat(call(jedis, "AUTH", "newpass")).isEqualTo("OK");
                }
            } finally {
                call(admin, "CONFIG", "SET", "requirepass", PASSWORD);
            }
        }
    }

    private static Jedis plain() {
        return AbstractServerIT.connect(server.server());
    }
}
