package dev.hivelite.node;

import java.net.StandardSocketOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import io.helidon.webserver.WebServer;

import dev.hivelite.node.cluster.ClusterConfig;
import dev.hivelite.node.auth.Authenticator;
import dev.hivelite.node.auth.FirstStart;
import dev.hivelite.node.auth.SigningKey;
import dev.hivelite.node.auth.SuperuserStore;
import dev.hivelite.node.auth.Tokens;
import dev.hivelite.node.cluster.ClusterMember;
import dev.hivelite.node.cluster.SharedAllowances;
import dev.hivelite.node.cluster.SharedCounters;
import dev.hivelite.node.cluster.SharedStrings;
import dev.hivelite.node.common.Version;
import dev.hivelite.node.http.PublicRouting;
import dev.hivelite.node.observe.NodeMetrics;
import dev.hivelite.node.observe.PrivateService;
import dev.hivelite.node.observe.WorkerState;
import dev.hivelite.node.platform.ApiKeyStore;
import dev.hivelite.node.platform.ApiKeys;
import dev.hivelite.node.platform.ApiKeyService;
import dev.hivelite.node.platform.AuditLog;
import dev.hivelite.node.platform.DatabaseService;
import dev.hivelite.node.platform.DatabaseStore;
import dev.hivelite.node.platform.SqlService;
import dev.hivelite.node.platform.ExportService;
import dev.hivelite.node.records.CollectionService;
import dev.hivelite.node.records.RecordEvents;
import dev.hivelite.node.records.RecordOperations;
import dev.hivelite.node.records.RecordService;
import dev.hivelite.node.records.SchemaCache;
import dev.hivelite.node.records.ApiHealthService;
import dev.hivelite.node.records.BatchService;
import dev.hivelite.node.records.RealtimeAccess;
import dev.hivelite.node.realtime.RealtimeHub;
import dev.hivelite.node.realtime.RealtimeMetrics;
import dev.hivelite.node.realtime.RealtimeService;
import dev.hivelite.node.realtime.RealtimeSocket;
import dev.hivelite.node.cluster.Topics;
import dev.hivelite.node.common.Principal;
import dev.hivelite.node.http.AuthenticationFilter;
import dev.hivelite.node.records.FileService;
import dev.hivelite.node.settings.Mailer;
import dev.hivelite.node.settings.RateLimiter;
import dev.hivelite.node.settings.SettingsService;
import dev.hivelite.node.settings.SettingsStore;
import dev.hivelite.node.settings.SmtpMailer;
import dev.hivelite.node.settings.Templates;
import dev.hivelite.node.records.RecordAuthService;
import dev.hivelite.node.records.UserTokens;
import dev.hivelite.node.records.Scopes;
import dev.hivelite.node.platform.AnalyticsService;
import dev.hivelite.node.observe.AnalyticsStore;
import dev.hivelite.node.observe.DatabaseAnalytics;
import dev.hivelite.node.platform.ImportService;
import dev.hivelite.node.storage.DatabasePool;
import dev.hivelite.node.cluster.Invalidations;
import dev.hivelite.node.platform.CorsService;
import dev.hivelite.node.platform.DatabaseDirectory;
import dev.hivelite.node.platform.DatabaseUsage;
import dev.hivelite.node.storage.SqliteDatabase;
import dev.hivelite.node.storage.SqliteOptions;
import dev.hivelite.node.storage.SystemDb;

/**
 * One running worker: storage, the Hazelcast member, and the web server with its public and private
 * listeners. Lifecycle: {@link #start} (storage → HTTP → cluster join in the background) →
 * {@link #close} (drain HTTP → leave the cluster → close SQLite).
 */
