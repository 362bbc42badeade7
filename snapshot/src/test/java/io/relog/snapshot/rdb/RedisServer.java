package io.relog.snapshot.rdb;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;

/**
 * Debian's redis-server 7.0 as a child process on a free port, with {@code --dir} given and
 * no automatic saves, for interoperability tests. Closing stops it.
 */
final class RedisServer implements AutoCloseable {

    static final String EXECUTABLE = System.getProperty("relog.it.redis-server", "/usr/bin/redis-server");

    private final Process process;
    final int port;
    final Path dir;

    private RedisServer(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    static boolean available() {
        return Files.isExecutable(Path.of(EXECUTABLE));
    }

    /** Starts redis-server in {@code dir} (loading {@code dbfilename} there if present) and waits for PING. */
    static RedisServer start(Path dir, String... extraArgs) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(EXECUTABLE, "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no"));
        cmd.addAll(List.of(extraArgs));
        Path log = dir.resolve("redis-server.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        RedisServer server = new RedisServer(p, port, dir);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            if (!p.isAlive()) {
                throw new IOException("redis-server exited with " + p.exitValue() + ":\n" + Files.readString(log));
            }
            try (Jedis j = server.client()) {
                if ("PONG".equals(j.ping())) {
                    return server;
                }
            } catch (RuntimeException e) {
                // LOADING or not listening yet
            }
            if (System.nanoTime() > deadline) {
                server.close();
                throw new IOException("redis-server did not answer PING:\n" + Files.readString(log));
            }
            Thread.sleep(20);
        }
    }

    Jedis client() {
        return new Jedis("127.0.0.1", port, 10_000);
    }

    String log() throws IOException {
        return Files.readString(dir.resolve("redis-server.log"));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
