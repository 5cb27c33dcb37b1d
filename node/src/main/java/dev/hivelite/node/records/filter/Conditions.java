package dev.hivelite.node.records.filter;

import java.math.BigDecimal;

/** Builds the SQL condition for one comparison between two single values, with PocketBase's rules. */
final class Conditions {
    private Conditions() {
    }

    static Sql of(Term left, Op op, Term right) {
        return switch (op.base()) {
            case EQ -> equality(left, right, true);
            case NEQ -> equality(left, right, false);
            case LIKE -> like(left, right, "LIKE");
            case NOT_LIKE -> like(left, right, "NOT LIKE");
            case GT -> binary(left, " > ", right);
            case GTE -> binary(left, " >= ", right);
            case LT -> binary(left, " < ", right);
            case LTE -> binary(left, " <= ", right);
            default -> throw new IllegalStateException("not a base operator");
        };
    }

    /**
     * {@code =} / {@code !=} where NULL and '' count as the same "empty" value. Like PocketBase, the
     * cheapest exact form is chosen: a plain comparison when one side is a known non-empty value,
     * an explicit "= '' OR IS NULL" when one side is known empty, and COALESCE otherwise. The
     * inequality always uses IS NOT, because {@code x != NULL} would be NULL rather than true.
     */
    private static Sql equality(Term l, Term r, boolean equal) {
        String eq = equal ? " = " : " IS NOT ";
        Sql out = new Sql();
        if (l.exact() || r.exact()) {
            // A json value: "= ''" matches only an empty string and "= null" only null, as PocketBase compares them.
            return out.append(l).append(equal ? " IS " : " IS NOT ").append(r);
        }
        if (l.isEmpty() && r.isEmpty()) {
            return out.append(equal ? "1=1" : "1=0");
        }
        if (l.isKnownNonEmpty() || r.isKnownNonEmpty()) {
            appendOrEmpty(out, l).append(eq);
            return appendOrEmpty(out, r);
        }
        if (l.isEmpty() || r.isEmpty()) {
            Term other = l.isEmpty() ? r : l;
            String join = equal ? " OR " : " AND ";
            String isNull = equal ? " IS NULL" : " IS NOT NULL";
            return out.append("(").append(other).append(eq).append("''").append(join)
                    .append(other).append(isNull).append(")");
        }
        return out.append("COALESCE(").append(l).append(", '')").append(eq)
                .append("COALESCE(").append(r).append(", '')");
    }

    private static Sql appendOrEmpty(Sql out, Term t) {
        return t.isEmpty() ? out.append("''") : out.append(t);
    }

    /** A known right value becomes a contains-pattern; a column is wrapped in '%' at run time. */
    private static Sql like(Term l, Term r, String keyword) {
        Sql out = new Sql().append(l).append(" " + keyword + " ");
        if (r.known() && r.value() != null) {
            out.bind(LikePattern.of(text(r.value())));
        } else {
            out.append("('%' || ").append(r).append(" || '%')");
        }
        return out.append(" ESCAPE '\\'");
    }

    private static Sql binary(Term l, String op, Term r) {
        return new Sql().append(l).append(op).append(r);
    }

    private static String text(Object value) {
        if (value instanceof Double d && !d.isNaN() && !d.isInfinite()) {
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(value);
    }
}
