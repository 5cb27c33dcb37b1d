package dev.hivelite.node.records;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.ApiException.FieldError;
import dev.hivelite.node.common.Json;
import dev.hivelite.node.records.filter.FilterCompiler;
import dev.hivelite.node.records.filter.FilterException;
import dev.hivelite.node.records.filter.FilterParser;

/**
 * A collection from submitted JSON, for create (over the type's scaffold) and update (over the
 * current definition), validated as PocketBase validates: name, fields (ids, names, options, no
 * type change, system fields kept), indexes, and every rule compiled against the new schema, so a
 * malformed rule is refused at save instead of failing open later.
 */
final class CollectionBuilder {

    static final Pattern NAME = Pattern.compile("^\\w+$");
    static final Pattern INDEX = Pattern.compile(
            "(?is)^\\s*CREATE\\s+(UNIQUE\\s+)?INDEX\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?[`\"\\[]?(\\w+)[`\"\\]]?\\s+ON\\s+"
                    + "[`\"\\[]?\\w+[`\"\\]]?\\s*\\((.+?)\\)\\s*(?:WHERE\\s+(.+?))?\\s*;?\\s*$");
    private static final List<String> RULES = List.of("listRule", "viewRule", "createRule", "updateRule", "deleteRule");
    private static final Set<String> AUTH_OPTIONS = Set.of("authRule", "manageRule", "authAlert", "oauth2",
            "passwordAuth", "mfa", "otp", "authToken", "passwordResetToken", "emailChangeToken", "verificationToken",
            "fileToken", "verificationTemplate", "resetPasswordTemplate", "confirmEmailChangeTemplate");

    private final Schema schema;
    private final DatabaseObjects objects;
    private final Clock clock;

    CollectionBuilder(Schema schema, DatabaseObjects objects, Clock clock) {
        this.schema = schema;
        this.objects = objects;
        this.clock = clock;
    }

    Collection create(JsonNode body) {
        String type = Fields.text(body, "type");
        if (type.isEmpty()) {
            type = Collection.BASE;
        }
        Collection scaffold = Scaffolds.of(type, Fields.text(body, "name"), clock);
        if (scaffold == null) {
            throw failed("create", Map.of("type", new FieldError("validation_in_invalid", "Must be a valid value.")));
        }
        String id = Fields.text(body, "id");
        Map<String, Object> errors = new LinkedHashMap<>();
        if (!id.isEmpty()) {
            FieldError idError = idError(id);
            if (idError != null) {
                errors.put("id", idError);
            }
            scaffold = withId(scaffold, id);
        } else {
            // As PocketBase: a checksum of type and name, with a number added when it is taken.
            String base = scaffold.id();
            String candidate = base;
            for (int i = 2; schema.find(candidate).isPresent() && i < 1000; i++) {
                candidate = base + i;
            }
            scaffold = withId(scaffold, candidate);
        }
        return build(scaffold, body, true, errors);
    }

    Collection update(Collection current, JsonNode body) {
        Map<String, Object> errors = new LinkedHashMap<>();
        // As PocketBase: an id in the body of an update must be the collection's own.
        if (body.hasNonNull("id") && !Fields.text(body, "id").equals(current.id())) {
            errors.put("id", Fields.text(body, "id").isEmpty() ? Values.requiredError()
                    : new FieldError("validation_values_mismatch", "Values don't match."));
        }
        return build(current, body, false, errors);
    }

    /**
     * The problem of an id given to a new collection, as PocketBase checks it: 1 to 100 word
     * characters, and no collection's id already (nor, here, its name: a lookup by name or id
     * could not tell the two apart).
     */
    private FieldError idError(String id) {
        if (id.length() > 100) {
            return FieldError.lengthBetween(1, 100);
        }
        if (!NAME.matcher(id).matches()) {
            return new FieldError("validation_match_invalid", "Must be in a valid format.");
        }
        if (schema.find(id).isPresent()) {
            return new FieldError("validation_invalid_or_existing_id", "The model id is invalid or already exists.");
        }
        return null;
    }

