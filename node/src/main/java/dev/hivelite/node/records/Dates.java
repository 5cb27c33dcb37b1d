package dev.hivelite.node.records;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PocketBase's date text: one format out ({@code 2006-01-02 15:04:05.000Z}, UTC), and in, the
 * layouts Go's {@code cast.ToTime} tries, in its order: RFC 3339 and its variants with a space, no
 * {@code T}, no colon in the offset or no offset (read as UTC), a date alone, RFC 1123/822/850, the
 * C, Unix and Ruby forms, {@code 02 Jan 2006}, and a time alone (year 0). A named zone counts as
 * UTC, as cast relocates it; a fraction may follow any seconds. Anything else, a Unix number or a
 * time without seconds, is no date: PocketBase stores the empty date then. Nothing is trimmed.
 */
final class Dates {

    private static final DateTimeFormatter OUT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static final String DATE = "(?<y>\\d{4})-(?<mo>\\d{2})-(?<d>\\d{2})";
    private static final String TIME = "(?<h>\\d{1,2}):(?<mi>\\d{2}):(?<s>\\d{2})(?:[.,](?<f>\\d+))?";
    private static final String ZONE_NAME = "(?:ChST|MeST|WITA|GMT(?:[+-]\\d{1,2})?|[+-]\\d{2}|[A-Z]{3}|[A-Z]{3,4}T)";
    private static final String DAY_NAME = "(?i:mon|tue|wed|thu|fri|sat|sun)";
    private static final String LONG_DAY_NAME = "(?i:monday|tuesday|wednesday|thursday|friday|saturday|sunday)";
    private static final String MONTH_NAME = "(?<mon>(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))";
    private static final List<String> MONTHS =
            List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");
    private static final String OFFSET = "(?<off>[+-]\\d{4})";
    private static final String COLON_OFFSET = "(?<off>[+-]\\d{2}:\\d{2})";

    /** Go's layouts, as cast lists them, each written as the text it matches. */
    private static final List<Pattern> LAYOUTS = List.of(
            DATE + "T" + TIME + "(?<off>Z|[+-]\\d{2}:\\d{2})",
            DATE + "T" + TIME,
            DAY_NAME + ", (?<d>\\d{2}) " + MONTH_NAME + " (?<y>\\d{4}) " + TIME + " " + OFFSET,
            DAY_NAME + ", (?<d>\\d{2}) " + MONTH_NAME + " (?<y>\\d{4}) " + TIME + " " + ZONE_NAME,
            "(?<d>\\d{2}) " + MONTH_NAME + " (?<yy>\\d{2}) (?<h>\\d{1,2}):(?<mi>\\d{2}) " + OFFSET,
            "(?<d>\\d{2}) " + MONTH_NAME + " (?<yy>\\d{2}) (?<h>\\d{1,2}):(?<mi>\\d{2}) " + ZONE_NAME,
            LONG_DAY_NAME + ", (?<d>\\d{2})-" + MONTH_NAME + "-(?<yy>\\d{2}) " + TIME + " " + ZONE_NAME,
            DATE + " " + TIME + " " + OFFSET + " " + ZONE_NAME,
            DATE + "T" + TIME + OFFSET,
            DATE + " " + TIME + "(?<off>Z|[+-]\\d{4})",
            DATE + " " + TIME,
            DAY_NAME + " " + MONTH_NAME + " {1,2}(?<d>\\d{1,2}) " + TIME + " (?<y>\\d{4})",
            DAY_NAME + " " + MONTH_NAME + " {1,2}(?<d>\\d{1,2}) " + TIME + " " + ZONE_NAME + " (?<y>\\d{4})",
            DAY_NAME + " " + MONTH_NAME + " (?<d>\\d{2}) " + TIME + " " + OFFSET + " (?<y>\\d{4})",
            DATE + " " + TIME + "(?<off>Z|[+-]\\d{2}:\\d{2})",
            DATE,
            "(?<d>\\d{2}) " + MONTH_NAME + " (?<y>\\d{4})",
            DATE + " " + TIME + " " + COLON_OFFSET,
            DATE + " " + TIME + " " + OFFSET,
            "(?<h>\\d{1,2}):(?<mi>\\d{2})(?<pm>AM|PM)",
            MONTH_NAME + " {1,2}(?<d>\\d{1,2}) " + TIME).stream().map(Pattern::compile).toList();

    private Dates() {
    }

