package dev.hivelite.node.settings;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;

import dev.hivelite.node.TestWorker;

/** {@code POST /api/settings/test/email} through a database's SMTP settings to an in-process SMTP server. */
class SettingsEmailTest {

    /** SMTP only, on a free port, fresh for every test; it accepts this user's credentials. */
    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("mailer@hive.test", "mailer", "mail-pass"));

    @TempDir
    static Path dataDir;

    private static TestWorker worker;
    private static String token;

    @BeforeAll
    static void start() throws Exception {
        worker = TestWorker.start(dataDir);
        token = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        return worker.send(method, path, body, Map.of("Authorization", token));
    }

    /** A database whose SMTP settings point at {@code port} on this host. */
    private static void databaseSendingTo(String name, int port) throws Exception {
        assertEquals(200, send("POST", "/api/databases", "{\"name\":\"" + name + "\"}").statusCode());
        HttpResponse<String> patched = send("PATCH", "/db/" + name + "/api/settings", """
                {"meta": {"appName": "Hive", "senderName": "Hive Support", "senderAddress": "noreply@hive.test"},
                 "smtp": {"enabled": true, "host": "127.0.0.1", "port": %d, "username": "mailer",
                          "password": "mail-pass", "tls": false}}""".formatted(port));
        assertEquals(200, patched.statusCode(), patched.body());
    }

    @Test
    void testEmailIsDeliveredThroughTheDatabasesSmtpServer() throws Exception {
        databaseSendingTo("mailing", SMTP.getSmtp().getPort());

        HttpResponse<String> sent = send("POST", "/db/mailing/api/settings/test/email",
                "{\"email\":\"someone@example.com\",\"template\":\"verification\"}");

        assertEquals(204, sent.statusCode(), sent.body());
        assertTrue(SMTP.waitForIncomingEmail(5_000, 1));
        MimeMessage[] received = SMTP.getReceivedMessages();
        assertEquals(1, received.length);
        MimeMessage mail = received[0];
        assertEquals("someone@example.com", mail.getRecipients(Message.RecipientType.TO)[0].toString());
        assertEquals("Verify your Hive email", mail.getSubject());
        InternetAddress from = (InternetAddress) mail.getFrom()[0];
        assertEquals("noreply@hive.test", from.getAddress());
        assertEquals("Hive Support", from.getPersonal());
        String body = GreenMailUtil.getBody(mail);
        assertTrue(body.contains("confirm-verification"), body);
    }

    /** As PocketBase's form does: the named auth collection's own template is the one sent. */
    @Test
    void theNamedAuthCollectionsOwnTemplateIsSent() throws Exception {
        databaseSendingTo("custom", SMTP.getSmtp().getPort());
        HttpResponse<String> created = send("POST", "/db/custom/api/collections", """
                {"name": "members", "type": "auth",
                 "verificationTemplate": {"subject": "Welcome to {APP_NAME}, {RECORD:email}",
                                          "body": "<p>Members only: {APP_URL}/verify/{TOKEN}</p>"}}""");
        assertEquals(200, created.statusCode(), created.body());

        HttpResponse<String> sent = send("POST", "/db/custom/api/settings/test/email",
                "{\"email\":\"someone@example.com\",\"template\":\"verification\",\"collection\":\"members\"}");

        assertEquals(204, sent.statusCode(), sent.body());
        assertTrue(SMTP.waitForIncomingEmail(5_000, 1));
        MimeMessage mail = SMTP.getReceivedMessages()[0];
        assertEquals("Welcome to Hive, someone@example.com", mail.getSubject());
        assertTrue(GreenMailUtil.getBody(mail).contains("Members only:"), GreenMailUtil.getBody(mail));
    }

    @Test
    void otpTemplateFillsTheCode() throws Exception {
        databaseSendingTo("otp", SMTP.getSmtp().getPort());

        assertEquals(204, send("POST", "/db/otp/api/settings/test/email",
                "{\"email\":\"someone@example.com\",\"template\":\"otp\"}").statusCode());

        assertTrue(SMTP.waitForIncomingEmail(5_000, 1));
        MimeMessage mail = SMTP.getReceivedMessages()[0];
        assertEquals("OTP for Hive", mail.getSubject());
        assertTrue(GreenMailUtil.getBody(mail).contains("123456"));
    }

    @Test
    void unreachableSmtpServerIsAClientError() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        databaseSendingTo("unreachable", closedPort);

        HttpResponse<String> sent = send("POST", "/db/unreachable/api/settings/test/email",
                "{\"email\":\"someone@example.com\",\"template\":\"password-reset\"}");

        assertEquals(400, sent.statusCode(), sent.body());
        assertTrue(sent.body().contains("Failed to send the test email."), sent.body());
        assertEquals(0, SMTP.getReceivedMessages().length);
    }
}
