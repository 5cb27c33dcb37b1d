package dev.hivelite.node.records.filter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A single-valued compiled operand. {@code known} is true when the value is known at compile time
 * (a literal, a macro, or a resolver result of the form {@code Single("?", [value])}); the
 * null/empty-string rules of {@code =} and {@code !=} depend on it.
 */
record Term(String sql, List<Object> params, boolean known, Object value, boolean exact) implements Side {

    static Term known(Object value) {
        Object bound = value instanceof Boolean b ? (b ? 1L : 0L) : value;
        return new Term("?", Collections.singletonList(bound), true, bound, false);
    }

    static Term expression(String sql, List<Object> params) {
        return new Term(sql, Collections.unmodifiableList(new ArrayList<>(params)), false, null, false);
    }

    /** An expression whose NULL and '' differ in {@code =} / {@code !=} (see {@link Resolved.Single#exact()}). */
    static Term exact(String sql, List<Object> params) {
        return new Term(sql, Collections.unmodifiableList(new ArrayList<>(params)), false, null, true);
    }

    static Term of(Sql sql) {
        return expression(sql.text.toString(), sql.params);
    }

    /** A known NULL or empty string: PocketBase treats the two alike in equality checks. */
    boolean isEmpty() {
        return known && (value == null || "".equals(value));
    }

    boolean isKnownNonEmpty() {
        return known && !isEmpty();
    }
}
