package dev.hivelite.node.observe;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.ToLongFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Per-database request, query, error and latency figures of this worker. Two views of the same
 * counts: the hourly rows in system.db behind {@code GET /api/analytics} (each worker adds what it
 * saw since its last {@link #flush}; every worker's rows sum up), and Prometheus series with bounded
 * label cardinality: at most {@link #LABELLED} databases get a {@code database} label (the busiest,
 * admitted at scrape time and kept until restart so that every series stays monotonic), the rest
 * are summed under {@code database="_other"}.
 */
public final class DatabaseAnalytics {

    private static final Logger LOG = Logger.getLogger(DatabaseAnalytics.class.getName());
    /** Upper bounds of the latency buckets, milliseconds; one more bucket above the last. */
    public static final double[] BUCKETS_MS = {1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000};
    /** Databases with a label of their own in /metrics; the others are summed as {@code _other}. */
    public static final int LABELLED = 50;
    static final String OTHER = "_other";

    /** Counts of one database on this worker: since the last flush, and since start. */
    static final class Window {
        volatile String name;
        final AtomicLong requests = new AtomicLong();
        final AtomicLong queries = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLongArray latency = new AtomicLongArray(BUCKETS_MS.length + 1);
        final AtomicLong totalRequests = new AtomicLong();
        final AtomicLong totalQueries = new AtomicLong();
        final AtomicLong totalErrors = new AtomicLong();
        final AtomicLongArray totalLatency = new AtomicLongArray(BUCKETS_MS.length + 1);
        final AtomicLong totalNanos = new AtomicLong();

        Window(String name) {
            this.name = name;
        }
    }

    /** One database's figures for one hour, as a flush adds them to system.db. */
    public record Row(String databaseId, Instant hour, long requests, long queries, long errors, long[] latency,
                      Long size) {
    }

    private final AnalyticsStore store;
    private final Clock clock;
    /** Bytes on disk of a database (file and WAL), sampled at flush. */
    private final ToLongFunction<String> sizeOf;
    /** By database id; entries live as long as the worker (a few hundred bytes per database used). */
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    /** Ids with a label of their own in /metrics; grows up to {@link #LABELLED}, never shrinks. */
    private final Set<String> labelled = ConcurrentHashMap.newKeySet();

    public DatabaseAnalytics(AnalyticsStore store, Clock clock, ToLongFunction<String> sizeOf) {
        this.store = store;
        this.clock = clock;
        this.sizeOf = sizeOf;
    }

    private Window window(String id, String name) {
        Window w = windows.computeIfAbsent(id, k -> new Window(name));
        if (!w.name.equals(name)) {
            w.name = name; // renamed: the label follows
        }
        return w;
    }

    /** A request that concerned database {@code id}: its status and how long it took. */
    public void request(String id, String name, int status, long nanos) {
        Window w = window(id, name);
        int bucket = bucket(nanos / 1_000_000.0);
        w.requests.incrementAndGet();
        w.totalRequests.incrementAndGet();
        w.latency.incrementAndGet(bucket);
        w.totalLatency.incrementAndGet(bucket);
        w.totalNanos.addAndGet(nanos);
        if (status >= 400) {
            w.errors.incrementAndGet();
            w.totalErrors.incrementAndGet();
        }
    }

    /** {@code n} SQL statements ran against database {@code id}. */
    public void queries(String id, String name, int n) {
        Window w = window(id, name);
        w.queries.addAndGet(n);
        w.totalQueries.addAndGet(n);
    }

    static int bucket(double millis) {
        for (int i = 0; i < BUCKETS_MS.length; i++) {
            if (millis <= BUCKETS_MS[i]) {
                return i;
            }
        }
        return BUCKETS_MS.length;
    }

    /**
     * Adds what this worker saw since the last flush to system.db (one transaction). Safe to call
     * from several threads: each count is taken exactly once ({@code getAndSet(0)}).
     */
    public synchronized void flush() {
        Instant hour = clock.instant().truncatedTo(ChronoUnit.HOURS);
        List<Row> rows = new ArrayList<>();
        windows.forEach((id, w) -> {
            long requests = w.requests.getAndSet(0);
            long queries = w.queries.getAndSet(0);
            long errors = w.errors.getAndSet(0);
            long[] latency = new long[w.latency.length()];
            for (int i = 0; i < latency.length; i++) {
                latency[i] = w.latency.getAndSet(i, 0);
            }
            if (requests + queries + errors > 0) {
                rows.add(new Row(id, hour, requests, queries, errors, latency, sizeOf.applyAsLong(id)));
            }
        });
        if (rows.isEmpty()) {
            return;
        }
        try {
            store.add(rows);
        } catch (RuntimeException e) {
            // Analytics never fail a request path; the counts of this interval are lost, and said so.
            LOG.log(Level.WARNING, "analytics flush failed, " + rows.size() + " rows dropped", e);
        }
    }

    /** The per-database series in Prometheus text format, appended to this worker's /metrics. */
    public String exposition() {
        admitBusiest();
        StringBuilder out = new StringBuilder(4096);
        family(out, "hivelite_database_requests_total", "counter", "Requests that concerned a database",
                w -> w.totalRequests.get());
        family(out, "hivelite_database_queries_total", "counter", "SQL statements run against a database",
                w -> w.totalQueries.get());
        family(out, "hivelite_database_errors_total", "counter", "Requests about a database answered 4xx or 5xx",
                w -> w.totalErrors.get());
        histogram(out);
        return out.toString();
    }

    private void admitBusiest() {
        if (labelled.size() >= LABELLED) {
            return;
        }
        windows.entrySet().stream()
                .filter(e -> !labelled.contains(e.getKey()))
                .sorted(Comparator.comparingLong((java.util.Map.Entry<String, Window> e) ->
                        e.getValue().totalRequests.get() + e.getValue().totalQueries.get()).reversed())
                .limit(LABELLED - labelled.size())
                .forEach(e -> labelled.add(e.getKey()));
    }

    private void family(StringBuilder out, String name, String type, String help, ToLongFunction<Window> value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        long other = 0;
        for (var e : windows.entrySet()) {
            if (labelled.contains(e.getKey())) {
                out.append(name).append("{database=\"").append(escape(e.getValue().name)).append("\"} ")
                   .append(value.applyAsLong(e.getValue())).append('\n');
            } else {
                other += value.applyAsLong(e.getValue());
            }
        }
        out.append(name).append("{database=\"").append(OTHER).append("\"} ").append(other).append('\n');
    }

    private void histogram(StringBuilder out) {
        String name = "hivelite_database_request_duration_seconds";
        out.append("# HELP ").append(name).append(" Time to answer requests that concerned a database\n");
        out.append("# TYPE ").append(name).append(" histogram\n");
        long[] other = new long[BUCKETS_MS.length + 1];
        long otherNanos = 0;
        for (var e : windows.entrySet()) {
            Window w = e.getValue();
            if (labelled.contains(e.getKey())) {
                long[] counts = new long[other.length];
                for (int i = 0; i < counts.length; i++) {
                    counts[i] = w.totalLatency.get(i);
                }
                histogramSeries(out, name, escape(w.name), counts, w.totalNanos.get());
            } else {
                for (int i = 0; i < other.length; i++) {
                    other[i] += w.totalLatency.get(i);
                }
                otherNanos += w.totalNanos.get();
            }
        }
        histogramSeries(out, name, OTHER, other, otherNanos);
    }

    private static void histogramSeries(StringBuilder out, String name, String database, long[] counts, long nanos) {
        long cumulative = 0;
        for (int i = 0; i < counts.length; i++) {
            cumulative += counts[i];
            String le = i < BUCKETS_MS.length ? String.format(Locale.ROOT, "%s", BUCKETS_MS[i] / 1000.0) : "+Inf";
            out.append(name).append("_bucket{database=\"").append(database).append("\",le=\"").append(le)
               .append("\"} ").append(cumulative).append('\n');
        }
        out.append(name).append("_sum{database=\"").append(database).append("\"} ")
           .append(String.format(Locale.ROOT, "%.6f", nanos / 1e9)).append('\n');
        out.append(name).append("_count{database=\"").append(database).append("\"} ").append(cumulative).append('\n');
    }

    private static String escape(String label) {
        return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /**
     * The latency (ms) below which {@code quantile} of the counted requests fell, as a bucket's upper
     * bound (the last bound, 10 s, stands for anything slower); null when nothing was counted.
     */
    public static Double quantile(long[] counts, double quantile) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        if (total == 0) {
            return null;
        }
        long rank = (long) Math.ceil(quantile * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return BUCKETS_MS[Math.min(i, BUCKETS_MS.length - 1)];
            }
        }
        return BUCKETS_MS[BUCKETS_MS.length - 1];
    }
}
