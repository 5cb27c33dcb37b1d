package dev.hivelite.node.records;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.common.Json;

/**
 * The {@code _collections} table of a database: every collection's definition, next to the tables
 * it describes, so that a schema change and its DDL commit together.
 */
final class CollectionStore {

    private CollectionStore() {
    }

    static final String TABLE_DDL = """
            CREATE TABLE IF NOT EXISTS _collections (
                id         TEXT PRIMARY KEY NOT NULL,
                name       TEXT UNIQUE NOT NULL COLLATE NOCASE,
                type       TEXT NOT NULL DEFAULT 'base',
                system     BOOLEAN NOT NULL DEFAULT FALSE,
                fields     JSON NOT NULL DEFAULT '[]',
                indexes    JSON NOT NULL DEFAULT '[]',
                listRule   TEXT,
                viewRule   TEXT,
                createRule TEXT,
                updateRule TEXT,
                deleteRule TEXT,
                options    JSON NOT NULL DEFAULT '{}',
                created    TEXT NOT NULL,
                updated    TEXT NOT NULL
            )""";

    static void ensureTable(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(TABLE_DDL);
        }
    }

    /** Every collection; none when the table does not exist yet (a database never given a collection). */
    static List<Collection> load(Connection c) throws SQLException {
        try (Statement probe = c.createStatement();
             ResultSet exists = probe.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_collections'")) {
            if (!exists.next()) {
                return List.of();
            }
        }
        List<Collection> out = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, name, type, system, fields, indexes, listRule, viewRule, createRule,"
                     + " updateRule, deleteRule, options, created, updated FROM _collections ORDER BY created, rowid")) {
            while (rs.next()) {
                out.add(new Collection(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4) != 0,
                        fields(rs.getString(5)), strings(rs.getString(6)),
                        new Collection.Rules(rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
                                rs.getString(11)),
                        object(rs.getString(12)), rs.getString(13), rs.getString(14)));
            }
        }
        return out;
    }

    static void insert(Connection c, Collection col) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO _collections (id, name, type, system, fields, indexes,"
                + " listRule, viewRule, createRule, updateRule, deleteRule, options, created, updated)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            bind(ps, col);
            ps.executeUpdate();
        }
    }

    static void update(Connection c, Collection col) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE _collections SET id = ?, name = ?, type = ?, system = ?,"
                + " fields = ?, indexes = ?, listRule = ?, viewRule = ?, createRule = ?, updateRule = ?, deleteRule = ?,"
                + " options = ?, created = ?, updated = ? WHERE id = ?")) {
            bind(ps, col);
            ps.setString(15, col.id());
            ps.executeUpdate();
        }
    }

    static void delete(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM _collections WHERE id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, Collection col) throws SQLException {
        ArrayNode fields = Json.mapper().createArrayNode();
        col.fields().forEach(f -> fields.add(Fields.toJson(f)));
        ps.setString(1, col.id());
        ps.setString(2, col.name());
        ps.setString(3, col.type());
        ps.setInt(4, col.system() ? 1 : 0);
        ps.setString(5, fields.toString());
        ps.setString(6, Json.mapper().valueToTree(col.indexes()).toString());
        ps.setString(7, col.rules().list());
        ps.setString(8, col.rules().view());
        ps.setString(9, col.rules().create());
        ps.setString(10, col.rules().update());
        ps.setString(11, col.rules().delete());
        ps.setString(12, col.options().toString());
        ps.setString(13, col.created());
        ps.setString(14, col.updated());
    }

    private static List<Field> fields(String json) {
        List<Field> out = new ArrayList<>();
        for (JsonNode f : parse(json)) {
            Field field = Fields.stored(f);
            if (field != null) {
                out.add(field);
            }
        }
        return out;
    }

    private static List<String> strings(String json) {
        List<String> out = new ArrayList<>();
        parse(json).forEach(n -> out.add(n.asText()));
        return out;
    }

    private static ObjectNode object(String json) {
        JsonNode node = parse(json);
        return node.isObject() ? (ObjectNode) node : Json.mapper().createObjectNode();
    }

    private static JsonNode parse(String json) {
        try {
            JsonNode node = Json.mapper().readTree(json == null ? "null" : json);
            return node == null ? Json.mapper().createArrayNode() : node;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt _collections row", e);
        }
    }
}