    private static Collection withId(Collection c, String id) {
        return new Collection(id, c.name(), c.type(), c.system(), c.fields(), c.indexes(), c.rules(), c.options(),
                c.created(), c.updated());
    }

    /** JSON types of a collection's keys and of a field's, as PocketBase's typed decoding requires them. */
    private static final Map<String, Set<com.fasterxml.jackson.databind.node.JsonNodeType>> TYPES = types();

    private static Map<String, Set<com.fasterxml.jackson.databind.node.JsonNodeType>> types() {
        var text = Set.of(com.fasterxml.jackson.databind.node.JsonNodeType.STRING);
        var textOrNull = Set.of(com.fasterxml.jackson.databind.node.JsonNodeType.STRING,
                com.fasterxml.jackson.databind.node.JsonNodeType.NULL);
        var number = Set.of(com.fasterxml.jackson.databind.node.JsonNodeType.NUMBER,
                com.fasterxml.jackson.databind.node.JsonNodeType.NULL);
        var bool = Set.of(com.fasterxml.jackson.databind.node.JsonNodeType.BOOLEAN,
                com.fasterxml.jackson.databind.node.JsonNodeType.NULL);
        var list = Set.of(com.fasterxml.jackson.databind.node.JsonNodeType.ARRAY,
                com.fasterxml.jackson.databind.node.JsonNodeType.NULL);
        Map<String, Set<com.fasterxml.jackson.databind.node.JsonNodeType>> out = new java.util.HashMap<>();
        for (String k : List.of("id", "name", "type", "viewQuery", "pattern", "autogeneratePattern", "collectionId")) {
            out.put(k, text);
        }
        for (String k : List.of("listRule", "viewRule", "createRule", "updateRule", "deleteRule", "authRule", "manageRule")) {
            out.put(k, textOrNull);
        }
        for (String k : List.of("min", "max", "maxSize", "maxSelect", "minSelect", "cost")) {
            out.put(k, number);
        }
        for (String k : List.of("system", "hidden", "presentable", "required", "onlyInt", "protected", "cascadeDelete",
                "primaryKey", "onCreate", "onUpdate", "convertURLs")) {
            out.put(k, bool);
        }
        for (String k : List.of("fields", "indexes", "values", "mimeTypes", "thumbs", "onlyDomains", "exceptDomains")) {
            out.put(k, list);
        }
        return Map.copyOf(out);
    }

    /**
     * A value of the wrong JSON type is refused, never converted ({@code {"name":12345}}), as
     * PocketBase's decoding into its typed structs refuses it. Date min/max may be text or null.
     */
    private static void checkTypes(JsonNode object, boolean field) {
        object.fields().forEachRemaining(e -> {
            var expected = TYPES.get(e.getKey());
            boolean dateBound = field && ("min".equals(e.getKey()) || "max".equals(e.getKey()))
                    && "date".equals(Fields.text(object, "type"));
            if (expected != null && !dateBound && !expected.contains(e.getValue().getNodeType())) {
                throw new ApiException.BadRequest("Failed to load the submitted data due to invalid formatting.");
            }
            if (("indexes".equals(e.getKey()) || "values".equals(e.getKey()) || "mimeTypes".equals(e.getKey())
                    || "thumbs".equals(e.getKey())) && e.getValue().isArray()) {
                e.getValue().forEach(item -> {
                    if (!item.isTextual()) {
                        throw new ApiException.BadRequest("Failed to load the submitted data due to invalid formatting.");
                    }
                });
            }
            if (!field && e.getKey().endsWith("Token") && e.getValue().isObject() && e.getValue().has("duration")
                    && !e.getValue().get("duration").isNumber()) {
                throw new ApiException.BadRequest("Failed to load the submitted data due to invalid formatting.");
            }
            if (!field && "fields".equals(e.getKey()) && e.getValue().isArray()) {
                e.getValue().forEach(f -> {
                    if (f.isObject()) {
                        checkTypes(f, true);
                    }
                });
            }
        });
    }

