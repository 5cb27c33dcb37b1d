package dev.hivelite.node.records.filter;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Bad filters fail with a FilterException (never another exception) whose message holds no SQL. */
class MalformedFiltersAreRejectedTest {

    private static final List<String> MALFORMED = List.of(
            "title",
            "title =",
            "= 1",
            "title = 1 &&",
            "&& title = 1",
            "title = 1 || || views = 2",
            "(title = 1",
            "title = 1)",
            "((title = 1)",
            "()",
            "(title = 1) ()",
            "title = 'abc",
            "title = \"abc'",
            "title == 1",
            "title =! 1",
            "title ?? 1",
            "title ? 1",
            "title = 1 & views = 2",
            "title = 1 ||| views = 2",
            "title = 1 views = 2",
            "title = 1 2",
            "title # 1",
            "title = 1.",
            "title = 1.2.3",
            "title = -",
            "title. = 1",
            "a..b = 1",
            "@ = 1",
            "title = 1 /",
            "title = 1; DROP TABLE t",
            "unknownFn(1) = 1",
            "geoDistance(1, 2, 3) < 1",
            "geoDistance(1, 2, 3, 4 < 1",
            "strftime('%Y', created,) = '1'",
            "strftime() = '1'",
            "title = '" + "x".repeat(FilterParser.MAX_LENGTH) + "'",
            "(".repeat(FilterParser.MAX_DEPTH + 1) + "views = 1" + ")".repeat(FilterParser.MAX_DEPTH + 1),
            "views = 1" + " || views = 1".repeat(FilterParser.MAX_COMPARISONS),
            "secret = 1",
            "nope = 1",
            "views = 1 || missing.field ?= 2",
            "geoDistance(tags, 1, 2, 3) < 1");

    @TestFactory
    Stream<DynamicTest> malformedFiltersThrowFilterException() {
        return MALFORMED.stream().map(f -> DynamicTest.dynamicTest(abbreviate(f), () -> {
            FilterException e = assertThrows(FilterException.class, () -> FilterCompiler.compile(
                    FilterParser.parse(f), TestResolver.anonymous(), FilterTestDb.CLOCK));
            assertFalse(e.getMessage().contains("SELECT") || e.getMessage().contains("COALESCE"),
                    e.getMessage());
        }));
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
