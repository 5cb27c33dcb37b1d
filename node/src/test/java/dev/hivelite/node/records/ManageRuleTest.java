package dev.hivelite.node.records;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.TestWorker;
import dev.hivelite.node.common.Json;

/**
 * An auth collection's {@code manageRule}: a user it matches changes another user's email, verified
 * flag and password directly (no old password), as a superuser would; anyone else still cannot.
 */
class ManageRuleTest {

    @TempDir
    Path dataDir;

    @Test
    void aManagerSetsAnotherUsersAuthFieldsAndOthersStillCannot() throws Exception {
        try (TestWorker worker = TestWorker.start(dataDir)) {
            Map<String, String> su = Map.of("Authorization", worker.login(ADMIN_EMAIL, ADMIN_PASSWORD));
            HttpResponse<String> created = worker.send("POST", "/api/collections", """
                    {"name":"staff","type":"auth","listRule":"","viewRule":"",
                     "updateRule":"id = @request.auth.id || @request.auth.role = 'admin'",
                     "manageRule":"@request.auth.role = 'admin'",
                     "fields":[{"name":"role","type":"text"}]}""", su);
            assertEquals(200, created.statusCode(), created.body());
            String alice = user(worker, su, "alice@example.com", "admin");
            String bob = user(worker, su, "bob@example.com", "");
            Map<String, String> asAlice = Map.of("Authorization", login(worker, "alice@example.com", "password-1234"));
            Map<String, String> asBob = Map.of("Authorization", login(worker, "bob@example.com", "password-1234"));

            // Bob may update himself, but not as a manager: no verified flag, no new email, an old password.
            HttpResponse<String> self = worker.send("PATCH", "/api/collections/staff/records/" + bob,
                    "{\"verified\":true,\"password\":\"new-password-1\",\"passwordConfirm\":\"new-password-1\"}", asBob);
            assertEquals(400, self.statusCode(), self.body());
            JsonNode errors = Json.mapper().readTree(self.body()).get("data");
            assertTrue(errors.has("verified") && errors.has("oldPassword"), self.body());

            // Alice manages Bob: all three at once, no old password.
            HttpResponse<String> managed = worker.send("PATCH", "/api/collections/staff/records/" + bob,
                    "{\"verified\":true,\"email\":\"robert@example.com\",\"password\":\"set-by-alice-1\","
                            + "\"passwordConfirm\":\"set-by-alice-1\"}", asAlice);
            assertEquals(200, managed.statusCode(), managed.body());
            assertTrue(Json.mapper().readTree(managed.body()).get("verified").asBoolean());
            assertEquals(200, worker.send("POST", "/api/collections/staff/auth-with-password",
                    "{\"identity\":\"robert@example.com\",\"password\":\"set-by-alice-1\"}", Map.of()).statusCode());
            // Bob's old token ended with his password: he is anonymous now, and may not refresh.
            assertEquals(401, worker.send("POST", "/api/collections/staff/auth-refresh", null, asBob).statusCode());

            // A manager sees the hidden email of those she manages, as the owner does; others do not.
            JsonNode seenByAlice = Json.mapper().readTree(worker.send("GET", "/api/collections/staff/records/" + bob, null,
                    asAlice).body());
            assertEquals("robert@example.com", seenByAlice.path("email").asText(), seenByAlice.toString());
            JsonNode listedForAlice = Json.mapper().readTree(worker.send("GET", "/api/collections/staff/records", null,
                    asAlice).body());
            assertTrue(listedForAlice.toString().contains("robert@example.com"), listedForAlice.toString());
            JsonNode seenByGuest = Json.mapper().readTree(worker.send("GET", "/api/collections/staff/records/" + bob, null,
                    Map.of()).body());
            assertTrue(!seenByGuest.has("email"), seenByGuest.toString());
            // The same holds for the users expanded from another record.
            assertEquals(200, worker.send("POST", "/api/collections", """
                    {"name":"shifts","listRule":"","viewRule":"","fields":[
                      {"name":"crew","type":"relation","collectionId":"staff","maxSelect":5}]}""", su).statusCode());
            String shift = Json.mapper().readTree(worker.send("POST", "/api/collections/shifts/records",
                    "{\"crew\":[\"" + alice + "\",\"" + bob + "\"]}", su).body()).get("id").asText();
            String expanded = "/api/collections/shifts/records/" + shift + "?expand=crew";
            JsonNode crewForAlice = Json.mapper().readTree(worker.send("GET", expanded, null, asAlice).body()).at("/expand/crew");
            assertEquals("robert@example.com", crewForAlice.get(1).path("email").asText(), crewForAlice.toString());
            JsonNode crewForGuest = Json.mapper().readTree(worker.send("GET", expanded, null, Map.of()).body()).at("/expand/crew");
            assertEquals(2, crewForGuest.size(), crewForGuest.toString());
            assertTrue(!crewForGuest.get(1).has("email"), crewForGuest.toString());

            // Bob does not manage Alice (the update rule already hides her record from him).
            HttpResponse<String> notManager = worker.send("PATCH", "/api/collections/staff/records/" + alice,
                    "{\"verified\":true}", Map.of("Authorization", login(worker, "robert@example.com", "set-by-alice-1")));
            assertEquals(404, notManager.statusCode(), notManager.body());
        }
    }

