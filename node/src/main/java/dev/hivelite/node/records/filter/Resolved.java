package dev.hivelite.node.records.filter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/** Either one SQL value expression, or a set of values (multi-valued relation/select/file paths). */
public sealed interface Resolved {

    /**
     * One value: {@code sql} is an SQL expression with {@code ?} placeholders, {@code params} their
     * values in order. A known value (e.g. {@code @request.auth.id}) is {@code Single("?", [value])}
     * and is then treated like a literal of the filter. {@code exact}: the value is compared as it is, so
     * {@code =} and {@code !=} tell NULL from '' (PocketBase's json values); otherwise the two count as one.
     */
    record Single(String sql, List<Object> params, boolean exact) implements Resolved {
        public Single {
            Objects.requireNonNull(sql, "sql");
            params = copy(params);
        }

        public Single(String sql, List<Object> params) {
            this(sql, params, false);
        }
    }

    /**
     * Many values: the set is {@code SELECT <value> FROM <from>} where {@code from} is an SQL
     * FROM/WHERE tail (e.g. "json_each(t.tags) je" or "posts p WHERE p.author = t.id"), with ?
     * params in {@code params} (in the order they appear in that SELECT text), and {@code value}
     * the SQL expression of one item (e.g. "je.value").
     */
    record Multi(String from, String value, List<Object> params) implements Resolved {
        public Multi {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(value, "value");
            params = copy(params);
        }
    }

    // List.copyOf rejects nulls, but NULL is a legitimate bound value here.
    private static List<Object> copy(List<Object> params) {
        return params == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(params));
    }
}
