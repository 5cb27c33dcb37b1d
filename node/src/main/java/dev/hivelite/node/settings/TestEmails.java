package dev.hivelite.node.settings;

import java.util.HashMap;
import java.util.Map;

/**
 * The mails {@code POST /api/settings/test/email} can send: the auth collection's own template of
 * that kind (as PocketBase sends it), else PocketBase's default one
 * (core/collection_model_auth_templates.go), filled with the settings and sample values.
 */
final class TestEmails {

    private record Template(String subject, String body) {
    }

    private static final String SIGNATURE = "<p>Thanks,<br/>{APP_NAME} team</p>";

    /** Template name as the API takes it → subject and HTML body. */
    static final Map<String, Template> TEMPLATES = Map.of(
            "verification", new Template("Verify your {APP_NAME} email",
                    "<p>Hello,</p><p>Thank you for joining us at {APP_NAME}.</p>"
                            + "<p>Click on the button below to verify your email address.</p>"
                            + "<p><a class=\"btn\" href=\"{APP_URL}/_/#/auth/confirm-verification/{TOKEN}\" "
                            + "target=\"_blank\" rel=\"noopener\">Verify</a></p>" + SIGNATURE),
            "password-reset", new Template("Reset your {APP_NAME} password",
                    "<p>Hello,</p><p>Click on the button below to reset your password.</p>"
                            + "<p><a class=\"btn\" href=\"{APP_URL}/_/#/auth/confirm-password-reset/{TOKEN}\" "
                            + "target=\"_blank\" rel=\"noopener\">Reset password</a></p>"
                            + "<p><i>If you didn't ask to reset your password, you can ignore this email.</i></p>"
                            + SIGNATURE),
            "email-change", new Template("Confirm your {APP_NAME} new email address",
                    "<p>Hello,</p><p>Click on the button below to confirm your new email address.</p>"
                            + "<p><a class=\"btn\" href=\"{APP_URL}/_/#/auth/confirm-email-change/{TOKEN}\" "
                            + "target=\"_blank\" rel=\"noopener\">Confirm new email</a></p>"
                            + "<p><i>If you didn't ask to change your email address, you can ignore this email.</i></p>"
                            + SIGNATURE),
            "otp", new Template("OTP for {APP_NAME}",
                    "<p>Hello,</p><p>Your one-time password is: <strong>{OTP}</strong></p>"
                            + "<p><i>If you didn't ask for the one-time password, you can ignore this email.</i></p>"
                            + SIGNATURE),
            "login-alert", new Template("Login from a new location",
                    "<p>Hello,</p><p>We noticed a login to your {APP_NAME} account from a new location:</p>"
                            + "<p><em>{ALERT_INFO}</em></p>"
                            + "<p><strong>If this wasn't you, you should immediately change your {APP_NAME} account "
                            + "password to revoke access from all other locations.</strong></p>"
                            + "<p>If this was you, you may disregard this email.</p>" + SIGNATURE));

    /** Template name as the API takes it → where an auth collection keeps its own template of that kind. */
    private static final Map<String, String> OPTION_KEYS = Map.of("verification", "verificationTemplate",
            "password-reset", "resetPasswordTemplate", "email-change", "confirmEmailChangeTemplate",
            "otp", "otp.emailTemplate", "login-alert", "authAlert.emailTemplate");

    private TestEmails() {
    }

    static boolean exists(String template) {
        return TEMPLATES.containsKey(template);
    }

    /** The collection option that holds a template of this (existing) name. */
    static String optionKey(String template) {
        return OPTION_KEYS.get(template);
    }

    /** The mail of {@code template}, from the collection's {@code custom} one ({subject, body}) where it has both. */
    static Mailer.Mail of(String template, String to, Settings settings, com.fasterxml.jackson.databind.JsonNode custom) {
        Template t = custom.path("subject").asText("").isEmpty() || custom.path("body").asText("").isEmpty()
                ? TEMPLATES.get(template) : new Template(custom.path("subject").asText(), custom.path("body").asText());
        Map<String, String> values = new HashMap<>(Templates.app(settings));
        values.put(Templates.TOKEN, "TEST_TOKEN");
        values.put(Templates.OTP, "123456");
        values.put(Templates.ALERT_INFO, "Test device (127.0.0.1)");
        values.put(Templates.RECORD + "email", to);
        return new Mailer.Mail(to, Templates.fill(t.subject(), values), Templates.fillHtml(t.body(), values));
    }
}
