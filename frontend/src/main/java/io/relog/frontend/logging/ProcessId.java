package io.relog.frontend.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** The process id, which Redis prints at the start of every log line. */
public final class ProcessId extends ClassicConverter {

    private static final String PID = Long.toString(ProcessHandle.current().pid());

    @Override
    public String convert(ILoggingEvent event) {
        return PID;
    }
}
