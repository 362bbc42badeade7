package io.relog.tools;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;

/** Debian's real redis-server ({@code /usr/bin/redis-server}, 7.0), started on a free port in a directory. */
final class RedisProcess implements AutoCloseable {

    static final String BINARY = "/usr/bin/redis-server";

    final Process process;
    final int port;
    final Path dir;

    private RedisProcess(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts redis-server in {@code dir} with extra redis.conf directives as arguments, and waits until it answers. */
    static RedisProcess start(Path dir, String... directives) throws Exception {
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of(BINARY, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--save", "", "--daemonize", "no", "--logfile", dir.resolve("redis.log").toString()));
        cmd.addAll(List.of(directives));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        RedisProcess r = new RedisProcess(p, port, dir);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Jedis j = r.client()) {
                if ("PONG".equals(j.ping())) {
                    // Loading the data set happens before it accepts commands other than with -LOADING.
                    String info = j.info("persistence");
                    if (info.contains("loading:0")) {
                        return r;
                    }
                }
            } catch (Exception e) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("redis-server exited with " + p.exitValue() + "; see " + dir.resolve("redis.log"));
                }
                if (System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new IllegalStateException("redis-server did not start", e);
                }
            }
            Thread.sleep(50);
        }
    }

    Jedis client() {
        return new Jedis("127.0.0.1", port, 10_000);
    }

    /** SIGTERM (redis-server flushes its AOF and exits) and waits. */
    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
