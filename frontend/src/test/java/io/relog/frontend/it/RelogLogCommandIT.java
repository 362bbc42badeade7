package io.relog.frontend.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/** RELOG.LOG INFO / OFFSET / HELP: what the log holds, and a time mapped to an offset, in RESP2 and RESP3. */
class RelogLogCommandIT {

    @TempDir
    Path dir;

    @SuppressWarnings("unchecked")
    static Map<String, Object> info(Jedis j) {
        return pairs((List<Object>) j.sendCommand(() -> bytes("RELOG.LOG"), bytes("INFO")));
    }

    static Map<String, Object> pairs(List<Object> l) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < l.size(); i += 2) {
            Object v = l.get(i + 1);
            m.put(new String((byte[]) l.get(i), StandardCharsets.UTF_8), v instanceof byte[] b
                    ? new String(b, StandardCharsets.UTF_8) : v);
        }
        return m;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static long offsetFor(Jedis j, long ms) {
        return (Long) j.sendCommand(() -> bytes("RELOG.LOG"), bytes("OFFSET"), bytes(Long.toString(ms)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void infoReportsOffsetsSegmentsRetentionHistoryAndSnapshots() throws Exception {
        try (RelogInProcessServer s = RelogInProcessServer.start(dir, List.of("--log-segment-bytes", "4kb",
                "--log-retention-hours", "5", "--save", ""));
                Jedis j = new Jedis("127.0.0.1", s.port())) {
            for (int i = 0; i < 500; i++) {
                j.set("key:" + i, "value:" + i);
            }
            j.save();
            Map<String, Object> info = info(j);
            long end = Long.parseLong(j.info("replication").lines().filter(l -> l.startsWith("master_repl_offset:"))
                    .findFirst().orElseThrow().split(":")[1].trim());
            assertThat(info).containsEntry("start-offset", 0L).containsEntry("end-offset", end)
                    .containsEntry("log-segment-bytes", 4096L).containsEntry("log-segment-ms", 0L)
                    .containsEntry("log-retention-hours", 5L).containsEntry("log-retention-bytes", -1L)
                    .containsEntry("cdc-readers", 0L);
            assertThat((Long) info.get("synced-offset")).isLessThanOrEqualTo(end);
            assertThat((Long) info.get("first-timestamp")).isPositive()
                    .isLessThanOrEqualTo((Long) info.get("last-timestamp"));
            List<Object> segments = (List<Object>) info.get("segments");
            assertThat(segments).hasSizeGreaterThan(2);
            long next = 0;
            long bytes = 0;
            for (Object o : segments) {
                Map<String, Object> seg = pairs((List<Object>) o);
                assertThat(seg.get("base-offset")).isEqualTo(next);
                next = (Long) seg.get("end-offset");
                assertThat(seg.get("bytes")).isEqualTo(next - (Long) seg.get("base-offset"));
                bytes += (Long) seg.get("bytes");
                assertThat(seg).containsKeys("batches", "first-timestamp", "last-timestamp");
            }
            assertThat(next).isEqualTo(end);
            assertThat(info.get("bytes")).isEqualTo(bytes);
            List<Object> history = (List<Object>) info.get("replication-history");
            Map<String, Object> h = pairs((List<Object>) history.get(0));
            assertThat(h.get("replid")).isEqualTo(j.info("replication").lines()
                    .filter(l -> l.startsWith("master_replid:")).findFirst().orElseThrow().split(":")[1].trim());
            assertThat(h).containsEntry("start-offset", 0L).containsEntry("end-offset", end);
            List<Object> snapshots = (List<Object>) info.get("snapshots");
            Map<String, Object> snap = pairs((List<Object>) snapshots.get(snapshots.size() - 1));
            assertThat(snap).containsEntry("offset", end).containsEntry("file", String.format("%020d.rdb", end));
            assertThat((Long) snap.get("bytes")).isPositive();

            // RESP3: a map, nested maps.
            try (RespConnection c = new RespConnection(s)) {
                c.call("HELLO", "3");
                String r = c.call("RELOG.LOG", "INFO");
                assertThat(r).startsWith("%14\r\n$12\r\nstart-offset\r\n:0\r\n");
                assertThat(r).contains("$8\r\nsegments\r\n*" + segments.size() + "\r\n%6\r\n$11\r\nbase-offset\r\n:0\r\n");
            }
        }
    }

    @Test
    void offsetMapsATimeToTheFirstBatchAtOrAfterIt() throws Exception {
        try (RelogInProcessServer s = RelogInProcessServer.start(dir, List.of());
                Jedis j = new Jedis("127.0.0.1", s.port())) {
            j.set("a", "1");
            Thread.sleep(20);
            long between = System.currentTimeMillis();
            Thread.sleep(20);
            long before = (Long) info(j).get("end-offset");
            j.set("b", "2");
            assertThat(offsetFor(j, between)).isEqualTo(before);
            assertThat(offsetFor(j, 0)).isZero();
            long end = (Long) info(j).get("end-offset");
            assertThat(offsetFor(j, System.currentTimeMillis() + 60_000)).isEqualTo(end);
            assertThatThrownBy(() -> j.sendCommand(() -> bytes("RELOG.LOG"), bytes("OFFSET"), bytes("soon")))
                    .isInstanceOf(JedisDataException.class).hasMessage("ERR value is not an integer or out of range");
            assertThatThrownBy(() -> j.sendCommand(() -> bytes("RELOG.LOG"), bytes("OFFSET")))
                    .isInstanceOf(JedisDataException.class)
                    .hasMessageContaining("wrong number of arguments for 'relog.log|offset'");
            assertThatThrownBy(() -> j.sendCommand(() -> bytes("RELOG.LOG"), bytes("NOPE")))
                    .isInstanceOf(JedisDataException.class).hasMessageContaining("unknown subcommand");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void helpAndCommandMetadata() throws Exception {
        try (RelogInProcessServer s = RelogInProcessServer.start(dir, List.of());
                Jedis j = new Jedis("127.0.0.1", s.port())) {
            List<Object> help = (List<Object>) j.sendCommand(() -> bytes("RELOG.LOG"), bytes("HELP"));
            assertThat(new String((byte[]) help.get(0), StandardCharsets.UTF_8)).startsWith("RELOG.LOG <subcommand>");
            List<Object> cmd = (List<Object>) ((List<Object>) j.sendCommand(() -> bytes("COMMAND"), bytes("INFO"),
                    bytes("relog.log"))).get(0);
            assertThat(new String((byte[]) cmd.get(0), StandardCharsets.UTF_8)).isEqualTo("relog.log");
            assertThat(cmd.get(1)).isEqualTo(-2L);
            String docs = j.sendCommand(() -> bytes("COMMAND"), bytes("DOCS"), bytes("relog.log")).toString();
            assertThat(docs).isNotEmpty();
            try (RespConnection c = new RespConnection(s)) {
                assertThat(c.call("COMMAND", "DOCS", "relog.log")).contains("relog.log|offset")
                        .contains("first batch appended at or after");
            }
        }
    }
}
