package dev.hivelite.coordinator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * {@code /metrics} of the management port: the coordinator's own series, then every ready worker's
 * series (scraped in parallel over its private port) labelled {@code worker="<id>"}.
 */
final class ClusterMetrics {

    static final Duration SCRAPE_TIMEOUT = Duration.ofSeconds(3);

    private final Supervisor supervisor;
    private final Probe probe;
    private final Supplier<Sysctl.MigrateReq> migrateReq;
    private final LogPump logs;

    ClusterMetrics(Supervisor supervisor, Probe probe, Supplier<Sysctl.MigrateReq> migrateReq, LogPump logs) {
        this.supervisor = supervisor;
        this.probe = probe;
        this.migrateReq = migrateReq;
        this.logs = logs;
    }

    /** One scraped worker: its slot id and its exposition, if it answered. */
    private record Scrape(int workerId, Optional<String> body) {
    }

    String scrape() throws InterruptedException {
        List<Scrape> scrapes = scrapeWorkers();
        PrometheusText text = new PrometheusText().add(coordinatorSeries(scrapes));
        scrapes.forEach(s -> s.body().ifPresent(body -> text.addWorker(body, s.workerId())));
        return text.text();
    }

    private List<Scrape> scrapeWorkers() throws InterruptedException {
        List<Future<Scrape>> futures = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (WorkerSlot slot : supervisor.slots()) {
                WorkerProcess process = slot.current();
                if (process != null && process.isReady()) {
                    futures.add(executor.submit(() -> new Scrape(slot.id(),
                            probe.body(process.privatePort(), "/metrics", SCRAPE_TIMEOUT))));
                } else {
                    futures.add(java.util.concurrent.CompletableFuture.completedFuture(
                            new Scrape(slot.id(), Optional.empty())));
                }
            }
        }
        List<Scrape> scrapes = new ArrayList<>();
        for (Future<Scrape> future : futures) {
            try {
                scrapes.add(future.get());
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
        return scrapes;
    }

    private String coordinatorSeries(List<Scrape> scrapes) {
        List<WorkerSlot> slots = supervisor.slots();
        StringBuilder out = new StringBuilder(4096);
        gauge(out, "hivelite_workers_desired", "Workers the coordinator keeps running", slots.size());
        gauge(out, "hivelite_workers_ready", "Workers that pass their readiness probe",
                slots.stream().filter(s -> s.state() == WorkerSlot.State.READY).count());
        Sysctl.MigrateReq migrate = migrateReq.get();
        gauge(out, "hivelite_tcp_migrate_req", "1 when net.ipv4.tcp_migrate_req is on: connections queued on a "
                + "stopping worker move to another instead of being reset", migrate == Sysctl.MigrateReq.ON ? 1 : 0);
        header(out, "hivelite_worker_restarts_total", "Workers restarted after an exit or failed probe", "counter");
        slots.forEach(s -> sample(out, "hivelite_worker_restarts_total", s.id(), s.restarts()));
        header(out, "hivelite_worker_up", "1 when the worker in this slot is ready", "gauge");
        slots.forEach(s -> sample(out, "hivelite_worker_up", s.id(), s.state() == WorkerSlot.State.READY ? 1 : 0));
        header(out, "hivelite_worker_crash_looping", "1 when the slot's worker failed "
                + WorkerSlot.CRASH_LOOP_THRESHOLD + " or more starts in a row", "gauge");
        slots.forEach(s -> sample(out, "hivelite_worker_crash_looping", s.id(), s.crashLooping() ? 1 : 0));
        header(out, "hivelite_worker_scrape_ok", "1 when the worker's metrics were scraped for this response", "gauge");
        scrapes.forEach(s -> sample(out, "hivelite_worker_scrape_ok", s.workerId(), s.body().isPresent() ? 1 : 0));
        header(out, "hivelite_rolling_restarts_total", "Rolling restarts completed", "counter");
        out.append("hivelite_rolling_restarts_total ").append(supervisor.rollingRestarts()).append('\n');
        header(out, "hivelite_worker_log_lines_dropped_total", "Worker log lines dropped because output "
                + "was not keeping up", "counter");
        out.append("hivelite_worker_log_lines_dropped_total ").append(logs.dropped()).append('\n');
        return out.toString();
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        header(out, name, help, "gauge");
        out.append(name).append(' ').append(value).append('\n');
    }

    private static void header(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder out, String name, int worker, long value) {
        out.append(name).append("{worker=\"").append(worker).append("\"} ").append(value).append('\n');
    }
}
