/**
 * The {@code relog} command-line tools: one picocli command per tool ({@link io.relog.tools.RelogTool}
 * registers them). {@code check}, {@code dump}, {@code restore}, {@code export} and {@code import}
 * read a data directory only through {@link io.relog.log.ReadOnlyLog} and the snapshot reader, so
 * they never change what a running server owns; what they build goes to new files or a new
 * directory. {@code io.relog.tools.state} builds a data set outside the server (a snapshot plus
 * the log replayed as a replica would, up to a point), {@code io.relog.tools.aof} reads and writes
 * Redis' AOF formats, {@code io.relog.tools.text} prints bytes and times for people.
 */
package io.relog.tools;
