package dev.hivelite.node.records.filter;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * An in-memory SQLite database with a small records table {@code t} (NULLs, empty strings, JSON
 * arrays) and a relation table {@code tag_rel}, plus helpers that run a filter against it.
 */
final class FilterTestDb implements AutoCloseable {
    /** "Now" for every test: Monday 2026-11-30 12:00:00 UTC. */
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-30T12:00:00Z"), ZoneOffset.UTC);

    static final Set<String> ALL = Set.of("r1", "r2", "r3", "r4", "r5", "r6", "r7");

    private final Connection conn;

    FilterTestDb() throws SQLException {
        conn = DriverManager.getConnection("jdbc:sqlite::memory:");
        try (Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE t (id TEXT PRIMARY KEY, title TEXT, views NUMERIC, active BOOLEAN,"
                    + " created TEXT, tags TEXT, lat REAL, lon REAL)");
            st.execute("CREATE TABLE tag_rel (owner TEXT, name TEXT)");
            st.execute("""
                INSERT INTO t VALUES
                 ('r1', 'Hello World',      10,   1,    '2026-11-30 10:00:00.000Z', '["a","b"]',     52.52,   13.405),
                 ('r2', '',                 0,    0,    '2026-11-29 12:00:00.000Z', '[]',            48.8566, 2.3522),
                 ('r3', NULL,               NULL, NULL, NULL,                       NULL,            NULL,    NULL),
                 ('r4', '100% real_deal',   5.5,  1,    '2026-01-01 00:00:00.000Z', '["b"]',         51.5072, -0.1276),
                 ('r5', 'It''s "quoted"',   -3,   0,    '2027-01-01 00:00:00.000Z', '["a","c","a"]', 52.52,   13.405),
                 ('r6', 'hello_world',      100,  1,    '2026-11-30 12:00:00.000Z', '["c"]',         NULL,    NULL),
                 ('r7', 'Seven',            7,    1,    '2026-11-30 23:59:59.999Z', '["a"]',         NULL,    NULL)
                """);
            st.execute("""
                INSERT INTO tag_rel VALUES ('r1','a'), ('r1','b'), ('r4','b'), ('r5','a'), ('r5','c'), ('r6','c')
                """);
        }
    }

    /** Parses, compiles and runs {@code filter}, returning the ids of the matching rows. */
    Set<String> ids(String filter, Resolver resolver) throws SQLException {
        FilterCompiler.Compiled c = FilterCompiler.compile(FilterParser.parse(filter), resolver, CLOCK);
        return ids(c);
    }

    Set<String> ids(FilterCompiler.Compiled c) throws SQLException {
        Set<String> out = new TreeSet<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT id FROM t WHERE " + c.sql())) {
            List<Object> params = c.params();
            for (int k = 0; k < params.size(); k++) {
                ps.setObject(k + 1, params.get(k));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    long rowCount() throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM t")) {
            return rs.getLong(1);
        }
    }

    @Override
    public void close() throws SQLException {
        conn.close();
    }
}
