package io.relog.engine;

/** Wall-clock time in Unix milliseconds, injectable so tests control expiry. */
@FunctionalInterface
public interface Clock {
    long millis();

    Clock SYSTEM = System::currentTimeMillis;
}