    private Collection build(Collection base, JsonNode body, boolean creating, Map<String, Object> errors) {
        String verb = creating ? "create" : "update";
        checkTypes(body, false);
        String name = body.has("name") ? Fields.text(body, "name") : base.name();
        String type = body.has("type") ? Fields.text(body, "type") : base.type();
        if (!creating && !type.equals(base.type())) {
            errors.put("type", new FieldError("validation_collection_type_change", "Collection type cannot be changed."));
        }
        FieldError nameError = nameError(name, base, creating);
        if (nameError != null) {
            errors.put("name", nameError);
        }
        // As PocketBase: a collection may be marked system when it is created, never after; a system
        // collection keeps its name and cannot be deleted.
        boolean system = creating ? body.path("system").asBoolean(false) : base.system();
        if (!creating && body.hasNonNull("system") && body.get("system").asBoolean() != base.system()) {
            errors.put("system", new FieldError("validation_collection_system_flag_change",
                    "System collection state cannot be changed."));
        }
        List<Field> fields = body.has("fields") && !base.isView()
                ? fields(base, body.get("fields"), creating, errors) : base.fields();
        fields = Scaffolds.withSystemFields(base.type(), fields);
        List<String> indexes = body.has("indexes") ? Fields.list(body, "indexes") : base.indexes();
        ObjectNode options = base.options().deepCopy();
        body.fields().forEachRemaining(e -> {
            if (base.isAuth() && AUTH_OPTIONS.contains(e.getKey())) {
                options.set(e.getKey(), merged(options.get(e.getKey()), AuthOptions.check(e.getKey(), e.getValue())));
            } else if (base.isView() && "viewQuery".equals(e.getKey())) {
                options.set(e.getKey(), e.getValue());
            }
        });
        if (base.isAuth()) {
            indexes = Scaffolds.withAuthIndexes(base.id(), name, indexes);
            unsetMissingMappedFields(options, fields);
            errors.putAll(AuthOptionChecks.check(options, fields, indexes));
        }
        Collection.Rules rules = new Collection.Rules(rule(body, "listRule", base.rules().list()),
                rule(body, "viewRule", base.rules().view()), rule(body, "createRule", base.rules().create()),
                rule(body, "updateRule", base.rules().update()), rule(body, "deleteRule", base.rules().delete()));
        if (base.isView()) {
            if (Fields.text(options, "viewQuery").isBlank()) {
                // As PocketBase: no query makes no fields, and a view needs some.
                errors.put("fields", new FieldError("validation_required", "Cannot be blank."));
                errors.put("viewQuery", new FieldError("validation_required", "Cannot be blank."));
            }
            if (!indexes.isEmpty()) {
                errors.put("indexes", new FieldError("validation_indexes_not_supported", "View collections don't support indexes."));
            }
            for (String key : List.of("createRule", "updateRule", "deleteRule")) {
                if (body.hasNonNull(key)) {
                    errors.put(key, new FieldError("validation_nil", "Must be blank."));
                }
            }
            rules = new Collection.Rules(rules.list(), rules.view(), null, null, null);
        } else {
            Map<String, FieldError> badIndex = CollectionIndexes.check(indexes, creating ? "" : base.name(), name, objects);
            if (!badIndex.isEmpty()) {
                errors.put("indexes", badIndex);
            }
        }
        if (!creating && base.system()) {
            errors.putAll(systemRuleChanges(base, body));
        }
        String now = Dates.format(clock.instant());
        Collection built = new Collection(base.id(), name, base.type(), system, fields, indexes, rules, options,
                creating ? now : base.created(), now);
        // Reported with the other problems, as PocketBase reports them; not while fields are refused,
        // since a rule naming a refused field would fail for that reason only.
        if (!errors.containsKey("fields")) {
            Map<String, Object> ruleErrors = new LinkedHashMap<>();
            checkRules(built, body, ruleErrors);
            ruleErrors.forEach(errors::putIfAbsent);
        }
        if (!errors.isEmpty()) {
            throw failed(verb, errors);
        }
        return built;
    }

