package io.relog.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InstantaneousRateTest {

    @Test
    void meanOfPerSecondSamplesTakenAtLeast100msApart() {
        InstantaneousRate r = new InstantaneousRate();
        long t = 0;
        long count = 0;
        r.sample(t, count);
        for (int i = 0; i < 16; i++) {
            t += 100_000_000L;
            count += 500; // 500 per 100 ms = 5000/s
            r.sample(t, count);
            r.sample(t + 1, count + 1_000_000); // too soon: ignored
        }
        assertThat(r.instantaneous()).isEqualTo(5000);
    }

    @Test
    void partialHistoryAndCounterResets() {
        InstantaneousRate r = new InstantaneousRate();
        r.sample(0, 100);
        r.sample(1_000_000_000L, 1700); // 1600/s, one of 16 samples
        assertThat(r.instantaneous()).isEqualTo(100);
        r.sample(2_000_000_000L, 0); // reset (CONFIG RESETSTAT): no negative rate
        assertThat(r.instantaneous()).isEqualTo(100);
    }
}
