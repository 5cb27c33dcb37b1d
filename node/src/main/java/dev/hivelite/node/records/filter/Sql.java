package dev.hivelite.node.records.filter;

import java.util.ArrayList;
import java.util.List;

/**
 * An SQL fragment under construction whose text and {@code ?} parameters always grow together, so
 * parameter order can never drift from placeholder order (a term used twice is bound twice).
 */
final class Sql {
    final StringBuilder text = new StringBuilder();
    final List<Object> params = new ArrayList<>();

    Sql append(String fixedSql) {
        text.append(fixedSql);
        return this;
    }

    Sql append(Term term) {
        text.append(term.sql());
        params.addAll(term.params());
        return this;
    }

    Sql append(Sql other) {
        text.append(other.text);
        params.addAll(other.params);
        return this;
    }

    /** Appends {@code ?} bound to {@code value}. */
    Sql bind(Object value) {
        text.append('?');
        params.add(value);
        return this;
    }
}
