package dev.hivelite.node.records.filter;

import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;

/** Values of the date/time macros, computed in UTC from a {@link Clock} so tests can pin "now". */
final class Macros {
    /** PocketBase's stored datetime text format ("2006-01-02 15:04:05.000Z" in Go notation). */
    static final DateTimeFormatter PB_DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS'Z'");

    private static final LocalTime END_OF_DAY = LocalTime.of(23, 59, 59, 999_000_000);

    private Macros() {
    }

    /** Returns the bound value of macro {@code name} (a String datetime or a Long number). */
    static Object value(String name, Clock clock) {
        ZonedDateTime now = ZonedDateTime.now(clock.withZone(ZoneOffset.UTC)).truncatedTo(ChronoUnit.MILLIS);
        LocalDate today = now.toLocalDate();
        return switch (name) {
            case "@now" -> format(now);
            case "@yesterday" -> format(now.minusDays(1));
            case "@tomorrow" -> format(now.plusDays(1));
            case "@todayStart" -> format(today.atStartOfDay(ZoneOffset.UTC));
            case "@todayEnd" -> format(today.atTime(END_OF_DAY).atZone(ZoneOffset.UTC));
            case "@monthStart" -> format(today.withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC));
            case "@monthEnd" -> format(today.with(TemporalAdjusters.lastDayOfMonth())
                    .atTime(END_OF_DAY).atZone(ZoneOffset.UTC));
            case "@yearStart" -> format(today.withDayOfYear(1).atStartOfDay(ZoneOffset.UTC));
            case "@yearEnd" -> format(today.with(TemporalAdjusters.lastDayOfYear())
                    .atTime(END_OF_DAY).atZone(ZoneOffset.UTC));
            case "@second" -> (long) now.getSecond();
            case "@minute" -> (long) now.getMinute();
            case "@hour" -> (long) now.getHour();
            // Go's time.Weekday counts Sunday as 0; java.time counts Monday as 1 .. Sunday as 7.
            case "@weekday" -> (long) (now.getDayOfWeek().getValue() % 7);
            case "@day" -> (long) now.getDayOfMonth();
            case "@month" -> (long) now.getMonthValue();
            case "@year" -> (long) now.getYear();
            default -> throw new FilterException("invalid filter: unknown macro");
        };
    }

    private static String format(ZonedDateTime t) {
        return PB_DATETIME.format(t);
    }
}
