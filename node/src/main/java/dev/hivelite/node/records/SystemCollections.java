package dev.hivelite.node.records;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.hivelite.node.common.Json;

/**
 * The four system collections every database with collections holds, as PocketBase has them: linked
 * OAuth2 accounts ({@code _externalAuths}), MFA sessions ({@code _mfas}), one-time passwords
 * ({@code _otps}) and the places a user signed in from ({@code _authOrigins}). The auth flows write
 * them; through the records API a user lists and views their own rows (and deletes their own links
 * and origins), so the SDK's {@code listExternalAuths}/{@code unlinkExternalAuth} work unchanged.
 *
 * <p>They are rows of {@code _collections} with {@code system} set, installed with the first
 * collection of a database, and installed later into a database that had collections before them.
 * Tables the auth flows created earlier are kept and given the columns they lacked.
 */
final class SystemCollections {

    static final String EXTERNAL_AUTHS = "_externalAuths";
    static final String MFAS = "_mfas";
    static final String OTPS = "_otps";
    static final String AUTH_ORIGINS = "_authOrigins";

    /** A user sees and handles only the rows that point at them. */
    static final String OWNER_RULE =
            "@request.auth.id != '' && recordRef = @request.auth.id && collectionRef = @request.auth.collectionId";

    private static final String SINCE = "2024-01-01 00:00:00.000Z";
    private static final List<Collection> ALL = List.of(
            collection("pbc_2279338944", MFAS, List.of(text("text1582905952", "method")), false,
                    "CREATE INDEX `idx_mfas_collectionRef_recordRef` ON `_mfas` (collectionRef,recordRef)"),
            collection("pbc_1638494021", OTPS, List.of(
                    new PasswordField(new Field.Common("password901924565", "password", true, true, false), 0, 0, "", 8, true),
                    new TextField(new Field.Common("text3866985172", "sentTo", true, true, false), 0, 0, "", "", false, false)),
                    false, "CREATE INDEX `idx_otps_collectionRef_recordRef` ON `_otps` (collectionRef, recordRef)"),
            collection("pbc_2281828961", EXTERNAL_AUTHS, List.of(text("text2462348188", "provider"),
                    text("text1044722854", "providerId")), true,
                    "CREATE UNIQUE INDEX `idx_externalAuths_record_provider` ON `_externalAuths` (collectionRef, recordRef, provider)",
                    "CREATE UNIQUE INDEX `idx_externalAuths_collection_provider` ON `_externalAuths` (collectionRef, provider, providerId)"),
            collection("pbc_4275539003", AUTH_ORIGINS, List.of(text("text4228609354", "fingerprint")), true,
                    "CREATE UNIQUE INDEX `idx_authOrigins_unique_pairs` ON `_authOrigins` (collectionRef, recordRef, fingerprint)"));

    private SystemCollections() {
    }

    static List<Collection> all() {
        return ALL;
    }

    static boolean isSystemTable(String name) {
        return ALL.stream().anyMatch(c -> c.name().equalsIgnoreCase(name));
    }

    /** Whether a database's stored collections lack any of the four: it had collections before them. */
    static boolean missingFrom(List<Collection> stored) {
        Set<String> ids = new HashSet<>();
        stored.forEach(c -> ids.add(c.id()));
        return !stored.isEmpty() && ALL.stream().anyMatch(c -> !ids.contains(c.id()));
    }

    /**
     * Creates what is missing of the four, in the caller's write transaction: {@code _collections},
     * the tables (or the columns an older table lacks), their indexes and their definitions.
     */
    static void install(Connection c) throws SQLException {
        CollectionStore.ensureTable(c);
        Set<String> present = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM _collections WHERE system = 1")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    present.add(rs.getString(1));
                }
            }
        }
        for (Collection col : ALL) {
            if (present.contains(col.id())) {
                continue;
            }
            ensureTable(c, col);
            for (String index : col.indexes()) {
                try {
                    CollectionDdl.execute(c, index.replaceFirst("INDEX ", "INDEX IF NOT EXISTS "));
                } catch (SQLException e) {
                    // Rows an older version wrote twice keep a unique index from being built; the table still works.
                }
            }
            CollectionStore.insert(c, col);
        }
    }

    /** Removes what pointed at a deleted auth record, as PocketBase does with it. */
    static void forgetRecord(Connection c, Schema schema, Collection authCollection, String recordId) throws SQLException {
        for (Collection col : ALL) {
            if (schema.find(col.id()).isEmpty()) {
                continue;
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + RecordResolver.quote(col.name())
                    + " WHERE collectionRef = ? AND recordRef = ?")) {
                ps.setString(1, authCollection.id());
                ps.setString(2, recordId);
                ps.executeUpdate();
            }
        }
    }

    /** Removes what pointed at any record of a deleted or truncated auth collection. */
    static void forgetCollection(Connection c, Schema schema, Collection authCollection) throws SQLException {
        for (Collection col : ALL) {
            if (schema.find(col.id()).isEmpty()) {
                continue;
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + RecordResolver.quote(col.name())
                    + " WHERE collectionRef = ?")) {
                ps.setString(1, authCollection.id());
                ps.executeUpdate();
            }
        }
    }

    private static void ensureTable(Connection c, Collection col) throws SQLException {
        Set<String> columns = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM pragma_table_info(?)")) {
            ps.setString(1, col.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
        }
        if (columns.isEmpty()) {
            CollectionDdl.execute(c, "CREATE TABLE " + RecordResolver.quote(col.name()) + " ("
                    + CollectionDdl.columns(col.fields()) + ")");
            return;
        }
        for (Field f : col.fields()) {
            if (!columns.contains(f.name())) {
                CollectionDdl.execute(c, "ALTER TABLE " + RecordResolver.quote(col.name()) + " ADD COLUMN "
                        + RecordResolver.quote(f.name()) + " " + f.columnDefinition());
                if (f.name().equals("updated")) {
                    CollectionDdl.execute(c, "UPDATE " + RecordResolver.quote(col.name()) + " SET updated = created");
                }
            }
        }
    }

    private static Collection collection(String id, String name, List<Field> own, boolean ownerDeletes, String... indexes) {
        List<Field> fields = new ArrayList<>();
        fields.add(Scaffolds.idField());
        fields.add(text("text455797646", "collectionRef"));
        fields.add(text("text127846527", "recordRef"));
        fields.addAll(own);
        fields.add(new AutodateField(new Field.Common("autodate2990389176", "created", true, false, false), true, false));
        fields.add(new AutodateField(new Field.Common("autodate3332085495", "updated", true, false, false), true, true));
        Collection.Rules rules = new Collection.Rules(OWNER_RULE, OWNER_RULE, null, null, ownerDeletes ? OWNER_RULE : null);
        return new Collection(id, name, Collection.BASE, true, fields, List.of(indexes), rules,
                Json.mapper().createObjectNode(), SINCE, SINCE);
    }

    private static Field text(String id, String name) {
        return new TextField(new Field.Common(id, name, true, false, false), 0, 0, "", "", true, false);
    }
}
