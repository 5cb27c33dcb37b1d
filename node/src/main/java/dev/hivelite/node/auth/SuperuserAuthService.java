package dev.hivelite.node.auth;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.AuditTrail;
import dev.hivelite.node.common.ApiException.FieldError;
import dev.hivelite.node.common.Bodies;
import dev.hivelite.node.common.RequestContext;
import dev.hivelite.node.common.Responses;

/**
 * PocketBase's superuser auth routes, so the SDK's {@code pb.collection('_superusers').authWithPassword}
 * works unchanged against the platform's superusers.
 */
public final class SuperuserAuthService implements HttpService {

    private final Authenticator authenticator;
    private final AuditTrail audit;

    public SuperuserAuthService(Authenticator authenticator, AuditTrail audit) {
        this.authenticator = authenticator;
        this.audit = audit;
    }

    @Override
    public void routing(HttpRules rules) {
        // Superusers are the _superusers of every database: the same routes under /db/{db} too.
        for (String prefix : new String[] {"", "/db/{db}"}) {
            rules.post(prefix + "/api/collections/_superusers/auth-with-password", this::authWithPassword)
                 .post(prefix + "/api/collections/_superusers/auth-refresh", this::authRefresh);
        }
    }

    private void authWithPassword(ServerRequest req, ServerResponse res) {
        JsonNode body = Bodies.json(req);
        String identity = Bodies.text(body, "identity");
        String password = Bodies.text(body, "password");
        Map<String, FieldError> errors = new LinkedHashMap<>();
        if (identity == null || identity.isBlank()) {
            errors.put("identity", new FieldError("validation_required", "Cannot be blank."));
        }
        if (password == null || password.isEmpty()) {
            errors.put("password", new FieldError("validation_required", "Cannot be blank."));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        String ip = ClientIp.of(req);
        Authenticator.Login login;
        try {
            login = authenticator.login(identity.trim(), password, ip);
        } catch (ApiException e) {
            audit.record(identity.trim(), "superuser.login_failed", null, ip, Map.of("status", e.status()));
            throw e;
        }
        audit.record(login.superuser().email(), "superuser.login", null, ip, Map.of());
        send(req, res, login);
    }

    private void authRefresh(ServerRequest req, ServerResponse res) {
        send(req, res, authenticator.refresh(RequestContext.principal(req).requireSuperuser()));
    }

    static void send(ServerRequest req, ServerResponse res, Authenticator.Login login) {
        Responses.json(req, res, Map.of("token", login.token(), "record", SuperuserRecord.of(login.superuser())));
    }
}
