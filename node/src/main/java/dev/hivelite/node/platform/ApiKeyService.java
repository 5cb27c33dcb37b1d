package dev.hivelite.node.platform;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.AuditTrail;
import dev.hivelite.node.common.Bodies;
import dev.hivelite.node.common.Principal;
import dev.hivelite.node.common.RequestContext;
import dev.hivelite.node.common.Responses;

/**
 * {@code /api/databases/{name}/keys}: a database's API keys, managed by superusers. The secret is in
 * the answer to create and rotate only; lists never show it.
 */
public final class ApiKeyService implements HttpService {

    static final int MAX_LABEL = 100;

    private final DatabaseStore databases;
    private final ApiKeys keys;
    private final AuditTrail audit;

    public ApiKeyService(DatabaseStore databases, ApiKeys keys, AuditTrail audit) {
        this.databases = databases;
        this.keys = keys;
        this.audit = audit;
    }

    @Override
    public void routing(HttpRules rules) {
        Responses.read(rules, "/api/databases/{name}/keys", this::list)
             .post("/api/databases/{name}/keys", this::create)
             .post("/api/databases/{name}/keys/{id}/rotate", this::rotate)
             .delete("/api/databases/{name}/keys/{id}", this::revoke);
    }

    /** A freshly issued key: the only time its secret is shown. */
    record Issued(String id, String label, String created, String rotated, String key) {
    }

    private DatabaseStore.Database database(ServerRequest req) {
        return databases.byName(req.path().pathParameters().get("name")).orElseThrow(DatabaseService::notFound);
    }

    private void list(ServerRequest req, ServerResponse res) {
        RequestContext.principal(req).requireSuperuser();
        List<ApiKeyStore.ApiKey> items = keys.store().list(database(req).id());
        DatabaseService.send(req, res, Map.of("items", items, "totalItems", items.size()));
    }

    private void create(ServerRequest req, ServerResponse res) {
        Principal caller = RequestContext.principal(req).requireSuperuser();
        DatabaseStore.Database db = database(req);
        JsonNode body = Bodies.json(req);
        String label = Bodies.text(body, "label");
        if (label == null || label.isBlank()) {
            throw ApiException.invalid("label", "validation_required", "Cannot be blank.");
        }
        if (label.length() > MAX_LABEL) {
            throw ApiException.invalid("label", "validation_length_out_of_range", "At most " + MAX_LABEL + " characters.");
        }
        ApiKeyStore.IssuedKey issued = keys.store().create(db.id(), label.trim());
        audit.record(AuditTrail.actor(caller), "key.create", db.id(), null, Map.of("keyId", issued.key().id(), "label", label));
        DatabaseService.send(req, res, issued(issued));
    }

    private void rotate(ServerRequest req, ServerResponse res) {
        Principal caller = RequestContext.principal(req).requireSuperuser();
        DatabaseStore.Database db = database(req);
        ApiKeyStore.IssuedKey issued = keys.store().rotate(db.id(), req.path().pathParameters().get("id"))
                .orElseThrow(DatabaseService::notFound);
        keys.revoke(List.of(issued.previousHash()));
        audit.record(AuditTrail.actor(caller), "key.rotate", db.id(), null, Map.of("keyId", issued.key().id()));
        DatabaseService.send(req, res, issued(issued));
    }

    private void revoke(ServerRequest req, ServerResponse res) {
        Principal caller = RequestContext.principal(req).requireSuperuser();
        DatabaseStore.Database db = database(req);
        String id = req.path().pathParameters().get("id");
        String hash = keys.store().revoke(db.id(), id).orElseThrow(DatabaseService::notFound);
        keys.revoke(List.of(hash));
        audit.record(AuditTrail.actor(caller), "key.revoke", db.id(), null, Map.of("keyId", id));
        res.status(Status.NO_CONTENT_204).send();
    }

    private static Issued issued(ApiKeyStore.IssuedKey k) {
        return new Issued(k.key().id(), k.key().label(), k.key().created(), k.key().rotated(), k.secret());
    }
}
