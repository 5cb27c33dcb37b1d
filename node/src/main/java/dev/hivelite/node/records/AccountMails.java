package dev.hivelite.node.records;

import static dev.hivelite.node.records.AuthRecords.authCollection;
import static dev.hivelite.node.records.AuthRecords.byEmail;
import static dev.hivelite.node.records.AuthRecords.email;
import static dev.hivelite.node.records.AuthRecords.setColumns;

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

import dev.hivelite.node.auth.PasswordHasher;
import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.ApiException.FieldError;
import dev.hivelite.node.common.Bodies;
import dev.hivelite.node.common.Principal;

/**
 * The account routes of an auth collection that go through a mailed token, as PocketBase has them:
 * verification, password reset and email change. A request answers 204 whether or not the address
 * is known, so it reveals nothing; a confirm checks the token's kind, database, collection and
 * record tokenKey before it changes anything.
 */
final class AccountMails {

    private final Scopes scopes;
    private final UserTokens tokens;
    private final RecordAuthService.AuthMail mail;

    AccountMails(Scopes scopes, UserTokens tokens, RecordAuthService.AuthMail mail) {
        this.scopes = scopes;
        this.tokens = tokens;
        this.mail = mail;
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

    private void sendMail(Scopes.Scope scope, Collection c, String to, String templateKey, String token,
                          Map<String, Object> record) {
        JsonNode template = c.option(templateKey);
        Map<String, String> values = new LinkedHashMap<>();
        values.put("TOKEN", token);
        values.put("RECORD:id", (String) record.get("id"));
        values.put("RECORD:email", String.valueOf(record.get("email")));
        mail.send(scope.db.id(), to, template.path("subject").asText(""), template.path("body").asText(""), values);
    }

    private void requestVerification(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = scopes.open(req)) {
            Collection c = authCollection(scope, req);
            String email = email(Bodies.json(req), "email");
            byEmail(scope, c, email).filter(r -> !Boolean.TRUE.equals(r.get("verified"))).ifPresent(r -> {
                String token = tokens.sign("verification", scope.db.id(), c, r,
                        Duration.ofSeconds(c.tokenDuration("verificationToken", 259200)), false, Map.of("email", email));
                sendMail(scope, c, (String) r.get("email"), "verificationTemplate", token, r);
            });
            res.status(Status.NO_CONTENT_204).send();
        }
    }

    /** A token of this kind for a record of this collection, still current; else PocketBase's 400 on {@code token}. */
    private DecodedJWT checkToken(Scopes.Scope scope, Collection c, String token, String type, String message) {
        Map<String, FieldError> errors = new LinkedHashMap<>();
        DecodedJWT jwt = checkToken(scope, c, token, type, message, errors);
        if (jwt == null) {
            throw ApiException.invalid(errors);
        }
        return jwt;
    }

