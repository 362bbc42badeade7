package io.relog.frontend.durability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server under test running as a separate operating-system process, so that a test can kill it
 * for real ({@code kill -9}) and start it again on the same data directory.
 *
 * <p>{@link #start(Path, String...)} runs Relog's {@code io.relog.frontend.Main} in a child JVM
 * (the test JVM's own {@code java} binary and the test classpath, so the code under test is the
 * code just compiled) on a free loopback port with {@code --dir}; {@link #startRedisServer(Path,
 * String...)} runs Debian's redis-server the same way, for the interoperability tests. Both print
 * {@code Ready to accept connections} when they accept clients, which is what {@link
 * #awaitReady(Duration)} waits for.
 *
 * <p>The child's stdout and stderr go to one file outside the data directory (the data
 * directory may be a tiny tmpfs), readable at any time with {@link #output()}. A JVM shutdown
 * hook kills the child if the test JVM exits without closing it.
 *
 * <p>Not thread-safe: one test thread drives one instance.
 */
public final class RelogProcess implements AutoCloseable {

    static final String READY_LINE = "Ready to accept connections";
    static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    static final String REDIS_SERVER = System.getProperty("relog.it.redis-server", "/usr/bin/redis-server");

    private final String name;
    private final Process process;
    private final int port;
    private final Path dir;
    private final Path outputFile;
    private final Thread killOnExit;

    private RelogProcess(String name, Process process, int port, Path dir, Path outputFile) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.dir = dir;
        this.outputFile = outputFile;
        this.killOnExit = new Thread(process::destroyForcibly, "kill " + name + " " + port);
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /**
     * Starts Relog with {@code --port <free> --bind 127.0.0.1 --dir <dir>} followed by {@code
     * extraArgs} ({@code "--appendonly", "yes"}) and returns once it logged that it accepts
     * connections. A start that fails because the chosen port was taken meanwhile is retried on
     * another port; any other early exit throws with the child's output.
     */
    public static RelogProcess start(Path dir, String... extraArgs) throws IOException {
        return startAndAwait(() -> launch(dir, extraArgs));
    }

    /**
     * Starts Relog like {@link #start} but returns at once, without waiting for it to be ready:
     * for tests that expect the start to fail ({@link #waitForExit(Duration)}).
     */
    static RelogProcess launch(Path dir, String... extraArgs) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(List.of("-Xms64m", "-Xmx1g", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), "io.relog.frontend.Main"));
        int port = freePort();
        command.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString()));
        command.addAll(Arrays.asList(extraArgs));
        return spawn("relog", command, port, dir);
    }

    /**
     * Starts Debian's redis-server with {@code --port <free> --bind 127.0.0.1 --dir <dir>}, no RDB
     * saves, in the foreground and logging to stdout, followed by {@code extraArgs} (which win: the
     * last occurrence of a directive counts), and returns once it is ready.
     */
    static RelogProcess startRedisServer(Path dir, String... extraArgs) throws IOException {
        return startAndAwait(() -> {
            int port = freePort();
            List<String> command = new ArrayList<>(List.of(REDIS_SERVER,
                    "--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString(),
                    "--save", "", "--daemonize", "no", "--logfile", ""));
            command.addAll(Arrays.asList(extraArgs));
            return spawn("redis-server", command, port, dir);
        });
    }

    private interface Launcher {
        RelogProcess launch() throws IOException;
    }

    private static RelogProcess startAndAwait(Launcher launcher) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            RelogProcess p = launcher.launch();
            try {
                p.awaitReady(READY_TIMEOUT);
                return p;
            } catch (IOException e) {
                p.close();
                if (!portTaken(p.output())) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }

    private static boolean portTaken(String output) {
        String o = output.toLowerCase();
        return o.contains("address already in use") || o.contains("bindexception");
    }

    private static RelogProcess spawn(String name, List<String> command, int port, Path dir) throws IOException {
        Path out = Files.createTempFile("relog-durability-" + name + "-" + port + "-", ".out");
        out.toFile().deleteOnExit();
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        return new RelogProcess(name, process, port, dir, out);
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    /**
     * Waits until the child's output contains {@value #READY_LINE}. Throws, with the output so
     * far, if the child exits first or the timeout passes (the child is then left running: the
     * caller kills it).
     */
    void awaitReady(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean alive = process.isAlive();
            String out = output();
            if (out.contains(READY_LINE)) {
                return;
            }
            if (!alive) {
                throw new IOException(name + " on port " + port + " exited with status " + process.exitValue()
                        + " before it was ready; its output:\n" + out);
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(name + " on port " + port + " was not ready within " + timeout
                        + "; its output:\n" + out);
            }
            sleep(20);
        }
    }

    /** Everything the child printed so far (stdout and stderr, interleaved). */
    public String output() {
        try {
            return Files.readString(outputFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    Path dir() {
        return dir;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL ({@code kill -9}: {@link Process#destroyForcibly()} on Linux), then waits for the exit. */
    void kill9() {
        process.destroyForcibly();
        awaitExitUninterruptibly(Duration.ofSeconds(30));
    }

    /**
     * Stops the child cleanly: {@code SHUTDOWN} over a connection, or SIGTERM when that cannot be
     * sent; returns its exit status. Fails if the child has not exited within 30 s (it is then
     * killed).
     */
    int stop() {
        if (process.isAlive() && !sendShutdown()) {
            process.destroy();
        }
        int status;
        try {
            status = waitForExit(Duration.ofSeconds(30));
        } catch (IllegalStateException e) {
            process.destroyForcibly();
            throw e;
        }
        return status;
    }

    private boolean sendShutdown() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("*1\r\n$8\r\nSHUTDOWN\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            // A server that shuts down closes the connection without a reply; an error reply
            // (-ERR Errors trying to SHUTDOWN) means it did not.
            int first = in.read();
            return first == -1;
        } catch (IOException e) {
            return !process.isAlive();
        }
    }

    /**
     * Waits up to {@code timeout} for the child to exit and returns its exit status; throws
     * {@link IllegalStateException}, with the output, if it is still running then.
     */
    int waitForExit(Duration timeout) {
        if (!awaitExitUninterruptibly(timeout)) {
            throw new IllegalStateException(name + " on port " + port + " still runs after " + timeout
                    + "; its output:\n" + output());
        }
        return process.exitValue();
    }

    /**
     * For a start that must fail: waits up to {@code timeout} for the child to exit and returns
     * its exit status. Throws {@link AssertionError}, with the output, as soon as the child
     * reports {@value #READY_LINE} instead (it is killed then), and {@link
     * IllegalStateException} if neither happens in time.
     */
    int awaitFailedStart(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (awaitExitUninterruptibly(Duration.ofMillis(50))) {
                return process.exitValue();
            }
            String out = output();
            if (out.contains(READY_LINE)) {
                close();
                throw new AssertionError(name + " started, but its start should have failed; its output:\n" + out);
            }
        }
        return waitForExit(Duration.ZERO);
    }

    private boolean awaitExitUninterruptibly(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** Kills the child if it still runs and drops the shutdown hook; keeps the data directory. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            awaitExitUninterruptibly(Duration.ofSeconds(30));
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // the JVM is already exiting: the hook runs anyway
        }
    }

    @Override
    public String toString() {
        return name + "[pid " + process.pid() + ", port " + port + ", dir " + dir + "]";
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