    @Test
    void aManagerCreatesVerifiedUsersAndOthersCannot() throws Exception {
        try (TestWorker worker = TestWorker.start(dataDir)) {
            Map<String, String> su = Map.of("Authorization", worker.login(ADMIN_EMAIL, ADMIN_PASSWORD));
            HttpResponse<String> created = worker.send("POST", "/api/collections", """
                    {"name":"staff","type":"auth","listRule":"","viewRule":"","createRule":"",
                     "manageRule":"@request.auth.role = 'admin' || verified = true",
                     "fields":[{"name":"role","type":"text"}]}""", su);
            assertEquals(200, created.statusCode(), created.body());
            user(worker, su, "alice@example.com", "admin");
            user(worker, su, "bob@example.com", "");
            Map<String, String> asAlice = Map.of("Authorization", login(worker, "alice@example.com", "password-1234"));
            Map<String, String> asBob = Map.of("Authorization", login(worker, "bob@example.com", "password-1234"));
            String body = "{\"email\":\"%s\",\"password\":\"password-1234\",\"passwordConfirm\":\"password-1234\","
                    + "\"verified\":true}";

            HttpResponse<String> byManager = worker.send("POST", "/api/collections/staff/records",
                    body.formatted("carol@example.com"), asAlice);
            assertEquals(200, byManager.statusCode(), byManager.body());
            JsonNode carol = Json.mapper().readTree(byManager.body());
            assertTrue(carol.get("verified").asBoolean(), byManager.body());
            JsonNode stored = Json.mapper().readTree(worker.send("GET",
                    "/api/collections/staff/records/" + carol.get("id").asText(), null, su).body());
            assertTrue(stored.get("verified").asBoolean(), "the verified flag is stored, not only answered");

            // Bob is no manager; the rule's "verified = true" is judged on the new record unverified,
            // so the body that sets the flag cannot satisfy it. Nothing is written.
            HttpResponse<String> byBob = worker.send("POST", "/api/collections/staff/records",
                    body.formatted("dave@example.com"), asBob);
            assertEquals(400, byBob.statusCode(), byBob.body());
            assertTrue(Json.mapper().readTree(byBob.body()).get("data").has("verified"), byBob.body());
            HttpResponse<String> anonymous = worker.send("POST", "/api/collections/staff/records",
                    body.formatted("erin@example.com"), Map.of());
            assertEquals(400, anonymous.statusCode(), anonymous.body());
            JsonNode list = Json.mapper().readTree(worker.send("GET",
                    "/api/collections/staff/records?filter=" + java.net.URLEncoder.encode(
                            "email = 'dave@example.com' || email = 'erin@example.com'",
                            java.nio.charset.StandardCharsets.UTF_8), null, su).body());
            assertEquals(0, list.get("totalItems").asInt(), list.toString());

            // Without the flag anyone may sign up, unverified.
            HttpResponse<String> signUp = worker.send("POST", "/api/collections/staff/records",
                    "{\"email\":\"frank@example.com\",\"password\":\"password-1234\",\"passwordConfirm\":\"password-1234\"}",
                    Map.of());
            assertEquals(200, signUp.statusCode(), signUp.body());
            assertTrue(!Json.mapper().readTree(signUp.body()).get("verified").asBoolean());
        }
    }

    private static String user(TestWorker worker, Map<String, String> su, String email, String role) throws Exception {
        HttpResponse<String> r = worker.send("POST", "/api/collections/staff/records", "{\"email\":\"" + email
                + "\",\"password\":\"password-1234\",\"passwordConfirm\":\"password-1234\",\"role\":\"" + role + "\"}", su);
        assertEquals(200, r.statusCode(), r.body());
        return Json.mapper().readTree(r.body()).get("id").asText();
    }

    private static String login(TestWorker worker, String email, String password) throws Exception {
        HttpResponse<String> r = worker.send("POST", "/api/collections/staff/auth-with-password",
                "{\"identity\":\"" + email + "\",\"password\":\"" + password + "\"}", Map.of());
        assertEquals(200, r.statusCode(), r.body());
        return Json.mapper().readTree(r.body()).get("token").asText();
    }
}