    /**
     * The first problem of a collection name, in PocketBase's order: blank, too long, {@code _via_},
     * format, a system collection's rename, then taken: by another collection's name (any case), by a
     * collection's id, or by a table of the file that is no collection (the node's own tables among them).
     */
    private FieldError nameError(String name, Collection base, boolean creating) {
        if (name.isEmpty()) {
            return new FieldError("validation_required", "Cannot be blank.");
        }
        if (name.length() > 255) {
            return FieldError.lengthBetween(1, 255);
        }
        if (name.toLowerCase(Locale.ROOT).contains("_via_")) {
            return new FieldError("validation_found_via", "The value cannot contain \"_via_\".");
        }
        if (!NAME.matcher(name).matches()) {
            return new FieldError("validation_match_invalid", "Must be in a valid format.");
        }
        if (!creating && base.system() && !name.equals(base.name())) {
            return new FieldError("validation_collection_system_name_change", "System collection name cannot be changed.");
        }
        List<Collection> others = schema.collections().stream().filter(c -> !c.id().equals(base.id())).toList();
        if (others.stream().anyMatch(c -> c.name().equalsIgnoreCase(name))) {
            return new FieldError("validation_collection_name_exists", "Collection name must be unique (case insensitive).");
        }
        if (others.stream().anyMatch(c -> c.id().equals(name))) {
            return new FieldError("validation_collection_name_id_duplicate", "The name must not match an existing collection id.");
        }
        boolean renamed = !name.equals(creating ? "" : base.name());
        boolean aCollection = !creating && base.name().equalsIgnoreCase(name);
        if (renamed && !aCollection && objects.isTable(name)) {
            return new FieldError("validation_collection_name_invalid", "The name shouldn't match with an existing internal table.");
        }
        return null;
    }

