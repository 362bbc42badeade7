/**
 * Replication (issue 6 builds it): the master side of Redis' PSYNC2 protocol serving the log as
 * the backlog, and the replica side that syncs from a master and appends its stream byte for byte.
 */
package io.relog.replica;
