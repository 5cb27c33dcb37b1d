package dev.hivelite.node.http;

import java.time.Clock;

import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.staticcontent.StaticContentService;

import dev.hivelite.node.auth.Authenticator;
import dev.hivelite.node.auth.SuperuserAuthService;
import dev.hivelite.node.auth.SuperuserService;
import dev.hivelite.node.auth.SuperuserStore;
import dev.hivelite.node.observe.HealthService;
import dev.hivelite.node.platform.ActivityService;
import dev.hivelite.node.platform.ApiKeyService;
import dev.hivelite.node.platform.CorsService;
import dev.hivelite.node.platform.DatabaseDirectory;
import dev.hivelite.node.platform.DatabaseService;
import dev.hivelite.node.platform.ExportService;
import dev.hivelite.node.records.CollectionService;
import dev.hivelite.node.records.RecordService;
import dev.hivelite.node.records.ApiHealthService;
import dev.hivelite.node.records.BatchService;
import dev.hivelite.node.records.FileService;
import dev.hivelite.node.realtime.RealtimeService;
import dev.hivelite.node.common.Principal;
import dev.hivelite.node.settings.RateLimiter;
import dev.hivelite.node.settings.SettingsService;
import dev.hivelite.node.records.RecordAuthService;
import dev.hivelite.node.records.UserTokens;
import dev.hivelite.node.platform.AnalyticsService;
import dev.hivelite.node.observe.DatabaseAnalytics;
import dev.hivelite.node.platform.ImportService;
import dev.hivelite.node.platform.SqlService;
import dev.hivelite.node.platform.ApiKeys;
import dev.hivelite.node.platform.AuditLog;
import dev.hivelite.node.observe.NodeMetrics;
import dev.hivelite.node.observe.WorkerState;

/** Wires every route of the public port. The worker and the tests both call {@link #routing}. */
public final class PublicRouting {

    /** Classpath folder of the admin-web jar's built dashboard. */
    static final String ADMIN_WEB_ROOT = "hivelite-admin";

    private PublicRouting() {
    }

    /** The feature services this port serves, built by the worker. */
    public record Services(Authenticator authenticator, SuperuserStore superusers, ApiKeys apiKeys, AuditLog audit,
                           DatabaseService databases, ApiKeyService keys, SqlService sql, ExportService export,
                           CorsService cors, ImportService imports, AnalyticsService analytics,
                           DatabaseAnalytics databaseAnalytics, CollectionService collections, RecordService records,
                           RecordAuthService recordAuth, UserTokens userTokens, SettingsService settings,
                           ApiHealthService apiHealth, BatchService batch, FileService files,
                           RealtimeService realtime, java.util.function.Function<String, Principal> credentials,
                           DatabaseDirectory directory, RateLimiter rateLimiter) {
    }

    public static void routing(HttpRouting.Builder routing, WorkerState state, NodeMetrics metrics,
                               Clock clock, boolean debugRoutes, Services services) {
        routing.addFilter(new RequestMetricsFilter(metrics, services.databaseAnalytics()));
        routing.addFilter(new DrainFilter(state));
        routing.addFilter(services.cors());
        routing.addFilter(new AuthenticationFilter(services.credentials()));
        routing.addFilter(new RateLimitFilter(services.directory(), services.rateLimiter()));
        ErrorHandling.register(routing);
        // Helidon tries routes in registration order: the hot data API first, platform routes after.
        // _superusers' auth routes precede the auth-collection routes whose pattern also matches them.
        routing.register(new HealthService(state, clock));
        routing.register(services.records());
        routing.register(services.files());
        routing.register(new SuperuserAuthService(services.authenticator(), services.superusers(), services.audit()));
        routing.register(services.recordAuth());
        routing.register(services.collections());
        routing.register(services.realtime());
        routing.register(services.batch());
        routing.register(services.apiHealth());
        routing.register(services.settings());
        routing.register(new SuperuserService(services.superusers(), services.authenticator(), services.audit()));
        routing.register(new ActivityService(services.audit()));
        routing.register(services.databases());
        routing.register(services.keys());
        routing.register(services.sql());
        routing.register(services.export());
        routing.register(services.imports());
        routing.register(services.analytics());
        if (debugRoutes) {
            routing.register(new DebugService());
        }
        routing.register("/_", StaticContentService.builder(ADMIN_WEB_ROOT)
                .welcomeFileName("index.html")
                .build());
        routing.any(ErrorHandling::notFound);
    }
}