    /** The submitted list replaces the current one; a field is matched to its current self by id, else by name. */
    private List<Field> fields(Collection base, JsonNode submitted, boolean creating, Map<String, Object> errors) {
        if (submitted == null || !submitted.isArray()) {
            errors.put("fields", new FieldError("validation_invalid_type", "Must be a list of fields."));
            return base.fields();
        }
        List<Field> out = new ArrayList<>();
        Map<String, Object> perField = new LinkedHashMap<>();
        Set<String> ids = new HashSet<>();
        Set<String> names = new HashSet<>();
        // Errors are keyed by the field's final position: PocketBase puts a missing id text field first.
        boolean idSent = false;
        for (JsonNode raw : submitted) {
            String type = Fields.text(raw, "type");
            idSent |= raw.isObject() && "id".equals(Fields.text(raw, "name")) && ("text".equals(type) || type.isEmpty() && !creating);
        }
        int i = idSent || base.isView() ? 0 : 1;
        String idKey = "0";
        boolean otherPrimaryKey = false;
        for (JsonNode raw : submitted) {
            String key = Integer.toString(i++);
            if (!raw.isObject()) {
                perField.put(key, Map.of("type", new FieldError("validation_invalid_type", "Must be an object.")));
                continue;
            }
            String submittedId = Fields.text(raw, "id");
            Field existing = base.fields().stream()
                    .filter(f -> !submittedId.isEmpty() ? f.id().equals(submittedId) : f.name().equals(Fields.text(raw, "name")))
                    .findFirst().orElse(null);
            // The options of the system tokenKey a change leaves out stay as they are. A new collection
            // takes a submitted tokenKey as it is, as PocketBase does (its flags are enforced below).
            boolean tokenKey = !creating && existing != null && base.isAuth() && "tokenKey".equals(existing.name())
                    && "tokenKey".equals(Fields.text(raw, "name"));
            ObjectNode def = tokenKey ? (ObjectNode) merged(Fields.toJson(existing), raw) : ((ObjectNode) raw).deepCopy();
            if (existing != null) {
                def.put("id", existing.id());
                if (!def.has("type")) {
                    def.put("type", existing.type());
                }
                if (!def.has("system")) {
                    def.put("system", existing.common().system());
                }
            }
            Map<String, Object> fieldErrors = new LinkedHashMap<>();
            Field field = Fields.fromJson(def, fieldErrors);
            if (field != null && "id".equals(field.name())) {
                if (!(field instanceof TextField)) {
                    // PocketBase puts its own text id first: this one is a second "id".
                    perField.put(key, Map.of("name", duplicatedName("id")));
                    continue;
                }
                idKey = key;
            }
            if (field instanceof TextField t && t.primaryKey() && !"id".equals(t.name())) {
                otherPrimaryKey = true;
                fieldErrors.putAll(primaryKeyErrors(t));
            }
            if (field != null && existing != null && !existing.type().equals(field.type())) {
                perField.put(key, new FieldError("validation_field_type_change", "Field type cannot be changed."));
                continue;
            }
            if (field != null && base.isAuth() && ("passwordConfirm".equals(field.name()) || "oldPassword".equals(field.name()))) {
                fieldErrors.put("name", new FieldError("validation_reserved_field_name", "The field name is reserved and cannot be used."));
            }
            if (field != null && !names.add(field.name().toLowerCase(Locale.ROOT))) {
                fieldErrors.put("name", duplicatedName(field.name()));
            }
            if (field != null && !ids.add(field.id())) {
                fieldErrors.put("id", new FieldError("validation_duplicated_field_id", "Duplicated or invalid field id " + field.id() + "."));
            }
            if (field instanceof RelationField r) {
                var target = schema.find(r.collectionId());
                boolean self = r.collectionId().equals(base.id()) || r.collectionId().equalsIgnoreCase(base.name());
                if (target.isEmpty() && !self) {
                    fieldErrors.put("collectionId", new FieldError("validation_missing_collection", "The related collection doesn't exist."));
                } else {
                    String targetId = self ? base.id() : target.get().id();
                    field = new RelationField(r.common(), targetId, r.cascadeDelete(), r.minSelect(), r.maxSelect(), r.required());
                }
            }
            if (!fieldErrors.isEmpty()) {
                perField.put(key, new LinkedHashMap<>(fieldErrors));
            } else {
                out.add(field);
            }
        }
        if (otherPrimaryKey) {
            Object idErrors = perField.get(idKey);
            Map<String, Object> merged = new LinkedHashMap<>();
            if (idErrors instanceof Map<?, ?> m) {
                m.forEach((k, v) -> merged.put((String) k, v));
            }
            merged.put("primaryKey", compositePrimaryKey());
            if (!(idErrors instanceof FieldError)) {
                perField.put(idKey, merged);
            }
        }
        if (!creating) {
            for (Field old : base.fields()) {
                // Left out: PocketBase puts the default system fields back (below); a rename, or leaving
                // out another system field, is refused.
                boolean renamed = out.stream().anyMatch(f -> f.id().equals(old.id()) && !f.name().equals(old.name()));
                boolean missing = out.stream().noneMatch(f -> f.id().equals(old.id()));
                if (old.common().system() && (renamed || missing && !Scaffolds.restoredWhenMissing(base.type(), old.name())
                        || missing && out.stream().anyMatch(f -> f.name().equals(old.name())))
                        && perField.isEmpty()) {
                    errors.put("fields", new FieldError("validation_system_field_change", "System fields cannot be deleted or renamed."));
                    return base.fields();
                }
                if (old.common().system() && missing) {
                    if ("id".equals(old.name())) {
                        out.addFirst(old);
                    } else {
                        out.add(old);
                    }
                }
            }
        }
        if (!perField.isEmpty()) {
            errors.put("fields", perField);
        }
        return out;
    }

