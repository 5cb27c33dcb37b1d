package dev.hivelite.node.settings;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.Responses;
import dev.hivelite.node.common.ApiException.FieldError;
import dev.hivelite.node.common.Bodies;
import dev.hivelite.node.common.EmailFormat;
import dev.hivelite.node.common.Principal;
import dev.hivelite.node.common.RequestContext;
import dev.hivelite.node.platform.DatabaseDirectory;
import dev.hivelite.node.platform.DatabaseStore;
import dev.hivelite.node.storage.DatabasePool;

/**
 * {@code /api/settings} of a database (superusers and the database's keys): view, update, send a test
 * mail. Answers never hold the SMTP password or S3 secrets.
 */
public final class SettingsService implements HttpService {

    private static final Logger LOG = Logger.getLogger(SettingsService.class.getName());
    /** Path parameter of the database in {@code /db/{db}/api/...}. */
    static final String DB_PARAM = "db";
    /** Every route is served for {@code main} and for any named database. */
    static final String[] PREFIXES = {"", "/db/{db}"};
    /** PocketBase's message when a test email's body is invalid or the mail cannot be sent. */
    static final String TEST_EMAIL_FAILED = "Failed to send the test email.";
    /** PocketBase's message when an S3 test's body is invalid. */
    static final String TEST_S3_FAILED = "Failed to test the S3 filesystem.";

    private final DatabaseDirectory directory;
    private final DatabasePool pool;
    private final SettingsStore store;
    private final Mailer mailer;
    private final AuthTemplates authTemplates;

    public SettingsService(DatabaseDirectory directory, DatabasePool pool, SettingsStore store, Mailer mailer,
                           AuthTemplates authTemplates) {
        this.directory = directory;
        this.pool = pool;
        this.store = store;
        this.mailer = mailer;
        this.authTemplates = authTemplates;
    }

    @Override
    public void routing(HttpRules rules) {
        for (String p : PREFIXES) {
            Responses.read(rules, p + "/api/settings", this::view)
                 .patch(p + "/api/settings", this::update)
                 .post(p + "/api/settings/test/email", this::testEmail)
                 .post(p + "/api/settings/test/s3", this::testS3)
                 .post(p + "/api/settings/apple/generate-client-secret", this::appleClientSecret);
        }
    }

    /** The request's database, opened, once the caller is known to administer it. */
    private record Target(DatabaseStore.Database db, DatabasePool.Lease lease) implements AutoCloseable {
        @Override
        public void close() {
            lease.close();
        }
    }

    private Target open(ServerRequest req) {
        // 401 before the lookup: an anonymous caller cannot tell which databases exist.
        Principal principal = RequestContext.principal(req).requireCredentials();
        String name = req.path().pathParameters().first(DB_PARAM).orElse(DatabaseStore.MAIN);
        DatabaseStore.Database db = directory.byName(name)
                .orElseThrow(() -> new ApiException.NotFound("Missing or invalid database."));
        RequestContext.database(req, db.id(), db.name());
        principal.requireAdminOf(db.id());
        return new Target(db, pool.lease(db.id()));
    }

    private void appleClientSecret(ServerRequest req, ServerResponse res) {
        try (Target t = open(req)) {
            Responses.json(req, res, java.util.Map.of("secret",
                    AppleClientSecret.generate(Bodies.form(req), java.time.Instant.now())));
        }
    }

    private void view(ServerRequest req, ServerResponse res) {
        try (Target t = open(req)) {
            Responses.json(req, res, store.get(t.db().id(), t.lease().db()).toMaskedJson());
        }
    }

    private void update(ServerRequest req, ServerResponse res) {
        try (Target t = open(req)) {
            if (t.db().readOnly()) {
                throw new ApiException.Forbidden("The database is read-only.");
            }
            JsonNode body = Bodies.form(req);
            Settings saved = store.update(t.db().id(), t.lease().db(), current -> {
                Settings next = current.merge(body);
                SettingsValidation.check(next);
                return next;
            });
            Responses.json(req, res, saved.toMaskedJson());
        }
    }

