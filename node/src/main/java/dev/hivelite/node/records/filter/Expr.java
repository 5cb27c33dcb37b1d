package dev.hivelite.node.records.filter;

import java.util.List;
import java.util.Objects;

/**
 * Parsed filter expression. {@code &&} binds tighter than {@code ||}, so a filter is an {@link Or}
 * of {@link And}s of comparisons or nested groups; single-child groups are collapsed by the parser.
 */
public sealed interface Expr {

    /** All children must hold; an empty list always holds. */
    record And(List<Expr> children) implements Expr {
        public And {
            children = List.copyOf(children);
        }
    }

    /** At least one child must hold; an empty list never holds. */
    record Or(List<Expr> children) implements Expr {
        public Or {
            children = List.copyOf(children);
        }
    }

    /** A single comparison such as {@code views >= 10}. */
    record Compare(Operand left, Op op, Operand right) implements Expr {
        public Compare {
            Objects.requireNonNull(left, "left");
            Objects.requireNonNull(op, "op");
            Objects.requireNonNull(right, "right");
        }
    }
}
