package dev.hivelite.node.observe;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * This worker's meters, scraped by the coordinator over the private port and relabelled there with
 * {@code worker="<id>"}. Route labels are templates ({@code /api/collections/:c/records}), never raw
 * paths, so cardinality stays bounded.
 */
public final class NodeMetrics implements AutoCloseable {

    /** Latency buckets, seconds: enough resolution for both a 1 ms lookup and a 10 s export. */
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
        Duration.ofSeconds(10)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    /** Requests being served right now, on every request thread. */
    private final AtomicInteger inFlight = new AtomicInteger();
    /** One timer per (method, route, status); created on first use, then a lock-free lookup. */
    private final ConcurrentMap<List<String>, Timer> httpTimers = new ConcurrentHashMap<>();

    public NodeMetrics(WorkerState state) {
        // Two of Micrometer's names fail `promtool check metrics`: process.cpu.time (an abbreviated
        // unit; process.cpu.seconds below replaces it) and system.cpu.count (a _count suffix).
        registry.config()
                .meterFilter(MeterFilter.deny(id -> "process.cpu.time".equals(id.getName())))
                .meterFilter(new MeterFilter() {
                    @Override
                    public Meter.Id map(Meter.Id id) {
                        return "system.cpu.count".equals(id.getName()) ? id.withName("system.cpus") : id;
                    }
                });
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("process.resident.memory", NodeMetrics::residentBytes)
             .baseUnit("bytes").description("Resident set size of the worker process")
             .register(registry);
        if (ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            FunctionCounter.builder("process.cpu.seconds", os,
                            o -> o.getProcessCpuTime() / (double) TimeUnit.SECONDS.toNanos(1))
                    .description("CPU time consumed by the worker process").register(registry);
        }
        Gauge.builder("hivelite.hazelcast.members", state, WorkerState::clusterMembers)
             .description("Hazelcast cluster members this worker sees (0 until joined)")
             .register(registry);
        Gauge.builder("hivelite.http.requests.in.flight", inFlight, AtomicInteger::get)
             .description("HTTP requests being served right now")
             .register(registry);
        Gauge.builder("hivelite.worker.ready", state, s -> s.ready() ? 1 : 0)
             .description("1 when this worker is serving and has joined the cluster")
             .register(registry);
    }

    public void requestStarted() {
        inFlight.incrementAndGet();
    }

    public void requestFinished() {
        inFlight.decrementAndGet();
    }

    /** Records one HTTP exchange. */
    public void recordRequest(String method, String route, int status, long nanos) {
        httpTimers.computeIfAbsent(List.of(method, route, Integer.toString(status)),
                key -> Timer.builder("http.server.requests")
                        .description("HTTP requests served, by route template and status")
                        .tags(Tags.of("method", key.get(0), "route", key.get(1), "status", key.get(2)))
                        .serviceLevelObjectives(BUCKETS)
                        .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Prometheus text format 0.0.4. */
    public String scrape() {
        return registry.scrape();
    }

    private static double residentBytes() {
        try {
            // statm: size resident shared ... in pages
            String[] fields = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
            return Long.parseLong(fields[1]) * 4096.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
