package io.relog.frontend.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relog.frontend.RelogServer;
import io.relog.frontend.config.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * INFO's copy-on-write fields report what a snapshot's frozen view keeps alive: nothing before,
 * the old values overwritten while it runs ({@code current_cow_size}) and, once it is done, the
 * same in {@code rdb_last_cow_size}. {@code rdb-key-save-delay} (Redis' test knob) keeps the
 * snapshot running while the test writes, so nothing here depends on timing.
 */
class SnapshotRetentionIT {

    @TempDir
    Path dir;

    private static long field(Jedis j, String name) {
        for (String line : j.info("persistence").split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return Long.parseLong(line.substring(name.length() + 1));
            }
        }
        throw new AssertionError("no " + name + " in INFO persistence");
    }

    @Test
    void overwritesDuringABackgroundSnapshotAreReportedAsItsCopyOnWrite() throws Exception {
        try (RelogServer s = RelogServer.start(ServerConfig.fromArgs("--port", "0", "--bind", "127.0.0.1", "--dir",
                dir.toString(), "--save", "", "--snapshot-log-growth-percent", "0"));
                Jedis j = new Jedis("127.0.0.1", s.port())) {
            String value = "v".repeat(1000);
            for (int i = 0; i < 2000; i++) {
                j.set("key:" + i, value);
            }
            assertThat(field(j, "rdb_last_cow_size")).isZero();
            assertThat(field(j, "current_cow_size")).isZero();

            j.configSet("rdb-key-save-delay", "2000"); // 2 ms a key: 4 s for 2,000 keys
            assertThat(j.bgsave()).isEqualTo("Background saving started");
            assertThat(field(j, "rdb_bgsave_in_progress")).isEqualTo(1);
            for (int i = 0; i < 500; i++) {
                j.set("key:" + i, value + "!");
            }
            // 500 replaced values of 1,000 bytes stay alive for the view: at least 500 KB.
            long current = field(j, "current_cow_size");
            assertThat(current).isGreaterThanOrEqualTo(500L * 1000);
            assertThat(field(j, "current_cow_peak")).isEqualTo(current);
            assertThat(field(j, "rdb_bgsave_in_progress")).isEqualTo(1);

            j.configSet("rdb-key-save-delay", "0"); // the running snapshot keeps its delay
            await().atMost(Duration.ofSeconds(30)).until(() -> field(j, "rdb_bgsave_in_progress") == 0);
            assertThat(j.info("persistence")).contains("rdb_last_bgsave_status:ok");
            assertThat(field(j, "rdb_last_cow_size")).isGreaterThanOrEqualTo(current);
            assertThat(field(j, "current_cow_size")).isZero();
        }
    }
}
