package dev.hivelite.node.auth;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.AuditTrail;
import dev.hivelite.node.common.ApiException.FieldError;
import dev.hivelite.node.common.Bodies;
import dev.hivelite.node.common.Principal;
import dev.hivelite.node.common.RequestContext;
import dev.hivelite.node.common.Responses;

/**
 * PocketBase's superuser auth routes, so the SDK's {@code pb.collection('_superusers').authWithPassword}
 * works unchanged against the platform's superusers.
 */
public final class SuperuserAuthService implements HttpService {

    private final Authenticator authenticator;
    private final SuperuserStore superusers;
    private final AuditTrail audit;

    public SuperuserAuthService(Authenticator authenticator, SuperuserStore superusers, AuditTrail audit) {
        this.authenticator = authenticator;
        this.superusers = superusers;
        this.audit = audit;
    }

    @Override
    public void routing(HttpRules rules) {
        // Superusers are the _superusers of every database: the same routes under /db/{db} too.
        for (String prefix : new String[] {"", "/db/{db}"}) {
            rules.post(prefix + "/api/collections/_superusers/auth-with-password", this::authWithPassword)
                 .post(prefix + "/api/collections/_superusers/auth-refresh", this::authRefresh)
                 .post(prefix + "/api/collections/_superusers/impersonate/{id}", this::impersonate);
        }
    }

    private void authWithPassword(ServerRequest req, ServerResponse res) {
        JsonNode body = Bodies.form(req);
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
        Principal.Superuser caller = RequestContext.principal(req).requireSuperuser();
        String sent = RequestContext.bearerToken(req.headers().first(HeaderNames.AUTHORIZATION).orElse(""));
        if (!Tokens.refreshable(sent)) {
            // An impersonation token stays what it is: the refresh answers it, never a renewable one.
            Superuser superuser = superusers.byId(caller.id()).orElseThrow(ApiException::needsSuperuser);
            send(req, res, new Authenticator.Login(sent, superuser));
            return;
        }
        send(req, res, authenticator.refresh(caller));
    }

    /** {@code {duration}} in seconds (0 or absent: the usual session length). Superusers only, not database keys. */
    private void impersonate(ServerRequest req, ServerResponse res) {
        Principal.Superuser caller = RequestContext.principal(req).requireSuperuser();
        JsonNode body = Bodies.form(req);
        long seconds = Bodies.seconds(body, "duration");
        String ip = ClientIp.of(req);
        Authenticator.Login login = authenticator.impersonate(req.path().pathParameters().get("id"),
                seconds > 0 ? Duration.ofSeconds(seconds) : Authenticator.SESSION_TTL, ip);
        audit.record(caller.email(), "superuser.impersonate", null, ip, Map.of("superuser", login.superuser().email()));
        send(req, res, login);
    }

    static void send(ServerRequest req, ServerResponse res, Authenticator.Login login) {
        Responses.json(req, res, Map.of("token", login.token(), "record", SuperuserRecord.of(login.superuser())));
    }
}
