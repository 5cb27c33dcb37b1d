package dev.hivelite.node.settings;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.hivelite.node.ApiScenario;
import dev.hivelite.node.TestWorker;
import dev.hivelite.node.common.Json;

/** /api/settings and /db/{name}/api/settings over real HTTP on a real worker. */
class SettingsApiTest {

    /** PocketBase's message for settings that fail validation: its save fails. */
    private static final String SAVE_FAILED = "An error occurred while saving the new settings.";
    private static final String NEEDS_SUPERUSER = "The request requires valid superuser authorization token to be set.";
    private static final String FORBIDDEN = "The authorized record is not allowed to perform this action.";
    private static final String MALFORMED = "An error occurred while loading the submitted data.";
    private static final String TEST_EMAIL_FAILED = "Failed to send the test email.";
    private static final String TEST_S3_FAILED = "Failed to test the S3 filesystem.";
    private static final String APPLE_INVALID = "Invalid client secret data.";

    @TempDir
    static Path dataDir;

    private static TestWorker worker;
    private static String token;
    /** A key of database "alpha"; "beta" is another database, "frozen" a read-only one. */
    private static String alphaKey;

    @BeforeAll
    static void start() throws Exception {
        worker = TestWorker.start(dataDir);
        token = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        for (String body : List.of("{\"name\":\"alpha\"}", "{\"name\":\"beta\"}", "{\"name\":\"frozen\",\"readOnly\":true}")) {
            assertEquals(200, send("POST", "/api/databases", body).statusCode());
        }
        alphaKey = (String) TestWorker.json(send("POST", "/api/databases/alpha/keys", "{\"label\":\"ci\"}")).get("key");
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        return worker.send(method, path, body, Map.of("Authorization", token));
    }

    private static String fill(String s) {
        return s.replace("{token}", token).replace("{alphaKey}", alphaKey);
    }

    private static String error(String section, String field, String code) {
        return "\"" + section + "\":{\"" + field + "\":{\"code\":\"" + code + "\"";
    }

