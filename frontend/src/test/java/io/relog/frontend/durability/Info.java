package io.relog.frontend.durability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import redis.clients.jedis.Jedis;

/** {@code INFO <section>} as a map of its {@code name:value} lines. */
final class Info {

    private Info() {
    }

    static Map<String, String> section(Jedis jedis, String section) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : jedis.info(section).split("\r?\n")) {
            int colon = line.indexOf(':');
            if (!line.startsWith("#") && colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return fields;
    }

    /**
     * Checks {@code INFO persistence} of a server started with {@code --appendonly yes}: {@code
     * aof_enabled:1} and a numeric {@code log_end_offset}, which it returns.
     */
    static long checkPersistence(Jedis jedis) {
        Map<String, String> p = section(jedis, "persistence");
        assertThat(p).as("INFO persistence").containsEntry("aof_enabled", "1").containsKey("log_end_offset");
        assertThat(p.get("log_end_offset")).as("INFO persistence log_end_offset").matches("\\d+");
        return Long.parseLong(p.get("log_end_offset"));
    }
}
