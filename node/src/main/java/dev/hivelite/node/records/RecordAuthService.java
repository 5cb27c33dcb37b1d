package dev.hivelite.node.records;

import static dev.hivelite.node.records.AuthRecords.authCollection;
import static dev.hivelite.node.records.AuthRecords.byEmail;
import static dev.hivelite.node.records.AuthRecords.email;
import static dev.hivelite.node.records.AuthRecords.findByIdentity;
import static dev.hivelite.node.records.AuthRecords.setAuthColumns;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.hivelite.node.settings.RateLimiter;
import dev.hivelite.node.auth.PasswordHasher;
import dev.hivelite.node.cluster.SharedCounters;
import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.Responses;
import dev.hivelite.node.common.ApiException.FieldError;
import dev.hivelite.node.common.Bodies;
import dev.hivelite.node.common.EmailFormat;
import dev.hivelite.node.common.Ids;
import dev.hivelite.node.common.Json;
import dev.hivelite.node.common.Principal;
import dev.hivelite.node.storage.DatabasePool;
import dev.hivelite.node.records.filter.FilterException;

/**
 * The sign-in routes of an auth collection, as PocketBase has them: auth-methods, auth-with-password,
 * auth-with-oauth2, auth-refresh, impersonate and one-time passwords, with MFA between two of them.
 * The mailed-token routes (verification, password reset, email change) are {@link AccountMails},
 * registered here on the same paths. A request for an OTP answers 204 whether or not the address is
 * known. Failed logins are throttled per client IP across the cluster.
 */
public final class RecordAuthService implements HttpService {

    static final int MAX_FAILURES = 10;
    static final Duration FAILURE_WINDOW = Duration.ofMinutes(5);
    static final int OTP_ATTEMPTS = 5;
    static final Duration OTP_WINDOW = Duration.ofMinutes(3);

    /**
     * Sends a templated mail of a database (subject and body templates, placeholder values); false
     * when it could not be handed to the mail server (the failure is logged, never answered).
     */
    @FunctionalInterface
    public interface AuthMail {
        boolean send(String databaseId, String to, String subject, String body, Map<String, String> values);
    }

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(RecordAuthService.class.getName());

    private final Scopes scopes;
    private final UserTokens tokens;
    private final SharedCounters failures;
    private final AuthMail mail;
    /** For sign-ups through OAuth2: a create with the collection's create rule, like any other. */
    private final RecordOperations operations;
    private final Clock clock;
    private final MfaSessions mfa;
    private final AccountMails accountMails;
    private final OAuth2Accounts oauth2Accounts;
    private final OneTimePasswords otps;

    public RecordAuthService(Scopes scopes, UserTokens tokens, SharedCounters failures, AuthMail mail,
                             RecordOperations operations, Clock clock) {
        this.scopes = scopes;
        this.tokens = tokens;
        this.failures = failures;
        this.mail = mail;
        this.operations = operations;
        this.clock = clock;
        this.mfa = new MfaSessions(clock);
        this.oauth2Accounts = new OAuth2Accounts(operations, clock);
        this.otps = new OneTimePasswords(clock);
        this.accountMails = new AccountMails(scopes, tokens, mail, new MailResends(failures));
    }

    @Override
    public void routing(HttpRules rules) {
        for (String p : Scopes.PREFIXES) {
            String c = p + "/api/collections/{collection}";
            Responses.read(rules, c + "/auth-methods", this::authMethods)
                 .post(c + "/auth-with-password", this::authWithPassword)
                 .post(c + "/auth-with-oauth2", this::authWithOAuth2)
                 .post(c + "/auth-refresh", this::authRefresh)
                 .post(c + "/impersonate/{id}", this::impersonate)
                 .post(c + "/request-otp", this::requestOtp)
                 .post(c + "/auth-with-otp", this::authWithOtp);
            accountMails.routing(rules, c);
        }
    }

