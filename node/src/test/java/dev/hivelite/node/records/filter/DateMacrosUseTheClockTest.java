package dev.hivelite.node.records.filter;

import static dev.hivelite.node.records.filter.Scenario.of;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Macros are bound values computed in UTC from the given clock (fixed at 2026-11-30 12:00 UTC). */
class DateMacrosUseTheClockTest {

    private static final List<Scenario> MACROS = List.of(
            of("now", "created = @now", "r6"),
            of("before now", "created < @now", "r1", "r2", "r4"),
            of("today", "created >= @todayStart && created <= @todayEnd", "r1", "r6", "r7"),
            of("yesterday", "created = @yesterday", "r2"),
            of("after yesterday", "created > @yesterday", "r1", "r5", "r6", "r7"),
            of("before tomorrow", "created < @tomorrow", "r1", "r2", "r4", "r6", "r7"),
            of("this year", "created >= @yearStart && created <= @yearEnd", "r1", "r2", "r4", "r6", "r7"),
            of("this month", "created >= @monthStart", "r1", "r2", "r5", "r6", "r7"),
            of("after month end", "created > @monthEnd", "r5"),
            of("numeric macros", "@year = 2026 && @month = 11 && @day = 30 && @hour = 12"
                    + " && @minute = 0 && @second = 0 && @weekday = 1 && id = 'r3'", "r3"),
            of("numeric macro mismatch", "@year = 2027"));

    @TestFactory
    Stream<DynamicTest> macrosAgainstRows() {
        return ScenarioRunner.run(MACROS, TestResolver.anonymous());
    }

    @Test
    void dateMacrosUsePocketBaseTextFormatInUtc() {
        Clock leapFebruary = Clock.fixed(Instant.parse("2028-02-10T08:09:10.123456Z"), ZoneOffset.ofHours(5));
        assertEquals("2028-02-10 08:09:10.123Z", macro("@now", leapFebruary));
        assertEquals("2028-02-09 08:09:10.123Z", macro("@yesterday", leapFebruary));
        assertEquals("2028-02-11 08:09:10.123Z", macro("@tomorrow", leapFebruary));
        assertEquals("2028-02-10 00:00:00.000Z", macro("@todayStart", leapFebruary));
        assertEquals("2028-02-10 23:59:59.999Z", macro("@todayEnd", leapFebruary));
        assertEquals("2028-02-01 00:00:00.000Z", macro("@monthStart", leapFebruary));
        assertEquals("2028-02-29 23:59:59.999Z", macro("@monthEnd", leapFebruary));
        assertEquals("2028-01-01 00:00:00.000Z", macro("@yearStart", leapFebruary));
        assertEquals("2028-12-31 23:59:59.999Z", macro("@yearEnd", leapFebruary));
        assertEquals(4L, macro("@weekday", leapFebruary)); // a Thursday; Sunday is 0 as in Go
        assertEquals(8L, macro("@hour", leapFebruary));
        assertEquals(10L, macro("@second", leapFebruary));
    }

    private static Object macro(String name, Clock clock) {
        FilterCompiler.Compiled c = FilterCompiler.compile(
                FilterParser.parse(name + " = 1"), TestResolver.anonymous(), clock);
        return c.params().get(0);
    }
}
