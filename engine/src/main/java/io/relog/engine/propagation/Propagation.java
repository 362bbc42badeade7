package io.relog.engine.propagation;

/**
 * The sink of the propagated write stream: every effective write, in execution order, in the
 * deterministic form Redis 7 propagates to replicas and the AOF, with {@code SELECT} already
 * inserted where the database changes (see {@link Propagator}). The log consumes this stream;
 * its bytes (RESP multibulk of each argv) are the replication stream.
 *
 * <p>Called on the engine thread only. The callee may keep {@code argv}: the engine never
 * modifies an array after handing it over.
 */
@FunctionalInterface
public interface Propagation {

    /** Appends one command. {@code argv[0]} is the command name. */
    void append(byte[][] argv);

    /** A sink that drops everything: an engine whose writes go nowhere (tests, benchmarks). */
    Propagation DISCARD = argv -> { };
}
