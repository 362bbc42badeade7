package io.relog.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.relog.engine.keyspace.Database;
import io.relog.engine.types.HashValue;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A frozen engine view must not change when a collection moves between databases and is then
 * edited: MOVE keeps the nodes its old database owned, so this holds only because
 * {@link Engine#freeze()} replaces every database's token together.
 */
class FreezeAcrossDatabasesTest {

    private static int fields(Database db, String key) {
        Object v = db.peek(key.getBytes(StandardCharsets.UTF_8));
        return v == null ? -1 : ((HashValue) v).size();
    }

    @Test
    void movedCollectionEditedAfterFreezeLeavesTheViewAlone() {
        TestEngine t = new TestEngine();
        String[] hset = new String[2 + 2 * 600]; // past the listpack limit: a hash trie
        hset[0] = "HSET";
        hset[1] = "h";
        for (int i = 0; i < 600; i++) {
            hset[2 + 2 * i] = "f" + i;
            hset[3 + 2 * i] = "v" + i;
        }
        t.cmd(hset);
        assertThat(t.cmd("OBJECT", "ENCODING", "h")).isEqualTo(TestEngine.bulk("hashtable"));
        t.cmd("MOVE", "h", "1");

        Database[] views = t.engine.freeze();
        assertThat(fields(views[1], "h")).isEqualTo(600);

        // Move it back into db 0 and edit it there; then edit it again in db 1.
        t.cmd("SELECT", "1");
        t.cmd("MOVE", "h", "0");
        t.cmd("SELECT", "0");
        t.cmd("HSET", "h", "extra", "x");
        t.cmd("HDEL", "h", "f1", "f2", "f3");
        t.cmd("MOVE", "h", "1");
        t.cmd("SELECT", "1");
        t.cmd("HSET", "h", "more", "y");

        assertThat(fields(views[1], "h")).isEqualTo(600);
        assertThat(fields(views[0], "h")).isEqualTo(-1);
        assertThat(((HashValue) views[1].peek("h".getBytes(StandardCharsets.UTF_8))).size()).isEqualTo(600);
        assertThat(t.cmd("HLEN", "h")).isEqualTo(TestEngine.integer(599));
    }
}
