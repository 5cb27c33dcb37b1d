package dev.hivelite.node.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

class TemplatesTest {

    @Test
    void fillsKnownPlaceholdersAndLeavesUnknownOnes() {
        assertEquals("Hi a@b.c of Acme: 123 {UNKNOWN}", Templates.fill("Hi {RECORD:email} of {APP_NAME}: {OTP} {UNKNOWN}",
                Map.of("RECORD:email", "a@b.c", "APP_NAME", "Acme", "OTP", "123")));
    }

    @Test
    void aValueThatLooksLikeAPlaceholderIsNotFilledAgain() {
        assertEquals("{TOKEN}!", Templates.fill("{APP_NAME}!", Map.of("APP_NAME", "{TOKEN}", "TOKEN", "secret")));
    }

    @Test
    void htmlFillEscapesValues() {
        assertEquals("<p>&lt;b&gt;&amp;&#34;</p>", Templates.fillHtml("<p>{APP_NAME}</p>", Map.of("APP_NAME", "<b>&\"")));
    }

    @Test
    void replacementCharactersOfRegexesAreTakenLiterally() {
        assertEquals("$1\\x", Templates.fill("{TOKEN}", Map.of("TOKEN", "$1\\x")));
    }

    @Test
    void appValuesDropATrailingSlashOfTheUrl() {
        Settings s = Settings.DEFAULTS.merge(dev.hivelite.node.common.Json.mapper().createObjectNode()
                .set("meta", dev.hivelite.node.common.Json.mapper().createObjectNode().put("appURL", "https://x.test/")));
        assertEquals("https://x.test", Templates.app(s).get(Templates.APP_URL));
    }
}
