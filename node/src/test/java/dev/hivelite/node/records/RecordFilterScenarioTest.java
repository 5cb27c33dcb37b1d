package dev.hivelite.node.records;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.TestWorker;

/**
 * Filters and rules over real collections, replayed from PocketBase's record field resolver tests
 * ({@code core/record_field_resolver_test.go}) and its maintainers' answers: which records match, or
 * which status a filter gets. Records: "one" (tags [a,b], kind a, helpers [ann,bo]), "two" (tags [b],
 * kind '', helpers [bo]), "three" (no tags, kind b, no helpers).
 */
class RecordFilterScenarioTest {

    @TempDir
    static Path dataDir;

    private static TestWorker worker;
    private static String su;
    private static String ann;
    private static final Map<String, String> ids = new HashMap<>();

    /** A filter on "things" listed by the superuser: the titles it must match, or null for a 400. */
    private record Row(String name, String filter, List<String> titles) {
    }

    private static Row row(String name, String filter, String... titles) {
        return new Row(name, filter, List.of(titles));
    }

    private static Row invalid(String name, String filter) {
        return new Row(name, filter, null);
    }

    @BeforeAll
    static void start() throws Exception {
        worker = TestWorker.start(dataDir);
        su = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        worker.call("POST", "/api/collections", "{\"name\":\"helpers\",\"type\":\"auth\",\"listRule\":\"\","
                + "\"fields\":[{\"name\":\"name\",\"type\":\"text\"}]}", su, 200);
        String fields = "\"fields\":[{\"name\":\"title\",\"type\":\"text\"},"
                + "{\"name\":\"tags\",\"type\":\"select\",\"values\":[\"a\",\"b\",\"c\"],\"maxSelect\":3},"
                + "{\"name\":\"kind\",\"type\":\"select\",\"values\":[\"a\",\"b\"],\"maxSelect\":1},"
                + "{\"name\":\"data\",\"type\":\"json\"},"
                + "{\"name\":\"helpers\",\"type\":\"relation\",\"collectionId\":\"helpers\",\"maxSelect\":5}]";
        worker.call("POST", "/api/collections", "{\"name\":\"things\",\"listRule\":\"\"," + fields + "}", su, 200);
        worker.call("POST", "/api/collections", "{\"name\":\"notes\",\"createRule\":\"@request.body.kind:each ?= 'a' "
                + "&& @request.body.kind:length = 1 && @request.body.helpers:length < 3\"," + fields + "}", su, 200);
        worker.call("POST", "/api/collections", "{\"name\":\"memos\",\"createRule\":\"@request.auth.id != '' "
                + "&& @request.auth.nothing.deeper = null && @request.body.title.nothing = null\"," + fields + "}", su, 200);
        for (String name : List.of("ann", "bo")) {
            ids.put(name, worker.call("POST", "/api/collections/helpers/records", "{\"email\":\"" + name
                    + "@example.com\",\"name\":\"" + name + "\",\"password\":\"password-1\",\"passwordConfirm\":\"password-1\"}",
                    su, 200).get("id").asText());
        }
        thing("one", "[\"a\",\"b\"]", "a", "[\"" + ids.get("ann") + "\",\"" + ids.get("bo") + "\"]", "\"abc\"");
        thing("two", "[\"b\"]", "", "[\"" + ids.get("bo") + "\"]", "5");
        thing("three", "[]", "b", "[]", "{\"a\":{\"b\":true}}");
        ann = worker.call("POST", "/api/collections/helpers/auth-with-password",
                "{\"identity\":\"ann@example.com\",\"password\":\"password-1\"}", null, 200).get("token").asText();
    }

