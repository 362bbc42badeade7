package io.relog.snapshot.rdb;

import io.relog.engine.keyspace.ChampMap;
import io.relog.engine.keyspace.Database;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads an RDB file of version 1 through {@value Rdb#MAX_READ_VERSION} (Redis 7.2, Valkey 8.0)
 * into fresh {@link Database}s: every value encoding Redis 7.0 and 7.2 write (see
 * {@link RdbValues}) and the opcodes AUX (every field kept, unknown ones included), RESIZEDB
 * (a hint, ignored), EXPIRETIME / EXPIRETIME_MS, SELECTDB, IDLE and FREQ (a key's access data
 * under an LRU or LFU policy, see {@link Options#lfu}), MODULE_AUX (skipped with a warning: its self-describing encoding can be
 * walked without the module), FUNCTION2 (library code kept for the caller) and EOF with the
 * CRC-64 (checked unless it is 0, as Redis does).
 *
 * <p>Keys whose expiry time has passed are loaded with it: the engine expires them (and the log
 * already holds their DELs, when the file is a Relog snapshot followed by its log). Empty
 * collections are skipped with a warning, as Redis skips them. Everything else unexpected — an
 * unknown type, a bad length, a truncated file, a checksum mismatch, a duplicate key, a stream
 * or module value — is an {@link RdbFormatException} naming the byte offset and the key.
 *
 * <p>Each database's keys are collected and its trie is built once, at the end of the file
 * ({@link ChampMap.Bulk}): a repeated key is therefore found after the checksum is verified, and
 * reported (the first one, with its key and offset) only if nothing else is wrong with the file.
 *
 * <p>Any thread; the databases returned are owned by nobody else until the caller installs them.
 */
public final class RdbReader {

    /**
     * How to load.
     *
     * @param databases  number of databases; a SELECTDB beyond it is an error
     * @param limits     encoding limits for the loaded values
     * @param accessMeta metadata word of every loaded key without IDLE/FREQ (the engine's
     *                   {@code newKeyAccess()}: its LRU clock, so OBJECT IDLETIME starts at 0,
     *                   or under LFU this minute and the initial counter)
     * @param lfu        whether the policy is an LFU one: FREQ then sets a key's counter, else
     *                   IDLE sets its LRU time (Redis' {@code objectSetLRUOrLFU}); the other is ignored
     */
    public record Options(int databases, EncodingLimits limits, int accessMeta, boolean lfu) {
        public Options(int databases, EncodingLimits limits, int accessMeta) {
            this(databases, limits, accessMeta, false);
        }

        /** Loading into {@code engine}: its databases, encoding limits, clock and policy. */
        public static Options of(io.relog.engine.Engine engine) {
            return new Options(engine.databases(), EncodingLimits.of(engine), engine.newKeyAccess(), engine.lfuPolicy());
        }

        public static Options defaults(int databases) {
            return new Options(databases, EncodingLimits.DEFAULTS, 0);
        }

        /** The access bits of a key loaded with IDLE {@code idle} seconds or FREQ {@code freq} (-1: absent). */
        int accessFor(long idle, int freq) {
            if (lfu) {
                // accessMeta is (minutes << 8) | LFU_INIT_VAL: keep the minutes, take the counter.
                return freq >= 0 ? (accessMeta & 0xffff00) | freq : accessMeta;
            }
            if (idle < 0) {
                return accessMeta;
            }
            long abs = accessMeta - idle;
            if (abs < 0) {
                abs = (accessMeta + Database.ACCESS_BITS / 2) % Database.ACCESS_BITS; // as Redis
            }
            return (int) abs;
        }
    }

    /** The fewest bytes a key takes in a file: type, key length, value length (both strings empty). */
    private static final int MIN_KEY_BYTES = 3;
    /** Most keys a RESIZEDB hint makes room for in advance: a damaged hint must not cost gigabytes (beyond it, room grows). */
    private static final int MAX_PRESIZE = 1 << 22;

    private static final String MODULE_NAME_CHARSET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private RdbReader() {
    }

    /**
     * Loads the file at {@code path}. The file is read and checksummed ahead by a second thread
     * (see {@link PrefetchedFile}) while this one parses and builds the databases.
     */
    public static RdbLoad read(Path path, Options options) throws IOException {
        try (RdbInput rdb = RdbInput.open(path, Files.size(path))) {
            return read(rdb, options);
        }
    }

    /** Loads an RDB from {@code in}, whose length is {@code length} bytes (-1 if unknown); reads up to the checksum. */
    public static RdbLoad read(InputStream in, long length, Options options) throws IOException {
        return read(new RdbInput(in, length), options);
    }

    /** Loads an RDB from {@code rdb}, up to and including the checksum. */
    static RdbLoad read(RdbInput rdb, Options options) throws IOException {
        int version = readHeader(rdb);
        Database[] dbs = new Database[options.databases()];
        for (int i = 0; i < dbs.length; i++) {
            dbs[i] = new Database(i);
        }
        Map<String, byte[]> aux = new LinkedHashMap<>();
        List<byte[]> functions = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        long keys = 0;
        // Each database's keys are collected and its trie built once at the end (see ChampMap.Bulk).
        ChampMap.Bulk[] entries = new ChampMap.Bulk[dbs.length];
        Database db = dbs.length > 0 ? dbs[0] : null;
        long expireAt = -1;
        long idle = -1;
        int freq = -1;
        while (true) {
            long at = rdb.position();
            int type = rdb.readUnsignedByte();
            switch (type) {
                case Rdb.OPCODE_EXPIRETIME_MS:
                    expireAt = rdb.readLittleEndian(8);
                    continue;
                case Rdb.OPCODE_EXPIRETIME:
                    expireAt = (int) rdb.readLittleEndian(4) * 1000L;
                    continue;
                case Rdb.OPCODE_FREQ:
                    freq = rdb.readUnsignedByte();
                    continue;
                case Rdb.OPCODE_IDLE:
                    idle = rdb.readLength();
                    continue;
                case Rdb.OPCODE_SELECTDB: {
                    long id = rdb.readLength(); // a 64-bit length may read as negative
                    if (id < 0 || id >= dbs.length) {
                        throw rdb.errorAt(at, "SELECTDB " + id + " but the server has " + dbs.length
                                + " databases (raise 'databases')");
                    }
                    db = dbs[(int) id];
                    continue;
                }
                case Rdb.OPCODE_RESIZEDB: {
                    // A hint: room for that many keys, unless the data left cannot hold them.
                    long size = rdb.readLength();
                    rdb.readLength();
                    long room = rdb.remaining() < 0 ? 1 << 16 : rdb.remaining() / MIN_KEY_BYTES;
                    if (db != null && entries[db.index()] == null && size > 0) {
                        entries[db.index()] = new ChampMap.Bulk((int) Math.min(Math.min(size, room), MAX_PRESIZE));
                    }
                    continue;
                }
                case Rdb.OPCODE_AUX: {
                    byte[] name = rdb.readString();
                    aux.put(new String(name, StandardCharsets.UTF_8), rdb.readString());
                    continue;
                }
                case Rdb.OPCODE_MODULE_AUX:
                    warnings.add(skipModuleAux(rdb, at));
                    continue;
                case Rdb.OPCODE_FUNCTION2:
                    functions.add(rdb.readString());
                    continue;
                case Rdb.OPCODE_FUNCTION_PRE_GA:
                    throw rdb.errorAt(at, "pre-release (7.0 RC) function format not supported");
                case Rdb.OPCODE_EOF:
                    break;
                default: {
                    if (!RdbValues.isValueType(type)) {
                        throw rdb.errorAt(at, "unknown value type or opcode " + type);
                    }
                    if (db == null) {
                        throw rdb.errorAt(at, "a key but the server has no database");
                    }
                    byte[] key = rdb.readString();
                    rdb.enterKey(key, db.index());
                    Object value = RdbValues.read(rdb, type, db.editToken(), options.limits());
                    if (value == null) {
                        warnings.add("skipped empty key " + RdbFormatException.quote(key) + " in db " + db.index()
                                + " at byte offset " + at);
                    } else {
                        ChampMap.Bulk into = entries[db.index()];
                        if (into == null) {
                            into = entries[db.index()] = new ChampMap.Bulk(1024);
                        }
                        into.add(key, value, options.accessFor(idle, freq), at);
                        if (expireAt >= 0) {
                            db.setExpireAt(key, expireAt);
                        }
                        keys++;
                    }
                    rdb.leaveKey();
                    expireAt = -1;
                    idle = -1;
                    freq = -1;
                    continue;
                }
            }
            break;
        }
        if (version >= 5) {
            long computed = rdb.checksum();
            long at = rdb.position();
            long stored = rdb.readLittleEndian(8);
            if (stored != 0 && stored != computed) {
                throw rdb.errorAt(at, String.format("checksum mismatch: file says %016x, content gives %016x",
                        stored, computed));
            }
        }
        for (int i = 0; i < dbs.length; i++) {
            if (entries[i] != null) {
                dbs[i].putAll(entries[i]);
                int d = entries[i].duplicate();
                if (d >= 0) {
                    rdb.enterKey(entries[i].key(d), i);
                    throw rdb.errorAt(entries[i].tag(d), "duplicate key in the same database");
                }
            }
        }
        return new RdbLoad(version, dbs, aux, functions, warnings, keys);
    }

    private static int readHeader(RdbInput rdb) throws IOException {
        byte[] magic = new byte[9];
        for (int i = 0; i < 9; i++) {
            magic[i] = (byte) rdb.readUnsignedByte();
        }
        String header = new String(magic, StandardCharsets.US_ASCII);
        if (!header.startsWith("REDIS") || !header.substring(5).chars().allMatch(Character::isDigit)) {
            throw rdb.errorAt(0, "not an RDB file (wrong signature)");
        }
        int version = Integer.parseInt(header.substring(5));
        if (version < 1 || version > Rdb.MAX_READ_VERSION) {
            throw rdb.errorAt(5, "can't handle RDB format version " + version + " (this reader knows 1 to "
                    + Rdb.MAX_READ_VERSION + ")");
        }
        return version;
    }

    /**
     * Walks past a MODULE_AUX record: module id, "when" (as a UINT opcode and value), then the
     * module's data as typed opcodes up to EOF. Returns the warning to report.
     */
    private static String skipModuleAux(RdbInput rdb, long at) throws IOException {
        long moduleId = rdb.readLength();
        long whenOpcode = rdb.readLength();
        if (whenOpcode != Rdb.MODULE_OPCODE_UINT) {
            throw rdb.errorAt(at, "bad module aux: 'when' opcode " + whenOpcode);
        }
        rdb.readLength();
        skipModuleData(rdb, at);
        return "skipped aux data of module '" + moduleName(moduleId) + "' at byte offset " + at
                + " (no such module in Relog)";
    }

    private static void skipModuleData(RdbInput rdb, long at) throws IOException {
        while (true) {
            long opcode = rdb.readLength();
            switch ((int) opcode) {
                case Rdb.MODULE_OPCODE_EOF:
                    return;
                case Rdb.MODULE_OPCODE_SINT:
                case Rdb.MODULE_OPCODE_UINT:
                    rdb.readLength();
                    break;
                case Rdb.MODULE_OPCODE_FLOAT:
                    rdb.skip(4);
                    break;
                case Rdb.MODULE_OPCODE_DOUBLE:
                    rdb.skip(8);
                    break;
                case Rdb.MODULE_OPCODE_STRING:
                    rdb.readString();
                    break;
                default:
                    throw rdb.errorAt(at, "unknown module data opcode " + opcode
                            + " (module data cannot be skipped)");
            }
        }
    }

    /** The 9-character module type name packed in the top 54 bits of a module id. */
    static String moduleName(long id) {
        char[] name = new char[9];
        long v = id >>> 10;
        for (int j = 8; j >= 0; j--) {
            name[j] = MODULE_NAME_CHARSET.charAt((int) (v & 63));
            v >>>= 6;
        }
        return new String(name);
    }
}
