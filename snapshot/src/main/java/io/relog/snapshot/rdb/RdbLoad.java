package io.relog.snapshot.rdb;

import io.relog.engine.keyspace.Database;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * What {@link RdbReader} loaded from one file.
 *
 * @param version   the file's RDB version
 * @param databases the loaded databases, index order, each a fresh live {@link Database} whose
 *                  values are owned by its edit token (empty ones included)
 * @param aux       every AUX field in file order, name → raw value
 * @param functions the library code of every FUNCTION2 record, in file order (to be loaded with
 *                  FUNCTION LOAD by whoever supports functions)
 * @param warnings  what was skipped: module aux data, empty keys
 * @param keys      the number of keys loaded
 */
public record RdbLoad(int version, Database[] databases, Map<String, byte[]> aux, List<byte[]> functions,
                      List<String> warnings, long keys) {

    /** The aux field {@code name} as text, or {@code null}. */
    public String auxString(String name) {
        byte[] v = aux.get(name);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    /** {@code repl-id}, or {@code null} when the file has none. */
    public String replId() {
        return auxString("repl-id");
    }

    /** {@code repl-offset}, or -1 when the file has none (or it is not a number). */
    public long replOffset() {
        return auxLong("repl-offset", -1);
    }

    /** {@code repl-stream-db}, or -1 when the file has none. */
    public int replStreamDb() {
        return (int) auxLong("repl-stream-db", -1);
    }

    private long auxLong(String name, long absent) {
        String s = auxString(name);
        if (s == null) {
            return absent;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return absent;
        }
    }
}
