package dev.hivelite.node.records;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.helidon.webserver.http.ServerRequest;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.records.filter.FilterCompiler;
import dev.hivelite.node.records.filter.FilterException;
import dev.hivelite.node.records.filter.FilterParser;
import dev.hivelite.node.records.filter.Resolved;
import dev.hivelite.node.storage.Sql;

/** The collections list with PocketBase's {@code filter} and {@code sort} over id, created, updated, name, system, type. */
final class CollectionQuery {

    private static final Set<String> FIELDS = Set.of("id", "created", "updated", "name", "system", "type");

    private CollectionQuery() {
    }

    static List<Collection> list(Scopes.Scope scope, ServerRequest req, Clock clock) {
        String filter = req.query().first("filter").orElse("");
        String sort = req.query().first("sort").orElse("");
        if (filter.isBlank() && sort.isBlank()) {
            return scope.schema.collections();
        }
        FilterCompiler.Compiled where;
        List<String> order = new ArrayList<>();
        try {
            where = FilterCompiler.compile(FilterParser.parse(filter), CollectionQuery::resolve, clock);
            for (String key : sort.split(",")) {
                key = key.trim();
                if (key.isEmpty()) {
                    continue;
                }
                boolean desc = key.startsWith("-");
                String name = key.replaceFirst("^[-+]", "");
                if (!FIELDS.contains(name)) {
                    throw new FilterException("invalid sort field " + name);
                }
                order.add("t." + name + (desc ? " DESC" : " ASC"));
            }
        } catch (FilterException e) {
            throw new ApiException.BadRequest(ApiException.BadRequest.GENERIC); // as PocketBase
        }
        // The platform's _superusers is not a row of _collections but is listed like one.
        Collection superusers = Scaffolds.superusers();
        String platformRow = "SELECT '" + superusers.id() + "' AS id, '" + superusers.created() + "' AS created, '"
                + superusers.updated() + "' AS updated, '" + superusers.name() + "' AS name, 1 AS system, 'auth' AS type";
        String tail = " t WHERE " + where.sql() + (order.isEmpty() ? "" : " ORDER BY " + String.join(", ", order));
        // A database where no collection was ever created has no _collections table yet.
        boolean stored = scope.schema.collections().stream().anyMatch(c -> !Scaffolds.isSuperusers(c));
        String sql = "SELECT id FROM (" + (stored
                ? "SELECT id, created, updated, name, system, type FROM _collections UNION ALL " : "") + platformRow + ")"
                + tail;
        List<String> ids = scope.lease.db().read(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                Sql.bind(ps, where.params().toArray());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
        List<Collection> out = new ArrayList<>();
        ids.forEach(id -> scope.schema.find(id).ifPresent(out::add));
        return out;
    }

    private static Resolved resolve(String identifier) {
        if (!FIELDS.contains(identifier)) {
            throw new FilterException("unknown field " + identifier);
        }
        return new Resolved.Single("t." + identifier, List.of());
    }
}
