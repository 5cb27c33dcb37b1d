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

    Schema(List<Collection> collections) {
        List<Collection> all = new java.util.ArrayList<>();
        all.add(Scaffolds.superusers());
        all.addAll(collections);
        this.collections = List.copyOf(all);
        for (Collection c : all) {
            byKey.put(c.id(), c);
            byKey.put(c.name().toLowerCase(Locale.ROOT), c);
        }
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
