package dev.hivelite.node.platform;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.hivelite.node.cluster.Invalidations;
import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.Principal;
import dev.hivelite.node.common.RequestContext;
import dev.hivelite.node.common.Responses;
import dev.hivelite.node.common.Times;
import dev.hivelite.node.observe.AnalyticsStore;
import dev.hivelite.node.observe.DatabaseAnalytics;

/**
 * {@code GET /api/analytics?database=<name>&range=24h|7d|30d}: requests, queries, errors, p50/p99
 * latency and size per hour, for one database (a superuser or that database's key) or for the whole
 * instance when {@code database} is absent (superusers). Before answering, every worker adds its
 * pending counts to system.db (an acknowledged broadcast), so the figures include the last seconds.
 */
public final class AnalyticsService implements HttpService {

    /** Broadcast kind: "add your pending analytics to system.db now". */
    public static final String FLUSH = "analytics-flush";
    private static final Map<String, Integer> RANGES = Map.of("24h", 24, "7d", 24 * 7, "30d", 24 * 30);

    private final DatabaseDirectory databases;
    private final AnalyticsStore store;
    private final Invalidations invalidations;
    private final DatabaseStore registry;
    private final java.util.function.Function<String, Path> folderOf;
    private final Clock clock;

    public AnalyticsService(DatabaseDirectory databases, DatabaseStore registry, AnalyticsStore store,
                            Invalidations invalidations, java.util.function.Function<String, Path> folderOf,
                            Clock clock) {
        this.databases = databases;
        this.registry = registry;
        this.store = store;
        this.invalidations = invalidations;
        this.folderOf = folderOf;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        Responses.read(rules, "/api/analytics", this::view);
    }

    /** One hour, or the whole range, as the API shows it. */
    record Figures(String hour, long requests, long queries, long errors, Double p50Ms, Double p99Ms, Long size) {
    }

    private void view(ServerRequest req, ServerResponse res) {
        Principal caller = RequestContext.principal(req).requireCredentials();
        String name = req.query().first("database").orElse("");
        String range = req.query().first("range").orElse("24h");
        Integer hours = RANGES.get(range);
        if (hours == null) {
            throw ApiException.invalid("range", "validation_invalid_value", "Must be one of 24h, 7d, 30d.");
        }
        String databaseId = null;
        List<String> ids;
        if (name.isEmpty()) {
            caller.requireSuperuser();
            ids = registry.list().stream().map(DatabaseStore.Database::id).toList();
        } else {
            DatabaseStore.Database db = databases.byName(name).orElseThrow(DatabaseService::notFound);
            caller.requireAdminOf(db.id());
            databaseId = db.id();
            ids = List.of(db.id());
        }
        invalidations.everywhere(FLUSH, "");
        Instant to = clock.instant().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        Instant from = to.minus(Duration.ofHours(hours));
        TreeMap<Instant, AnalyticsStore.Hour> byHour = new TreeMap<>();
        for (AnalyticsStore.Hour h : store.hours(databaseId, from, to)) {
            byHour.merge(h.hour(), h, AnalyticsService::sum);
        }
        List<Figures> items = new ArrayList<>();
        long[] all = new long[DatabaseAnalytics.BUCKETS_MS.length + 1];
        long requests = 0;
        long queries = 0;
        long errors = 0;
        for (Instant hour = from; hour.isBefore(to); hour = hour.plus(Duration.ofHours(1))) {
            AnalyticsStore.Hour h = byHour.get(hour);
            if (h == null) {
                items.add(new Figures(Times.format(hour), 0, 0, 0, null, null, null));
                continue;
            }
            items.add(figures(Times.format(hour), h.requests(), h.queries(), h.errors(), h.latency(), h.size()));
            requests += h.requests();
            queries += h.queries();
            errors += h.errors();
            for (int i = 0; i < all.length; i++) {
                all[i] += h.latency()[i];
            }
        }
        long size = ids.stream().mapToLong(id -> DatabaseService.fileSize(folderOf.apply(id))).sum();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("database", name.isEmpty() ? null : name);
        body.put("range", range);
        body.put("interval", "1h");
        body.put("from", Times.format(from));
        body.put("to", Times.format(to));
        body.put("totals", figures(null, requests, queries, errors, all, size));
        body.put("items", items);
        DatabaseService.send(req, res, body);
    }

    private static Figures figures(String hour, long requests, long queries, long errors, long[] latency, Long size) {
        return new Figures(hour, requests, queries, errors, DatabaseAnalytics.quantile(latency, 0.5),
                DatabaseAnalytics.quantile(latency, 0.99), size);
    }

    private static AnalyticsStore.Hour sum(AnalyticsStore.Hour a, AnalyticsStore.Hour b) {
        long[] latency = a.latency().clone();
        for (int i = 0; i < latency.length; i++) {
            latency[i] += b.latency()[i];
        }
        Long size = a.size() == null ? b.size() : b.size() == null ? a.size() : Long.valueOf(a.size() + b.size());
        return new AnalyticsStore.Hour(a.hour(), a.requests() + b.requests(), a.queries() + b.queries(),
                a.errors() + b.errors(), latency, size);
    }
}
