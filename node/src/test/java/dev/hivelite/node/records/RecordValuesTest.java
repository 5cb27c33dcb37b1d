package dev.hivelite.node.records;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.hivelite.node.Form;
import dev.hivelite.node.TestWorker;

/**
 * How submitted values become field values, type by type, as PocketBase casts and checks them (its
 * {@code core/field_*.go}): Go's number, bool and text casts, the form values it types, its email and
 * URL grammars, its date layouts, its list and modifier rules, the JSON text it stores and measures,
 * and its error codes, messages and params. Each scenario writes one record over HTTP.
 */
class RecordValuesTest {

    @TempDir
    static Path dataDir;

    private static TestWorker worker;
    private static String su;
    private static String targetA;
    private static String targetB;

    /**
     * One write: {@code before} (when set) creates the record the write then updates; the write is a
     * JSON body or a multipart form; {@code {a}} and {@code {b}} name two relation targets.
     */
    record ValueCase(String name, String before, String json, Form form, int status, List<String> expected,
                     List<String> absent) {
        static ValueCase create(String name, String json, int status, String... expected) {
            return new ValueCase(name, null, json, null, status, List.of(expected), List.of());
        }

        static ValueCase form(String name, Form form, int status, String... expected) {
            return new ValueCase(name, null, null, form, status, List.of(expected), List.of());
        }

        static ValueCase update(String name, String before, String json, int status, String... expected) {
            return new ValueCase(name, before, json, null, status, List.of(expected), List.of());
        }

        ValueCase without(String... content) {
            return new ValueCase(name, before, json, form, status, expected, List.of(content));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        worker = TestWorker.start(dataDir);
        su = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        worker.call("POST", "/api/collections", "{\"name\":\"targets\",\"fields\":[{\"name\":\"n\",\"type\":\"text\"}]}", su, 200);
        targetA = worker.call("POST", "/api/collections/targets/records", "{}", su, 200).get("id").asText();
        targetB = worker.call("POST", "/api/collections/targets/records", "{}", su, 200).get("id").asText();
        worker.call("POST", "/api/collections", """
                {"name":"vals","createRule":"","updateRule":"","fields":[
                 {"name":"num","type":"number"},{"name":"intn","type":"number","onlyInt":true},
                 {"name":"lim","type":"number","min":5,"max":10},{"name":"b","type":"bool"},{"name":"t","type":"text"},
                 {"name":"em","type":"email"},{"name":"emd","type":"email","onlyDomains":["example.com"]},
                 {"name":"u","type":"url"},{"name":"ud","type":"url","onlyDomains":["example.com"]},
                 {"name":"d","type":"date"},{"name":"dm","type":"date","min":"2020-01-01","max":"2030-06-01 12:30:00.5Z"},
                 {"name":"s","type":"select","values":["a","b","c"],"maxSelect":1},
                 {"name":"sm","type":"select","values":["a","b","c","d"],"maxSelect":3},
                 {"name":"j","type":"json","maxSize":20},{"name":"g","type":"geoPoint"},
                 {"name":"r","type":"relation","collectionId":"targets","maxSelect":1},
                 {"name":"rm","type":"relation","collectionId":"targets","minSelect":2,"maxSelect":3},
                 {"name":"p","type":"password","min":3}]}""", su, 200);
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    private static String error(String field, String code) {
        return "\"" + field + "\":{\"code\":\"" + code + "\"";
    }

    static Stream<ValueCase> numbers() {
        return Stream.of(
                ValueCase.create("number: text as Go parses it", "{\"num\":\"12.5\"}", 200, "\"num\":12.5"),
                ValueCase.create("number: text with spaces is 0, Go does not trim", "{\"num\":\" 12 \"}", 200, "\"num\":0"),
                ValueCase.create("number: a Java suffix is no number", "{\"num\":\"12d\"}", 200, "\"num\":0"),
                ValueCase.create("number: digit separators as Go reads them", "{\"num\":\"1_000\"}", 200, "\"num\":1000"),
                ValueCase.create("number: text past a float64 is 0", "{\"num\":\"1e400\"}", 200, "\"num\":0"),
                ValueCase.create("number: inf in any case is refused", "{\"num\":\"-inf\"}", 400,
                        error("num", "validation_not_a_number")),
                ValueCase.create("number: nan in any case is refused", "{\"num\":\"nan\"}", 400,
                        error("num", "validation_not_a_number")),
                ValueCase.create("number: a list is 0", "{\"num\":[5,6]}", 200, "\"num\":0"),
                ValueCase.create("number: true is 1", "{\"num\":true}", 200, "\"num\":1"),
                ValueCase.create("number: a fraction is written without an exponent", "{\"num\":12345678.5}", 200,
                        "\"num\":12345678.5"),
                ValueCase.create("number: min as Go's %f, without params", "{\"lim\":2}", 400,
                        "\"lim\":{\"code\":\"validation_min_number_constraint\",\"message\":\"Must be larger than 5.000000.\"}"),
                ValueCase.create("number: max as Go's %f, without params", "{\"lim\":10.5}", 400,
                        "\"lim\":{\"code\":\"validation_max_number_constraint\",\"message\":\"Must be less than 10.000000.\"}"),
                ValueCase.create("number: onlyInt refuses what no int64 holds", "{\"intn\":1e19}", 400,
                        error("intn", "validation_only_int_constraint")),
                ValueCase.update("number: add and subtract", "{\"num\":10}", "{\"num+\":\"2.5\",\"num-\":1}", 200,
                        "\"num\":11.5"),
                ValueCase.update("number: a prefix is no modifier of a number", "{\"num\":10}", "{\"+num\":5}", 200,
                        "\"num\":10"),
                ValueCase.form("number: a form's number", new Form().field("num", "12"), 200, "\"num\":12"));
    }

    static Stream<ValueCase> booleansAndTexts() {
        return Stream.of(
                ValueCase.create("bool: yes is not true", "{\"b\":\"yes\"}", 200, "\"b\":false"),
                ValueCase.create("bool: TRUE as Go's ParseBool reads it", "{\"b\":\"TRUE\"}", 200, "\"b\":true"),
                ValueCase.create("bool: a list is false", "{\"b\":[true]}", 200, "\"b\":false"),
                ValueCase.create("bool: JSON text 2 is false", "{\"b\":\"2\"}", 200, "\"b\":false"),
                ValueCase.form("bool: a form's 2 is a number, so true", new Form().field("b", "2"), 200, "\"b\":true"),
                ValueCase.form("bool: a form's on is false", new Form().field("b", "on"), 200, "\"b\":false"),
                ValueCase.create("text: a list is empty, not its last item", "{\"t\":[\"a\",\"b\"]}", 200, "\"t\":\"\""),
                ValueCase.create("text: an object is empty, not its JSON", "{\"t\":{\"a\":1}}", 200, "\"t\":\"\""),
                ValueCase.create("text: a number as Go prints a float64", "{\"t\":12345678901234567890}", 200,
                        "\"t\":\"12345678901234567000\""),
                ValueCase.create("text: a boolean", "{\"t\":true}", 200, "\"t\":\"true\""),
                ValueCase.form("text: a form key given twice is a list, so empty", new Form().field("t", "a").field("t", "b"),
                        200, "\"t\":\"\""),
                ValueCase.form("text: form text that only looks like a number stays as sent",
                        new Form().field("t", "1.50").field("num", "007"), 200, "\"t\":\"1.50\"", "\"num\":7"),
                ValueCase.update("text: an id made by :autogenerate on an update is a change of key", "{}",
                        "{\"id:autogenerate\":\"\"}", 400, error("id", "validation_pk_change")));
    }

    static Stream<ValueCase> emailsAndUrls() {
        return Stream.of(
                ValueCase.create("email: not trimmed", "{\"em\":\" a@example.com\"}", 400, error("em", "validation_is_email")),
                ValueCase.create("email: a top-level domain ends in a letter", "{\"em\":\"a@b.c1\"}", 400,
                        error("em", "validation_is_email")),
                ValueCase.create("email: parentheses are no part of a plain address", "{\"em\":\"a(b)@example.com\"}", 400,
                        error("em", "validation_is_email")),
                ValueCase.create("email: a quoted local part as govalidator reads it", "{\"em\":\"\\\"ab\\\"@example.com\"}",
                        400, error("em", "validation_is_email")),
                ValueCase.create("email: no length limit", "{\"em\":\"" + "a".repeat(300) + "@example.com\"}", 200,
                        "\"em\":\"aaa"),
                ValueCase.create("email: an allowed domain is matched exactly", "{\"emd\":\"a@Example.com\"}", 400,
                        error("emd", "validation_email_domain_not_allowed")),
                ValueCase.create("url: not trimmed", "{\"u\":\" https://example.com\"}", 400, error("u", "validation_invalid_url")),
                ValueCase.create("url: a host of 2,000 characters that nearly matches (was a 500: out of stack)",
                        "{\"u\":\"" + "a".repeat(2000) + ":99999999\"}", 400, error("u", "validation_invalid_url")),
                ValueCase.create("url: only govalidator's schemes", "{\"u\":\"custom://example.com\"}", 400,
                        error("u", "validation_invalid_url")),
                ValueCase.create("url: a host without a scheme", "{\"u\":\"example.com/a\"}", 200, "\"u\":\"example.com/a\""),
                ValueCase.create("url: a single name needs a scheme", "{\"u\":\"localhost\"}", 400,
                        error("u", "validation_invalid_url")),
                ValueCase.create("url: user info before a host", "{\"u\":\"mailto:a@example.com\"}", 200,
                        "\"u\":\"mailto:a@example.com\""),
                ValueCase.create("url: the host compared keeps its port", "{\"ud\":\"https://example.com:8080\"}", 400,
                        error("ud", "validation_url_domain_not_allowed")),
                ValueCase.create("url: without a scheme there is no host to allow", "{\"ud\":\"example.com/a\"}", 400,
                        error("ud", "validation_url_domain_not_allowed")),
                ValueCase.create("url: hosts are matched exactly", "{\"ud\":\"https://EXAMPLE.com\"}", 400,
                        error("ud", "validation_url_domain_not_allowed")),
                ValueCase.create("url: an allowed host", "{\"ud\":\"https://example.com/x\"}", 200,
                        "\"ud\":\"https://example.com/x\""));
    }

    static Stream<ValueCase> dates() {
        return Stream.of(
                ValueCase.create("date: a number is no date", "{\"d\":1700000000}", 200, "\"d\":\"\""),
                ValueCase.create("date: minutes without seconds are no date", "{\"d\":\"2024-01-02T03:04\"}", 200, "\"d\":\"\""),
                ValueCase.create("date: a lowercase z is no zone", "{\"d\":\"2024-01-02T03:04:05z\"}", 200, "\"d\":\"\""),
                ValueCase.create("date: text is not trimmed", "{\"d\":\" 2024-01-02\"}", 200, "\"d\":\"\""),
                ValueCase.create("date: RFC 3339 with a fraction", "{\"d\":\"2024-01-02T03:04:05.123456+01:00\"}", 200,
                        "\"d\":\"2024-01-02 02:04:05.123Z\""),
                ValueCase.create("date: RFC 1123 with a named zone", "{\"d\":\"Tue, 02 Jan 2024 03:04:05 GMT\"}", 200,
                        "\"d\":\"2024-01-02 03:04:05.000Z\""),
                ValueCase.create("date: an offset without a colon", "{\"d\":\"2024-01-02 03:04:05 +0200\"}", 200,
                        "\"d\":\"2024-01-02 01:04:05.000Z\""),
                ValueCase.create("date: a day and a month name", "{\"d\":\"02 Jan 2024\"}", 200, "\"d\":\"2024-01-02 00:00:00.000Z\""),
                ValueCase.create("date: min as Go prints and encodes a time", "{\"dm\":\"2019-12-31\"}", 400,
                        error("dm", "validation_min_greater_equal_than_required")
                                + ",\"message\":\"Must be no less than 2020-01-01 00:00:00 +0000 UTC.\"",
                        "\"threshold\":\"2020-01-01T00:00:00Z\""),
                ValueCase.create("date: max with a fraction", "{\"dm\":\"2031-01-01\"}", 400,
                        "\"message\":\"Must be no greater than 2030-06-01 12:30:00.5 +0000 UTC.\"",
                        "\"threshold\":\"2030-06-01T12:30:00.5Z\""));
    }

    static Stream<ValueCase> lists() {
        return Stream.of(
                ValueCase.create("select: too many values is counted before unknown values", "{\"sm\":[\"x\",\"y\",\"z\",\"w\"]}",
                        400, error("sm", "validation_too_many_values")),
                ValueCase.update("select: a prepend keeps a single value's choice", "{\"s\":\"a\"}", "{\"+s\":\"b\"}", 200,
                        "\"s\":\"a\""),
                ValueCase.update("select: an append picks the last of the unique list", "{\"s\":\"a\"}",
                        "{\"s+\":[\"b\",\"a\"]}", 200, "\"s\":\"b\""),
                ValueCase.update("select: a removal", "{\"sm\":[\"a\",\"b\",\"c\"]}", "{\"sm-\":\"b\"}", 200,
                        "\"sm\":[\"a\",\"c\"]"),
                ValueCase.create("select: JSON list text after a space", "{\"sm\":\" [\\\"a\\\",\\\"b\\\"]\"}", 200,
                        "\"sm\":[\"a\",\"b\"]"),
                ValueCase.create("select: a list holding a list is empty", "{\"sm\":[[\"a\"],\"b\"]}", 200, "\"sm\":[]"),
                ValueCase.form("select: a form key given twice", new Form().field("sm", "a").field("sm", "c"), 200,
                        "\"sm\":[\"a\",\"c\"]"),
                ValueCase.form("relation: comma text is one id, not a list", new Form().field("rm", targetA + "," + targetB), 400,
                        error("rm", "validation_not_enough_values")),
                ValueCase.create("relation: one value keeps the last", "{\"r\":[\"{a}\",\"{b}\"]}", 200, "\"r\":\"{b}\""));
    }

    static Stream<ValueCase> jsonGeoAndPasswords() {
        return Stream.of(
                ValueCase.create("json: text with more after its JSON is text", "{\"j\":\"[1] x\"}", 200, "\"j\":\"[1] x\""),
                ValueCase.create("json: size in bytes, not characters", "{\"j\":\"" + "é".repeat(10) + "\"}", 400,
                        error("j", "validation_json_size_limit")),
                ValueCase.create("json: HTML characters count as Go escapes them", "{\"j\":[\"<<<\"]}", 400,
                        error("j", "validation_json_size_limit")),
                ValueCase.create("json: a body's number as Go encodes a float64", "{\"j\":{\"a\":1.0}}", 200, "\"j\":{\"a\":1}"),
                ValueCase.create("json: text Go can only quote with \\x is no JSON", "{\"j\":\"a\\u0001\"}", 400,
                        error("j", "validation_invalid_json")),
                ValueCase.form("json: a form's true and number", new Form().field("j", "true"), 200, "\"j\":true"),
                ValueCase.create("geoPoint: a coordinate given as text stays 0", "{\"g\":{\"lon\":\"1.5\",\"lat\":2}}", 200,
                        "\"g\":{\"lon\":0,\"lat\":2}"),
                ValueCase.create("geoPoint: keys in any case", "{\"g\":{\"LON\":10,\"Lat\":20}}", 200,
                        "\"g\":{\"lon\":10,\"lat\":20}"),
                ValueCase.create("geoPoint: as JSON text", "{\"g\":\"{\\\"lon\\\":1.5,\\\"lat\\\":-2}\"}", 200,
                        "\"g\":{\"lon\":1.5,\"lat\":-2}"),
                ValueCase.create("password: too short, without params", "{\"p\":\"ab\"}", 400,
                        "\"p\":{\"code\":\"validation_min_text_constraint\",\"message\":\"Must be at least 3 character(s).\"}"),
                ValueCase.create("password: too long, as PocketBase words it", "{\"p\":\"" + "x".repeat(72) + "\"}", 400,
                        "\"p\":{\"code\":\"validation_max_text_constraint\",\"message\":\"Must be less than 71 character(s).\"}"),
                ValueCase.create("password: never shown", "{\"p\":\"secret1\"}", 200, "\"p\":\"\"").without("secret1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"numbers", "booleansAndTexts", "emailsAndUrls", "dates", "lists", "jsonGeoAndPasswords"})
    void valueIsCastAndCheckedAsPocketBaseDoes(ValueCase c) throws Exception {
        String path = "/api/collections/vals/records";
        String method = "POST";
        if (c.before() != null) {
            path += "/" + worker.call("POST", path, fill(c.before()), su, 200).get("id").asText();
            method = "PATCH";
        }
        HttpResponse<String> response = c.form() != null ? worker.sendForm(method, path, c.form(), Map.of("Authorization", su))
                : worker.send(method, path, fill(c.json()), Map.of("Authorization", su));
        assertEquals(c.status(), response.statusCode(), c.name() + ": " + response.body());
        for (String expected : c.expected()) {
            assertTrue(response.body().contains(fill(expected)), c.name() + ": expected " + fill(expected) + " in "
                    + response.body());
        }
        for (String absent : c.absent()) {
            assertFalse(response.body().contains(absent), c.name() + ": did not expect " + absent + " in " + response.body());
        }
    }

    @Test
    void aStoredIdIsNotCheckedAgainAgainstAPatternChangedSince() throws Exception {
        worker.call("POST", "/api/collections", "{\"name\":\"legacy\",\"fields\":[{\"name\":\"t\",\"type\":\"text\"}]}",
                su, 200);
        String id = worker.call("POST", "/api/collections/legacy/records", "{\"id\":\"abc123def456ghi\"}", su, 200)
                .get("id").asText();
        var fields = worker.call("GET", "/api/collections/legacy", null, su, 200).get("fields");
        ((com.fasterxml.jackson.databind.node.ObjectNode) fields.get(0)).put("pattern", "^[0-9]+$");
        worker.call("PATCH", "/api/collections/legacy", "{\"fields\":" + fields + "}", su, 200);

        assertEquals("kept", worker.call("PATCH", "/api/collections/legacy/records/" + id, "{\"t\":\"kept\"}", su, 200)
                .get("t").asText(), "only a change of the id is refused on update");
        var changed = worker.call("PATCH", "/api/collections/legacy/records/" + id, "{\"id\":\"123\"}", su, 400);
        assertEquals("validation_pk_change", changed.at("/data/id/code").asText(), changed.toString());
    }

    @Test
    void rulesSeeAFormsNumbersAndBooleansAsTheyAre() throws Exception {
        worker.call("POST", "/api/collections", "{\"name\":\"gated\",\"createRule\":"
                + "\"@request.body.count > 5 && @request.body.flag = true\",\"fields\":[{\"name\":\"t\",\"type\":\"text\"}]}",
                su, 200);
        String path = "/api/collections/gated/records";
        HttpResponse<String> ten = worker.sendForm("POST", path, new Form().field("count", "10").field("flag", "true"), Map.of());
        assertEquals(200, ten.statusCode(), ten.body());
        // As text, "3" would sort after any number and pass, and "true" would not equal true.
        HttpResponse<String> three = worker.sendForm("POST", path, new Form().field("count", "3").field("flag", "true"), Map.of());
        assertEquals(400, three.statusCode(), three.body());
    }

    /**
     * A pattern that backtracks without end on a near miss (a counted repetition of a repetition, such
     * as "up to 40 words"; Go's RE2, which PocketBase uses, never backtracks): the value is refused as
     * not matching, in bounded time, and the database goes on writing. Unbounded, the search would
     * hold the writer thread for hours.
     */
    @Test
    @org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void aPatternThatWouldBacktrackWithoutEndRefusesTheValueAndWritesGoOn() throws Exception {
        worker.call("POST", "/api/collections", """
                {"name":"nested","createRule":"","fields":[{"name":"t","type":"text","pattern":"^(a+){1,30}$"},
                 {"name":"p","type":"password","pattern":"^(\\\\w+\\\\s?){1,40}$"}]}""", su, 200);
        String nearMiss = "a".repeat(40) + "!";
        var refused = worker.call("POST", "/api/collections/nested/records", "{\"t\":\"" + nearMiss + "\"}", null, 400);
        assertEquals("validation_invalid_format", refused.at("/data/t/code").asText(), refused.toString());
        var password = worker.call("POST", "/api/collections/nested/records",
                "{\"p\":\"" + "word ".repeat(10) + "!\"}", null, 400);
        assertEquals("validation_invalid_format", password.at("/data/p/code").asText(), password.toString());
        assertEquals("aaaa", worker.call("POST", "/api/collections/nested/records", "{\"t\":\"aaaa\"}", null, 200)
                .get("t").asText());
    }

    /**
     * Java's regex recurses once per repetition of a group, where RE2 loops: {@code ^(a|b)+$} over a
     * value of 4,800 characters ran out of stack (a 500). It is judged as PocketBase judges it.
     */
    @Test
    void aPatternRepeatingAGroupOverALongValueIsJudgedAsRe2JudgesIt() throws Exception {
        worker.call("POST", "/api/collections", """
                {"name":"repeats","createRule":"","fields":[{"name":"t","type":"text","pattern":"^(a|b)+$"}]}""", su, 200);
        String value = "ab".repeat(2400);
        assertEquals(value, worker.call("POST", "/api/collections/repeats/records", "{\"t\":\"" + value + "\"}", null, 200)
                .get("t").asText());
        var refused = worker.call("POST", "/api/collections/repeats/records", "{\"t\":\"" + value + "c\"}", null, 400);
        assertEquals("validation_invalid_format", refused.at("/data/t/code").asText(), refused.toString());
    }

    private static String fill(String s) {
        return s.replace("{a}", targetA).replace("{b}", targetB);
    }
}
