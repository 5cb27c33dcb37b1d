package dev.hivelite.node.records.filter;

import java.util.Arrays;
import java.util.List;

/** A fixed schema for table {@code t}, standing in for the real schema-aware resolver. */
final class TestResolver implements Resolver {
    private final String authId;

    /** @param authId the caller's record id, or {@code null} for an anonymous caller */
    TestResolver(String authId) {
        this.authId = authId;
    }

    static TestResolver anonymous() {
        return new TestResolver(null);
    }

    @Override
    public Resolved resolve(String identifier) {
        return switch (identifier) {
            case "id", "title", "views", "active", "created", "lat", "lon" ->
                    new Resolved.Single("t." + identifier, List.of());
            // Compared as stored, like a json value: NULL and '' differ.
            case "exact_title" -> new Resolved.Single("t.title", List.of(), true);
            case "title:lower" -> new Resolved.Single("lower(t.title)", List.of());
            case "tags:length" -> new Resolved.Single("json_array_length(t.tags)", List.of());
            case "tags", "tags:each" -> new Resolved.Multi("json_each(t.tags) AS je", "je.value", List.of());
            // A FROM tail that already has a WHERE, as relation paths produce.
            case "rel.name" -> new Resolved.Multi("tag_rel tr WHERE tr.owner = t.id", "tr.name", List.of());
            // Parameters in both the value expression and the FROM tail, to check their order.
            case "relp.name" -> new Resolved.Multi("tag_rel tr WHERE tr.owner = t.id AND tr.name <> ?",
                    "substr(tr.name, ?)", List.of(1, "zzz"));
            case "@request.auth.id" -> new Resolved.Single("?", Arrays.asList(authId));
            case "@request.auth.role" -> new Resolved.Single("?", List.of("admin"));
            case "secret" -> throw new FilterException("field is not allowed");
            default -> throw new FilterException("unknown field");
        };
    }
}
