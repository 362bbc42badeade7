package io.relog.frontend.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.relog.frontend.RelogServer;
import io.relog.frontend.config.ServerConfig;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The Prometheus endpoint ({@code metrics-port}) scraped with the JDK's HTTP client after real
 * traffic, and INFO commandstats/latencystats, which read the same per-command meters. Relog
 * only: Redis has no such endpoint.
 */
class MetricsIT {

    private static Path dir;
    private static RelogServer server;
    private static int metricsPort;
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        dir = TempDirs.create();
        try (ServerSocket s = new ServerSocket(0)) {
            metricsPort = s.getLocalPort();
        }
        server = RelogServer.start(ServerConfig.fromArgs("--port", "0", "--bind", "127.0.0.1", "--dir",
                dir.toString(), "--metrics-port", Integer.toString(metricsPort)));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        TempDirs.deleteRecursively(dir);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The value of the sample {@code series} (name and labels exactly as exposed), or NaN if absent. */
    private static double value(String body, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    @Test
    void scrapeCountsTheCommandsSentAndTheKeyspace() throws Exception {
        try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 5000)) {
            jedis.flushAll();
            String before = get("/metrics").body();
            double setsBefore = zeroIfAbsent(value(before, "relog_commands_calls_total{command=\"set\"}"));
            double getsBefore = zeroIfAbsent(value(before, "relog_commands_calls_total{command=\"get\"}"));
            for (int i = 0; i < 37; i++) {
                jedis.set("k" + i, "v" + i);
            }
            jedis.expire("k0", 1000);
            for (int i = 0; i < 11; i++) {
                jedis.get("k" + i);
            }
            jedis.select(3);
            jedis.set("other", "x");
            jedis.select(0);

            HttpResponse<String> r = get("/metrics");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                    ct -> assertThat(ct).startsWith("text/plain; version=0.0.4"));
            String body = r.body();
            assertThat(value(body, "relog_commands_calls_total{command=\"set\"}") - setsBefore).isEqualTo(38);
            assertThat(value(body, "relog_commands_calls_total{command=\"get\"}") - getsBefore).isEqualTo(11);
            // The histogram holds every call: +Inf bucket and _count equal the calls.
            assertThat(value(body, "relog_commands_duration_seconds_count{command=\"set\"}"))
                    .isEqualTo(value(body, "relog_commands_calls_total{command=\"set\"}"));
            assertThat(value(body, "relog_commands_duration_seconds_bucket{command=\"set\",le=\"+Inf\"}"))
                    .isEqualTo(value(body, "relog_commands_calls_total{command=\"set\"}"));
            assertThat(value(body, "relog_commands_duration_seconds_sum{command=\"set\"}")).isGreaterThan(0);
            assertThat(body).contains("# TYPE relog_commands_duration_seconds histogram");
            assertThat(value(body, "relog_keyspace_keys{db=\"0\"}")).isEqualTo(37);
            assertThat(value(body, "relog_keyspace_expires{db=\"0\"}")).isEqualTo(1);
            assertThat(value(body, "relog_keyspace_keys{db=\"3\"}")).isEqualTo(1);
            assertThat(value(body, "relog_clients_connected")).isGreaterThanOrEqualTo(1);
            assertThat(value(body, "relog_connections_received_total")).isGreaterThanOrEqualTo(1);
            assertThat(value(body, "relog_memory_rss_bytes")).isGreaterThan(1 << 20);
            assertThat(body).contains("jvm_memory_used_bytes{area=\"heap\"");
            assertThat(body).contains("jvm_buffer_memory_used_bytes{id=\"direct\"}");
            assertThat(value(body, "relog_engine_loop_seconds_count")).isGreaterThan(0);
            assertThat(value(body, "relog_log_append_seconds_count")).isGreaterThan(0);
            assertThat(value(body, "relog_log_appended_bytes_total")).isGreaterThan(38 * 20);
            assertThat(value(body, "relog_repl_master_offset")).isGreaterThan(38 * 20);
            assertThat(body).contains("relog_log_fsync_seconds_count", "relog_snapshot_saves_total",
                    "relog_snapshot_retained_last_bytes");