    /** As above, the error (required, invalid, or of another auth collection) put in {@code errors} instead. */
    private DecodedJWT checkToken(Scopes.Scope scope, Collection c, String token, String type, String message,
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
            errors.put("token", new FieldError("validation_invalid_token", message));
            return null;
        }
        return jwt.get();
    }

    private static String token(JsonNode body) {
        String token = Fields.text(body, "token");
        if (token.isEmpty()) {
            throw ApiException.invalid("token", "validation_required", "Cannot be blank.");
        }
        return token;
    }

    private void confirmVerification(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = scopes.open(req)) {
            Collection c = authCollection(scope, req);
            CollectionService.requireWritable(scope);
            DecodedJWT jwt = checkToken(scope, c, token(Bodies.json(req)), "verification",
                    "Invalid or expired verification token.");
            String id = jwt.getClaim("id").asString();
            String email = jwt.getClaim("email").asString();
            scope.lease.db().write(conn -> {
                Map<String, Object> r = RecordQuery.byId(conn, c, id, RecordQuery.Where.ALL).orElseThrow(
                        () -> ApiException.invalid("token", "validation_invalid_token", "Invalid or expired verification token."));
                if (email == null || !email.equalsIgnoreCase((String) r.get("email"))) {
                    throw ApiException.invalid("token", "validation_token_email_mismatch", "The token email doesn't match the record email.");
                }
                setColumns(conn, c, id, Map.of("verified", 1));
                return null;
            });
            res.status(Status.NO_CONTENT_204).send();
        }
    }

    private void requestPasswordReset(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = scopes.open(req)) {
            Collection c = authCollection(scope, req);
            String email = email(Bodies.json(req), "email");
            byEmail(scope, c, email).ifPresent(r -> {
                String token = tokens.sign("passwordReset", scope.db.id(), c, r,
                        Duration.ofSeconds(c.tokenDuration("passwordResetToken", 1800)), false, Map.of("email", email));
                sendMail(scope, c, (String) r.get("email"), "resetPasswordTemplate", token, r);
            });
            res.status(Status.NO_CONTENT_204).send();
        }
    }

    private void confirmPasswordReset(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = scopes.open(req)) {
            Collection c = authCollection(scope, req);
            CollectionService.requireWritable(scope);
            JsonNode body = Bodies.json(req);
            // Every field is judged before anything is refused, as PocketBase's form reports them together.
            Map<String, FieldError> errors = new LinkedHashMap<>();
            DecodedJWT jwt = checkToken(scope, c, Fields.text(body, "token"), "passwordReset",
                    "Invalid or expired password reset token.", errors);
            String password = Fields.text(body, "password");
            errors.putAll(newPasswordErrors(c, body));
            if (!errors.isEmpty()) {
                throw ApiException.invalid(new java.util.TreeMap<>(errors));
            }
            String id = jwt.getClaim("id").asString();
            String email = jwt.getClaim("email").asString();
            scope.lease.db().write(conn -> {
                Map<String, Object> r = RecordQuery.byId(conn, c, id, RecordQuery.Where.ALL).orElseThrow(
                        () -> ApiException.invalid("token", "validation_invalid_token", "Invalid or expired password reset token."));
                Map<String, Object> set = new LinkedHashMap<>();
                set.put("password", PasswordHasher.hash(password));
                set.put("tokenKey", RecordWriter.newTokenKey(c));
                if (email != null && email.equalsIgnoreCase((String) r.get("email"))) {
                    set.put("verified", 1);
                }
                setColumns(conn, c, id, set);
                return null;
            });
            tokens.changed(scope.db.id(), c.id(), id);
            res.status(Status.NO_CONTENT_204).send();
        }
    }

    /**
     * {@code password} and {@code passwordConfirm} of a reset: both required, the password between the
     * collection's minimum and 71 bytes ({@code validation_length_out_of_range}), the two equal.
     */
    private static Map<String, FieldError> newPasswordErrors(Collection c, JsonNode body) {
        String password = Fields.text(body, "password");
        String confirm = Fields.text(body, "passwordConfirm");
        Map<String, FieldError> errors = new LinkedHashMap<>();
        int min = c.field("password").filter(f -> f instanceof PasswordField).map(f -> ((PasswordField) f).min())
                .orElse(8);
        int length = password.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (password.isEmpty()) {
            errors.put("password", Values.requiredError());
        } else if (length < min || length > 71) {
            errors.put("password", new FieldError("validation_length_out_of_range",
                    "The length must be between " + min + " and 71."));
        }
        if (confirm.isEmpty()) {
            errors.put("passwordConfirm", Values.requiredError());
        } else if (!confirm.equals(password)) {
            errors.put("passwordConfirm", new FieldError("validation_values_mismatch", "Values don't match."));
        }
        return errors;
    }

    private void requestEmailChange(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = scopes.open(req)) {
            Collection c = authCollection(scope, req);
            Principal.User user = AuthRecords.sameCollectionUser(scope, c);
            String newEmail = email(Bodies.json(req), "newEmail");
            Map<String, Object> r = scope.lease.db()
                    .read(conn -> RecordQuery.byId(conn, c, user.recordId(), RecordQuery.Where.ALL))
                    .orElseThrow(() -> new ApiException.Unauthorized("The request requires valid record authorization token."));
            if (newEmail.equals(r.get("email"))) {
                throw ApiException.invalid("newEmail", "validation_not_in_invalid", "Must be a different value.");
            }
            if (byEmail(scope, c, newEmail).isPresent()) {
                throw ApiException.invalid("newEmail", "validation_invalid_new_email", "Invalid new email address.");
            }
            String token = tokens.sign("emailChange", scope.db.id(), c, r,
                    Duration.ofSeconds(c.tokenDuration("emailChangeToken", 1800)), false,
                    Map.of("email", String.valueOf(r.get("email")), "newEmail", newEmail));
            sendMail(scope, c, newEmail, "confirmEmailChangeTemplate", token, r);
            res.status(Status.NO_CONTENT_204).send();
        }
    }

    private void confirmEmailChange(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = scopes.open(req)) {
            Collection c = authCollection(scope, req);
            CollectionService.requireWritable(scope);
            JsonNode body = Bodies.json(req);
            Map<String, FieldError> errors = new LinkedHashMap<>();
            DecodedJWT jwt = checkToken(scope, c, Fields.text(body, "token"), "emailChange", "Invalid or expired token.",
                    errors);
            if (jwt != null && (jwt.getClaim("newEmail").asString() == null || jwt.getClaim("newEmail").asString().isEmpty())) {
                errors.put("token", new FieldError("validation_invalid_token_payload", "Invalid token payload - newEmail must be set."));
            }
            String password = Fields.text(body, "password");
            if (password.isEmpty()) {
                errors.put("password", Values.requiredError());
            }
            if (!errors.isEmpty()) {
                throw ApiException.invalid(new java.util.TreeMap<>(errors));
            }
            String id = jwt.getClaim("id").asString();
            String newEmail = jwt.getClaim("newEmail").asString();
            scope.lease.db().write(conn -> {
                Map<String, Object> r = RecordQuery.byId(conn, c, id, RecordQuery.Where.ALL).orElseThrow(
                        () -> ApiException.invalid("token", "validation_invalid_token", "Invalid or expired token."));
                if (!PasswordHasher.verify(password, (String) r.get("password"))) {
                    throw ApiException.invalid("password", "validation_invalid_password", "Missing or invalid auth record password.");
                }
                Map<String, Object> set = new LinkedHashMap<>();
                set.put("email", newEmail);
                set.put("verified", 1);
                set.put("tokenKey", RecordWriter.newTokenKey(c));
                try {
                    setColumns(conn, c, id, set);
                } catch (SQLException e) {
                    throw ApiException.invalid("token", "validation_invalid_new_email", "The new email address is already in use.");
                }
                return null;
            });
            tokens.changed(scope.db.id(), c.id(), id);
            res.status(Status.NO_CONTENT_204).send();
        }
    }
}
