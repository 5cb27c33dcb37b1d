package dev.hivelite.node.records;

import io.helidon.webserver.http.ServerRequest;

import dev.hivelite.node.common.Principal;
import dev.hivelite.node.common.RequestContext;
import dev.hivelite.node.platform.DatabaseDirectory;
import dev.hivelite.node.platform.DatabaseStore;
import dev.hivelite.node.platform.DatabaseUsage;
import dev.hivelite.node.settings.RateLimiter;
import dev.hivelite.node.storage.DatabasePool;

/**
 * Which database a data-API request is about: {@code main} at {@code /api/...}, {@code {db}} at
 * {@code /db/{db}/api/...}. Opens it (a lease), and reads its schema and the caller's rights there.
 */
public final class Scopes {

    /** Path parameter of the database in {@code /db/{db}/api/...}. */
    static final String DB_PARAM = "db";
    /** The two prefixes every data-API route is registered under. */
    static final String[] PREFIXES = {"", "/db/{db}"};

    private final DatabaseDirectory directory;
    private final DatabasePool pool;
    private final SchemaCache schemas;
    private final DatabaseUsage usage;
    private final RateLimiter limiter;

    public Scopes(DatabaseDirectory directory, DatabasePool pool, SchemaCache schemas, DatabaseUsage usage,
                  RateLimiter limiter) {
        this.directory = directory;
        this.pool = pool;
        this.schemas = schemas;
        this.usage = usage;
        this.limiter = limiter;
    }

    /** One request's database: close it (the lease) when done. */
    static final class Scope implements AutoCloseable {
        final DatabaseStore.Database db;
        final DatabasePool.Lease lease;
        final Schema schema;
        final Principal principal;
        final boolean admin;
        private final DatabasePool pool;
        private final RateLimiter limiter;

        Scope(DatabaseStore.Database db, DatabasePool.Lease lease, Schema schema, Principal principal,
              DatabasePool pool, RateLimiter limiter) {
            this.db = db;
            this.pool = pool;
            this.limiter = limiter;
            this.lease = lease;
            this.schema = schema;
            this.principal = principal;
            this.admin = principal.mayAdminister(db.id());
        }

        /**
         * A new lease of this database, for work that runs after the request (its own lease ends with
         * it); the caller closes it.
         */
        DatabasePool.Lease leaseAgain() {
            return pool.lease(db.id());
        }

        /** The database's folder: data.db and storage/. */
        java.nio.file.Path folder() {
            return pool.folder(db.id());
        }

        /**
         * This request's {@code action} on {@code collection} against the database's rate limits (429
         * when over), as PocketBase checks it once the collection is known. A write to a view
         * collection is not counted: PocketBase refuses it first.
         */
        void limit(ServerRequest req, Collection collection, RateLimiter.Action action) {
            if (!(action.writes() && collection.isView())) {
                limiter.action(req, db.id(), lease.db(), principal, collection.id(), collection.name(), action);
            }
        }

        /** The client's address, through the proxy headers this database's settings trust (PocketBase's real IP). */
        String clientIp(ServerRequest req) {
            return limiter.clientIp(req, db.id(), lease.db());
        }

        /** The proxy headers this database's settings trust. */
        java.util.List<String> trustedProxyHeaders() {
            return limiter.trustedProxyHeaders(db.id(), lease.db());
        }

        /** The same for one request of a batch, with its own method and path. */
        void limitBatched(ServerRequest req, Collection collection, RateLimiter.Action action, String method,
                          String apiPath) {
            if (!(action.writes() && collection.isView())) {
                limiter.batched(req, db.id(), lease.db(), principal, collection.id(), collection.name(), action,
                        method, apiPath);
            }
        }

        /** The caller as an auth record of this database, or null. */
        Principal.User user() {
            return principal instanceof Principal.User u && u.databaseId().equals(db.id()) ? u : null;
        }

        @Override
        public void close() {
            lease.close();
        }
    }

    Scope open(ServerRequest req) {
        String name = req.path().pathParameters().first(DB_PARAM).orElse(DatabaseStore.MAIN);
        DatabaseStore.Database db = directory.byName(name)
                .orElseThrow(() -> new dev.hivelite.node.common.ApiException.NotFound("Missing or invalid database."));
        RequestContext.database(req, db.id(), db.name());
        DatabasePool.Lease lease = pool.lease(db.id());
        try {
            usage.used(db.id());
            Schema schema = schemas.get(db.id(), lease.db(), !db.readOnly());
            Principal principal = RequestContext.principal(req);
            if (principal instanceof Principal.User u && !u.databaseId().equals(db.id())) {
                principal = Principal.ANONYMOUS; // another database's user is nobody here
            }
            if (principal instanceof Principal.ApiKey k && !k.databaseId().equals(db.id())) {
                // A key is meant for its own database: refused here, as on the platform routes, not taken as a guest.
                throw new dev.hivelite.node.common.ApiException.Forbidden(
                        "The authorized record is not allowed to perform this action.");
            }
            return new Scope(db, lease, schema, principal, pool, limiter);
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    DatabasePool pool() {
        return pool;
    }
}
