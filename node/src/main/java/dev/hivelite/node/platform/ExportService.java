package dev.hivelite.node.platform;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.hivelite.node.common.AuditTrail;
import dev.hivelite.node.common.Principal;
import dev.hivelite.node.common.RequestContext;
import dev.hivelite.node.storage.DatabasePool;

/**
 * {@code GET /api/databases/{name}/export}: a consistent snapshot of the database as one SQLite file
 * (the WAL's committed pages included), made with {@code VACUUM INTO} on a read-only connection, so writes
 * go on meanwhile. Copying the file itself would lose what is still in the WAL.
 */
public final class ExportService implements HttpService {

    private final DatabaseDirectory databases;
    private final DatabasePool pool;
    /** Records lastUsed (at most once a minute per database). */
    private final DatabaseUsage usage;
    private final Path tmpDir;
    private final AuditTrail audit;

    public ExportService(DatabaseDirectory databases, DatabasePool pool, DatabaseUsage usage, Path tmpDir, AuditTrail audit) {
        this.databases = databases;
        this.pool = pool;
        this.usage = usage;
        this.tmpDir = tmpDir;
        this.audit = audit;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api/databases/{name}/export", this::export);
    }

    private void export(ServerRequest req, ServerResponse res) throws IOException {
        Principal caller = RequestContext.principal(req).requireCredentials();
        DatabaseStore.Database db = databases.byName(req.path().pathParameters().get("name"))
                .orElseThrow(DatabaseService::notFound);
        RequestContext.database(req, db.id(), db.name());
        caller.requireAdminOf(db.id());
        Files.createDirectories(tmpDir);
        Path snapshot = tmpDir.resolve("export-" + UUID.randomUUID() + ".db");
        try {
            try (DatabasePool.Lease lease = pool.lease(db.id())) {
            usage.used(db.id());
                lease.db().snapshotTo(snapshot, dev.hivelite.node.storage.SqliteOptions.defaults());
            }
            audit.record(AuditTrail.actor(caller), "database.export", db.id(), null,
                    Map.of("name", db.name(), "bytes", Files.size(snapshot)));
            res.header(HeaderNames.CONTENT_TYPE, "application/vnd.sqlite3")
               .header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"" + db.name() + ".db\"")
               .header(HeaderNames.CONTENT_LENGTH, Long.toString(Files.size(snapshot)));
            try (OutputStream out = res.outputStream()) {
                Files.copy(snapshot, out);
            }
        } finally {
            try {
                Files.deleteIfExists(snapshot);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
