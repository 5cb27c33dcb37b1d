package dev.hivelite.node.records;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.TestWorker;
import dev.hivelite.node.common.Json;

/**
 * Writes at the edges PocketBase's record API tests draw: who may set a hidden field, the ids a
 * collection with its own id pattern accepts, how large a record body may be, and views whose ids
 * are computed.
 */
class RecordWriteEdgeTest {

    @TempDir
    Path dataDir;

    private static String login(TestWorker worker, String collection, String email, String password) throws Exception {
        return worker.call("POST", "/api/collections/" + collection + "/auth-with-password", "{\"identity\":\"" + email
                + "\",\"password\":\"" + password + "\"}", null, 200).get("token").asText();
    }

    @Test
    void onlySuperusersSetHiddenFieldsSoASignUpCannotChooseItsRole() throws Exception {
        try (TestWorker worker = TestWorker.start(dataDir)) {
            String su = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
            worker.call("POST", "/api/collections", "{\"name\":\"staff\",\"type\":\"auth\",\"listRule\":\"\",\"viewRule\":\"\","
                    + "\"createRule\":\"\",\"updateRule\":\"id = @request.auth.id\",\"fields\":[{\"name\":\"role\",\"type\":\"text\",\"hidden\":true},"
                    + "{\"name\":\"badge\",\"type\":\"file\",\"hidden\":true}]}", su, 200);
            worker.call("POST", "/api/collections", "{\"name\":\"vault\",\"listRule\":\"@request.auth.role = 'admin'\","
                    + "\"fields\":[{\"name\":\"t\",\"type\":\"text\"}]}", su, 200);
            worker.call("POST", "/api/collections/vault/records", "{\"t\":\"top secret\"}", su, 200);

            JsonNode created = worker.call("POST", "/api/collections/staff/records", "{\"email\":\"evil@example.com\","
                    + "\"password\":\"password123\",\"passwordConfirm\":\"password123\",\"role\":\"admin\",\"role+\":\"x\"}", null, 200);
            String id = created.get("id").asText();
            assertFalse(created.has("role"), "a hidden field is not shown to its writer either");
            String path = "/api/collections/staff/records/" + id;
            assertEquals("", worker.call("GET", path, null, su, 200).get("role").asText(), "the guest's role was dropped");
            String token = login(worker, "staff", "evil@example.com", "password123");
            assertEquals(0, worker.call("GET", "/api/collections/vault/records", null, token, 200).get("totalItems").asInt());

            worker.call("PATCH", path, "{\"role\":\"admin\",\"role:autogenerate\":\"a\"}", token, 200);
            assertEquals("", worker.call("GET", path, null, su, 200).get("role").asText(), "the owner's update dropped it too");
            worker.call("PATCH", path, "{\"role\":\"admin\"}", su, 200);
            assertEquals("admin", worker.call("GET", path, null, su, 200).get("role").asText(), "a superuser sets it");
            assertEquals(1, worker.call("GET", "/api/collections/vault/records", null, token, 200).get("totalItems").asInt());
            // The password is hidden, yet its owner changes it through its own checks.
            worker.call("PATCH", path, "{\"oldPassword\":\"password123\",\"password\":\"password456\","
                    + "\"passwordConfirm\":\"password456\"}", token, 200);
            login(worker, "staff", "evil@example.com", "password456");
        }
    }

    @Test
    void aRecordBodyMayHoldWhatItsFieldsAllowPastAMebibyte() throws Exception {
        try (TestWorker worker = TestWorker.start(dataDir)) {
            String su = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
            worker.call("POST", "/api/collections", "{\"name\":\"pages\",\"createRule\":\"\",\"fields\":["
                    + "{\"name\":\"body\",\"type\":\"editor\",\"maxSize\":3000000},{\"name\":\"small\",\"type\":\"editor\",\"maxSize\":10}]}",
                    su, 200);
            String html = "<p>" + "x".repeat(1_536_000) + "</p>";
            JsonNode created = worker.call("POST", "/api/collections/pages/records", "{\"body\":\"" + html + "\"}", null, 200);
            assertEquals(html.length(), worker.call("GET", "/api/collections/pages/records/" + created.get("id").asText(),
                    null, su, 200).get("body").asText().length());
            var form = new dev.hivelite.node.Form().field("body", html);
            var multipart = worker.sendForm("POST", "/api/collections/pages/records", form, java.util.Map.of());
            assertEquals(200, multipart.statusCode(), multipart.body());
            // The field's own limit still holds, with its own code.
            JsonNode tooBig = worker.call("POST", "/api/collections/pages/records", "{\"small\":\"" + html + "\"}", null, 400);
            assertEquals("validation_content_size_limit", tooBig.at("/data/small/code").asText(), tooBig.toString());
        }
    }

    @Test
    void aCollectionWithItsOwnIdPatternRefusesIdsThatDifferOnlyByCaseAndIdsAFileSystemReadsSpecially() throws Exception {
        try (TestWorker worker = TestWorker.start(dataDir)) {
            String su = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
            worker.call("POST", "/api/collections", "{\"name\":\"codes\",\"createRule\":\"\",\"viewRule\":\"\",\"fields\":["
                    + "{\"name\":\"id\",\"type\":\"text\",\"primaryKey\":true,\"system\":true,\"required\":true,\"min\":3,"
                    + "\"max\":20,\"pattern\":\"^[A-Za-z0-9_/]+$\",\"autogeneratePattern\":\"[a-z]{5}\"}]}", su, 200);
            String records = "/api/collections/codes/records";
            worker.call("POST", records, "{\"id\":\"Abc\"}", null, 200);
            for (String id : new String[] {"abc", "Abc", "ABC"}) {
                JsonNode taken = worker.call("POST", records, "{\"id\":\"" + id + "\"}", null, 400);
                assertEquals(Json.mapper().readTree("{\"code\":\"validation_pk_invalid\","
                        + "\"message\":\"The record primary key is invalid or already exists.\"}"), taken.at("/data/id"),
                        id + ": " + taken);
            }
            JsonNode slash = worker.call("POST", records, "{\"id\":\"a/b\"}", null, 400);
            assertEquals(Json.mapper().readTree("{\"code\":\"validation_forbidden_pk_character\","
                    + "\"message\":\"'/' is not a valid primary key character.\",\"params\":{\"ch\":\"/\"}}"),
                    slash.at("/data/id"), slash.toString());
            JsonNode device = worker.call("POST", records, "{\"id\":\"Con\"}", null, 400);
            assertEquals(Json.mapper().readTree("{\"code\":\"validation_reserved_pk\","
                    + "\"message\":\"The primary key 'CON' is reserved and cannot be used.\",\"params\":{\"reserved\":\"CON\"}}"),
                    device.at("/data/id"), device.toString());
            String generated = worker.call("POST", records, "{\"id:autogenerate\":\"pre_\"}", null, 200).get("id").asText();
            assertEquals(true, generated.matches("pre_[a-z]{5}"), generated);
            worker.call("GET", records + "/" + generated, null, null, 200);
        }
    }
}
