package dev.hivelite.node.settings;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.Json;

/**
 * One database's settings, in PocketBase's (v0.23+) shape and with its defaults. Immutable: a change
 * is a {@link #merge} that yields new settings. Secrets ({@code smtp.password}, {@code s3.secret},
 * {@code backups.s3.secret}) are kept here and in SQLite, and left out of {@link #toMaskedJson}.
 */
public record Settings(Meta meta, Smtp smtp, Batch batch, RateLimits rateLimits, TrustedProxy trustedProxy,
                       Logs logs, S3 s3, Backups backups) {

    public static final Settings DEFAULTS = new Settings(Meta.DEFAULT, Smtp.DEFAULT, Batch.DEFAULT,
            RateLimits.DEFAULT, TrustedProxy.DEFAULT, Logs.DEFAULT, S3.NONE, Backups.DEFAULT);

    /**
     * Lenient on unknown keys: settings written by a newer version still load. Strict on types, as
     * PocketBase's Go decoding is: a number where text belongs (or text where a number or a boolean
     * belongs, or a fraction where a whole number belongs) is refused, never converted.
     */
    private static final ObjectReader READER = strictScalars().readerFor(Settings.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static com.fasterxml.jackson.databind.ObjectMapper strictScalars() {
        com.fasterxml.jackson.databind.ObjectMapper mapper = Json.mapper().copy();
        mapper.coercionConfigFor(com.fasterxml.jackson.databind.type.LogicalType.Textual)
                .setCoercion(com.fasterxml.jackson.databind.cfg.CoercionInputShape.Integer,
                        com.fasterxml.jackson.databind.cfg.CoercionAction.Fail)
                .setCoercion(com.fasterxml.jackson.databind.cfg.CoercionInputShape.Float,
                        com.fasterxml.jackson.databind.cfg.CoercionAction.Fail)
                .setCoercion(com.fasterxml.jackson.databind.cfg.CoercionInputShape.Boolean,
                        com.fasterxml.jackson.databind.cfg.CoercionAction.Fail);
        for (var type : java.util.List.of(com.fasterxml.jackson.databind.type.LogicalType.Integer,
                com.fasterxml.jackson.databind.type.LogicalType.Float, com.fasterxml.jackson.databind.type.LogicalType.Boolean)) {
            mapper.coercionConfigFor(type).setCoercion(com.fasterxml.jackson.databind.cfg.CoercionInputShape.String,
                    com.fasterxml.jackson.databind.cfg.CoercionAction.Fail);
        }
        mapper.coercionConfigFor(com.fasterxml.jackson.databind.type.LogicalType.Boolean)
                .setCoercion(com.fasterxml.jackson.databind.cfg.CoercionInputShape.Integer,
                        com.fasterxml.jackson.databind.cfg.CoercionAction.Fail);
        // Go reads a whole number only into an int field: 587.5, and even 587.0, do not bind.
        mapper.coercionConfigFor(com.fasterxml.jackson.databind.type.LogicalType.Integer)
                .setCoercion(com.fasterxml.jackson.databind.cfg.CoercionInputShape.Float,
                        com.fasterxml.jackson.databind.cfg.CoercionAction.Fail);
        return mapper;
    }

    public Settings {
        meta = Objects.requireNonNullElse(meta, Meta.DEFAULT);
        smtp = Objects.requireNonNullElse(smtp, Smtp.DEFAULT);
        batch = Objects.requireNonNullElse(batch, Batch.DEFAULT);
        rateLimits = Objects.requireNonNullElse(rateLimits, RateLimits.DEFAULT);
        trustedProxy = Objects.requireNonNullElse(trustedProxy, TrustedProxy.DEFAULT);
        logs = Objects.requireNonNullElse(logs, Logs.DEFAULT);
        s3 = Objects.requireNonNullElse(s3, S3.NONE);
        backups = Objects.requireNonNullElse(backups, Backups.DEFAULT);
    }

    // The nested records turn null text into "" with Objects.toString, never with a static method of
    // Settings: calling one would start Settings' initialization (which reads their defaults) from
    // inside theirs, and whichever default was touched first would be null.

    /** {@code meta}: how the application presents itself, in mails among others. */
    public record Meta(String appName, @JsonProperty("appURL") String appUrl, String senderName,
                       String senderAddress, boolean hideControls) {
        static final Meta DEFAULT = new Meta("Acme", "http://localhost:8090", "Support", "support@example.com", false);

        public Meta {
            appName = Objects.toString(appName, "");
            appUrl = Objects.toString(appUrl, "");
            senderName = Objects.toString(senderName, "");
            senderAddress = Objects.toString(senderAddress, "");
        }
    }

    /**
     * {@code smtp}: where mail goes. {@code tls} true is implicit TLS (SMTPS); false sends STARTTLS
     * when the server offers it. {@code authMethod} is {@code PLAIN} (default) or {@code LOGIN}.
     */
    public record Smtp(boolean enabled, int port, String host, String username, String password,
                       String authMethod, boolean tls, String localName) {
        static final Smtp DEFAULT = new Smtp(false, 587, "smtp.example.com", "", "", "", false, "");

        public Smtp {
            host = Objects.toString(host, "");
            username = Objects.toString(username, "");
            password = Objects.toString(password, "");
            authMethod = Objects.toString(authMethod, "");
            localName = Objects.toString(localName, "");
        }
    }

    /** {@code batch}: the {@code /api/batch} limits; timeout in seconds, body size in bytes (0: default). */
    public record Batch(boolean enabled, int maxRequests, long timeout, long maxBodySize) {
        static final Batch DEFAULT = new Batch(false, 50, 3, 0);
    }

    /** {@code rateLimits}: rules by label ({@code *:auth}, {@code /api/}, …), off unless enabled. */
    public record RateLimits(List<RateLimitRule> rules, boolean enabled) {
        /** PocketBase's suggested rules, off until enabled. */
        static final RateLimits DEFAULT = new RateLimits(List.of(
                new RateLimitRule("*:auth", "", 3, 2),
                new RateLimitRule("*:create", "", 5, 20),
                new RateLimitRule("/api/batch", "", 1, 3),
                new RateLimitRule("/api/", "", 10, 300)), false);

        public RateLimits {
            rules = rules == null ? List.of() : List.copyOf(rules);
        }

        /**
         * The rule that limits a request with these {@code labels} (most specific first), as PocketBase
         * picks it: for each label in turn, the first rule of exactly that label, else the first rule
         * ending in {@code /} that prefixes the label (or the label followed by {@code /}), so
         * {@code /api/} covers {@code /api/health} and {@code POST /api/} every POST under it; only
         * rules for everyone or for the caller's kind ({@code @auth} or {@code @guest}) count.
         */
        public Optional<RateLimitRule> rule(List<String> labels, boolean authenticated) {
            String audience = authenticated ? "@auth" : "@guest";
            for (String label : labels) {
                for (RateLimitRule rule : rules) {
                    if (rule.label().equals(label) && rule.concerns(audience)) {
                        return Optional.of(rule);
                    }
                }
                for (RateLimitRule rule : rules) {
                    if (rule.isPrefix() && rule.prefixes(label) && rule.concerns(audience)) {
                        return Optional.of(rule);
                    }
                }
            }
            return Optional.empty();
        }
    }

    /** One rate limit: at most {@code maxRequests} per {@code duration} seconds for an audience. */
    public record RateLimitRule(String label, String audience, long duration, int maxRequests) {
        public RateLimitRule {
            label = Objects.toString(label, "");
            audience = Objects.toString(audience, "");
        }

        /** Everyone (empty audience), or exactly this kind of caller. */
        boolean concerns(String callerAudience) {
            return audience.isEmpty() || audience.equals(callerAudience);
        }

        /** A label ending in {@code /} is a prefix: it matches every path below it too. */
        boolean isPrefix() {
            return label.endsWith("/");
        }

        /** Whether {@code other + "/"} starts with this (prefix) label, written without building it. */
        boolean prefixes(String other) {
            return label.length() <= other.length() ? other.startsWith(label)
                    : label.length() == other.length() + 1 && label.startsWith(other);
        }
    }

    /** {@code trustedProxy}: headers that carry the client's address behind a proxy. */
    public record TrustedProxy(List<String> headers, @JsonProperty("useLeftmostIP") boolean useLeftmostIp) {
        static final TrustedProxy DEFAULT = new TrustedProxy(List.of(), false);

        public TrustedProxy {
            headers = headers == null ? List.of() : headers.stream().filter(Objects::nonNull).toList();
        }
    }

    /** {@code logs}: request log retention and what a log entry records. */
    public record Logs(int maxDays, int minLevel, @JsonProperty("logIP") boolean logIp, boolean logAuthId) {
        static final Logs DEFAULT = new Logs(5, 0, true, false);
    }

    /** {@code s3} (file storage) and {@code backups.s3}: an S3-compatible bucket. */
    public record S3(boolean enabled, String bucket, String region, String endpoint, String accessKey, String secret,
                     boolean forcePathStyle) {
        static final S3 NONE = new S3(false, "", "", "", "", "", false);

        public S3 {
            bucket = Objects.toString(bucket, "");
            region = Objects.toString(region, "");
            endpoint = Objects.toString(endpoint, "");
            accessKey = Objects.toString(accessKey, "");
            secret = Objects.toString(secret, "");
        }
    }

    /** {@code backups}: a cron expression for automatic backups (empty: off) and how many to keep. */
    public record Backups(String cron, int cronMaxKeep, S3 s3) {
        static final Backups DEFAULT = new Backups("", 3, S3.NONE);

        public Backups {
            cron = Objects.toString(cron, "");
            s3 = Objects.requireNonNullElse(s3, S3.NONE);
        }
    }


    public String appName() {
        return meta.appName();
    }

    public String appUrl() {
        return meta.appUrl();
    }

    public String senderName() {
        return meta.senderName();
    }

    public String senderAddress() {
        return meta.senderAddress();
    }

    public boolean batchEnabled() {
        return batch.enabled();
    }

    public int batchMaxRequests() {
        return batch.maxRequests();
    }

    public long batchTimeoutSeconds() {
        return batch.timeout();
    }

    public long batchMaxBodySize() {
        return batch.maxBodySize();
    }

    public boolean smtpEnabled() {
        return smtp.enabled();
    }

    public String smtpHost() {
        return smtp.host();
    }

    public int smtpPort() {
        return smtp.port();
    }

    public String smtpUsername() {
        return smtp.username();
    }

    public String smtpPassword() {
        return smtp.password();
    }

    public String smtpAuthMethod() {
        return smtp.authMethod();
    }

    public boolean smtpTls() {
        return smtp.tls();
    }

    public String smtpLocalName() {
        return smtp.localName();
    }

    /** Everything, secrets included: what is stored in {@code _params}. */
    ObjectNode toStoredJson() {
        return Json.mapper().valueToTree(this);
    }

    /** What the API answers: as PocketBase, without the SMTP password and the S3 secrets. */
    public ObjectNode toMaskedJson() {
        ObjectNode json = toStoredJson();
        ((ObjectNode) json.get("smtp")).remove("password");
        ((ObjectNode) json.get("s3")).remove("secret");
        ((ObjectNode) json.get("backups").get("s3")).remove("secret");
        return json;
    }

    /** Stored JSON over the defaults, so keys added since it was written get their default. */
    static Settings fromStored(String json) {
        try {
            return read(merge(DEFAULTS.toStoredJson(), Json.mapper().readTree(json)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable _params settings", e);
        }
    }

    /**
     * These settings with {@code patch} merged over them: objects key by key, anything else replaced;
     * absent and null keys keep their value (as PocketBase's Go decoding does), and so does an empty secret (clients never see the stored one, so
     * they send it back empty). A value of the wrong type is a 400.
     */
    Settings merge(JsonNode patch) {
        ObjectNode changes = patch.deepCopy();
        keepEmptySecret(changes, "smtp", "password");
        keepEmptySecret(changes, "s3", "secret");
        if (changes.get("backups") instanceof ObjectNode backupsPatch) {
            keepEmptySecret(backupsPatch, "s3", "secret");
        }
        try {
            return read(merge(toStoredJson(), changes));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new ApiException.BadRequest(dev.hivelite.node.common.Bodies.LOAD_FAILED);
        }
    }

    private static void keepEmptySecret(ObjectNode patch, String section, String field) {
        if (patch.get(section) instanceof ObjectNode part) {
            JsonNode value = part.get(field);
            if (value != null && (value.isNull() || value.isTextual() && value.asText().isEmpty())) {
                part.remove(field);
            }
        }
    }

    private static JsonNode merge(JsonNode base, JsonNode patch) {
        if (!(base instanceof ObjectNode target) || !patch.isObject()) {
            return patch;
        }
        ObjectNode merged = target.deepCopy();
        patch.properties().forEach(e -> {
            if (e.getValue().isNull()) {
                return;
            }
            JsonNode current = merged.get(e.getKey());
            merged.set(e.getKey(), current == null ? e.getValue() : merge(current, e.getValue()));
        });
        return merged;
    }

    private static Settings read(JsonNode json) throws JsonProcessingException {
        if (!json.isObject()) {
            throw new IllegalArgumentException("settings must be an object");
        }
        return READER.treeToValue(json, Settings.class);
    }
}
