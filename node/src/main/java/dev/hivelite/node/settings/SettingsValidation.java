package dev.hivelite.node.settings;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.ApiException.FieldError;
import dev.hivelite.node.common.EmailFormat;
import dev.hivelite.node.common.UrlFormat;

/**
 * PocketBase's settings rules (core/settings_model.go {@code Validate} methods), with its error codes.
 * Errors nest like the JSON they are about: {@code {"meta": {"appName": {code, message}}}}.
 */
final class SettingsValidation {

    /** govalidator's DNS name: labels of letters, digits, {@code _} and {@code -} (not first), up to 63 long. */
    private static final Pattern DNS_NAME = Pattern.compile("^[a-zA-Z0-9_][a-zA-Z0-9_-]{0,62}(\\.[a-zA-Z0-9_][a-zA-Z0-9_-]{0,62})*[._]?$");
    private static final Pattern IPV6 = Pattern.compile("^[0-9A-Fa-f:.]+$");
    private static final Pattern RULE_LABEL = Pattern.compile("^(\\w+ /[\\w/-]*|/[\\w/-]*|\\w+:\\w+|\\*:\\w+|\\w+)$");
    private static final Set<String> AUTH_METHODS = Set.of("", "PLAIN", "LOGIN");
    private static final Set<String> AUDIENCES = Set.of("", "@guest", "@auth");

    static final FieldError REQUIRED = new FieldError("validation_required", "Cannot be blank.");
    /** PocketBase's message for settings that fail validation (apis/settings.go: the save fails). */
    static final String SAVE_FAILED = "An error occurred while saving the new settings.";

    private SettingsValidation() {
    }

    /** Throws PocketBase's 400 with nested field errors unless {@code s} is valid. */
    static void check(Settings s) {
        Map<String, Object> errors = new LinkedHashMap<>();
        section(errors, "meta", meta(s.meta()));
        section(errors, "logs", logs(s.logs()));
        section(errors, "smtp", smtp(s.smtp()));
        section(errors, "s3", s3(s.s3()));
        section(errors, "backups", backups(s.backups()));
        section(errors, "batch", batch(s.batch()));
        section(errors, "rateLimits", rateLimits(s.rateLimits()));
        if (!errors.isEmpty()) {
            throw ApiException.BadRequest.nested(SAVE_FAILED, errors);
        }
    }

    private static Map<String, Object> meta(Settings.Meta m) {
        Map<String, Object> e = new LinkedHashMap<>();
        requiredLength(e, "appName", m.appName());
        if (m.appUrl().isEmpty()) {
            e.put("appURL", REQUIRED);
        } else if (!isUrl(m.appUrl())) {
            e.put("appURL", new FieldError("validation_is_url", "Must be a valid URL."));
        }
        requiredLength(e, "senderName", m.senderName());
        if (m.senderAddress().isEmpty()) {
            e.put("senderAddress", REQUIRED);
        } else if (!EmailFormat.valid(m.senderAddress())) {
            e.put("senderAddress", new FieldError("validation_is_email", "Must be a valid email address."));
        }
        return e;
    }

    private static Map<String, Object> logs(Settings.Logs l) {
        Map<String, Object> e = new LinkedHashMap<>();
        min(e, "maxDays", l.maxDays(), 0);
        return e;
    }

    private static Map<String, Object> smtp(Settings.Smtp s) {
        Map<String, Object> e = new LinkedHashMap<>();
        if (s.enabled() && s.host().isEmpty()) {
            e.put("host", REQUIRED);
        } else if (!s.host().isEmpty() && !isHost(s.host())) {
            e.put("host", invalidHost());
        }
        if (s.enabled() && s.port() == 0) {
            e.put("port", REQUIRED);
        } else {
            min(e, "port", s.port(), 0); // no upper bound: PocketBase has none
        }
        if (!AUTH_METHODS.contains(s.authMethod())) {
            e.put("authMethod", invalidValue());
        }
        if (!s.localName().isEmpty() && !isHost(s.localName())) {
            e.put("localName", invalidHost());
        }
        return e;
    }

    private static Map<String, Object> s3(Settings.S3 s) {
        Map<String, Object> e = new LinkedHashMap<>();
        if (!s.endpoint().isEmpty() && !isUrl(s.endpoint())) {
            e.put("endpoint", new FieldError("validation_is_url", "Must be a valid URL."));
        }
        if (s.enabled()) {
            requiredWhenEnabled(e, "endpoint", s.endpoint());
            requiredWhenEnabled(e, "bucket", s.bucket());
            requiredWhenEnabled(e, "region", s.region());
            requiredWhenEnabled(e, "accessKey", s.accessKey());
            requiredWhenEnabled(e, "secret", s.secret());
        }
        return e;
    }

