package dev.hivelite.node.records;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.TestWorker;
import dev.hivelite.node.common.Json;

/**
 * Edges of the sign-in routes, as PocketBase's API tests have them: a static (impersonation) token is
 * never exchanged for a refreshable one, identities match exactly unless the unique index ignores
 * case, a bad identityField is a field error, and the routes of a collection that is not an auth
 * collection are 404.
 */
class RecordAuthEdgeTest {

    @TempDir
    static Path dataDir;

    private static TestWorker worker;
    private static String token;

    @BeforeAll
    static void start() throws Exception {
        worker = TestWorker.start(dataDir);
        token = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        call("POST", "/api/collections", "{\"name\":\"members\",\"type\":\"auth\",\"createRule\":\"\"}", token, 200);
        call("POST", "/api/collections", "{\"name\":\"notes\",\"type\":\"base\"}", token, 200);
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    private static JsonNode call(String method, String path, String body, String auth, int expected) throws Exception {
        return worker.call(method, path, body, auth, expected);
    }

    private static String signUp(String email, String password) throws Exception {
        return call("POST", "/api/collections/members/records", "{\"email\":\"" + email + "\",\"password\":\"" + password
                + "\",\"passwordConfirm\":\"" + password + "\"}", null, 200).get("id").asText();
    }

    private static JsonNode claims(String jwt) throws Exception {
        return Json.mapper().readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    @Test
    void refreshingAnImpersonationTokenAnswersThatSameTokenNeverARefreshableOne() throws Exception {
        String id = signUp("imp@example.com", "password-1");
        String impersonated = call("POST", "/api/collections/members/impersonate/" + id, "{\"duration\":100}", token, 200)
                .get("token").asText();
        assertFalse(claims(impersonated).get("refreshable").asBoolean());
        JsonNode refreshed = call("POST", "/api/collections/members/auth-refresh", null, impersonated, 200);
        assertEquals(impersonated, refreshed.get("token").asText());
        assertEquals(id, refreshed.at("/record/id").asText());

        String normal = call("POST", "/api/collections/members/auth-with-password",
                "{\"identity\":\"imp@example.com\",\"password\":\"password-1\"}", null, 200).get("token").asText();
        JsonNode renewed = call("POST", "/api/collections/members/auth-refresh", null, "Bearer " + normal, 200);
        assertEquals(true, claims(renewed.get("token").asText()).get("refreshable").asBoolean());
    }

    @Test
    void theAuthRuleSeesHowTheCallerLogsInAsRequestContext() throws Exception {
        call("POST", "/api/collections", "{\"name\":\"ctx\",\"type\":\"auth\",\"createRule\":\"\","
                + "\"authRule\":\"@request.context = 'password'\"}", token, 200);
        call("POST", "/api/collections/ctx/records", "{\"email\":\"c@example.com\",\"password\":\"password-1\","
                + "\"passwordConfirm\":\"password-1\"}", null, 200);
        String login = "{\"identity\":\"c@example.com\",\"password\":\"password-1\"}";
        call("POST", "/api/collections/ctx/auth-with-password", login, null, 200);
        call("PATCH", "/api/collections/ctx", "{\"authRule\":\"@request.context = 'default'\"}", token, 200);
        call("POST", "/api/collections/ctx/auth-with-password", login, null, 403);
    }

    @Test
    void aNewTokenSecretEndsTheTokensOfThatKindAndSecretsAreNeverShown() throws Exception {
        String first = "s".repeat(40);
        JsonNode created = call("POST", "/api/collections", "{\"name\":\"keyed\",\"type\":\"auth\",\"createRule\":\"\","
                + "\"authToken\":{\"duration\":3600,\"secret\":\"" + first + "\"}}", token, 200);
        assertEquals(3600, created.at("/authToken/duration").asInt());
        assertFalse(created.get("authToken").has("secret"), "never shown: " + created.get("authToken"));
        assertFalse(call("GET", "/api/collections/keyed", null, token, 200).get("authToken").has("secret"));
        call("POST", "/api/collections/keyed/records", "{\"email\":\"k@example.com\",\"password\":\"password-1\","
                + "\"passwordConfirm\":\"password-1\"}", null, 200);
        String login = "{\"identity\":\"k@example.com\",\"password\":\"password-1\"}";
        String before = call("POST", "/api/collections/keyed/auth-with-password", login, null, 200).get("token").asText();
        call("PATCH", "/api/collections/keyed", "{\"authToken\":{\"duration\":3600,\"secret\":\"\"}}", token, 200);
        call("POST", "/api/collections/keyed/auth-refresh", null, before, 200); // an empty secret keeps the one it has
        call("PATCH", "/api/collections/keyed", "{\"authToken\":{\"secret\":\"" + "t".repeat(40) + "\"}}", token, 200);
        call("POST", "/api/collections/keyed/auth-refresh", null, before, 401);
        String after = call("POST", "/api/collections/keyed/auth-with-password", login, null, 200).get("token").asText();
        call("POST", "/api/collections/keyed/auth-refresh", null, after, 200);
    }

    @Test
    void emailsDifferingInCaseAreTwoAccountsAndEachLogsInAsItself() throws Exception {
        String lower = signUp("case@example.com", "lower-password");
        String upper = signUp("CASE@example.com", "upper-password");
        assertEquals(upper, call("POST", "/api/collections/members/auth-with-password",
                "{\"identity\":\"CASE@example.com\",\"password\":\"upper-password\"}", null, 200).at("/record/id").asText());
        assertEquals(lower, call("POST", "/api/collections/members/auth-with-password",
                "{\"identity\":\"case@example.com\",\"password\":\"lower-password\"}", null, 200).at("/record/id").asText());
        call("POST", "/api/collections/members/auth-with-password",
                "{\"identity\":\"Case@Example.com\",\"password\":\"lower-password\"}", null, 400);
    }

    @Test
    void aUniqueIndexWithCollateNocaseMakesTheLookupIgnoreCase() throws Exception {
        JsonNode created = call("POST", "/api/collections", "{\"name\":\"nocase_members\",\"type\":\"auth\",\"createRule\":\"\","
                + "\"indexes\":[\"CREATE UNIQUE INDEX idx_nocase_email ON nocase_members (email COLLATE NOCASE) WHERE email != ''\"]}",
                token, 200);
        assertEquals("nocase_members", created.get("name").asText());
        String id = call("POST", "/api/collections/nocase_members/records",
                "{\"email\":\"mixed@example.com\",\"password\":\"password-1\",\"passwordConfirm\":\"password-1\"}", null, 200)
                .get("id").asText();
        assertEquals(id, call("POST", "/api/collections/nocase_members/auth-with-password",
                "{\"identity\":\"MIXED@example.com\",\"password\":\"password-1\"}", null, 200).at("/record/id").asText());
    }

    @Test
    void aFormBodyThatDoesNotBindIsPocketBasesLoadError() throws Exception {
        signUp("bind@example.com", "password-1");
        for (String route : java.util.List.of("auth-with-password", "request-password-reset",
                "request-verification", "confirm-password-reset", "confirm-verification")) {
            for (String body : java.util.List.of("{\"identity\":", "[1,2]", "\"text\"")) {
                JsonNode refused = call("POST", "/api/collections/members/" + route, body, null, 400);
                assertEquals("An error occurred while loading the submitted data.", refused.get("message").asText(),
                        route + " " + body + ": " + refused);
                assertEquals(0, refused.get("data").size(), route + ": " + refused);
            }
        }
    }

    @Test
    void anIdentityFieldThatIsNotOneOfTheCollectionsIsAFieldError() throws Exception {
        JsonNode body = call("POST", "/api/collections/members/auth-with-password",
                "{\"identityField\":\"created\",\"identity\":\"a@example.com\",\"password\":\"password-1\"}", null, 400);
        assertEquals("validation_in_invalid", body.at("/data/identityField/code").asText(), body.toString());
    }

    @Test
    void theAuthRoutesOfACollectionThatIsNotAnAuthCollectionAre404() throws Exception {
        for (String route : new String[] {"auth-with-password", "request-otp", "request-verification",
                "confirm-password-reset"}) {
            JsonNode body = call("POST", "/api/collections/notes/" + route, "{}", null, 404);
            assertEquals(404, body.get("status").asInt());
        }
        call("GET", "/api/collections/notes/auth-methods", null, null, 404);
    }

    @Test
    void aGuestFiltersOnEmailOnlyAmongRecordsThatShowTheirEmail() throws Exception {
        call("POST", "/api/collections", "{\"name\":\"listed\",\"type\":\"auth\",\"createRule\":\"\",\"listRule\":\"\"}",
                token, 200);
        for (String[] user : new String[][] {{"hidden@example.com", "false"}, {"shown@example.com", "true"}}) {
            call("POST", "/api/collections/listed/records", "{\"email\":\"" + user[0] + "\",\"emailVisibility\":" + user[1]
                    + ",\"password\":\"password-1\",\"passwordConfirm\":\"password-1\"}", null, 200);
        }
        String hidden = "/api/collections/listed/records?filter=" + java.net.URLEncoder.encode("email='hidden@example.com'",
                java.nio.charset.StandardCharsets.UTF_8);
        String shown = "/api/collections/listed/records?filter=" + java.net.URLEncoder.encode("email:lower='shown@example.com'",
                java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, call("GET", hidden, null, null, 200).get("totalItems").asInt(), "a hidden email cannot be probed");
        assertEquals(1, call("GET", shown, null, null, 200).get("totalItems").asInt());
        assertEquals(1, call("GET", hidden, null, token, 200).get("totalItems").asInt(), "superusers see every email");
    }

    @Test
    void theFormChecksOfAnAuthRecordComeFirstAndAloneAsPocketBaseReportsThem() throws Exception {
        JsonNode empty = call("POST", "/api/collections/members/records", "{}", null, 400);
        assertEquals("validation_required", empty.at("/data/password/code").asText(), empty.toString());
        assertEquals("validation_required", empty.at("/data/passwordConfirm/code").asText());
        assertFalse(empty.get("data").has("email"), "record fields wait for the form: " + empty);

        JsonNode mismatch = call("POST", "/api/collections/members/records",
                "{\"email\":\"bad\",\"password\":\"1234567\",\"passwordConfirm\":\"1234560\"}", null, 400);
        assertEquals("validation_values_mismatch", mismatch.at("/data/passwordConfirm/code").asText(), mismatch.toString());
        assertEquals(1, mismatch.get("data").size(), mismatch.toString());

        String id = signUp("form@example.com", "password-1");
        String own = call("POST", "/api/collections/members/auth-with-password",
                "{\"identity\":\"form@example.com\",\"password\":\"password-1\"}", null, 200).get("token").asText();
        call("PATCH", "/api/collections/members", "{\"updateRule\":\"id = @request.auth.id\"}", token, 200);
        JsonNode confirmOnly = call("PATCH", "/api/collections/members/records/" + id,
                "{\"passwordConfirm\":\"abcdefghij\"}", own, 400);
        assertEquals("validation_required", confirmOnly.at("/data/password/code").asText(), confirmOnly.toString());
        assertEquals("validation_values_mismatch", confirmOnly.at("/data/passwordConfirm/code").asText());
        JsonNode oldOnly = call("PATCH", "/api/collections/members/records/" + id, "{\"oldPassword\":\"password-1\"}",
                own, 400);
        assertEquals("validation_required", oldOnly.at("/data/password/code").asText(), oldOnly.toString());
        assertEquals("validation_required", oldOnly.at("/data/passwordConfirm/code").asText());
        JsonNode verified = call("PATCH", "/api/collections/members/records/" + id, "{\"verified\":true}", own, 400);
        assertEquals("validation_values_mismatch", verified.at("/data/verified/code").asText(), verified.toString());
        call("PATCH", "/api/collections/members/records/" + id, "{\"name\":\"\"}", own, 200); // nothing to check
    }

    @Test
    void aCollectionWithoutPasswordAuthListsNoIdentityFields() throws Exception {
        call("POST", "/api/collections", "{\"name\":\"no_password\",\"type\":\"auth\",\"passwordAuth\":{\"enabled\":false}}",
                token, 200);
        JsonNode methods = call("GET", "/api/collections/no_password/auth-methods", null, null, 200);
        assertFalse(methods.at("/password/enabled").asBoolean());
        assertEquals(0, methods.at("/password/identityFields").size(), methods.toString());
        assertFalse(methods.get("emailPassword").asBoolean(), "the legacy keys follow: " + methods);
        JsonNode members = call("GET", "/api/collections/members/auth-methods", null, null, 200);
        assertTrue(members.get("emailPassword").asBoolean(), members.toString());
        assertFalse(members.get("usernamePassword").asBoolean());
        assertEquals(0, members.get("authProviders").size());
    }

    @Test
    void fieldsPicksFromTheWholeAnswerOfALoginAndOfTheCollectionsApi() throws Exception {
        signUp("picked@example.com", "password-1");
        JsonNode login = call("POST", "/api/collections/members/auth-with-password?fields=token,record.id",
                "{\"identity\":\"picked@example.com\",\"password\":\"password-1\"}", null, 200);
        assertTrue(login.get("token").asText().startsWith("eyJ"), login.toString());
        assertEquals(1, login.get("record").size(), login.toString());
        assertTrue(login.at("/record/id").isTextual());
        JsonNode collections = call("GET", "/api/collections?fields=id,name", null, token, 200);
        collections.get("items").forEach(c -> assertEquals(2, c.size(), c.toString()));
        assertEquals(2, call("GET", "/api/collections/members?fields=id,name", null, token, 200).size());
    }

    @Test
    void anAuthAnswerShowsTheRecordAsItSeesItselfHiddenFieldsHiddenEvenForASuperuser() throws Exception {
        call("POST", "/api/collections", "{\"name\":\"hiders\",\"type\":\"auth\",\"createRule\":\"\","
                + "\"fields\":[{\"name\":\"note\",\"type\":\"text\",\"hidden\":true}]}", token, 200);
        String id = call("POST", "/api/collections/hiders/records", "{\"email\":\"hider@example.com\",\"note\":\"n1\","
                + "\"password\":\"password-1\",\"passwordConfirm\":\"password-1\"}", token, 200).get("id").asText();
        assertEquals("n1", call("GET", "/api/collections/hiders/records/" + id, null, token, 200).get("note").asText());
        JsonNode impersonated = call("POST", "/api/collections/hiders/impersonate/" + id, null, token, 200);
        assertFalse(impersonated.get("record").has("note"), impersonated.toString());
        assertEquals("hider@example.com", impersonated.at("/record/email").asText(), "its own email, though not visible");
        JsonNode login = call("POST", "/api/collections/hiders/auth-with-password",
                "{\"identity\":\"hider@example.com\",\"password\":\"password-1\"}", token, 200);
        assertFalse(login.get("record").has("note"), login.toString());
    }

    @Test
    void impersonateChecksTheCallerThenTheRecordThenTheDuration() throws Exception {
        String id = signUp("target@example.com", "password-1");
        String user = call("POST", "/api/collections/members/auth-with-password",
                "{\"identity\":\"target@example.com\",\"password\":\"password-1\"}", null, 200).get("token").asText();
        call("POST", "/api/collections/members/impersonate/" + id, "{}", null, 401);
        call("POST", "/api/collections/members/impersonate/" + id, "{}", user, 403);
        call("POST", "/api/collections/members/impersonate/missing", "{\"duration\":-1}", token, 404);
        JsonNode negative = call("POST", "/api/collections/members/impersonate/" + id, "{\"duration\":-1}", token, 400);
        assertEquals(Json.mapper().readTree("{\"code\":\"validation_min_greater_equal_than_required\","
                + "\"message\":\"Must be no less than 0.\",\"params\":{\"threshold\":0}}"), negative.at("/data/duration"),
                negative.toString());
        JsonNode made = call("POST", "/api/collections/members/impersonate/" + id + "?fields=token", "{\"duration\":100}",
                token, 200);
        JsonNode claims = claims(made.get("token").asText());
        assertEquals(100, claims.get("exp").asLong() - java.time.Instant.now().getEpochSecond(), 5);
        assertEquals(1, made.size(), "?fields applies: " + made);
    }

    @Test
    void refreshAsksForAUserOfThePathsCollectionBeforeItLooksAtTheCollection() throws Exception {
        signUp("refresher@example.com", "password-1");
        String user = call("POST", "/api/collections/members/auth-with-password",
                "{\"identity\":\"refresher@example.com\",\"password\":\"password-1\"}", null, 200).get("token").asText();
        call("POST", "/api/collections/notes/auth-refresh", null, null, 401);
        call("POST", "/api/collections/notes/auth-refresh", null, user, 403);
        call("POST", "/api/collections/missing/auth-refresh", null, user, 403);
        call("POST", "/api/collections/members/auth-refresh", null, token, 403);
        call("POST", "/api/collections/notes/request-email-change", "{\"newEmail\":\"n@example.com\"}", user, 403);
    }

    @Test
    void anIdentityThatLooksLikeAnEmailIsLookedUpByEmailFirstAndOtherwiseNeverByEmail() throws Exception {
        call("POST", "/api/collections", "{\"name\":\"handles\",\"type\":\"auth\",\"createRule\":\"\","
                + "\"fields\":[{\"name\":\"username\",\"type\":\"text\"}],"
                + "\"indexes\":[\"CREATE UNIQUE INDEX idx_handles_username ON handles (username)\"],"
                + "\"passwordAuth\":{\"enabled\":true,\"identityFields\":[\"username\",\"email\"]}}", token, 200);
        String byUsername = call("POST", "/api/collections/handles/records", "{\"email\":\"first@example.com\","
                + "\"username\":\"shared@example.com\",\"password\":\"first-password\",\"passwordConfirm\":\"first-password\"}",
                null, 200).get("id").asText();
        String byEmail = call("POST", "/api/collections/handles/records", "{\"email\":\"shared@example.com\","
                + "\"username\":\"second\",\"password\":\"second-password\",\"passwordConfirm\":\"second-password\"}",
                null, 200).get("id").asText();
        assertEquals(byEmail, call("POST", "/api/collections/handles/auth-with-password",
                "{\"identity\":\"shared@example.com\",\"password\":\"second-password\"}", null, 200).at("/record/id").asText());
        assertEquals(byUsername, call("POST", "/api/collections/handles/auth-with-password",
                "{\"identity\":\"shared@example.com\",\"password\":\"first-password\",\"identityField\":\"username\"}",
                null, 200).at("/record/id").asText());
        assertEquals(byEmail, call("POST", "/api/collections/handles/auth-with-password",
                "{\"identity\":\"second\",\"password\":\"second-password\"}", null, 200).at("/record/id").asText());
        JsonNode tooLong = call("POST", "/api/collections/handles/auth-with-password",
                "{\"identity\":\"" + "a".repeat(256) + "\",\"password\":\"" + "b".repeat(256) + "\"}", null, 400);
        JsonNode length = Json.mapper().readTree("{\"code\":\"validation_length_out_of_range\","
                + "\"message\":\"The length must be between 1 and 255.\",\"params\":{\"max\":255,\"min\":1}}");
        assertEquals(length, tooLong.at("/data/identity"), tooLong.toString());
        assertEquals(length, tooLong.at("/data/password"), tooLong.toString());
    }

    @Test
    void authMethodsKeepPocketBasesKeyOrder() throws Exception {
        JsonNode methods = call("GET", "/api/collections/members/auth-methods", null, null, 200);
        assertEquals(List.of("password", "oauth2", "mfa", "otp", "authProviders", "usernamePassword", "emailPassword"),
                names(methods));
        assertEquals(List.of("identityFields", "enabled"), names(methods.get("password")));
        assertEquals(List.of("providers", "enabled"), names(methods.get("oauth2")));
        assertEquals(List.of("enabled", "duration"), names(methods.get("mfa")));
        assertEquals(List.of("enabled", "duration"), names(methods.get("otp")));
    }

    private static List<String> names(JsonNode node) {
        List<String> out = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void anMfaRuleThatDoesNotCompileIsRefusedWithTheCollectionNotAtLogin() throws Exception {
        JsonNode refused = call("POST", "/api/collections", "{\"name\":\"broken_mfa\",\"type\":\"auth\",\"createRule\":\"\","
                + "\"otp\":{\"enabled\":true},\"mfa\":{\"enabled\":true,\"rule\":\"no_such_field = 1\"}}", token, 400);
        assertTrue(refused.at("/data/mfa/rule/code").asText().startsWith("validation_"), refused.toString());
        call("GET", "/api/collections/broken_mfa", null, token, 404);
    }

    @Test
    void anAuthAnswerListsRecordThenTokenAsPocketBaseWritesIt() throws Exception {
        String id = signUp("order@example.com", "password-1");
        JsonNode login = call("POST", "/api/collections/members/auth-with-password",
                "{\"identity\":\"order@example.com\",\"password\":\"password-1\"}", null, 200);
        List<String> keys = new java.util.ArrayList<>();
        login.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("record", "token"), keys);
        List<String> impersonated = new java.util.ArrayList<>();
        call("POST", "/api/collections/members/impersonate/" + id, null, token, 200).fieldNames()
                .forEachRemaining(impersonated::add);
        assertEquals(List.of("record", "token"), impersonated);
    }
}