    static Stream<ApiScenario> scenarios() {
        Map<String, String> none = Map.of();
        Map<String, String> su = Map.of("Authorization", "{token}");
        Map<String, String> key = Map.of("Authorization", "Bearer {alphaKey}");
        String alpha = "/db/alpha/api/settings";
        String testEmail = "/api/settings/test/email";
        String mail = "{\"email\":\"someone@example.com\",\"template\":\"verification\"}";
        String apple = "/api/settings/apple/generate-client-secret";
        return Stream.of(
                // Who may: superusers everywhere, a key in its own database only.
                ApiScenario.of("view main: anonymous", "GET", "/api/settings", null, none, 401, List.of(NEEDS_SUPERUSER)),
                ApiScenario.of("view named: anonymous", "GET", alpha, null, none, 401, List.of(NEEDS_SUPERUSER)),
                ApiScenario.of("view missing database: anonymous gets 401, not 404", "GET", "/db/nope/api/settings",
                        null, none, 401, List.of(NEEDS_SUPERUSER)),
                ApiScenario.of("view missing database: superuser", "GET", "/db/nope/api/settings", null, su, 404,
                        List.of("Missing or invalid database.")),
                ApiScenario.of("view main: key of another database", "GET", "/api/settings", null, key, 403, List.of(FORBIDDEN)),
                ApiScenario.of("view named: key of another database", "GET", "/db/beta/api/settings", null, key, 403,
                        List.of(FORBIDDEN)),
                ApiScenario.of("view named: own key", "GET", alpha, null, key, 200, List.of("\"meta\":{")),
                ApiScenario.of("view: defaults of PocketBase, secrets absent", "GET", "/db/beta/api/settings", null, su, 200,
                        List.of("\"appName\":\"Acme\"", "\"appURL\":\"http://localhost:8090\"", "\"senderName\":\"Support\"",
                                "\"senderAddress\":\"support@example.com\"", "\"hideControls\":false",
                                "\"smtp\":{\"enabled\":false,\"port\":587,\"host\":\"smtp.example.com\",\"username\":\"\"",
                                "\"authMethod\":\"\"", "\"tls\":false", "\"localName\":\"\"",
                                "\"batch\":{\"enabled\":false,\"maxRequests\":50,\"timeout\":3,\"maxBodySize\":0}",
                                "\"rateLimits\":{\"rules\":[", "\"enabled\":false}", "\"label\":\"*:auth\"",
                                "\"trustedProxy\":{\"headers\":[],\"useLeftmostIP\":false}",
                                "\"logs\":{\"maxDays\":5,\"minLevel\":0,\"logIP\":true,\"logAuthId\":false}",
                                "\"s3\":{\"enabled\":false,\"bucket\":\"\"", "\"forcePathStyle\":false",
                                "\"backups\":{\"cron\":\"\",\"cronMaxKeep\":3,\"s3\":{"))
                        .notExpecting("password", "secret"),
                ApiScenario.of("view read-only database", "GET", "/db/frozen/api/settings", null, su, 200,
                        List.of("\"appName\":\"Acme\"")),
                ApiScenario.of("update main: anonymous", "PATCH", "/api/settings", "{}", none, 401, List.of(NEEDS_SUPERUSER)),
                ApiScenario.of("update main: key of another database", "PATCH", "/api/settings",
                        "{\"meta\":{\"appName\":\"Hijacked\"}}", key, 403, List.of(FORBIDDEN)),
                ApiScenario.of("update: missing database", "PATCH", "/db/nope/api/settings", "{}", su, 404,
                        List.of("Missing or invalid database.")),
                ApiScenario.of("update: read-only database", "PATCH", "/db/frozen/api/settings",
                        "{\"meta\":{\"appName\":\"Thawed\"}}", su, 403, List.of("The database is read-only.")),
                ApiScenario.of("update: own key merges one field, keeps the others", "PATCH", alpha,
                        "{\"meta\":{\"appName\":\"Alpha App\"},\"batch\":{\"enabled\":true}}", key, 200,
                        List.of("\"appName\":\"Alpha App\"", "\"senderName\":\"Support\"", "\"port\":587",
                                "\"batch\":{\"enabled\":true,\"maxRequests\":50,\"timeout\":3")),
                ApiScenario.of("update: null leaves a value unchanged", "PATCH", alpha, "{\"meta\":{\"appName\":null}}", key, 200,
                        List.of("\"appName\":\"Alpha App\"")),
                ApiScenario.of("update: the merge is kept", "GET", alpha, null, key, 200,
                        List.of("\"appName\":\"Alpha App\"", "\"batch\":{\"enabled\":true")),
                ApiScenario.of("update: blank appName", "PATCH", alpha, "{\"meta\":{\"appName\":\"\"}}", su, 400,
                        List.of("{\"status\":400,\"message\":\"" + SAVE_FAILED + "\",\"data\":{\"meta\":{\"appName\":"
                                + "{\"code\":\"validation_required\",\"message\":\"Cannot be blank.\"}}}}")),
                ApiScenario.of("update: appName of 256 chars", "PATCH", alpha,
                        "{\"meta\":{\"appName\":\"" + "a".repeat(256) + "\"}}", su, 400,
                        List.of(error("meta", "appName", "validation_length_out_of_range")
                                + ",\"message\":\"The length must be between 1 and 255.\",\"params\":{\"max\":255,\"min\":1}}")),
                ApiScenario.of("update: appURL not a URL", "PATCH", alpha, "{\"meta\":{\"appURL\":\"not a url\"}}", su, 400,
                        List.of(error("meta", "appURL", "validation_is_url"))),
                ApiScenario.of("update: appURL without a scheme is a URL to PocketBase", "PATCH", "/db/beta/api/settings",
                        "{\"meta\":{\"appURL\":\"example.com/app\"},\"s3\":{\"endpoint\":\"s3.example.com\"}}", su, 200,
                        List.of("\"appURL\":\"example.com/app\"", "\"endpoint\":\"s3.example.com\"")),
                ApiScenario.of("update: an S3 endpoint with a scheme govalidator does not know", "PATCH", alpha,
                        "{\"s3\":{\"endpoint\":\"custom://s3.example.com\"}}", su, 400,
                        List.of(error("s3", "endpoint", "validation_is_url"))),
                ApiScenario.of("update: senderAddress not an email", "PATCH", alpha,
                        "{\"meta\":{\"senderAddress\":\"nobody\"}}", su, 400,
                        List.of(error("meta", "senderAddress", "validation_is_email"))),
                ApiScenario.of("update: senderAddress whose last label ends in a digit", "PATCH", alpha,
                        "{\"meta\":{\"senderAddress\":\"support@example.c1\"}}", su, 400,
                        List.of(error("meta", "senderAddress", "validation_is_email"))),
                ApiScenario.of("update: smtp enabled without host", "PATCH", alpha,
                        "{\"smtp\":{\"enabled\":true,\"host\":\"\"}}", su, 400,
                        List.of(error("smtp", "host", "validation_required"))),
                ApiScenario.of("update: smtp host with an underscore is a host to PocketBase", "PATCH", "/db/beta/api/settings",
                        "{\"smtp\":{\"host\":\"smtp_relay.internal\",\"localName\":\"::1\"}}", su, 200,
                        List.of("\"host\":\"smtp_relay.internal\"")),
                ApiScenario.of("update: smtp host starting with a hyphen", "PATCH", alpha,
                        "{\"smtp\":{\"host\":\"-mail.example.com\"}}", su, 400, List.of(error("smtp", "host", "validation_is_host"))),
                ApiScenario.of("update: smtp enabled without port", "PATCH", alpha,
                        "{\"smtp\":{\"enabled\":true,\"port\":0}}", su, 400,
                        List.of(error("smtp", "port", "validation_required"))),
                ApiScenario.of("update: smtp port has no upper bound, as in PocketBase", "PATCH", "/db/beta/api/settings",
                        "{\"smtp\":{\"port\":70000}}", su, 200, List.of("\"port\":70000")),
                ApiScenario.of("update: negative smtp port", "PATCH", alpha, "{\"smtp\":{\"port\":-1}}", su, 400,
                        List.of(error("smtp", "port", "validation_min_greater_equal_than_required")
                                + ",\"message\":\"Must be no less than 0.\",\"params\":{\"threshold\":0}}")),
                ApiScenario.of("update: smtp unknown auth method", "PATCH", alpha,
                        "{\"smtp\":{\"authMethod\":\"CRAM-MD5\"}}", su, 400,
                        List.of(error("smtp", "authMethod", "validation_in_invalid"))),
                ApiScenario.of("update: negative batch maxRequests", "PATCH", alpha,
                        "{\"batch\":{\"maxRequests\":-1}}", su, 400,
                        List.of(error("batch", "maxRequests", "validation_min_greater_equal_than_required"))),
                ApiScenario.of("update: negative batch timeout", "PATCH", alpha,
                        "{\"batch\":{\"timeout\":-1}}", su, 400,
                        List.of(error("batch", "timeout", "validation_min_greater_equal_than_required"))),
                ApiScenario.of("update: several sections at once", "PATCH", alpha,
                        "{\"meta\":{\"appName\":\"\"},\"logs\":{\"maxDays\":-1}}", su, 400,
                        List.of(error("meta", "appName", "validation_required"),
                                error("logs", "maxDays", "validation_min_greater_equal_than_required"))),
                ApiScenario.of("update: bad rate limit rule", "PATCH", alpha,
                        "{\"rateLimits\":{\"rules\":[{\"label\":\"/api/\",\"maxRequests\":0,\"duration\":1}]}}", su, 400,
                        List.of("\"rateLimits\":{\"rules\":{\"0\":{\"maxRequests\":{\"code\":\"validation_required\"")),
                ApiScenario.of("update: conflicting rate limit rules", "PATCH", alpha,
                        "{\"rateLimits\":{\"rules\":[{\"label\":\"/api/\",\"maxRequests\":1,\"duration\":1},"
                                + "{\"label\":\"/api/\",\"maxRequests\":2,\"duration\":1}]}}", su, 400,
                        List.of("\"rules\":{\"1\":{\"label\":{\"code\":\"validation_conflicting_rate_limit_rule\","
                                + "\"message\":\"Rate limit rule configuration with label /api/ already exists or conflicts with"
                                + " another rule.\",\"params\":{\"label\":\"/api/\"}}")),
                ApiScenario.of("update: backups cron out of range", "PATCH", alpha, "{\"backups\":{\"cron\":\"61 * * * *\"}}", su,
                        400, List.of(error("backups", "cron", "validation_invalid_cron")
                                + ",\"message\":\"Invalid segment value - must be between the min and max of the segment.\"}")),
                ApiScenario.of("update: backups cron of three segments", "PATCH", alpha, "{\"backups\":{\"cron\":\"not a cron\"}}",
                        su, 400, List.of("\"message\":\"Invalid cron expression - must be a valid macro or to have exactly 5"
                                + " space separated segments.\"")),
                ApiScenario.of("update: backups cron step on a single value", "PATCH", alpha,
                        "{\"backups\":{\"cron\":\"5/2 * * * *\"}}", su, 400, List.of("\"message\":\"Invalid segement step - step"
                                + " > 1 could be used only with the wildcard or range format.\"")),
                ApiScenario.of("update: backups cron range past its maximum", "PATCH", alpha,
                        "{\"backups\":{\"cron\":\"* * * 3-13 *\"}}", su, 400,
                        List.of("\"message\":\"Invalid segment range maximum - must be between 3 and 12.\"")),
                ApiScenario.of("update: backups cron that is no number", "PATCH", alpha,
                        "{\"backups\":{\"cron\":\"x * * * *\"}}", su, 400,
                        List.of("\"message\":\"Strconv.Atoi: parsing \\\"x\\\": invalid syntax.\"")),
                ApiScenario.of("update: backups cron with steps, ranges and lists", "PATCH", "/db/beta/api/settings",
                        "{\"backups\":{\"cron\":\"*/15 1-5/2 * * 1,3,5\"}}", su, 200, List.of("\"cron\":\"*/15 1-5/2 * * 1,3,5\"")),
                ApiScenario.of("update: backups cron macro", "PATCH", "/db/beta/api/settings",
                        "{\"backups\":{\"cron\":\"@daily\"}}", su, 200, List.of("\"cron\":\"@daily\"")),
                ApiScenario.of("update: wrong type", "PATCH", alpha, "{\"smtp\":{\"port\":\"abc\"}}", su, 400, List.of(MALFORMED)),
                ApiScenario.of("update: section not an object", "PATCH", alpha, "{\"meta\":\"x\"}", su, 400, List.of(MALFORMED)),
                ApiScenario.of("update: a number where text belongs", "PATCH", alpha, "{\"meta\":{\"appName\":123}}", su, 400,
                        List.of(MALFORMED)),
                ApiScenario.of("update: a fraction where a whole number belongs", "PATCH", alpha,
                        "{\"smtp\":{\"port\":587.0}}", su, 400, List.of(MALFORMED)),
                ApiScenario.of("update: text where a boolean belongs", "PATCH", alpha, "{\"batch\":{\"enabled\":\"yes\"}}", su,
                        400, List.of(MALFORMED)),
                ApiScenario.of("test s3: filesystem required", "POST", alpha + "/test/s3", "{}", su, 400,
                        List.of(TEST_S3_FAILED, "\"filesystem\":{\"code\":\"validation_required\"")),
                ApiScenario.of("test s3: unknown filesystem", "POST", alpha + "/test/s3", "{\"filesystem\":\"cloud\"}", su, 400,
                        List.of(TEST_S3_FAILED, "\"filesystem\":{\"code\":\"validation_in_invalid\"")),
                ApiScenario.of("test s3: not enabled", "POST", alpha + "/test/s3", "{\"filesystem\":\"storage\"}", su, 400,
                        List.of("\"message\":\"Failed to test the S3 filesystem. Raw error: \\nS3 storage filesystem is not enabled.\"",
                                "\"data\":{}")),
                ApiScenario.of("test s3: enable the storage S3 of beta", "PATCH", "/db/beta/api/settings",
                        "{\"s3\":{\"enabled\":true,\"bucket\":\"b\",\"region\":\"r\",\"endpoint\":\"https://s3.example.com\","
                                + "\"accessKey\":\"k\",\"secret\":\"s\"}}", su, 200, List.of("\"enabled\":true,\"bucket\":\"b\"")),
                ApiScenario.of("test s3: enabled, but Hivelite keeps files on disk", "POST", "/db/beta/api/settings/test/s3",
                        "{\"filesystem\":\"storage\"}", su, 400,
                        List.of("\"message\":\"Failed to test the S3 filesystem. Raw error: \\nfailed to initialize the S3 filesystem:")),
                ApiScenario.of("test s3: anonymous", "POST", alpha + "/test/s3", "{\"filesystem\":\"storage\"}", none, 401,
                        List.of(NEEDS_SUPERUSER)),
                ApiScenario.of("update: malformed JSON", "PATCH", alpha, "{\"meta\":", su, 400, List.of(MALFORMED)),
                ApiScenario.of("update: failed validations changed nothing", "GET", alpha, null, su, 200,
                        List.of("\"appName\":\"Alpha App\"", "\"senderAddress\":\"support@example.com\"", "\"port\":587")),
                ApiScenario.of("test email: anonymous", "POST", testEmail, mail, none, 401, List.of(NEEDS_SUPERUSER)),
                ApiScenario.of("test email: key of another database", "POST", testEmail, mail, key, 403, List.of(FORBIDDEN)),
                ApiScenario.of("test email: missing database", "POST", "/db/nope" + testEmail, mail, su, 404,
                        List.of("Missing or invalid database.")),
                ApiScenario.of("test email: missing fields", "POST", "/db/alpha" + testEmail, "{}", key, 400,
                        List.of(TEST_EMAIL_FAILED, "\"email\":{\"code\":\"validation_required\"",
                                "\"template\":{\"code\":\"validation_required\"")),
                ApiScenario.of("test email: bad email and template", "POST", "/db/alpha" + testEmail,
                        "{\"email\":\"nobody\",\"template\":\"welcome\"}", key, 400,
                        List.of(TEST_EMAIL_FAILED, "\"email\":{\"code\":\"validation_is_email\"",
                                "\"template\":{\"code\":\"validation_in_invalid\"")),
                ApiScenario.of("test email: a collection that does not exist", "POST", "/db/alpha" + testEmail,
                        "{\"email\":\"someone@example.com\",\"template\":\"otp\",\"collection\":\"nope\"}", key, 400,
                        List.of(TEST_EMAIL_FAILED, "\"collection\":{\"code\":\"validation_invalid_auth_collection\","
                                + "\"message\":\"Must be a valid auth collection id or name.\"}")),
                ApiScenario.of("test email: a collection that is not an auth collection", "POST", "/db/alpha" + testEmail,
                        "{\"email\":\"someone@example.com\",\"template\":\"otp\",\"collection\":\"_otps\"}", key, 400,
                        List.of("\"collection\":{\"code\":\"validation_invalid_auth_collection\"")),
                ApiScenario.of("test email: the superusers' collection by name", "POST", "/db/alpha" + testEmail,
                        "{\"email\":\"someone@example.com\",\"template\":\"otp\",\"collection\":\"_superusers\"}", key,
                        204, List.of()),
                ApiScenario.of("test email: an address PocketBase's format refuses", "POST", "/db/alpha" + testEmail,
                        "{\"email\":\"someone@example.c1\",\"template\":\"otp\"}", key, 400,
                        List.of("\"email\":{\"code\":\"validation_is_email\"")),
                ApiScenario.of("test email: malformed body", "POST", testEmail, "{", su, 400, List.of(MALFORMED, "\"data\":{}")),
                ApiScenario.of("apple secret: malformed body", "POST", apple, "{", su, 400, List.of(MALFORMED, "\"data\":{}")),
                ApiScenario.of("apple secret: empty body", "POST", apple, "{}", su, 400,
                        List.of(APPLE_INVALID, "\"clientId\":{\"code\":\"validation_required\"",
                                "\"teamId\":{\"code\":\"validation_required\"", "\"keyId\":{\"code\":\"validation_required\"",
                                "\"privateKey\":{\"code\":\"validation_required\"",
                                "\"duration\":{\"code\":\"validation_required\"")),
                ApiScenario.of("apple secret: invalid values (PocketBase's scenario)", "POST", apple,
                        "{\"clientId\":\"\",\"teamId\":\"123456789\",\"keyId\":\"123456789\",\"privateKey\":\"invalid\","
                                + "\"duration\":-1}", su, 400,
                        List.of(APPLE_INVALID, "\"clientId\":{\"code\":\"validation_required\"",
                                "\"teamId\":{\"code\":\"validation_length_invalid\",\"message\":\"The length must be exactly 10.\","
                                        + "\"params\":{\"max\":10,\"min\":10}}",
                                "\"keyId\":{\"code\":\"validation_length_invalid\"",
                                "\"privateKey\":{\"code\":\"validation_match_invalid\",\"message\":\"Must be in a valid format.\"}",
                                "\"duration\":{\"code\":\"validation_min_greater_equal_than_required\","
                                        + "\"message\":\"Must be no less than 1.\",\"params\":{\"threshold\":1}}")),
                ApiScenario.of("apple secret: a key that is no PKCS #8 PEM block", "POST", apple,
                        "{\"clientId\":\"com.example\",\"teamId\":\"1234567890\",\"keyId\":\"1234567890\","
                                + "\"privateKey\":\"-----BEGIN EC PRIVATE KEY-----\\nMHcCAQEE\\n-----END EC PRIVATE KEY-----\","
                                + "\"duration\":1}", su, 400,
                        List.of(APPLE_INVALID, "\"privateKey\":{\"code\":\"validation_match_invalid\"")),
                ApiScenario.of("test email: with SMTP off it is logged, not sent", "POST", "/db/alpha" + testEmail, mail,
                        key, 204, List.of()),
                ApiScenario.of("test email: read-only database may still send", "POST", "/db/frozen" + testEmail, mail,
                        su, 204, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void scenario(ApiScenario scenario) throws Exception {
        scenario.run(worker, SettingsApiTest::fill);
    }

    @Test
    void settingsOfOneDatabaseDoNotReachAnother() throws Exception {
        assertEquals(200, send("POST", "/api/databases", "{\"name\":\"delta\"}").statusCode());
        HttpResponse<String> patched = send("PATCH", "/db/delta/api/settings", "{\"meta\":{\"appName\":\"Delta\"}}");
        assertEquals(200, patched.statusCode(), patched.body());
        assertTrue(send("GET", "/db/delta/api/settings", null).body().contains("\"appName\":\"Delta\""));
        assertTrue(send("GET", "/api/settings", null).body().contains("\"appName\":\"Acme\""));
        assertTrue(send("GET", "/db/beta/api/settings", null).body().contains("\"appName\":\"Acme\""));
    }

    @Test
    void smtpPasswordIsStoredButNeverAnsweredAndAnEmptyOneKeepsIt() throws Exception {
        assertEquals(200, send("POST", "/api/databases", "{\"name\":\"gamma\"}").statusCode());
        HttpResponse<String> saved = send("PATCH", "/db/gamma/api/settings",
                "{\"smtp\":{\"username\":\"mailer\",\"password\":\"s3cret-pass\"},\"s3\":{\"secret\":\"s3-secret-key\"}}");
        assertEquals(200, saved.statusCode(), saved.body());
        assertTrue(saved.body().contains("\"username\":\"mailer\""));
        assertFalse(saved.body().contains("s3cret-pass"));
        assertFalse(saved.body().contains("s3-secret-key"));
        assertFalse(saved.body().contains("\"password\""));

        HttpResponse<String> again = send("PATCH", "/db/gamma/api/settings",
                "{\"smtp\":{\"password\":\"\",\"host\":\"mail.example.org\"},\"s3\":{\"secret\":\"\"}}");
        assertEquals(200, again.statusCode(), again.body());
        assertFalse(send("GET", "/db/gamma/api/settings", null).body().contains("s3cret-pass"));

        String stored = storedSettings("gamma");
        assertTrue(stored.contains("\"password\":\"s3cret-pass\""), stored);
        assertTrue(stored.contains("\"secret\":\"s3-secret-key\""), stored);
        assertTrue(stored.contains("\"host\":\"mail.example.org\""), stored);
    }

    @Test
    void anAppleClientSecretIsAnEs256TokenSignedWithTheGivenKey() throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
        generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        java.security.KeyPair pair = generator.generateKeyPair();
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----";
        var body = Json.mapper().createObjectNode().put("clientId", "com.example.app").put("teamId", "TEAM123456")
                .put("keyId", "KEY1234567").put("privateKey", pem).put("duration", 3600);
        HttpResponse<String> made = send("POST", "/api/settings/apple/generate-client-secret", body.toString());
        assertEquals(200, made.statusCode(), made.body());
        String secret = Json.mapper().readTree(made.body()).get("secret").asText();
        var jwt = com.auth0.jwt.JWT.require(com.auth0.jwt.algorithms.Algorithm.ECDSA256(
                (java.security.interfaces.ECPublicKey) pair.getPublic(), null)).build().verify(secret);
        assertEquals("ES256", jwt.getAlgorithm());
        assertEquals("KEY1234567", jwt.getKeyId());
        assertEquals("TEAM123456", jwt.getIssuer());
        assertEquals("com.example.app", jwt.getSubject());
        assertEquals(List.of("https://appleid.apple.com"), jwt.getAudience());
        assertEquals(3600, jwt.getExpiresAtAsInstant().getEpochSecond() - jwt.getIssuedAtAsInstant().getEpochSecond());

        HttpResponse<String> invalid = send("POST", "/api/settings/apple/generate-client-secret",
                "{\"teamId\":\"short\",\"duration\":99999999}");
        assertEquals(400, invalid.statusCode());
        JsonNode data = Json.mapper().readTree(invalid.body()).get("data");
        assertEquals("validation_required", data.at("/clientId/code").asText(), data.toString());
        assertEquals("validation_length_invalid", data.at("/teamId/code").asText());
        assertEquals("validation_max_less_equal_than_required", data.at("/duration/code").asText());
        HttpResponse<String> badKey = send("POST", "/api/settings/apple/generate-client-secret",
                body.put("privateKey", "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----").toString());
        assertEquals(400, badKey.statusCode());
        assertTrue(Json.mapper().readTree(badKey.body()).get("message").asText().startsWith("Failed to generate client secret."));
        assertEquals(401, worker.send("POST", "/api/settings/apple/generate-client-secret", "{}", Map.of()).statusCode());
    }

    @Test
    void aDatabaseThatNeverSavedSettingsHasNoParamsTable() throws Exception {
        assertEquals(200, send("POST", "/api/databases", "{\"name\":\"epsilon\"}").statusCode());
        assertEquals(200, send("GET", "/db/epsilon/api/settings", null).statusCode());
        try (Connection c = open("epsilon"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_master WHERE name = '_params'")) {
            assertEquals(0, rs.getInt(1));
        }
    }

    private static String storedSettings(String database) throws Exception {
        try (Connection c = open(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT value, created, updated FROM _params WHERE id = 'settings'")) {
            assertTrue(rs.next());
            assertTrue(rs.getString(2).endsWith("Z"));
            return rs.getString(1);
        }
    }

    private static Connection open(String database) throws Exception {
        String id = (String) TestWorker.json(send("GET", "/api/databases/" + database, null)).get("id");
        return DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("databases").resolve(id).resolve("data.db"));
    }
}
