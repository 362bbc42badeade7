package io.relog.frontend;

import io.relog.frontend.config.ConfigException;
import io.relog.frontend.config.RelogVersion;
import io.relog.frontend.config.ServerConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@code relog-server [config-file] [--directive value ...]}, like redis-server. Runs in the
 * foreground until SIGTERM/SIGINT or {@code SHUTDOWN}; exit status 1 on a configuration or bind
 * error.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        int status = run(args, System.out, System.err);
        System.exit(status);
    }

    /** The version line printed by {@code --version}. */
    public static String versionLine() {
        return "Relog server v=" + RelogVersion.VERSION + " (Redis " + RelogVersion.REDIS_VERSION + " compatible)";
    }

    static void usage(PrintStream out) {
        out.println("Usage: relog-server [/path/to/relog.conf] [options] [-]");
        out.println("       relog-server - (read config from stdin)");
        out.println("       relog-server -v or --version");
        out.println("       relog-server -h or --help");
        out.println();
        out.println("Options are redis.conf directives written as --name value, e.g.:");
        out.println("       relog-server --port 6380 --dir ./data");
        out.println("       relog-server /etc/relog/relog.conf --loglevel verbose");
        out.println("       relog-server --bind 127.0.0.1 ::1 --requirepass secret");
        out.println();
        out.println("Defaults: port 6379, dir ./data (created if missing), bind 127.0.0.1 -::1.");
    }

    /**
     * Runs the server from command-line arguments until it stops. Returns the exit status: 0 after
     * help, version or a clean shutdown, 1 on a configuration or start error.
     */
    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            usage(out);
            return 0;
        }
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-v"))) {
            out.println(versionLine());
            return 0;
        }
        Path file = null;
        String fileName = null;
        String[] rest = args;
        if (args.length > 0 && !args[0].startsWith("--")) {
            if (args[0].equals("-")) {
                Path tmp = Files.createTempFile("relog-stdin", ".conf");
                Files.write(tmp, System.in.readAllBytes());
                tmp.toFile().deleteOnExit();
                file = tmp;
                fileName = "standard input";
            } else {
                file = Path.of(args[0]);
            }
            rest = Arrays.copyOfRange(args, 1, args.length);
        }
        ServerConfig config;
        try {
            config = ServerConfig.parse(file, fileName, Arrays.asList(rest));
        } catch (ConfigException e) {
            err.println();
            err.println(e.getMessage());
            return 1;
        }
        io.relog.frontend.logging.LogSetup.apply(config.loglevel(), config.logfile());
        RelogServer server;
        try {
            server = RelogServer.start(config);
        } catch (ConfigException e) { // rename-command, user, aclfile: checked when the command table exists
            err.println();
            err.println(e.getMessage());
            return 1;
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(Main.class).error("Failed to start: {}", e.getMessage());
            return 1;
        }
        Thread hook = new Thread(() -> {
            org.slf4j.LoggerFactory.getLogger(Main.class).warn("Received signal, scheduling shutdown...");
            server.close();
        }, "relog-signal");
        Runtime.getRuntime().addShutdownHook(hook);
        server.awaitTermination();
        try {
            Runtime.getRuntime().removeShutdownHook(hook); // stopped by SHUTDOWN: nothing left to do
        } catch (IllegalStateException alreadyExiting) {
            // a signal arrived at the same time; the hook finishes the close
        }
        return 0;
    }
}
