package dev.hivelite.node.platform;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.hivelite.node.common.AuditTrail;
import dev.hivelite.node.common.Json;
import dev.hivelite.node.common.Times;
import dev.hivelite.node.storage.SqliteDatabase;

/**
 * The audit log of admin actions, in system.db: who did what, to which database, from where, when.
 * Details never hold secrets: text under a name ending like one (password, secret, token, key, hash)
 * is redacted before it is written; ids and flags such as {@code keyId} or {@code passwordChanged} are kept.
 */
public final class AuditLog implements AuditTrail {

    private static final Logger LOG = Logger.getLogger(AuditLog.class.getName());
    /** Names whose text values are secrets: exactly these, or ending with one of them (newPassword, apiKey). */
    private static final Set<String> SECRET_WORDS = Set.of("password", "secret", "token", "key", "hash");
    public static final int MAX_PER_PAGE = 500;

    private final SqliteDatabase systemDb;
    private final Clock clock;

    public AuditLog(SqliteDatabase systemDb, Clock clock) {
        this.systemDb = systemDb;
        this.clock = clock;
    }

    /** One recorded action. */
    public record Entry(long id, String time, String actor, String action, String database, String ip,
                        Map<String, Object> details) {
    }

    /** Which entries a listing wants; null fields do not filter. */
    public record Query(String actor, String action, String database, String since, String until, int page, int perPage) {
    }

    /** A page of entries, newest first, in PocketBase's list shape. */
    public record Page(int page, int perPage, long totalItems, int totalPages, List<Entry> items) {
    }

    /**
     * Records an action. An audit write that fails is logged, not thrown: the action it describes has
     * already happened, and the client must learn that it did.
     */
    @Override
    public void record(String actor, String action, String databaseId, String ip, Map<String, ?> details) {
        String json;
        try {
            json = Json.mapper().writeValueAsString(redact(details));
        } catch (JsonProcessingException e) {
            json = "{}";
        }
        String detailsJson = json;
        try {
            systemDb.write(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO audit_log (time, actor, action, database_id, ip, details) VALUES (?, ?, ?, ?, ?, ?)")) {
                    ps.setString(1, Times.format(clock.instant()));
                    ps.setString(2, actor);
                    ps.setString(3, action);
                    ps.setString(4, databaseId);
                    ps.setString(5, ip == null ? "" : ip);
                    ps.setString(6, detailsJson);
                    return ps.executeUpdate();
                }
            });
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "audit log write failed for " + action + " by " + actor, e);
        }
    }

    static Map<String, Object> redact(Map<String, ?> details) {
        Map<String, Object> out = new LinkedHashMap<>();
        details.forEach((k, v) -> {
            String lower = k.toLowerCase();
            boolean secret = v instanceof CharSequence && SECRET_WORDS.stream().anyMatch(lower::endsWith);
            out.put(k, secret ? "[redacted]" : v);
        });
        return out;
    }

    public Page list(Query q) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<String> args = new ArrayList<>();
        filter(where, args, "actor = ?", q.actor());
        filter(where, args, "action = ?", q.action());
        filter(where, args, "database_id = ?", q.database());
        filter(where, args, "time >= ?", q.since());
        filter(where, args, "time <= ?", q.until());
        return systemDb.read(c -> {
            long total;
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM audit_log" + where)) {
                bind(ps, args);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
            List<Entry> items = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, time, actor, action, database_id, ip, details FROM audit_log"
                    + where + " ORDER BY id DESC LIMIT ? OFFSET ?")) {
                bind(ps, args);
                ps.setInt(args.size() + 1, q.perPage());
                ps.setLong(args.size() + 2, (long) (q.page() - 1) * q.perPage());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        items.add(new Entry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getString(6), details(rs.getString(7))));
                    }
                }
            }
            return new Page(q.page(), q.perPage(), total, (int) ((total + q.perPage() - 1) / q.perPage()), items);
        });
    }

    private static void filter(StringBuilder where, List<String> args, String clause, String value) {
        if (value != null && !value.isEmpty()) {
            where.append(" AND ").append(clause);
            args.add(value);
        }
    }

    private static void bind(PreparedStatement ps, List<String> args) throws java.sql.SQLException {
        for (int i = 0; i < args.size(); i++) {
            ps.setString(i + 1, args.get(i));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> details(String json) {
        try {
            return Json.mapper().readValue(json, Map.class);
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }
}
