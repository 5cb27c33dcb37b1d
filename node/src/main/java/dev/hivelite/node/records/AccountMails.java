package dev.hivelite.node.records;

import static dev.hivelite.node.records.AuthRecords.authCollection;
import static dev.hivelite.node.records.AuthRecords.byEmail;
import static dev.hivelite.node.records.AuthRecords.email;
import static dev.hivelite.node.records.AuthRecords.setAuthColumns;

import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.auth0.jwt.interfaces.DecodedJWT;
import com.fasterxml.jackson.databind.JsonNode;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.hivelite.node.settings.RateLimiter;
import dev.hivelite.node.auth.PasswordHasher;
import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.ApiException.FieldError;
import dev.hivelite.node.common.Bodies;
import dev.hivelite.node.common.Principal;

/**
 * The account routes of an auth collection that go through a mailed token, as PocketBase has them:
 * verification, password reset and email change. A request answers 204 whether or not the address
 * is known, and as soon (its mail goes out beside the answer), so it reveals nothing, and sends a
 * record one verification and one reset mail per
 * {@link MailResends#WINDOW} at most (an email change always sends, as in PocketBase); a confirm
 * checks the token's kind, database, collection and record tokenKey before it changes anything.
 */
final class AccountMails {

    private final Scopes scopes;
    private final UserTokens tokens;
    private final RecordAuthService.AuthMail mail;
    private final MailResends resends;

    AccountMails(Scopes scopes, UserTokens tokens, RecordAuthService.AuthMail mail, MailResends resends) {
        this.scopes = scopes;
        this.tokens = tokens;
        this.mail = mail;
        this.resends = resends;
    }

    /** The routes of one auth collection path ({@code /api/collections/{collection}}, with or without a database). */
    void routing(HttpRules rules, String collectionPath) {
        rules.post(collectionPath + "/request-verification", this::requestVerification)
             .post(collectionPath + "/confirm-verification", this::confirmVerification)
             .post(collectionPath + "/request-password-reset", this::requestPasswordReset)
             .post(collectionPath + "/confirm-password-reset", this::confirmPasswordReset)
             .post(collectionPath + "/request-email-change", this::requestEmailChange)
             .post(collectionPath + "/confirm-email-change", this::confirmEmailChange);
    }

    /** Whether the mail was handed to the mail server. */
    private boolean sendMail(Scopes.Scope scope, Collection c, String to, String templateKey, String token,
                             Map<String, Object> record) {
        return mail(scope, c, to, templateKey, token, record).getAsBoolean();
    }

    /** The sending of a mail, to run now or beside the answer (it needs nothing of the request). */
    private java.util.function.BooleanSupplier mail(Scopes.Scope scope, Collection c, String to, String templateKey,
                                                    String token, Map<String, Object> record) {
        JsonNode template = c.option(templateKey);
        Map<String, String> values = new LinkedHashMap<>();
        values.put("TOKEN", token);
        values.put("RECORD:id", (String) record.get("id"));
        values.put("RECORD:email", String.valueOf(record.get("email")));
        String databaseId = scope.db.id();
        return () -> mail.send(databaseId, to, template.path("subject").asText(""), template.path("body").asText(""), values);
    }

