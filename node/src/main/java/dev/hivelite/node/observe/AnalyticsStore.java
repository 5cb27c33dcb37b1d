package dev.hivelite.node.observe;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import dev.hivelite.node.common.Times;
import dev.hivelite.node.storage.SqliteDatabase;

/**
 * The {@code analytics} table of system.db: one row per database and hour, which every worker adds
 * its counts to. Latency is a histogram over {@link DatabaseAnalytics#BUCKETS_MS}, stored as
 * comma-separated counts and merged in Java inside the write transaction.
 */
public final class AnalyticsStore {

    /** Rows older than this are purged as flushes go. */
    static final int RETENTION_DAYS = 31;

    private final SqliteDatabase systemDb;

    public AnalyticsStore(SqliteDatabase systemDb) {
        this.systemDb = systemDb;
    }

    /** Adds the rows; a database deleted meanwhile is skipped (its rows went with it). */
    void add(List<DatabaseAnalytics.Row> rows) {
        systemDb.write(c -> {
            for (DatabaseAnalytics.Row row : rows) {
                add(c, row);
            }
            purge(c, rows.getFirst().hour().minusSeconds(RETENTION_DAYS * 86_400L));
            return null;
        });
    }

    private static void add(Connection c, DatabaseAnalytics.Row row) throws SQLException {
        String hour = Times.format(row.hour());
        long[] latency = row.latency().clone();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT latency FROM analytics WHERE database_id = ? AND hour = ?")) {
            ps.setString(1, row.databaseId());
            ps.setString(2, hour);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    long[] before = parse(rs.getString(1));
                    for (int i = 0; i < latency.length && i < before.length; i++) {
                        latency[i] += before[i];
                    }
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO analytics (database_id, hour, requests, queries, errors, latency, size)
                SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM databases WHERE id = ?)
                ON CONFLICT (database_id, hour) DO UPDATE SET
                    requests = requests + excluded.requests,
                    queries = queries + excluded.queries,
                    errors = errors + excluded.errors,
                    latency = excluded.latency,
                    size = coalesce(excluded.size, size)""")) {
            ps.setString(1, row.databaseId());
            ps.setString(2, hour);
            ps.setLong(3, row.requests());
            ps.setLong(4, row.queries());
            ps.setLong(5, row.errors());
            ps.setString(6, Arrays.stream(latency).mapToObj(Long::toString).collect(Collectors.joining(",")));
            ps.setObject(7, row.size());
            ps.setString(8, row.databaseId());
            ps.executeUpdate();
        }
    }

    private static void purge(Connection c, Instant before) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM analytics WHERE hour < ?")) {
            ps.setString(1, Times.format(before));
            ps.executeUpdate();
        }
    }

    static long[] parse(String latency) {
        long[] out = new long[DatabaseAnalytics.BUCKETS_MS.length + 1];
        if (latency == null || latency.isEmpty()) {
            return out;
        }
        String[] parts = latency.split(",");
        for (int i = 0; i < parts.length && i < out.length; i++) {
            out[i] = Long.parseLong(parts[i]);
        }
        return out;
    }

    /** One hour of one database (or of all, summed). */
    public record Hour(Instant hour, long requests, long queries, long errors, long[] latency, Long size) {
    }

    /** Hours in [from, to) of one database, or of every database summed when {@code databaseId} is null. */
    public List<Hour> hours(String databaseId, Instant from, Instant to) {
        return systemDb.read(c -> {
            String sql = "SELECT hour, requests, queries, errors, latency, size FROM analytics WHERE hour >= ? AND hour < ?"
                    + (databaseId == null ? "" : " AND database_id = ?") + " ORDER BY hour";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, Times.format(from));
                ps.setString(2, Times.format(to));
                if (databaseId != null) {
                    ps.setString(3, databaseId);
                }
                List<Hour> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long size = rs.getLong(6);
                        out.add(new Hour(Times.parse(rs.getString(1)), rs.getLong(2), rs.getLong(3), rs.getLong(4),
                                parse(rs.getString(5)), rs.wasNull() ? null : size));
                    }
                }
                return out;
            }
        });
    }
}
