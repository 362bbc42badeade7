/**
 * Benchmarks. JMH benchmarks of the engine and of the command log's append path run from
 * {@code bench/target/benchmarks.jar}; {@link io.relog.bench.FsyncLatency} measures the disk's
 * fdatasync latency;
 * {@code bench/compare-redis.sh} runs redis-benchmark against redis-server and Relog side by side.
 * Numbers are quoted as ratios measured in one run: these machines are shared and noisy.
 */
package io.relog.bench;
