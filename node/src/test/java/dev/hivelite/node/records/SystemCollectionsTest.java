package dev.hivelite.node.records;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.TestWorker;
import dev.hivelite.node.common.Json;

/**
 * PocketBase's system collections through the records API, as its SDK reaches them
 * ({@code listExternalAuths} is a list of {@code _externalAuths}, {@code unlinkExternalAuth} a delete):
 * a user sees only the rows that point at them, only superusers write them, they go with the user,
 * and {@code _authOrigins} drives the login alert mail.
 */
class SystemCollectionsTest {

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("mailer@hive.test", "mailer", "mail-pass"))
            .withPerMethodLifecycle(false);

    private static final List<String> SYSTEM = List.of("_mfas", "_otps", "_externalAuths", "_authOrigins");

    @TempDir
    static Path dataDir;

    private static TestWorker worker;
    private static String su;
    private static String usersId;

    @BeforeAll
    static void start() throws Exception {
        worker = TestWorker.start(dataDir);
        su = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        HttpResponse<String> settings = worker.send("PATCH", "/api/settings", """
                {"meta": {"appName": "Hive", "appURL": "https://hive.test", "senderAddress": "noreply@hive.test"},
                 "smtp": {"enabled": true, "host": "127.0.0.1", "port": %d, "username": "mailer", "password": "mail-pass"}}"""
                .formatted(SMTP.getSmtp().getPort()), Map.of("Authorization", su));
        assertEquals(200, settings.statusCode(), settings.body());
        usersId = call("POST", "/api/collections", "{\"name\":\"users\",\"type\":\"auth\",\"createRule\":\"\"}", su, 200)
                .get("id").asText();
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    private static JsonNode call(String method, String path, String body, String auth, int expected) throws Exception {
        return worker.call(method, path, body, auth, expected);
    }

    private static String signUp(String email) throws Exception {
        return call("POST", "/api/collections/users/records", "{\"email\":\"" + email + "\",\"password\":\"password-1\","
                + "\"passwordConfirm\":\"password-1\"}", null, 200).get("id").asText();
    }

    private static String login(String email, String userAgent) throws Exception {
        HttpResponse<String> res = worker.send("POST", "/api/collections/users/auth-with-password",
                "{\"identity\":\"" + email + "\",\"password\":\"password-1\"}", Map.of("User-Agent", userAgent));
        assertEquals(200, res.statusCode(), res.body());
        return Json.mapper().readTree(res.body()).get("token").asText();
    }

    private static String link(String userId, String provider, String providerId) throws Exception {
        return call("POST", "/api/collections/_externalAuths/records", "{\"collectionRef\":\"" + usersId
                + "\",\"recordRef\":\"" + userId + "\",\"provider\":\"" + provider + "\",\"providerId\":\"" + providerId
                + "\"}", su, 200).get("id").asText();
    }

    private static List<String> ids(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.get("items").forEach(i -> out.add(i.get("id").asText()));
        return out;
    }

    @Test
    void theFourSystemCollectionsAreListedWithPocketBasesFieldsAndOwnerRules() throws Exception {
        JsonNode all = call("GET", "/api/collections?perPage=100", null, su, 200);
        for (String name : SYSTEM) {
            JsonNode found = null;
            for (JsonNode c : all.get("items")) {
                if (c.get("name").asText().equals(name)) {
                    found = c;
                }
            }
            assertTrue(found != null, name + " is listed");
            assertTrue(found.get("system").asBoolean(), name);
            assertEquals("base", found.get("type").asText());
            assertEquals(SystemCollections.OWNER_RULE, found.get("listRule").asText(), name);
            assertTrue(found.get("createRule").isNull(), name);
            assertTrue(found.get("updateRule").isNull(), name);
        }
        JsonNode external = call("GET", "/api/collections/_externalAuths", null, su, 200);
        List<String> fields = new ArrayList<>();
        external.get("fields").forEach(f -> fields.add(f.get("name").asText()));
        assertEquals(List.of("id", "collectionRef", "recordRef", "provider", "providerId", "created", "updated"), fields);
        assertEquals(SystemCollections.OWNER_RULE, external.get("deleteRule").asText());
        assertTrue(call("GET", "/api/collections/_mfas", null, su, 200).get("deleteRule").isNull());
        // A system collection stays: it cannot be deleted, and its name is taken.
        call("DELETE", "/api/collections/_externalAuths", null, su, 400);
        call("POST", "/api/collections", "{\"name\":\"_otps\"}", su, 400);
    }

    @Test
    void aUserListsViewsAndUnlinksOnlyTheirOwnExternalAuths() throws Exception {
        String ann = signUp("ann@example.com");
        String bob = signUp("bob@example.com");
        String annLink = link(ann, "github", "gh-ann");
        String bobLink = link(bob, "github", "gh-bob");
        String annToken = login("ann@example.com", "test-agent");
        String bobToken = login("bob@example.com", "test-agent");

        // The SDK's listExternalAuths: a filtered list of _externalAuths.
        String filter = java.net.URLEncoder.encode("recordRef='" + ann + "'", java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(List.of(annLink), ids(call("GET", "/api/collections/_externalAuths/records?filter=" + filter, null,
                annToken, 200)));
        assertEquals(List.of(annLink), ids(call("GET", "/api/collections/_externalAuths/records", null, annToken, 200)));
        assertEquals(List.of(), ids(call("GET", "/api/collections/_externalAuths/records?filter=" + filter, null,
                bobToken, 200)));
        JsonNode guest = call("GET", "/api/collections/_externalAuths/records", null, null, 200);
        assertEquals(0, guest.get("totalItems").asInt());
        assertEquals("github", call("GET", "/api/collections/_externalAuths/records/" + annLink, null, annToken, 200)
                .get("provider").asText());
        call("GET", "/api/collections/_externalAuths/records/" + annLink, null, bobToken, 404);
        call("GET", "/api/collections/_externalAuths/records/" + annLink, null, null, 404);

        // Only superusers write them; the owner may unlink (delete) their own.
        call("POST", "/api/collections/_externalAuths/records", "{\"collectionRef\":\"" + usersId + "\",\"recordRef\":\""
                + bob + "\",\"provider\":\"google\",\"providerId\":\"x\"}", bobToken, 403);
        call("PATCH", "/api/collections/_externalAuths/records/" + bobLink, "{\"providerId\":\"y\"}", bobToken, 403);
        call("DELETE", "/api/collections/_externalAuths/records/" + annLink, null, bobToken, 404);
        call("DELETE", "/api/collections/_externalAuths/records/" + annLink, null, annToken, 204);
        assertEquals(List.of(), ids(call("GET", "/api/collections/_externalAuths/records", null, annToken, 200)));
        // A provider links a user once; a provider's account links to one user.
        link(bob, "google", "g-bob");
        call("POST", "/api/collections/_externalAuths/records", "{\"collectionRef\":\"" + usersId + "\",\"recordRef\":\""
                + bob + "\",\"provider\":\"google\",\"providerId\":\"other\"}", su, 400);
        // MFA sessions and OTPs are the owner's to see, not to delete.
        call("GET", "/api/collections/_mfas/records", null, bobToken, 200);
        call("GET", "/api/collections/_otps/records", null, bobToken, 200);
    }

    @Test
    void whatPointedAtAUserGoesWithTheUser() throws Exception {
        String cat = signUp("cat@example.com");
        link(cat, "gitlab", "gl-cat");
        login("cat@example.com", "agent-cat");
        String filter = java.net.URLEncoder.encode("recordRef='" + cat + "'", java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(1, call("GET", "/api/collections/_externalAuths/records?filter=" + filter, null, su, 200)
                .get("totalItems").asInt());
        assertEquals(1, call("GET", "/api/collections/_authOrigins/records?filter=" + filter, null, su, 200)
                .get("totalItems").asInt());
        call("DELETE", "/api/collections/users/records/" + cat, null, su, 204);
        assertEquals(0, call("GET", "/api/collections/_externalAuths/records?filter=" + filter, null, su, 200)
                .get("totalItems").asInt());
        assertEquals(0, call("GET", "/api/collections/_authOrigins/records?filter=" + filter, null, su, 200)
                .get("totalItems").asInt());
    }

    @Test
    void aSignInFromANewPlaceAfterTheFirstMailsALoginAlertAndIsRemembered() throws Exception {
        String dan = signUp("dan@example.com");
        int before = SMTP.getReceivedMessages().length;
        String token = login("dan@example.com", "first-browser");   // the first sign-in: nothing to alert about
        login("dan@example.com", "first-browser");                  // a known place
        login("dan@example.com", "second-browser");                 // a new place: an alert
        assertTrue(SMTP.waitForIncomingEmail(10_000, before + 1), "the alert arrived");
        MimeMessage alert = null;
        for (MimeMessage m : SMTP.getReceivedMessages()) {
            if (m.getAllRecipients()[0].toString().equals("dan@example.com")) {
                alert = m;
            }
        }
        assertTrue(alert != null, "a mail to dan");
        assertEquals("Login from a new location", alert.getSubject());
        assertTrue(GreenMailUtil.getBody(alert).contains("second-browser"), "the alert names the new place");

        // The user sees the two places they signed in from, and may forget one.
        JsonNode origins = call("GET", "/api/collections/_authOrigins/records", null, token, 200);
        assertEquals(2, origins.get("totalItems").asInt());
        for (JsonNode o : origins.get("items")) {
            assertEquals(dan, o.get("recordRef").asText());
            assertEquals(32, o.get("fingerprint").asText().length());
        }
        call("DELETE", "/api/collections/_authOrigins/records/" + origins.get("items").get(0).get("id").asText(), null,
                token, 204);

        // At most five places are kept per user.
        for (int i = 0; i < 7; i++) {
            login("dan@example.com", "browser-" + i);
        }
        assertEquals(AuthOrigins.KEPT, call("GET", "/api/collections/_authOrigins/records", null, token, 200)
                .get("totalItems").asInt());
    }

    @Test
    void aCollectionWithoutAlertsKeepsNoOrigins() throws Exception {
        call("POST", "/api/collections", "{\"name\":\"quiet\",\"type\":\"auth\",\"createRule\":\"\","
                + "\"authAlert\":{\"enabled\":false}}", su, 200);
        call("POST", "/api/collections/quiet/records", "{\"email\":\"q@example.com\",\"password\":\"password-1\","
                + "\"passwordConfirm\":\"password-1\"}", null, 200);
        HttpResponse<String> res = worker.send("POST", "/api/collections/quiet/auth-with-password",
                "{\"identity\":\"q@example.com\",\"password\":\"password-1\"}", Map.of("User-Agent", "x"));
        assertEquals(200, res.statusCode());
        String quietId = call("GET", "/api/collections/quiet", null, su, 200).get("id").asText();
        String filter = java.net.URLEncoder.encode("collectionRef='" + quietId + "'", java.nio.charset.StandardCharsets.UTF_8);
        assertFalse(call("GET", "/api/collections/_authOrigins/records?filter=" + filter, null, su, 200)
                .get("totalItems").asInt() > 0);
    }
}
