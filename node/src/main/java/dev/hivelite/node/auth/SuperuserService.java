package dev.hivelite.node.auth;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.AuditTrail;
import dev.hivelite.node.common.ApiException.FieldError;
import dev.hivelite.node.common.Bodies;
import dev.hivelite.node.common.Hashes;
import dev.hivelite.node.common.Json;
import dev.hivelite.node.common.Principal;
import dev.hivelite.node.common.RequestContext;
import dev.hivelite.node.common.Responses;

/** Platform management of superusers: logout, list, create, update, delete, revoke, first setup. */
public final class SuperuserService implements HttpService {

    private final SuperuserStore store;
    private final Authenticator authenticator;
    private final AuditTrail audit;

    public SuperuserService(SuperuserStore store, Authenticator authenticator, AuditTrail audit) {
        this.store = store;
        this.authenticator = authenticator;
        this.audit = audit;
    }

    private void audit(ServerRequest req, Principal actor, String action, Map<String, ?> details) {
        audit.record(AuditTrail.actor(actor), action, null, ClientIp.of(req), details);
    }

    @Override
    public void routing(HttpRules rules) {
        Responses.read(rules, "/api/superusers", this::list);
        rules.post("/api/superusers/logout", this::logout)
             .post("/api/superusers/setup", this::setup)
             .post("/api/superusers", this::create)
             .patch("/api/superusers/{id}", this::update)
             .delete("/api/superusers/{id}", this::delete)
             .post("/api/superusers/{id}/revoke", this::revoke);
    }

    /** Ends the caller's own session, on every worker. */
    private void logout(ServerRequest req, ServerResponse res) {
        Principal.Superuser caller = RequestContext.principal(req).requireSuperuser();
        authenticator.logout(caller);
        audit(req, caller, "superuser.logout", Map.of());
        res.status(Status.NO_CONTENT_204).send();
    }

    /** Creates the first superuser with the one-time token the log printed. */
    private void setup(ServerRequest req, ServerResponse res) {
        JsonNode body = Bodies.json(req);
        String token = Bodies.text(body, "token");
        SuperuserInput input = new SuperuserInput(trim(Bodies.text(body, "email")), Bodies.text(body, "password"));
        input.validate(true);
        if (token == null || token.isBlank()) {
            throw ApiException.invalid(Map.of("token", new FieldError("validation_required", "Cannot be blank.")));
        }
        Superuser created = store.createWithSetupToken(Hashes.sha256(token), input.email(), input.password())
                .orElseThrow(() -> new ApiException.Forbidden("The setup token is invalid or was already used."));
        audit.record(created.email(), "superuser.setup", null, ClientIp.of(req), Map.of("id", created.id()));
        SuperuserAuthService.send(req, res, authenticator.login(created.email(), input.password(), ClientIp.of(req)));
    }

    private void list(ServerRequest req, ServerResponse res) {
        RequestContext.principal(req).requireSuperuser();
        List<SuperuserRecord> items = store.list().stream().map(SuperuserRecord::of).toList();
        Responses.send(req, res, Json.bytes(Map.of("items", items, "totalItems", items.size())));
    }

    private void create(ServerRequest req, ServerResponse res) {
        Principal.Superuser caller = RequestContext.principal(req).requireSuperuser();
        JsonNode body = Bodies.json(req);
        res.header(HeaderValues.CONTENT_TYPE_JSON).send(Json.bytes(SuperuserRecord.of(
                create(caller, Bodies.text(body, "email"), Bodies.text(body, "password"), ClientIp.of(req)))));
    }

    private void update(ServerRequest req, ServerResponse res) {
        Principal.Superuser caller = RequestContext.principal(req).requireSuperuser();
        JsonNode body = Bodies.json(req);
        res.header(HeaderValues.CONTENT_TYPE_JSON).send(Json.bytes(SuperuserRecord.of(update(caller,
                req.path().pathParameters().get("id"), Bodies.text(body, "email"), Bodies.text(body, "password"),
                ClientIp.of(req)))));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        delete(RequestContext.principal(req).requireSuperuser(), req.path().pathParameters().get("id"), ClientIp.of(req));
        res.status(Status.NO_CONTENT_204).send();
    }

