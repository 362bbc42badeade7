package io.relog.snapshot.rdb;

import io.relog.engine.types.HashValue;
import io.relog.engine.types.ListValue;
import io.relog.engine.types.Scores;
import io.relog.engine.types.SetValue;
import io.relog.engine.types.ZSetValue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes one value of a given RDB type into an engine value — {@code byte[]} for a string, a
 * {@link io.relog.engine.types.CollectionValue} otherwise — owned by the edit token given, so it
 * is built with in-place (owned) edits at bulk speed. Shared by {@link RdbReader} (whole files)
 * and RESTORE (one DUMP payload).
 *
 * <p>Every encoding Redis 7.0 and 7.2 write is read: string, list (plain, ziplist, quicklist with
 * ziplist nodes, quicklist 2 with plain and packed nodes), set (plain, intset, listpack), sorted
 * set (ASCII and binary doubles, ziplist, listpack), hash (plain, zipmap, ziplist, listpack).
 * The value gets the encoding its size calls for under {@link EncodingLimits}, as Redis does on
 * load. Duplicate members or fields and NaN scores are errors, as in Redis. Streams and module
 * values are not supported yet: a clear error naming the key and offset.
 */
public final class RdbValues {

    private RdbValues() {
    }

    /** Whether {@code type} is a value type byte (as opposed to an opcode) this reader knows. */
    public static boolean isValueType(int type) {
        return type >= Rdb.TYPE_STRING && type <= Rdb.TYPE_STREAM_LISTPACKS_3 && type != 8;
    }

    /**
     * Reads a value of {@code type}. Returns {@code null} for an empty collection (Redis skips
     * such keys when loading and refuses them in RESTORE).
     */
    public static Object read(RdbInput in, int type, Object token, EncodingLimits limits) throws IOException {
        long start = in.position();
        switch (type) {
            case Rdb.TYPE_STRING:
                return in.readString();
            case Rdb.TYPE_LIST: {
                int n = in.readCount("list length", Integer.MAX_VALUE);
                List<byte[]> items = new ArrayList<>(Math.min(n, 1 << 16));
                for (int i = 0; i < n; i++) {
                    items.add(in.readString());
                }
                return list(items, token);
            }
            case Rdb.TYPE_SET: {
                int n = in.readCount("set size", Integer.MAX_VALUE);
                SetBuilder set = new SetBuilder(token, n, limits);
                for (int i = 0; i < n; i++) {
                    long at = in.position();
                    set.add(in, at, in.readString());
                }
                return set.done();
            }
            case Rdb.TYPE_ZSET:
            case Rdb.TYPE_ZSET_2: {
                int n = in.readCount("sorted set size", Integer.MAX_VALUE);
                List<ZSetValue.Entry> entries = new ArrayList<>(Math.min(n, 1 << 16));
                for (int i = 0; i < n; i++) {
                    byte[] member = in.readString();
                    double score = type == Rdb.TYPE_ZSET ? in.readAsciiDouble() : in.readBinaryDouble();
                    entries.add(new ZSetValue.Entry(score, member));
                }
                return zset(in, start, entries, token, limits);
            }
            case Rdb.TYPE_HASH: {
                int n = in.readCount("hash size", Integer.MAX_VALUE);
                HashBuilder hash = new HashBuilder(token, n, limits);
                for (int i = 0; i < n; i++) {
                    long at = in.position();
                    hash.put(in, at, in.readString(), in.readString());
                }
                return hash.done();
            }
            case Rdb.TYPE_LIST_QUICKLIST:
            case Rdb.TYPE_LIST_QUICKLIST_2: {
                int nodes = in.readCount("quicklist node count", Integer.MAX_VALUE);
                List<byte[]> items = new ArrayList<>();
                for (int i = 0; i < nodes; i++) {
                    int container = Rdb.QUICKLIST_NODE_PACKED;
                    if (type == Rdb.TYPE_LIST_QUICKLIST_2) {
                        long at = in.position();
                        long c = in.readLength();
                        if (c != Rdb.QUICKLIST_NODE_PLAIN && c != Rdb.QUICKLIST_NODE_PACKED) {
                            throw in.errorAt(at, "unknown quicklist node container " + c);
                        }
                        container = (int) c;
                    }
                    long at = in.position();
                    byte[] blob = in.readString();
                    if (container == Rdb.QUICKLIST_NODE_PLAIN) {
                        items.add(blob);
                    } else {
                        // Redis skips empty nodes when loading; so do we.
                        items.addAll(blob(in, at, blob, type == Rdb.TYPE_LIST_QUICKLIST ? Blob.ZIPLIST : Blob.LISTPACK));
                    }
                }
                return list(items, token);
            }
            case Rdb.TYPE_LIST_ZIPLIST: {
                long at = in.position();
                return list(blob(in, at, in.readString(), Blob.ZIPLIST), token);
            }
            case Rdb.TYPE_SET_INTSET:
            case Rdb.TYPE_SET_LISTPACK: {
                long at = in.position();
                List<byte[]> members = blob(in, at, in.readString(),
                        type == Rdb.TYPE_SET_INTSET ? Blob.INTSET : Blob.LISTPACK);
                SetBuilder set = new SetBuilder(token, members.size(), limits);
                for (byte[] m : members) {
                    set.add(in, at, m);
                }
                return set.done();
            }
            case Rdb.TYPE_ZSET_ZIPLIST:
            case Rdb.TYPE_ZSET_LISTPACK: {
                long at = in.position();
                List<byte[]> flat = blob(in, at, in.readString(),
                        type == Rdb.TYPE_ZSET_ZIPLIST ? Blob.ZIPLIST : Blob.LISTPACK);
                if (flat.size() % 2 != 0) {
                    throw in.errorAt(at, "sorted set blob with an odd number of entries");
                }
                List<ZSetValue.Entry> entries = new ArrayList<>(flat.size() / 2);
                for (int i = 0; i < flat.size(); i += 2) {
                    double score;
                    try {
                        score = Scores.parse(flat.get(i + 1), "bad score");
                    } catch (RuntimeException e) {
                        throw in.errorAt(at, "bad score in sorted set blob");
                    }
                    entries.add(new ZSetValue.Entry(score, flat.get(i)));
                }
                return zset(in, at, entries, token, limits);
            }
            case Rdb.TYPE_HASH_ZIPMAP:
            case Rdb.TYPE_HASH_ZIPLIST:
            case Rdb.TYPE_HASH_LISTPACK: {
                long at = in.position();
                Blob kind = type == Rdb.TYPE_HASH_ZIPMAP ? Blob.ZIPMAP
                        : type == Rdb.TYPE_HASH_ZIPLIST ? Blob.ZIPLIST : Blob.LISTPACK;
                List<byte[]> flat = blob(in, at, in.readString(), kind);
                if (flat.size() % 2 != 0) {
                    throw in.errorAt(at, "hash blob with an odd number of entries");
                }
                HashBuilder hash = new HashBuilder(token, flat.size() / 2, limits);
                for (int i = 0; i < flat.size(); i += 2) {
                    hash.put(in, at, flat.get(i), flat.get(i + 1));
                }
                return hash.done();
            }
            case Rdb.TYPE_STREAM_LISTPACKS:
            case Rdb.TYPE_STREAM_LISTPACKS_2:
            case Rdb.TYPE_STREAM_LISTPACKS_3:
                throw in.errorAt(start - 1, "stream type not supported yet (RDB type " + type + ")");
            case Rdb.TYPE_MODULE:
            case Rdb.TYPE_MODULE_2:
                throw in.errorAt(start - 1, "module value type not supported (RDB type " + type + ")");
            default:
                throw in.errorAt(start - 1, "unknown value type " + type);
        }
    }

