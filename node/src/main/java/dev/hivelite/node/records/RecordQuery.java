package dev.hivelite.node.records;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.hivelite.node.common.HeapBudget;
import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.records.filter.FilterCompiler;
import dev.hivelite.node.records.filter.FilterException;
import dev.hivelite.node.records.filter.FilterParser;
import dev.hivelite.node.storage.Sql;
import dev.hivelite.node.storage.Statements;

/**
 * Reads records: a page of a list (rule, filter, sort, paging) and single records by id, always as
 * parameterised SQL over the collection's table aliased {@code t}. Rules and filters compile through
 * {@link RecordResolver}, so nothing from the request is ever SQL text.
 */
final class RecordQuery {

    private RecordQuery() {
    }

    /** A compiled WHERE condition; {@link #ALL} when nothing restricts. */
    record Where(String sql, List<Object> params) {
        static final Where ALL = new Where("1=1", List.of());

        Where and(Where other) {
            if (this == ALL) {
                return other;
            }
            if (other == ALL) {
                return this;
            }
            List<Object> p = new ArrayList<>(params);
            p.addAll(other.params);
            return new Where("(" + sql + ") AND (" + other.sql + ")", p);
        }
    }

    /** A rule or filter as SQL; a blank one restricts nothing. */
    static Where compile(String expression, Schema schema, Collection collection, RequestInfo info, boolean allowHidden,
                         Clock clock) {
        if (expression == null || expression.isBlank()) {
            return Where.ALL;
        }
        FilterCompiler.Compiled compiled = FilterCompiler.compile(parsed(expression),
                new RecordResolver(schema, collection, info, allowHidden), clock);
        return new Where(compiled.sql(), compiled.params());
    }

    /** Parsed rules and filters by text: a rule is parsed once, not per request (the tree is immutable). */
    private static final java.util.concurrent.ConcurrentHashMap<String, dev.hivelite.node.records.filter.Expr> PARSED =
            new java.util.concurrent.ConcurrentHashMap<>();
    static final int MAX_PARSED = 10_000;

    static dev.hivelite.node.records.filter.Expr parsed(String expression) {
        dev.hivelite.node.records.filter.Expr e = PARSED.get(expression);
        if (e == null) {
            e = FilterParser.parse(expression);
            if (PARSED.size() >= MAX_PARSED) {
                PARSED.clear();
            }
            PARSED.put(expression, e);
        }
        return e;
    }

    /**
     * What the read cache needs to know of a rule or filter, read once per text.
     *
     * @param callerBound whether what it selects is fixed by the database's content and the caller's
     *                    identity alone, so that an answer read under it may be answered again to the
     *                    same caller until anything commits: no date macro (they move with the clock),
     *                    no function call, no part of the request but {@code @request.auth.id},
     *                    {@code .collectionId} and {@code .collectionName} (the caller's other fields
     *                    are read apart from the answer's snapshot). Row fields, relation paths and
     *                    {@code @collection} joins read the same snapshot as the answer.
     * @param joins       whether it reads rows other than the one it judges: a relation path, a
     *                    back-relation or an {@code @collection} join (an identifier outside
     *                    {@code @request} with a dot)
     * An expression that does not parse is neither bound nor join-free.
     */
    record Traits(boolean callerBound, boolean joins) {
        private static final Traits BLANK = new Traits(true, false);
        private static final Traits UNPARSED = new Traits(false, true);
    }

    static Traits traits(String expression) {
        if (expression == null || expression.isBlank()) {
            return Traits.BLANK;
        }
        Traits known = TRAITS.get(expression);
        if (known == null) {
            try {
                List<dev.hivelite.node.records.filter.Operand> operands = new ArrayList<>();
                operands(parsed(expression), operands);
                known = new Traits(operands.stream().allMatch(RecordQuery::callerBound),
                        operands.stream().anyMatch(RecordQuery::joins));
            } catch (FilterException e) {
                known = Traits.UNPARSED;
            }
            if (TRAITS.size() >= MAX_PARSED) {
                TRAITS.clear();
            }
            TRAITS.put(expression, known);
        }
        return known;
    }

