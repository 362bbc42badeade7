package io.relog.frontend.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Base of the Jedis-driven suites: one server per test class (see {@link ServerUnderTest}), a
 * fresh connection per test, and an empty keyspace at the start of each test.
 *
 * <p>{@link #call(String...)} sends any command as typed and decodes the reply to plain Java
 * values: bulk and simple strings become {@code String}, integers {@code Long}, arrays
 * {@code List<Object>}, nil {@code null}. Errors are Jedis' {@link JedisDataException}, whose
 * message is the error line without the leading {@code -}; {@link #error(String...)} returns it.
 */
abstract class AbstractServerIT {

    @RegisterExtension
    static final ServerUnderTest server = new ServerUnderTest();

    /** The connection of the current test, in database 0, after FLUSHALL. */
    protected Jedis redis;

    private final List<Jedis> extraConnections = new ArrayList<>();

    @BeforeEach
    void connectAndFlush() {
        redis = connect(server.server());
        redis.flushAll();
    }

    @AfterEach
    void disconnect() {
        extraConnections.forEach(Jedis::close);
        extraConnections.clear();
        if (redis != null) {
            redis.close();
        }
    }

    static Jedis connect(RunningServer s) {
        return new Jedis(s.host(), s.port(), 5000);
    }

    /** Another connection to the class' server, closed after the test. */
    protected Jedis newConnection() {
        Jedis jedis = connect(server.server());
        extraConnections.add(jedis);
        return jedis;
    }

    /** Sends {@code args[0]} with the remaining arguments on {@link #redis} and decodes the reply. */
    protected Object call(String... args) {
        return call(redis, args);
    }

    static Object call(Jedis jedis, String... args) {
        ProtocolCommand command = () -> args[0].getBytes(StandardCharsets.UTF_8);
        return decode(jedis.sendCommand(command, Arrays.copyOfRange(args, 1, args.length)));
    }

    /** Sends the command, asserts that it fails, and returns the error text. */
    protected String error(String... args) {
        return error(redis, args);
    }

    static String error(Jedis jedis, String... args) {
        JedisDataException e = catchThrowableOfType(JedisDataException.class, () -> call(jedis, args));
        assertThat(e).as("error reply to %s", Arrays.toString(args)).isNotNull();
        return e.getMessage();
    }

    /** Asserts the exact error text of a command. */
    protected void assertError(String expected, String... args) {
        assertThat(error(args)).as("error reply to %s", Arrays.toString(args)).isEqualTo(expected);
    }

    static Object decode(Object reply) {
        if (reply instanceof byte[]) {
            return new String((byte[]) reply, StandardCharsets.UTF_8);
        }
        if (reply instanceof List) {
            List<Object> decoded = new ArrayList<>();
            for (Object element : (List<?>) reply) {
                decoded.add(decode(element));
            }
            return decoded;
        }
        if (reply instanceof JedisDataException) {
            throw (JedisDataException) reply;
        }
        return reply;
    }

    /** An array reply of strings as {@code List<String>}. */
    @SuppressWarnings("unchecked")
    static List<String> strings(Object arrayReply) {
        assertThat(arrayReply).isInstanceOf(List.class);
        for (Object element : (List<?>) arrayReply) {
            assertThat(element).isInstanceOf(String.class);
        }
        return (List<String>) arrayReply;
    }

    /** Skips a test of Relog-only behaviour (e.g. a field real Redis 7.0 does not have) against Redis. */
    static void assumeRelog(String why) {
        Assumptions.assumeTrue(Target.current() == Target.RELOG, "Relog-specific: " + why);
    }

    static String wrongArgs(String command) {
        return "ERR wrong number of arguments for '" + command + "' command";
    }
}
