/**
 * RDB snapshots (issue 5 builds them): the writer that streams a frozen engine view to a
 * Redis-compatible RDB file on its own thread, the reader for every encoding Redis 7.x writes,
 * DUMP/RESTORE payloads, and the snapshot schedule.
 */
package io.relog.snapshot;
