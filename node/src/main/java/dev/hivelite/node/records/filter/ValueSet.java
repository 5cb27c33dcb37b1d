package dev.hivelite.node.records.filter;

import java.util.List;

/**
 * A multi-valued operand as a subquery with one column {@code v}. An empty set yields a single NULL
 * row, because PocketBase's LEFT JOINs make an empty relation/select compare like one NULL value
 * (so {@code tags = ""} matches a record without tags).
 */
record ValueSet(String sql, List<Object> params, Resolved.Multi source) implements Side {

    static ValueSet of(Resolved.Multi multi) {
        // Wrapping the resolver's FROM tail in a derived table works whether or not it has a WHERE.
        String sql = "SELECT __s.v AS v FROM (SELECT 1) AS __o LEFT JOIN (SELECT " + multi.value()
                + " AS v FROM " + multi.from() + ") AS __s ON 1";
        return new ValueSet(sql, multi.params(), multi);
    }
}
