package dev.hivelite.node.records;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.hivelite.node.ApiScenario;
import dev.hivelite.node.TestWorker;
import dev.hivelite.node.common.Json;

/**
 * The collections and records API as a scenario table (STYLE habit 5): each route with its errors
 * and bad inputs, PocketBase's status codes and bodies, and never a 5xx.
 */
class DataApiScenarioTest {

    @TempDir
    static Path dataDir;

    private static TestWorker worker;
    private static String token;
    private static String postId;
    private static String userToken;

    @BeforeAll
    static void start() throws Exception {
        worker = TestWorker.start(dataDir);
        token = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        Map<String, String> su = Map.of("Authorization", token);
        assertEquals(200, worker.send("POST", "/api/collections", "{\"name\":\"users\",\"type\":\"auth\",\"createRule\":\"\"}",
                su).statusCode());
        assertEquals(200, worker.send("POST", "/api/collections", """
                {"name":"posts","listRule":"","viewRule":"","createRule":"@request.auth.id != ''",
                 "updateRule":"owner = @request.auth.id","deleteRule":null,
                 "fields":[{"name":"title","type":"text","required":true,"max":20},
                           {"name":"views","type":"number","min":0,"onlyInt":true},
                           {"name":"kind","type":"select","values":["a","b"],"maxSelect":1},
                           {"name":"tags","type":"select","values":["x","y","z"],"maxSelect":2},
                           {"name":"site","type":"url"},{"name":"mail","type":"email"},{"name":"meta","type":"json","maxSize":100},
                           {"name":"owner","type":"relation","collectionId":"users","maxSelect":1},
                           {"name":"when","type":"date","min":"2020-01-01"},{"name":"secret","type":"text","hidden":true}],
                 "indexes":["CREATE UNIQUE INDEX idx_posts_title ON posts (title)"]}""", su).statusCode());
        postId = Json.mapper().readTree(worker.send("POST", "/api/collections/posts/records",
                "{\"title\":\"first\",\"views\":1,\"secret\":\"s3\"}", su).body()).get("id").asText();
        worker.send("POST", "/api/collections/users/records",
                "{\"email\":\"u@example.com\",\"password\":\"password-1\",\"passwordConfirm\":\"password-1\"}", Map.of());
        userToken = Json.mapper().readTree(worker.send("POST", "/api/collections/users/auth-with-password",
                "{\"identity\":\"u@example.com\",\"password\":\"password-1\"}", Map.of()).body()).get("token").asText();
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    /** PocketBase's message of a 400 that names no cause: a bad query parameter's, a bad filter's. */
    private static final String GENERIC = "\"message\":\"Something went wrong while processing your request.\"";

    static Stream<ApiScenario> scenarios() {
        Map<String, String> none = Map.of();
        Map<String, String> su = Map.of("Authorization", "{token}");
        Map<String, String> user = Map.of("Authorization", "{user}");
        String r = "/api/collections/posts/records";
        return Stream.of(
                // collections
                ApiScenario.of("collections: anonymous", "GET", "/api/collections", null, none, 401,
                        List.of("\"status\":401")),
                ApiScenario.of("collections: user", "GET", "/api/collections", null, user, 403, List.of("\"status\":403")),
                ApiScenario.of("collections: list", "GET", "/api/collections?filter=name='posts'&sort=-created", null, su, 200,
                        List.of("\"totalItems\":1", "\"name\":\"posts\"")),
                ApiScenario.of("collections: bad filter", "GET", "/api/collections?filter=name%3D%3D", null, su, 400,
                        List.of("\"status\":400")),
                ApiScenario.of("collections: unknown sort", "GET", "/api/collections?sort=nope", null, su, 400, List.of()),
                ApiScenario.of("collections: view missing", "GET", "/api/collections/nope", null, su, 404,
                        List.of("The requested resource wasn't found.")),
                ApiScenario.of("collections: duplicate name", "POST", "/api/collections", "{\"name\":\"POSTS\"}", su, 400,
                        List.of("Failed to create collection.", "validation_collection_name_exists")),
                ApiScenario.of("collections: bad name", "POST", "/api/collections", "{\"name\":\"a b\"}", su, 400,
                        List.of("\"name\":{\"code\":\"validation_match_invalid\"")),
                ApiScenario.of("collections: a name with _via_", "POST", "/api/collections", "{\"name\":\"a_via_b\"}", su, 400,
                        List.of("\"name\":{\"code\":\"validation_found_via\"")),
                ApiScenario.of("collections: a view with a create rule", "POST", "/api/collections",
                        "{\"name\":\"v_rules\",\"type\":\"view\",\"viewQuery\":\"select id from posts\",\"createRule\":\"\"}", su,
                        400, List.of("\"createRule\":{\"code\":\"validation_nil\"")),
                ApiScenario.of("collections: bad type", "POST", "/api/collections", "{\"name\":\"t1\",\"type\":\"weird\"}", su,
                        400, List.of("\"type\"")),
                ApiScenario.of("collections: bad field type", "POST", "/api/collections",
                        "{\"name\":\"t2\",\"fields\":[{\"name\":\"f\",\"type\":\"blob\"}]}", su, 400,
                        // keyed by the final position: the id field PocketBase puts first is 0
                        List.of("\"fields\":{\"1\":{\"type\":{\"code\":\"validation_invalid_field_type\"")),
                ApiScenario.of("collections: duplicate field", "POST", "/api/collections",
                        "{\"name\":\"t3\",\"fields\":[{\"name\":\"f\",\"type\":\"text\"},{\"name\":\"F\",\"type\":\"bool\"}]}", su,
                        400, List.of("validation_duplicated_field_name")),
                ApiScenario.of("collections: fields not a list", "POST", "/api/collections", "{\"name\":\"t4\",\"fields\":5}",
                        su, 400, List.of("Failed to load the submitted data due to invalid formatting.")),
                ApiScenario.of("collections: malformed rule", "POST", "/api/collections",
                        "{\"name\":\"t5\",\"listRule\":\"title = \"}", su, 400,
                        List.of("\"listRule\":{\"code\":\"validation_invalid_rule\"")),
                ApiScenario.of("collections: rule on unknown field", "POST", "/api/collections",
                        "{\"name\":\"t6\",\"listRule\":\"nope = 1\"}", su, 400, List.of("validation_invalid_rule")),
                ApiScenario.of("collections: bad index", "POST", "/api/collections",
                        "{\"name\":\"t7\",\"indexes\":[\"DROP TABLE x\"]}", su, 400, List.of("validation_invalid_index_expression")),
                ApiScenario.of("collections: bad regex", "POST", "/api/collections",
                        "{\"name\":\"t8\",\"fields\":[{\"name\":\"f\",\"type\":\"text\",\"pattern\":\"(\"}]}", su, 400,
                        List.of("validation_invalid_regex")),
                ApiScenario.of("collections: relation to nothing", "POST", "/api/collections",
                        "{\"name\":\"t9\",\"fields\":[{\"name\":\"r\",\"type\":\"relation\",\"collectionId\":\"nope\"}]}", su,
                        400, List.of("validation_missing_collection")),
                ApiScenario.of("collections: malformed JSON", "POST", "/api/collections", "{\"name\":", su, 400,
                        List.of("\"status\":400")),
                ApiScenario.of("collections: view with bad query", "POST", "/api/collections",
                        "{\"name\":\"v1\",\"type\":\"view\",\"viewQuery\":\"SELECT nope FROM nowhere\"}", su, 400,
                        List.of("validation_invalid_view_query")),
                ApiScenario.of("collections: view with two statements", "POST", "/api/collections",
                        "{\"name\":\"v2\",\"type\":\"view\",\"viewQuery\":\"SELECT 1 AS id; DROP TABLE posts\"}", su, 400,
                        List.of("validation_invalid_view_query")),
                ApiScenario.of("collections: type change", "PATCH", "/api/collections/posts", "{\"type\":\"auth\"}", su, 400,
                        List.of("validation_collection_type_change")),
                ApiScenario.of("collections: delete referenced", "DELETE", "/api/collections/users", null, su, 400,
                        List.of("reference")),
                ApiScenario.of("collections: import empty", "PUT", "/api/collections/import", "{\"collections\":[]}", su, 400,
                        List.of("\"collections\"")),
                // records
                ApiScenario.of("records: missing collection", "GET", "/api/collections/nope/records", null, none, 404,
                        List.of("Missing collection context.")),
                ApiScenario.of("records: list", "GET", r + "?page=1&perPage=5&sort=-views,title", null, none, 200,
                        List.of("\"page\":1", "\"perPage\":5", "\"totalItems\":1", "\"title\":\"first\"")).notExpecting("\"secret\""),
                ApiScenario.of("records: skipTotal", "GET", r + "?skipTotal=1", null, none, 200, List.of("\"totalItems\":-1")),
                ApiScenario.of("records: out of range page values fall back", "GET", r + "?page=-4&perPage=0", null, none,
                        200, List.of("\"page\":1", "\"perPage\":30")),
                ApiScenario.of("records: a perPage that is not a number", "GET", r + "?perPage=abc", null, none, 400,
                        List.of("\"status\":400", "\"data\":{}", GENERIC)),
                ApiScenario.of("records: a skipTotal that is not a boolean", "GET", r + "?skipTotal=yes", null, none, 400,
                        List.of(GENERIC)),
                ApiScenario.of("records: a page that is not a whole number", "GET", r + "?page=1.5", null, none, 400,
                        List.of("\"status\":400")),
                ApiScenario.of("records: huge perPage is capped", "GET", r + "?perPage=100000", null, none, 200,
                        List.of("\"perPage\":1000")),
                ApiScenario.of("records: bad filter", "GET", r + "?filter=title%3D", null, none, 400, List.of("\"status\":400")),
                ApiScenario.of("records: unknown filter field", "GET", r + "?filter=nope%3D1", null, none, 400,
                        List.of(GENERIC, "\"data\":{}")),
                ApiScenario.of("records: filter on hidden field", "GET", r + "?filter=secret%3D'x'", null, none, 400, List.of()),
                ApiScenario.of("records: superuser filters hidden", "GET", r + "?filter=secret%3D's3'", null, su, 200,
                        List.of("\"totalItems\":1", "\"secret\":\"s3\"")),
                ApiScenario.of("records: @collection by a guest", "GET", r + "?filter=@collection.users.id%3D'x'", null, none,
                        403, List.of("Only superusers can filter by @collection.")),
                ApiScenario.of("records: sort injection", "GET", r + "?sort=title;DROP%20TABLE%20posts", null, none, 400, List.of()),
                ApiScenario.of("records: sort on unknown", "GET", r + "?sort=nope", null, none, 400, List.of()),
                ApiScenario.of("records: view", "GET", r + "/{post}", null, none, 200, List.of("\"id\":\"{post}\"")),
                ApiScenario.of("records: view missing", "GET", r + "/nope", null, none, 404,
                        List.of("\"status\":404", "The requested resource wasn't found.")),
                ApiScenario.of("records: fields", "GET", r + "/{post}?fields=id,title:excerpt(2,true)", null, none, 200,
                        List.of("\"title\":\"fi...\"")).notExpecting("\"views\""),
                ApiScenario.of("records: fields with a modifier PocketBase does not have", "GET", r + "/{post}?fields=title:upper",
                        null, none, 400, List.of(GENERIC, "\"data\":{}")),
                ApiScenario.of("records: an excerpt without its max", "GET", r + "?fields=title:excerpt()", null, none, 400,
                        List.of(GENERIC)),
                ApiScenario.of("records: create as guest", "POST", r, "{\"title\":\"x\"}", none, 400,
                        List.of("Failed to create record.")),
                ApiScenario.of("records: create invalid", "POST", r, """
                        {"views":1.5,"kind":"c","tags":["x","y","z"],"site":"not a url","mail":"nope","meta":{"big":"%s"},
                         "owner":"missing-id-1234","when":"2019-05-05"}""".formatted("x".repeat(200)), user, 400,
                        List.of("\"title\":{\"code\":\"validation_required\"", "\"views\":{\"code\":\"validation_only_int_constraint\"",
                                "\"kind\":{\"code\":\"validation_invalid_value\"", "\"tags\":{\"code\":\"validation_too_many_values\"",
                                "\"site\":{\"code\":\"validation_invalid_url\"", "\"mail\":{\"code\":\"validation_is_email\"",
                                "\"meta\":{\"code\":\"validation_json_size_limit\"",
                                "\"owner\":{\"code\":\"validation_missing_rel_records\"",
                                "\"when\":{\"code\":\"validation_min_greater_equal_than_required\"")),
                ApiScenario.of("records: too long text", "POST", r, "{\"title\":\"" + "y".repeat(21) + "\"}", user, 400,
                        List.of("validation_max_text_constraint")),
                ApiScenario.of("records: unique index", "POST", r, "{\"title\":\"first\"}", user, 400,
                        List.of("\"title\":{\"code\":\"validation_not_unique\"")),
                ApiScenario.of("records: bad custom id", "POST", r, "{\"id\":\"BAD ID\",\"title\":\"other\"}", user, 400,
                        List.of("\"id\"")),
                ApiScenario.of("records: body not an object", "POST", r, "[1,2]", user, 400, List.of("\"status\":400", GENERIC)),
                ApiScenario.of("records: malformed JSON on create", "POST", r, "{\"", user, 400, List.of(GENERIC, "\"data\":{}")),
                ApiScenario.of("records: malformed JSON on update", "PATCH", r + "/{post}", "{\"", su, 400,
                        List.of(GENERIC, "\"data\":{}")),
                ApiScenario.of("records: update not owner", "PATCH", r + "/{post}", "{\"title\":\"z\"}", user, 404,
                        List.of("\"status\":404")),
                ApiScenario.of("records: delete null rule", "DELETE", r + "/{post}", null, user, 403,
                        List.of("Only superusers can perform this action.")),
                ApiScenario.of("records: view collection write", "POST", "/api/collections/users/records",
                        "{\"email\":\"x\"}", none, 400, List.of("\"status\":400")),
                ApiScenario.of("records: expand unknown is ignored", "GET", r + "/{post}?expand=nope,owner.nope", null, none,
                        200, List.of("\"id\":\"{post}\"")),
                ApiScenario.of("batch: off by default", "POST", "/api/batch", "{\"requests\":[]}", su, 403,
                        List.of("Batch requests are not allowed.")),
                ApiScenario.of("auth: wrong password", "POST", "/api/collections/users/auth-with-password",
                        "{\"identity\":\"u@example.com\",\"password\":\"nope\"}", none, 400, List.of("Failed to authenticate.")),
                ApiScenario.of("auth: missing fields", "POST", "/api/collections/users/auth-with-password", "{}", none, 400,
                        List.of("\"identity\":{\"code\":\"validation_required\"")),
                ApiScenario.of("auth: not an auth collection", "POST", "/api/collections/posts/auth-with-password",
                        "{\"identity\":\"a\",\"password\":\"b\"}", none, 404, List.of("\"status\":404")),
                ApiScenario.of("auth: refresh without token", "POST", "/api/collections/users/auth-refresh", null, none, 401,
                        List.of("\"status\":401")),
                ApiScenario.of("auth: methods", "GET", "/api/collections/users/auth-methods", null, none, 200,
                        List.of("\"password\":{", "\"identityFields\":[\"email\"]")),
                ApiScenario.of("db: unknown database", "GET", "/db/nope/api/collections/posts/records", null, none, 404,
                        List.of("\"status\":404")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void scenario(ApiScenario scenario) throws Exception {
        scenario.run(worker, s -> s.replace("{token}", token).replace("{post}", postId).replace("{user}", userToken));
    }
}
