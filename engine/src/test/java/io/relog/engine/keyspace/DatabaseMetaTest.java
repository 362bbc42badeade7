package io.relog.engine.keyspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The metadata word: access data changes on reads, value flags only on writes. */
class DatabaseMetaTest {

    private static byte[] k(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void touchKeepsValueFlags() {
        Database db = new Database(0);
        int flag = 1 << 24;
        db.put(k("a"), k("v"), 100 | flag, false);
        assertThat(db.getAndTouch(k("a"), 200)).isEqualTo(k("v"));
        assertThat(db.accessMeta(k("a"))).isEqualTo(200 | flag);
        assertThat(db.getAndTouch(k("missing"), 200)).isNull();
        db.put(k("a"), k("w"), 300, false);
        assertThat(db.accessMeta(k("a"))).isEqualTo(300);
    }

    @Test
    void maskedTouchOnChampMap() {
        ChampMap m = new ChampMap();
        m.put(k("x"), "v", 0xAB00_0012);
        assertThat(m.touch(k("x"), 0x0000_0034, 0x0000_00ff)).isEqualTo("v");
        assertThat(m.meta(k("x"))).isEqualTo(0xAB00_0034);
        assertThat(m.touch(k("y"), 1, -1)).isNull();
    }
}
