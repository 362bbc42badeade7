package io.relog.frontend.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.relog.frontend.RelogServer;
import io.relog.frontend.config.ServerConfig;

/**
 * Relog started in this JVM through {@link RelogServer#start}, on a free port ({@code --port 0})
 * with a temporary {@code --dir}. Extra arguments are redis-server style directives.
 */
final class RelogInProcessServer implements RunningServer {

    private final RelogServer server;
    private final Path dir;

    private RelogInProcessServer(RelogServer server, Path dir) {
        this.server = server;
        this.dir = dir;
    }

    static RelogInProcessServer start(Path dir, List<String> extraArgs) {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--bind", "127.0.0.1", "--dir", dir.toString()));
        args.addAll(extraArgs);
        try {
            return new RelogInProcessServer(RelogServer.start(ServerConfig.fromArgs(args.toArray(new String[0]))), dir);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Relog did not start with " + args, e);
        }
    }

    @Override
    public Target target() {
        return Target.RELOG;
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
        TempDirs.deleteRecursively(dir);
    }
}