    private void requestVerification(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = scopes.open(req)) {
            Collection c = authCollection(scope, req, RateLimiter.Action.REQUEST_VERIFICATION);
            String email = email(Bodies.form(req), "email");
            byEmail(scope, c, email).filter(r -> !Boolean.TRUE.equals(r.get("verified")))
                    .filter(r -> resends.claim(scope.db.id(), "verification", c, (String) r.get("id"))).ifPresent(r -> {
                String token = tokens.sign("verification", scope.db.id(), c, r,
                        Duration.ofSeconds(c.tokenDuration("verificationToken", 259200)), false,
                        Map.of("email", (String) r.get("email")));
                // Sent beside the answer, as PocketBase does: a known address must not answer slower than an unknown one.
                Thread.ofVirtual().start(mail(scope, c, (String) r.get("email"), "verificationTemplate", token, r)::getAsBoolean);
            });
            res.status(Status.NO_CONTENT_204).send();
        }
    }

    /**
     * A token of this kind for a record of this collection, still current; else null, with PocketBase's
     * error on {@code token} (required, invalid, or of another auth collection) put in {@code errors}.
     */
    private DecodedJWT checkToken(Scopes.Scope scope, Collection c, String token, String type,
                                  Map<String, FieldError> errors) {
        if (token.isEmpty()) {
            errors.put("token", Values.requiredError());
            return null;
        }
        Optional<DecodedJWT> valid = tokens.decode(token, type)
                .filter(j -> scope.db.id().equals(j.getClaim("db").asString()));
        if (valid.isPresent() && !c.id().equals(valid.get().getClaim("collectionId").asString())) {
            errors.put("token", new FieldError("validation_token_collection_mismatch",
                    "The provided token is for different auth collection."));
            return null;
        }
        Optional<DecodedJWT> jwt = valid.filter(tokens::current);
        if (jwt.isEmpty()) {
            errors.put("token", new FieldError("validation_invalid_token", "Invalid or expired token."));
            return null;
        }
        return jwt.get();
    }

    /**
     * {@code POST confirm-verification} {@code {token}}: marks the record verified when the token's email
     * is still the record's. Where the collection has no password auth the record also gets a random
     * password, as PocketBase does: a password set before the owner proved the address (possibly by
     * someone else) must not become a way in if password auth is turned on later.
     */
    private void confirmVerification(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = scopes.open(req)) {
            Collection c = authCollection(scope, req, RateLimiter.Action.CONFIRM_VERIFICATION);
            CollectionService.requireWritable(scope);
            String token = Fields.text(Bodies.form(req), "token");
            Map<String, FieldError> errors = new LinkedHashMap<>();
            String email = token.isEmpty() ? null : UserTokens.unverifiedClaim(token, "email");
            DecodedJWT jwt = null;
            if (!token.isEmpty() && (email == null || email.isEmpty())) {
                errors.put("token", new FieldError("validation_invalid_token_claims", "Missing email token claim."));
            } else {
                jwt = checkToken(scope, c, token, "verification", errors);
            }
            if (jwt == null) {
                throw ApiException.invalid(errors);
            }
            String id = jwt.getClaim("id").asString();
            boolean newPassword = !c.option("passwordAuth.enabled").asBoolean(true);
            boolean changed = scope.lease.db().write(conn -> {
                Map<String, Object> r = RecordQuery.byId(conn, c, id, RecordQuery.Where.ALL).orElseThrow(
                        () -> ApiException.invalid("token", "validation_invalid_token", "Invalid or expired token."));
                if (!email.equals(r.get("email"))) {
                    throw ApiException.invalid("token", "validation_token_email_mismatch",
                            "The record email doesn't match with the requested token claims.");
                }
                if (Boolean.TRUE.equals(r.get("verified"))) {
                    return false;
                }
                Map<String, Object> set = new LinkedHashMap<>();
                set.put("verified", 1);
                if (newPassword) {
                    set.put("password", PasswordHasher.unusable());
                    set.put("tokenKey", RecordWriter.newTokenKey(c));
                }
                return setAuthColumns(conn, c, r, set);
            });
            if (changed) {
                tokens.changed(scope.db.id(), c.id(), id);
            }
            resends.release(scope.db.id(), "verification", c, id);
            res.status(Status.NO_CONTENT_204).send();
        }
    }

    private void requestPasswordReset(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = scopes.open(req)) {
            Collection c = authCollection(scope, req, RateLimiter.Action.REQUEST_PASSWORD_RESET);
            if (!c.option("passwordAuth.enabled").asBoolean(true)) {
                throw new ApiException.BadRequest("The collection is not configured to allow password authentication.");
            }
            String email = email(Bodies.form(req), "email");
            byEmail(scope, c, email).filter(r -> resends.claim(scope.db.id(), "passwordReset", c, (String) r.get("id")))
                    .ifPresent(r -> {
                String token = tokens.sign("passwordReset", scope.db.id(), c, r,
                        Duration.ofSeconds(c.tokenDuration("passwordResetToken", 1800)), false,
                        Map.of("email", (String) r.get("email")));
                java.util.function.BooleanSupplier send = mail(scope, c, (String) r.get("email"), "resetPasswordTemplate", token, r);
                String databaseId = scope.db.id();
                String id = (String) r.get("id");
                Thread.ofVirtual().start(() -> { // beside the answer, as for the verification mail
                    if (!send.getAsBoolean()) {
                        resends.release(databaseId, "passwordReset", c, id);
                    }
                });
            });
            res.status(Status.NO_CONTENT_204).send();
        }
    }

    private void confirmPasswordReset(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = scopes.open(req)) {
            Collection c = authCollection(scope, req, RateLimiter.Action.CONFIRM_PASSWORD_RESET);
            CollectionService.requireWritable(scope);
            JsonNode body = Bodies.form(req);
            // Every field is judged before anything is refused, as PocketBase's form reports them together.
            Map<String, FieldError> errors = new LinkedHashMap<>();
            DecodedJWT jwt = checkToken(scope, c, Fields.text(body, "token"), "passwordReset", errors);
            String password = Fields.text(body, "password");
            errors.putAll(newPasswordErrors(c, body));
            if (!errors.isEmpty()) {
                throw ApiException.invalid(new java.util.TreeMap<>(errors));
            }
            // Then the password field's own rules, as PocketBase's save of the record applies them.
            FieldError invalid = c.field("password").map(f -> f.validate(new PasswordField.Plain(password))).orElse(null);
            if (invalid != null) {
                throw ApiException.BadRequest.nested("Failed to set new password.", Map.of("password", invalid));
            }
            String id = jwt.getClaim("id").asString();
            String email = jwt.getClaim("email").asString();
            // Hashed at the field's cost, before the write: on the writer thread, bcrypt held up every
            // other write of the database for as long as it ran.
            int cost = c.field("password").map(f -> f instanceof PasswordField p ? p.cost() : 0).orElse(0);
            String hash = PasswordHasher.hash(password, cost);
            scope.lease.db().write(conn -> {
                Map<String, Object> r = RecordQuery.byId(conn, c, id, RecordQuery.Where.ALL).orElseThrow(
                        () -> new ApiException.BadRequest("Invalid or expired password reset token."));
                Map<String, Object> set = new LinkedHashMap<>();
                set.put("password", hash);
                set.put("tokenKey", RecordWriter.newTokenKey(c));
                // The reset mail reached the record's address if it has not changed since: that verifies it.
                if (!Boolean.TRUE.equals(r.get("verified")) && email != null && email.equals(r.get("email"))) {
                    set.put("verified", 1);
                }
                setAuthColumns(conn, c, r, set);
                return null;
            });
            tokens.changed(scope.db.id(), c.id(), id);
            resends.release(scope.db.id(), "passwordReset", c, id);
            res.status(Status.NO_CONTENT_204).send();
        }
    }

    /**
     * {@code password} and {@code passwordConfirm} of a reset as PocketBase's form checks them: both
     * required, the password between the field's minimum (1 without one) and 255 characters
     * ({@code validation_length_out_of_range}), the two equal. The field's own limits come after.
     */
    private static Map<String, FieldError> newPasswordErrors(Collection c, JsonNode body) {
        String password = Fields.text(body, "password");
        String confirm = Fields.text(body, "passwordConfirm");
        Map<String, FieldError> errors = new LinkedHashMap<>();
        int min = Math.max(1, c.field("password").filter(f -> f instanceof PasswordField).map(f -> ((PasswordField) f).min())
                .orElse(1));
        int length = password.codePointCount(0, password.length());
        if (password.isEmpty()) {
            errors.put("password", Values.requiredError());
        } else if (length < min || length > 255) {
            errors.put("password", FieldError.lengthBetween(min, 255));
        }
        if (confirm.isEmpty()) {
            errors.put("passwordConfirm", Values.requiredError());
        } else if (!confirm.equals(password)) {
            errors.put("passwordConfirm", new FieldError("validation_values_mismatch", "Values don't match."));
        }
        return errors;
    }

    /**
     * {@code POST request-email-change} {@code {newEmail}} by the record itself: a confirmation mail to
     * the new address. The address must differ from the record's and belong to no other record.
     */
    private void requestEmailChange(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = scopes.open(req)) {
            AuthRecords.SameCollection caller = AuthRecords.sameCollectionUser(scope, req,
                    RateLimiter.Action.REQUEST_EMAIL_CHANGE);
            Collection c = caller.collection();
            Map<String, Object> r = scope.lease.db()
                    .read(conn -> RecordQuery.byId(conn, c, caller.user().recordId(), RecordQuery.Where.ALL))
                    .orElseThrow(() -> new ApiException.Unauthorized("The request requires valid record authorization token."));
            String newEmail = email(Bodies.form(req), "newEmail");
            if (newEmail.equals(r.get("email"))) {
                throw ApiException.invalid("newEmail", "validation_not_in_invalid", "Must not be in list.");
            }
            if (byEmail(scope, c, newEmail).filter(other -> !other.get("id").equals(r.get("id"))).isPresent()) {
                throw ApiException.invalid("newEmail", "validation_invalid_new_email", "Invalid new email address.");
            }
            String token = tokens.sign("emailChange", scope.db.id(), c, r,
                    Duration.ofSeconds(c.tokenDuration("emailChangeToken", 1800)), false,
                    Map.of("email", String.valueOf(r.get("email")), "newEmail", newEmail));
            if (!sendMail(scope, c, newEmail, "confirmEmailChangeTemplate", token, r)) {
                throw new ApiException.BadRequest("Failed to request email change.");
            }
            res.status(Status.NO_CONTENT_204).send();
        }
    }

    /**
     * {@code POST confirm-email-change} {@code {token, password}}: the record's email becomes the
     * token's new one (verified: the mail reached it). Token and password are judged together, and a
     * new address taken meanwhile by another record makes the token invalid, as PocketBase checks them.
     */
    private void confirmEmailChange(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = scopes.open(req)) {
            Collection c = authCollection(scope, req, RateLimiter.Action.CONFIRM_EMAIL_CHANGE);
            CollectionService.requireWritable(scope);
            JsonNode body = Bodies.form(req);
            String token = Fields.text(body, "token");
            String password = Fields.text(body, "password");
            Map<String, FieldError> errors = new java.util.TreeMap<>();
            String newEmail = token.isEmpty() ? null : UserTokens.unverifiedClaim(token, "newEmail");
            DecodedJWT jwt = null;
            if (!token.isEmpty() && (newEmail == null || newEmail.isEmpty())) {
                errors.put("token", new FieldError("validation_invalid_token_payload",
                        "Invalid token payload - newEmail must be set."));
            } else {
                jwt = checkToken(scope, c, token, "emailChange", errors);
            }
            if (jwt != null && byEmail(scope, c, newEmail).isPresent()) {
                errors.put("token", new FieldError("validation_invalid_token_email", "The new email address is invalid."));
                jwt = null;
            }
            String id = jwt == null ? null : jwt.getClaim("id").asString();
            Map<String, Object> record = id == null ? null
                    : scope.lease.db().read(conn -> RecordQuery.byId(conn, c, id, RecordQuery.Where.ALL)).orElse(null);
            if (password.isEmpty()) {
                errors.put("password", Values.requiredError());
            } else if (password.length() > 100) {
                errors.put("password", FieldError.lengthBetween(1, 100));
            } else if (record == null || !PasswordHasher.verify(password, (String) record.get("password"))) {
                errors.put("password", new FieldError("validation_invalid_password", "Missing or invalid auth record password."));
            }
            if (!errors.isEmpty()) {
                throw ApiException.invalid(errors);
            }
            scope.lease.db().write(conn -> {
                Map<String, Object> set = new LinkedHashMap<>();
                set.put("email", newEmail);
                set.put("verified", 1);
                set.put("tokenKey", RecordWriter.newTokenKey(c));
                try {
                    setAuthColumns(conn, c, record, set);
                } catch (SQLException e) {
                    throw new ApiException.BadRequest("Failed to confirm email change.");
                }
                return null;
            });
            tokens.changed(scope.db.id(), c.id(), id);
            res.status(Status.NO_CONTENT_204).send();
        }
    }
}
