package io.relog.frontend.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;

/**
 * Keys with short TTLs disappear: lazily when read, and actively without being read (DBSIZE and
 * the expired_keys counter drop). Conditions are awaited, never slept for.
 */
class ExpiryIT extends AbstractServerIT {

    private static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ofMillis(10)).pollInterval(Duration.ofMillis(20));
    }

    @Test
    void keyWithShortPxTtlDisappearsWhenRead() {
        call("SET", "k", "v", "PX", "100");
        assertThat((Long) call("PTTL", "k")).isBetween(1L, 100L);
        eventually().until(() -> call("GET", "k") == null);
        assertThat(call("EXISTS", "k")).isEqualTo(0L);
        assertThat(call("TTL", "k")).isEqualTo(-2L);
        assertThat(call("PTTL", "k")).isEqualTo(-2L);
        assertThat(call("EXPIRETIME", "k")).isEqualTo(-2L);
    }

    @Test
    void keysExpireWithoutBeingRead() {
        call("CONFIG", "RESETSTAT");
        call("SET", "persistent", "v");
        for (int i = 0; i < 50; i++) {
            call("SET", "short:" + i, "v", "PX", "100");
        }
        call("SELECT", "5");
        for (int i = 0; i < 10; i++) {
            call("SET", "other-db:" + i, "v", "PX", "100");
        }
        call("SELECT", "0");
        assertThat(call("DBSIZE")).isEqualTo(51L);
        // DBSIZE counts keys still in the table: it drops only when the active cycle deletes them.
        eventually().until(() -> (Long) call("DBSIZE") == 1L);
        eventually().until(() -> ServerCommandsIT.infoFields((String) call("INFO", "stats")).get("expired_keys").equals("60"));
        assertThat(ServerCommandsIT.infoFields((String) call("INFO", "keyspace")))
                .containsEntry("db0", "keys=1,expires=0,avg_ttl=0").doesNotContainKey("db5");
        call("SELECT", "5");
        assertThat(call("DBSIZE")).isEqualTo(0L);
    }

    @Test
    void everyWayOfSettingATtlExpires() {
        long nowMs = System.currentTimeMillis();
        call("SET", "ex", "v", "EX", "1");
        call("SET", "px", "v", "PX", "150");
        call("SET", "pxat", "v", "PXAT", Long.toString(nowMs + 150));
        call("SETEX", "setex", "1", "v");
        call("PSETEX", "psetex", "150", "v");
        call("SET", "pexpire", "v");
        call("PEXPIRE", "pexpire", "150");
        call("SET", "pexpireat", "v");
        call("PEXPIREAT", "pexpireat", Long.toString(nowMs + 150));
        call("SET", "getex", "v");
        call("GETEX", "getex", "PX", "150");
        call("SET", "src", "v", "PX", "150");
        call("COPY", "src", "copy");
        call("SET", "stays", "v");
        eventually().until(() -> (Long) call("DBSIZE") == 1L);
        assertThat(call("KEYS", "*")).isEqualTo(List.of("stays"));
    }

    @Test
    void expiredKeyIsInvisibleToEveryReadAndCanBeRecreated() {
        call("SET", "k", "41", "PX", "50");
        eventually().until(() -> (Long) call("EXISTS", "k") == 0L);
        assertThat(call("MGET", "k")).isEqualTo(Arrays.asList((Object) null));
        assertThat(call("STRLEN", "k")).isEqualTo(0L);
        assertThat(call("TYPE", "k")).isEqualTo("none");
        assertThat(call("KEYS", "*")).isEqualTo(List.of());
        assertThat(call("RANDOMKEY")).isNull();
        assertThat(call("SET", "k", "new", "NX")).isEqualTo("OK");
        assertThat(call("TTL", "k")).as("a recreated key has no TTL").isEqualTo(-1L);
        call("SET", "n", "41", "PX", "50");
        eventually().until(() -> (Long) call("EXISTS", "n") == 0L);
        assertThat(call("INCR", "n")).as("INCR after expiry starts from zero").isEqualTo(1L);
        call("SET", "a", "x", "PX", "50");
        eventually().until(() -> (Long) call("EXISTS", "a") == 0L);
        assertThat(call("APPEND", "a", "y")).isEqualTo(1L);
        call("SET", "r", "x", "PX", "50");
        eventually().until(() -> (Long) call("EXISTS", "r") == 0L);
        assertThat(error("RENAME", "r", "r2")).isEqualTo("ERR no such key");
    }

    @Test
    void persistAndSetWithoutKeepttlStopExpiry() {
        call("SET", "persisted", "v", "PX", "200");
        call("PERSIST", "persisted");
        call("SET", "overwritten", "v", "PX", "200");
        call("SET", "overwritten", "w");
        call("SET", "kept", "v", "PX", "200");
        call("SET", "kept", "w", "KEEPTTL");
        eventually().until(() -> (Long) call("EXISTS", "kept") == 0L);
        assertThat(call("MGET", "persisted", "overwritten")).isEqualTo(List.of("v", "w"));
        assertThat(call("DBSIZE")).isEqualTo(2L);
    }

    @Test
    void ttlCountsDown() {
        call("SET", "k", "v", "PX", "2000");
        long first = (Long) call("PTTL", "k");
        eventually().until(() -> (Long) call("PTTL", "k") < first - 100);
        assertThat((Long) call("PTTL", "k")).isPositive();
    }

    @Test
    void ttlTravelsWithRenameMoveAndSwapdb() {
        call("SET", "renamed-from", "v", "PX", "150");
        call("RENAME", "renamed-from", "renamed");
        call("SET", "moved", "v", "PX", "150");
        call("MOVE", "moved", "1");
        call("SELECT", "2");
        call("SET", "swapped", "v", "PX", "150");
        call("SET", "stays-in-2", "v");
        call("SWAPDB", "2", "3");
        call("SELECT", "0");
        // Nobody reads them: the active cycle must find each in its new place.
        eventually().until(() -> ServerCommandsIT.infoFields((String) call("INFO", "keyspace"))
                .equals(Map.of("db3", "keys=1,expires=0,avg_ttl=0")));
        call("SELECT", "3");
        assertThat(call("KEYS", "*")).isEqualTo(List.of("stays-in-2"));
    }
}
