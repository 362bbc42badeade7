package io.relog.snapshot.rdb;

/**
 * The numbers of the RDB format (Redis' {@code rdb.h}): versions, value types, opcodes and the
 * special length encodings. Only constants; the writer and the reader say which they use.
 */
public final class Rdb {

    private Rdb() {
    }

    /** The version Relog writes: 9 (Redis 6.2), loadable by Redis 6.2 through 7.4 and Valkey 8. */
    public static final int WRITE_VERSION = 9;
    /** The newest version Relog reads: 11 (Redis 7.2, Valkey 8.0). Newer files are rejected. */
    public static final int MAX_READ_VERSION = 11;

    // Value types.
    public static final int TYPE_STRING = 0;
    public static final int TYPE_LIST = 1;
    public static final int TYPE_SET = 2;
    public static final int TYPE_ZSET = 3;
    public static final int TYPE_HASH = 4;
    public static final int TYPE_ZSET_2 = 5;
    public static final int TYPE_MODULE = 6;
    public static final int TYPE_MODULE_2 = 7;
    public static final int TYPE_HASH_ZIPMAP = 9;
    public static final int TYPE_LIST_ZIPLIST = 10;
    public static final int TYPE_SET_INTSET = 11;
    public static final int TYPE_ZSET_ZIPLIST = 12;
    public static final int TYPE_HASH_ZIPLIST = 13;
    public static final int TYPE_LIST_QUICKLIST = 14;
    public static final int TYPE_STREAM_LISTPACKS = 15;
    public static final int TYPE_HASH_LISTPACK = 16;
    public static final int TYPE_ZSET_LISTPACK = 17;
    public static final int TYPE_LIST_QUICKLIST_2 = 18;
    public static final int TYPE_STREAM_LISTPACKS_2 = 19;
    public static final int TYPE_SET_LISTPACK = 20;
    public static final int TYPE_STREAM_LISTPACKS_3 = 21;

    // Opcodes (a byte where a value type would be).
    public static final int OPCODE_FUNCTION2 = 0xF5;
    public static final int OPCODE_FUNCTION_PRE_GA = 0xF6;
    public static final int OPCODE_MODULE_AUX = 0xF7;
    public static final int OPCODE_IDLE = 0xF8;
    public static final int OPCODE_FREQ = 0xF9;
    public static final int OPCODE_AUX = 0xFA;
    public static final int OPCODE_RESIZEDB = 0xFB;
    public static final int OPCODE_EXPIRETIME_MS = 0xFC;
    public static final int OPCODE_EXPIRETIME = 0xFD;
    public static final int OPCODE_SELECTDB = 0xFE;
    public static final int OPCODE_EOF = 0xFF;

    // Length encoding: the top two bits of the first byte.
    static final int LEN_6BIT = 0;
    static final int LEN_14BIT = 1;
    static final int LEN_32BIT = 0x80;
    static final int LEN_64BIT = 0x81;
    static final int LEN_ENCVAL = 3;

    // Special string encodings (after the 0b11 prefix).
    static final int ENC_INT8 = 0;
    static final int ENC_INT16 = 1;
    static final int ENC_INT32 = 2;
    static final int ENC_LZF = 3;

    // Quicklist 2 node containers.
    static final int QUICKLIST_NODE_PLAIN = 1;
    static final int QUICKLIST_NODE_PACKED = 2;

    // Module value opcodes (the self-describing format of MODULE_AUX and TYPE_MODULE_2).
    static final int MODULE_OPCODE_EOF = 0;
    static final int MODULE_OPCODE_SINT = 1;
    static final int MODULE_OPCODE_UINT = 2;
    static final int MODULE_OPCODE_FLOAT = 3;
    static final int MODULE_OPCODE_DOUBLE = 4;
    static final int MODULE_OPCODE_STRING = 5;
}
