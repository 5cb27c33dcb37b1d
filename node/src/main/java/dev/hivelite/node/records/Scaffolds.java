package dev.hivelite.node.records;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.common.Json;

/** What a new collection of each type starts with, and the system fields and indexes it always keeps. */
final class Scaffolds {

    /** The pattern of the ids PocketBase generates (15 lowercase letters and digits). */
    static final String ID_PATTERN = "^[a-z0-9]+$";

    private Scaffolds() {
    }

    /** PocketBase's id of a new collection: {@code pbc_} and a checksum of its type and name. */
    static String newCollectionId(String type, String name) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update((type + name).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return "pbc_" + crc.getValue();
    }

    static Field idField() {
        return new TextField(new Field.Common("text3208210256", "id", true, false, false), 15, 15, ID_PATTERN,
                "[a-z0-9]{15}", true, true);
    }

    static List<Field> authFields() {
        return List.of(
                new PasswordField(new Field.Common("password901924565", "password", true, true, false), 8, 0, "", 0, true),
                new TextField(new Field.Common("text2504183744", "tokenKey", true, true, false), 30, 60, "",
                        "[a-zA-Z0-9]{50}", true, false),
                new EmailField(new Field.Common("email3885137012", "email", true, false, false), null, null, true),
                new BoolField(new Field.Common("bool1547992806", "emailVisibility", true, false, false), false),
                new BoolField(new Field.Common("bool256245529", "verified", true, false, false), false));
    }

    /**
     * The platform's superusers as every database shows them: a system auth collection with
     * PocketBase's fixed id. Its records live in system.db, not in a table of the database.
     */
    static Collection superusers() {
        ObjectNode options = Json.mapper().createObjectNode();
        authOptions(options);
        List<Field> fields = new ArrayList<>(List.of(idField()));
        fields.addAll(authFields());
        fields.add(new AutodateField(new Field.Common("autodate2990389176", "created", true, false, false), true, false));
        fields.add(new AutodateField(new Field.Common("autodate3332085495", "updated", true, false, false), true, true));
        return new Collection("pbc_3142635823", "_superusers", Collection.AUTH, true, fields, List.of(),
                Collection.Rules.LOCKED, options, "2024-01-01 00:00:00.000Z", "2024-01-01 00:00:00.000Z");
    }

    static boolean isSuperusers(Collection c) {
        return "pbc_3142635823".equals(c.id());
    }

    /** A new collection of {@code type}, or null for an unknown type. */
    static Collection of(String type, String name, Clock clock) {
        String now = Dates.format(clock.instant());
        ObjectNode options = Json.mapper().createObjectNode();
        List<Field> fields = new ArrayList<>(List.of(idField()));
        switch (type) {
            case Collection.BASE -> {
            }
            case Collection.AUTH -> {
                fields.addAll(authFields());
                authOptions(options);
            }
            case Collection.VIEW -> {
                fields.clear();
                options.put("viewQuery", "");
            }
            default -> {
                return null;
            }
        }
        return new Collection(newCollectionId(type, name), name, type, false, fields, List.of(), Collection.Rules.LOCKED,
                options, now, now);
    }

    private static void authOptions(ObjectNode o) {
        o.put("authRule", "");
        o.putNull("manageRule");
        o.putObject("authAlert").put("enabled", true).putObject("emailTemplate")
                .put("subject", "Login from a new location").put("body", "<p>We noticed a login to your {APP_NAME} account from a new location:</p>"
                        + "<p><em>{ALERT_INFO}</em></p><p><strong>If this wasn't you, you should immediately change your"
                        + " {APP_NAME} account password to revoke access from all other locations.</strong></p>"
                        + "<p>If this was you, you may disregard this email.</p>");
        ObjectNode oauth2 = o.putObject("oauth2");
        oauth2.put("enabled", false);
        oauth2.putArray("providers");
        oauth2.putObject("mappedFields").put("id", "").put("name", "").put("username", "").put("avatarURL", "");
        o.putObject("passwordAuth").put("enabled", true).putArray("identityFields").add("email");
        o.putObject("mfa").put("enabled", false).put("duration", 1800).put("rule", "");
        o.putObject("otp").put("enabled", false).put("duration", 180).put("length", 8).putObject("emailTemplate")
                .put("subject", "OTP for {APP_NAME}").put("body", "<p>Your one-time password is: <strong>{OTP}</strong></p>");
        o.putObject("authToken").put("duration", 604800);
        o.putObject("passwordResetToken").put("duration", 1800);
        o.putObject("emailChangeToken").put("duration", 1800);
        o.putObject("verificationToken").put("duration", 259200);
        o.putObject("fileToken").put("duration", 180);
        o.putObject("verificationTemplate").put("subject", "Verify your {APP_NAME} email")
                .put("body", "<p>Click on the link to verify your email address: <a href=\"{APP_URL}/_/#/auth/confirm-verification/{TOKEN}\">verify</a></p>");
        o.putObject("resetPasswordTemplate").put("subject", "Reset your {APP_NAME} password")
                .put("body", "<p>Click on the link to reset your password: <a href=\"{APP_URL}/_/#/auth/confirm-password-reset/{TOKEN}\">reset</a></p>");
        o.putObject("confirmEmailChangeTemplate").put("subject", "Confirm your {APP_NAME} new email address")
                .put("body", "<p>Click on the link to confirm your new email address: <a href=\"{APP_URL}/_/#/auth/confirm-email-change/{TOKEN}\">confirm</a></p>");
    }

