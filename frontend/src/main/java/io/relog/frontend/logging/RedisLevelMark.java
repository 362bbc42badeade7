package io.relog.frontend.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Redis' one-character log level mark: {@code .} debug, {@code -} verbose, {@code *} notice,
 * {@code #} warning. Relog logs Redis' debug at TRACE, verbose at DEBUG, notice at INFO and
 * warning at WARN/ERROR.
 */
public final class RedisLevelMark extends ClassicConverter {

    @Override
    public String convert(ILoggingEvent event) {
        int l = event.getLevel().toInt();
        if (l >= Level.WARN_INT) {
            return "#";
        }
        if (l >= Level.INFO_INT) {
            return "*";
        }
        if (l >= Level.DEBUG_INT) {
            return "-";
        }
        return ".";
    }
}