    private Superuser create(Principal.Superuser caller, String email, String password, String clientIp) {
        SuperuserInput input = new SuperuserInput(trim(email), password);
        input.validate(true);
        Superuser created = store.create(input.email(), input.password()).orElseThrow(SuperuserService::emailTaken);
        audit.record(AuditTrail.actor(caller), "superuser.create", null, clientIp,
                Map.of("id", created.id(), "email", created.email()));
        return created;
    }

    private Superuser update(Principal.Superuser caller, String id, String newEmail, String password, String clientIp) {
        String email = trim(newEmail);
        Superuser current = store.byId(id).orElseThrow(SuperuserService::notFound);
        SuperuserInput input = new SuperuserInput(email == null ? current.email() : email, password);
        input.validate(false);
        if (email != null && store.emailTaken(email, id)) {
            throw emailTaken();
        }
        List<String> revoked = store.update(id, email, password).orElseThrow(SuperuserService::notFound);
        authenticator.revoke(revoked);
        audit.record(AuditTrail.actor(caller), "superuser.update", null, clientIp, Map.of("id", id,
                "emailChanged", email != null, "passwordChanged", password != null, "sessionsRevoked", revoked.size()));
        return store.byId(id).orElseThrow(SuperuserService::notFound);
    }

    private void delete(Principal.Superuser caller, String id, String clientIp) {
        if (store.byId(id).isPresent() && store.count() <= 1) {
            throw new ApiException.BadRequest("You can't delete the only existing superuser.");
        }
        authenticator.revoke(store.delete(id).orElseThrow(SuperuserService::notFound));
        audit.record(AuditTrail.actor(caller), "superuser.delete", null, clientIp, Map.of("id", id));
    }

    /** The same operations for the records API of {@code _superusers} (what PocketBase's SDK calls). */
    public static SuperuserRecords records(SuperuserStore store, Authenticator authenticator, AuditTrail audit) {
        SuperuserService service = new SuperuserService(store, authenticator, audit);
        return new SuperuserRecords() {
            @Override
            public List<Map<String, Object>> list() {
                return store.list().stream().map(SuperuserService::asRecord).toList();
            }

            @Override
            public Map<String, Object> create(Principal.Superuser caller, String email, String password, String clientIp) {
                return asRecord(service.create(caller, email, password, clientIp));
            }

            @Override
            public Map<String, Object> update(Principal.Superuser caller, String id, String email, String password,
                                              String clientIp) {
                return asRecord(service.update(caller, id, email, password, clientIp));
            }

            @Override
            public void delete(Principal.Superuser caller, String id, String clientIp) {
                service.delete(caller, id, clientIp);
            }
        };
    }

    private static Map<String, Object> asRecord(Superuser s) {
        return Map.of("id", s.id(), "email", s.email(), "emailVisibility", false, "verified", true,
                "created", s.created(), "updated", s.updated());
    }

    /** Revokes every session of a superuser (all its tokens), on every worker. */
    private void revoke(ServerRequest req, ServerResponse res) {
        Principal caller = RequestContext.principal(req).requireSuperuser();
        String id = req.path().pathParameters().get("id");
        store.byId(id).orElseThrow(SuperuserService::notFound);
        List<String> revoked = store.deleteSessions(id);
        authenticator.revoke(revoked);
        audit(req, caller, "superuser.revoke", Map.of("id", id, "sessionsRevoked", revoked.size()));
        res.status(Status.NO_CONTENT_204).send();
    }

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }

    private static ApiException notFound() {
        return ApiException.notFound();
    }

    private static ApiException emailTaken() {
        return ApiException.invalid(Map.of("email", new FieldError("validation_not_unique", "Value must be unique.")));
    }
}
