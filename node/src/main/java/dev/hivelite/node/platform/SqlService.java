package dev.hivelite.node.platform;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.Bodies;
import dev.hivelite.node.common.HeapBudget;
import dev.hivelite.node.common.Json;
import dev.hivelite.node.common.RequestContext;
import dev.hivelite.node.observe.DatabaseAnalytics;
import dev.hivelite.node.storage.DatabasePool;
import dev.hivelite.node.storage.SqliteDatabase;
import dev.hivelite.node.storage.StorageException;

/**
 * {@code POST /api/databases/{name}/query}: raw SQL for superusers and that database's API keys.
 * {@code {"sql", "params"}} runs one statement; {@code {"statements": [{sql, params}, …]}} runs several
 * in one transaction, all or nothing. Statements first run on a {@code query_only} read connection;
 * only when SQLite refuses a write there do they run again on the writer, in one {@code BEGIN
 * IMMEDIATE} transaction. A read-only database never reaches the writer: SQLite itself refuses.
 */
public final class SqlService implements HttpService {

    public static final int MAX_ROWS = 10_000;
    /** Results are answered whole: a bound on their size keeps one query from exhausting a worker's heap. */
    public static final long MAX_RESULT_BYTES = 48L << 20;
    public static final int MAX_STATEMENTS = 100;
    public static final int DEFAULT_TIMEOUT_SECONDS = 10;
    public static final int MAX_TIMEOUT_SECONDS = 60;

    private final DatabaseDirectory databases;
    private final DatabasePool pool;
    /** Records lastUsed (at most once a minute per database). */
    private final DatabaseUsage usage;

    private final DatabaseAnalytics analytics;

    public SqlService(DatabaseDirectory databases, DatabasePool pool, DatabaseUsage usage, DatabaseAnalytics analytics) {
        this.databases = databases;
        this.pool = pool;
        this.usage = usage;
        this.analytics = analytics;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/api/databases/{name}/query", this::query);
    }

    /** One statement to run, already lexed and checked. */
    private record Step(SqlText text, List<Object> params) {
    }

    /** What one statement produced. */
    record Result(List<String> columns, List<List<Object>> rows, long changes, Long lastInsertRowid) {
    }

    private void query(ServerRequest req, ServerResponse res) {
        long started = System.nanoTime();
        var principal = RequestContext.principal(req).requireCredentials();
        DatabaseStore.Database db = databases.byName(req.path().pathParameters().get("name"))
                .orElseThrow(DatabaseService::notFound);
        RequestContext.database(req, db.id(), db.name());
        principal.requireAdminOf(db.id());
        JsonNode body = Bodies.json(req);
        int timeout = timeout(body.get("timeout"));
        boolean batch = body.has("statements");
        List<Step> steps = batch ? steps(body.get("statements")) : List.of(step(body));
        // Results are counted against the worker's heap budget too: parallel large results get 503, not an OOM.
        try (HeapBudget.Reservation budget = HeapBudget.openUncapped()) {
            List<Result> results;
            try (DatabasePool.Lease lease = pool.lease(db.id())) {
                usage.used(db.id());
                analytics.queries(db.id(), db.name(), steps.size());
                results = run(lease.db(), steps, timeout, db.readOnly(), budget);
            }
            double millis = (System.nanoTime() - started) / 1_000_000.0;
            Object answer = batch ? Map.of("results", results, "durationMs", millis) : single(results.getFirst(), millis);
            DatabaseService.send(req, res, answer);
        }
    }