    private static final java.util.concurrent.ConcurrentHashMap<String, Traits> TRAITS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Every operand of the tree, a call's arguments included (after the call itself). */
    private static void operands(dev.hivelite.node.records.filter.Expr e, List<dev.hivelite.node.records.filter.Operand> out) {
        switch (e) {
            case dev.hivelite.node.records.filter.Expr.And and -> and.children().forEach(c -> operands(c, out));
            case dev.hivelite.node.records.filter.Expr.Or or -> or.children().forEach(c -> operands(c, out));
            case dev.hivelite.node.records.filter.Expr.Compare c -> {
                operand(c.left(), out);
                operand(c.right(), out);
            }
        }
    }

    private static void operand(dev.hivelite.node.records.filter.Operand o, List<dev.hivelite.node.records.filter.Operand> out) {
        out.add(o);
        if (o instanceof dev.hivelite.node.records.filter.Operand.Call call) {
            call.args().forEach(a -> operand(a, out));
        }
    }

    private static boolean callerBound(dev.hivelite.node.records.filter.Operand o) {
        return switch (o) {
            case dev.hivelite.node.records.filter.Operand.Literal l -> true;
            case dev.hivelite.node.records.filter.Operand.Identifier i -> {
                String path = path(i);
                yield !path.startsWith("@request.") || path.equals("@request.auth.id")
                        || path.equals("@request.auth.collectionId") || path.equals("@request.auth.collectionName");
            }
            case dev.hivelite.node.records.filter.Operand.Macro m -> false;
            case dev.hivelite.node.records.filter.Operand.Call call -> false;
        };
    }

    private static boolean joins(dev.hivelite.node.records.filter.Operand o) {
        if (!(o instanceof dev.hivelite.node.records.filter.Operand.Identifier i)) {
            return false;
        }
        String path = path(i);
        return !path.startsWith("@request.") && path.indexOf('.') >= 0;
    }

    /** An identifier without its modifiers ({@code tags:length} is {@code tags}). */
    private static String path(dev.hivelite.node.records.filter.Operand.Identifier i) {
        int colon = i.name().indexOf(':');
        return colon < 0 ? i.name() : i.name().substring(0, colon);
    }

    static String columns(Collection collection) {
        return COLUMNS.get(collection).list();
    }

    /** The columns of {@link #columns} for an {@code INSERT}/{@code UPDATE … RETURNING}, in the same order. */
    static String returning(Collection collection) {
        return collection.fields().stream().map(f -> RecordResolver.quote(f.name())).collect(Collectors.joining(", "));
    }

    static Map<String, Object> row(ResultSet rs, Collection collection) throws SQLException {
        return row(rs, collection, null);
    }

    /** A row; with {@code budget}, the sizes of its text values are counted into it. */
    static Map<String, Object> row(ResultSet rs, Collection collection, HeapBudget.Reservation budget) throws SQLException {
        Columns columns = COLUMNS.get(collection);
        long size = 0;
        Map<String, Object> values = LinkedHashMap.newLinkedHashMap(columns.fields.length);
        for (int i = 0; i < columns.fields.length; i++) {
            Object raw;
            if (columns.text[i]) {
                // A TEXT column holds text (or NULL): its UTF-8 bytes decoded here cost a third less
                // than sqlite-jdbc's getString, and a list reads dozens of them per request.
                byte[] bytes = rs.getBytes(i + 1);
                raw = bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
                size += bytes == null ? 0 : bytes.length;
            } else {
                raw = rs.getObject(i + 1);
                size += raw instanceof String text ? text.length() : raw instanceof byte[] b ? b.length : 8;
            }
            values.put(columns.names[i], columns.fields[i].fromDb(raw));
        }
        if (budget != null) {
            budget.add(size);
        }
        return values;
    }

    /**
     * A collection's fields and their names as arrays, for reading rows without a call per name;
     * {@code text} marks the columns of a table declared TEXT (a view's columns hold whatever its
     * query yields, so they are read as they come).
     */
    private record Columns(Field[] fields, String[] names, boolean[] text, String list) {
    }

    private static final PerCollection<Columns> COLUMNS = new PerCollection<>(collection -> {
        Field[] fields = collection.fields().toArray(Field[]::new);
        boolean[] text = new boolean[fields.length];
        for (int i = 0; i < fields.length; i++) {
            text[i] = !collection.isView() && fields[i].columnDefinition().startsWith("TEXT");
        }
        return new Columns(fields, collection.fields().stream().map(Field::name).toArray(String[]::new), text,
                collection.fields().stream().map(f -> "t." + RecordResolver.quote(f.name())).collect(Collectors.joining(", ")));
    });

