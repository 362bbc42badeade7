/**
 * The {@code relog} command-line tools (issue 7 builds them): tail, restore, check, dump, export
 * and import.
 */
package io.relog.tools;
