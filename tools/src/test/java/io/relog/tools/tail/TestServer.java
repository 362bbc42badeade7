package io.relog.tools.tail;

import io.relog.frontend.RelogServer;
import io.relog.frontend.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import redis.clients.jedis.Jedis;

/** A real Relog server in this JVM on a free port and a temporary data directory, restartable on the same port. */
final class TestServer implements AutoCloseable {

    final Path dir;
    private final List<String> extra;
    private RelogServer server;
    private int port;

    TestServer(String... extraArgs) throws Exception {
        this.dir = Files.createTempDirectory("relog-tail-");
        this.extra = List.of(extraArgs);
        start(0);
    }

    private void start(int p) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", Integer.toString(p), "--bind", "127.0.0.1", "--dir",
                dir.toString(), "--save", ""));
        args.addAll(extra);
        server = RelogServer.start(ServerConfig.fromArgs(args.toArray(new String[0])));
        port = server.port();
    }

    int port() {
        return port;
    }

    Jedis jedis() {
        return new Jedis("127.0.0.1", port, 10_000);
    }

    /** Stops the server cleanly and starts it again on the same port and directory. */
    void restart() throws Exception {
        server.close();
        start(port);
    }

    void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Override
    public void close() throws IOException {
        stop();
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
