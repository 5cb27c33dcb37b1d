package dev.hivelite.node.records;

import java.time.Duration;

import dev.hivelite.node.cluster.SharedCounters;

/**
 * One verification mail and one password-reset mail per record every {@link #WINDOW}, across the
 * cluster, as PocketBase limits them: a request within the window still answers 204 but sends
 * nothing, so repeating it neither floods the owner's inbox nor tells whether the address is known.
 * The window starts when a request claims the mail, so two requests racing on two workers send once.
 */
final class MailResends {

    static final Duration WINDOW = Duration.ofMinutes(2);

    /** Shared with the login throttle; keys here start with {@code resend|}. */
    private final SharedCounters counters;

    MailResends(SharedCounters counters) {
        this.counters = counters;
    }

    /** Whether this request may send the {@code kind} mail of the record (false within the window). */
    boolean claim(String databaseId, String kind, Collection c, String recordId) {
        return counters.increment(key(databaseId, kind, c, recordId), WINDOW) == 1;
    }

    /** A mail that could not be sent does not hold the window (PocketBase's password reset). */
    void release(String databaseId, String kind, Collection c, String recordId) {
        counters.reset(key(databaseId, kind, c, recordId));
    }

    private static String key(String databaseId, String kind, Collection c, String recordId) {
        return "resend|" + kind + "|" + databaseId + "|" + c.id() + "|" + recordId;
    }
}