    /** The ORDER BY of PocketBase's {@code sort}: keys, {@code -} for descending, {@code @random}, {@code @rowid}. */
    /** PocketBase's limit on the keys of one {@code sort}. */
    static final int MAX_SORT_KEYS = 8;

    static String orderBy(String sort, Schema schema, Collection collection, RequestInfo info, boolean allowHidden) {
        if (sort == null || sort.isBlank()) {
            return "";
        }
        RecordResolver resolver = new RecordResolver(schema, collection, info, allowHidden);
        List<String> keys = new ArrayList<>();
        for (String raw : sort.split(",")) {
            String key = raw.trim();
            if (key.isEmpty()) {
                continue;
            }
            boolean desc = key.startsWith("-");
            key = key.replaceFirst("^[-+]", "");
            String expr = switch (key) {
                case "@random" -> "RANDOM()";
                case "@rowid" -> {
                    if (collection.isView()) {
                        throw new FilterException("a view has no @rowid to sort on");
                    }
                    yield "t._rowid_";
                }
                default -> resolver.sortExpression(key, desc);
            };
            keys.add(expr + (desc ? " DESC" : " ASC"));
            if (keys.size() > MAX_SORT_KEYS) {
                throw new FilterException("too many sort expressions (at most " + MAX_SORT_KEYS + ")");
            }
        }
        return keys.isEmpty() ? "" : " ORDER BY " + String.join(", ", keys);
    }

    static List<Map<String, Object>> select(Connection c, Collection collection, Where where, String orderBy, int limit,
                                            long offset) throws SQLException {
        return select(c, collection, where, orderBy, limit, offset, null);
    }

    /** The page of rows; with {@code budget}, what they hold is counted into it (400/503 past it). */
    static List<Map<String, Object>> select(Connection c, Collection collection, Where where, String orderBy, int limit,
                                            long offset, HeapBudget.Reservation budget) throws SQLException {
        String sql = "SELECT " + columns(collection) + " FROM " + RecordResolver.quote(collection.name()) + " t WHERE "
                + where.sql() + orderBy + " LIMIT ? OFFSET ?";
        List<Map<String, Object>> out = new ArrayList<>();
        PreparedStatement ps = Statements.prepare(c, sql);
        int i = 1;
        for (Object p : where.params()) {
            ps.setObject(i++, p);
        }
        ps.setInt(i++, limit);
        ps.setLong(i, offset);
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(row(rs, collection, budget));
            }
        } catch (SQLException e) {
            Statements.evict(c, sql);
            throw e;
        }
        return out;
    }

    static long count(Connection c, Collection collection, Where where) throws SQLException {
        // No WHERE at all when nothing restricts: SQLite counts a whole table from its b-tree page
        // counts (about 50 times faster on 10,000 rows), but only for a count with no WHERE clause.
        String sql = "SELECT COUNT(*) FROM " + RecordResolver.quote(collection.name()) + " t"
                + (where == Where.ALL ? "" : " WHERE " + where.sql());
        PreparedStatement ps = Statements.prepare(c, sql);
        Sql.bind(ps, where.params().toArray());
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            Statements.evict(c, sql);
            throw e;
        }
    }

    static Optional<Map<String, Object>> byId(Connection c, Collection collection, String id, Where where)
            throws SQLException {
        Where byId = new Where("t.id = ?", List.of(id)).and(where);
        List<Map<String, Object>> rows = select(c, collection, byId, "", 1, 0);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    static List<Map<String, Object>> byIds(Connection c, Collection collection, List<String> ids, Where where)
            throws SQLException {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<Object> params = new ArrayList<>(ids);
        Where in = new Where("t.id IN (" + ids.stream().map(x -> "?").collect(Collectors.joining(",")) + ")", params);
        return select(c, collection, in.and(where), "", ids.size(), 0);
    }

    /** A client filter problem is PocketBase's generic 400: its message names no cause, as PocketBase's does not. */
    static ApiException badFilter(FilterException e) {
        return new ApiException.BadRequest(ApiException.BadRequest.GENERIC);
    }
}
