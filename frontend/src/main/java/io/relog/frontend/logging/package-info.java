/** Logback glue for Redis-style log lines ({@code pid:M date mark message}) and the {@code loglevel}/{@code logfile} directives. */
package io.relog.frontend.logging;
