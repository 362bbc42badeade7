package io.relog.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.relog.engine.propagation.KeyspaceObserver;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The keys observers hear about are the keys each write changed, whatever the command. */
class ModifiedKeysTest {

    private final List<String> heard = new ArrayList<>();

    private TestEngine engine() {
        TestEngine t = new TestEngine();
        t.engine.addObserver(new KeyspaceObserver() {
            @Override
            public void keyModified(int db, byte[] key) {
                heard.add(db + ":" + new String(key, StandardCharsets.UTF_8));
            }

            @Override
            public void databaseModified(int db) {
                heard.add(db + ":*");
            }
        });
        return t;
    }

    private List<String> after(TestEngine t, String... cmd) {
        heard.clear();
        t.cmd(cmd);
        return List.copyOf(heard);
    }

    @Test
    void writesReportTheKeysTheyChanged() {
        TestEngine t = engine();
        assertThat(after(t, "SET", "a", "1")).containsExactly("0:a");
        assertThat(after(t, "GET", "a")).isEmpty();
        assertThat(after(t, "SET", "b", "1", "NX")).containsExactly("0:b");
        assertThat(after(t, "SET", "b", "2", "NX")).isEmpty(); // no change, nothing propagated
        assertThat(after(t, "MSET", "c", "1", "d", "2")).containsExactly("0:c", "0:d");
        assertThat(after(t, "RENAME", "c", "e")).containsExactly("0:c", "0:e");
        assertThat(after(t, "RPUSH", "l", "x", "y")).containsExactly("0:l");
        assertThat(after(t, "LMOVE", "l", "m", "LEFT", "RIGHT")).containsExactly("0:l", "0:m");
        assertThat(after(t, "SADD", "s1", "x")).containsExactly("0:s1");
        assertThat(after(t, "SADD", "s2", "x")).containsExactly("0:s2");
        assertThat(after(t, "SINTERSTORE", "dst", "s1", "s2")).containsExactly("0:dst");
        assertThat(after(t, "COPY", "a", "z", "DB", "3")).containsExactly("3:z");
        assertThat(after(t, "MOVE", "a", "2")).containsExactly("0:a", "2:a");
        // DEL propagates as the client sent it (as Redis does), so a key that did not exist is
        // reported too: for WATCH a conservative false positive.
        assertThat(after(t, "DEL", "b", "d", "missing")).containsExactly("0:b", "0:d", "0:missing");
        assertThat(after(t, "DEL", "missing")).isEmpty();
        assertThat(after(t, "SWAPDB", "0", "1")).containsExactly("0:*", "1:*");
        assertThat(after(t, "FLUSHDB")).containsExactly("0:*");
        assertThat(after(t, "FLUSHALL")).hasSize(16).allMatch(s -> s.endsWith(":*"));
    }

    @Test
    void expiryIsAChangeToo() {
        TestEngine t = engine();
        t.cmd("SET", "k", "v", "PX", "100");
        t.advance(200);
        assertThat(after(t, "GET", "k")).containsExactly("0:k");
    }
}
