/**
 * Server configuration with redis.conf's names, syntax and error reports.
 *
 * <p>An operator's redis.conf knowledge should carry over: the same directive names, units,
 * quoting and {@code CONFIG GET}/{@code CONFIG SET} behaviour, and a bad line stops the start with
 * the file, line and reason, because a server that starts with a half-understood configuration is
 * worse than one that does not start. Directives whose subsystem does not exist yet are accepted
 * and validated so that configuration files written for later versions keep working; see
 * {@link io.relog.frontend.config.ServerConfig} for which ones have no effect yet.
 */
package io.relog.frontend.config;
