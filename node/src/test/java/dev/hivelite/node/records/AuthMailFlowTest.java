package dev.hivelite.node.records;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * The auth flows that go through mail, end to end over real SMTP (GreenMail in-process): email
 * verification, password reset, and MFA with a one-time password as the second method.
 */
class AuthMailFlowTest {

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("mailer@hive.test", "mailer", "mail-pass"))
            .withPerMethodLifecycle(false);

    private static final Pattern TOKEN = Pattern.compile("/(eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+)");
    private static final Pattern CODE = Pattern.compile("<strong>(\\d{4,20})</strong>");

    @TempDir
    static Path dataDir;

    private static TestWorker worker;
    private static String token;

    @BeforeAll
    static void start() throws Exception {
        worker = TestWorker.start(dataDir);
        worker.awaitCluster(); // the OTP attempts are counted in the cluster
        token = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        HttpResponse<String> settings = worker.send("PATCH", "/api/settings", """
                {"meta": {"appName": "Hive", "appURL": "https://hive.test", "senderAddress": "noreply@hive.test"},
                 "smtp": {"enabled": true, "host": "127.0.0.1", "port": %d, "username": "mailer", "password": "mail-pass"}}"""
                .formatted(SMTP.getSmtp().getPort()), Map.of("Authorization", token));
        assertEquals(200, settings.statusCode(), settings.body());
        HttpResponse<String> users = worker.send("POST", "/api/collections", "{\"name\":\"people\",\"type\":\"auth\","
                + "\"createRule\":\"\",\"otp\":{\"enabled\":true,\"duration\":180,\"length\":6,"
                + "\"emailTemplate\":{\"subject\":\"Your code\",\"body\":\"<p>Code: <strong>{OTP}</strong></p>\"}}}",
                Map.of("Authorization", token));
        assertEquals(200, users.statusCode(), users.body());
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    private static JsonNode call(String method, String path, String body, String auth, int expected) throws Exception {
        return worker.call(method, path, body, auth, expected);
    }

    /** The newest message to {@code to}, waiting for it. */
    private static String mailTo(String to, int count) throws Exception {
        assertTrue(SMTP.waitForIncomingEmail(10_000, count), "mail arrived");
        MimeMessage last = null;
        for (MimeMessage m : SMTP.getReceivedMessages()) {
            if (m.getAllRecipients()[0].toString().equals(to)) {
                last = m;
            }
        }
        assertTrue(last != null, "a mail to " + to);
        return GreenMailUtil.getBody(last).replace("=\r\n", "").replace("=3D", "=");
    }

    private static String signUp(String email) throws Exception {
        return call("POST", "/api/collections/people/records", "{\"email\":\"" + email + "\",\"password\":\"password-1\","
                + "\"passwordConfirm\":\"password-1\"}", null, 200).get("id").asText();
    }

    @Test
    void verificationMailCarriesATokenThatVerifiesTheRecord() throws Exception {
        String id = signUp("v@example.com");
        int before = SMTP.getReceivedMessages().length;
        call("POST", "/api/collections/people/request-verification", "{\"email\":\"v@example.com\"}", null, 204);
        Matcher m = TOKEN.matcher(mailTo("v@example.com", before + 1));
        assertTrue(m.find(), "the mail holds the link with the token");
        call("POST", "/api/collections/people/confirm-verification", "{\"token\":\"" + m.group(1) + "\"}", null, 204);
        assertTrue(call("GET", "/api/collections/people/records/" + id, null, token, 200).get("verified").asBoolean());
        call("POST", "/api/collections/people/confirm-verification", "{\"token\":\"garbage\"}", null, 400);
        call("POST", "/api/collections/people/request-verification", "{\"email\":\"nobody@example.com\"}", null, 204);
    }

    @Test
    void passwordResetMailLetsTheOwnerSetANewPasswordAndEndsOldTokens() throws Exception {
        signUp("r@example.com");
        String old = call("POST", "/api/collections/people/auth-with-password",
                "{\"identity\":\"r@example.com\",\"password\":\"password-1\"}", null, 200).get("token").asText();
        int before = SMTP.getReceivedMessages().length;
        call("POST", "/api/collections/people/request-password-reset", "{\"email\":\"r@example.com\"}", null, 204);
        Matcher m = TOKEN.matcher(mailTo("r@example.com", before + 1));
        assertTrue(m.find());
        call("POST", "/api/collections/people/confirm-password-reset", "{\"token\":\"" + m.group(1)
                + "\",\"password\":\"new-password-2\",\"passwordConfirm\":\"other\"}", null, 400);
        call("POST", "/api/collections/people/confirm-password-reset", "{\"token\":\"" + m.group(1)
                + "\",\"password\":\"new-password-2\",\"passwordConfirm\":\"new-password-2\"}", null, 204);
        call("POST", "/api/collections/people/auth-with-password",
                "{\"identity\":\"r@example.com\",\"password\":\"new-password-2\"}", null, 200);
        call("POST", "/api/collections/people/auth-refresh", null, old, 401);
        call("POST", "/api/collections/people/confirm-password-reset", "{\"token\":\"" + m.group(1)
                + "\",\"password\":\"new-password-3\",\"passwordConfirm\":\"new-password-3\"}", null, 400);
    }

    /**
     * The reset's new password is hashed at the password field's cost, as PocketBase sets it on the
     * record, and before the write: creates of the same database go on while it hashes.
     */
    @Test
    void aPasswordResetHashesAtTheFieldsCostWithoutHoldingUpOtherWrites() throws Exception {
        // Cost 14: a hash takes about a second here, long enough to see what waits for it.
        call("POST", "/api/collections", "{\"name\":\"slow_people\",\"type\":\"auth\",\"createRule\":\"\","
                + "\"fields\":[{\"name\":\"password\",\"type\":\"password\",\"min\":8,\"cost\":14}]}", token, 200);
        call("POST", "/api/collections", "{\"name\":\"reset_notes\",\"createRule\":\"\","
                + "\"fields\":[{\"name\":\"title\",\"type\":\"text\"}]}", token, 200);
        call("POST", "/api/collections/slow_people/records", "{\"email\":\"slow@example.com\",\"password\":\"password-1\","
                + "\"passwordConfirm\":\"password-1\"}", null, 200);
        int before = SMTP.getReceivedMessages().length;
        call("POST", "/api/collections/slow_people/request-password-reset", "{\"email\":\"slow@example.com\"}", null, 204);
        Matcher m = TOKEN.matcher(mailTo("slow@example.com", before + 1));
        assertTrue(m.find());

        java.util.concurrent.CompletableFuture<HttpResponse<String>> reset = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return worker.send("POST", "/api/collections/slow_people/confirm-password-reset", "{\"token\":\""
                        + m.group(1) + "\",\"password\":\"password-2\",\"passwordConfirm\":\"password-2\"}", Map.of());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
        for (int i = 0; i < 20; i++) {
            call("POST", "/api/collections/reset_notes/records", "{\"title\":\"note " + i + "\"}", null, 200);
        }
        org.junit.jupiter.api.Assertions.assertFalse(reset.isDone(), "the creates waited for the reset's hash");
        assertEquals(204, reset.get().statusCode(), reset.get().body());
        String stored = call("POST", "/api/databases/main/query",
                "{\"sql\":\"SELECT password FROM slow_people WHERE email = 'slow@example.com'\"}", token, 200)
                .at("/rows/0/0").asText();
        assertTrue(stored.startsWith("$2a$14$"), stored);
        call("POST", "/api/collections/slow_people/auth-with-password",
                "{\"identity\":\"slow@example.com\",\"password\":\"password-2\"}", null, 200);
    }

    @Test
    void mfaAsksForASecondMethodAndAOneTimePasswordCompletesIt() throws Exception {
        call("PATCH", "/api/collections/people", "{\"mfa\":{\"enabled\":true,\"duration\":600,\"rule\":\"\"}}", token, 200);
        try {
            signUp("m@example.com");
            JsonNode first = call("POST", "/api/collections/people/auth-with-password",
                    "{\"identity\":\"m@example.com\",\"password\":\"password-1\"}", null, 401);
            String mfaId = first.get("mfaId").asText();
            assertTrue(!mfaId.isEmpty() && !first.has("token"), "no token yet: " + first);
            call("POST", "/api/collections/people/auth-with-password?mfaId=" + mfaId,
                    "{\"identity\":\"m@example.com\",\"password\":\"password-1\"}", null, 400);
            int before = SMTP.getReceivedMessages().length;
            String otpId = call("POST", "/api/collections/people/request-otp", "{\"email\":\"m@example.com\"}", null, 200)
                    .get("otpId").asText();
            Matcher code = CODE.matcher(mailTo("m@example.com", before + 1));
            assertTrue(code.find(), "the mail holds the code");
            JsonNode done = call("POST", "/api/collections/people/auth-with-otp", "{\"otpId\":\"" + otpId
                    + "\",\"password\":\"" + code.group(1) + "\",\"mfaId\":\"" + mfaId + "\"}", null, 200);
            assertTrue(done.get("token").asText().startsWith("eyJ"));
            assertEquals("m@example.com", done.at("/record/email").asText());
        } finally {
            call("PATCH", "/api/collections/people", "{\"mfa\":{\"enabled\":false,\"duration\":1800,\"rule\":\"\"}}", token, 200);
        }
    }

    @Test
    void aOneTimePasswordVerifiesTheAddressItReachedAndARecordGetsFiveAttemptsThenTooManyRequests() throws Exception {
        String id = signUp("o@example.com");
        int before = SMTP.getReceivedMessages().length;
        String otpId = call("POST", "/api/collections/people/request-otp", "{\"email\":\"o@example.com\"}", null, 200)
                .get("otpId").asText();
        Matcher code = CODE.matcher(mailTo("o@example.com", before + 1));
        assertTrue(code.find(), "the mail holds the code");
        String wrong = code.group(1).equals("000000") ? "111111" : "000000";
        for (int i = 0; i < 4; i++) {
            call("POST", "/api/collections/people/auth-with-otp", "{\"otpId\":\"" + otpId + "\",\"password\":\""
                    + wrong + "\"}", null, 400);
        }
        JsonNode done = call("POST", "/api/collections/people/auth-with-otp", "{\"otpId\":\"" + otpId
                + "\",\"password\":\"" + code.group(1) + "\"}", null, 200);
        assertTrue(done.at("/record/verified").asBoolean(), "the code reached the record's address: " + done);
        assertTrue(call("GET", "/api/collections/people/records/" + id, null, token, 200).get("verified").asBoolean());

        before = SMTP.getReceivedMessages().length;
        String next = call("POST", "/api/collections/people/request-otp", "{\"email\":\"o@example.com\"}", null, 200)
                .get("otpId").asText();
        Matcher again = CODE.matcher(mailTo("o@example.com", before + 1));
        assertTrue(again.find());
        JsonNode refused = call("POST", "/api/collections/people/auth-with-otp", "{\"otpId\":\"" + next
                + "\",\"password\":\"" + again.group(1) + "\"}", null, 429);
        assertEquals("Too many attempts, please try again later with a new OTP.", refused.get("message").asText(),
                "a sixth attempt within three minutes, even a right one");
    }

    @Test
    void oneTimePasswordsOfACollectionWithoutThemAre403AndAnswersListEveryMissingField() throws Exception {
        call("POST", "/api/collections", "{\"name\":\"no_otp\",\"type\":\"auth\"}", token, 200);
        call("POST", "/api/collections/no_otp/request-otp", "{\"email\":\"a@example.com\"}", null, 403);
        call("POST", "/api/collections/no_otp/auth-with-otp", "{\"otpId\":\"x\",\"password\":\"y\"}", null, 403);
        JsonNode empty = call("POST", "/api/collections/people/auth-with-otp", "{}", null, 400);
        assertEquals("validation_required", empty.at("/data/otpId/code").asText(), empty.toString());
        assertEquals("validation_required", empty.at("/data/password/code").asText(), empty.toString());
    }

    @Test
    void confirmFormsReportEveryFieldAndATokenOfAnotherCollectionIsACollectionMismatch() throws Exception {
        JsonNode empty = call("POST", "/api/collections/people/confirm-password-reset", "{}", null, 400);
        for (String field : new String[] {"token", "password", "passwordConfirm"}) {
            assertEquals("validation_required", empty.at("/data/" + field + "/code").asText(), empty.toString());
        }
        call("POST", "/api/collections/people/request-email-change", "{\"newEmail\":\"x@example.com\"}", null, 401);
        call("POST", "/api/collections/people/request-email-change", "{\"newEmail\":\"x@example.com\"}", token, 403);
        JsonNode change = call("POST", "/api/collections/people/confirm-email-change", "{}", null, 400);
        assertEquals("validation_required", change.at("/data/token/code").asText(), change.toString());
        assertEquals("validation_required", change.at("/data/password/code").asText());

        signUp("mismatch@example.com");
        int before = SMTP.getReceivedMessages().length;
        call("POST", "/api/collections/people/request-password-reset", "{\"email\":\"mismatch@example.com\"}", null, 204);
        JsonNode longEmail = call("POST", "/api/collections/people/request-password-reset", "{\"email\":\""
                + "m".repeat(244) + "@example.com\"}", null, 400);
        assertEquals(lengthError(1, 255), longEmail.at("/data/email"), longEmail.toString());
        Matcher m = TOKEN.matcher(mailTo("mismatch@example.com", before + 1));
        assertTrue(m.find());
        call("POST", "/api/collections", "{\"name\":\"others\",\"type\":\"auth\"}", token, 200);
        JsonNode other = call("POST", "/api/collections/others/confirm-password-reset", "{\"token\":\"" + m.group(1)
                + "\",\"password\":\"new-password-9\",\"passwordConfirm\":\"new-password-9\"}", null, 400);
        assertEquals("validation_token_collection_mismatch", other.at("/data/token/code").asText(), other.toString());
        JsonNode shortOne = call("POST", "/api/collections/people/confirm-password-reset", "{\"token\":\"" + m.group(1)
                + "\",\"password\":\"1234567\",\"passwordConfirm\":\"7654321\"}", null, 400);
        assertEquals(lengthError(8, 255), shortOne.at("/data/password"), shortOne.toString());
        assertEquals("validation_values_mismatch", shortOne.at("/data/passwordConfirm/code").asText());
        // Past the form's 255, the password field's own limit (71) is the save's error, as in PocketBase.
        String longer = "p".repeat(72);
        JsonNode tooLong = call("POST", "/api/collections/people/confirm-password-reset", "{\"token\":\"" + m.group(1)
                + "\",\"password\":\"" + longer + "\",\"passwordConfirm\":\"" + longer + "\"}", null, 400);
        assertEquals("Failed to set new password.", tooLong.get("message").asText(), tooLong.toString());
        assertEquals("validation_max_text_constraint", tooLong.at("/data/password/code").asText(), tooLong.toString());
        String many = "é".repeat(36); // 36 characters (the limits count characters), 72 bytes (all bcrypt takes)
        call("POST", "/api/collections/people/confirm-password-reset", "{\"token\":\"" + m.group(1)
                + "\",\"password\":\"" + many + "\",\"passwordConfirm\":\"" + many + "\"}", null, 204);
    }

    private static long mailsTo(String to) throws Exception {
        long n = 0;
        for (MimeMessage m : SMTP.getReceivedMessages()) {
            if (m.getAllRecipients()[0].toString().equals(to)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void aSecondVerificationOrPasswordResetMailWithinTheWindowIsNotSentThoughTheAnswerIsTheSame() throws Exception {
        signUp("twice@example.com");
        int before = SMTP.getReceivedMessages().length;
        call("POST", "/api/collections/people/request-verification", "{\"email\":\"twice@example.com\"}", null, 204);
        call("POST", "/api/collections/people/request-password-reset", "{\"email\":\"twice@example.com\"}", null, 204);
        mailTo("twice@example.com", before + 2);
        call("POST", "/api/collections/people/request-verification", "{\"email\":\"twice@example.com\"}", null, 204);
        call("POST", "/api/collections/people/request-password-reset", "{\"email\":\"twice@example.com\"}", null, 204);
        // A mail to someone else after the repeats: once it is in, the repeats would be in too.
        signUp("marker@example.com");
        call("POST", "/api/collections/people/request-verification", "{\"email\":\"marker@example.com\"}", null, 204);
        mailTo("marker@example.com", before + 3);
        assertEquals(2, mailsTo("twice@example.com"), "one verification and one reset mail");
    }

    @Test
    void aVerifiedRecordGetsNoVerificationMailAndACollectionWithoutPasswordsNoResetMail() throws Exception {
        String id = signUp("already@example.com");
        call("PATCH", "/api/collections/people/records/" + id, "{\"verified\":true}", token, 200);
        call("POST", "/api/collections/people/request-verification", "{\"email\":\"already@example.com\"}", null, 204);
        call("POST", "/api/collections", "{\"name\":\"passwordless\",\"type\":\"auth\",\"passwordAuth\":{\"enabled\":false}}",
                token, 200);
        JsonNode refused = call("POST", "/api/collections/passwordless/request-password-reset",
                "{\"email\":\"already@example.com\"}", null, 400);
        assertEquals("The collection is not configured to allow password authentication.", refused.get("message").asText());
        int before = SMTP.getReceivedMessages().length;
        signUp("marker2@example.com");
        call("POST", "/api/collections/people/request-verification", "{\"email\":\"marker2@example.com\"}", null, 204);
        mailTo("marker2@example.com", before + 1);
        assertEquals(0, mailsTo("already@example.com"));
    }

    @Test
    void pastTenLiveCodesARequestAnswersTheNewestCodeAndMailsNothing() throws Exception {
        signUp("flood@example.com");
        int before = SMTP.getReceivedMessages().length;
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < OneTimePasswords.MAX_LIVE; i++) {
            ids.add(call("POST", "/api/collections/people/request-otp", "{\"email\":\"flood@example.com\"}", null, 200)
                    .get("otpId").asText());
        }
        mailTo("flood@example.com", before + OneTimePasswords.MAX_LIVE);
        assertEquals(OneTimePasswords.MAX_LIVE, new java.util.HashSet<>(ids).size(), "each a new code");
        String reused = call("POST", "/api/collections/people/request-otp", "{\"email\":\"flood@example.com\"}", null, 200)
                .get("otpId").asText();
        assertEquals(ids.getLast(), reused, "the newest live code");
        signUp("marker3@example.com");
        call("POST", "/api/collections/people/request-verification", "{\"email\":\"marker3@example.com\"}", null, 204);
        mailTo("marker3@example.com", before + OneTimePasswords.MAX_LIVE + 1);
        assertEquals(OneTimePasswords.MAX_LIVE, mailsTo("flood@example.com"), "no eleventh mail");
    }

    @Test
    void everyOtpFailureIsTheSameAnswerAndThePasswordIsAtMost71Characters() throws Exception {
        JsonNode missing = call("POST", "/api/collections/people/auth-with-otp",
                "{\"otpId\":\"missingmissing1\",\"password\":\"123456\"}", null, 400);
        assertEquals("Invalid or expired OTP", missing.get("message").asText());
        assertEquals(0, missing.get("data").size());

        signUp("wrongcode@example.com");
        String otpId = call("POST", "/api/collections/people/request-otp", "{\"email\":\"wrongcode@example.com\"}", null, 200)
                .get("otpId").asText();
        JsonNode wrong = call("POST", "/api/collections/people/auth-with-otp", "{\"otpId\":\"" + otpId
                + "\",\"password\":\"not-the-code\"}", null, 400);
        assertEquals(missing, wrong, "a wrong code reads as a missing one");
        call("POST", "/api/collections", "{\"name\":\"other_otp\",\"type\":\"auth\",\"otp\":{\"enabled\":true}}", token, 200);
        assertEquals(missing, call("POST", "/api/collections/other_otp/auth-with-otp", "{\"otpId\":\"" + otpId
                + "\",\"password\":\"123456\"}", null, 400), "a code of another collection too");

        JsonNode tooLong = call("POST", "/api/collections/people/auth-with-otp", "{\"otpId\":\"" + "a".repeat(256)
                + "\",\"password\":\"" + "1".repeat(72) + "\"}", null, 400);
        assertEquals(lengthError(1, 255), tooLong.at("/data/otpId"), tooLong.toString());
        assertEquals(lengthError(1, 71), tooLong.at("/data/password"), tooLong.toString());
    }

    private static String login(String collection, String email, String password, int expected) throws Exception {
        JsonNode out = call("POST", "/api/collections/" + collection + "/auth-with-password", "{\"identity\":\"" + email
                + "\",\"password\":\"" + password + "\"}", null, expected);
        return expected == 200 ? out.get("token").asText() : null;
    }

    @Test
    void anEmailChangeIsMailedToTheNewAddressAndConfirmedWithTheTokenAndThePassword() throws Exception {
        signUp("old@example.com");
        signUp("taken@example.com");
        String own = login("people", "old@example.com", "password-1", 200);
        JsonNode same = call("POST", "/api/collections/people/request-email-change", "{\"newEmail\":\"old@example.com\"}",
                own, 400);
        assertEquals("validation_not_in_invalid", same.at("/data/newEmail/code").asText(), same.toString());
        JsonNode taken = call("POST", "/api/collections/people/request-email-change", "{\"newEmail\":\"taken@example.com\"}",
                own, 400);
        assertEquals("validation_invalid_new_email", taken.at("/data/newEmail/code").asText());

        int before = SMTP.getReceivedMessages().length;
        call("POST", "/api/collections/people/request-email-change", "{\"newEmail\":\"new@example.com\"}", own, 204);
        Matcher m = TOKEN.matcher(mailTo("new@example.com", before + 1));
        assertTrue(m.find());
        JsonNode wrongPassword = call("POST", "/api/collections/people/confirm-email-change", "{\"token\":\"" + m.group(1)
                + "\",\"password\":\"not-it\"}", null, 400);
        assertEquals("validation_invalid_password", wrongPassword.at("/data/password/code").asText(), wrongPassword.toString());
        assertTrue(wrongPassword.at("/data/token").isMissingNode(), "the token itself is fine");
        JsonNode garbage = call("POST", "/api/collections/people/confirm-email-change",
                "{\"token\":\"garbage\",\"password\":\"password-1\"}", null, 400);
        assertEquals("validation_invalid_token_payload", garbage.at("/data/token/code").asText(), garbage.toString());
        assertEquals("validation_invalid_password", garbage.at("/data/password/code").asText(), "judged together");
        JsonNode longPassword = call("POST", "/api/collections/people/confirm-email-change", "{\"token\":\"" + m.group(1)
                + "\",\"password\":\"" + "p".repeat(101) + "\"}", null, 400);
        assertEquals(lengthError(1, 100), longPassword.at("/data/password"), longPassword.toString());

        call("POST", "/api/collections/people/confirm-email-change", "{\"token\":\"" + m.group(1)
                + "\",\"password\":\"password-1\"}", null, 204);
        login("people", "new@example.com", "password-1", 200);
        login("people", "old@example.com", "password-1", 400);
        call("POST", "/api/collections/people/auth-refresh", null, own, 401);
    }

    @Test
    void aNewAddressTakenBeforeTheConfirmMakesTheTokenInvalid() throws Exception {
        signUp("mover@example.com");
        String own = login("people", "mover@example.com", "password-1", 200);
        int before = SMTP.getReceivedMessages().length;
        call("POST", "/api/collections/people/request-email-change", "{\"newEmail\":\"contested@example.com\"}", own, 204);
        Matcher m = TOKEN.matcher(mailTo("contested@example.com", before + 1));
        assertTrue(m.find());
        signUp("contested@example.com");
        JsonNode refused = call("POST", "/api/collections/people/confirm-email-change", "{\"token\":\"" + m.group(1)
                + "\",\"password\":\"password-1\"}", null, 400);
        assertEquals("validation_invalid_token_email", refused.at("/data/token/code").asText(), refused.toString());
    }

    @Test
    void confirmingAVerificationWherePasswordAuthIsOffReplacesThePasswordItWasRegisteredWith() throws Exception {
        call("POST", "/api/collections", "{\"name\":\"codes_only\",\"type\":\"auth\",\"createRule\":\"\","
                + "\"passwordAuth\":{\"enabled\":false}}", token, 200);
        call("POST", "/api/collections/codes_only/records", "{\"email\":\"pre@example.com\",\"password\":\"chosen-password\","
                + "\"passwordConfirm\":\"chosen-password\"}", null, 200);
        int before = SMTP.getReceivedMessages().length;
        call("POST", "/api/collections/codes_only/request-verification", "{\"email\":\"pre@example.com\"}", null, 204);
        Matcher m = TOKEN.matcher(mailTo("pre@example.com", before + 1));
        assertTrue(m.find());
        JsonNode wrongCollection = call("POST", "/api/collections/people/confirm-verification",
                "{\"token\":\"" + m.group(1) + "\"}", null, 400);
        assertEquals("validation_token_collection_mismatch", wrongCollection.at("/data/token/code").asText());
        call("POST", "/api/collections/codes_only/confirm-verification", "{\"token\":\"" + m.group(1) + "\"}", null, 204);
        call("PATCH", "/api/collections/codes_only", "{\"passwordAuth\":{\"enabled\":true}}", token, 200);
        login("codes_only", "pre@example.com", "chosen-password", 400);
    }

    @Test
    void aConfirmedPasswordResetOpensTheWindowForTheNextResetMail() throws Exception {
        signUp("again@example.com");
        int before = SMTP.getReceivedMessages().length;
        call("POST", "/api/collections/people/request-password-reset", "{\"email\":\"again@example.com\"}", null, 204);
        Matcher m = TOKEN.matcher(mailTo("again@example.com", before + 1));
        assertTrue(m.find());
        JsonNode garbage = call("POST", "/api/collections/people/confirm-password-reset", "{\"token\":\"garbage\","
                + "\"password\":\"new-password-1\",\"passwordConfirm\":\"new-password-1\"}", null, 400);
        assertEquals("Invalid or expired token.", garbage.at("/data/token/message").asText());
        call("POST", "/api/collections/people/confirm-password-reset", "{\"token\":\"" + m.group(1)
                + "\",\"password\":\"new-password-1\",\"passwordConfirm\":\"new-password-1\"}", null, 204);
        call("POST", "/api/collections/people/request-password-reset", "{\"email\":\"again@example.com\"}", null, 204);
        mailTo("again@example.com", before + 2);
        assertEquals(2, mailsTo("again@example.com"));
    }

    private static void loginFrom(String collection, String email, String userAgent) throws Exception {
        HttpResponse<String> r = worker.send("POST", "/api/collections/" + collection + "/auth-with-password",
                "{\"identity\":\"" + email + "\",\"password\":\"password-1\"}", Map.of("User-Agent", userAgent));
        assertEquals(200, r.statusCode(), r.body());
    }

    @Test
    void aLoginFromANewOriginMailsTheRecordButNotItsFirstLoginNorAKnownOrigin() throws Exception {
        signUp("alerted@example.com");
        int before = SMTP.getReceivedMessages().length;
        loginFrom("people", "alerted@example.com", "agent-one");
        loginFrom("people", "alerted@example.com", "agent-two");
        String alert = mailTo("alerted@example.com", before + 1);
        assertTrue(alert.contains("new location"), alert);
        loginFrom("people", "alerted@example.com", "agent-two");
        loginFrom("people", "alerted@example.com", "agent-one");

        call("POST", "/api/collections", "{\"name\":\"quiet\",\"type\":\"auth\",\"createRule\":\"\","
                + "\"authAlert\":{\"enabled\":false}}", token, 200);
        call("POST", "/api/collections/quiet/records", "{\"email\":\"quiet@example.com\",\"password\":\"password-1\","
                + "\"passwordConfirm\":\"password-1\"}", null, 200);
        loginFrom("quiet", "quiet@example.com", "agent-one");
        loginFrom("quiet", "quiet@example.com", "agent-two");

        signUp("marker4@example.com");
        call("POST", "/api/collections/people/request-verification", "{\"email\":\"marker4@example.com\"}", null, 204);
        mailTo("marker4@example.com", before + 2);
        assertEquals(1, mailsTo("alerted@example.com"), "one alert: agent-one was still a known origin");
        assertEquals(0, mailsTo("quiet@example.com"));
    }

    @Test
    void confirmingTheAddressDropsTheOAuth2LinksMadeBeforeAndEndsTheSessions() throws Exception {
        String id = signUp("linked@example.com");
        String session = call("POST", "/api/collections/people/auth-with-password",
                "{\"identity\":\"linked@example.com\",\"password\":\"password-1\"}", null, 200).get("token").asText();
        String people = call("GET", "/api/collections/people", null, token, 200).get("id").asText();
        call("POST", "/api/collections/_externalAuths/records", "{\"collectionRef\":\"" + people + "\",\"recordRef\":\""
                + id + "\",\"provider\":\"google\",\"providerId\":\"g-linked\"}", token, 200);
        String links = "/api/collections/_externalAuths/records?filter=" + java.net.URLEncoder.encode("recordRef='" + id + "'",
                java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(1, call("GET", links, null, token, 200).get("totalItems").asInt());

        int before = SMTP.getReceivedMessages().length;
        call("POST", "/api/collections/people/request-verification", "{\"email\":\"linked@example.com\"}", null, 204);
        Matcher m = TOKEN.matcher(mailTo("linked@example.com", before + 1));
        assertTrue(m.find());
        call("POST", "/api/collections/people/confirm-verification", "{\"token\":\"" + m.group(1) + "\"}", null, 204);
        assertEquals(0, call("GET", links, null, token, 200).get("totalItems").asInt(), "links made before are gone");
        call("POST", "/api/collections/people/auth-refresh", null, session, 401);
        call("POST", "/api/collections/people/auth-with-password",
                "{\"identity\":\"linked@example.com\",\"password\":\"password-1\"}", null, 200);
    }

    @Test
    void aKnownAddressIsAnsweredAsFastAsAnUnknownOneWhateverTheMailServerDoes() throws Exception {
        signUp("slowmail@example.com");
        // A mail server that takes the connection and never says a word: a send waits for its timeout.
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                java.util.List<java.net.Socket> held = new java.util.ArrayList<>();
                while (!silent.isClosed()) {
                    try {
                        held.add(silent.accept());
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            call("PATCH", "/api/settings", "{\"smtp\":{\"enabled\":true,\"host\":\"127.0.0.1\",\"port\":"
                    + silent.getLocalPort() + "}}", token, 200);
            try {
                for (String route : List.of("request-verification", "request-password-reset", "request-otp")) {
                    long start = System.nanoTime();
                    call("POST", "/api/collections/people/" + route, "{\"email\":\"slowmail@example.com\"}", null,
                            route.equals("request-otp") ? 200 : 204);
                    long millis = (System.nanoTime() - start) / 1_000_000;
                    assertTrue(millis < 3_000, route + " waited for the mail server: " + millis + " ms");
                }
            } finally {
                call("PATCH", "/api/settings", "{\"smtp\":{\"enabled\":true,\"host\":\"127.0.0.1\",\"port\":"
                        + SMTP.getSmtp().getPort() + ",\"username\":\"mailer\",\"password\":\"mail-pass\"}}", token, 200);
            }
        }
    }

    /** ozzo-validation's Length error as PocketBase sends it: both bounds in the params. */
    private static JsonNode lengthError(int min, int max) throws Exception {
        return Json.mapper().readTree("{\"code\":\"validation_length_out_of_range\",\"message\":\"The length must be between "
                + min + " and " + max + ".\",\"params\":{\"max\":" + max + ",\"min\":" + min + "}}");
    }

}
