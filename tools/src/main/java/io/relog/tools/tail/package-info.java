/**
 * {@code relog tail}: the change feed.
 *
 * <p>Two sources give the same events: {@link io.relog.tools.tail.ServerSource} reads a running
 * server over PSYNC as a CDC reader (the annotated stream described on the
 * {@code io.relog.replica.master} package page), {@link io.relog.tools.tail.DirectorySource} reads a
 * data directory through {@code io.relog.log.ReadOnlyLog}. Both feed whole commands with their
 * offsets, batch times and the database and transaction at the start into one
 * {@link io.relog.tools.tail.StreamTracker}, which is why their output is identical and why a tail
 * resumed from any printed {@code next_offset} continues exactly where the previous one stopped.
 * Filters ({@link io.relog.tools.tail.EventFilter}) take keys from the engine's command table;
 * formats ({@code json}, {@code resp}, {@code text}) write through one buffered byte sink.
 */
package io.relog.tools.tail;
