package io.relog.frontend.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Prometheus scrape endpoint: {@code GET /metrics} on {@code metrics-port}, on every address
 * of {@code bind}, in the text format.
 *
 * <p><b>Why the JDK's HTTP server and not Netty's HTTP codec on the event loops.</b> A scrape
 * formats tens of kilobytes of text and waits for the engine's sample; on an IO event loop —
 * which with {@code engine-thread shared} is also the engine's thread — that work would sit in
 * line with client requests (and waiting there for the engine would deadlock). The JDK server
 * runs it on one thread of its own, needs no extra dependency, and a scrape every few seconds
 * is nothing it cannot handle. It is bound only to the configured addresses, like the RESP port.
 */
public final class MetricsEndpoint implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MetricsEndpoint.class);
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final List<HttpServer> servers = new ArrayList<>();
    private final ExecutorService executor;
    private int port;

    /**
     * Binds {@code port} on each of {@code binds} (redis.conf {@code bind} syntax: a leading
     * {@code -} marks an address that may be skipped if unavailable; {@code *} and {@code ::*}
     * mean all addresses). Port 0 picks a free port, the same for all addresses.
     */
    public MetricsEndpoint(ServerMetrics metrics, List<String> binds, int port) throws IOException {
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "relog-metrics");
            t.setDaemon(true);
            return t;
        });
        try {
            for (String spec : binds) {
                boolean optional = spec.startsWith("-");
                String host = optional ? spec.substring(1) : spec;
                host = host.equals("*") ? "0.0.0.0" : host.equals("::*") ? "::" : host;
                HttpServer server;
                try {
                    server = HttpServer.create(new InetSocketAddress(host, port), 16);
                } catch (IOException e) {
                    if (optional) {
                        continue;
                    }
                    throw new IOException("Cannot listen for metrics on " + host + ":" + port + ": " + e.getMessage(), e);
                }
                if (port == 0) {
                    port = server.getAddress().getPort();
                }
                server.createContext("/", ex -> handle(ex, metrics));
                server.setExecutor(executor);
                server.start();
                servers.add(server);
            }
            if (servers.isEmpty()) {
                throw new IOException("Cannot listen for metrics on port " + port + ": no bind address could be used");
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        this.port = port;
        log.info("Metrics on http://{}:{}/metrics", binds.get(0).replace("-", ""), port);
    }

    /** The port bound (the configured one, or the one picked for 0). */
    public int port() {
        return port;
    }

    private static void handle(HttpExchange ex, ServerMetrics metrics) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (!path.equals("/metrics")) {
                reply(ex, 404, "Not found: try /metrics\n");
            } else if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                reply(ex, 405, "Method not allowed\n");
            } else {
                ex.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
                byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
                if (ex.getRequestMethod().equals("HEAD")) {
                    ex.sendResponseHeaders(200, -1);
                } else {
                    ex.sendResponseHeaders(200, body.length);
                    try (OutputStream os = ex.getResponseBody()) {
                        os.write(body);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug("Metrics request failed", e);
        }
    }

    private static void reply(HttpExchange ex, int status, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
    }

    @Override
    public void close() {
        for (HttpServer s : servers) {
            s.stop(0);
        }
        servers.clear();
        executor.shutdownNow();
    }
}