    /**
     * A submitted option onto the current one, as PocketBase decodes JSON onto the collection it has:
     * an object keeps the keys it does not mention ({@code {"otp":{"enabled":true}}} keeps the OTP
     * length, duration and template), other values replace. An OAuth2 provider sent without its
     * {@code clientSecret}, or a token config with an empty {@code secret} (responses never show
     * either), keeps the one it has.
     */
    static JsonNode merged(JsonNode current, JsonNode submitted) {
        if (current == null || !current.isObject() || !submitted.isObject()) {
            return submitted.deepCopy();
        }
        ObjectNode out = ((ObjectNode) current).deepCopy();
        submitted.fields().forEachRemaining(e -> {
            if ("providers".equals(e.getKey()) && e.getValue().isArray() && current.path("providers").isArray()) {
                com.fasterxml.jackson.databind.node.ArrayNode providers = out.putArray("providers");
                for (JsonNode p : e.getValue()) {
                    ObjectNode provider = p.isObject() ? ((ObjectNode) p).deepCopy() : null;
                    if (provider != null && Fields.text(provider, "clientSecret").isEmpty()) {
                        for (JsonNode old : current.path("providers")) {
                            if (Fields.text(old, "name").equals(Fields.text(provider, "name"))) {
                                provider.put("clientSecret", Fields.text(old, "clientSecret"));
                            }
                        }
                    }
                    providers.add(provider == null ? p : provider);
                }
            } else if ("secret".equals(e.getKey()) && e.getValue().isTextual() && e.getValue().asText().isEmpty()) {
                return; // a token secret is never shown: an empty one keeps the secret the collection has
            } else {
                out.set(e.getKey(), merged(current.get(e.getKey()), e.getValue()));
            }
        });
        return out;
    }

    /**
     * A text field other than the id marked as primary key, refused as PocketBase refuses it: the key
     * must be named id, there is one key only (SQLite would make them one composite key), and a key
     * is shown, required and has a pattern.
     */
    private static Map<String, Object> primaryKeyErrors(TextField t) {
        Map<String, Object> errors = new LinkedHashMap<>();
        errors.put("name", new FieldError("validation_in_invalid", "The primary key must be named \"id\"."));
        errors.put("primaryKey", compositePrimaryKey());
        if (t.pattern().isEmpty()) {
            errors.put("pattern", new FieldError("validation_required", "Cannot be blank."));
        }
        if (t.hidden()) {
            errors.put("hidden", new FieldError("validation_empty", "Must be blank."));
        }
        if (!t.required()) {
            errors.put("required", new FieldError("validation_required", "Cannot be blank."));
        }
        return errors;
    }

    private static FieldError duplicatedName(String name) {
        return FieldError.of("validation_duplicated_field_name", "Duplicated or invalid field name " + name + ".",
                "fieldName", name);
    }

    private static FieldError compositePrimaryKey() {
        return new FieldError("validation_unsupported_composite_pk",
                "Composite PKs are not supported and the collection must have only 1 PK.");
    }

    /** OAuth2 mapped fields naming no field of the collection are emptied, as PocketBase does on save. */
    private static void unsetMissingMappedFields(ObjectNode options, List<Field> fields) {
        if (options.path("oauth2").path("mappedFields") instanceof ObjectNode mapped) {
            mapped.properties().forEach(e -> {
                String target = e.getValue().asText("");
                if (!target.isEmpty() && fields.stream().noneMatch(f -> f.name().equals(target))) {
                    e.setValue(com.fasterxml.jackson.databind.node.TextNode.valueOf(""));
                }
            });
        }
    }

    /**
     * What a change of a system collection may not alter, each refused as PocketBase refuses it: its
     * name, its system flag, its type and its rules (see {@link #systemRuleChanges}).
     */
    static Map<String, Object> systemChanges(Collection original, JsonNode body) {
        Map<String, Object> errors = new LinkedHashMap<>();
        if (body.has("name") && !Fields.text(body, "name").equals(original.name())) {
            errors.put("name", new FieldError("validation_collection_system_name_change",
                    "System collection name cannot be changed."));
        }
        if (body.hasNonNull("system") && body.get("system").asBoolean() != original.system()) {
            errors.put("system", new FieldError("validation_collection_system_flag_change",
                    "System collection state cannot be changed."));
        }
        if (body.has("type") && !Fields.text(body, "type").equals(original.type())) {
            errors.put("type", new FieldError("validation_collection_type_change", "Collection type cannot be changed."));
        }
        errors.putAll(systemRuleChanges(original, body));
        return errors;
    }

