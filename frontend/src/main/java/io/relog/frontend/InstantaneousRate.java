package io.relog.frontend;

/**
 * A per-second rate over the last 16 samples taken at least 100 ms apart, as Redis computes
 * {@code instantaneous_ops_per_sec}: each sample is the counter's growth divided by the time since
 * the previous sample; the rate is their mean. Written on the engine thread; read there too (INFO).
 */
final class InstantaneousRate {

    private static final int SAMPLES = 16;
    private static final long MIN_INTERVAL_NANOS = 100_000_000L;

    private final long[] perSecond = new long[SAMPLES];
    private int index;
    private long lastNanos = -1;
    private long lastCount;

    /** Records the counter's value at {@code nowNanos}; ignored if the last sample is under 100 ms old. */
    void sample(long nowNanos, long count) {
        if (lastNanos >= 0) {
            long elapsed = nowNanos - lastNanos;
            if (elapsed < MIN_INTERVAL_NANOS) {
                return;
            }
            perSecond[index] = Math.max(0, count - lastCount) * 1_000_000_000L / elapsed;
            index = (index + 1) % SAMPLES;
        }
        lastNanos = nowNanos;
        lastCount = count;
    }

    /** The mean of the samples, per second. */
    long instantaneous() {
        long sum = 0;
        for (long v : perSecond) {
            sum += v;
        }
        return sum / SAMPLES;
    }
}
