package dev.hivelite.node.records;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.TestWorker;
import dev.hivelite.node.common.Json;

/**
 * The OAuth2 code flow against a local fake provider (no external provider is reachable here):
 * auth-methods lists it with a state and PKCE pair; auth-with-oauth2 exchanges the code, reads the
 * user, creates the record once, links it, and answers PocketBase's {token, record, meta}.
 */
class OAuth2FlowTest {

    @TempDir
    static Path dataDir;

    private static TestWorker worker;
    private static String token;
    private static HttpServer provider;
    /** The user-info answer of each code at {@code /claims}, and GitHub's address list at {@code /claims/emails}. */
    private static final Map<String, String> claims = new java.util.concurrent.ConcurrentHashMap<>();
    private static final Map<String, String> emails = new java.util.concurrent.ConcurrentHashMap<>();
    /** The id_token the token endpoint adds for a code, and the key set it publishes at {@code /jwks}. */
    private static final Map<String, String> idTokens = new java.util.concurrent.ConcurrentHashMap<>();
    private static volatile String jwks = "{\"keys\":[]}";
    /** Form bodies the Basic-only token endpoint received. */
    private static final List<String> basicForms = new CopyOnWriteArrayList<>();
    /** Form bodies the fake token endpoint received. */
    private static final List<Map<String, String>> exchanges = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        provider = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        provider.createContext("/token", OAuth2FlowTest::token);
        provider.createContext("/userinfo", OAuth2FlowTest::userInfo);
        provider.createContext("/avatars/", OAuth2FlowTest::avatar);
        provider.createContext("/claims", OAuth2FlowTest::claims);
        provider.createContext("/jwks", ex -> reply(ex, 200, jwks));
        provider.createContext("/basic-token", OAuth2FlowTest::basicToken);
        provider.start();
        worker = TestWorker.start(dataDir);
        token = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        authCollectionOfTheLocalProvider("members", "{\"name\":\"name\",\"type\":\"text\"}");
    }

    /** An auth collection open to sign-ups, with {@code field} and the local provider as "oidc". */
    private static void authCollectionOfTheLocalProvider(String name, String field) throws Exception {
        String base = "http://127.0.0.1:" + provider.getAddress().getPort();
        HttpResponse<String> created = worker.send("POST", "/api/collections", "{\"name\":\"" + name + "\",\"type\":\"auth\","
                + "\"createRule\":\"\",\"fields\":[" + field + "],"
                + "\"oauth2\":{\"enabled\":true,\"providers\":[{\"name\":\"oidc\",\"displayName\":\"Local\",\"clientId\":\"cid\","
                + "\"clientSecret\":\"secret\",\"authURL\":\"" + base + "/auth\",\"tokenURL\":\"" + base + "/token\","
                + "\"userInfoURL\":\"" + base + "/userinfo\"}]}}", Map.of("Authorization", token));
        assertEquals(200, created.statusCode(), created.body());
    }

    @AfterAll
    static void stop() {
        worker.close();
        provider.stop(0);
    }

    private static void token(HttpExchange ex) throws java.io.IOException {
        Map<String, String> form = new HashMap<>();
        for (String pair : new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(kv[0], kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        exchanges.add(form);
        boolean ok = form.get("code") != null && form.get("code").startsWith("good") && "secret".equals(form.get("client_secret"));
        String idToken = idTokens.get(String.valueOf(form.get("code")));
        reply(ex, ok ? 200 : 400, ok ? "{\"access_token\":\"at-" + form.get("code") + "\",\"token_type\":\"Bearer\",\"expires_in\":3600"
                + (idToken == null ? "" : ",\"id_token\":\"" + idToken + "\"") + "}" : "{\"error\":\"invalid_grant\"}");
    }

    private static void userInfo(HttpExchange ex) throws java.io.IOException {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String who = auth == null ? "" : auth.replace("Bearer at-good-", "");
        String avatars = "http://127.0.0.1:" + provider.getAddress().getPort() + "/avatars/";
        reply(ex, auth == null ? 401 : 200, "{\"sub\":\"ext-" + who + "\",\"email\":\"" + who + "@example.com\","
                + "\"email_verified\":true,\"name\":\"User " + who + "\",\"preferred_username\":\"" + who + "\","
                + "\"picture\":\"" + avatars + who + ".png\"}");
    }

    /**
     * A token endpoint that takes the client's credentials only in a Basic header and answers
     * form-encoded, as GitHub's does without an Accept header; the forms it received are kept.
     */
    private static void basicToken(HttpExchange ex) throws java.io.IOException {
        String form = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        basicForms.add(form);
        String expected = "Basic " + java.util.Base64.getEncoder().encodeToString("cid:secret".getBytes(StandardCharsets.UTF_8));
        String code = form.replaceAll(".*(?:^|&)code=([^&]*).*", "$1");
        boolean ok = expected.equals(ex.getRequestHeaders().getFirst("Authorization")) && !form.contains("client_secret");
        byte[] bytes = (ok ? "access_token=at-" + code + "&token_type=bearer&scope=" : "error=unauthorized_client")
                .getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
        ex.sendResponseHeaders(ok ? 200 : 401, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    private static void claims(HttpExchange ex) throws java.io.IOException {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String code = auth == null ? "" : auth.replace("Bearer at-", "");
        String body = (ex.getRequestURI().getPath().endsWith("/emails") ? emails : claims).get(code);
        reply(ex, body == null ? 404 : 200, body == null ? "{}" : body);
    }

    /** A 1x1 PNG for every avatar URL. */
    private static void avatar(HttpExchange ex) throws java.io.IOException {
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(1, 1, java.awt.image.BufferedImage.TYPE_INT_RGB), "png", png);
        ex.getResponseHeaders().add("Content-Type", "image/png");
        ex.sendResponseHeaders(200, png.size());
        ex.getResponseBody().write(png.toByteArray());
        ex.close();
    }

    private static void reply(HttpExchange ex, int status, String body) throws java.io.IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    private static JsonNode post(String path, String body, int expected) throws Exception {
        HttpResponse<String> r = worker.send("POST", path, body, Map.of());
        assertEquals(expected, r.statusCode(), r.body());
        return Json.mapper().readTree(r.body());
    }

    @Test
    void authMethodsListTheProviderWithStateAndPkce() throws Exception {
        JsonNode methods = Json.mapper().readTree(worker.send("GET", "/api/collections/members/auth-methods", null, Map.of()).body());
        assertTrue(methods.at("/oauth2/enabled").asBoolean());
        JsonNode p = methods.at("/oauth2/providers/0");
        assertEquals("oidc", p.get("name").asText());
        assertEquals("Local", p.get("displayName").asText());
        assertTrue(p.get("authURL").asText().matches(".*/auth\\?client_id=cid&code_challenge=[\\w-]+&code_challenge_method=S256"
                + "&response_type=code&scope=openid\\+email\\+profile&state=\\w+&redirect_uri="), "Go's sorted parameters: " + p);
        assertTrue(p.get("authURL").asText().endsWith("&redirect_uri="), "the SDK appends its redirect URL");
        assertEquals(OAuth2.challenge(p.get("codeVerifier").asText()), p.get("codeChallenge").asText());
        assertEquals("S256", p.get("codeChallengeMethod").asText());
    }

    @Test
    void aFirstLoginCreatesTheUserAndLaterOnesFindIt() throws Exception {
        String body = "{\"provider\":\"oidc\",\"code\":\"good-alice\",\"codeVerifier\":\"v-123\",\"redirectURL\":\"http://app/cb\","
                + "\"createData\":{\"name\":\"Alice\"}}";
        JsonNode first = post("/api/collections/members/auth-with-oauth2", body, 200);
        assertTrue(first.at("/meta/isNew").asBoolean());
        assertEquals("alice@example.com", first.at("/record/email").asText());
        assertTrue(first.at("/record/verified").asBoolean(), "a provider-verified email verifies the record");
        assertEquals("Alice", first.at("/record/name").asText(), "createData applies");
        assertEquals("ext-alice", first.at("/meta/id").asText());
        assertEquals("at-good-alice", first.at("/meta/accessToken").asText());
        Map<String, String> exchanged = exchanges.getLast();
        assertEquals("v-123", exchanged.get("code_verifier"));
        assertEquals("http://app/cb", exchanged.get("redirect_uri"));
        assertEquals("authorization_code", exchanged.get("grant_type"));

        JsonNode second = post("/api/collections/members/auth-with-oauth2", body, 200);
        assertFalse(second.at("/meta/isNew").asBoolean());
        assertEquals(first.at("/record/id"), second.at("/record/id"));
        HttpResponse<String> refreshed = worker.send("POST", "/api/collections/members/auth-refresh", null,
                Map.of("Authorization", second.get("token").asText()));
        assertEquals(200, refreshed.statusCode(), "the token is a normal auth token: " + refreshed.body());
    }

    @Test
    void anExistingAccountWithTheSameEmailIsLinkedNotDuplicated() throws Exception {
        HttpResponse<String> made = worker.send("POST", "/api/collections/members/records",
                "{\"email\":\"bob@example.com\",\"password\":\"password-1\",\"passwordConfirm\":\"password-1\"}",
                Map.of("Authorization", token));
        assertEquals(200, made.statusCode(), made.body());
        JsonNode login = post("/api/collections/members/auth-with-oauth2",
                "{\"provider\":\"oidc\",\"code\":\"good-bob\",\"redirectURL\":\"http://app/cb\"}", 200);
        assertFalse(login.at("/meta/isNew").asBoolean());
        assertEquals(Json.mapper().readTree(made.body()).get("id"), login.at("/record/id"));
    }

    @Test
    void aSignUpThroughOAuth2MeetsTheCreateRuleInTheOAuth2Context() throws Exception {
        String base = "http://127.0.0.1:" + provider.getAddress().getPort();
        HttpResponse<String> changed = worker.send("POST", "/api/collections", "{\"name\":\"guarded\",\"type\":\"auth\","
                + "\"createRule\":\"@request.context != 'oauth2'\",\"oauth2\":{\"enabled\":true,\"providers\":["
                + "{\"name\":\"oidc\",\"clientId\":\"cid\",\"clientSecret\":\"secret\",\"authURL\":\"" + base + "/auth\","
                + "\"tokenURL\":\"" + base + "/token\",\"userInfoURL\":\"" + base + "/userinfo\"}]}}",
                Map.of("Authorization", token));
        assertEquals(200, changed.statusCode(), changed.body());
        assertEquals("OIDC", Json.mapper().readTree(worker.send("GET", "/api/collections/guarded/auth-methods",
                null, Map.of()).body()).at("/oauth2/providers/0/displayName").asText(), "PocketBase's name when none is set");
        post("/api/collections/guarded/auth-with-oauth2",
                "{\"provider\":\"oidc\",\"code\":\"good-carol\",\"redirectURL\":\"http://app/cb\"}", 400);
        assertEquals(0, Json.mapper().readTree(worker.send("GET", "/api/collections/guarded/records", null,
                Map.of("Authorization", token)).body()).get("totalItems").asInt(), "no user was created");
    }

    @Test
    void badCodesAndProvidersAreRefused() throws Exception {
        JsonNode badCode = post("/api/collections/members/auth-with-oauth2",
                "{\"provider\":\"oidc\",\"code\":\"bad\",\"redirectURL\":\"http://app/cb\"}", 400);
        assertEquals("Failed to fetch OAuth2 token.", badCode.get("message").asText());
        JsonNode badProvider = post("/api/collections/members/auth-with-oauth2",
                "{\"provider\":\"nope\",\"code\":\"good-x\",\"redirectURL\":\"http://app/cb\"}", 400);
        assertEquals(Json.mapper().readTree("{\"code\":\"validation_invalid_provider\","
                + "\"message\":\"Provider with name \\\"nope\\\" is missing or is not enabled.\",\"params\":{\"name\":\"nope\"}}"),
                badProvider.at("/data/provider"), badProvider.toString());
        JsonNode missing = post("/api/collections/members/auth-with-oauth2", "{}", 400);
        assertEquals("validation_required", missing.at("/data/code/code").asText());
        JsonNode together = post("/api/collections/members/auth-with-oauth2", "{\"provider\":\"missing\"}", 400);
        assertEquals("validation_invalid_provider", together.at("/data/provider/code").asText(), together.toString());
        assertEquals("validation_required", together.at("/data/code/code").asText(), "every field is reported");
        assertEquals("validation_required", together.at("/data/redirectURL/code").asText());
        assertTrue(together.at("/data/codeVerifier").isMissingNode(), "the verifier is optional");
    }

    private static JsonNode post(String path, String body, String auth, int expected) throws Exception {
        return worker.call("POST", path, body, auth, expected);
    }

    private static String signUp(String email, String password) throws Exception {
        return post("/api/collections/members/records", "{\"email\":\"" + email + "\",\"password\":\"" + password
                + "\",\"passwordConfirm\":\"" + password + "\"}", null, 200).get("id").asText();
    }

    private static String passwordLogin(String email, String password) {
        return "{\"identity\":\"" + email + "\",\"password\":\"" + password + "\"}";
    }

    private static String oauth2(String who) {
        return "{\"provider\":\"oidc\",\"code\":\"good-" + who + "\",\"redirectURL\":\"http://app/cb\"}";
    }

    @Test
    void anUnverifiedAccountFoundByEmailLosesThePasswordItWasRegisteredWith() throws Exception {
        // Someone registered the victim's address with a password of their own and never verified it.
        String id = signUp("victim@example.com", "squatter-password");
        String squatter = post("/api/collections/members/auth-with-password",
                passwordLogin("victim@example.com", "squatter-password"), null, 200).get("token").asText();

        JsonNode login = post("/api/collections/members/auth-with-oauth2", oauth2("victim"), null, 200);
        assertEquals(id, login.at("/record/id").asText(), "linked, not duplicated");
        assertFalse(login.at("/meta/isNew").asBoolean());
        assertTrue(login.at("/record/verified").asBoolean(), "the provider proved the address");

        post("/api/collections/members/auth-with-password", passwordLogin("victim@example.com", "squatter-password"),
                null, 400);
        post("/api/collections/members/auth-refresh", null, squatter, 401);
        post("/api/collections/members/auth-refresh", null, login.get("token").asText(), 200);
    }

    @Test
    void aVerifiedAccountFoundByEmailKeepsItsPassword() throws Exception {
        String id = signUp("kept@example.com", "kept-password");
        worker.call("PATCH", "/api/collections/members/records/" + id, "{\"verified\":true}", token, 200);
        JsonNode login = post("/api/collections/members/auth-with-oauth2", oauth2("kept"), null, 200);
        assertEquals(id, login.at("/record/id").asText());
        post("/api/collections/members/auth-with-password", passwordLogin("kept@example.com", "kept-password"), null, 200);
    }

    @Test
    void aSignedInUserLinksTheProviderToItsOwnAccountWhateverEmailTheProviderReports() throws Exception {
        String id = signUp("linker@example.com", "linker-password");
        String own = post("/api/collections/members/auth-with-password",
                passwordLogin("linker@example.com", "linker-password"), null, 200).get("token").asText();
        // The provider's address belongs to another account: the caller's own record is linked, not that one.
        String other = signUp("elsewhere@example.com", "elsewhere-password");

        JsonNode linked = post("/api/collections/members/auth-with-oauth2", oauth2("elsewhere"), own, 200);
        assertEquals(id, linked.at("/record/id").asText());
        assertFalse(linked.at("/meta/isNew").asBoolean());
        assertFalse(linked.at("/record/verified").asBoolean(), "another address proves nothing about this one");
        post("/api/collections/members/auth-with-password", passwordLogin("linker@example.com", "linker-password"),
                null, 200); // the caller's own password stays
        post("/api/collections/members/auth-with-password", passwordLogin("elsewhere@example.com", "elsewhere-password"),
                null, 200); // and the other account was not touched

        JsonNode later = post("/api/collections/members/auth-with-oauth2", oauth2("elsewhere"), null, 200);
        assertEquals(id, later.at("/record/id").asText(), "the link holds for later logins");
        assertFalse(other.equals(later.at("/record/id").asText()));
    }

    @Test
    void aLinkedProviderSignsInAsItsRecordEvenWhenAnotherUserIsSignedIn() throws Exception {
        String linkedId = post("/api/collections/members/auth-with-oauth2", oauth2("firstlink"), null, 200)
                .at("/record/id").asText();
        signUp("bystander@example.com", "bystander-password");
        String bystander = post("/api/collections/members/auth-with-password",
                passwordLogin("bystander@example.com", "bystander-password"), null, 200).get("token").asText();
        assertEquals(linkedId, post("/api/collections/members/auth-with-oauth2", oauth2("firstlink"), bystander, 200)
                .at("/record/id").asText());
    }

    @Test
    void createDataMayGiveItsOwnEmailAndPasswordWhichThenStayUnverified() throws Exception {
        JsonNode created = post("/api/collections/members/auth-with-oauth2", "{\"provider\":\"oidc\",\"code\":\"good-dave\","
                + "\"redirectURL\":\"http://app/cb\",\"createData\":{\"email\":\"dave.own@example.com\","
                + "\"password\":\"dave-password\",\"passwordConfirm\":\"dave-password\"}}", null, 200);
        assertTrue(created.at("/meta/isNew").asBoolean());
        assertEquals("dave.own@example.com", created.at("/record/email").asText());
        assertFalse(created.at("/record/verified").asBoolean(), "the provider reported another address");
        post("/api/collections/members/auth-with-password", passwordLogin("dave.own@example.com", "dave-password"),
                null, 200);
    }

    /**
     * A password createData sets is hashed at its field's cost before the sign-up's write: creates
     * of the same database go on while it hashes.
     */
    @Test
    void aCreateDataPasswordIsHashedWithoutHoldingUpOtherWrites() throws Exception {
        // Cost 14: a hash takes about a second here, long enough to see what waits for it.
        authCollectionOfTheLocalProvider("slow_members", "{\"name\":\"password\",\"type\":\"password\",\"min\":8,\"cost\":14}");
        HttpResponse<String> made = worker.send("POST", "/api/collections", "{\"name\":\"oauth2_notes\",\"createRule\":\"\","
                + "\"fields\":[{\"name\":\"title\",\"type\":\"text\"}]}", Map.of("Authorization", token));
        assertEquals(200, made.statusCode(), made.body());

        java.util.concurrent.CompletableFuture<HttpResponse<String>> signUp = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return worker.send("POST", "/api/collections/slow_members/auth-with-oauth2", "{\"provider\":\"oidc\","
                        + "\"code\":\"good-hank\",\"redirectURL\":\"http://app/cb\",\"createData\":{"
                        + "\"password\":\"hank-password\",\"passwordConfirm\":\"hank-password\"}}", Map.of());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
        for (int i = 0; i < 20; i++) {
            post("/api/collections/oauth2_notes/records", "{\"title\":\"note " + i + "\"}", 200);
        }
        assertFalse(signUp.isDone(), "the creates waited for the sign-up's hash");
        assertEquals(200, signUp.get().statusCode(), signUp.get().body());
        assertTrue(Json.mapper().readTree(signUp.get().body()).at("/meta/isNew").asBoolean());
        String stored = post("/api/databases/main/query",
                "{\"sql\":\"SELECT password FROM slow_members WHERE email = 'hank@example.com'\"}", token, 200)
                .at("/rows/0/0").asText();
        assertTrue(stored.startsWith("$2a$14$"), stored);
        post("/api/collections/slow_members/auth-with-password", passwordLogin("hank@example.com", "hank-password"), null, 200);
    }

    @Test
    void theMetaIsTheProvidersUserAsPocketBaseWritesIt() throws Exception {
        JsonNode meta = post("/api/collections/members/auth-with-oauth2", oauth2("erin"), null, 200).get("meta");
        List<String> keys = new java.util.ArrayList<>();
        meta.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("accessToken", "avatarURL", "avatarUrl", "email", "expiry", "id", "isNew", "name", "rawUser",
                "refreshToken", "username"), keys);
        assertTrue(meta.get("avatarUrl").asText().endsWith("/avatars/erin.png"), meta.toString());
        assertEquals(meta.get("avatarURL"), meta.get("avatarUrl"));
        assertTrue(meta.get("expiry").asText().matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), meta.toString());
        assertEquals("ext-erin", meta.at("/rawUser/sub").asText());
    }

    @Test
    void aNewRecordTakesTheMappedFieldsAndTheAvatarAsAFileUnlessCreateDataHoldsThem() throws Exception {
        String base = "http://127.0.0.1:" + provider.getAddress().getPort();
        worker.call("POST", "/api/collections", "{\"name\":\"mapped\",\"type\":\"auth\",\"createRule\":\"\","
                + "\"fields\":[{\"name\":\"username\",\"type\":\"text\"},{\"name\":\"name\",\"type\":\"text\"},"
                + "{\"name\":\"extId\",\"type\":\"text\"},{\"name\":\"avatar\",\"type\":\"file\",\"maxSelect\":1},"
                + "{\"name\":\"avatarLink\",\"type\":\"url\"}],"
                + "\"indexes\":[\"CREATE UNIQUE INDEX idx_mapped_username ON mapped (username)\"],"
                + "\"oauth2\":{\"enabled\":true,\"mappedFields\":{\"id\":\"extId\",\"name\":\"name\",\"username\":\"username\","
                + "\"avatarURL\":\"avatar\"},\"providers\":[{\"name\":\"oidc\",\"clientId\":\"cid\",\"clientSecret\":\"secret\","
                + "\"authURL\":\"" + base + "/auth\",\"tokenURL\":\"" + base + "/token\",\"userInfoURL\":\"" + base + "/userinfo\"}]}}",
                token, 200);
        String path = "/api/collections/mapped/auth-with-oauth2";
        JsonNode frank = post(path, oauth2("frank"), null, 200).get("record");
        assertEquals("frank", frank.get("username").asText());
        assertEquals("User frank", frank.get("name").asText());
        assertEquals("ext-frank", frank.get("extId").asText());
        assertTrue(frank.get("avatar").asText().startsWith("frank_") && frank.get("avatar").asText().endsWith(".png"),
                frank.toString());
        byte[] file = worker.sendForBytes("GET", "/api/files/mapped/" + frank.get("id").asText() + "/"
                + frank.get("avatar").asText(), Map.of());
        assertTrue(file.length > 0 && file[1] == 'P', "the avatar was stored");

        JsonNode own = post(path, "{\"provider\":\"oidc\",\"code\":\"good-gina\",\"redirectURL\":\"http://app/cb\","
                + "\"createData\":{\"name\":\"Gina\",\"avatar\":null}}", null, 200).get("record");
        assertEquals("Gina", own.get("name").asText(), "createData wins");
        assertEquals("", own.get("avatar").asText());

        worker.call("POST", "/api/collections/mapped/records", "{\"email\":\"holder@example.com\",\"username\":\"hank\","
                + "\"password\":\"password-1\",\"passwordConfirm\":\"password-1\"}", token, 200);
        JsonNode hank = post(path, oauth2("hank"), null, 200).get("record");
        assertEquals("", hank.get("username").asText(), "a username taken by another record is not mapped");

        worker.call("PATCH", "/api/collections/mapped", "{\"oauth2\":{\"mappedFields\":{\"avatarURL\":\"avatarLink\"}}}",
                token, 200);
        JsonNode ivy = post(path, oauth2("ivy"), null, 200).get("record");
        assertTrue(ivy.get("avatarLink").asText().endsWith("/avatars/ivy.png"), "a text field takes the URL: " + ivy);
    }

    /** One login through a provider whose user-info answer is {@code claims}; {@code emails}: GitHub's list, or null. */
    private record Vouch(String provider, String claims, String emails, String metaEmail, String metaName,
                         String metaAvatar) {
    }

    @Test
    void aProvidersEmailCountsOnlyWhereTheProviderVouchesForIt() throws Exception {
        String base = "http://127.0.0.1:" + provider.getAddress().getPort();
        StringBuilder providers = new StringBuilder();
        for (String name : List.of("oidc", "google", "github", "gitlab", "discord", "microsoft")) {
            providers.append(providers.isEmpty() ? "" : ",").append("{\"name\":\"").append(name)
                    .append("\",\"clientId\":\"cid\",\"clientSecret\":\"secret\",\"authURL\":\"").append(base)
                    .append("/auth\",\"tokenURL\":\"").append(base).append("/token\",\"userInfoURL\":\"").append(base)
                    .append("/claims\"}");
        }
        worker.call("POST", "/api/collections", "{\"name\":\"vouched\",\"type\":\"auth\",\"createRule\":\"\","
                + "\"oauth2\":{\"enabled\":true,\"providers\":[" + providers + "]}}", token, 200);
        String eve = worker.call("POST", "/api/collections/vouched/records", "{\"email\":\"eve@example.com\","
                + "\"password\":\"eve-password\",\"passwordConfirm\":\"eve-password\"}", token, 200).get("id").asText();
        List<Vouch> untrusted = List.of(
                new Vouch("oidc", "{\"sub\":\"o1\",\"email\":\"eve@example.com\"}", null, "", "", ""),
                new Vouch("oidc", "{\"sub\":\"o2\",\"email\":\"eve@example.com\",\"email_verified\":false}", null, "", "", ""),
                new Vouch("oidc", "{\"sub\":\"o3\",\"email\":\"eve@example.com\",\"email_verified\":\"no\"}", null, "", "", ""),
                new Vouch("google", "{\"sub\":\"g1\",\"email\":\"eve@example.com\",\"name\":\"Eve\"}", null, "", "Eve", ""),
                new Vouch("discord", "{\"id\":\"d1\",\"username\":\"dee\",\"discriminator\":\"0007\",\"avatar\":\"abc\","
                        + "\"email\":\"eve@example.com\",\"verified\":false}", null, "", "dee#0007",
                        "https://cdn.discordapp.com/avatars/d1/abc.png"),
                new Vouch("github", "{\"id\":77,\"login\":\"octo\",\"email\":null}", "[{\"email\":\"eve@example.com\","
                        + "\"primary\":true,\"verified\":false},{\"email\":\"octo-alt@example.com\",\"primary\":false,"
                        + "\"verified\":true}]", "", "", ""),
                new Vouch("microsoft", "{\"id\":\"m1\",\"email\":\"eve@example.com\",\"email_verified\":\"false\"}", null, "",
                        "", ""));
        int n = 0;
        for (Vouch v : untrusted) {
            String code = "good-vouch" + n++;
            claims.put(code, v.claims());
            if (v.emails() != null) {
                emails.put(code, v.emails());
            }
            JsonNode login = post("/api/collections/vouched/auth-with-oauth2", "{\"provider\":\"" + v.provider()
                    + "\",\"code\":\"" + code + "\",\"redirectURL\":\"http://app/cb\",\"createData\":{\"email\":\""
                    + code + "@example.com\"}}", null, 200);
            String what = v.provider() + " " + v.claims() + ": " + login;
            assertEquals(v.metaEmail(), login.at("/meta/email").asText(), what);
            assertEquals(v.metaName(), login.at("/meta/name").asText(), what);
            assertEquals(v.metaAvatar(), login.at("/meta/avatarURL").asText(), what);
            assertTrue(login.at("/meta/isNew").asBoolean(), "not linked to the account of that address: " + what);
            assertFalse(login.at("/record/verified").asBoolean(), what);
        }
        post("/api/collections/vouched/auth-with-password", "{\"identity\":\"eve@example.com\",\"password\":\"eve-password\"}",
                null, 200); // no unvouched address took the account over

        claims.put("good-gh", "{\"id\":78,\"login\":\"hub\",\"name\":\"Hub\",\"avatar_url\":\"http://a/hub.png\"}");
        emails.put("good-gh", "[{\"email\":\"hub-old@example.com\",\"primary\":false,\"verified\":true},"
                + "{\"email\":\"hub@example.com\",\"primary\":true,\"verified\":true}]");
        JsonNode hub = post("/api/collections/vouched/auth-with-oauth2",
                "{\"provider\":\"github\",\"code\":\"good-gh\",\"redirectURL\":\"http://app/cb\"}", null, 200);
        assertEquals("hub@example.com", hub.at("/meta/email").asText(), "GitHub's primary verified address: " + hub);
        assertEquals("78", hub.at("/meta/id").asText());
        assertEquals("hub", hub.at("/meta/username").asText());
        assertEquals("hub@example.com", hub.at("/record/email").asText());
        assertTrue(hub.at("/record/verified").asBoolean());

        claims.put("good-ms", "{\"id\":\"m2\",\"email\":\"ms@example.com\"}");
        assertEquals("ms@example.com", post("/api/collections/vouched/auth-with-oauth2", "{\"provider\":\"microsoft\","
                + "\"code\":\"good-ms\",\"redirectURL\":\"http://app/cb\"}", null, 200).at("/record/email").asText(),
                "a provider without a reader of its own and without a verified flag gives its address, as most of PocketBase's do");

        claims.put("good-eve", "{\"sub\":\"o9\",\"email\":\"eve@example.com\",\"email_verified\":\"true\"}");
        JsonNode linked = post("/api/collections/vouched/auth-with-oauth2",
                "{\"provider\":\"oidc\",\"code\":\"good-eve\",\"redirectURL\":\"http://app/cb\"}", null, 200);
        assertEquals("eve@example.com", linked.at("/meta/email").asText(), "a string flag counts, as PocketBase casts it");
        assertEquals(eve, linked.at("/record/id").asText());
        assertTrue(linked.at("/record/verified").asBoolean());
    }

    private static int links(String recordId) throws Exception {
        return worker.call("GET", "/api/collections/_externalAuths/records?filter="
                + java.net.URLEncoder.encode("recordRef='" + recordId + "'", StandardCharsets.UTF_8), null, token, 200)
                .get("totalItems").asInt();
    }

    @Test
    void becomingVerifiedDropsTheLinksMadeBeforeAndEndsTheirSessions() throws Exception {
        String id = signUp("late@example.com", "late-password");
        String own = post("/api/collections/members/auth-with-password", passwordLogin("late@example.com", "late-password"),
                null, 200).get("token").asText();
        // Linked while unverified (the provider reports another address, so nothing proves this one).
        JsonNode linked = post("/api/collections/members/auth-with-oauth2", oauth2("late-other"), own, 200);
        assertEquals(id, linked.at("/record/id").asText());
        assertFalse(linked.at("/record/verified").asBoolean());
        assertEquals(1, links(id));

        worker.call("PATCH", "/api/collections/members/records/" + id, "{\"verified\":true}", token, 200);
        assertEquals(0, links(id), "the links made before the address was proved are gone");
        post("/api/collections/members/auth-refresh", null, linked.get("token").asText(), 401);
        post("/api/collections/members/auth-refresh", null, own, 401);
        post("/api/collections/members/auth-with-password", passwordLogin("late@example.com", "late-password"), null, 200);

        // A record verified already keeps the links made later.
        String again = post("/api/collections/members/auth-with-password", passwordLogin("late@example.com", "late-password"),
                null, 200).get("token").asText();
        post("/api/collections/members/auth-with-oauth2", oauth2("late-other"), again, 200);
        worker.call("PATCH", "/api/collections/members/records/" + id, "{\"verified\":true}", token, 200);
        assertEquals(1, links(id));
        post("/api/collections/members/auth-refresh", null, again, 200);
    }

    private static String idToken(java.security.interfaces.RSAPrivateKey key, String kid, String audience, String sub,
                                  java.time.Instant issued) {
        return com.auth0.jwt.JWT.create().withKeyId(kid).withAudience(audience).withSubject(sub).withIssuer("https://idp.test")
                .withIssuedAt(issued).withExpiresAt(issued.plusSeconds(600)).withClaim("email", sub + "@example.com")
                .withClaim("email_verified", true).withClaim("name", "Id " + sub)
                .sign(com.auth0.jwt.algorithms.Algorithm.RSA256(null, key));
    }

    @Test
    void anOpenIdProviderWithoutUserInfoSignsInWithTheIdTokensCheckedClaims() throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        java.security.KeyPair keys = generator.generateKeyPair();
        java.security.KeyPair other = generator.generateKeyPair();
        java.security.interfaces.RSAPublicKey pub = (java.security.interfaces.RSAPublicKey) keys.getPublic();
        java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
        jwks = "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k1\",\"alg\":\"RS256\",\"n\":\""
                + b64.encodeToString(pub.getModulus().toByteArray()) + "\",\"e\":\""
                + b64.encodeToString(pub.getPublicExponent().toByteArray()) + "\"}]}";
        String base = "http://127.0.0.1:" + provider.getAddress().getPort();
        worker.call("POST", "/api/collections", "{\"name\":\"idtokens\",\"type\":\"auth\",\"createRule\":\"\","
                + "\"oauth2\":{\"enabled\":true,\"providers\":[{\"name\":\"oidc2\",\"clientId\":\"cid\",\"clientSecret\":\"secret\","
                + "\"authURL\":\"" + base + "/auth\",\"tokenURL\":\"" + base + "/token\",\"extra\":{\"jwksURL\":\"" + base
                + "/jwks\",\"issuers\":[\"https://idp.test\"]}}]}}", token, 200);
        JsonNode listed = worker.call("GET", "/api/collections/idtokens/auth-methods", null, null, 200);
        assertEquals("oidc2", listed.at("/oauth2/providers/0/name").asText(), "listed without a user-info URL");

        java.security.interfaces.RSAPrivateKey key = (java.security.interfaces.RSAPrivateKey) keys.getPrivate();
        java.time.Instant now = java.time.Instant.now();
        idTokens.put("good-idt-ok", idToken(key, "k1", "cid", "idt-ok", now));
        idTokens.put("good-idt-aud", idToken(key, "k1", "another-client", "idt-aud", now));
        idTokens.put("good-idt-future", idToken(key, "k1", "cid", "idt-future", now.plusSeconds(3600)));
        idTokens.put("good-idt-forged", idToken((java.security.interfaces.RSAPrivateKey) other.getPrivate(), "k1", "cid",
                "idt-forged", now));
        idTokens.put("good-idt-kid", idToken(key, "unknown", "cid", "idt-kid", now));
        String path = "/api/collections/idtokens/auth-with-oauth2";
        JsonNode ok = post(path, "{\"provider\":\"oidc2\",\"code\":\"good-idt-ok\",\"redirectURL\":\"http://app/cb\"}", 200);
        assertEquals("idt-ok", ok.at("/meta/id").asText());
        assertEquals("idt-ok@example.com", ok.at("/record/email").asText());
        assertEquals("Id idt-ok", ok.at("/meta/name").asText());
        assertEquals("https://idp.test", ok.at("/meta/rawUser/iss").asText());
        for (String refused : List.of("good-idt-aud", "good-idt-future", "good-idt-forged", "good-idt-kid", "good-no-idt")) {
            JsonNode failed = post(path, "{\"provider\":\"oidc2\",\"code\":\"" + refused + "\",\"redirectURL\":\"http://app/cb\"}",
                    400);
            assertEquals("Failed to fetch OAuth2 user.", failed.get("message").asText(), refused);
        }
    }

    @Test
    void theCodeIsExchangedWithBasicCredentialsFirstAndAFormEncodedAnswerIsRead() throws Exception {
        String base = "http://127.0.0.1:" + provider.getAddress().getPort();
        worker.call("POST", "/api/collections", "{\"name\":\"basics\",\"type\":\"auth\",\"createRule\":\"\","
                + "\"oauth2\":{\"enabled\":true,\"providers\":[{\"name\":\"oidc3\",\"clientId\":\"cid\",\"clientSecret\":\"secret\","
                + "\"pkce\":false,\"authURL\":\"" + base + "/auth\",\"tokenURL\":\"" + base + "/basic-token\",\"userInfoURL\":\""
                + base + "/userinfo\"}]}}", token, 200);
        JsonNode login = post("/api/collections/basics/auth-with-oauth2", "{\"provider\":\"oidc3\",\"code\":\"good-basic\","
                + "\"codeVerifier\":\"ignored\",\"redirectURL\":\"http://app/cb\"}", 200);
        assertEquals("at-good-basic", login.at("/meta/accessToken").asText());
        assertEquals("basic@example.com", login.at("/record/email").asText());
        assertEquals(1, basicForms.size(), "the first, Basic, attempt was taken: " + basicForms);
        assertFalse(basicForms.getFirst().contains("code_verifier"), "no verifier without PKCE: " + basicForms);
    }
}
