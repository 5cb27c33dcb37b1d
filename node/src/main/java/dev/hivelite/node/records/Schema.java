package dev.hivelite.node.records;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The collections of one database at one moment: immutable, looked up by name (case-insensitive) or id. */
public final class Schema {

    static final Schema EMPTY = new Schema(List.of());

    private final List<Collection> collections;
    private final Map<String, Collection> byKey = new HashMap<>();
    private final boolean stable;

    Schema(List<Collection> collections) {
        List<Collection> all = new java.util.ArrayList<>();
        all.add(Scaffolds.superusers());
        all.addAll(collections);
        this.collections = List.copyOf(all);
        for (Collection c : all) {
            byKey.put(c.id(), c);
            byKey.put(c.name().toLowerCase(Locale.ROOT), c);
        }
        this.stable = all.stream().noneMatch(Schema::volatileView);
    }

    /** SQL whose result may change with no commit: the clock, randomness, connection state. */
    private static final java.util.regex.Pattern VOLATILE = java.util.regex.Pattern.compile(
            "(?i)\\b(?:(?:random|randomblob|julianday|unixepoch|strftime|date|time|datetime|timediff|changes"
                    + "|total_changes|last_insert_rowid)\\s*\\(|current_(?:date|time|timestamp)\\b)");

    private static boolean volatileView(Collection c) {
        if (!c.isView()) {
            return false;
        }
        com.fasterxml.jackson.databind.JsonNode query = c.options() == null ? null : c.options().get("viewQuery");
        return query == null || VOLATILE.matcher(query.asText()).find();
    }

    /**
     * Whether every table and view of this schema reads the same rows until something commits: false
     * when a view's query may read the clock or randomness (a read of such a view is never kept).
     */
    public boolean stable() {
        return stable;
    }

    public List<Collection> collections() {
        return collections;
    }

    /** By id, or by name ignoring case, as PocketBase's FindCollectionByNameOrId. */
    public Optional<Collection> find(String nameOrId) {
        Collection c = byKey.get(nameOrId);
        return Optional.ofNullable(c != null ? c : byKey.get(nameOrId.toLowerCase(Locale.ROOT)));
    }
}
