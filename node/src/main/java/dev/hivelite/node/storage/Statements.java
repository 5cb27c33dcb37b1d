package dev.hivelite.node.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prepared statements kept per connection and reused: preparing is a large part of a point read in
 * SQLite (parse, plan, column names). A connection is used by one thread at a time (the pools hand
 * it out exclusively), so each connection's cache needs no lock of its own. SQLite re-prepares a
 * cached statement by itself after a schema change. Statements from here are never closed by the
 * caller: close only the ResultSet.
 */
public final class Statements {

    /** Statements per connection; the least recently used go past this. */
    static final int PER_CONNECTION = 128;

    /** One LRU map per open connection; removed when the connection closes. */
    private static final Map<Connection, LinkedHashMap<String, PreparedStatement>> CACHES = new ConcurrentHashMap<>();

    private Statements() {
    }

    /** The cached statement for {@code sql} on this connection, parameters cleared. */
    public static PreparedStatement prepare(Connection c, String sql) throws SQLException {
        LinkedHashMap<String, PreparedStatement> cache = CACHES.computeIfAbsent(c, k -> new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
                if (size() > PER_CONNECTION) {
                    closeQuietly(eldest.getValue());
                    return true;
                }
                return false;
            }
        });
        PreparedStatement ps = cache.get(sql);
        if (ps == null || ps.isClosed()) {
            ps = c.prepareStatement(sql);
            cache.put(sql, ps);
        } else {
            ps.clearParameters();
        }
        return ps;
    }

    /** Drops a statement that failed (its connection state is unknown). */
    public static void evict(Connection c, String sql) {
        LinkedHashMap<String, PreparedStatement> cache = CACHES.get(c);
        if (cache != null) {
            PreparedStatement ps = cache.remove(sql);
            if (ps != null) {
                closeQuietly(ps);
            }
        }
    }

    /** Before a connection closes: its statements go first. */
    static void release(Connection c) {
        LinkedHashMap<String, PreparedStatement> cache = CACHES.remove(c);
        if (cache != null) {
            cache.values().forEach(Statements::closeQuietly);
        }
    }

    private static void closeQuietly(PreparedStatement ps) {
        try {
            ps.close();
        } catch (SQLException ignored) {
            // closing a finished statement cannot fail in a way that matters
        }
    }
}
