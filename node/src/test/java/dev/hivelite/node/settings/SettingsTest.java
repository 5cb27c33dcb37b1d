package dev.hivelite.node.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
