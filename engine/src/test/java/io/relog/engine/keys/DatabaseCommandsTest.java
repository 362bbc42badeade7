package io.relog.engine.keys;

import static io.relog.engine.TestEngine.NIL;
import static io.relog.engine.TestEngine.OK;
import static io.relog.engine.TestEngine.START;
import static io.relog.engine.TestEngine.bulk;
import static io.relog.engine.TestEngine.err;
import static io.relog.engine.TestEngine.integer;
import static org.assertj.core.api.Assertions.assertThat;

import io.relog.engine.TestEngine;
import io.relog.engine.command.Errors;
import org.junit.jupiter.api.Test;

class DatabaseCommandsTest {

    private final TestEngine t = new TestEngine();

    @Test
    void selectAndDbsize() {
        assertThat(t.cmd("SELECT", "99")).isEqualTo(err(Errors.DB_INDEX_OUT_OF_RANGE));
        assertThat(t.cmd("SELECT", "-1")).isEqualTo(err(Errors.DB_INDEX_OUT_OF_RANGE));
        assertThat(t.cmd("SELECT", "abc")).isEqualTo(err(Errors.NOT_INTEGER));
        t.cmd("MSET", "a", "1", "b", "2");
        assertThat(t.cmd("DBSIZE")).isEqualTo(integer(2));
        assertThat(t.cmd("SELECT", "3")).isEqualTo(OK);
        assertThat(t.cmd("DBSIZE")).isEqualTo(integer(0));
        t.cmd("SET", "c", "3");
        assertThat(t.takeStream()).containsExactly("SELECT 0", "MSET a 1 b 2", "SELECT 3", "SET c 3");
    }

    @Test
    void flushdbAndFlushallAlwaysPropagate() {
        assertThat(t.cmd("FLUSHDB")).isEqualTo(OK);
        assertThat(t.cmd("FLUSHALL", "ASYNC")).isEqualTo(OK);
        assertThat(t.cmd("FLUSHDB", "foo")).isEqualTo(err(Errors.SYNTAX));
        assertThat(t.cmd("FLUSHALL", "SYNC", "ASYNC")).isEqualTo(err(Errors.SYNTAX));
        assertThat(t.takeStream()).containsExactly("SELECT 0", "FLUSHDB", "FLUSHALL ASYNC");
        t.cmd("SET", "a", "1");
        t.cmd("SELECT", "1");
        t.cmd("SET", "b", "1");
        assertThat(t.cmd("FLUSHDB", "sync")).isEqualTo(OK);
        t.cmd("SELECT", "0");
        assertThat(t.cmd("DBSIZE")).isEqualTo(integer(1));
        t.cmd("SELECT", "1");
        t.cmd("SET", "b", "1");
        assertThat(t.cmd("FLUSHALL")).isEqualTo(OK);
        assertThat(t.engine.db(0).size() + t.engine.db(1).size()).isZero();
    }

    @Test
    void swapdb() {
        t.cmd("SET", "a", "zero", "EX", "100");
        assertThat(t.cmd("SWAPDB", "0", "1")).isEqualTo(OK);
        assertThat(t.cmd("GET", "a")).isEqualTo(NIL);
        t.cmd("SELECT", "1");
        assertThat(t.cmd("GET", "a")).isEqualTo(bulk("zero"));
        assertThat(t.cmd("TTL", "a")).isEqualTo(integer(100));
        assertThat(t.cmd("SWAPDB", "1", "1")).isEqualTo(OK);
        assertThat(t.cmd("SWAPDB", "a", "1")).isEqualTo(err("ERR invalid first DB index"));
        assertThat(t.cmd("SWAPDB", "0", "b")).isEqualTo(err("ERR invalid second DB index"));
        assertThat(t.cmd("SWAPDB", "0", "99")).isEqualTo(err(Errors.DB_INDEX_OUT_OF_RANGE));
        assertThat(t.cmd("SWAPDB", "0", "-1")).isEqualTo(err(Errors.DB_INDEX_OUT_OF_RANGE));
        assertThat(t.takeStream()).containsExactly("SELECT 0", "SET a zero PXAT " + (START + 100_000),
                "SWAPDB 0 1", "SELECT 1", "SWAPDB 1 1");
    }

    @Test
    void move() {
        t.cmd("SET", "k", "v", "EX", "100");
        t.takeStream();
        assertThat(t.cmd("MOVE", "k", "0")).isEqualTo(err("ERR source and destination objects are the same"));
        assertThat(t.cmd("MOVE", "k", "99")).isEqualTo(err(Errors.DB_INDEX_OUT_OF_RANGE));
        assertThat(t.cmd("MOVE", "k", "abc")).isEqualTo(err(Errors.NOT_INTEGER));
        assertThat(t.cmd("MOVE", "nokey", "1")).isEqualTo(integer(0));
        assertThat(t.cmd("MOVE", "k", "1")).isEqualTo(integer(1));
        assertThat(t.cmd("EXISTS", "k")).isEqualTo(integer(0));
        t.cmd("SET", "k", "again");
        assertThat(t.cmd("MOVE", "k", "1")).isEqualTo(integer(0));
        t.cmd("SELECT", "1");
        assertThat(t.cmd("GET", "k")).isEqualTo(bulk("v"));
        assertThat(t.cmd("TTL", "k")).isEqualTo(integer(100));
        assertThat(t.takeStream()).containsExactly("MOVE k 1", "SET k again");
    }

    @Test
    void time() {
        t.now = 1_700_000_000_123L;
        assertThat(t.cmd("TIME")).isEqualTo("*2\r\n" + bulk("1700000000") + bulk("123000"));
    }
}
