package dev.hivelite.node.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.Json;

class SettingsTest {

    @Test
    void storedSettingsMissingKeysGetTheirDefaultsAndUnknownKeysAreIgnored() {
        Settings s = Settings.fromStored("{\"meta\":{\"appName\":\"Old\"},\"future\":{\"x\":1}}");
        assertEquals("Old", s.appName());
        assertEquals("support@example.com", s.senderAddress());
        assertEquals(50, s.batchMaxRequests());
        assertEquals(587, s.smtpPort());
    }

    @Test
    void storedJsonRoundTripsSecretsButTheMaskedOneDropsThem() throws Exception {
        Settings s = Settings.DEFAULTS.merge(Json.mapper().readTree(
                "{\"smtp\":{\"password\":\"p\"},\"backups\":{\"s3\":{\"secret\":\"b\"}}}"));
        Settings back = Settings.fromStored(Json.mapper().writeValueAsString(s.toStoredJson()));
        assertEquals(s, back);
        assertEquals("b", back.backups().s3().secret());
        String masked = s.toMaskedJson().toString();
        assertFalse(masked.contains("password"));
        assertFalse(masked.contains("secret"));
    }

    @Test
    void aPatchOfTheWrongShapeIsABadRequest() throws Exception {
        assertThrows(ApiException.BadRequest.class,
                () -> Settings.DEFAULTS.merge(Json.mapper().readTree("{\"batch\":{\"enabled\":\"maybe\"}}")));
    }

    /** Labels of a request (most specific first), the caller, and the label of the rule that must limit it. */
    private record RuleScenario(List<String> labels, boolean authenticated, String expected) {
    }

    @Test
    void theRuleOfTheFirstLabelThatMatchesLimitsExactLabelsBeforePrefixesAndOnlyForItsAudience() {
        // Rules in this order, as a database would list them.
        Settings.RateLimits limits = new Settings.RateLimits(List.of(
                new Settings.RateLimitRule("users:create", "", 10, 1),
                new Settings.RateLimitRule("*:create", "@guest", 10, 1),
                new Settings.RateLimitRule("/api/", "@auth", 10, 1),
                new Settings.RateLimitRule("/api/health", "", 10, 1),
                new Settings.RateLimitRule("/api/batch", "@guest", 10, 1),
                new Settings.RateLimitRule("POST /api/batch", "", 10, 1),
                new Settings.RateLimitRule("POST /api/collections/", "", 10, 1)), true);
        List<RuleScenario> scenarios = List.of(
                new RuleScenario(List.of(), false, null),
                new RuleScenario(List.of("users:create"), false, "users:create"),
                new RuleScenario(List.of("users:create"), true, "users:create"),
                new RuleScenario(List.of("posts:create", "*:create"), false, "*:create"),
                new RuleScenario(List.of("posts:create", "*:create"), true, null), // @guest only
                new RuleScenario(List.of("/api/batch"), false, "/api/batch"),
                new RuleScenario(List.of("/api/batch"), true, "/api/"), // its exact rule is for guests
                new RuleScenario(List.of("/api/health"), true, "/api/health"), // exact before an earlier prefix
                new RuleScenario(List.of("/api"), true, "/api/"), // the label followed by "/" is prefixed too
                new RuleScenario(List.of("/apix"), true, null),
                new RuleScenario(List.of("/api/collections/users/records"), false, null), // "/api/" is @auth
                new RuleScenario(List.of("GET /api/batch"), false, null), // a method form matches its method only
                new RuleScenario(List.of("POST /api/batch", "/api/batch"), false, "POST /api/batch"),
                new RuleScenario(List.of("POST /api/collections/users/records"), false, "POST /api/collections/"),
                new RuleScenario(List.of("*:create", "POST /api/collections/x/records", "/api/collections/x/records"),
                        true, "POST /api/collections/"));
        for (RuleScenario s : scenarios) {
            assertEquals(s.expected(), limits.rule(s.labels(), s.authenticated()).map(Settings.RateLimitRule::label)
                    .orElse(null), s.labels() + (s.authenticated() ? " @auth" : " @guest"));
        }
    }

    @Test
    void theNewRuleMethodsStayOutOfTheSettingsJson() {
        String json = Settings.DEFAULTS.toMaskedJson().get("rateLimits").toString();
        assertFalse(json.contains("prefix"), json);
        assertFalse(json.contains("concerns"), json);
    }
}