    private enum Blob { LISTPACK, ZIPLIST, INTSET, ZIPMAP }

    private static List<byte[]> blob(RdbInput in, long at, byte[] blob, Blob kind) throws RdbFormatException {
        try {
            return switch (kind) {
                case LISTPACK -> PackedBlobs.listpack(blob);
                case ZIPLIST -> PackedBlobs.ziplist(blob);
                case INTSET -> PackedBlobs.intset(blob);
                case ZIPMAP -> PackedBlobs.zipmap(blob);
            };
        } catch (PackedBlobs.BlobException e) {
            // The blob's bytes start after its length prefix; report the offset inside the file
            // relative to the start of the string, which is where a reader would look first.
            throw in.errorAt(at, kind.name().toLowerCase(java.util.Locale.ROOT) + " blob invalid at its byte "
                    + e.offset + ": " + e.getMessage());
        }
    }

    private static ListValue list(List<byte[]> items, Object token) {
        if (items.isEmpty()) {
            return null;
        }
        return ListValue.of(token, items.toArray(new byte[0][]), items.size());
    }

    private static ZSetValue zset(RdbInput in, long at, List<ZSetValue.Entry> entries, Object token,
                                  EncodingLimits limits) throws RdbFormatException {
        if (entries.isEmpty()) {
            return null;
        }
        for (ZSetValue.Entry e : entries) {
            if (Double.isNaN(e.score())) {
                throw in.errorAt(at, "sorted set with a NaN score");
            }
        }
        entries.sort((a, b) -> ZSetValue.compare(a.score(), a.member(), b.score(), b.member()));
        if (entries.size() > 1) {
            java.util.HashSet<java.nio.ByteBuffer> seen = new java.util.HashSet<>(entries.size() * 2);
            for (ZSetValue.Entry e : entries) {
                if (!seen.add(java.nio.ByteBuffer.wrap(e.member()))) {
                    throw in.errorAt(at, "duplicate sorted set member");
                }
            }
        }
        return ZSetValue.ofSorted(token, entries, limits.zsetMaxListpackEntries(), limits.zsetMaxListpackValue());
    }

    /** Fills a set in the encoding Redis would give it on load. */
    private static final class SetBuilder {
        private final SetValue set;
        private final int maxIntset;

        SetBuilder(Object token, int size, EncodingLimits limits) {
            set = SetValue.create(token);
            // Too many members for an intset: straight to a hashtable, as Redis does.
            maxIntset = size > limits.setMaxIntsetEntries() ? 0 : limits.setMaxIntsetEntries();
        }

        void add(RdbInput in, long at, byte[] member) throws RdbFormatException {
            if (!set.add(member, maxIntset)) {
                throw in.errorAt(at, "duplicate set member");
            }
        }

        SetValue done() {
            return set.size() == 0 ? null : set;
        }
    }

    /** Fills a hash in the encoding Redis would give it on load. */
    private static final class HashBuilder {
        private final HashValue hash;
        private final int maxEntries;
        private final int maxValue;

        HashBuilder(Object token, int size, EncodingLimits limits) {
            hash = HashValue.create(token);
            maxEntries = size > limits.hashMaxListpackEntries() ? 0 : limits.hashMaxListpackEntries();
            maxValue = limits.hashMaxListpackValue();
        }

        void put(RdbInput in, long at, byte[] field, byte[] value) throws RdbFormatException {
            if (!hash.put(field, value, maxEntries, maxValue)) {
                throw in.errorAt(at, "duplicate hash field");
            }
        }

        HashValue done() {
            return hash.size() == 0 ? null : hash;
        }
    }
}