    /**
     * The id field first (added when missing), and an auth collection's system fields (added when
     * missing), each with the flags PocketBase always gives it whatever was submitted: the id is the
     * required primary key; password and tokenKey stay hidden and required (a weakened tokenKey would
     * leak through a view, a weakened password would allow accounts without one). Options that are
     * the owner's choice (password length and cost, email domains and whether it is required, id and
     * tokenKey pattern, length and generated pattern) are kept.
     */
    static List<Field> withSystemFields(String type, List<Field> fields) {
        if (Collection.VIEW.equals(type)) {
            return fields;
        }
        List<Field> out = new ArrayList<>();
        for (Field f : fields) {
            out.add(enforced(type, f));
        }
        if (out.stream().noneMatch(f -> "id".equals(f.name()))) {
            out.addFirst(idField());
        }
        if (Collection.AUTH.equals(type)) {
            for (Field system : authFields()) {
                if (out.stream().noneMatch(f -> f.name().equals(system.name()))) {
                    out.add(system);
                }
            }
        }
        return out;
    }

    private static Field enforced(String type, Field f) {
        Field.Common c = f.common();
        if ("id".equals(f.name())) {
            return f instanceof TextField t
                    ? new TextField(system(c, false), t.min(), t.max(), t.pattern(),
                            t.autogeneratePattern().isEmpty() ? "[a-z0-9]{15}" : t.autogeneratePattern(), true, true)
                    : withId(idField(), c.id());
        }
        if (!Collection.AUTH.equals(type)) {
            return f;
        }
        return switch (f.name()) {
            case "password" -> f instanceof PasswordField p
                    ? new PasswordField(system(c, true), Math.max(1, p.min()), p.max(), p.pattern(), p.cost(), true)
                    : withId(authField("password"), c.id());
            case "tokenKey" -> f instanceof TextField t
                    ? new TextField(system(c, true), t.min(), t.max(), t.pattern(), t.autogeneratePattern(), true, t.primaryKey())
                    : withId(authField("tokenKey"), c.id());
            case "email" -> f instanceof EmailField e
                    ? new EmailField(system(c, false), e.exceptDomains(), e.onlyDomains(), e.required())
                    : withId(authField("email"), c.id());
            case "emailVisibility", "verified" -> f instanceof BoolField b
                    ? new BoolField(system(c, false), b.required())
                    : withId(authField(f.name()), c.id());
            default -> f;
        };
    }

    private static Field.Common system(Field.Common c, boolean hidden) {
        return new Field.Common(c.id(), c.name(), true, hidden, c.presentable());
    }

    private static Field authField(String name) {
        return authFields().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
    }

    private static Field withId(Field f, String id) {
        Field.Common c = f.common();
        Field.Common renamed = new Field.Common(id == null || id.isEmpty() ? c.id() : id, c.name(), c.system(), c.hidden(),
                c.presentable());
        return switch (f) {
            case TextField t -> new TextField(renamed, t.min(), t.max(), t.pattern(), t.autogeneratePattern(), t.required(),
                    t.primaryKey());
            case PasswordField p -> new PasswordField(renamed, p.min(), p.max(), p.pattern(), p.cost(), p.required());
            case EmailField e -> new EmailField(renamed, e.exceptDomains(), e.onlyDomains(), e.required());
            case BoolField b -> new BoolField(renamed, b.required());
            default -> f;
        };
    }

    /** The names PocketBase puts back when a change leaves them out: the id, and an auth collection's fields. */
    static boolean restoredWhenMissing(String type, String name) {
        return "id".equals(name) || Collection.AUTH.equals(type)
                && authFields().stream().anyMatch(f -> f.name().equals(name));
    }

    /**
     * An auth collection keeps unique indexes on tokenKey and (non-empty) email, named after the
     * collection's id as PocketBase names them: index names are global in SQLite, and a name taken
     * from the collection's name would collide with the indexes of a collection later given that name
     * after a rename.
     */
    static List<String> withAuthIndexes(String collectionId, String table, List<String> indexes) {
        List<String> out = new ArrayList<>(indexes);
        String suffix = collectionId.replaceAll("\\W", "_");
        if (!hasUniqueIndex(indexes, "tokenKey")) {
            out.add("CREATE UNIQUE INDEX `idx_tokenKey_" + suffix + "` ON `" + table + "` (`tokenKey`)");
        }
        if (!hasUniqueIndex(indexes, "email")) {
            out.add("CREATE UNIQUE INDEX `idx_email_" + suffix + "` ON `" + table + "` (`email`) WHERE `email` != ''");
        }
        return out;
    }

    static boolean hasUniqueIndex(List<String> indexes, String column) {
        return uniqueIndexCollation(indexes, column).isPresent();
    }

    /**
     * The collation of a unique index on exactly {@code column} ("" when it declares none), or empty
     * when the collection has no such index.
     */
    static java.util.Optional<String> uniqueIndexCollation(List<String> indexes, String column) {
        for (String index : indexes) {
            var m = CollectionBuilder.INDEX.matcher(index);
            if (m.matches() && m.group(1) != null) {
                var single = SINGLE_COLUMN.matcher(m.group(3));
                if (single.matches() && single.group(1).equalsIgnoreCase(column)) {
                    return java.util.Optional.of(single.group(2) == null ? "" : single.group(2));
                }
            }
        }
        return java.util.Optional.empty();
    }

    private static final java.util.regex.Pattern SINGLE_COLUMN = java.util.regex.Pattern.compile(
            "(?is)^\\s*[`\"\\[]?(\\w+)[`\"\\]]?\\s*(?:COLLATE\\s+(\\w+))?\\s*(?:ASC|DESC)?\\s*$");
}