    /**
     * The rules a change of a system collection would alter, each refused as PocketBase refuses it:
     * the five API rules and, of an auth collection, its auth and manage rules and, while MFA is on,
     * the MFA rule.
     */
    static Map<String, Object> systemRuleChanges(Collection original, JsonNode body) {
        Map<String, Object> errors = new LinkedHashMap<>();
        String[] current = {original.rules().list(), original.rules().view(), original.rules().create(),
                original.rules().update(), original.rules().delete()};
        for (int i = 0; i < RULES.size(); i++) {
            if (!java.util.Objects.equals(rule(body, RULES.get(i), current[i]), current[i])) {
                errors.put(RULES.get(i), systemRuleChange());
            }
        }
        if (original.isAuth()) {
            if (!java.util.Objects.equals(rule(body, "authRule", original.authRule()), original.authRule())) {
                errors.put("authRule", systemRuleChange());
            }
            if (!java.util.Objects.equals(rule(body, "manageRule", original.manageRule()), original.manageRule())) {
                errors.put("manageRule", systemRuleChange());
            }
            JsonNode mfa = body.get("mfa") == null ? original.option("mfa") : merged(original.option("mfa"), body.get("mfa"));
            String mfaRule = Fields.text(mfa, "rule");
            if (mfa.path("enabled").asBoolean(false) && !mfaRule.isEmpty()
                    && !mfaRule.equals(original.option("mfa.rule").asText(""))) {
                errors.put("mfa", Map.of("rule", systemRuleChange()));
            }
        }
        return errors;
    }

    private static FieldError systemRuleChange() {
        return new FieldError("validation_collection_system_rule_change", "System collection API rule cannot be changed.");
    }

    private static String rule(JsonNode body, String key, String current) {
        if (!body.has(key)) {
            return current;
        }
        JsonNode v = body.get(key);
        return v.isNull() ? null : v.asText();
    }

    /** Compiles every rule against the schema as it will be: a rule that cannot compile is refused now. */
    private void checkRules(Collection built, JsonNode body, Map<String, Object> errors) {
        List<Collection> all = new ArrayList<>(schema.collections().stream().filter(c -> !c.id().equals(built.id())).toList());
        all.add(built);
        Schema future = new Schema(all);
        String[] values = {built.rules().list(), built.rules().view(), built.rules().create(), built.rules().update(),
                built.rules().delete()};
        for (int i = 0; i < RULES.size(); i++) {
            checkRule(future, built, RULES.get(i), values[i], errors);
        }
        if (built.isAuth()) {
            checkRule(future, built, "authRule", built.authRule(), errors);
            checkRule(future, built, "manageRule", built.manageRule(), errors);
            if (built.option("mfa.enabled").asBoolean(false)) {
                Map<String, Object> mfa = new LinkedHashMap<>();
                checkRule(future, built, "rule", built.option("mfa.rule").asText(""), mfa);
                if (!mfa.isEmpty()) {
                    errors.put("mfa", mfa);
                }
            }
        }
    }

    private void checkRule(Schema future, Collection built, String key, String rule, Map<String, Object> errors) {
        if (rule == null || rule.isBlank()) {
            return;
        }
        try {
            FilterCompiler.compile(FilterParser.parse(rule), new RecordResolver(future, built, RequestInfo.NONE, true), clock);
        } catch (FilterException e) {
            errors.put(key, new FieldError("validation_invalid_rule", "Invalid rule. Raw error: " + e.getMessage()));
        }
    }

    static ApiException failed(String verb, Map<String, ?> errors) {
        return ApiException.BadRequest.nested("Failed to " + verb + " collection.", errors);
    }
}
