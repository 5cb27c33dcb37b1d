package dev.hivelite.node.records.filter;

import static dev.hivelite.node.records.filter.Scenario.of;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Single-valued filters run against real SQLite must match exactly the rows PocketBase would. */
class FilterMatchesPocketBaseSemanticsTest {

    private static final List<Scenario> OPERATORS = List.of(
            of("equal text", "title = 'Hello World'", "r1"),
            of("equal is case-sensitive", "title = 'hello world'"),
            of("not-equal includes NULL rows", "title != \"Hello World\"", "r2", "r3", "r4", "r5", "r6", "r7"),
            of("greater", "views > 5", "r1", "r4", "r6", "r7"),
            of("greater or equal", "views >= 10", "r1", "r6"),
            of("less, negative number", "views < 0", "r5"),
            of("less or equal", "views <= 0", "r2", "r5"),
            of("float literal", "views = 5.5", "r4"),
            of("negative literal", "views = -3", "r5"),
            of("literal on the left", "10 = views", "r1"),
            of("literal on the left, less", "7 < views", "r1", "r6"),
            of("like is contains and case-insensitive", "title ~ 'world'", "r1", "r6"),
            of("not-like skips NULL", "title !~ 'world'", "r2", "r4", "r5", "r7"),
            of("true", "active = true", "r1", "r4", "r6", "r7"),
            of("false", "active = false", "r2", "r5"),
            of("not true includes NULL", "active != true", "r2", "r3", "r5"),
            of("text date comparison", "created > '2026-06-01'", "r1", "r2", "r5", "r6", "r7"),
            of("any-variant on a single value", "views ?> 50", "r6"),
            of("any-variant equal on a single value", "title ?= 'Seven'", "r7"),
            of("field against field", "title:lower = 'hello world'", "r1"));

    private static final List<Scenario> EMPTY_AND_NULL = List.of(
            of("equal empty matches NULL and ''", "title = ''", "r2", "r3"),
            of("equal null matches NULL and ''", "title = null", "r2", "r3"),
            of("null on the left", "null = title", "r2", "r3"),
            of("not-equal empty matches neither", "title != \"\"", "r1", "r4", "r5", "r6", "r7"),
            of("not-equal null matches neither", "title != NULL", "r1", "r4", "r5", "r6", "r7"),
            of("zero is not empty", "views = null", "r3"),
            of("zero is a value", "views = 0", "r2"),
            of("field equals itself even when NULL", "title = title", "r1", "r2", "r3", "r4", "r5", "r6", "r7"),
            of("empty equals null", "'' = null", "r1", "r2", "r3", "r4", "r5", "r6", "r7"),
            of("empty differs from null: never", "null != ''"),
            of("anonymous auth id is empty", "@request.auth.id = ''", "r1", "r2", "r3", "r4", "r5", "r6", "r7"),
            of("anonymous auth id matches no id", "id = @request.auth.id"),
            of("resolved value", "@request.auth.role = 'admin' && views = 10", "r1"),
            of("an exact value equals '' only when empty", "exact_title = ''", "r2"),
            of("an exact value equals null only when NULL", "exact_title = null", "r3"),
            of("an exact value differs from '' when NULL", "exact_title != ''", "r1", "r3", "r4", "r5", "r6", "r7"),
            of("an exact value against a text", "exact_title = 'Seven'", "r7"));

    private static final List<Scenario> LIKE_ESCAPING = List.of(
            of("explicit % is a pattern", "title ~ '100%'", "r4"),
            of("leading % is a pattern", "title ~ '%world'", "r1", "r6"),
            of("underscore is literal", "title ~ 'o_w'", "r6"),
            of("lone underscore is literal", "title ~ '_'", "r4", "r6"),
            of("escaped % is literal", "title ~ '100\\%'", "r4"),
            of("escaped single quote", "title ~ 'It\\'s'", "r5"),
            of("double quotes in single quotes", "title ~ '\"quoted\"'", "r5"),
            of("escaped double quotes", "title ~ \"\\\"quoted\\\"\"", "r5"),
            of("column on the right is wrapped", "title ~ title", "r1", "r2", "r4", "r5", "r6", "r7"),
            of("not-like with explicit pattern", "title !~ 'hello%'", "r2", "r4", "r5", "r7"),
            of("number value", "views ~ 5", "r4"));

    private static final List<Scenario> STRUCTURE = List.of(
            of("&& binds tighter than ||", "views > 50 || views < 0 && active = true", "r6"),
            of("&& binds tighter than ||, matching", "views > 50 || views < 0 && active = false", "r5", "r6"),
            of("parentheses override", "(views > 50 || views < 0) && active = false", "r5"),
            of("&& then ||", "active = true && views > 8 || title = ''", "r1", "r2", "r3", "r6"),
            of("&& over a group", "active = true && (views > 8 || title = '')", "r1", "r6"),
            of("redundant parentheses", "((((views = 10))))", "r1"),
            of("no whitespace", "views>=10&&views<=10", "r1"),
            of("newlines and tabs", "\n\tviews\n>=\r\n100\n", "r6"),
            of("line comment", "views = 10 // only ten\n || views = 0", "r1", "r2"),
            of("comment inside quotes is text", "title = '//x' || views = 7", "r7"),
            of("blank filter matches all", "   ", "r1", "r2", "r3", "r4", "r5", "r6", "r7"),
            of("comment-only filter matches all", "// nothing\n", "r1", "r2", "r3", "r4", "r5", "r6", "r7"));

    private static final List<Scenario> FUNCTIONS = List.of(
            of("strftime year", "strftime('%Y', created) = '2027'", "r5"),
            of("strftime with modifier", "strftime('%Y', created, '+1 year') = '2027'",
                    "r1", "r2", "r4", "r6", "r7"),
            of("geoDistance near Berlin", "geoDistance(lon, lat, 13.405, 52.52) < 1", "r1", "r5"),
            of("geoDistance around Paris", "geoDistance(lon, lat, 2.3522, 48.8566) < 400", "r2", "r4"),
            of("geoDistance range", "geoDistance(lon, lat, 2.3522, 48.8566) > 800", "r1", "r5"));

    @TestFactory
    Stream<DynamicTest> comparisonOperators() {
        return ScenarioRunner.run(OPERATORS, TestResolver.anonymous());
    }

    @TestFactory
    Stream<DynamicTest> emptyStringAndNullAreAlike() {
        return ScenarioRunner.run(EMPTY_AND_NULL, TestResolver.anonymous());
    }

    @TestFactory
    Stream<DynamicTest> likeValuesAreEscapedAndWrapped() {
        return ScenarioRunner.run(LIKE_ESCAPING, TestResolver.anonymous());
    }

    @TestFactory
    Stream<DynamicTest> precedenceGroupsAndComments() {
        return ScenarioRunner.run(STRUCTURE, TestResolver.anonymous());
    }

    @TestFactory
    Stream<DynamicTest> functions() {
        return ScenarioRunner.run(FUNCTIONS, TestResolver.anonymous());
    }

    @TestFactory
    Stream<DynamicTest> authenticatedCaller() {
        return ScenarioRunner.run(List.of(
                of("own record", "id = @request.auth.id", "r1"),
                of("auth id is not empty", "@request.auth.id != ''", "r1", "r2", "r3", "r4", "r5", "r6", "r7"),
                of("others", "id != @request.auth.id", "r2", "r3", "r4", "r5", "r6", "r7")),
                new TestResolver("r1"));
    }
}
