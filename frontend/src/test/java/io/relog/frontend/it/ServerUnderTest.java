package io.relog.frontend.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that starts a fresh server per test class on a free port with a temporary
 * data directory, and stops it after the class.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final ServerUnderTest server = new ServerUnderTest();            // defaults
 * static final ServerUnderTest secured = new ServerUnderTest("--requirepass", "pw");
 * </pre>
 *
 * The target is chosen by {@code -Drelog.it.target=relog|redis} (see {@link Target}); extra
 * arguments are redis-server style directives understood by both. {@link #start(String...)}
 * starts a server for a single test (e.g. one that SHUTDOWN will stop).
 */
public final class ServerUnderTest implements BeforeAllCallback, AfterAllCallback {

    private final List<String> extraArgs;
    private RunningServer running;

    public ServerUnderTest(String... extraArgs) {
        this.extraArgs = List.of(extraArgs);
    }

    /** Starts a server of the current target with the given extra directives; the caller closes it. */
    public static RunningServer start(String... extraArgs) {
        Path dir = TempDirs.create();
        try {
            switch (Target.current()) {
                case REDIS:
                    return RedisServerProcess.start(dir, List.of(extraArgs));
                case RELOG:
                default:
                    return RelogInProcessServer.start(dir, List.of(extraArgs));
            }
        } catch (IOException e) {
            TempDirs.deleteRecursively(dir);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            TempDirs.deleteRecursively(dir);
            throw e;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        running = start(extraArgs.toArray(new String[0]));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (running != null) {
            running.close();
            running = null;
        }
    }

    public RunningServer server() {
        if (running == null) {
            throw new IllegalStateException("server not started: register ServerUnderTest with @RegisterExtension on a static field");
        }
        return running;
    }

    public String host() {
        return server().host();
    }

    public int port() {
        return server().port();
    }

    public Path dir() {
        return server().dir();
    }

    public Target target() {
        return server().target();
    }
}