    /**
     * {@code uuuu-MM-dd HH:mm:ss.SSS'Z'} in UTC. Every create and update formats its autodates on the
     * writer thread, where the formatter was ~5 % of the thread's time: years 0 to 9999 are written
     * here by hand, the rest (never an autodate) by the formatter.
     */
    static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        long days = Math.floorDiv(seconds, 86_400L);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        java.time.LocalDate date = java.time.LocalDate.ofEpochDay(days);
        int year = date.getYear();
        if (year < 0 || year > 9999) {
            return OUT.format(instant);
        }
        char[] out = new char[24];
        digits(out, 0, year, 4);
        out[4] = '-';
        digits(out, 5, date.getMonthValue(), 2);
        out[7] = '-';
        digits(out, 8, date.getDayOfMonth(), 2);
        out[10] = ' ';
        digits(out, 11, secondOfDay / 3600, 2);
        out[13] = ':';
        digits(out, 14, secondOfDay / 60 % 60, 2);
        out[16] = ':';
        digits(out, 17, secondOfDay % 60, 2);
        out[19] = '.';
        digits(out, 20, instant.getNano() / 1_000_000, 3);
        out[23] = 'Z';
        return new String(out);
    }

    /** {@code value} in {@code width} decimal digits, zero-padded, at {@code at}. */
    private static void digits(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /** The normalized form, or "" when the text is not a date (PocketBase stores an empty date then). */
    static String normalize(String text) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        for (Pattern layout : LAYOUTS) {
            Matcher m = layout.matcher(text);
            if (m.matches()) {
                Instant instant = instant(m);
                if (instant != null) {
                    return format(instant);
                }
            }
        }
        return "";
    }

    /** The instant a layout's match names; null when a part is out of range (Go then tries the next layout). */
    private static Instant instant(Matcher m) {
        try {
            int year = group(m, "y") != null ? Integer.parseInt(group(m, "y"))
                    : group(m, "yy") != null ? twoDigitYear(Integer.parseInt(group(m, "yy"))) : 0;
            int month = group(m, "mo") != null ? Integer.parseInt(group(m, "mo"))
                    : group(m, "mon") != null ? MONTHS.indexOf(group(m, "mon").toLowerCase(Locale.ROOT)) + 1 : 1;
            int day = group(m, "d") != null ? Integer.parseInt(group(m, "d")) : 1;
            int hour = group(m, "h") != null ? Integer.parseInt(group(m, "h")) : 0;
            if (group(m, "pm") != null) {
                if (hour > 12) {
                    return null;
                }
                hour = "PM".equals(group(m, "pm")) ? (hour < 12 ? hour + 12 : hour) : (hour == 12 ? 0 : hour);
            }
            int minute = group(m, "mi") != null ? Integer.parseInt(group(m, "mi")) : 0;
            int second = group(m, "s") != null ? Integer.parseInt(group(m, "s")) : 0;
            String fraction = group(m, "f") == null ? "" : group(m, "f");
            int nanos = fraction.isEmpty() ? 0
                    : Integer.parseInt((fraction.length() > 9 ? fraction.substring(0, 9) : fraction + "000000000")
                            .substring(0, 9));
            LocalDateTime local = LocalDateTime.of(year, month, day, hour, minute, second, nanos);
            Integer offset = offsetSeconds(group(m, "off"));
            return offset == null ? null : local.toInstant(ZoneOffset.UTC).minusSeconds(offset);
        } catch (DateTimeException | NumberFormatException e) {
            return null;
        }
    }

    /** Go reads a two-digit year 69-99 as 19xx, 00-68 as 20xx. */
    private static int twoDigitYear(int yy) {
        return yy >= 69 ? 1900 + yy : 2000 + yy;
    }

    /** A numeric offset in seconds (0 for none or Z); null past Go's limits (24 hours, 60 minutes). */
    private static Integer offsetSeconds(String offset) {
        if (offset == null || offset.equals("Z")) {
            return 0;
        }
        String digits = offset.substring(1).replace(":", "");
        int hours = Integer.parseInt(digits.substring(0, 2));
        int minutes = Integer.parseInt(digits.substring(2, 4));
        if (hours > 24 || minutes > 60) {
            return null;
        }
        int seconds = hours * 3600 + minutes * 60;
        return offset.startsWith("-") ? -seconds : seconds;
    }

    /**
     * A stored date ({@code 2020-01-01 10:00:00.120Z}) as Go's {@code time.Time} prints it in a
     * message ({@code 2020-01-01 10:00:00.12 +0000 UTC}) and as it encodes it in JSON
     * ({@code 2020-01-01T10:00:00.12Z}): how PocketBase's min/max date errors show their threshold.
     */
    static String goText(String stored) {
        return stored.substring(0, 19) + fraction(stored) + " +0000 UTC";
    }

    static String goJson(String stored) {
        return stored.substring(0, 10) + "T" + stored.substring(11, 19) + fraction(stored) + "Z";
    }

    private static String fraction(String stored) {
        String millis = stored.substring(20, 23).replaceAll("0+$", "");
        return millis.isEmpty() ? "" : "." + millis;
    }

    private static String group(Matcher m, String name) {
        return m.pattern().pattern().contains("(?<" + name + ">") ? m.group(name) : null;
    }
}
