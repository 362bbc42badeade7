package io.relog.log;

/**
 * How a {@link CommandLog} rolls and recovers its segments.
 *
 * @param segmentBytes   a segment is rolled once it holds at least this many bytes
 *                       ({@code log-segment-bytes}; 1 KiB to 1 GiB)
 * @param segmentMs      a non-empty segment is rolled once its first batch is this old, in
 *                       milliseconds ({@code log-segment-ms}; {@code 0} = never by age)
 * @param truncateOnCorruption {@code true} ({@code log-recovery-policy truncate}): a batch that
 *                       fails its checksum in the middle of the log truncates the log there;
 *                       {@code false} ({@code strict}, the default): it stops the open
 * @param preallocate    keep the active segment zero-filled ahead of the write position on a
 *                       background thread, so fsyncs flush data without a journal commit (the
 *                       server sets it; small logs in tests and tools do without)
 */
public record LogOptions(long segmentBytes, long segmentMs, boolean truncateOnCorruption, boolean preallocate) {

    /** Options without preallocation. */
    public LogOptions(long segmentBytes, long segmentMs, boolean truncateOnCorruption) {
        this(segmentBytes, segmentMs, truncateOnCorruption, false);
    }

    /** Bytes zero-filled ahead at a time: 8 MiB, or the segment size when smaller (at least 64 KiB). */
    public long preallocationChunk() {
        return Math.max(64 * 1024, Math.min(8L * 1024 * 1024, segmentBytes));
    }

    public static final long DEFAULT_SEGMENT_BYTES = 128L * 1024 * 1024;
    public static final long MAX_SEGMENT_BYTES = 1L << 30;

    public LogOptions {
        if (segmentBytes < 1024 || segmentBytes > MAX_SEGMENT_BYTES) {
            throw new IllegalArgumentException("segment size must be between 1kb and 1gb: " + segmentBytes);
        }
        if (segmentMs < 0) {
            throw new IllegalArgumentException("segment age must not be negative: " + segmentMs);
        }
    }

    /** 128 MiB segments, no roll by age, strict recovery. */
    public static LogOptions defaults() {
        return new LogOptions(DEFAULT_SEGMENT_BYTES, 0, false);
    }
}
