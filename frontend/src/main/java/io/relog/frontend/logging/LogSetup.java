package io.relog.frontend.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.FileAppender;
import org.slf4j.LoggerFactory;

/** Applies the {@code loglevel} and {@code logfile} directives to Logback at start. */
public final class LogSetup {

    private LogSetup() {
    }

    /** Logback level for a Redis {@code loglevel}: debug → TRACE, verbose → DEBUG, notice → INFO, warning → WARN. */
    public static Level level(String loglevel) {
        return switch (loglevel) {
            case "debug" -> Level.TRACE;
            case "verbose" -> Level.DEBUG;
            case "warning" -> Level.WARN;
            default -> Level.INFO;
        };
    }

    /** Changes the level of Relog's loggers at run time ({@code CONFIG SET loglevel}). */
    public static void applyLevel(String loglevel) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            ctx.getLogger("io.relog").setLevel(level(loglevel));
        }
    }

    /** Sets the level of Relog's loggers; with a non-empty {@code logfile}, logs there instead of stdout. */
    public static void apply(String loglevel, String logfile) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return;
        }
        ctx.getLogger("io.relog").setLevel(level(loglevel));
        if (logfile == null || logfile.isEmpty()) {
            return;
        }
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern(PATTERN);
        enc.start();
        FileAppender<ch.qos.logback.classic.spi.ILoggingEvent> file = new FileAppender<>();
        file.setContext(ctx);
        file.setFile(logfile);
        file.setAppend(true);
        file.setEncoder(enc);
        file.start();
        root.detachAndStopAllAppenders();
        root.addAppender(file);
    }

    static final String PATTERN = "%pid:M %d{dd MMM yyyy HH:mm:ss.SSS} %mark %msg%n%ex";
}