            // INFO commandstats reads the same counters.
            String stats = jedis.info("commandstats");
            Matcher m = Pattern.compile("cmdstat_set:calls=(\\d+),").matcher(stats);
            assertThat(m.find()).isTrue();
            assertThat(Double.parseDouble(m.group(1)))
                    .isEqualTo(value(body, "relog_commands_calls_total{command=\"set\"}"));
        }
    }

    @Test
    void changeFeedReadersAreCountedWithTheirPositions() throws Exception {
        try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 5000);
                java.net.Socket reader = new java.net.Socket("127.0.0.1", server.port())) {
            jedis.set("cdc:k", "v");
            long end = Long.parseLong(jedis.info("replication").lines()
                    .filter(l -> l.startsWith("master_repl_offset:")).findFirst().orElseThrow().split(":")[1].trim());
            reader.setSoTimeout(5000);
            var out = reader.getOutputStream();
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(reader.getInputStream(),
                    java.nio.charset.StandardCharsets.ISO_8859_1));
            out.write("REPLCONF relog-cdc 1\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("+OK");
            // From the log's end: nothing to send, so the reader is at the end.
            out.write(("PSYNC ? " + (end + 1) + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("+CONTINUE ");
            String addr = "127.0.0.1:" + reader.getLocalPort();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                String body = get("/metrics").body();
                assertThat(value(body, "relog_cdc_readers")).isEqualTo(1);
                // At least the end it started from (a keepalive PING may have been logged since).
                assertThat(value(body, "relog_cdc_reader_sent_offset{reader=\"" + addr + "\"}"))
                        .isGreaterThanOrEqualTo(end);
                assertThat(value(body, "relog_cdc_reader_lag_bytes{reader=\"" + addr + "\"}")).isEqualTo(0);
                assertThat(value(body, "relog_cdc_reader_lag_seconds{reader=\"" + addr + "\"}")).isEqualTo(0);
            });
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(value(get("/metrics").body(), "relog_cdc_readers")).isEqualTo(0));
    }

    @Test
    void otherPathsAndMethodsAreRefused() throws Exception {
        assertThat(get("/").statusCode()).isEqualTo(404);
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void latencystatsFollowsTheConfiguredPercentilesAndTracking() throws Exception {
        try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 5000)) {
            jedis.configResetStat();
            jedis.ping();
            jedis.ping();
            assertThat(jedis.info("latencystats"))
                    .startsWith("# Latencystats\r\n")
                    .containsPattern("latency_percentiles_usec_ping:p50=\\d+\\.\\d{3},p99=\\d+\\.\\d{3},p99\\.9=\\d+\\.\\d{3}\r\n");
            assertThat(jedis.info("everything")).contains("# Latencystats\r\n");
            assertThat(jedis.info()).doesNotContain("# Latencystats");
            try {
                jedis.configSet("latency-tracking-info-percentiles", "50.0 100");
                assertThat(jedis.configGet("latency-tracking-info-percentiles"))
                        .containsEntry("latency-tracking-info-percentiles", "50 100");
                assertThat(jedis.info("latencystats"))
                        .containsPattern("latency_percentiles_usec_ping:p50=\\d+\\.\\d{3},p100=\\d+\\.\\d{3}\r\n");
                assertThat(org.assertj.core.api.Assertions.catchThrowable(
                        () -> jedis.configSet("latency-tracking-info-percentiles", "abc")))
                        .hasMessage("ERR CONFIG SET failed (possibly related to argument "
                                + "'latency-tracking-info-percentiles') - Invalid latency-tracking-info-percentiles parameters");

                jedis.configSet("latency-tracking", "no");
                jedis.configResetStat();
                jedis.ping();
                // Counted in commandstats, but no histogram is kept.
                assertThat(jedis.info("commandstats")).contains("cmdstat_ping:calls=1,");
                assertThat(jedis.info("latencystats")).doesNotContain("latency_percentiles_usec_ping");
            } finally {
                jedis.configSet("latency-tracking", "yes");
                jedis.configSet("latency-tracking-info-percentiles", "50 99 99.9");
            }
        }
    }

    private static double zeroIfAbsent(double v) {
        return Double.isNaN(v) ? 0 : v;
    }
}