    private void authMethods(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = scopes.open(req)) {
            Collection c = authCollection(scope, req, true, RateLimiter.Action.LIST_AUTH_METHODS);
            Map<String, Object> out = new LinkedHashMap<>();
            boolean password = c.option("passwordAuth.enabled").asBoolean(true);
            List<String> identities = password ? c.identityFields() : List.of();
            out.put("password", ordered("identityFields", identities, "enabled", password));
            List<Object> providers = new java.util.ArrayList<>();
            if (OAuth2.enabled(c)) {
                OAuth2.providers(c).forEach(p -> providers.add(OAuth2.authMethod(p)));
            }
            out.put("oauth2", ordered("providers", providers, "enabled", OAuth2.enabled(c)));
            boolean mfa = c.option("mfa.enabled").asBoolean(false);
            out.put("mfa", ordered("enabled", mfa, "duration", mfa ? c.option("mfa.duration").asLong(0) : 0));
            boolean otp = c.option("otp.enabled").asBoolean(false);
            out.put("otp", ordered("enabled", otp, "duration", otp ? c.option("otp.duration").asLong(0) : 0));
            // PocketBase's legacy keys (pre-v0.23 clients read them).
            out.put("authProviders", OAuth2.enabled(c) ? providers : List.of());
            out.put("usernamePassword", identities.contains("username"));
            out.put("emailPassword", identities.contains("email"));
            Responses.json(req, res, out);
        }
    }

    /** Two keys in PocketBase's order. */
    private static Map<String, Object> ordered(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(k1, v1);
        out.put(k2, v2);
        return out;
    }

    private void authWithPassword(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = scopes.open(req)) {
            Collection c = authCollection(scope, req, RateLimiter.Action.AUTH_WITH_PASSWORD);
            if (!c.option("passwordAuth.enabled").asBoolean(true)) {
                throw new ApiException.Forbidden("The collection is not configured to allow password authentication.");
            }
            JsonNode body = Bodies.form(req);
            String identity = Fields.text(body, "identity");
            String password = Fields.text(body, "password");
            String identityField = Fields.text(body, "identityField");
            Map<String, FieldError> errors = new LinkedHashMap<>();
            lengthError(identity, 255).ifPresent(e -> errors.put("identity", e));
            lengthError(password, 255).ifPresent(e -> errors.put("password", e));
            if (identityField.length() > 255) {
                errors.put("identityField", FieldError.lengthBetween(1, 255));
            } else if (!identityField.isEmpty() && !c.identityFields().contains(identityField)) {
                errors.put("identityField", new FieldError("validation_in_invalid", "Must be a valid value."));
            }
            if (!errors.isEmpty()) {
                throw ApiException.invalid(errors);
            }
            String throttleKey = scope.db.id() + "|" + scope.clientIp(req);
            if (failures.get(throttleKey) >= MAX_FAILURES) {
                throw new ApiException.TooManyRequests("Too many failed authentication attempts, try again later.");
            }
            List<String> fields = identityField.isEmpty() ? identityOrder(c, identity) : List.of(identityField);
            Optional<Map<String, Object>> record = scope.lease.db().read(conn -> findByIdentity(conn, c, fields, identity));
            boolean ok;
            if (record.isPresent()) {
                ok = PasswordHasher.verify(password, (String) record.get().get("password"));
            } else {
                PasswordHasher.verifyDummy(password);
                ok = false;
            }
            if (!ok) {
                failures.increment(throttleKey, FAILURE_WINDOW);
                throw new ApiException.BadRequest("Failed to authenticate.");
            }
            respond(req, res, scope, c, record.get(), true, Duration.ofSeconds(c.tokenDuration("authToken", 604800)),
                    null, "password", body);
        }
    }

    /**
     * Where a login without {@code identityField} looks, as PocketBase does: an identity that looks like
     * an email is looked up by email first; one that does not is never looked up by email.
     */
    private static List<String> identityOrder(Collection c, String identity) {
        boolean email = EmailFormat.valid(identity);
        List<String> out = new java.util.ArrayList<>();
        if (email && c.identityFields().contains("email")) {
            out.add("email");
        }
        for (String field : c.identityFields()) {
            if (!out.contains(field) && (email || !field.equals("email"))) {
                out.add(field);
            }
        }
        return out;
    }

    /** {@code {token, record}} after the collection's authRule allows the record to authenticate. */
    private void respond(ServerRequest req, ServerResponse res, Scopes.Scope scope, Collection c,
                         Map<String, Object> record, Duration ttl, String staticToken) {
        respond(req, res, scope, c, record, true, ttl, null, "", null, staticToken);
    }

    private void respond(ServerRequest req, ServerResponse res, Scopes.Scope scope, Collection c,
                         Map<String, Object> record, boolean refreshable, Duration ttl, Map<String, Object> meta,
                         String method, JsonNode body) {
        respond(req, res, scope, c, record, refreshable, ttl, meta, method, body, null);
    }

    /** {@code staticToken}: a token that is not refreshable, answered as it is instead of a new one. */
    private void respond(ServerRequest req, ServerResponse res, Scopes.Scope scope, Collection c,
                         Map<String, Object> record, boolean refreshable, Duration ttl, Map<String, Object> meta,
                         String method, JsonNode body, String staticToken) {
        // The authRule sees how the caller logs in (PocketBase's "password", "otp", "oauth2"); a refresh is "default".
        RequestInfo info = Requests.info(req, scope, body).withContext(method.isEmpty() ? "default" : method);
        String authRule = c.authRule();
        if (!scope.admin) {
            boolean allowed;
            if (authRule == null) {
                allowed = false;
            } else if (authRule.isBlank()) {
                allowed = true;
            } else {
                try {
                    RecordQuery.Where rule = RecordQuery.compile(authRule, scope.schema, c, info, true, clock);
                    allowed = scope.lease.db().read(conn -> RecordQuery.byId(conn, c, (String) record.get("id"), rule)).isPresent();
                } catch (FilterException e) {
                    allowed = false;
                }
            }
            if (!allowed) {
                throw new ApiException.Forbidden("The request doesn't satisfy the collection requirements to authenticate.");
            }
        }
        if (!method.isEmpty() && c.option("mfa.enabled").asBoolean(false) && mfa.wanted(scope, c, record, info)) {
            String mfaId = req.query().first("mfaId").orElse(body == null ? "" : Fields.text(body, "mfaId"));
            if (mfaId.isEmpty()) {
                // PocketBase's answer: a 401 whose body is only the MFA session id.
                res.status(Status.UNAUTHORIZED_401);
                Responses.json(req, res, Map.of("mfaId", mfa.start(scope, c, record, method)));
                return;
            }
            mfa.complete(scope, c, record, mfaId, method);
        }
        if (!method.isEmpty()) {
            noteOrigin(req, scope, c, record);
        }
        String token = staticToken != null ? staticToken
                : tokens.sign("auth", scope.db.id(), c, record, ttl, refreshable, Map.of());
        // The record as it sees itself (its email shown, hidden fields not), even for a superuser caller.
        ObjectNode json = RecordJson.export(c, record, false, true);
        RequestInfo asUser = new RequestInfo(false, new RequestInfo.AuthRecord((String) record.get("id"), c.id(), c.name(),
                Map::of), info.body(), null, info.query(), info.headers(), info.method(), info.context());
        scope.lease.db().read(conn -> {
            new Expander(conn, scope.schema, asUser, scope.admin, clock).expand(c, List.of(record), List.of(json),
                    RecordService.expand(req), 1);
            return null;
        });
        // PocketBase's order: meta (only for OAuth2), record, token.
        ObjectNode out = Json.mapper().createObjectNode();
        if (meta != null) {
            out.set("meta", Json.mapper().valueToTree(meta));
        }
        out.set("record", json);
        out.put("token", token);
        // As PocketBase: ?fields= picks from the whole answer ("token,record.id", "*,record.expand").
        Responses.json(req, res, out);
    }

    /**
     * Notes where this sign-in came from and, for a user who signed in before, mails a login alert
     * when the place is new, as PocketBase does for collections with {@code authAlert.enabled}. The
     * mail goes out beside the answer: a slow mail server never holds up a sign-in.
     */
    private void noteOrigin(ServerRequest req, Scopes.Scope scope, Collection c, Map<String, Object> record) {
        if (Scaffolds.isSuperusers(c) || scope.db.readOnly() || !c.option("authAlert.enabled").asBoolean(false)) {
            return;
        }
        String ip = scope.clientIp(req);
        String agent = req.headers().first(io.helidon.http.HeaderNames.USER_AGENT).orElse("");
        String id = (String) record.get("id");
        boolean alert;
        try {
            alert = scope.lease.db().write(conn -> AuthOrigins.signedIn(conn, c, id, AuthOrigins.fingerprint(ip, agent),
                    clock.instant()));
        } catch (RuntimeException e) {
            LOG.log(java.util.logging.Level.WARNING, "cannot note the sign-in origin of " + id, e);
            return;
        }
        String email = String.valueOf(record.getOrDefault("email", ""));
        if (!alert || email.isEmpty()) {
            return;
        }
        JsonNode template = c.option("authAlert.emailTemplate");
        Map<String, String> values = new LinkedHashMap<>();
        values.put("ALERT_INFO", ip + " " + agent);
        values.put("RECORD:id", id);
        values.put("RECORD:email", email);
        String databaseId = scope.db.id();
        Thread.ofVirtual().start(() -> mail.send(databaseId, email,
                template.path("subject").asText("Login from a new location"), template.path("body").asText(""), values));
    }

    // ---- OAuth2 --------------------------------------------------------------------------------

    /**
     * {@code POST auth-with-oauth2} {@code {provider, code, codeVerifier, redirectURL, createData}}: the
     * code is exchanged with the provider, and the provider's user signs in to the record
     * {@link OAuth2Accounts} finds, links or creates.
     */
    private void authWithOAuth2(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = scopes.open(req)) {
            Collection c = authCollection(scope, req, RateLimiter.Action.AUTH_WITH_OAUTH2);
            if (!OAuth2.enabled(c)) {
                throw new ApiException.Forbidden("The collection is not configured to allow OAuth2 authentication.");
            }
            JsonNode body = Bodies.form(req);
            Map<String, FieldError> errors = new LinkedHashMap<>();
            for (String key : List.of("provider", "code")) {
                if (Fields.text(body, key).isEmpty()) {
                    errors.put(key, new FieldError("validation_required", "Cannot be blank."));
                }
            }
            String redirect = Fields.text(body, "redirectURL").isEmpty() ? Fields.text(body, "redirectUrl")
                    : Fields.text(body, "redirectURL");
            if (redirect.isEmpty()) {
                errors.put("redirectURL", new FieldError("validation_required", "Cannot be blank."));
            }
            String name = Fields.text(body, "provider");
            Optional<OAuth2.Provider> found = OAuth2.find(c, name);
            if (name.length() > 100) {
                errors.put("provider", new FieldError("validation_length_out_of_range", "The length must be between 0 and 100."));
            } else if (!name.isEmpty() && found.isEmpty()) {
                errors.put("provider", FieldError.of("validation_invalid_provider",
                        "Provider with name " + GoJson.quote(name) + " is missing or is not enabled.", "name", name));
            }
            if (!errors.isEmpty()) {
                throw ApiException.invalid(new java.util.TreeMap<>(errors));
            }
            OAuth2.Provider provider = found.orElseThrow();
            OAuth2.AuthUser user = OAuth2.exchange(provider, Fields.text(body, "code"), Fields.text(body, "codeVerifier"),
                    redirect, clock.instant());
            CollectionService.requireWritable(scope);
            Principal.User caller = scope.user() != null && scope.user().collectionId().equals(c.id()) ? scope.user() : null;
            RequestInfo info = Requests.info(req, scope, body).withContext("oauth2");
            OAuth2Accounts.Ahead ahead = oauth2Accounts.ahead(scope, c, provider.name(), user, caller,
                    body.path("createData"));
            OAuth2Accounts.Login login;
            try {
                login = scope.lease.db().write(conn -> oauth2Accounts.signIn(conn, scope, c, provider.name(), user, caller,
                        body.path("createData"), info, ahead));
                if (login.change() != null) {
                    operations.afterBatch(scope, List.of(login.change()));
                }
            } finally {
                if (ahead.avatar() != null) {
                    ahead.avatar().discard();
                }
            }
            respond(req, res, scope, c, login.record(), true, Duration.ofSeconds(c.tokenDuration("authToken", 604800)),
                    oauth2Meta(user, login.isNew()), "oauth2", body);
        }
    }

    /**
     * The {@code meta} of an OAuth2 login: the provider's user as PocketBase writes it (keys in
     * alphabetical order, the legacy {@code avatarUrl} beside {@code avatarURL}, {@code expiry} of the
     * access token or "") and whether the record was created.
     */
    private Map<String, Object> oauth2Meta(OAuth2.AuthUser user, boolean isNew) {
        Map<String, Object> meta = new java.util.TreeMap<>();
        meta.put("id", user.id());
        meta.put("name", user.name());
        meta.put("username", user.username());
        meta.put("email", user.email());
        meta.put("avatarURL", user.avatarUrl());
        meta.put("avatarUrl", user.avatarUrl());
        meta.put("accessToken", user.accessToken());
        meta.put("refreshToken", user.refreshToken());
        meta.put("expiry", user.expiresIn() > 0 ? Dates.format(clock.instant().plusSeconds(user.expiresIn())) : "");
        meta.put("isNew", isNew);
        meta.put("rawUser", user.raw());
        return meta;
    }

    /**
     * {@code POST auth-refresh} with a token of this collection: a new token and the record as it is
     * now. A static token (impersonation) is never exchanged for a refreshable one: PocketBase answers
     * it as it is.
     */
    private void authRefresh(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = scopes.open(req)) {
            AuthRecords.SameCollection caller = AuthRecords.sameCollectionUser(scope, req,
                    RateLimiter.Action.AUTH_REFRESH);
            Collection c = caller.collection();
            Map<String, Object> record = scope.lease.db()
                    .read(conn -> RecordQuery.byId(conn, c, caller.user().recordId(), RecordQuery.Where.ALL))
                    .orElseThrow(() -> new ApiException.Unauthorized("The request requires valid record authorization token."));
            String sent = dev.hivelite.node.common.RequestContext.bearerToken(
                    req.headers().first(io.helidon.http.HeaderNames.AUTHORIZATION).orElse(""));
            respond(req, res, scope, c, record, Duration.ofSeconds(c.tokenDuration("authToken", 604800)),
                    UserTokens.refreshable(sent) ? null : sent);
        }
    }

    /**
     * {@code POST impersonate/{id}} {@code {duration}} by a superuser: a static (non-refreshable) token
     * of the record, for {@code duration} seconds or the collection's auth token duration.
     */
    private void impersonate(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = scopes.open(req)) {
            CollectionService.requireAdmin(scope);
            Collection c = authCollection(scope, req, null); // PocketBase limits it by its path only
            Map<String, Object> record = scope.lease.db()
                    .read(conn -> RecordQuery.byId(conn, c, req.path().pathParameters().get("id"), RecordQuery.Where.ALL))
                    .orElseThrow(ApiException::notFound);
            long seconds = Bodies.seconds(Bodies.form(req), "duration");
            Duration ttl = Duration.ofSeconds(seconds > 0 ? seconds : c.tokenDuration("authToken", 604800));
            respond(req, res, scope, c, record, ttl, tokens.sign("auth", scope.db.id(), c, record, ttl, false, Map.of()));
        }
    }

    // ---- one-time passwords --------------------------------------------------------------------

    /**
     * {@code POST request-otp} {@code {email}}: a code mailed to a known address; the answer is an
     * {@code otpId} either way (a random one for an unknown address), so it reveals nothing.
     */
    private void requestOtp(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = scopes.open(req)) {
            Collection c = authCollection(scope, req, true, RateLimiter.Action.REQUEST_OTP);
            if (Scaffolds.isSuperusers(c) || !c.option("otp.enabled").asBoolean(false)) {
                throw new ApiException.Forbidden("The collection is not configured to allow OTP authentication.");
            }
            String email = email(Bodies.form(req), "email");
            Optional<Map<String, Object>> record = byEmail(scope, c, email);
            if (record.isEmpty()) {
                Responses.json(req, res, Map.of("otpId", Ids.newId()));
                return;
            }
            CollectionService.requireWritable(scope);
            String to = (String) record.get().get("email");
            OneTimePasswords.Issued otp = otps.issue(scope, c, (String) record.get().get("id"), to);
            if (otp.code() != null) {
                JsonNode template = c.option("otp.emailTemplate");
                Map<String, String> values = new LinkedHashMap<>();
                values.put("OTP", otp.code());
                values.put("OTP_ID", otp.id());
                values.put("RECORD:email", to);
                // Sent beside the answer, as PocketBase does: a known address must not answer slower than an
                // unknown one. A code whose mail failed is deleted (no one can have it).
                String databaseId = scope.db.id();
                DatabasePool.Lease later = scope.leaseAgain();
                Thread.ofVirtual().start(() -> {
                    try (later) {
                        if (!mail.send(databaseId, to, template.path("subject").asText("OTP"),
                                template.path("body").asText("{OTP}"), values)) {
                            later.db().write(conn -> OneTimePasswords.delete(conn, otp.id()));
                        }
                    } catch (RuntimeException e) {
                        LOG.log(java.util.logging.Level.WARNING, "cannot send the OTP " + otp.id(), e);
                    }
                });
            }
            Responses.json(req, res, Map.of("otpId", otp.id()));
        }
    }

    /**
     * {@code POST auth-with-otp} {@code {otpId, password}}: every failure is the same 400 (no hint of
     * which codes exist), and a record's codes get {@link #OTP_ATTEMPTS} tries per {@link #OTP_WINDOW},
     * right or wrong, as PocketBase counts them: short numeric codes must not be guessable.
     */
    private void authWithOtp(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = scopes.open(req)) {
            Collection c = authCollection(scope, req, RateLimiter.Action.AUTH_WITH_OTP);
            if (!c.option("otp.enabled").asBoolean(false)) {
                throw new ApiException.Forbidden("The collection is not configured to allow OTP authentication.");
            }
            JsonNode body = Bodies.form(req);
            String otpId = Fields.text(body, "otpId");
            String password = Fields.text(body, "password");
            Map<String, FieldError> errors = new java.util.TreeMap<>();
            lengthError(otpId, 255).ifPresent(e -> errors.put("otpId", e));
            lengthError(password, 71).ifPresent(e -> errors.put("password", e));
            if (!errors.isEmpty()) {
                throw ApiException.invalid(errors);
            }
            ApiException invalid = new ApiException.BadRequest("Invalid or expired OTP");
            OneTimePasswords.Otp otp = otps.find(scope, otpId)
                    .filter(o -> o.collectionRef().equals(c.id()) && !o.expired(c, clock.instant()))
                    .orElseThrow(() -> invalid);
            Map<String, Object> found = scope.lease.db()
                    .read(conn -> RecordQuery.byId(conn, c, otp.recordRef(), RecordQuery.Where.ALL))
                    .orElseThrow(() -> invalid);
            if (failures.increment("otp|" + scope.db.id() + "|" + c.id() + "|" + otp.recordRef(), OTP_WINDOW) > OTP_ATTEMPTS) {
                throw new ApiException.TooManyRequests("Too many attempts, please try again later with a new OTP.");
            }
            if (!PasswordHasher.verify(password, otp.passwordHash())) {
                throw invalid;
            }
            CollectionService.requireWritable(scope);
            boolean[] newTokenKey = {false};
            Map<String, Object> record = scope.lease.db().write(conn -> {
                if (!OneTimePasswords.delete(conn, otp.id())) {
                    throw invalid; // used meanwhile by another request
                }
                // The code reached the record's own address: that proves the address, as a verification does.
                Map<String, Object> r = RecordQuery.byId(conn, c, otp.recordRef(), RecordQuery.Where.ALL).orElseThrow(() -> invalid);
                if (!Boolean.TRUE.equals(r.get("verified")) && !otp.sentTo().isEmpty() && otp.sentTo().equals(r.get("email"))) {
                    newTokenKey[0] = setAuthColumns(conn, c, r, Map.of("verified", 1));
                    return RecordQuery.byId(conn, c, otp.recordRef(), RecordQuery.Where.ALL).orElseThrow();
                }
                return r;
            });
            if (newTokenKey[0]) {
                tokens.changed(scope.db.id(), c.id(), otp.recordRef());
            }
            respond(req, res, scope, c, record, true, Duration.ofSeconds(c.tokenDuration("authToken", 604800)), null,
                    "otp", body);
        }
    }

    /** Required, and at most {@code max} characters: PocketBase's checks of the login forms. */
    private static Optional<FieldError> lengthError(String value, int max) {
        if (value.isEmpty()) {
            return Optional.of(new FieldError("validation_required", "Cannot be blank."));
        }
        if (value.length() > max) {
            return Optional.of(FieldError.lengthBetween(1, max));
        }
        return Optional.empty();
    }
}
