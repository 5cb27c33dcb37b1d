package dev.hivelite.node.records;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The hand-written date format against the formatter it replaces on the writer thread. */
class DatesFormatTest {

    private static final DateTimeFormatter FORMATTER =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Test
    void everyInstantIsWrittenAsTheFormatterWritesIt() {
        SplittableRandom random = new SplittableRandom(42);
        long first = Instant.parse("-0100-01-01T00:00:00Z").getEpochSecond();
        long last = Instant.parse("+10100-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 200_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(first, last), random.nextInt(1_000_000_000));
            assertEquals(FORMATTER.format(instant), Dates.format(instant), instant.toString());
        }
        for (String edge : new String[] {"1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999999999Z", "0000-01-01T00:00:00Z",
                "9999-12-31T23:59:59.999Z", "2024-02-29T12:00:00.0005Z", "-0001-12-31T23:59:59Z", "+10000-01-01T00:00:00Z"}) {
            Instant instant = Instant.parse(edge);
            assertEquals(FORMATTER.format(instant), Dates.format(instant), edge);
        }
    }
}
