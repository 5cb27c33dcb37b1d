package dev.hivelite.node.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.hivelite.node.cluster.Invalidations;
import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.AuditTrail;
import dev.hivelite.node.common.Bodies;
import dev.hivelite.node.common.Json;
import dev.hivelite.node.common.Principal;
import dev.hivelite.node.common.RequestContext;
import dev.hivelite.node.common.Responses;
import dev.hivelite.node.storage.DatabasePool;

/** {@code /api/databases}: the databases of this instance, superusers only. */
public final class DatabaseService implements HttpService {

    private final DatabaseStore store;
    private final DatabasePool pool;
    private final Invalidations invalidations;
    private final ApiKeys keys;
    private final AuditTrail audit;

    public DatabaseService(DatabaseStore store, DatabasePool pool, Invalidations invalidations, ApiKeys keys,
                           AuditTrail audit) {
        this.store = store;
        this.pool = pool;
        this.invalidations = invalidations;
        this.keys = keys;
        this.audit = audit;
    }

    @Override
    public void routing(HttpRules rules) {
        Responses.read(rules, "/api/databases", this::list)
             .post("/api/databases", this::create);
        Responses.read(rules, "/api/databases/{name}", this::view)
             .patch("/api/databases/{name}", this::update)
             .delete("/api/databases/{name}", this::delete);
    }

    /** A database as the API shows it. */
    record DatabaseView(String id, String name, long size, String group, boolean readOnly, List<String> corsOrigins,
                        String created, String updated, String lastUsed) {
    }

    Path folder(String id) {
        return pool.folder(id);
    }

    DatabaseView view(DatabaseStore.Database d) {
        Path folder = pool.folder(d.id());
        return new DatabaseView(d.id(), d.name(), fileSize(folder), d.group(), d.readOnly(), d.corsOrigins(), d.created(), d.updated(), d.lastUsed());
    }

    /** Bytes of a database on disk: its file and its WAL. */
    public static long fileSize(Path folder) {
        return size(folder.resolve("data.db")) + size(folder.resolve("data.db-wal"));
    }

    private static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private void list(ServerRequest req, ServerResponse res) {
        RequestContext.principal(req).requireSuperuser();
        List<DatabaseView> items = store.list().stream().map(this::view).toList();
        send(req, res, Map.of("items", items, "totalItems", items.size()));
    }

    private void create(ServerRequest req, ServerResponse res) {
        Principal caller = RequestContext.principal(req).requireSuperuser();
        JsonNode body = Bodies.json(req);
        DatabaseStore.Change input = change(body);
        DatabaseStore.Database created = store.create(Bodies.text(body, "name"), input.group(),
                Boolean.TRUE.equals(input.readOnly()), input.corsOrigins());
        createFiles(created.id());
        audit.record(AuditTrail.actor(caller), "database.create", created.id(), null, Map.of("name", created.name()));
        send(req, res, view(created));
    }

    /**
     * A database named {@code main} exists from the first start (several workers may race here). Its
     * files are ensured on every start, not only by the worker that registered it: that worker may
     * have died between the registry row and the folder, and the pool opens no missing folder.
     */
    public void ensureMain() {
        DatabaseStore.Database main = store.ensureMain()
                .or(() -> store.byName(DatabaseStore.MAIN))
                .orElseThrow(() -> new IllegalStateException("main is neither registered nor creatable"));
        createFiles(main.id());
    }

    /** The folder, its storage/, and the SQLite file with every pragma (opened once through the pool). */
    private void createFiles(String id) {
        try {
            Files.createDirectories(pool.folder(id).resolve("storage"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (DatabasePool.Lease lease = pool.lease(id)) {
            lease.db().read(c -> null);
        }
    }

    private void view(ServerRequest req, ServerResponse res) {
        RequestContext.principal(req).requireSuperuser();
        send(req, res, view(existing(req)));
    }

    private void update(ServerRequest req, ServerResponse res) {
        Principal caller = RequestContext.principal(req).requireSuperuser();
        String name = req.path().pathParameters().get("name");
        DatabaseStore.Change change = change(Bodies.json(req));
        DatabaseStore.Database updated = store.update(name, change).orElseThrow(DatabaseService::notFound);
        invalidations.everywhere(DatabaseDirectory.KIND, updated.id());
        audit.record(AuditTrail.actor(caller), change.name() != null && !change.name().equals(name) ? "database.rename"
                : "database.config", updated.id(), null, Map.of("name", updated.name(), "previousName", name,
                "readOnly", updated.readOnly(), "group", updated.group(), "corsOrigins", updated.corsOrigins()));
        send(req, res, view(updated));
    }

    /**
     * Unregisters, revokes its keys, closes its handles on every worker (acknowledged; see
     * {@link Invalidations#everywhere}), then removes its files. A request racing this gets 404:
     * the pool never opens an unregistered id.
     */
    private void delete(ServerRequest req, ServerResponse res) {
        Principal caller = RequestContext.principal(req).requireSuperuser();
        String name = req.path().pathParameters().get("name");
        if (DatabaseStore.MAIN.equals(name)) {
            throw ApiException.invalid("name", "validation_invalid_value", "The main database cannot be deleted.");
        }
        DatabaseStore.Database existing = store.byName(name).orElseThrow(DatabaseService::notFound);
        List<String> keyHashes = keys.store().hashesOf(existing.id());
        store.delete(name).orElseThrow(DatabaseService::notFound);
        keys.revoke(keyHashes);
        List<String> silent = invalidations.everywhere(DatabaseDirectory.KIND, existing.id());
        dev.hivelite.node.common.Folders.delete(pool.folder(existing.id()));
        audit.record(AuditTrail.actor(caller), "database.delete", existing.id(), null,
                silent.isEmpty() ? Map.of("name", name) : Map.of("name", name, "workersNotAcknowledged", silent));
        res.status(Status.NO_CONTENT_204).send();
    }

    DatabaseStore.Database existing(ServerRequest req) {
        return store.byName(req.path().pathParameters().get("name")).orElseThrow(DatabaseService::notFound);
    }

    private static DatabaseStore.Change change(JsonNode body) {
        String group = Bodies.text(body, "group");
        if (group != null && group.length() > DatabaseStore.MAX_GROUP) {
            throw ApiException.invalid("group", "validation_length_out_of_range", "At most 64 characters.");
        }
        Boolean readOnly = null;
        JsonNode ro = body.get("readOnly");
        if (ro != null && !ro.isNull()) {
            if (!ro.isBoolean()) {
                throw ApiException.invalid("readOnly", "validation_invalid_type", "Must be true or false.");
            }
            readOnly = ro.asBoolean();
        }
        List<String> origins = null;
        JsonNode cors = body.get("corsOrigins");
        if (cors != null && !cors.isNull()) {
            if (!cors.isArray()) {
                throw ApiException.invalid("corsOrigins", "validation_invalid_type", "Must be a list of origins.");
            }
            origins = new ArrayList<>();
            for (JsonNode o : cors) {
                if (!o.isTextual() || !(o.asText().equals("*") || o.asText().matches("^https?://[^/\\s]+$"))) {
                    throw ApiException.invalid("corsOrigins", "validation_invalid_value",
                            "Each origin is * or scheme://host[:port], e.g. https://app.example.com.");
                }
                origins.add(o.asText());
            }
        }
        return new DatabaseStore.Change(Bodies.text(body, "name"), group, readOnly, origins);
    }

    static ApiException notFound() {
        return ApiException.notFound();
    }

    static void send(ServerRequest req, ServerResponse res, Object body) {
        Responses.send(req, res, Json.bytes(body));
    }
}