    private static Map<String, Object> single(Result r, double millis) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("columns", r.columns());
        out.put("rows", r.rows());
        out.put("changes", r.changes());
        out.put("lastInsertRowid", r.lastInsertRowid());
        out.put("durationMs", millis);
        return out;
    }

    private List<Result> run(SqliteDatabase db, List<Step> steps, int timeout, boolean readOnly,
                             HeapBudget.Reservation budget) {
        try {
            return db.read(c -> execute(c, steps, timeout, budget));
        } catch (StorageException e) {
            SQLException cause = sqlCause(e);
            if (cause == null || !cause.getMessage().contains("READONLY")) {
                throw translate(e);
            }
            if (readOnly) {
                throw new ApiException.Forbidden("The database is read-only.");
            }
        }
        try {
            // Alone: a statement stopped at its deadline aborts its whole transaction in SQLite.
            return db.writeAlone(c -> execute(c, steps, timeout, budget));
        } catch (StorageException e) {
            throw translate(e);
        }
    }

    /** Runs the steps under the request's deadline (see {@link dev.hivelite.node.storage.QueryDeadline}). */
    private static List<Result> execute(Connection c, List<Step> steps, int timeout, HeapBudget.Reservation budget)
            throws SQLException {
        long[] previous = dev.hivelite.node.storage.QueryDeadline.start(java.time.Duration.ofSeconds(timeout));
        try {
            return executeSteps(c, steps, budget);
        } finally {
            dev.hivelite.node.storage.QueryDeadline.restore(previous);
        }
    }

    private static List<Result> executeSteps(Connection c, List<Step> steps, HeapBudget.Reservation budget)
            throws SQLException {
        List<Result> results = new ArrayList<>();
        for (Step step : steps) {
            try (PreparedStatement ps = c.prepareStatement(step.text().sql)) {
                int expected = ps.getParameterMetaData().getParameterCount();
                if (expected != step.params().size()) {
                    throw new ApiException.BadRequest("The statement has " + expected + " parameter(s); "
                            + step.params().size() + " given.");
                }
                for (int i = 0; i < step.params().size(); i++) {
                    ps.setObject(i + 1, step.params().get(i));
                }
                boolean hasRows = ps.execute();
                List<String> columns = new ArrayList<>();
                List<List<Object>> rows = new ArrayList<>();
                long changes = 0;
                if (hasRows) {
                    try (ResultSet rs = ps.getResultSet()) {
                        ResultSetMetaData meta = rs.getMetaData();
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            columns.add(meta.getColumnLabel(i));
                        }
                        long bytes = 0;
                        while (rs.next()) {
                            if (rows.size() == MAX_ROWS) {
                                throw new ApiException.BadRequest("The result has more than " + MAX_ROWS
                                        + " rows; add a LIMIT or page with OFFSET.");
                            }
                            List<Object> row = new ArrayList<>(columns.size());
                            for (int i = 1; i <= columns.size(); i++) {
                                Object value = rs.getObject(i);
                                Object shown = value instanceof byte[] blob ? Base64.getEncoder().encodeToString(blob) : value;
                                long size = shown instanceof String text ? text.length() : 8;
                                bytes += size;
                                budget.add(size + (value instanceof byte[] blob ? blob.length : 0));
                                row.add(shown);
                            }
                            if (bytes > MAX_RESULT_BYTES) {
                                throw new ApiException.BadRequest("The result is larger than " + (MAX_RESULT_BYTES >> 20)
                                        + " MiB; select fewer rows or columns.");
                            }
                            rows.add(row);
                        }
                    }
                } else {
                    changes = Math.max(0, ps.getUpdateCount());
                }
                results.add(new Result(columns, rows, changes, changes > 0 ? lastInsertRowid(c) : null));
            }
        }
        return results;
    }

    private static Long lastInsertRowid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT last_insert_rowid()")) {
            return rs.next() ? rs.getLong(1) : null;
        }
    }

    private static SQLException sqlCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }

    /** SQLite's own message as a 400; a statement interrupted by its timeout says so. */
    private static ApiException translate(StorageException e) {
        SQLException cause = sqlCause(e);
        if (cause == null) {
            throw e;
        }
        String message = cause.getMessage() == null ? "SQL error" : cause.getMessage();
        if (message.contains("SQLITE_INTERRUPT") || message.contains("interrupted")) {
            return new ApiException.BadRequest("The statement ran longer than its timeout and was stopped; nothing was changed.");
        }
        return new ApiException.BadRequest(message);
    }

    private static int timeout(JsonNode node) {
        if (node == null || node.isNull()) {
            return DEFAULT_TIMEOUT_SECONDS;
        }
        if (!node.canConvertToInt() || node.asInt() < 1 || node.asInt() > MAX_TIMEOUT_SECONDS) {
            throw ApiException.invalid("timeout", "validation_invalid_value",
                    "Seconds, from 1 to " + MAX_TIMEOUT_SECONDS + ".");
        }
        return node.asInt();
    }

    private static List<Step> steps(JsonNode statements) {
        if (!statements.isArray() || statements.isEmpty() || statements.size() > MAX_STATEMENTS) {
            throw ApiException.invalid("statements", "validation_invalid_value",
                    "A list of 1 to " + MAX_STATEMENTS + " {sql, params} objects.");
        }
        List<Step> steps = new ArrayList<>();
        for (JsonNode s : statements) {
            if (!s.isObject()) {
                throw ApiException.invalid("statements", "validation_invalid_value", "Each statement is an object {sql, params}.");
            }
            steps.add(step(s));
        }
        return steps;
    }

    private static Step step(JsonNode node) {
        String sql = Bodies.text(node, "sql");
        if (sql == null || sql.isBlank()) {
            throw ApiException.invalid("sql", "validation_required", "Cannot be blank.");
        }
        SqlText text = SqlText.parse(sql).checkAllowed();
        return new Step(text, params(text, node.get("params")));
    }

    private static List<Object> params(SqlText text, JsonNode params) {
        List<Object> values = new ArrayList<>();
        if (params == null || params.isNull()) {
            if (!text.names.isEmpty()) {
                throw ApiException.invalid("params", "validation_required", "The SQL names parameters; send them as an object.");
            }
            return values;
        }
        if (params.isArray()) {
            if (!text.names.isEmpty()) {
                throw ApiException.invalid("params", "validation_invalid_type", "The SQL names parameters; send an object.");
            }
            params.forEach(p -> values.add(value(p)));
        } else if (params.isObject()) {
            for (String name : text.names) {
                if (!params.has(name)) {
                    throw ApiException.invalid("params", "validation_required", "Missing parameter \"" + name + "\".");
                }
                values.add(value(params.get(name)));
            }
        } else {
            throw ApiException.invalid("params", "validation_invalid_type", "A list (for ?) or an object (for :name).");
        }
        return values;
    }

    private static Object value(JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        if (v.isBoolean()) {
            return v.asBoolean() ? 1 : 0;
        }
        if (v.isIntegralNumber()) {
            if (!v.canConvertToLong()) {
                throw ApiException.invalid("params", "validation_invalid_value", "An integer beyond 64 bits: " + v + ".");
            }
            return v.asLong();
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isTextual()) {
            return v.asText();
        }
        try {
            return Json.mapper().writeValueAsString(v);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
