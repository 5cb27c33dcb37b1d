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
import dev.hivelite.node.common.Ids;
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
        Optional<DecodedJWT> jwt = tokens.decode(token, type)
                .filter(j -> scope.db.id().equals(j.getClaim("db").asString()))
                .filter(j -> c.id().equals(j.getClaim("collectionId").asString()))
                .filter(tokens::current);
        if (jwt.isEmpty()) {
            throw ApiException.invalid("token", "validation_invalid_token", message);
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
            DecodedJWT jwt = checkToken(scope, c, token(body), "passwordReset", "Invalid or expired password reset token.");
            String password = newPassword(c, body);
            String id = jwt.getClaim("id").asString();
            String email = jwt.getClaim("email").asString();
            scope.lease.db().write(conn -> {
                Map<String, Object> r = RecordQuery.byId(conn, c, id, RecordQuery.Where.ALL).orElseThrow(
                        () -> ApiException.invalid("token", "validation_invalid_token", "Invalid or expired password reset token."));
                Map<String, Object> set = new LinkedHashMap<>();
                set.put("password", PasswordHasher.hash(password));
                set.put("tokenKey", Ids.secret(50));
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

    /** {@code password} and {@code passwordConfirm}, validated by the collection's password field. */
    private static String newPassword(Collection c, JsonNode body) {
        String password = Fields.text(body, "password");
        Map<String, FieldError> errors = new LinkedHashMap<>();
        c.field("password").ifPresent(f -> {
            FieldError e = f.validate(new PasswordField.Plain(password));
            if (e == null && password.isEmpty()) {
                e = Values.requiredError();
            }
            if (e != null) {
                errors.put("password", e);
            }
        });
        if (!password.equals(Fields.text(body, "passwordConfirm"))) {
            errors.put("passwordConfirm", new FieldError("validation_values_mismatch", "Values don't match."));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        return password;
    }

    private void requestEmailChange(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = scopes.open(req)) {
            Collection c = authCollection(scope, req);
            Principal.User user = scope.user();
            if (user == null || !user.collectionId().equals(c.id())) {
                throw new ApiException.Unauthorized("The request requires valid record authorization token.");
            }
            String newEmail = email(Bodies.json(req), "newEmail");
            if (byEmail(scope, c, newEmail).isPresent()) {
                throw ApiException.invalid("newEmail", "validation_invalid_new_email", "Invalid new email address.");
            }
            Map<String, Object> r = scope.lease.db()
                    .read(conn -> RecordQuery.byId(conn, c, user.recordId(), RecordQuery.Where.ALL))
                    .orElseThrow(() -> new ApiException.Unauthorized("The request requires valid record authorization token."));
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
            DecodedJWT jwt = checkToken(scope, c, token(body), "emailChange", "Invalid or expired token.");
            String password = Fields.text(body, "password");
            String id = jwt.getClaim("id").asString();
            String newEmail = jwt.getClaim("newEmail").asString();
            scope.lease.db().write(conn -> {
                Map<String, Object> r = RecordQuery.byId(conn, c, id, RecordQuery.Where.ALL).orElseThrow(
                        () -> ApiException.invalid("token", "validation_invalid_token", "Invalid or expired token."));
                if (password.isEmpty() || !PasswordHasher.verify(password, (String) r.get("password"))) {
                    throw ApiException.invalid("password", "validation_invalid_password", "Missing or invalid auth record password.");
                }
                Map<String, Object> set = new LinkedHashMap<>();
                set.put("email", newEmail);
                set.put("verified", 1);
                set.put("tokenKey", Ids.secret(50));
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
