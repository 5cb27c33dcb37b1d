package dev.hivelite.node.settings;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends mail on behalf of one database, through that database's SMTP settings. An interface because
 * tests and features (verification, password reset, OTP) want to record mail instead of sending it.
 */
public interface Mailer {

    /** One outgoing message: a single recipient, a subject, an HTML body. */
    record Mail(String to, String subject, String html) {
    }

    /** The message could not be delivered to the SMTP server; the cause is for the log only. */
    final class MailException extends RuntimeException {
        public MailException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Sends {@code mail}, or throws {@link MailException}; with SMTP off it only logs the mail. */
    void send(String databaseId, Mail mail);

    /**
     * For callers whose request must not fail because of mail: a failure is logged, not thrown.
     * Returns whether the mail was handed over (or logged, with SMTP off).
     */
    default boolean sendQuietly(String databaseId, Mail mail) {
        try {
            send(databaseId, mail);
            return true;
        } catch (RuntimeException e) {
            Logger.getLogger(Mailer.class.getName()).log(Level.WARNING,
                    "cannot send mail \"" + mail.subject() + "\" of database " + databaseId, e);
            return false;
        }
    }
}
