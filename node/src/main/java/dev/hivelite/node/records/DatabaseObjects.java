package dev.hivelite.node.records;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a database file holds beside the collections' definitions: the tables, views and indexes
 * SQLite lists, read inside the write transaction of a collection change, so that a collection never
 * takes the name of a table it is not, and an index never takes a name another table's index has
 * (index names are one namespace per file in SQLite, as PocketBase checks them).
 */
final class DatabaseObjects {

    /**
     * The node's own tables in a database file, and the names PocketBase keeps for its system
     * collections. Several are created on first use (the first OTP request creates {@code _otps}):
     * a collection holding one of these names first would later have our rows mixed into its table.
     */
    static final Set<String> INTERNAL_TABLES = lower(List.of("_collections", "_params", "_mfas", "_otps",
            "_externalAuths", "_authOrigins"));

    /** Names only SQLite may create, and the table a rebuild fills before it takes the collection's name. */
    private static final List<String> INTERNAL_PREFIXES = List.of("sqlite_", CollectionDdl.REBUILD_PREFIX.toLowerCase(Locale.ROOT));

    /** Table and view names, lower-case. */
    private final Set<String> tables;
    /** Lower-case index name → the table it indexes. */
    private final Map<String, String> indexes;

    private DatabaseObjects(Set<String> tables, Map<String, String> indexes) {
        this.tables = tables;
        this.indexes = indexes;
    }

    static DatabaseObjects read(Connection c) throws SQLException {
        Set<String> tables = new HashSet<>();
        Map<String, String> indexes = new HashMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT type, name, tbl_name FROM sqlite_master"
                     + " WHERE type IN ('table', 'view', 'index')")) {
            while (rs.next()) {
                String name = rs.getString(2).toLowerCase(Locale.ROOT);
                if ("index".equals(rs.getString(1))) {
                    indexes.put(name, rs.getString(3));
                } else {
                    tables.add(name);
                }
            }
        }
        return new DatabaseObjects(tables, indexes);
    }

    /** Whether {@code name} (in any case) is a table or view of the file, or a name kept for the node's own. */
    boolean isTable(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return tables.contains(lower) || INTERNAL_TABLES.contains(lower)
                || INTERNAL_PREFIXES.stream().anyMatch(lower::startsWith);
    }

    /** The table that already has an index of this name (in any case), if one does. */
    Optional<String> indexTable(String indexName) {
        return Optional.ofNullable(indexes.get(indexName.toLowerCase(Locale.ROOT)));
    }

    private static Set<String> lower(List<String> names) {
        Set<String> out = new HashSet<>();
        names.forEach(n -> out.add(n.toLowerCase(Locale.ROOT)));
        return Set.copyOf(out);
    }
}
