package io.relog.frontend.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.relog.engine.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The server's meters, in Micrometer's Prometheus registry, and their text exposition.
 *
 * <p><b>Why the per-command meters are the engine's.</b> Every command is timed once, on the
 * engine thread, into its {@link Engine.CommandStats} (counters plus an HdrHistogram, as Redis 7.0
 * keeps them for {@code INFO latencystats}): an index computation and an increment, no allocation,
 * no atomic operation. A Micrometer {@code Timer} per command would cost atomics, a time-window
 * rotation check and a second histogram on that thread for every command. So {@code INFO
 * commandstats}/{@code latencystats} read those stats directly, and this registry exposes the
 * same stats through a collector: a scrape asks the engine thread for a copy ({@link EngineSample})
 * and turns it into Prometheus counters and a classic histogram with fixed buckets. Everything
 * that is not engine-thread state (JVM memory, RSS, fsync counters, snapshot state) is an
 * ordinary Micrometer meter reading a thread-safe value.
 *
 * <p>Threads: {@link #scrape} runs on the endpoint's thread; it waits at most two seconds for
 * the engine's copy and reports the previous copy if the engine is busier than that.
 */
public final class ServerMetrics {

    /** Upper bounds of the command latency buckets, in seconds (1 µs to 1 s, 1-2-5 steps). */
    static final double[] BUCKETS = {1e-6, 2e-6, 5e-6, 1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3,
            1e-2, 2e-2, 5e-2, 0.1, 0.2, 0.5, 1.0, Double.POSITIVE_INFINITY};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Supplier<CompletableFuture<EngineSample>> sampler;
    private volatile EngineSample sample;

    /**
     * @param sampler asks the engine thread for a fresh {@link EngineSample} (completes on that thread)
     * @param first   the sample to report until the first answer (zeros at start)
     */
    public ServerMetrics(Supplier<CompletableFuture<EngineSample>> sampler, EngineSample first) {
        this.sampler = sampler;
        this.sample = first;
        new JvmMemoryMetrics().bindTo(registry); // heap, non-heap and buffer pools (direct, mapped)
        Gauge.builder("relog.memory.rss", ServerMetrics::residentSetBytes).baseUnit("bytes")
                .description("Resident set size of the process (VmRSS of /proc/self/status)").register(registry);
        Gauge.builder("relog.memory.netty.direct", io.netty.util.internal.PlatformDependent::usedDirectMemory)
                .baseUnit("bytes").description("Direct memory Netty's allocator holds (-1 if not tracked)")
                .register(registry);
        gauge("relog.clients.connected", "Client connections open, replicas included", s -> s.connectedClients());
        gauge("relog.clients.blocked", "Clients blocked in a blocking command", s -> s.blockedClients());
        FunctionTimer.builder("relog.engine.loop", this, m -> m.sample.loopIterations(),
                        m -> m.sample.loopBusyNanos(), TimeUnit.NANOSECONDS)
                .description("Engine loop iterations that did work, and the time they took").register(registry);
        FunctionTimer.builder("relog.log.append", this, m -> m.sample.logAppends(),
                        m -> m.sample.logAppendNanos(), TimeUnit.NANOSECONDS)
                .description("Batches appended to the command log (one per loop iteration that wrote)")
                .register(registry);
        FunctionCounter.builder("relog.log.appended", this, m -> m.sample.logAppendedBytes()).baseUnit("bytes")
                .description("Bytes of replication stream appended to the log since start").register(registry);
        gauge("relog.repl.master.offset", "The log end offset (master_repl_offset)", s -> s.masterOffset());
        FunctionCounter.builder("relog.snapshot.saves", this, m -> m.sample.snapshot().saves())
                .description("Snapshots written since start").register(registry);
        gauge("relog.snapshot.last.duration.seconds", "How long the last snapshot took (-1: none yet)",
                s -> s.snapshot().lastDurationMs() < 0 ? -1 : s.snapshot().lastDurationMs() / 1000.0);
        gauge("relog.snapshot.last.ok", "1 if the last snapshot succeeded", s -> s.snapshot().lastOk() ? 1 : 0);
        gauge("relog.snapshot.in.progress", "1 while a snapshot is being written", s -> s.snapshot().inProgress() ? 1 : 0);
        gauge("relog.snapshot.retained.last.bytes",
                "Memory the last snapshot's frozen view kept alive beyond the live data (rdb_last_cow_size)",
                s -> s.snapshot().lastRetainedBytes());
        gauge("relog.snapshot.retained.current.bytes",
                "The same for the snapshot in progress (0 if none)", s -> s.snapshot().currentRetainedBytes());
        registry.getPrometheusRegistry().register(new EngineCollector());
    }

    private void gauge(String name, String help, ToDoubleFunction<EngineSample> f) {
        Gauge.builder(name, this, m -> f.applyAsDouble(m.sample)).description(help).register(registry);
    }

    /** The registry, for meters owned elsewhere (log sync, snapshots, connections). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Prometheus text format 0.0.4 of every meter, after taking a fresh engine sample. Any thread but the engine's. */
    public String scrape() {
        try {
            sample = sampler.get().get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // The engine did not answer in time (or is stopping): report the last sample.
        }
        return registry.scrape();
    }

    /** VmRSS of this process in bytes, or -1 where /proc is not available. */
    static double residentSetBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024.0; // "VmRSS:  123456 kB"
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    /** Per-command counters and histograms, keyspace sizes and replicas, from the engine's sample. */
    private final class EngineCollector implements MultiCollector {
        @Override
        public MetricSnapshots collect() {
            EngineSample s = sample;
            List<MetricSnapshot> out = new ArrayList<>();
            var calls = CounterSnapshot.builder().name("relog_commands_calls")
                    .help("Commands executed (INFO commandstats calls)");
            var rejected = CounterSnapshot.builder().name("relog_commands_rejected_calls")
                    .help("Commands refused before they ran (INFO commandstats rejected_calls)");
            var failed = CounterSnapshot.builder().name("relog_commands_failed_calls")
                    .help("Commands that ran and failed (INFO commandstats failed_calls)");
            var duration = HistogramSnapshot.builder().name("relog_commands_duration_seconds")
                    .help("Time commands took on the engine thread (the histogram INFO latencystats reads)");
            for (Map.Entry<String, Engine.CommandStats> e : s.commands().entrySet()) {
                Labels labels = Labels.of("command", e.getKey());
                Engine.CommandStats st = e.getValue();
                calls.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(st.calls).build());
                rejected.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels)
                        .value(st.rejected).build());
                failed.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels)
                        .value(st.failed).build());
                if (st.latency.getTotalCount() > 0) {
                    duration.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder().labels(labels)
                            .classicHistogramBuckets(ClassicHistogramBuckets.of(BUCKETS, bucketCounts(st.latency)))
                            .sum(st.nanos / 1e9).build());
                }
            }
            out.add(calls.build());
            out.add(rejected.build());
            out.add(failed.build());
            out.add(duration.build());
            var keys = GaugeSnapshot.builder().name("relog_keyspace_keys").help("Keys per database");
            var expires = GaugeSnapshot.builder().name("relog_keyspace_expires").help("Keys with a TTL per database");
            for (int db = 0; db < s.keys().length; db++) {
                if (s.keys()[db] == 0 && db != 0) {
                    continue; // as INFO keyspace: only databases that hold keys (db0 always, so the series exists)
                }
                Labels labels = Labels.of("db", Integer.toString(db));
                keys.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(s.keys()[db]).build());
                expires.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels)
                        .value(s.expires()[db]).build());
            }
            out.add(keys.build());
            out.add(expires.build());
            var ack = GaugeSnapshot.builder().name("relog_repl_replica_ack_offset")
                    .help("Offset each replica last acknowledged");
            var lag = GaugeSnapshot.builder().name("relog_repl_replica_lag_bytes")
                    .help("Bytes of the stream a replica has not acknowledged (master offset - ack offset)");
            var age = GaugeSnapshot.builder().name("relog_repl_replica_ack_age_seconds")
                    .help("Seconds since a replica's last acknowledgement (INFO's lag)");
            for (EngineSample.Replica r : s.replicas()) {
                Labels labels = Labels.of("replica", r.addr());
                ack.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(r.ackOffset()).build());
                lag.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels)
                        .value(Math.max(0, s.masterOffset() - r.ackOffset())).build());
                age.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels)
                        .value(r.ackAgeMs() / 1000.0).build());
            }
            out.add(ack.build());
            out.add(lag.build());
            out.add(age.build());
            out.add(GaugeSnapshot.builder().name("relog_cdc_readers")
                    .help("Change-feed readers connected (not replicas: INFO replication's connected_cdc_readers)")
                    .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(s.cdcReaders().size()).build())
                    .build());
            var sent = GaugeSnapshot.builder().name("relog_cdc_reader_sent_offset")
                    .help("Log offset sent to each change-feed reader");
            var behind = GaugeSnapshot.builder().name("relog_cdc_reader_lag_bytes")
                    .help("Bytes of the log a change-feed reader has not been sent (master offset - sent offset)");
            var behindSeconds = GaugeSnapshot.builder().name("relog_cdc_reader_lag_seconds")
                    .help("Seconds a change-feed reader has been behind the log's readable end (INFO's lag)");
            for (EngineSample.CdcReader r : s.cdcReaders()) {
                Labels labels = Labels.of("reader", r.addr());
                sent.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(r.sentOffset()).build());
                behind.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels)
                        .value(Math.max(0, s.masterOffset() - r.sentOffset())).build());
                behindSeconds.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels)
                        .value(r.lagSeconds()).build());
            }
            out.add(sent.build());
            out.add(behind.build());
            out.add(behindSeconds.build());
            return new MetricSnapshots(out);
        }
    }

    /** Counts of {@code h} per bucket of {@link #BUCKETS} (not cumulative; the writer sums them). */
    static long[] bucketCounts(org.HdrHistogram.Histogram h) {
        long[] counts = new long[BUCKETS.length];
        for (HistogramIterationValue v : h.recordedValues()) {
            double seconds = h.medianEquivalentValue(v.getValueIteratedTo()) / 1e9; // within 1%
            int i = 0;
            while (seconds > BUCKETS[i]) {
                i++;
            }
            counts[i] += v.getCountAtValueIteratedTo();
        }
        return counts;
    }
}
