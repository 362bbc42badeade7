/**
 * Benchmarks. JMH benchmarks of the engine run from {@code bench/target/benchmarks.jar};
 * {@code bench/compare-redis.sh} runs redis-benchmark against redis-server and Relog side by side.
 * Numbers are quoted as ratios measured in one run: these machines are shared and noisy.
 */
package io.relog.bench;
