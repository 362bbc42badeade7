package io.relog.frontend.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's real redis-server run as a child process on a free port with a temporary
 * {@code --dir}, no RDB saves and no AOF. Extra arguments are redis-server command line
 * directives ({@code "--requirepass", "pw"}).
 */
final class RedisServerProcess implements RunningServer {

    static final String EXECUTABLE = System.getProperty("relog.it.redis-server", "/usr/bin/redis-server");

    private final Process process;
    private final int port;
    private final Path dir;
    /** Kills the child if the test JVM exits without closing it (a crash, an interrupted run). */
    private final Thread killOnExit;

    private RedisServerProcess(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
        this.killOnExit = new Thread(process::destroyForcibly, "kill redis-server " + port);
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** Starts redis-server and returns once it answers PING (or -NOAUTH, when a password is set). */
    static RedisServerProcess start(Path dir, List<String> extraArgs) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            List<String> command = new ArrayList<>(List.of(EXECUTABLE,
                    "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                    "--daemonize", "no", "--logfile", ""));
            command.addAll(extraArgs);
            Path log = dir.resolve("redis-server.out");
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            RedisServerProcess server = new RedisServerProcess(process, port, dir);
            try {
                server.awaitReady(log);
                return server;
            } catch (IOException e) {
                server.stopProcess();
                last = e;
            }
        }
        throw last;
    }

    private void awaitReady(Path log) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited with " + process.exitValue() + ":\n"
                        + Files.readString(log));
            }
            if (answersPing(port)) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for redis-server", e);
            }
        }
        throw new IOException("redis-server did not answer PING on port " + port + " within 10 s:\n"
                + Files.readString(log));
    }

    /** True when a RESP server on {@code port} answers an inline PING with +PONG or -NOAUTH. */
    static boolean answersPing(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[64];
            int n = in.read(buf);
            if (n <= 0) {
                return false;
            }
            String reply = new String(buf, 0, n, StandardCharsets.US_ASCII);
            return reply.startsWith("+PONG") || reply.startsWith("-NOAUTH");
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    @Override
    public Target target() {
        return Target.REDIS;
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Override
    public int port() {
        return port;
    }

    /** True while the child process runs (a SHUTDOWN test watches it exit). */
    boolean isAlive() {
        return process.isAlive();
    }

    private void stopProcess() {
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // the JVM is already exiting: the hook runs anyway
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stopProcess();
        TempDirs.deleteRecursively(dir);
    }
}
