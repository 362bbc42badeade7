package io.relog.frontend.it;

import java.nio.file.Path;

/**
 * A server under test that accepts Redis clients on {@link #host()}:{@link #port()} until closed.
 * Implementations: Debian's redis-server as a child process ({@link RedisServerProcess}) and Relog
 * started in-process ({@code RelogInProcessServer}).
 */
public interface RunningServer extends AutoCloseable {

    /** Which implementation this is. */
    Target target();

    /** Host name clients connect to (always the loopback address). */
    default String host() {
        return "127.0.0.1";
    }

    /** TCP port the server listens on. */
    int port();

    /** The server's data directory ({@code --dir}), a fresh temporary directory. */
    Path dir();

    /** Stops the server and deletes its data directory; idempotent. */
    @Override
    void close();
}