    /**
     * {@code POST /api/settings/test/email} {@code {email, template, collection?}}: the template of the
     * named auth collection, as PocketBase sends it; PocketBase's default one when none is named (its
     * {@code _superusers} templates are the defaults).
     */
    private void testEmail(ServerRequest req, ServerResponse res) {
        try (Target t = open(req)) {
            JsonNode body = Bodies.form(req);
            String email = Bodies.text(body, "email");
            String template = Bodies.text(body, "template");
            String collection = Bodies.text(body, "collection");
            Map<String, FieldError> errors = new LinkedHashMap<>();
            Optional<JsonNode> custom = Optional.empty();
            if (collection != null && collection.length() > 255) {
                errors.put("collection", new FieldError("validation_length_out_of_range", "The length must be between 1 and 255.",
                        new java.util.TreeMap<String, Object>(Map.of("min", 1, "max", 255))));
            } else if (collection != null && !collection.isEmpty()) {
                String key = template != null && TestEmails.exists(template) ? TestEmails.optionKey(template) : "verificationTemplate";
                custom = authTemplates.find(t.db().id(), t.lease().db(), collection, key);
                if (custom.isEmpty()) {
                    errors.put("collection", new FieldError("validation_invalid_auth_collection",
                            "Must be a valid auth collection id or name."));
                }
            }
            if (email == null || email.isBlank()) {
                errors.put("email", SettingsValidation.REQUIRED);
            } else if (!EmailFormat.valid(email)) {
                errors.put("email", new FieldError("validation_is_email", "Must be a valid email address."));
            }
            if (template == null || template.isBlank()) {
                errors.put("template", SettingsValidation.REQUIRED);
            } else if (!TestEmails.exists(template)) {
                errors.put("template", new FieldError("validation_in_invalid", "Must be a valid value."));
            }
            if (!errors.isEmpty()) {
                throw new ApiException.BadRequest(TEST_EMAIL_FAILED, errors);
            }
            Settings settings = store.get(t.db().id(), t.lease().db());
            try {
                mailer.send(t.db().id(), TestEmails.of(template, email, settings,
                        custom.orElse(com.fasterxml.jackson.databind.node.MissingNode.getInstance())));
            } catch (Mailer.MailException e) {
                LOG.log(Level.WARNING, "test email of database " + t.db().name() + " failed", e);
                throw new ApiException.BadRequest(TEST_EMAIL_FAILED);
            }
            res.status(Status.NO_CONTENT_204).send();
        }
    }

    /**
     * {@code POST /api/settings/test/s3} {@code {filesystem: "storage"|"backups"}}, PocketBase's route:
     * the body is validated as PocketBase does, and a filesystem that is not enabled is 400. Hivelite
     * stores the S3 settings but keeps files on local disk, so an enabled one is answered 400 saying
     * so, rather than a connection test it does not make.
     */
    private void testS3(ServerRequest req, ServerResponse res) {
        try (Target t = open(req)) {
            String filesystem = Bodies.text(Bodies.form(req), "filesystem");
            if (filesystem == null || filesystem.isBlank()) {
                throw new ApiException.BadRequest(TEST_S3_FAILED, Map.of("filesystem", SettingsValidation.REQUIRED));
            }
            if (!filesystem.equals("storage") && !filesystem.equals("backups")) {
                throw new ApiException.BadRequest(TEST_S3_FAILED,
                        Map.of("filesystem", new FieldError("validation_in_invalid", "Must be a valid value.")));
            }
            Settings settings = store.get(t.db().id(), t.lease().db());
            Settings.S3 s3 = filesystem.equals("storage") ? settings.s3() : settings.backups().s3();
            // PocketBase's wording: its form's error after "Raw error:".
            if (!s3.enabled()) {
                throw new ApiException.BadRequest(TEST_S3_FAILED + " Raw error: \nS3 storage filesystem is not enabled.");
            }
            throw new ApiException.BadRequest(TEST_S3_FAILED + " Raw error: \nfailed to initialize the S3 filesystem: Hivelite"
                    + " stores the S3 settings but keeps files on local disk; S3 storage is not available yet.");
        }
    }
}
