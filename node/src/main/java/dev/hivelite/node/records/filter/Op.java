package dev.hivelite.node.records.filter;

/**
 * A comparison operator of the filter language. Each plain operator has an "any" twin (prefixed
 * with {@code ?}) that, on multi-valued operands, needs only one matching item instead of all.
 */
public enum Op {
    EQ("="),
    NEQ("!="),
    GT(">"),
    GTE(">="),
    LT("<"),
    LTE("<="),
    LIKE("~"),
    NOT_LIKE("!~"),
    ANY_EQ("?="),
    ANY_NEQ("?!="),
    ANY_GT("?>"),
    ANY_GTE("?>="),
    ANY_LT("?<"),
    ANY_LTE("?<="),
    ANY_LIKE("?~"),
    ANY_NOT_LIKE("?!~");

    private final String symbol;

    Op(String symbol) {
        this.symbol = symbol;
    }

    /** The operator as written in a filter, e.g. {@code "?!="}. */
    public String symbol() {
        return symbol;
    }

    /** Whether this is an any-variant ({@code ?=}, {@code ?~}, ...). */
    public boolean isAny() {
        return symbol.charAt(0) == '?';
    }

    /** The plain comparison this operator performs, e.g. {@link #EQ} for both {@code =} and {@code ?=}. */
    public Op base() {
        return isAny() ? fromSymbol(symbol.substring(1)) : this;
    }

    /** Looks up an operator by its symbol, or returns {@code null} when there is none. */
    public static Op fromSymbol(String symbol) {
        for (Op op : values()) {
            if (op.symbol.equals(symbol)) {
                return op;
            }
        }
        return null;
    }
}
