/** The master's side of replication: deciding how a replica syncs, and streaming the log to it. */
package io.relog.replica.master;
