package dev.hivelite.node.records;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.TestWorker;
import dev.hivelite.node.common.Json;

/**
 * Passwords are hashed and checked beside the database's other writes, not in their way: bcrypt
 * runs before the write that stores its result, so a sign-up, or a password change, that hashes
 * for a second holds up no other write. Hashes are made at the password field's cost.
 */
class PasswordWorkTest {

    @TempDir
    static Path dataDir;

    private static TestWorker worker;
    private static String token;

    @BeforeAll
    static void start() throws Exception {
        worker = TestWorker.start(dataDir);
        token = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        // Cost 14: a hash takes about a second here, long enough to see what waits for it.
        call("POST", "/api/collections", """
                {"name":"slow","type":"auth","createRule":"","updateRule":"id = @request.auth.id",
                 "fields":[{"name":"password","type":"password","min":8,"cost":14}]}""", token, 200);
        call("POST", "/api/collections", """
                {"name":"cheap","type":"auth","createRule":"","fields":[{"name":"password","type":"password","min":8,"cost":4}]}""",
                token, 200);
        call("POST", "/api/collections", "{\"name\":\"defaults\",\"type\":\"auth\",\"createRule\":\"\"}", token, 200);
        call("POST", "/api/collections", """
                {"name":"notes","createRule":"","fields":[{"name":"title","type":"text"}]}""", token, 200);
        call("PATCH", "/api/settings", "{\"batch\":{\"enabled\":true,\"maxRequests\":10}}", token, 200);
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    private static JsonNode call(String method, String path, String body, String auth, int expected) throws Exception {
        return worker.call(method, path, body, auth, expected);
    }

    private static CompletableFuture<HttpResponse<String>> later(String method, String path, String body, String auth) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return worker.send(method, path, body, auth == null ? Map.of() : Map.of("Authorization", auth));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
    }

    private static String signUpBody(String email, String password) {
        return "{\"email\":\"" + email + "\",\"password\":\"" + password + "\",\"passwordConfirm\":\"" + password + "\"}";
    }

    private static JsonNode signIn(String email, String password, int expected) throws Exception {
        return call("POST", "/api/collections/slow/auth-with-password",
                "{\"identity\":\"" + email + "\",\"password\":\"" + password + "\"}", null, expected);
    }

    private static String storedHash(String collection, String email) throws Exception {
        return call("POST", "/api/databases/main/query", "{\"sql\":\"SELECT password FROM " + collection
                + " WHERE email = '" + email + "'\"}", token, 200).at("/rows/0/0").asText();
    }

    /** Twenty creates, one after another, while the hash is under way: none waits for it. Its answer. */
    private static HttpResponse<String> createsGoOnWhile(CompletableFuture<HttpResponse<String>> hashing) throws Exception {
        for (int i = 0; i < 20; i++) {
            call("POST", "/api/collections/notes/records", "{\"title\":\"note " + i + "\"}", null, 200);
        }
        assertFalse(hashing.isDone(), "the creates waited for the hash");
        return hashing.get();
    }

    @Test
    void aSignUpHashesWithoutHoldingUpTheDatabasesOtherWrites() throws Exception {
        HttpResponse<String> signUp = createsGoOnWhile(later("POST", "/api/collections/slow/records",
                signUpBody("slow@example.com", "password-1"), null));
        assertEquals(200, signUp.statusCode(), signUp.body());
        assertTrue(storedHash("slow", "slow@example.com").startsWith("$2a$14$"));
        signIn("slow@example.com", "password-1", 200);
    }

    @Test
    void anOwnersPasswordChangeChecksAndHashesWithoutHoldingUpOtherWrites() throws Exception {
        String id = call("POST", "/api/collections/slow/records", signUpBody("owner@example.com", "password-1"), null, 200)
                .get("id").asText();
        String auth = signIn("owner@example.com", "password-1", 200).get("token").asText();

        HttpResponse<String> wrongOld = createsGoOnWhile(later("PATCH", "/api/collections/slow/records/" + id,
                "{\"oldPassword\":\"password-x\",\"password\":\"password-2\",\"passwordConfirm\":\"password-2\"}", auth));
        assertEquals(400, wrongOld.statusCode(), wrongOld.body());
        assertEquals("validation_invalid_old_password",
                Json.mapper().readTree(wrongOld.body()).at("/data/oldPassword/code").asText());

        HttpResponse<String> change = createsGoOnWhile(later("PATCH", "/api/collections/slow/records/" + id,
                "{\"oldPassword\":\"password-1\",\"password\":\"password-2\",\"passwordConfirm\":\"password-2\"}", auth));
        assertEquals(200, change.statusCode(), change.body());
        signIn("owner@example.com", "password-1", 400);
        signIn("owner@example.com", "password-2", 200);
    }

    @Test
    void aBatchedPasswordChangeChecksAndHashesWithoutHoldingUpOtherWrites() throws Exception {
        String id = call("POST", "/api/collections/slow/records", signUpBody("batched@example.com", "password-1"), null, 200)
                .get("id").asText();
        String auth = signIn("batched@example.com", "password-1", 200).get("token").asText();
        // A confirmation that differs: no new hash, only the check of the old password, which must
        // not run inside the write either.
        HttpResponse<String> unconfirmed = createsGoOnWhile(later("POST", "/api/batch", """
                {"requests":[{"method":"PATCH","url":"/api/collections/slow/records/%s",
                  "body":{"oldPassword":"password-1","password":"password-2","passwordConfirm":"password-3"}}]}"""
                .formatted(id), auth));
        assertEquals(400, unconfirmed.statusCode(), unconfirmed.body());
        HttpResponse<String> change = createsGoOnWhile(later("POST", "/api/batch", """
                {"requests":[{"method":"PATCH","url":"/api/collections/slow/records/%s",
                  "body":{"oldPassword":"password-1","password":"password-2","passwordConfirm":"password-2"}}]}"""
                .formatted(id), auth));
        assertEquals(200, change.statusCode(), change.body());
        signIn("batched@example.com", "password-2", 200);
    }

    @Test
    void hashesAreMadeAtThePasswordFieldsCost() throws Exception {
        call("POST", "/api/collections/cheap/records", signUpBody("cheap@example.com", "password-1"), null, 200);
        assertTrue(storedHash("cheap", "cheap@example.com").startsWith("$2a$04$"));
        call("POST", "/api/collections/defaults/records", signUpBody("plain@example.com", "password-1"), null, 200);
        assertTrue(storedHash("defaults", "plain@example.com").startsWith("$2a$10$"));
        // A batch's sign-ups too, and its passwords work.
        call("POST", "/api/batch", """
                {"requests":[{"method":"POST","url":"/api/collections/cheap/records",
                  "body":{"email":"batch@example.com","password":"password-3","passwordConfirm":"password-3"}}]}""",
                token, 200);
        assertTrue(storedHash("cheap", "batch@example.com").startsWith("$2a$04$"));
        call("POST", "/api/collections/cheap/auth-with-password",
                "{\"identity\":\"batch@example.com\",\"password\":\"password-3\"}", null, 200);
    }
}
