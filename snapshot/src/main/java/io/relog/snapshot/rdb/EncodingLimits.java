package io.relog.snapshot.rdb;

import io.relog.engine.Engine;
import io.relog.engine.types.HashValue;
import io.relog.engine.types.SetValue;
import io.relog.engine.types.ZSetValue;

/**
 * The size limits that decide a loaded value's encoding, as Redis applies its
 * {@code *-max-listpack-*} and {@code set-max-intset-entries} settings when it loads a key:
 * a value within them gets the small form, a larger one the large form, whatever encoding the
 * file used.
 */
public record EncodingLimits(int hashMaxListpackEntries, int hashMaxListpackValue, int setMaxIntsetEntries,
                             int zsetMaxListpackEntries, int zsetMaxListpackValue) {

    /** Redis 7.0's defaults. */
    public static final EncodingLimits DEFAULTS = new EncodingLimits(
            HashValue.DEFAULT_MAX_LISTPACK_ENTRIES, HashValue.DEFAULT_MAX_LISTPACK_VALUE,
            SetValue.DEFAULT_MAX_INTSET_ENTRIES, ZSetValue.MAX_LISTPACK_ENTRIES, ZSetValue.MAX_LISTPACK_VALUE);

    /** The engine's current settings. Engine thread. */
    public static EncodingLimits of(Engine engine) {
        return new EncodingLimits(engine.hashMaxListpackEntries(), engine.hashMaxListpackValue(),
                engine.setMaxIntsetEntries(), engine.zsetMaxListpackEntries(), engine.zsetMaxListpackValue());
    }
}
