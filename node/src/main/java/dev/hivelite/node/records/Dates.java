package dev.hivelite.node.records;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** PocketBase's date text: lenient in (ISO 8601, with or without zone, date only), one format out. */
final class Dates {

    private static final DateTimeFormatter OUT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Dates() {
    }

    static String format(Instant instant) {
        return OUT.format(instant);
    }

    /** The normalized form, or "" when the text is not a date (PocketBase stores an empty date then). */
    static String normalize(String text) {
        String s = text == null ? "" : text.trim();
        if (s.isEmpty()) {
            return "";
        }
        String iso = s.replace(' ', 'T');
        try {
            return format(OffsetDateTime.parse(iso.endsWith("z") ? iso.substring(0, iso.length() - 1) + "Z" : iso).toInstant());
        } catch (DateTimeParseException ignored) {
            // try the forms without a zone
        }
        try {
            return format(LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException ignored) {
            // try a date alone
        }
        try {
            return format(LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException ignored) {
            return "";
        }
    }
}
