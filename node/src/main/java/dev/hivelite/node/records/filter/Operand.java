package dev.hivelite.node.records.filter;

import java.util.List;
import java.util.Objects;

/** One side of a comparison in a parsed filter. */
public sealed interface Operand {

    /** A literal value: a {@code String}, {@code Long}, {@code Double}, {@code Boolean}, or {@code null}. */
    record Literal(Object value) implements Operand {
        public Literal {
            if (value != null && !(value instanceof String || value instanceof Long
                    || value instanceof Double || value instanceof Boolean)) {
                throw new IllegalArgumentException("unsupported literal type");
            }
        }
    }

    /** A field path handed to the {@link Resolver}, with modifiers, e.g. {@code "tags:length"}. */
    record Identifier(String name) implements Operand {
        public Identifier {
            Objects.requireNonNull(name, "name");
        }
    }

    /** A date/time macro such as {@code "@now"} or {@code "@yearStart"}. */
    record Macro(String name) implements Operand {
        public Macro {
            Objects.requireNonNull(name, "name");
        }
    }

    /** A function call such as {@code geoDistance(...)} or {@code strftime(...)}. */
    record Call(String function, List<Operand> args) implements Operand {
        public Call {
            Objects.requireNonNull(function, "function");
            args = List.copyOf(args);
        }
    }
}
