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
    private final boolean hasViews;

    Schema(List<Collection> collections) {
        List<Collection> all = new java.util.ArrayList<>();
        all.add(Scaffolds.superusers());
        all.addAll(collections);
        this.collections = List.copyOf(all);
        for (Collection c : all) {
            byKey.put(c.id(), c);
            byKey.put(c.name().toLowerCase(Locale.ROOT), c);
        }
        this.hasViews = all.stream().anyMatch(Collection::isView);
    }

    /**
     * Whether any collection is a view: a view's SQL may read the clock or randomness (through
     * comments, quoted names or plain SQLite views no text check sees), so reads of views, and rules
     * that join other rows while views exist, are never kept by the read cache.
     */
    public boolean hasViews() {
        return hasViews;
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
