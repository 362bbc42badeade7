package io.relog.engine.transaction;

import static io.relog.engine.TestEngine.bulk;
import static io.relog.engine.TestEngine.err;
import static io.relog.engine.TestEngine.integer;
import static org.assertj.core.api.Assertions.assertThat;

import io.relog.engine.RecordingReply;
import io.relog.engine.Session;
import io.relog.engine.TestEngine;
import io.relog.engine.command.CommandSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** MULTI/EXEC/DISCARD/WATCH with Redis 7.0.15's exact replies and propagated form. */
class TransactionTest {

    private static final String OK = "+OK\r\n";
    private static final String QUEUED = "+QUEUED\r\n";
    private static final String NULL_ARRAY = "*-1\r\n";

    private final TestEngine t = new TestEngine();
    private final Session other = new Session(2);
    private final RecordingReply otherReply = new RecordingReply();

    /** Runs a command as a second client. */
    private String other(String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            argv[i] = args[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        t.engine.execute(other, argv, otherReply);
        return otherReply.take();
    }

    @Test
    void queuesAndExecutes() {
        assertThat(t.cmd("MULTI")).isEqualTo(OK);
        assertThat(t.session.inTransaction()).isTrue();
        assertThat(t.cmd("SET", "a", "1")).isEqualTo(QUEUED);
        assertThat(t.cmd("INCR", "a")).isEqualTo(QUEUED);
        assertThat(t.cmd("LPUSH", "a", "x")).isEqualTo(QUEUED);
        assertThat(t.cmd("GET", "a")).isEqualTo(QUEUED);
        assertThat(other("GET", "a")).isEqualTo("$-1\r\n");
        assertThat(t.cmd("EXEC")).isEqualTo("*4\r\n" + OK + integer(2)
                + err("WRONGTYPE Operation against a key holding the wrong kind of value") + bulk("2"));
        assertThat(t.session.inTransaction()).isFalse();
        assertThat(t.cmd("GET", "a")).isEqualTo(bulk("2"));
    }

    @Test
    void errorsOutsideAndInside() {
        assertThat(t.cmd("EXEC")).isEqualTo(err("ERR EXEC without MULTI"));
        assertThat(t.cmd("DISCARD")).isEqualTo(err("ERR DISCARD without MULTI"));
        t.cmd("MULTI");
        assertThat(t.cmd("MULTI")).isEqualTo(err("ERR MULTI calls can not be nested"));
        assertThat(t.cmd("WATCH", "x")).isEqualTo(err("ERR WATCH inside MULTI is not allowed"));
        assertThat(t.cmd("SET", "a", "1")).isEqualTo(QUEUED);
        // Neither error above dooms the transaction.
        assertThat(t.cmd("EXEC")).isEqualTo("*1\r\n" + OK);
    }

    @Test
    void queueErrorsAbortExec() {
        t.cmd("MULTI");
        assertThat(t.cmd("SET", "a")).isEqualTo(err("ERR wrong number of arguments for 'set' command"));
        assertThat(t.cmd("FOO")).isEqualTo(err("ERR unknown command 'FOO', with args beginning with: "));
        assertThat(t.cmd("SET", "b", "1")).isEqualTo(QUEUED);
        assertThat(t.cmd("EXEC")).isEqualTo(err("EXECABORT Transaction discarded because of previous errors."));
        assertThat(t.session.inTransaction()).isFalse();
        assertThat(t.cmd("GET", "b")).isEqualTo("$-1\r\n");
        assertThat(t.takeStream()).isEmpty();
    }

    @Test
    void noMultiCommandsAreRefusedAndAbort() {
        t.engine.commands().register(CommandSpec.of("save", 1, "admin noscript no_async_loading no_multi", 0, 0, 0,
                "admin slow dangerous", "server", "1.0.0", "test", (e, s, a, r) -> r.ok()));
        t.cmd("MULTI");
        assertThat(t.cmd("SAVE")).isEqualTo(err("ERR Command not allowed inside a transaction"));
        assertThat(t.cmd("EXEC")).isEqualTo(err("EXECABORT Transaction discarded because of previous errors."));
    }

    @Test
    void discardDropsQueueAndWatches() {
        t.cmd("WATCH", "w");
        t.cmd("MULTI");
        t.cmd("SET", "a", "1");
        assertThat(t.cmd("DISCARD")).isEqualTo(OK);
        assertThat(t.cmd("GET", "a")).isEqualTo("$-1\r\n");
        other("SET", "w", "1");
        t.cmd("MULTI");
        t.cmd("SET", "a", "1");
        assertThat(t.cmd("EXEC")).isEqualTo("*1\r\n" + OK);
        assertThat(t.engine.watchedKeys().size()).isZero();
    }

    @Test
    void watchBrokenByAnotherClient() {
        t.cmd("SET", "k", "1");
        assertThat(t.cmd("WATCH", "k")).isEqualTo(OK);
        other("SET", "k", "2");
        t.cmd("MULTI");
        t.cmd("SET", "k", "3");
        assertThat(t.cmd("EXEC")).isEqualTo(NULL_ARRAY);
        assertThat(t.cmd("GET", "k")).isEqualTo(bulk("2"));
        // The watch is gone after EXEC.
        t.cmd("MULTI");
        t.cmd("SET", "k", "3");
        assertThat(t.cmd("EXEC")).isEqualTo("*1\r\n" + OK);
    }

    @Test
    void watchBrokenByOwnWriteBeforeMulti() {
        t.cmd("WATCH", "k");
        t.cmd("SET", "k", "1");
        t.cmd("MULTI");
        t.cmd("GET", "k");
        assertThat(t.cmd("EXEC")).isEqualTo(NULL_ARRAY);
    }

    @Test
    void watchInOtherDatabaseIsNotBroken() {
        t.cmd("WATCH", "k");
        other.select(1);
        other("SET", "k", "2");
        t.cmd("MULTI");
        t.cmd("EXISTS", "nx");
        t.cmd("SET", "x", "1");
        assertThat(t.cmd("EXEC")).isEqualTo("*2\r\n" + integer(0) + OK);
    }

    @Test
    void unwatchClearsAndNoOpWritesDoNotBreak() {
        t.cmd("WATCH", "k");
        other("SET", "k", "2");
        assertThat(t.cmd("UNWATCH")).isEqualTo(OK);
        t.cmd("WATCH", "missing");
        other("DEL", "missing");           // nothing deleted: no change
        other("FLUSHALL");                 // key did not exist: no change
        t.cmd("MULTI");
        t.cmd("SET", "x", "1");
        assertThat(t.cmd("EXEC")).isEqualTo("*1\r\n" + OK);
    }

    @Test
    void flushAndSwapBreakOnlyWhenKeyExistsBeforeOrAfter() {
        t.cmd("SET", "k", "1");
        t.cmd("WATCH", "k");
        other("FLUSHDB");
        t.cmd("MULTI");
        t.cmd("EXISTS", "nx");
        assertThat(t.cmd("EXEC")).isEqualTo(NULL_ARRAY);

        other.select(1);
        other("SET", "k", "in1");
        t.cmd("WATCH", "k");
        other("SWAPDB", "0", "1");       // k appears in db 0
        t.cmd("MULTI");
        t.cmd("EXISTS", "nx");
        assertThat(t.cmd("EXEC")).isEqualTo(NULL_ARRAY);
    }

    /** Cases recorded on redis-server 7.0.15 (active expiry off) where nothing logically changed. */
    @Test
    void noLogicalChangeKeepsTheWatch() {
        t.cmd("SET", "k", "1", "PX", "50");
        t.advance(100);
        t.cmd("WATCH", "k");
        other("FLUSHALL");                  // an already-expired key flushed
        t.cmd("MULTI");
        t.cmd("EXISTS", "nx");
        assertThat(t.cmd("EXEC")).isEqualTo("*1\r\n" + integer(0));

        other.select(1);
        other("SET", "z", "1");
        t.cmd("WATCH", "k");
        other("SWAPDB", "0", "1");         // k neither before nor after
        other("SET", "y", "1");
        other.select(0);
        other("DEL", "k", "z");            // deletes z only
        other("SORT", "nolist", "STORE", "k"); // empty result, nothing to delete
        t.cmd("MULTI");
        t.cmd("EXISTS", "nx");
        assertThat(t.cmd("EXEC")).isEqualTo("*1\r\n" + integer(0));
    }

    @Test
    void keyExpiringAfterWatchBreaks() {
        t.cmd("SET", "k", "1", "PX", "100");
        t.cmd("WATCH", "k");
        t.advance(200); // expired, not yet deleted
        t.cmd("MULTI");
        t.cmd("EXISTS", "nx");
        assertThat(t.cmd("EXEC")).isEqualTo(NULL_ARRAY);
    }

    @Test
    void keyAlreadyExpiredAtWatchIsNotBrokenByItsDeletion() {
        t.cmd("SET", "k", "1", "PX", "100");
        t.advance(200);
        t.cmd("WATCH", "k");
        assertThat(t.cmd("GET", "k")).isEqualTo("$-1\r\n"); // lazily deleted: DEL propagated
        t.cmd("MULTI");
        t.cmd("EXISTS", "nx");
        assertThat(t.cmd("EXEC")).isEqualTo("*1\r\n" + integer(0));

        t.cmd("SET", "k", "1", "PX", "100");
        t.advance(200);
        t.cmd("WATCH", "k");
        other("SET", "k", "new");
        t.cmd("MULTI");
        t.cmd("EXISTS", "nx");
        assertThat(t.cmd("EXEC")).isEqualTo(NULL_ARRAY);
    }

    @Test
    void watchBrokenByAnythingPropagated() {
        t.cmd("SET", "k", "1");
        t.cmd("WATCH", "k");
        // A replica applying its master's stream reports the write through Engine.propagate.
        t.engine.propagate(0, new byte[][] {"SET".getBytes(), "k".getBytes(), "v".getBytes()});
        t.cmd("MULTI");
        t.cmd("EXISTS", "nx");
        assertThat(t.cmd("EXEC")).isEqualTo(NULL_ARRAY);
    }

    @Test
    void execNullArrayInResp3() {
        TestEngine t3 = new TestEngine(16, 3);
        t3.cmd("WATCH", "k");
        t3.cmd("SET", "k", "1");
        t3.cmd("MULTI");
        assertThat(t3.cmd("EXEC")).isEqualTo("_\r\n");
    }

    @Test
    void propagationWrapsTwoOrMoreWritesOnly() {
        t.takeStream();
        t.cmd("MULTI");
        t.cmd("SET", "a", "1");
        t.cmd("GET", "a");
        t.cmd("EXEC");
        assertThat(t.takeStream()).containsExactly("SELECT 0", "SET a 1");

        t.cmd("MULTI");
        t.cmd("SET", "a", "1");
        t.cmd("INCR", "a");
        t.cmd("EXEC");
        assertThat(t.takeStream()).containsExactly("MULTI", "SET a 1", "INCR a", "EXEC");

        t.cmd("MULTI");
        t.cmd("GET", "a");
        t.cmd("INCR", "nothere");
        t.cmd("LPUSH", "a", "x"); // fails: not propagated
        t.cmd("EXEC");
        assertThat(t.takeStream()).containsExactly("INCR nothere");

        t.cmd("MULTI");
        t.cmd("GET", "a");
        t.cmd("EXEC");
        assertThat(t.takeStream()).isEmpty();
    }

    @Test
    void propagationPlacesSelectLikeRedis() {
        t.session.select(3);
        t.cmd("SET", "x", "0");
        t.takeStream();
        t.session.select(5);
        t.cmd("MULTI");
        t.cmd("SET", "a", "1");
        t.cmd("SET", "b", "2");
        t.cmd("EXEC");
        t.cmd("SET", "c", "3");
        assertThat(t.takeStream()).containsExactly("SELECT 5", "MULTI", "SET a 1", "SET b 2", "EXEC", "SET c 3");
    }

    @Test
    void expiryDeleteCountsAsAPropagatedWrite() {
        t.cmd("SET", "e", "1", "PX", "100");
        t.takeStream();
        t.advance(200);
        t.cmd("MULTI");
        t.cmd("GET", "e");
        t.cmd("SET", "z", "1");
        t.cmd("EXEC");
        assertThat(t.takeStream()).containsExactly("MULTI", "DEL e", "SET z 1", "EXEC");
    }

    @Test
    void queuedArgumentsAreKeptAsSent() {
        t.cmd("MULTI");
        t.cmd("RPUSH", "l", "a", "b");
        List<String> none = t.takeStream();
        assertThat(none).isEmpty();
        assertThat(t.cmd("EXEC")).isEqualTo("*1\r\n" + integer(2));
    }
}
