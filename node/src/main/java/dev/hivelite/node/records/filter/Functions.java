package dev.hivelite.node.records.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** SQL for the filter functions {@code geoDistance} and {@code strftime}. */
final class Functions {
    private Functions() {
    }

    static Term compile(Operand.Call call, Function<Operand, Term> args) {
        List<Term> terms = new ArrayList<>();
        for (Operand a : call.args()) {
            terms.add(args.apply(a));
        }
        return switch (call.function()) {
            case "geoDistance" -> geoDistance(terms);
            case "strftime" -> strftime(terms);
            default -> throw new FilterException("invalid filter: unknown function");
        };
    }

    /**
     * Great-circle distance in km between (lonA, latA) and (lonB, latB), by the spherical law of
     * cosines as PocketBase does. The cosine is clamped to [-1, 1] because rounding can push it just
     * past 1 for identical points, which would make acos return NULL instead of 0.
     */
    private static Term geoDistance(List<Term> t) {
        if (t.size() != 4) {
            throw new FilterException("invalid filter: geoDistance expects 4 arguments");
        }
        Term lonA = t.get(0);
        Term latA = t.get(1);
        Term lonB = t.get(2);
        Term latB = t.get(3);
        Sql sql = new Sql().append("(6371.0 * acos(min(1.0, max(-1.0, ")
                .append("sin(radians(").append(latA).append(")) * sin(radians(").append(latB).append(")) + ")
                .append("cos(radians(").append(latA).append(")) * cos(radians(").append(latB).append(")) * ")
                .append("cos(radians(").append(lonB).append(") - radians(").append(lonA).append("))")
                .append("))))");
        return Term.of(sql);
    }

    /**
     * SQLite's own strftime(format, time-value, modifiers...), every argument bound or resolved; with
     * the format alone the time is now, as in SQLite and PocketBase.
     */
    private static Term strftime(List<Term> t) {
        if (t.isEmpty()) {
            throw new FilterException("invalid filter: strftime expects a format");
        }
        Sql sql = new Sql().append("strftime(");
        for (int k = 0; k < t.size(); k++) {
            if (k > 0) {
                sql.append(", ");
            }
            sql.append(t.get(k));
        }
        return Term.of(sql.append(")"));
    }
}
