package dev.hivelite.node.platform;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.ApiException.FieldError;
import dev.hivelite.node.common.Ids;
import dev.hivelite.node.common.Json;
import dev.hivelite.node.common.Times;
import dev.hivelite.node.storage.Sql;
import dev.hivelite.node.storage.SqliteDatabase;

/** The databases registry in system.db: names are labels on stable ids. */
public final class DatabaseStore {

    public static final Pattern NAME = Pattern.compile("^[a-z0-9][a-z0-9_-]{0,62}$");
    public static final String MAIN = "main";
    static final int MAX_GROUP = 64;

    private final SqliteDatabase systemDb;
    private final Clock clock;

    public DatabaseStore(SqliteDatabase systemDb, Clock clock) {
        this.systemDb = systemDb;
        this.clock = clock;
    }

    /** A registered database. */
    public record Database(String id, String name, String group, boolean readOnly, List<String> corsOrigins,
                           String created, String updated, String lastUsed) {
    }

    /** Validates a name with PocketBase's field error codes. */
    public static void validateName(String name) {
        if (name == null || name.isEmpty()) {
            throw ApiException.invalid("name", "validation_required", "Cannot be blank.");
        }
        if (!NAME.matcher(name).matches()) {
            throw ApiException.invalid("name", "validation_invalid_format",
                    "Must start with a lower-case letter or digit and use only a-z, 0-9, _ and - (at most 63).");
        }
    }

    /** Registers a database; 400 (validation_not_unique) if the name is taken. */
    public Database create(String name, String group, boolean readOnly, List<String> corsOrigins) {
        validateName(name);
        String now = Times.format(clock.instant());
        Database db = new Database(Ids.newId(), name, group == null ? "" : group, readOnly,
                corsOrigins == null ? List.of() : List.copyOf(corsOrigins), now, now, null);
        systemDb.write(c -> {
            if (byName(c, name).isPresent()) {
                throw ApiException.invalid("name", "validation_not_unique", "The name is already in use.");
            }
            return insert(c, db);
        });
        return db;
    }

    /** Creates {@code main} unless it exists; safe when several workers start at once (one transaction). */
    public Optional<Database> ensureMain() {
        String now = Times.format(clock.instant());
        Database main = new Database(Ids.newId(), MAIN, "", false, List.of(), now, now, null);
        return systemDb.write(c -> byName(c, MAIN).isPresent() ? Optional.<Database>empty() : Optional.of(main)
                .map(db -> {
                    try {
                        insert(c, db);
                        return db;
                    } catch (SQLException e) {
                        throw new dev.hivelite.node.storage.StorageException("cannot register main", e);
                    }
                }));
    }

    public List<Database> list() {
        return systemDb.read(c -> {
            List<Database> all = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(SELECT + " ORDER BY name"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    all.add(row(rs));
                }
            }
            return all;
        });
    }

    public Optional<Database> byName(String name) {
        return systemDb.read(c -> byName(c, name));
    }

    public Optional<Database> byId(String id) {
        return systemDb.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(row(rs)) : Optional.empty();
                }
            }
        });
    }

    /**
     * Records that the database was used now. One small write: callers rate-limit it (see
     * {@link DatabaseUsage}); an id deleted meanwhile changes nothing.
     */
    public void touchLastUsed(String id) {
        String now = Times.format(clock.instant());
        systemDb.write(c -> Sql.update(c, "UPDATE databases SET last_used = ? WHERE id = ?", now, id));
    }

    public boolean exists(String id) {
        return systemDb.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM databases WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** A change to name and/or settings; null fields stay as they are. */
    public record Change(String name, String group, Boolean readOnly, List<String> corsOrigins) {
    }

    public Optional<Database> update(String name, Change change) {
        if (change.name() != null) {
            validateName(change.name());
        }
        return systemDb.write(c -> {
            Optional<Database> current = byName(c, name);
            if (current.isEmpty()) {
                return Optional.<Database>empty();
            }
            Database d = current.get();
            if (change.name() != null && !change.name().equals(d.name())) {
                if (MAIN.equals(d.name())) {
                    throw ApiException.invalid("name", "validation_invalid_value", "The main database cannot be renamed.");
                }
                if (byName(c, change.name()).isPresent()) {
                    throw ApiException.invalid("name", "validation_not_unique", "The name is already in use.");
                }
            }
            Database next = new Database(d.id(), change.name() == null ? d.name() : change.name(),
                    change.group() == null ? d.group() : change.group(),
                    change.readOnly() == null ? d.readOnly() : change.readOnly(),
                    change.corsOrigins() == null ? d.corsOrigins() : List.copyOf(change.corsOrigins()),
                    d.created(), Times.format(clock.instant()), d.lastUsed());
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE databases SET name = ?, grp = ?, read_only = ?, cors_origins = ?, updated = ? WHERE id = ?")) {
                ps.setString(1, next.name());
                ps.setString(2, next.group());
                ps.setInt(3, next.readOnly() ? 1 : 0);
                ps.setString(4, json(next.corsOrigins()));
                ps.setString(5, next.updated());
                ps.setString(6, next.id());
                ps.executeUpdate();
            }
            return Optional.of(next);
        });
    }

    /** Removes the row (and, by cascade, its API keys); returns what was removed. */
    public Optional<Database> delete(String name) {
        return systemDb.write(c -> {
            Optional<Database> current = byName(c, name);
            if (current.isPresent()) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM databases WHERE id = ?")) {
                    ps.setString(1, current.get().id());
                    ps.executeUpdate();
                }
            }
            return current;
        });
    }

    private static final String SELECT =
            "SELECT id, name, grp, read_only, cors_origins, created, updated, last_used FROM databases";

    private static Optional<Database> byName(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    private static int insert(Connection c, Database db) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO databases (id, name, grp, read_only, cors_origins, created, updated)
                VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
            ps.setString(1, db.id());
            ps.setString(2, db.name());
            ps.setString(3, db.group());
            ps.setInt(4, db.readOnly() ? 1 : 0);
            ps.setString(5, json(db.corsOrigins()));
            ps.setString(6, db.created());
            ps.setString(7, db.updated());
            return ps.executeUpdate();
        }
    }

    private static Database row(ResultSet rs) throws SQLException {
        return new Database(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4) == 1,
                origins(rs.getString(5)), rs.getString(6), rs.getString(7), rs.getString(8));
    }

    private static String json(List<String> origins) {
        try {
            return Json.mapper().writeValueAsString(origins);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> origins(String json) {
        try {
            return Json.mapper().readValue(json, new TypeReference<List<String>>() { });
        } catch (JsonProcessingException e) {
            return List.of();
        }
    }
}