    private static void thing(String title, String tags, String kind, String helpers, String data) throws Exception {
        worker.call("POST", "/api/collections/things/records", "{\"title\":\"" + title + "\",\"tags\":" + tags
                + ",\"kind\":\"" + kind + "\",\"helpers\":" + helpers + ",\"data\":" + data + "}", su, 200);
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    /** A multi-valued field without :each is its stored JSON text (pocketbase/pocketbase#1725, #7409, #6647). */
    private static List<Row> multiValuedFields() {
        String bo = ids.get("bo");
        return List.of(
                row("~ is a LIKE over the stored list", "tags ~ 'a'", "one"),
                row("?~ is the same LIKE", "tags ?~ 'b'", "one", "two"),
                row("= compares the stored text, never an item", "tags = 'b'"),
                row("?= compares the stored text too", "tags ?= 'b'"),
                row("the stored text equals its JSON", "tags = '[\"b\"]'", "two"),
                row("an empty list is stored as [] and is not empty text", "tags = ''"),
                row("!= '' holds for every stored list", "tags != ''", "one", "two", "three"),
                row(":each reaches the items, any", "tags:each ?= 'b'", "one", "two"),
                row(":each reaches the items, all", "tags:each = 'b'", "two"),
                row(":length counts the items", "tags:length = 0", "three"),
                row("multi relation ~ an id", "helpers ~ '" + bo + "'", "one", "two"),
                row("multi relation ?= an id compares the stored text", "helpers ?= '" + bo + "'"),
                row("multi relation .id ?= an id", "helpers.id ?= '" + bo + "'", "one", "two"),
                row("multi relation :each ?= an id", "helpers:each ?= '" + bo + "'", "one", "two"));
    }

    /** A single select/relation/file is a list of at most one value for :each and :length (its MultiValuer). */
    private static List<Row> singleValuedListFields() {
        return List.of(
                row(":each on a single select", "kind:each = 'a'", "one"),
                row(":each any on a single select", "kind:each ?!= 'a'", "two", "three"),
                row(":length of a single select", "kind:length = 1", "one", "three"),
                row(":length of an empty single select", "kind:length = 0", "two"),
                row(":each of a text field is the field", "title:each = 'one'", "one"),
                row(":length of a text field is the field too", "title:length = 'two'", "two"),
                invalid("an unknown modifier", "title:upper = 'ONE'"));
    }

    /**
     * A json value compares as the value it holds (pocketbase/pocketbase#4068), at the top and along a path,
     * and = / != keep NULL apart from '' (the resolver's "json field equal normalization checks").
     */
    private static List<Row> jsonValues() {
        return List.of(
                row("a json string equals the text", "data = 'abc'", "one"),
                row("a json number equals the number", "data = 5", "two"),
                row("a json number compares as a number", "data < 6", "two"),
                row("a path into a json object", "data.a.b = true", "three"),
                row("a path into a json string is NULL", "data.a = 'abc'"),
                row("like over a json string", "data ~ 'bc'", "one"),
                row("a missing json key is NULL, not ''", "data.a.b = ''"),
                row("a missing json key differs from ''", "data.a.b != ''", "one", "two", "three"),
                row("a missing json key is null", "data.a.b = null", "one", "two"),
                row("a present json key is not null", "data.a.b != null", "three"));
    }

    @TestFactory
    Stream<DynamicTest> jsonFieldsCompareTheValueTheyHold() {
        return run(jsonValues());
    }

    @TestFactory
    Stream<DynamicTest> multiValuedFieldsCompareTheirStoredListUnlessEach() {
        return run(multiValuedFields());
    }

    @TestFactory
    Stream<DynamicTest> singleSelectRelationAndFileFieldsTakeEachAndLength() {
        return run(singleValuedListFields());
    }

    @TestFactory
    Stream<DynamicTest> rulesReadTheBodyAndTheCallersRecordAsPocketBaseDoes() {
        return Stream.of(
                DynamicTest.dynamicTest("a single select sent is a list of one for :each and :length", () ->
                        worker.call("POST", "/api/collections/notes/records", "{\"title\":\"x\",\"kind\":\"a\"}", null, 200)),
                DynamicTest.dynamicTest("another value fails the :each rule", () ->
                        worker.call("POST", "/api/collections/notes/records", "{\"title\":\"x\",\"kind\":\"b\"}", null, 400)),
                DynamicTest.dynamicTest("a value not sent has no items", () ->
                        worker.call("POST", "/api/collections/notes/records", "{\"title\":\"x\"}", null, 400)),
                DynamicTest.dynamicTest(":changed of a key that is no field is refused when the rule is saved", () ->
                        worker.call("POST", "/api/collections", "{\"name\":\"changes\",\"updateRule\":"
                                + "\"@request.body.nofield:changed = false\"}", su, 400)),
                DynamicTest.dynamicTest("a missing field on the caller's record or in the body reads as NULL", () ->
                        worker.call("POST", "/api/collections/memos/records", "{\"title\":\"x\"}", ann, 200)));
    }

    private static Stream<DynamicTest> run(List<Row> rows) {
        return rows.stream().map(r -> DynamicTest.dynamicTest(r.name() + " :: " + r.filter(), () -> {
            String url = "/api/collections/things/records?perPage=100&filter=" + URLEncoder.encode(r.filter(), StandardCharsets.UTF_8);
            if (r.titles() == null) {
                worker.call("GET", url, null, su, 400);
                return;
            }
            JsonNode list = worker.call("GET", url, null, su, 200);
            List<String> titles = new ArrayList<>();
            list.get("items").forEach(i -> titles.add(i.get("title").asText()));
            assertEquals(new TreeSet<>(r.titles()), new TreeSet<>(titles), r.filter());
        }));
    }
}
