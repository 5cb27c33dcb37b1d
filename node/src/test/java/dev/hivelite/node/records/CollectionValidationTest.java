package dev.hivelite.node.records;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
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

import dev.hivelite.node.TestWorker;
import dev.hivelite.node.common.Json;

/** Field definitions PocketBase refuses, with its codes and positions, and auth index names after a rename. */
class CollectionValidationTest {

    @TempDir
    static Path dataDir;

    private static TestWorker worker;
    private static String su;

    @BeforeAll
    static void start() throws Exception {
        worker = TestWorker.start(dataDir);
        su = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        call("POST", "/api/collections", """
                {"name":"ranged_users","type":"auth","fields":[{"name":"handle","type":"text"}]}""", 200);
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    private static JsonNode call(String method, String path, String body, int expected) throws Exception {
        return worker.call(method, path, body, su, expected);
    }

    /** A field definition refused at create, with the error expected at {@code data.fields.<pointer>}. */
    record Refused(String name, String field, String pointer, String code) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Refused> refused() {
        return Stream.of(
                new Refused("a field named _rowid_", "{\"name\":\"_rowid_\",\"type\":\"text\"}", "/1/name/code",
                        "validation_not_in_invalid"),
                new Refused("an autogenerate pattern making a billion characters",
                        "{\"name\":\"slug\",\"type\":\"text\",\"autogeneratePattern\":\"[a-z]{999999999}\"}",
                        "/1/autogeneratePattern/code", "validation_invalid_value"),
                new Refused("a field named null", "{\"name\":\"null\",\"type\":\"text\"}", "/1/name/code",
                        "validation_not_in_invalid"),
                new Refused("a field named expand", "{\"name\":\"expand\",\"type\":\"text\"}", "/1/name/code",
                        "validation_not_in_invalid"),
                new Refused("a field named collectionId", "{\"name\":\"collectionId\",\"type\":\"text\"}",
                        "/1/name/code", "validation_not_in_invalid"),
                new Refused("a field named collectionName", "{\"name\":\"collectionName\",\"type\":\"json\"}",
                        "/1/name/code", "validation_not_in_invalid"),
                new Refused("a field named true", "{\"name\":\"true\",\"type\":\"bool\"}", "/1/name/code",
                        "validation_not_in_invalid"),
                new Refused("a field name with _via_", "{\"name\":\"a_via_b\",\"type\":\"text\"}", "/1/name/code",
                        "validation_found_via"),
                new Refused("a thumb of no size", "{\"name\":\"f\",\"type\":\"file\",\"thumbs\":[\"100x0\",\"0x0\",\"abc\"]}",
                        "/1/thumbs/1/code", "validation_not_in_invalid"),
                new Refused("a thumb that is no size", "{\"name\":\"f\",\"type\":\"file\",\"thumbs\":[\"100x0\",\"0x0\",\"abc\"]}",
                        "/1/thumbs/2/code", "validation_match_invalid"),
                new Refused("a negative maxSelect of a select", "{\"name\":\"s\",\"type\":\"select\",\"values\":[\"a\"],"
                        + "\"maxSelect\":-1}", "/1/maxSelect/code", "validation_min_greater_equal_than_required"),
                new Refused("a negative maxSelect of a relation", "{\"name\":\"r\",\"type\":\"relation\","
                        + "\"collectionId\":\"_superusers\",\"maxSelect\":-3}", "/1/maxSelect/code",
                        "validation_min_greater_equal_than_required"),
                new Refused("a relation with a minimum and no maximum", "{\"name\":\"r\",\"type\":\"relation\","
                        + "\"collectionId\":\"_superusers\",\"minSelect\":2}", "/1/maxSelect/code", "validation_required"),
                new Refused("a negative maxSelect of a file field", "{\"name\":\"f\",\"type\":\"file\",\"maxSelect\":-2}",
                        "/1/maxSelect/code", "validation_min_greater_equal_than_required"),
                new Refused("a select of no values allowing two", "{\"name\":\"s\",\"type\":\"select\",\"values\":[],"
                        + "\"maxSelect\":2}", "/1/maxSelect/code", "validation_max_less_equal_than_required"),
                new Refused("an autodate set on neither create nor update",
                        "{\"name\":\"when\",\"type\":\"autodate\",\"onCreate\":false,\"onUpdate\":false}", "/1/onCreate/code",
                        "validation_required"),
                new Refused("email domains both allowed and refused",
                        "{\"name\":\"e\",\"type\":\"email\",\"onlyDomains\":[\"a.com\"],\"exceptDomains\":[\"b.com\"]}",
                        "/1/onlyDomains/code", "validation_empty"),
                new Refused("a url domain that is no domain",
                        "{\"name\":\"u\",\"type\":\"url\",\"onlyDomains\":[\"not a domain\"]}", "/1/onlyDomains/code",
                        "validation_is_domain"),
                new Refused("a date range that ends before it starts", "{\"name\":\"d\",\"type\":\"date\","
                        + "\"min\":\"2030-01-01 00:00:00.000Z\",\"max\":\"2020-01-01 00:00:00.000Z\"}", "/1/max/code",
                        "validation_date_out_of_range"),
                new Refused("a password longer than bcrypt takes", "{\"name\":\"p\",\"type\":\"password\",\"min\":80}",
                        "/1/min/code", "validation_max_less_equal_than_required"),
                new Refused("a bcrypt cost out of range", "{\"name\":\"p\",\"type\":\"password\",\"cost\":50}",
                        "/1/cost/code", "validation_max_less_equal_than_required"),
                new Refused("a decimal bound on a whole-number field",
                        "{\"name\":\"n\",\"type\":\"number\",\"onlyInt\":true,\"min\":1.5}", "/1/min/code",
                        "validation_only_int_constraint"),
                new Refused("a select allowing more values than it has",
                        "{\"name\":\"s\",\"type\":\"select\",\"values\":[\"a\"],\"maxSelect\":3}", "/1/maxSelect/code",
                        "validation_max_less_equal_than_required"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusedFieldDefinitions(Refused r) throws Exception {
        JsonNode body = call("POST", "/api/collections", "{\"name\":\"r_" + Math.abs(r.name().hashCode()) + "\",\"fields\":["
                + r.field() + "]}", 400);
        assertEquals(r.code(), body.at("/data/fields" + r.pointer()).asText(), body.toString());
    }

    /**
     * A definition or setting refused with the whole error item PocketBase sends: ozzo-validation's
     * Min, Max and Length rules and PocketBase's own name checks put their values in {@code params}
     * (numbers as numbers, a length's min and max both), beside the message that names them.
     */
    record RefusedItem(String name, String method, String path, String body, String pointer, String item) {
        static RefusedItem field(String name, String field, String pointer, String item) {
            return new RefusedItem(name, "POST", "/api/collections", "{\"name\":\"p_" + Math.abs(name.hashCode())
                    + "\",\"fields\":[" + field + "]}", "/fields/1/" + pointer, item);
        }

        static RefusedItem setting(String name, String change, String pointer, String item) {
            return new RefusedItem(name, "PATCH", "/api/collections/ranged_users", change, pointer, item);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static String min(Object threshold) {
        return "{\"code\":\"validation_min_greater_equal_than_required\",\"message\":\"Must be no less than " + threshold
                + ".\",\"params\":{\"threshold\":" + threshold + "}}";
    }

    private static String max(Object threshold) {
        return "{\"code\":\"validation_max_less_equal_than_required\",\"message\":\"Must be no greater than " + threshold
                + ".\",\"params\":{\"threshold\":" + threshold + "}}";
    }

    private static String length(int min, int max) {
        return "{\"code\":\"validation_length_out_of_range\",\"message\":\"The length must be between " + min + " and "
                + max + ".\",\"params\":{\"max\":" + max + ",\"min\":" + min + "}}";
    }

    static Stream<RefusedItem> refusedWithParams() {
        return Stream.of(
                RefusedItem.field("text: a negative min", "{\"name\":\"t\",\"type\":\"text\",\"min\":-1}", "min", min(0)),
                RefusedItem.field("text: a max below the min", "{\"name\":\"t\",\"type\":\"text\",\"min\":5,\"max\":3}",
                        "max", min(5)),
                RefusedItem.field("a field name past 100 characters", "{\"name\":\"" + "n".repeat(101) + "\",\"type\":\"bool\"}",
                        "name", length(1, 100)),
                RefusedItem.field("number: a max below a decimal min",
                        "{\"name\":\"n\",\"type\":\"number\",\"min\":2.5,\"max\":1}", "max", min(2.5)),
                RefusedItem.field("number: a whole min is sent as a whole number",
                        "{\"name\":\"n\",\"type\":\"number\",\"min\":5,\"max\":1}", "max", min(5)),
                RefusedItem.field("select: more allowed than its values",
                        "{\"name\":\"s\",\"type\":\"select\",\"values\":[\"a\",\"b\"],\"maxSelect\":3}", "maxSelect", max(2)),
                RefusedItem.field("select: a negative maxSelect",
                        "{\"name\":\"s\",\"type\":\"select\",\"values\":[\"a\"],\"maxSelect\":-1}", "maxSelect", min(0)),
                RefusedItem.field("relation: a negative minSelect", "{\"name\":\"r\",\"type\":\"relation\","
                        + "\"collectionId\":\"_superusers\",\"minSelect\":-1,\"maxSelect\":1}", "minSelect", min(0)),
                RefusedItem.field("relation: a maxSelect below the minSelect", "{\"name\":\"r\",\"type\":\"relation\","
                        + "\"collectionId\":\"_superusers\",\"minSelect\":3,\"maxSelect\":2}", "maxSelect", min(3)),
                RefusedItem.field("file: a negative maxSize", "{\"name\":\"f\",\"type\":\"file\",\"maxSize\":-1}",
                        "maxSize", min(0)),
                RefusedItem.field("file: a negative maxSelect", "{\"name\":\"f\",\"type\":\"file\",\"maxSelect\":-1}",
                        "maxSelect", min(0)),
                RefusedItem.field("json: a negative maxSize", "{\"name\":\"j\",\"type\":\"json\",\"maxSize\":-1}",
                        "maxSize", min(0)),
                RefusedItem.field("editor: a negative maxSize", "{\"name\":\"e\",\"type\":\"editor\",\"maxSize\":-1}",
                        "maxSize", min(0)),
                RefusedItem.field("password: a min past bcrypt's 71 bytes",
                        "{\"name\":\"p\",\"type\":\"password\",\"min\":80}", "min", max(71)),
                RefusedItem.field("password: a cost past bcrypt's", "{\"name\":\"p\",\"type\":\"password\",\"cost\":50}",
                        "cost", max(31)),
                RefusedItem.field("password: a cost below bcrypt's", "{\"name\":\"p\",\"type\":\"password\",\"cost\":2}",
                        "cost", min(4)),
                new RefusedItem("a field name given twice", "POST", "/api/collections", "{\"name\":\"p_twice\",\"fields\":["
                        + "{\"name\":\"a\",\"type\":\"text\"},{\"name\":\"A\",\"type\":\"bool\"}]}", "/fields/2/name",
                        "{\"code\":\"validation_duplicated_field_name\",\"message\":\"Duplicated or invalid field name A.\","
                        + "\"params\":{\"fieldName\":\"A\"}}"),
                new RefusedItem("a collection name past 255 characters", "POST", "/api/collections",
                        "{\"name\":\"" + "c".repeat(256) + "\"}", "/name", length(1, 255)),
                new RefusedItem("a collection id past 100 characters", "POST", "/api/collections",
                        "{\"name\":\"p_long_id\",\"id\":\"" + "i".repeat(101) + "\"}", "/id", length(1, 100)),
                RefusedItem.setting("a token lasting under 10 seconds", "{\"authToken\":{\"duration\":9}}",
                        "/authToken/duration", min(10)),
                RefusedItem.setting("a token lasting past ~3 years", "{\"fileToken\":{\"duration\":94670857}}",
                        "/fileToken/duration", max(94670856)),
                RefusedItem.setting("an OTP shorter than 4", "{\"otp\":{\"enabled\":true,\"length\":3}}", "/otp/length", min(4)),
                RefusedItem.setting("a token secret under 30 characters", "{\"authToken\":{\"secret\":\"short\"}}",
                        "/authToken/secret", length(30, 255)),
                RefusedItem.setting("an identity field that is no field",
                        "{\"passwordAuth\":{\"identityFields\":[\"email\",\"nickname\"]}}", "/passwordAuth/identityFields",
                        "{\"code\":\"validation_missing_field\",\"message\":\"Invalid or missing field nickname.\","
                        + "\"params\":{\"fieldName\":\"nickname\"}}"),
                RefusedItem.setting("an identity field without a unique index",
                        "{\"passwordAuth\":{\"identityFields\":[\"handle\"]}}", "/passwordAuth/identityFields",
                        "{\"code\":\"validation_missing_unique_constraint\",\"message\":\"The field handle doesn't have a"
                        + " UNIQUE constraint.\",\"params\":{\"fieldName\":\"handle\"}}"),
                RefusedItem.setting("an OAuth2 provider given twice", "{\"oauth2\":{\"enabled\":true,\"providers\":["
                        + "{\"name\":\"github\",\"clientId\":\"c\",\"clientSecret\":\"s\"},{\"name\":\"github\"}]}}",
                        "/oauth2/providers/1/name", "{\"code\":\"validation_duplicated_provider\","
                        + "\"message\":\"The provider github is already registered.\",\"params\":{\"name\":\"github\"}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedWithParams")
    void refusedValuesAreNamedInTheErrorsParams(RefusedItem r) throws Exception {
        JsonNode body = call(r.method(), r.path(), r.body(), 400);
        assertEquals(Json.mapper().readTree(r.item()), body.at("/data" + r.pointer()), body.toString());
    }

    @Test
    void aCollectionNeverTakesTheNameOfATableThatIsNoCollection() throws Exception {
        call("POST", "/api/databases/main/query", "{\"sql\":\"CREATE TABLE raw_notes (a TEXT)\"}", 200);
        call("POST", "/api/databases/main/query", "{\"sql\":\"CREATE VIEW raw_view AS SELECT 1 AS a\"}", 200);
        for (String taken : List.of("_params", "_collections", "sqlite_stuff", "_hl_new_posts", "RAW_NOTES", "raw_view")) {
            JsonNode refused = call("POST", "/api/collections", "{\"name\":\"" + taken + "\"}", 400);
            assertEquals("validation_collection_name_invalid", refused.at("/data/name/code").asText(), taken);
        }
        // PocketBase's system collections are collections: their names are taken as any collection's are.
        for (String taken : List.of("_OTPS", "_mfas", "_externalAuths", "_authOrigins")) {
            JsonNode refused = call("POST", "/api/collections", "{\"name\":\"" + taken + "\"}", 400);
            assertEquals("validation_collection_name_exists", refused.at("/data/name/code").asText(), taken);
        }
        call("POST", "/api/collections", "{\"name\":\"plain_table\"}", 200);
        assertEquals("validation_collection_name_invalid", call("PATCH", "/api/collections/plain_table",
                "{\"name\":\"_params\"}", 400).at("/data/name/code").asText());
        call("PATCH", "/api/collections/plain_table", "{\"name\":\"Plain_Table\"}", 200); // its own table, in another case
        assertEquals("validation_collection_name_exists",
                call("POST", "/api/collections", "{\"name\":\"_SUPERUSERS\"}", 400).at("/data/name/code").asText());
        assertEquals("validation_found_via",
                call("POST", "/api/collections", "{\"name\":\"a_via_b-c\"}", 400).at("/data/name/code").asText());
        // PocketBase has no rule against a leading underscore: only taken names are refused.
        assertEquals("_drafts", call("POST", "/api/collections", "{\"name\":\"_drafts\"}", 200).get("name").asText());
        call("POST", "/api/collections/_drafts/records", "{}", 200);
    }

    @Test
    void anIdGivenToANewCollectionFollowsPocketBasesIdRules() throws Exception {
        assertEquals("my_notes_1", call("POST", "/api/collections", "{\"id\":\"my_notes_1\",\"name\":\"id_given\"}", 200)
                .get("id").asText());
        Map<String, String> refused = Map.of(
                "bad-id", "validation_match_invalid",
                "with space", "validation_match_invalid",
                "x".repeat(101), "validation_length_out_of_range",
                "my_notes_1", "validation_invalid_or_existing_id",
                "pbc_3142635823", "validation_invalid_or_existing_id");
        for (Map.Entry<String, String> r : refused.entrySet()) {
            JsonNode body = call("POST", "/api/collections", "{\"id\":\"" + r.getKey() + "\",\"name\":\"id_refused\"}", 400);
            assertEquals(r.getValue(), body.at("/data/id/code").asText(), r.getKey());
        }
        JsonNode both = call("POST", "/api/collections", "{\"id\":\"bad-id\",\"name\":\"bad name\"}", 400);
        assertEquals("validation_match_invalid", both.at("/data/name/code").asText(), "reported together, " + both);
        assertEquals(100, call("POST", "/api/collections", "{\"id\":\"" + "y".repeat(100) + "\",\"name\":\"id_long\"}", 200)
                .get("id").asText().length());
    }

    @Test
    void anUpdateKeepsTheCollectionsIdAndRefusesAnother() throws Exception {
        String id = call("POST", "/api/collections", "{\"name\":\"id_kept\"}", 200).get("id").asText();
        assertEquals("validation_values_mismatch", call("PATCH", "/api/collections/id_kept",
                "{\"id\":\"another_id\",\"listRule\":\"\"}", 400).at("/data/id/code").asText());
        assertEquals("validation_required", call("PATCH", "/api/collections/id_kept", "{\"id\":\"\"}", 400)
                .at("/data/id/code").asText());
        assertTrue(call("GET", "/api/collections/id_kept", null, 200).get("listRule").isNull(), "nothing changed");
        assertEquals("", call("PATCH", "/api/collections/id_kept", "{\"id\":\"" + id + "\",\"listRule\":\"\"}", 200)
                .get("listRule").asText(), "its own id is fine");
    }

    @Test
    void indexNamesAreOnePerFileAndAnIndexDefinitionIsNeverRepeated() throws Exception {
        String fields = "\"fields\":[{\"name\":\"a\",\"type\":\"text\"},{\"name\":\"b\",\"type\":\"text\"}]";
        call("POST", "/api/collections", "{\"name\":\"indexed_one\"," + fields
                + ",\"indexes\":[\"CREATE INDEX idx_shared ON indexed_one (a)\"]}", 200);
        JsonNode taken = call("POST", "/api/collections", "{\"name\":\"indexed_two\"," + fields
                + ",\"indexes\":[\"CREATE INDEX idx_own ON x (b)\",\"CREATE INDEX IDX_SHARED ON x (a)\"]}", 400);
        assertEquals(Json.mapper().readTree("{\"code\":\"validation_existing_index_name\","
                + "\"message\":\"The index name is already used in indexed_one collection.\","
                + "\"params\":{\"usedTableName\":\"indexed_one\"}}"), taken.at("/data/indexes/1"), taken.toString());

        JsonNode twice = call("POST", "/api/collections", "{\"name\":\"indexed_two\"," + fields
                + ",\"indexes\":[\"CREATE INDEX idx_x ON x (a)\",\"CREATE UNIQUE INDEX Idx_X ON x (b)\"]}", 400);
        assertEquals("validation_duplicated_index_name", twice.at("/data/indexes/1/code").asText(), twice.toString());

        JsonNode repeated = call("POST", "/api/collections", "{\"name\":\"indexed_two\"," + fields
                + ",\"indexes\":[\"CREATE INDEX idx_p ON x (a, b)\",\"CREATE INDEX idx_q ON `x` (`a`,  \\\"b\\\")\","
                + "\"bad\"]}", 400);
        assertEquals("validation_duplicated_index_definition", repeated.at("/data/indexes/1/code").asText(), repeated.toString());
        assertEquals(1, repeated.at("/data/indexes").size(), "the first problem only, as PocketBase reports it");

        call("POST", "/api/collections", "{\"name\":\"indexed_two\"," + fields
                + ",\"indexes\":[\"CREATE INDEX idx_p ON x (a, b)\",\"CREATE UNIQUE INDEX idx_q ON x (a, b)\","
                + "\"CREATE INDEX idx_r ON x (a DESC, b)\",\"CREATE INDEX idx_s ON x (a, b) WHERE a != ''\"]}", 200);
        call("PATCH", "/api/collections/indexed_one", "{\"name\":\"indexed_renamed\",\"indexes\":"
                + "[\"CREATE INDEX idx_shared ON indexed_renamed (a)\"]}", 200); // its own index keeps its name
    }

    @Test
    void aSecondPrimaryKeyOrAnIdThatIsNoTextIsRefusedOnTheField() throws Exception {
        JsonNode composite = call("POST", "/api/collections", """
                {"name":"keyed_twice","fields":[{"name":"code","type":"text","primaryKey":true,"hidden":true}]}""", 400);
        assertEquals("validation_in_invalid", composite.at("/data/fields/1/name/code").asText(), composite.toString());
        assertEquals("validation_unsupported_composite_pk", composite.at("/data/fields/1/primaryKey/code").asText());
        assertEquals("validation_required", composite.at("/data/fields/1/pattern/code").asText());
        assertEquals("validation_empty", composite.at("/data/fields/1/hidden/code").asText());
        assertEquals("validation_required", composite.at("/data/fields/1/required/code").asText());
        assertEquals("validation_unsupported_composite_pk", composite.at("/data/fields/0/primaryKey/code").asText(),
                "the id is the other key");

        JsonNode withId = call("POST", "/api/collections", """
                {"name":"keyed_twice","fields":[{"name":"title","type":"text"},{"name":"id","type":"text","primaryKey":true},
                 {"name":"code","type":"text","primaryKey":true,"required":true,"pattern":"^x"}]}""", 400);
        assertEquals("validation_unsupported_composite_pk", withId.at("/data/fields/1/primaryKey/code").asText(), withId.toString());
        assertEquals("validation_unsupported_composite_pk", withId.at("/data/fields/2/primaryKey/code").asText());

        JsonNode numberId = call("POST", "/api/collections", """
                {"name":"keyed_number","fields":[{"name":"id","type":"number"}]}""", 400);
        assertEquals("validation_duplicated_field_name", numberId.at("/data/fields/1/name/code").asText(), numberId.toString());

        call("POST", "/api/collections", "{\"name\":\"keyed_once\"}", 200);
        JsonNode later = call("PATCH", "/api/collections/keyed_once", """
                {"fields":[{"name":"code","type":"text","primaryKey":true,"required":true,"pattern":"^x"}]}""", 400);
        assertEquals("validation_unsupported_composite_pk", later.at("/data/fields/1/primaryKey/code").asText(), later.toString());
        assertEquals("validation_unsupported_composite_pk", later.at("/data/fields/0/primaryKey/code").asText());
    }

    @Test
    void aNewAuthCollectionTakesASubmittedTokenKeyAsItIsWithItsSystemFlags() throws Exception {
        // PocketBase's "creating auth collection (default settings merge test)".
        JsonNode created = call("POST", "/api/collections", """
                {"name":"merge_users","type":"auth","emailChangeToken":{"duration":123},"fields":[
                 {"type":"text","id":"12345789","name":"test"},
                 {"type":"text","name":"tokenKey","system":true,"required":false,"min":10}]}""", 200);
        assertTrue(created.toString().contains("{\"autogeneratePattern\":\"\",\"hidden\":true,\"id\":\"text2504183744\","
                + "\"max\":0,\"min\":10,\"name\":\"tokenKey\",\"pattern\":\"\",\"presentable\":false,\"primaryKey\":false,"
                + "\"required\":true,\"system\":true,\"type\":\"text\"}"), created.toString());
        assertEquals(123, created.at("/emailChangeToken/duration").asInt());
        assertFalse(created.toString().contains("\"secret\":\""), created.toString());
        // A tokenKey with no pattern of its own still gets one that fits it: the account works.
        call("POST", "/api/collections/merge_users/records", "{\"email\":\"m@example.com\",\"password\":\"password-1\","
                + "\"passwordConfirm\":\"password-1\"}", 200);
        worker.call("POST", "/api/collections/merge_users/auth-with-password", "{\"identity\":\"m@example.com\","
                + "\"password\":\"password-1\"}", null, 200);
    }

    @Test
    void whatSqliteRefusesIsReportedUnderTheVerbOfTheChangeWithEveryRefusedIndex() throws Exception {
        JsonNode view = call("POST", "/api/collections", """
                {"name":"bad_view","type":"view","viewQuery":"invalid"}""", 400);
        assertEquals("Failed to create collection.", view.get("message").asText(), view.toString());
        assertEquals("validation_invalid_view_query", view.at("/data/viewQuery/code").asText());

        call("POST", "/api/collections", "{\"name\":\"good_view\",\"type\":\"view\",\"viewQuery\":\"SELECT id FROM ranged_users\"}",
                200);
        JsonNode update = call("PATCH", "/api/collections/good_view", "{\"viewQuery\":\"invalid\"}", 400);
        assertEquals("Failed to update collection.", update.get("message").asText(), update.toString());
        assertEquals("validation_invalid_view_query", update.at("/data/viewQuery/code").asText());

        JsonNode indexes = call("POST", "/api/collections", """
                {"name":"bad_indexes","fields":[{"type":"text","name":"test"}],"indexes":["CREATE INDEX idx_bad1 ON x (missing)",
                 "CREATE INDEX idx_good ON x (test)","CREATE INDEX idx_bad2 ON x (gone)"]}""", 400);
        assertEquals("Failed to create collection.", indexes.get("message").asText(), indexes.toString());
        assertEquals("validation_invalid_index_expression", indexes.at("/data/indexes/0/code").asText());
        assertEquals("Failed to create index idx_bad1 - no such column: missing.", indexes.at("/data/indexes/0/message").asText());
        assertEquals("validation_invalid_index_expression", indexes.at("/data/indexes/2/code").asText(), indexes.toString());
        assertFalse(indexes.at("/data/indexes").has("1"), indexes.toString());
        call("GET", "/api/collections/bad_indexes", null, 404);
    }

    @Test
    void aViewQueryThatMakesNoFieldsIsRefusedOnFieldsAndViewQuery() throws Exception {
        // PocketBase's TestCollectionViewOptionsValidate: each of these fails on both keys.
        Map<String, List<String>> cases = Map.of(
                "", List.of("validation_required", "validation_required"),
                "invalid", List.of("validation_required", "validation_invalid_view_query"),
                "select 1", List.of("validation_missing_primary_key", "validation_invalid_view_query"));
        for (Map.Entry<String, List<String>> c : cases.entrySet()) {
            JsonNode refused = call("POST", "/api/collections", "{\"name\":\"no_fields\",\"type\":\"view\",\"viewQuery\":\""
                    + c.getKey() + "\"}", 400);
            assertEquals(c.getValue().get(0), refused.at("/data/fields/code").asText(), c.getKey() + ": " + refused);
            assertEquals(c.getValue().get(1), refused.at("/data/viewQuery/code").asText(), c.getKey() + ": " + refused);
        }
    }

    @Test
    void anInvalidFilterOrSortOfTheListIsPocketBasesGeneric400() throws Exception {
        for (String query : List.of("filter=invalidfield~'demo2'", "sort=listRule", "filter=name~")) {
            JsonNode refused = call("GET", "/api/collections?" + query.replace("'", "%27").replace("~", "%7E"), null, 400);
            assertEquals("Something went wrong while processing your request.", refused.get("message").asText(), query);
            assertEquals(0, refused.get("data").size(), query);
        }
    }

    @Test
    void aSystemOrReferencedCollectionIsNotDeletedInPocketBasesWords() throws Exception {
        JsonNode system = call("DELETE", "/api/collections/_mfas", null, 400);
        assertEquals("Failed to delete collection", system.get("message").asText(), system.toString());
        assertEquals(0, system.get("data").size());
        call("POST", "/api/collections", "{\"name\":\"referenced\"}", 200);
        call("POST", "/api/collections", "{\"name\":\"referencing\",\"fields\":[{\"name\":\"r\",\"type\":\"relation\","
                + "\"collectionId\":\"referenced\",\"maxSelect\":1}]}", 200);
        JsonNode referenced = call("DELETE", "/api/collections/referenced", null, 400);
        assertEquals("Failed to delete collection probably due to existing reference in referencing",
                referenced.get("message").asText(), referenced.toString());
        assertEquals(0, referenced.get("data").size());
    }

    @Test
    void invalidRulesAreReportedTogetherWithTheOtherProblems() throws Exception {
        JsonNode refused = call("POST", "/api/collections", """
                {"name":"bad name!","listRule":"missing = 1","viewRule":"(id = 1"}""", 400);
        assertEquals("validation_match_invalid", refused.at("/data/name/code").asText(), refused.toString());
        assertEquals("validation_invalid_rule", refused.at("/data/listRule/code").asText(), refused.toString());
        assertEquals("validation_invalid_rule", refused.at("/data/viewRule/code").asText(), refused.toString());
    }

    @Test
    void theScaffoldsHaveNoDates() throws Exception {
        JsonNode scaffolds = call("GET", "/api/collections/meta/scaffolds", null, 200);
        for (String type : List.of("auth", "base", "view")) {
            assertEquals("", scaffolds.at("/" + type + "/created").asText("missing"), type);
            assertEquals("", scaffolds.at("/" + type + "/updated").asText("missing"), type);
            assertEquals("", scaffolds.at("/" + type + "/id").asText("missing"), type);
        }
    }

    @Test
    void aCollectionMarkedSystemAtCreateKeepsItsNameAndFlagAndCannotBeDeleted() throws Exception {
        assertTrue(call("POST", "/api/collections", "{\"name\":\"sys_notes\",\"system\":true}", 200).get("system").asBoolean());
        assertEquals("validation_collection_system_name_change",
                call("PATCH", "/api/collections/sys_notes", "{\"name\":\"renamed\"}", 400).at("/data/name/code").asText());
        assertEquals("validation_collection_system_flag_change",
                call("PATCH", "/api/collections/sys_notes", "{\"system\":false}", 400).at("/data/system/code").asText());
        call("PATCH", "/api/collections/sys_notes", "{\"system\":true,\"listRule\":null}", 200);
        call("DELETE", "/api/collections/sys_notes", null, 400);
        assertFalse(call("POST", "/api/collections", "{\"name\":\"plain_notes\"}", 200).get("system").asBoolean());
        call("PATCH", "/api/collections/plain_notes", "{\"system\":true}", 400);
    }

    @Test
    void aSystemCollectionKeepsItsRules() throws Exception {
        call("POST", "/api/collections", "{\"name\":\"sys_rules\",\"system\":true,\"listRule\":\"\",\"viewRule\":null}", 200);
        for (String change : List.of("listRule\":null", "listRule\":\"id != ''\"", "viewRule\":\"\"", "createRule\":\"\"",
                "updateRule\":\"id = ''\"", "deleteRule\":\"\"")) {
            String key = change.substring(0, change.indexOf('"'));
            JsonNode refused = call("PATCH", "/api/collections/sys_rules", "{\"" + change + "}", 400);
            assertEquals("validation_collection_system_rule_change", refused.at("/data/" + key + "/code").asText(),
                    refused.toString());
        }
        call("PATCH", "/api/collections/sys_rules", "{\"listRule\":\"\",\"viewRule\":null,\"fields\":[{\"name\":\"n\","
                + "\"type\":\"text\"}]}", 200);

        call("POST", "/api/collections", "{\"name\":\"sys_users\",\"type\":\"auth\",\"system\":true}", 200);
        assertEquals("validation_collection_system_rule_change", call("PATCH", "/api/collections/sys_users",
                "{\"authRule\":\"verified = true\"}", 400).at("/data/authRule/code").asText());
        assertEquals("validation_collection_system_rule_change", call("PATCH", "/api/collections/sys_users",
                "{\"manageRule\":\"id != ''\"}", 400).at("/data/manageRule/code").asText());
        assertEquals("validation_collection_system_rule_change", call("PATCH", "/api/collections/sys_users",
                "{\"mfa\":{\"enabled\":true,\"rule\":\"verified = true\"},\"otp\":{\"enabled\":true}}", 400)
                .at("/data/mfa/rule/code").asText());

        assertEquals("validation_collection_system_rule_change", call("PATCH", "/api/collections/_superusers",
                "{\"listRule\":\"\"}", 400).at("/data/listRule/code").asText());
        // PocketBase's "change from system to regular" and "system collection name change", on _superusers.
        JsonNode superusers = call("PATCH", "/api/collections/_superusers", "{\"system\":false,\"name\":\"superusers_new\","
                + "\"type\":\"base\"}", 400);
        assertEquals("validation_collection_system_flag_change", superusers.at("/data/system/code").asText(), superusers.toString());
        assertEquals("validation_collection_system_name_change", superusers.at("/data/name/code").asText());
        assertEquals("validation_collection_type_change", superusers.at("/data/type/code").asText());
        assertEquals("_superusers", call("PATCH", "/api/collections/_superusers", "{}", 200).get("name").asText());
    }

    @Test
    void theConfigurableOAuth2ProvidersAreListedForSuperusers() throws Exception {
        JsonNode providers = call("GET", "/api/collections/meta/oauth2-providers", null, 200);
        assertTrue(providers.isArray() && providers.size() >= 5, providers.toString());
        boolean github = false;
        for (JsonNode p : providers) {
            github |= p.get("name").asText().equals("github") && p.get("displayName").asText().equals("GitHub");
            assertTrue(p.has("logo"));
        }
        assertTrue(github, providers.toString());
        assertEquals(401, worker.send("GET", "/api/collections/meta/oauth2-providers", null, java.util.Map.of()).statusCode());
    }

    @Test
    void aDryRunOfAViewQueryShowsItsFieldsAndSomeRowsAndKeepsNothing() throws Exception {
        call("POST", "/api/collections", "{\"name\":\"dry_source\",\"fields\":[{\"name\":\"title\",\"type\":\"text\"}]}", 200);
        for (int i = 0; i < 12; i++) {
            call("POST", "/api/collections/dry_source/records", "{\"title\":\"t" + i + "\"}", 200);
        }
        int before = call("GET", "/api/collections", null, 200).get("totalItems").asInt();
        JsonNode run = call("POST", "/api/collections/meta/dry-run-view",
                "{\"query\":\"SELECT id, title FROM dry_source\"}", 200);
        assertEquals(java.util.List.of("id", "title"), java.util.stream.StreamSupport.stream(run.get("fields").spliterator(), false)
                .map(f -> f.get("name").asText()).toList());
        assertEquals("text", run.at("/fields/1/type").asText());
        assertEquals(10, run.get("sample").size(), "ten rows at most");
        assertTrue(run.at("/sample/0/title").asText().startsWith("t"));
        assertEquals(before, call("GET", "/api/collections", null, 200).get("totalItems").asInt(), "nothing is kept");
        call("POST", "/api/collections/meta/dry-run-view", "{\"query\":\"SELECT title FROM dry_source\"}", 400);
        call("POST", "/api/collections/meta/dry-run-view", "{\"query\":\"DELETE FROM dry_source\"}", 400);
        call("POST", "/api/collections/meta/dry-run-view", "{}", 400);
        assertEquals(12, call("GET", "/api/collections/dry_source/records", null, 200).get("totalItems").asInt());
    }

    @Test
    void authSettingsOfTheWrongTypeOrOutOfRangeAreRefusedAndNothingIsStored() throws Exception {
        call("POST", "/api/collections", "{\"name\":\"typed_users\",\"type\":\"auth\"}", 200);
        for (String bad : List.of("{\"authToken\":\"x\"}", "{\"fileToken\":[]}", "{\"otp\":\"zz\"}", "{\"mfa\":7}",
                "{\"passwordAuth\":{\"enabled\":\"yes\"}}", "{\"passwordAuth\":{\"identityFields\":12345}}",
                "{\"otp\":{\"length\":\"8\"}}", "{\"oauth2\":[]}", "{\"verificationTemplate\":{\"subject\":5}}",
                "{\"authToken\":{\"secret\":5}}")) {
            assertEquals("Failed to load the submitted data due to invalid formatting.",
                    call("PATCH", "/api/collections/typed_users", bad, 400).get("message").asText(), bad);
        }
        assertEquals("validation_min_greater_equal_than_required",
                call("PATCH", "/api/collections/typed_users", "{\"authToken\":{\"duration\":-1}}", 400)
                        .at("/data/authToken/duration/code").asText());
        assertEquals("validation_length_out_of_range",
                call("PATCH", "/api/collections/typed_users", "{\"fileToken\":{\"secret\":\"short\"}}", 400)
                        .at("/data/fileToken/secret/code").asText());
        JsonNode kept = call("GET", "/api/collections/typed_users", null, 200);
        assertEquals(604800, kept.at("/authToken/duration").asInt(), "nothing refused was stored");
        assertTrue(kept.at("/passwordAuth/enabled").asBoolean());
    }

    /** A change of an auth collection's settings refused, with its error at {@code data<pointer>}. */
    record RefusedSetting(String change, String pointer, String code) {
        @Override
        public String toString() {
            return change;
        }
    }

    static Stream<RefusedSetting> refusedSettings() {
        return Stream.of(
                new RefusedSetting("{\"authToken\":{\"duration\":0}}", "/authToken/duration", "validation_required"),
                new RefusedSetting("{\"authToken\":{\"duration\":9}}", "/authToken/duration",
                        "validation_min_greater_equal_than_required"),
                new RefusedSetting("{\"verificationToken\":{\"duration\":94670857}}", "/verificationToken/duration",
                        "validation_max_less_equal_than_required"),
                new RefusedSetting("{\"otp\":{\"enabled\":true,\"duration\":86401}}", "/otp/duration",
                        "validation_max_less_equal_than_required"),
                new RefusedSetting("{\"otp\":{\"enabled\":true,\"length\":3}}", "/otp/length",
                        "validation_min_greater_equal_than_required"),
                new RefusedSetting("{\"otp\":{\"emailTemplate\":{\"body\":\"\"}}}", "/otp/emailTemplate/body",
                        "validation_required"),
                new RefusedSetting("{\"mfa\":{\"enabled\":true,\"duration\":5},\"otp\":{\"enabled\":true}}", "/mfa/duration",
                        "validation_min_greater_equal_than_required"),
                new RefusedSetting("{\"mfa\":{\"enabled\":true}}", "/mfa/enabled", "validation_mfa_not_enough_auths"),
                new RefusedSetting("{\"mfa\":{\"enabled\":true,\"rule\":\"nope ~~ 1\"},\"otp\":{\"enabled\":true}}",
                        "/mfa/rule", "validation_invalid_rule"),
                new RefusedSetting("{\"verificationTemplate\":{\"subject\":\"\"}}", "/verificationTemplate/subject",
                        "validation_required"),
                new RefusedSetting("{\"authAlert\":{\"emailTemplate\":{\"subject\":\"\"}}}",
                        "/authAlert/emailTemplate/subject", "validation_required"),
                new RefusedSetting("{\"manageRule\":\"\"}", "/manageRule", "validation_nil_or_not_empty_required"),
                new RefusedSetting("{\"passwordAuth\":{\"identityFields\":[]}}", "/passwordAuth/identityFields",
                        "validation_required"),
                new RefusedSetting("{\"passwordAuth\":{\"identityFields\":[\"email\",\"nickname\"]}}",
                        "/passwordAuth/identityFields", "validation_missing_field"),
                new RefusedSetting("{\"passwordAuth\":{\"identityFields\":[\"handle\"]}}", "/passwordAuth/identityFields",
                        "validation_missing_unique_constraint"),
                new RefusedSetting("{\"oauth2\":{\"enabled\":true,\"providers\":[{\"name\":\"nope\",\"clientId\":\"c\","
                        + "\"clientSecret\":\"s\"}]}}", "/oauth2/providers/0/name", "validation_missing_provider"),
                new RefusedSetting("{\"oauth2\":{\"enabled\":true,\"providers\":[{\"name\":\"github\",\"clientSecret\":\"s\"}]}}",
                        "/oauth2/providers/0/clientId", "validation_required"),
                new RefusedSetting("{\"oauth2\":{\"enabled\":true,\"providers\":[{\"name\":\"oidc\",\"clientId\":\"c\","
                        + "\"clientSecret\":\"s\",\"authURL\":\"not a url\"}]}}", "/oauth2/providers/0/authURL", "validation_is_url"),
                new RefusedSetting("{\"oauth2\":{\"enabled\":true,\"providers\":[{\"name\":\"github\",\"clientId\":\"c\","
                        + "\"clientSecret\":\"s\"},{\"name\":\"github\"}]}}", "/oauth2/providers/1/name",
                        "validation_duplicated_provider"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedSettings")
    void authSettingsOutOfTheirRangesAreFieldErrors(RefusedSetting r) throws Exception {
        JsonNode body = call("PATCH", "/api/collections/ranged_users", r.change(), 400);
        assertEquals(r.code(), body.at("/data" + r.pointer() + "/code").asText(), body.toString());
    }

    @Test
    void authSettingsWithinTheirRangesAreKept() throws Exception {
        JsonNode kept = call("PATCH", "/api/collections/ranged_users", """
                {"authToken":{"duration":94670856},"otp":{"enabled":false,"length":2,"duration":0},
                 "passwordAuth":{"enabled":false,"identityFields":[]},
                 "oauth2":{"enabled":false,"providers":[{"name":"nope"}],"mappedFields":{"name":"handle","avatarURL":"gone"}}}""",
                200);
        assertEquals(94670856, kept.at("/authToken/duration").asLong());
        assertEquals("handle", kept.at("/oauth2/mappedFields/name").asText());
        assertEquals("", kept.at("/oauth2/mappedFields/avatarURL").asText(), "a mapped field naming no field is emptied");
        call("PATCH", "/api/collections/ranged_users", "{\"authToken\":{\"duration\":10.5}}", 400);
        call("PATCH", "/api/collections/ranged_users", "{\"passwordAuth\":{\"enabled\":true,\"identityFields\":[\"email\"]}}",
                200);
    }

    @Test
    void anOAuth2ProviderHasExactlyPocketBasesKeysAndNeverShowsItsSecret() throws Exception {
        JsonNode saved = call("PATCH", "/api/collections/ranged_users", """
                {"oauth2":{"enabled":true,"providers":[{"name":"oidc","ClientID":"cid","clientSecret":"csecret",
                 "AuthUrl":"https://id.example.com/auth","tokenURL":"https://id.example.com/token",
                 "userinfourl":"https://id.example.com/me","scopes":"openid","pkce":false,"extra":{"a":1}}]}}""", 200);
        JsonNode provider = saved.at("/oauth2/providers/0");
        List<String> keys = new java.util.ArrayList<>();
        provider.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("pkce", "name", "clientId", "authURL", "tokenURL", "userInfoURL", "displayName", "extra"), keys,
                provider.toString());
        assertEquals("cid", provider.get("clientId").asText());
        assertEquals("https://id.example.com/auth", provider.get("authURL").asText());
        assertEquals("https://id.example.com/me", provider.get("userInfoURL").asText());
        assertFalse(provider.get("pkce").asBoolean());
        assertEquals(1, provider.at("/extra/a").asInt());
        JsonNode stored = call("POST", "/api/databases/main/query", "{\"sql\":\"SELECT options FROM _collections WHERE name = "
                + "'ranged_users'\"}", 200);
        assertTrue(stored.toString().contains("csecret"), "the secret is kept, not shown");
        assertFalse(stored.toString().contains("scopes"), "keys PocketBase does not know are dropped");
        call("PATCH", "/api/collections/ranged_users", "{\"oauth2\":{\"enabled\":false}}", 200);
    }

    @Test
    void theTokenKeyKeepsTheOptionsAChangeLeavesOut() throws Exception {
        call("POST", "/api/collections", "{\"name\":\"keyed_users\",\"type\":\"auth\"}", 200);
        JsonNode changed = call("PATCH", "/api/collections/keyed_users", """
                {"fields":[{"name":"tokenKey","type":"text","max":80,"hidden":false,"required":false}]}""", 200);
        JsonNode tokenKey = fieldNamed(changed, "tokenKey");
        assertEquals(80, tokenKey.get("max").asInt(), tokenKey.toString());
        assertEquals(30, tokenKey.get("min").asInt(), "left out, kept: " + tokenKey);
        assertEquals("[a-zA-Z0-9]{50}", tokenKey.get("autogeneratePattern").asText());
        assertTrue(tokenKey.get("hidden").asBoolean() && tokenKey.get("required").asBoolean() && tokenKey.get("system").asBoolean());
        JsonNode again = call("PATCH", "/api/collections/keyed_users", "{\"fields\":[{\"name\":\"nick\",\"type\":\"text\"}]}", 200);
        assertEquals(80, fieldNamed(again, "tokenKey").get("max").asInt(), "a change leaving the field out keeps it");
        call("POST", "/api/collections/keyed_users/records", "{\"email\":\"k@example.com\",\"password\":\"password-1\","
                + "\"passwordConfirm\":\"password-1\"}", 200);

        // A new tokenKey (a password change) is made by the field's own pattern, so it fits its lengths.
        call("PATCH", "/api/collections/keyed_users", """
                {"fields":[{"name":"tokenKey","type":"text","min":20,"max":20,"autogeneratePattern":"[a-z]{20}"}]}""", 200);
        String id = call("POST", "/api/collections/keyed_users/records", "{\"email\":\"k2@example.com\",\"password\":"
                + "\"password-1\",\"passwordConfirm\":\"password-1\"}", 200).get("id").asText();
        call("PATCH", "/api/collections/keyed_users/records/" + id, "{\"password\":\"password-2\",\"passwordConfirm\":"
                + "\"password-2\"}", 200);
        worker.call("POST", "/api/collections/keyed_users/auth-with-password", "{\"identity\":\"k2@example.com\","
                + "\"password\":\"password-2\"}", null, 200);
    }

    private static JsonNode fieldNamed(JsonNode collection, String name) {
        for (JsonNode f : collection.get("fields")) {
            if (f.get("name").asText().equals(name)) {
                return f;
            }
        }
        throw new AssertionError(name + " missing in " + collection);
    }

    @Test
    void theAuthScaffoldShowsTheUniqueIndexesEveryAuthCollectionGets() throws Exception {
        JsonNode auth = call("GET", "/api/collections/meta/scaffolds", null, 200).get("auth");
        assertEquals(2, auth.get("indexes").size(), auth.toString());
        assertTrue(auth.get("indexes").get(0).asText().contains("UNIQUE INDEX") && auth.get("indexes").get(0).asText()
                .contains("(`tokenKey`)"));
        assertTrue(auth.get("indexes").get(1).asText().endsWith("(`email`) WHERE `email` != ''"));
        assertEquals(0, call("GET", "/api/collections/meta/scaffolds", null, 200).at("/base/indexes").size());
    }

    @Test
    void aFieldTypeChangeIsReportedOnTheFieldItself() throws Exception {
        call("POST", "/api/collections", "{\"name\":\"typed\",\"fields\":[{\"name\":\"active\",\"type\":\"bool\"}]}", 200);
        JsonNode body = call("PATCH", "/api/collections/typed", "{\"fields\":[{\"name\":\"active\",\"type\":\"text\"}]}", 400);
        assertEquals("validation_field_type_change", body.at("/data/fields/1/code").asText(), body.toString());
    }

    @Test
    void anAuthCollectionCanTakeTheNameAnotherOneHadBeforeItsRename() throws Exception {
        call("POST", "/api/collections", "{\"name\":\"crew\",\"type\":\"auth\"}", 200);
        call("PATCH", "/api/collections/crew", "{\"name\":\"crew_old\"}", 200);
        JsonNode again = call("POST", "/api/collections", "{\"name\":\"crew\",\"type\":\"auth\"}", 200);
        assertTrue(again.get("indexes").toString().contains(again.get("id").asText()), again.get("indexes").toString());
        call("POST", "/api/collections/crew/records", "{\"email\":\"c@example.com\",\"password\":\"password-1\","
                + "\"passwordConfirm\":\"password-1\"}", 200);
    }

    @Test
    void aStoredFieldLoadsEvenWhenTodaysChecksWouldRefuseIt() {
        JsonNode old = Json.mapper().valueToTree(Map.of("id", "select1", "name", "s", "type", "select",
                "values", List.of("a"), "maxSelect", 3));
        assertNotNull(Fields.stored(old), "a definition saved under older rules keeps its field");
        assertEquals(null, Fields.fromJson(old, new java.util.HashMap<>()), "a new definition like it is refused");
    }

    @Test
    void aViewCountsAsNumbers() throws Exception {
        call("POST", "/api/collections", "{\"name\":\"counted\",\"fields\":[{\"name\":\"a\",\"type\":\"text\"}]}", 200);
        JsonNode view = call("POST", "/api/collections", """
                {"name":"tally","type":"view","viewQuery":"SELECT (ROW_NUMBER() OVER()) AS id, count(*) AS n, sum(length(a)) total FROM counted"}""",
                200);
        for (JsonNode f : view.get("fields")) {
            if (!f.get("name").asText().equals("id")) {
                assertEquals("number", f.get("type").asText(), f.toString());
            }
        }
    }

    @Test
    void fieldKeysAreInAlphabeticalOrderAsPocketBaseWritesThem() throws Exception {
        JsonNode created = call("POST", "/api/collections", """
                {"name":"ordered","fields":[{"name":"title","type":"text","required":true},{"name":"n","type":"number"}]}""", 200);
        for (JsonNode f : created.get("fields")) {
            List<String> keys = new java.util.ArrayList<>();
            f.fieldNames().forEachRemaining(keys::add);
            assertEquals(keys.stream().sorted().toList(), keys, f.toString());
        }
    }

    @Test
    void superusersIsListedWithAFilterOrASortToo() throws Exception {
        JsonNode byName = call("GET", "/api/collections?filter=" + java.net.URLEncoder.encode("name='_superusers'",
                java.nio.charset.StandardCharsets.UTF_8), null, 200);
        assertEquals(1, byName.get("totalItems").asInt(), byName.toString());
        int all = call("GET", "/api/collections", null, 200).get("totalItems").asInt();
        assertEquals(all, call("GET", "/api/collections?sort=name", null, 200).get("totalItems").asInt());
        assertTrue(call("GET", "/api/collections?filter=system%3Dtrue", null, 200).toString().contains("_superusers"));

        call("POST", "/api/databases", "{\"name\":\"untouched\"}", 200); // no collection ever created there
        JsonNode fresh = call("GET", "/db/untouched/api/collections?sort=-name&filter=system%3Dtrue", null, 200);
        assertEquals(1, fresh.get("totalItems").asInt(), fresh.toString());
    }

    @Test
    void valuesOfTheWrongJsonTypeAreRefusedNeverConverted() throws Exception {
        for (String body : new String[] {
                "{\"name\":12345}",
                "{\"name\":\"typed_a\",\"listRule\":true}",
                "{\"name\":\"typed_b\",\"fields\":[{\"name\":\"s\",\"type\":\"select\",\"values\":[null,1]}]}",
                "{\"name\":\"typed_c\",\"fields\":[{\"name\":\"t\",\"type\":\"text\",\"max\":\"x\"}]}",
                "{\"name\":\"typed_d\",\"indexes\":[null]}",
                "{\"name\":\"typed_e\",\"type\":\"auth\",\"authToken\":{\"duration\":\"x\"}}"}) {
            JsonNode refused = call("POST", "/api/collections", body, 400);
            assertEquals(400, refused.get("status").asInt(), body);
        }
        for (String body : new String[] {"[]", "{\"name\":", "{\"name\":12345}", "{\"name\":\"typed_g\",\"type\":[]}"}) {
            assertEquals("Failed to load the collection type data due to invalid formatting.",
                    call("POST", "/api/collections", body, 400).get("message").asText(), body);
        }
        JsonNode negative = call("POST", "/api/collections", "{\"name\":\"typed_f\",\"fields\":[{\"name\":\"j\","
                + "\"type\":\"json\",\"maxSize\":-5}]}", 400);
        assertEquals("validation_min_greater_equal_than_required", negative.at("/data/fields/1/maxSize/code").asText(),
                negative.toString());
        call("POST", "/api/collections", "{\"name\":\"typed_ok\",\"fields\":[{\"name\":\"d\",\"type\":\"date\","
                + "\"min\":\"2020-01-01 00:00:00.000Z\",\"max\":\"\"}]}", 200);
    }
}
