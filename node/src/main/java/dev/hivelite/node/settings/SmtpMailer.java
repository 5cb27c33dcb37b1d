package dev.hivelite.node.settings;

import java.io.UnsupportedEncodingException;
import java.time.Duration;
import java.util.Properties;
import java.util.logging.Logger;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * {@link Mailer} over SMTP (Angus Mail) with the database's {@code smtp} settings, read at each send so
 * a settings change applies to the next mail. {@code tls} true connects with implicit TLS (SMTPS);
 * false sends STARTTLS when the server offers it. Authenticates when a username is set. With SMTP
 * disabled the mail is logged (recipient and subject) and dropped, as a development convenience.
 */
public final class SmtpMailer implements Mailer {

    private static final Logger LOG = Logger.getLogger(SmtpMailer.class.getName());
    /** Connect, read and write timeouts: a dead server must not hold a request for minutes. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final SettingsStore settings;

    public SmtpMailer(SettingsStore settings) {
        this.settings = settings;
    }

    @Override
    public void send(String databaseId, Mail mail) {
        Settings s = settings.get(databaseId);
        if (!s.smtpEnabled()) {
            LOG.info(() -> "SMTP is disabled for database " + databaseId + "; not sending \"" + mail.subject()
                    + "\" to " + mail.to());
            return;
        }
        try {
            deliver(s, mail);
        } catch (MessagingException | UnsupportedEncodingException e) {
            throw new MailException("cannot send mail to " + mail.to() + " through " + s.smtpHost() + ":"
                    + s.smtpPort(), e);
        }
    }

    static void deliver(Settings s, Mail mail) throws MessagingException, UnsupportedEncodingException {
        String protocol = s.smtpTls() ? "smtps" : "smtp";
        Session session = Session.getInstance(properties(s, protocol));
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(s.senderAddress(), s.senderName(), "UTF-8"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(mail.to(), true));
        message.setSubject(mail.subject(), "UTF-8");
        message.setText(mail.html(), "UTF-8", "html");
        message.saveChanges();
        try (Transport transport = session.getTransport(protocol)) {
            boolean auth = !s.smtpUsername().isEmpty();
            transport.connect(s.smtpHost(), s.smtpPort(), auth ? s.smtpUsername() : null,
                    auth ? s.smtpPassword() : null);
            transport.sendMessage(message, message.getAllRecipients());
        }
    }

    private static Properties properties(Settings s, String protocol) {
        String p = "mail." + protocol + ".";
        String timeout = Long.toString(TIMEOUT.toMillis());
        Properties props = new Properties();
        props.put(p + "host", s.smtpHost());
        props.put(p + "port", Integer.toString(s.smtpPort()));
        props.put(p + "connectiontimeout", timeout);
        props.put(p + "timeout", timeout);
        props.put(p + "writetimeout", timeout);
        props.put(p + "auth", Boolean.toString(!s.smtpUsername().isEmpty()));
        if (!s.smtpAuthMethod().isEmpty()) {
            props.put(p + "auth.mechanisms", s.smtpAuthMethod());
        }
        if (!s.smtpLocalName().isEmpty()) {
            props.put(p + "localhost", s.smtpLocalName());
        }
        if (s.smtpTls()) {
            props.put(p + "ssl.checkserveridentity", "true");
        } else {
            props.put(p + "starttls.enable", "true");
        }
        return props;
    }
}
