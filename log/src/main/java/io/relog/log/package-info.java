/**
 * The segmented command log (issue 4 builds it): segment files holding the raw replication
 * stream, the per-segment batch index (offsets, times, checksums), recovery, retention, readers
 * that tail from any retained offset, and the replication-ID history.
 */
package io.relog.log;