public final class Worker implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Worker.class.getName());
    /**
     * Helidon's listener, held so that the filter {@link #close} sets on it stays (JUL keeps loggers weakly).
     * When it closes, a connection the kernel handed it a moment before finds the handlers' executor
     * shut: Helidon closes it unanswered and logs an ERROR with a stack trace. Expected while draining,
     * so it becomes one line of ours then; at any other time Helidon's record stands.
     */
    private static final Logger LISTENER_LOG = Logger.getLogger("io.helidon.webserver.ServerListener");
    private static final String REJECTED_AT_CLOSE = "Executor rejected handler for new connection";
    /** Name of the loopback listener the coordinator probes. */
    static final String PRIVATE_SOCKET = "private";
    /** How long a draining worker keeps its listener while telling clients to close (see DrainFilter). */
    static final Duration DRAIN_NOTICE = Duration.ofSeconds(1);
    /** How long a starting worker waits for its Hazelcast join before it serves without the cluster. */
    static final Duration JOIN_WAIT = Duration.ofSeconds(30);
    /** Size of the shared read pool queue; past it, reads are refused with 503 instead of piling up. */
    private static final int READ_QUEUE = 10_000;

    private final WorkerConfig config;
    private final WorkerState state;
    private final ThreadPoolExecutor readPool;
    private final SqliteDatabase systemDb;
    private final DatabasePool pool;
    private final ClusterMember cluster;
    private final NodeMetrics metrics;
    private final WebServer server;
    /** This worker's per-database counts, added to system.db every {@link #ANALYTICS_FLUSH} and at stop. */
    private final DatabaseAnalytics analytics;
    private final ScheduledExecutorService ticker;
    /** Realtime connections: closed first on a drain, so the SDK reconnects to a live worker. */
    private final RealtimeHub realtime;
    static final Duration ANALYTICS_FLUSH = Duration.ofSeconds(15);

    private Worker(WorkerConfig config, WorkerState state, ThreadPoolExecutor readPool, SqliteDatabase systemDb,
                   DatabasePool pool, ClusterMember cluster, NodeMetrics metrics, WebServer server,
                   DatabaseAnalytics analytics, ScheduledExecutorService ticker, RealtimeHub realtime) {
        this.realtime = realtime;
        this.analytics = analytics;
        this.ticker = ticker;
        this.config = config;
        this.state = state;
        this.readPool = readPool;
        this.systemDb = systemDb;
        this.pool = pool;
        this.cluster = cluster;
        this.metrics = metrics;
        this.server = server;
    }

    /** Settings read from the environment, never from the command line (which `ps` shows). */
    public record Secrets(String signingKey, String adminEmail, String adminPassword) {
        public static Secrets fromEnvironment() {
            return new Secrets(System.getenv("HIVELITE_SECRET"), System.getenv("HIVELITE_ADMIN_EMAIL"),
                    System.getenv("HIVELITE_ADMIN_PASSWORD"));
        }
    }

    public static Worker start(WorkerConfig config, Secrets secrets, Clock clock) {
        // More threads than one database may use at once (its read connections): a database whose reads
        // are slow (a view that never ends) leaves threads for the others.
        int readThreads = Math.max(SqliteOptions.DEFAULT_READ_CONNECTIONS + 2, 2 * Runtime.getRuntime().availableProcessors());
        ThreadPoolExecutor readPool = new ThreadPoolExecutor(readThreads, readThreads, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(READ_QUEUE), Thread.ofPlatform().name("sqlite-reader-", 1)
                .daemon(true).factory());
        SqliteOptions sqlite = new SqliteOptions(config.synchronousFull(), SqliteOptions.DEFAULT_BUSY_TIMEOUT,
                SqliteOptions.DEFAULT_READ_CONNECTIONS);
        SqliteDatabase systemDb = SystemDb.open(config.dataDir(), sqlite, readPool);

        ClusterMember cluster = new ClusterMember(new ClusterConfig(config.clusterName(), "127.0.0.1",
                config.hazelcastPort(), config.hazelcastMembers(), config.clusterSize()), "hivelite-w" + config.workerId());
        WorkerState state = new WorkerState(config.workerId(), ProcessHandle.current().pid(), clock.instant(),
                Version.current(), () -> cluster.state().name().toLowerCase(), cluster::memberCount, cluster::complete);
        NodeMetrics metrics = new NodeMetrics(state);

        SuperuserStore superusers = new SuperuserStore(systemDb, clock);
        String signingKey = SigningKey.load(config.dataDir(), secrets.signingKey());
        Authenticator authenticator = new Authenticator(superusers,
                new Tokens(signingKey),
                new SharedStrings(cluster, "hivelite.superuser-sessions"),
                new SharedCounters(cluster, "hivelite.throttle.superuser-logins"), clock);
        FirstStart.run(superusers, secrets.adminEmail(), secrets.adminPassword(), config.workerId() == 1,
                (config.host().equals("0.0.0.0") ? "127.0.0.1" : config.host()) + ":" + config.port());
        Invalidations invalidations = new Invalidations(cluster);
        ApiKeys apiKeys = new ApiKeys(new ApiKeyStore(systemDb, clock), invalidations,
                clock, Thread.ofVirtual().name("api-key-touch")::start);
        AuditLog audit = new AuditLog(systemDb, clock);
        DatabaseStore databases = new DatabaseStore(systemDb, clock);
        DatabasePool pool = new DatabasePool(config.dataDir().resolve("databases"), sqlite, readPool,
                config.poolCap(), databases::exists);
        DatabaseDirectory directory = new DatabaseDirectory(databases, invalidations);
        DatabaseUsage usage = new DatabaseUsage(databases, clock, Thread.ofVirtual().name("database-touch")::start);
        SchemaCache schemas = new SchemaCache(invalidations);
        SettingsStore settingsStore = new SettingsStore(pool, invalidations, clock);
        invalidations.on(SettingsStore.KIND, settingsStore::forget);
        SmtpMailer mailer = new SmtpMailer(settingsStore);
        invalidations.on(DatabaseDirectory.KIND, id -> {
            directory.forget(id);
            schemas.forget(id);
            settingsStore.forget(id);
            pool.invalidate(id);
        });
        invalidations.on(SchemaCache.KIND, schemas::forget);
        RateLimiter rateLimiter = new RateLimiter(settingsStore, new SharedAllowances(cluster, "hivelite.rate-limits"), clock);
        Scopes scopes = new Scopes(directory, pool, schemas, usage, rateLimiter);
        UserTokens userTokens = new UserTokens(signingKey, pool, schemas, invalidations, clock);
        java.util.function.Function<String, Principal> credentials =
                AuthenticationFilter.credentials(authenticator, apiKeys, userTokens);
        RealtimeHub realtime = new RealtimeHub(new Topics(cluster), invalidations,
                new SharedStrings(cluster, RealtimeHub.REGISTRY), new RealtimeAccess(pool, schemas, clock), credentials);
        RecordOperations recordOperations = new RecordOperations(clock,
                config.dataDir().resolve(".tmp").resolve("uploads"), realtime, userTokens);
        invalidations.on(UserTokens.KIND, userTokens::forget);
        invalidations.on(ApiKeys.KIND, apiKeys::forget);
        AnalyticsStore analyticsStore = new AnalyticsStore(systemDb);
        DatabaseAnalytics analytics = new DatabaseAnalytics(analyticsStore, clock,
                id -> DatabaseService.fileSize(pool.folder(id)));
        invalidations.on(AnalyticsService.FLUSH, ignored -> analytics.flush());
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("analytics-flush").daemon(true).factory());
        ticker.scheduleWithFixedDelay(analytics::flush, ANALYTICS_FLUSH.toSeconds(), ANALYTICS_FLUSH.toSeconds(),
                TimeUnit.SECONDS);
        DatabaseService databaseService = new DatabaseService(databases, pool, invalidations, apiKeys, audit);
        databaseService.ensureMain();
        PublicRouting.Services services = new PublicRouting.Services(authenticator, superusers, apiKeys, audit,
                databaseService, new ApiKeyService(databases, apiKeys, audit), new SqlService(directory, pool, usage, analytics),
                new ExportService(directory, pool, usage, config.dataDir().resolve(".tmp").resolve("exports"), audit),
                new CorsService(directory),
                new ImportService(databases, databaseService, config.dataDir().resolve(".tmp").resolve("imports"),
                        config.importMax(), audit),
                new AnalyticsService(directory, databases, analyticsStore, invalidations, pool::folder, clock),
                analytics, new CollectionService(scopes, schemas, recordOperations, clock),
                new RecordService(scopes, recordOperations,
                        dev.hivelite.node.auth.SuperuserService.records(superusers, authenticator, audit), clock),
                new RecordAuthService(scopes, userTokens, new SharedCounters(cluster, "hivelite.throttle.record-logins"),
                        (db, to, subject, body, values) -> {
                            java.util.Map<String, String> all = new java.util.HashMap<>(Templates.app(settingsStore.get(db)));
                            all.putAll(values);
                            return mailer.sendQuietly(db, new Mailer.Mail(to, Templates.fill(subject, all), Templates.fillHtml(body, all)));
                        }, recordOperations, clock),
                userTokens, new SettingsService(directory, pool, settingsStore, mailer, schemas::authTemplate), new ApiHealthService(scopes),
                new BatchService(scopes, recordOperations, settingsStore, clock), new FileService(scopes, userTokens, clock),
                new RealtimeService(realtime, directory), credentials, directory, rateLimiter);

        // Public traffic waits for the cluster: a worker serving before it joined would make changes whose
        // cache invalidations and realtime events reach no other worker. A join that fails or hangs is
        // given up after JOIN_WAIT: the worker then serves degraded, and health and metrics say so.
        cluster.start();
        try {
            if (!cluster.awaitJoin(JOIN_WAIT)) {
                LOG.warning(() -> "worker " + config.workerId() + " serves without the Hazelcast cluster ("
                        + cluster.state().name().toLowerCase() + "): caches stay local and realtime is degraded");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while joining the cluster", e);
        }
        WebServer server = WebServer.builder()
                .host(config.host())
                .port(config.port())
                // Every worker binds the same address with SO_REUSEPORT: the kernel spreads connections.
                .putListenerSocketOption(StandardSocketOptions.SO_REUSEPORT, true)
                // Host-header validation is a regex per request (~5% of a point read) and guards only
                // host-based routing, which this server does not do.
                .addProtocol(io.helidon.webserver.http1.Http1Config.builder().validateRequestHostHeader(false)
                        // PocketBase (Go) takes long filters in the query (up to 3,500 characters, more once
                        // encoded) and the characters fetch() leaves unencoded (| { } [ ] ^ ` \ < > ").
                        .maxPrologueLength(64 * 1024)
                        .validatePrologue(false)
                        .build())
                .shutdownGracePeriod(config.gracePeriod())
                // Errors raised before routing (bad escapes, too long, malformed) in PocketBase's shape.
                .directHandlers(dev.hivelite.node.http.JsonDirectHandler.handlers())
                // One shutdown hook (NodeMain's) orders drain → Hazelcast → SQLite; Helidon's would race it.
                .shutdownHook(false)
                .routing(r -> PublicRouting.routing(r, state, metrics, clock, config.debugRoutes(), services))
                .addRouting(RealtimeSocket.routing(realtime, directory))
                .putSocket(PRIVATE_SOCKET, listener -> listener
                        .host("127.0.0.1")
                        .port(config.privatePort())
                        .shutdownGracePeriod(config.gracePeriod())
                        .routing(r -> r.register(new PrivateService(state, metrics,
                                () -> analytics.exposition() + RealtimeMetrics.exposition(realtime)))))
                .build()
                .start();
        if (server.port() < 0 || server.port(PRIVATE_SOCKET) < 0) {
            // Helidon logs a listener that failed to bind and serves on without it. A worker with no
            // public or no private port would wait out the coordinator's readiness deadline (90 s);
            // failing now gets it restarted at once, on a fresh private port (the one it was given
            // may have been taken between the coordinator's choice and this bind).
            String ports = "public port " + server.port() + ", private port " + server.port(PRIVATE_SOCKET)
                    + " (" + config.privatePort() + " asked)";
            new Worker(config, state, readPool, systemDb, pool, cluster, metrics, server, analytics, ticker, realtime).close();
            throw new IllegalStateException("a listener did not bind: " + ports);
        }
        state.stage(WorkerState.Stage.SERVING);
        LOG.info(() -> "worker " + config.workerId() + " (pid " + state.pid() + ") serving on "
                + config.host() + ":" + server.port() + ", private port " + server.port(PRIVATE_SOCKET));
        return new Worker(config, state, readPool, systemDb, pool, cluster, metrics, server, analytics, ticker, realtime);
    }

    public int port() {
        return server.port();
    }

    public int privatePort() {
        return server.port(PRIVATE_SOCKET);
    }

    /**
     * Drains: answers carry {@code Connection: close} for a short notice period (keep-alive clients move
     * to other workers without racing a close), then the listener closes and in-flight requests finish
     * within the grace period; then Hazelcast is left and SQLite closed.
     */
    @Override
    public void close() {
        state.stage(WorkerState.Stage.DRAINING);
        realtime.close();
        LOG.info(() -> "worker " + config.workerId() + " draining (grace " + config.gracePeriod().toSeconds() + " s)");
        Duration notice = config.gracePeriod().compareTo(DRAIN_NOTICE) < 0 ? config.gracePeriod() : DRAIN_NOTICE;
        try {
            Thread.sleep(notice);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LISTENER_LOG.setFilter(r -> {
            if (!REJECTED_AT_CLOSE.equals(r.getMessage())) {
                return true;
            }
            LOG.info("a connection accepted as the listener closed was closed unanswered");
            return false;
        });
        server.stop();
        ticker.shutdownNow();
        analytics.flush();
        cluster.close();
        pool.close();
        systemDb.close();
        readPool.shutdown();
        metrics.close();
        LOG.info(() -> "worker " + config.workerId() + " stopped");
    }
}