    private static Map<String, Object> backups(Settings.Backups b) {
        Map<String, Object> e = new LinkedHashMap<>();
        section(e, "s3", s3(b.s3()));
        String cronProblem = b.cron().isEmpty() ? null : CronExpressions.problem(b.cron());
        if (cronProblem != null) {
            e.put("cron", new FieldError("validation_invalid_cron", cronProblem));
        }
        if (!b.cron().isEmpty() && b.cronMaxKeep() == 0) {
            e.put("cronMaxKeep", REQUIRED);
        } else if (b.cronMaxKeep() != 0) {
            min(e, "cronMaxKeep", b.cronMaxKeep(), 1);
        }
        return e;
    }

    private static Map<String, Object> batch(Settings.Batch b) {
        Map<String, Object> e = new LinkedHashMap<>();
        if (b.enabled() && b.maxRequests() == 0) {
            e.put("maxRequests", REQUIRED);
        } else {
            min(e, "maxRequests", b.maxRequests(), 0);
        }
        if (b.enabled() && b.timeout() == 0) {
            e.put("timeout", REQUIRED);
        } else {
            min(e, "timeout", b.timeout(), 0);
        }
        min(e, "maxBodySize", b.maxBodySize(), 0);
        return e;
    }

    private static Map<String, Object> rateLimits(Settings.RateLimits r) {
        Map<String, Object> e = new LinkedHashMap<>();
        if (r.enabled() && r.rules().isEmpty()) {
            e.put("rules", REQUIRED);
            return e;
        }
        Map<String, Object> rules = new LinkedHashMap<>();
        List<String> seen = new java.util.ArrayList<>();
        for (int i = 0; i < r.rules().size(); i++) {
            Settings.RateLimitRule rule = r.rules().get(i);
            Map<String, Object> re = new LinkedHashMap<>();
            if (rule.label().isEmpty()) {
                re.put("label", REQUIRED);
            } else if (!RULE_LABEL.matcher(rule.label()).matches()) {
                re.put("label", new FieldError("validation_match_invalid", "Must be in a valid format."));
            } else {
                String key = rule.label() + "@@" + rule.audience();
                if (seen.stream().anyMatch(k -> k.startsWith(key) || key.startsWith(k))) {
                    re.put("label", FieldError.of("validation_conflicting_rate_limit_rule",
                            "Rate limit rule configuration with label " + rule.label()
                                    + " already exists or conflicts with another rule.", "label", rule.label()));
                }
                seen.add(key);
            }
            positive(re, "maxRequests", rule.maxRequests());
            positive(re, "duration", rule.duration());
            if (!AUDIENCES.contains(rule.audience())) {
                re.put("audience", invalidValue());
            }
            section(rules, Integer.toString(i), re);
        }
        section(e, "rules", rules);
        return e;
    }

    private static void section(Map<String, Object> errors, String key, Map<String, Object> inner) {
        if (!inner.isEmpty()) {
            errors.put(key, inner);
        }
    }

    private static void requiredLength(Map<String, Object> e, String field, String value) {
        if (value.isEmpty()) {
            e.put(field, REQUIRED);
        } else if (value.length() > 255) {
            e.put(field, new FieldError("validation_length_out_of_range", "The length must be between 1 and 255.",
                    new java.util.TreeMap<String, Object>(Map.of("min", 1, "max", 255)))); // sorted, as Go writes a map
        }
    }

    private static void requiredWhenEnabled(Map<String, Object> e, String field, String value) {
        if (value.isEmpty()) {
            e.put(field, REQUIRED);
        }
    }

    private static void positive(Map<String, Object> e, String field, long value) {
        if (value == 0) {
            e.put(field, REQUIRED);
        } else {
            min(e, field, value, 1);
        }
    }

    private static void min(Map<String, Object> e, String field, long value, long min) {
        if (value < min) {
            e.put(field, FieldError.of("validation_min_greater_equal_than_required", "Must be no less than " + min + ".",
                    "threshold", min));
        }
    }

    private static FieldError invalidHost() {
        return new FieldError("validation_is_host", "Must be a valid IP address or DNS name.");
    }

    private static FieldError invalidValue() {
        return new FieldError("validation_in_invalid", "Must be a valid value.");
    }

    /** PocketBase's {@code is.URL}: the grammar its record URL fields check too. */
    static boolean isUrl(String value) {
        return UrlFormat.valid(value);
    }

    /**
     * PocketBase's {@code is.Host}: an IP address or a DNS name as govalidator has them (underscores
     * allowed, at most 255 characters besides the dots); an IPv6 address without brackets.
     */
    static boolean isHost(String value) {
        return value.contains(":") ? IPV6.matcher(value).matches()
                : DNS_NAME.matcher(value).matches() && value.replace(".", "").length() <= 255;
    }
}
