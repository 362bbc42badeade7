package io.relog.engine.blocking;

import static io.relog.engine.TestEngine.bulk;
import static io.relog.engine.TestEngine.err;
import static org.assertj.core.api.Assertions.assertThat;

import io.relog.engine.RecordingReply;
import io.relog.engine.Session;
import io.relog.engine.TestEngine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BlockingCommandsTest {

    private TestEngine t;
    private BlockedClients blocked;
    private final List<Long> unblocked = new ArrayList<>();

    @BeforeEach
    void setUp() {
        t = new TestEngine();
        blocked = t.engine.blockedClients();
        blocked.setListener(s -> unblocked.add(s.id()));
    }

    /** A second client with its own reply sink; runs commands and serves ready keys after each, as the executor does. */
    private final class Client {
        final Session session;
        final RecordingReply reply;

        Client(long id, int protocol) {
            session = new Session(id);
            session.protocol(protocol);
            reply = new RecordingReply(protocol);
        }

        String cmd(String... args) {
            byte[][] argv = new byte[args.length][];
            for (int i = 0; i < args.length; i++) {
                argv[i] = args[i].getBytes(StandardCharsets.ISO_8859_1);
            }
            t.engine.execute(session, argv, reply);
            blocked.serveReady();
            return reply.take();
        }
    }

    private String push(String... args) {
        String r = t.cmd(args);
        blocked.serveReady();
        return r;
    }

    @Test
    void actsImmediatelyAsThePlainFormWhenDataIsThere() {
        t.cmd("rpush", "l", "a", "b", "c", "d", "e", "f");
        t.takeStream();
        assertThat(t.cmd("blpop", "none", "l", "0")).isEqualTo("*2\r\n" + bulk("l") + bulk("a"));
        assertThat(t.cmd("brpop", "l", "0")).isEqualTo("*2\r\n" + bulk("l") + bulk("f"));
        assertThat(t.cmd("blmove", "l", "l2", "LEFT", "RIGHT", "0")).isEqualTo(bulk("b"));
        assertThat(t.cmd("brpoplpush", "l", "l2", "0")).isEqualTo(bulk("e"));
        assertThat(t.cmd("blmpop", "0", "2", "nx", "l", "LEFT", "COUNT", "5"))
                .isEqualTo("*2\r\n" + bulk("l") + "*2\r\n" + bulk("c") + bulk("d"));
        t.cmd("zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d");
        assertThat(t.cmd("bzpopmin", "z", "0")).isEqualTo("*3\r\n" + bulk("z") + bulk("a") + bulk("1"));
        assertThat(t.cmd("bzpopmax", "z", "0")).isEqualTo("*3\r\n" + bulk("z") + bulk("d") + bulk("4"));
        assertThat(t.cmd("bzmpop", "0", "1", "z", "MIN", "COUNT", "3"))
                .isEqualTo("*2\r\n" + bulk("z") + "*2\r\n*2\r\n" + bulk("b") + bulk("2") + "*2\r\n" + bulk("c") + bulk("3"));
        // As Redis 7.0.15 writes them to its AOF.
        assertThat(t.takeStream()).containsExactly("LPOP l", "RPOP l", "LMOVE l l2 LEFT RIGHT",
                "RPOPLPUSH l l2", "LPOP l 2", "zadd z 1 a 2 b 3 c 4 d", "ZPOPMIN z", "ZPOPMAX z", "ZPOPMIN z 2");
        assertThat(blocked.blockedCount()).isZero();
    }

    @Test
    void servedPopsArePropagatedInTheirPlainForm() {
        Client[] c = new Client[8];
        for (int i = 0; i < c.length; i++) {
            c[i] = new Client(10 + i, 2);
        }
        assertThat(c[0].cmd("blpop", "q", "0")).isEmpty();
        assertThat(c[1].cmd("brpop", "q2", "0")).isEmpty();
        assertThat(c[2].cmd("blmove", "q3", "d", "LEFT", "RIGHT", "0")).isEmpty();
        assertThat(c[3].cmd("brpoplpush", "q4", "d", "0")).isEmpty();
        assertThat(c[4].cmd("blmpop", "0", "1", "q5", "RIGHT", "COUNT", "3")).isEmpty();
        assertThat(c[5].cmd("bzpopmin", "zq", "0")).isEmpty();
        assertThat(c[6].cmd("bzpopmax", "zq2", "0")).isEmpty();
        assertThat(c[7].cmd("bzmpop", "0", "1", "zq3", "MAX", "COUNT", "2")).isEmpty();
        assertThat(blocked.blockedCount()).isEqualTo(8);
        t.takeStream();

        push("rpush", "q", "1", "2");
        push("rpush", "q2", "1", "2");
        push("rpush", "q3", "1", "2");
        push("rpush", "q4", "1", "2");
        push("rpush", "q5", "1", "2", "3", "4");
        push("zadd", "zq", "1", "a", "2", "b");
        push("zadd", "zq2", "1", "a", "2", "b");
        push("zadd", "zq3", "1", "a", "2", "b", "3", "c");

        assertThat(t.takeStream()).containsExactly("SELECT 0",
                "rpush q 1 2", "LPOP q", "rpush q2 1 2", "RPOP q2", "rpush q3 1 2", "LMOVE q3 d left right",
                "rpush q4 1 2", "RPOPLPUSH q4 d", "rpush q5 1 2 3 4", "RPOP q5 3",
                "zadd zq 1 a 2 b", "ZPOPMIN zq", "zadd zq2 1 a 2 b", "ZPOPMAX zq2",
                "zadd zq3 1 a 2 b 3 c", "ZPOPMAX zq3 2");
        assertThat(c[0].reply.take()).isEqualTo("*2\r\n" + bulk("q") + bulk("1"));
        assertThat(c[1].reply.take()).isEqualTo("*2\r\n" + bulk("q2") + bulk("2"));
        assertThat(c[2].reply.take()).isEqualTo(bulk("1"));
        assertThat(c[3].reply.take()).isEqualTo(bulk("2"));
        assertThat(c[4].reply.take()).isEqualTo("*2\r\n" + bulk("q5") + "*3\r\n" + bulk("4") + bulk("3") + bulk("2"));
        assertThat(c[5].reply.take()).isEqualTo("*3\r\n" + bulk("zq") + bulk("a") + bulk("1"));
        assertThat(c[6].reply.take()).isEqualTo("*3\r\n" + bulk("zq2") + bulk("b") + bulk("2"));
        assertThat(c[7].reply.take()).isEqualTo("*2\r\n" + bulk("zq3") + "*2\r\n*2\r\n" + bulk("c") + bulk("3")
                + "*2\r\n" + bulk("b") + bulk("2"));
        assertThat(t.cmd("lrange", "d", "0", "-1")).isEqualTo("*2\r\n" + bulk("2") + bulk("1"));
        assertThat(blocked.blockedCount()).isZero();
        assertThat(unblocked).containsExactly(10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L);
    }

    @Test
    void servesFirstBlockedFirstWhileDataRemains() {
        Client a = new Client(10, 2);
        Client b = new Client(11, 2);
        Client c = new Client(12, 2);
        a.cmd("blpop", "k", "0");
        b.cmd("blpop", "other", "k", "0");
        c.cmd("brpop", "k", "0");
        push("rpush", "k", "x", "y");
        assertThat(a.reply.take()).isEqualTo("*2\r\n" + bulk("k") + bulk("x"));
        assertThat(b.reply.take()).isEqualTo("*2\r\n" + bulk("k") + bulk("y"));
        assertThat(c.reply.take()).isEmpty();
        assertThat(blocked.isBlocked(c.session)).isTrue();
        assertThat(t.cmd("exists", "k")).isEqualTo(":0\r\n");
        push("lpush", "k", "z");
        assertThat(c.reply.take()).isEqualTo("*2\r\n" + bulk("k") + bulk("z"));
    }

    @Test
    void chainedBlmoveServesTheNextWaiter() {
        Client mover = new Client(10, 2);
        Client popper = new Client(11, 2);
        mover.cmd("blmove", "src", "dst", "RIGHT", "LEFT", "0");
        popper.cmd("blpop", "dst", "0");
        t.takeStream();
        push("rpush", "src", "v");
        assertThat(mover.reply.take()).isEqualTo(bulk("v"));
        assertThat(popper.reply.take()).isEqualTo("*2\r\n" + bulk("dst") + bulk("v"));
        assertThat(t.takeStream()).containsExactly("SELECT 0", "rpush src v", "LMOVE src dst right left", "LPOP dst");
    }

    @Test
    void wrongTypeKeepsWaiting() {
        Client a = new Client(10, 2);
        a.cmd("blpop", "k", "0");
        push("set", "k", "str");
        assertThat(a.reply.take()).isEmpty();
        assertThat(blocked.isBlocked(a.session)).isTrue();
        push("del", "k");
        push("rpush", "k", "1");
        assertThat(a.reply.take()).isEqualTo("*2\r\n" + bulk("k") + bulk("1"));
    }

    @Test
    void timeoutsRepliesNullAndDeadlineIsSubSecond() {
        Client a = new Client(10, 2);
        Client b = new Client(11, 3);
        Client c = new Client(12, 2);
        a.cmd("blmove", "k", "d", "LEFT", "LEFT", "0.1");
        b.cmd("blpop", "k", "0.25");
        c.cmd("bzpopmin", "k2", "0");
        assertThat(blocked.nextDeadlineMs()).isEqualTo(TestEngine.START + 100);
        assertThat(blocked.expire(TestEngine.START + 99)).isZero();
        assertThat(blocked.expire(TestEngine.START + 100)).isEqualTo(1);
        assertThat(a.reply.take()).isEqualTo("*-1\r\n");
        assertThat(blocked.nextDeadlineMs()).isEqualTo(TestEngine.START + 250);
        blocked.expire(TestEngine.START + 10_000);
        assertThat(b.reply.take()).isEqualTo("_\r\n");
        assertThat(blocked.isBlocked(c.session)).isTrue();
        assertThat(blocked.nextDeadlineMs()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void timeoutArgumentErrors() {
        assertThat(t.cmd("blpop", "k", "abc")).isEqualTo(err("ERR timeout is not a float or out of range"));
        assertThat(t.cmd("blpop", "k", "nan")).isEqualTo(err("ERR timeout is not a float or out of range"));
        assertThat(t.cmd("blpop", "k", "-1")).isEqualTo(err("ERR timeout is negative"));
        assertThat(t.cmd("blpop", "k", "inf")).isEqualTo(err("ERR timeout is negative"));
        assertThat(t.cmd("blpop", "k", "1e20")).isEqualTo(err("ERR timeout is negative"));
        assertThat(t.cmd("blmpop", "x", "1", "k", "LEFT")).isEqualTo(err("ERR timeout is not a float or out of range"));
        assertThat(t.cmd("blmpop", "0", "0", "k", "LEFT")).isEqualTo(err("ERR numkeys should be greater than 0"));
        assertThat(t.cmd("blmove", "k", "d", "UP", "LEFT", "0")).isEqualTo(err("ERR syntax error"));
        t.cmd("set", "s", "x");
        assertThat(t.cmd("blpop", "s", "0")).isEqualTo(err("WRONGTYPE Operation against a key holding the wrong kind of value"));
        assertThat(t.cmd("bzpopmin", "s", "0")).isEqualTo(err("WRONGTYPE Operation against a key holding the wrong kind of value"));
        t.cmd("rpush", "l", "1");
        assertThat(t.cmd("blmove", "l", "s", "LEFT", "LEFT", "0")).isEqualTo(err("WRONGTYPE Operation against a key holding the wrong kind of value"));
        assertThat(blocked.blockedCount()).isZero();
        // Hexadecimal, as strtold reads it.
        t.cmd("blpop", "k", "0x10");
        assertThat(blocked.nextDeadlineMs()).isEqualTo(TestEngine.START + 16_000);
        blocked.remove(t.session);
        assertThat(t.cmd("blpop", "k", "0xg")).isEqualTo(err("ERR timeout is not a float or out of range"));
        // 0.00001 s rounds up to 1 ms, like Redis.
        t.cmd("blpop", "k", "0.00001");
        assertThat(blocked.nextDeadlineMs()).isEqualTo(TestEngine.START + 1);
    }

    @Test
    void whereBlockingIsDeniedRepliesAsRedisDoesInMulti() {
        blocked.setDenyBlocking(s -> true);
        assertThat(t.cmd("blpop", "k", "0")).isEqualTo("*-1\r\n");
        assertThat(t.cmd("blmove", "k", "d", "LEFT", "LEFT", "0")).isEqualTo("$-1\r\n");
        assertThat(t.cmd("brpoplpush", "k", "d", "0")).isEqualTo("$-1\r\n");
        assertThat(t.cmd("bzpopmin", "k", "0")).isEqualTo("*-1\r\n");
        assertThat(t.cmd("blmpop", "0", "1", "k", "LEFT")).isEqualTo("*-1\r\n");
        assertThat(t.cmd("bzmpop", "0", "1", "k", "MIN")).isEqualTo("*-1\r\n");
        assertThat(blocked.blockedCount()).isZero();
    }

    @Test
    void unblockAndRemove() {
        Client a = new Client(10, 2);
        Client b = new Client(11, 2);
        Client c = new Client(12, 2);
        a.cmd("blpop", "k", "0");
        b.cmd("blpop", "k", "0");
        c.cmd("blpop", "k", "0");
        assertThat(blocked.unblock(a.session, false)).isTrue();
        assertThat(a.reply.take()).isEqualTo("*-1\r\n");
        assertThat(blocked.unblock(b.session, true)).isTrue();
        assertThat(b.reply.take()).isEqualTo("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
        assertThat(blocked.unblock(b.session, true)).isFalse();
        assertThat(blocked.remove(c.session)).isTrue();
        push("rpush", "k", "1");
        assertThat(c.reply.take()).isEmpty();
        assertThat(t.cmd("llen", "k")).isEqualTo(":1\r\n");
        assertThat(unblocked).containsExactly(10L, 11L);
    }

    @Test
    void flushAndSwapdbWakeWaiters() {
        Client a = new Client(10, 2);
        a.cmd("blpop", "k", "0");
        t.cmd("select", "1");
        t.cmd("rpush", "k", "v");
        push("swapdb", "0", "1");
        assertThat(a.reply.take()).isEqualTo("*2\r\n" + bulk("k") + bulk("v"));
    }

    @Test
    void anyWriteThatFillsTheKeyWakesTheWaiterInResp3() {
        Client a = new Client(10, 3);
        Client b = new Client(11, 3);
        a.cmd("bzpopmin", "z", "0");
        b.cmd("blmpop", "0", "2", "x", "l", "RIGHT", "COUNT", "5");
        t.cmd("zadd", "tmp", "1.5", "m");
        push("rename", "tmp", "z");
        assertThat(a.reply.take()).isEqualTo("*3\r\n" + bulk("z") + bulk("m") + ",1.5\r\n");
        t.cmd("rpush", "src", "1", "2");
        push("copy", "src", "l");
        assertThat(b.reply.take()).isEqualTo("*2\r\n" + bulk("l") + "*2\r\n" + bulk("2") + bulk("1"));
        assertThat(blocked.blockedCount()).isZero();
    }

    @Test
    void aKeyListedTwiceIsServedOnce() {
        Client a = new Client(10, 2);
        Client b = new Client(11, 2);
        a.cmd("blpop", "k", "k", "0");
        b.cmd("blpop", "k", "0");
        push("rpush", "k", "1", "2", "3");
        assertThat(a.reply.take()).isEqualTo("*2\r\n" + bulk("k") + bulk("1"));
        assertThat(b.reply.take()).isEqualTo("*2\r\n" + bulk("k") + bulk("2"));
        assertThat(t.cmd("llen", "k")).isEqualTo(":1\r\n");
    }
}
