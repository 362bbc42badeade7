package io.relog.snapshot.rdb;

import java.io.IOException;

/**
 * An RDB file or DUMP payload that cannot be loaded: an unknown type or encoding, a bad length,
 * a truncated file, a checksum mismatch. The message names the byte offset (from the start of
 * the file or payload) and, when a key was being read, the key and its database.
 */
public final class RdbFormatException extends IOException {

    private final long offset;
    private final String key;

    RdbFormatException(long offset, String key, int db, String reason) {
        super(message(offset, key, db, reason));
        this.offset = offset;
        this.key = key;
    }

    private static String message(long offset, String key, int db, String reason) {
        StringBuilder sb = new StringBuilder("bad RDB data at byte offset ").append(offset);
        if (key != null) {
            sb.append(" (reading key ").append(key);
            if (db >= 0) {
                sb.append(" in db ").append(db);
            }
            sb.append(')');
        }
        return sb.append(": ").append(reason).toString();
    }

    /** Byte offset of the problem from the start of the input. */
    public long offset() {
        return offset;
    }

    /** The key being read, quoted and escaped, or {@code null} outside a key. */
    public String key() {
        return key;
    }

    /** {@code key} quoted with non-printable bytes escaped (like redis-cli), cut at 128 bytes. */
    static String quote(byte[] key) {
        StringBuilder sb = new StringBuilder("\"");
        int n = Math.min(key.length, 128);
        for (int i = 0; i < n; i++) {
            int c = key[i] & 0xff;
            if (c == '"' || c == '\\') {
                sb.append('\\').append((char) c);
            } else if (c >= 0x20 && c < 0x7f) {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02x", c));
            }
        }
        if (key.length > n) {
            sb.append("...");
        }
        return sb.append('"').toString();
    }
}
