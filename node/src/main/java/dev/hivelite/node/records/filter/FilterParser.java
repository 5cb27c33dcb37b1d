package dev.hivelite.node.records.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Parses PocketBase filter text ({@code ?filter=} and API rules) into an {@link Expr}.
 *
 * <p>Grammar: {@code expr := and ('||' and)*}, {@code and := primary ('&&' primary)*},
 * {@code primary := '(' expr ')' | operand OP operand}. {@code true}, {@code false} and
 * {@code null} (any case) are literals; {@code @now}-style names are {@link Operand.Macro}s; every
 * other name is an {@link Operand.Identifier} left to the {@link Resolver}.
 *
 * <p>Blank input, or input made only of comments, parses to {@link #ALWAYS} (matches every row).
 * PocketBase rejects it, but an empty API rule or filter means "no restriction" to every caller here.
 */
public final class FilterParser {

    /** The expression for an empty filter: an empty {@link Expr.And}, which always holds. */
    public static final Expr ALWAYS = new Expr.And(List.of());

    /** Longest accepted filter, in characters (PocketBase's limit). */
    public static final int MAX_LENGTH = 3500;
    /** Deepest accepted nesting of parentheses and function calls. */
    public static final int MAX_DEPTH = 32;
    /** Most comparisons accepted in one filter (PocketBase's default expression limit). */
    public static final int MAX_COMPARISONS = 200;

    private static final Set<String> MACROS = Set.of("@now", "@second", "@minute", "@hour", "@weekday",
            "@day", "@month", "@year", "@yesterday", "@tomorrow", "@todayStart", "@todayEnd",
            "@monthStart", "@monthEnd", "@yearStart", "@yearEnd");

    private final List<Token> tokens;
    private int pos;
    private int depth;
    private int comparisons;

    private FilterParser(List<Token> tokens) {
        this.tokens = tokens;
    }

    /** Parses {@code filter}; throws {@link FilterException} when it is malformed or too large. */
    public static Expr parse(String filter) {
        if (filter == null || filter.isBlank()) {
            return ALWAYS;
        }
        if (filter.length() > MAX_LENGTH) {
            throw new FilterException("invalid filter: longer than " + MAX_LENGTH + " characters");
        }
        List<Token> tokens = Lexer.tokenize(filter);
        if (tokens.size() == 1) { // only EOF: the input was whitespace and comments
            return ALWAYS;
        }
        FilterParser p = new FilterParser(tokens);
        Expr e = p.orExpr();
        if (p.peek().kind() != Token.Kind.EOF) {
            throw p.error(p.peek().kind() == Token.Kind.RPAREN ? "unbalanced ')'" : "unexpected token");
        }
        return e;
    }

    /** Whether {@code name} is one of the date/time macros ({@code @now}, {@code @yearEnd}, ...). */
    public static boolean isMacro(String name) {
        return MACROS.contains(name);
    }

    private Expr orExpr() {
        List<Expr> parts = new ArrayList<>();
        parts.add(andExpr());
        while (peek().kind() == Token.Kind.OR) {
            pos++;
            parts.add(andExpr());
        }
        return parts.size() == 1 ? parts.get(0) : new Expr.Or(parts);
    }

    private Expr andExpr() {
        List<Expr> parts = new ArrayList<>();
        parts.add(primary());
        while (peek().kind() == Token.Kind.AND) {
            pos++;
            parts.add(primary());
        }
        return parts.size() == 1 ? parts.get(0) : new Expr.And(parts);
    }

    private Expr primary() {
        if (peek().kind() == Token.Kind.LPAREN) {
            pos++;
            enter();
            if (peek().kind() == Token.Kind.RPAREN) {
                throw error("empty group");
            }
            Expr inner = orExpr();
            expect(Token.Kind.RPAREN, "missing ')'");
            depth--;
            return inner;
        }
        Operand left = operand();
        Token opTok = peek();
        if (opTok.kind() != Token.Kind.OP) {
            throw error("missing operator");
        }
        pos++;
        Operand right = operand();
        if (++comparisons > MAX_COMPARISONS) {
            throw new FilterException("invalid filter: more than " + MAX_COMPARISONS + " comparisons");
        }
        return new Expr.Compare(left, Op.fromSymbol(opTok.text()), right);
    }

    private Operand operand() {
        Token t = peek();
        switch (t.kind()) {
            case STRING -> {
                pos++;
                return new Operand.Literal(t.text());
            }
            case NUMBER -> {
                pos++;
                return new Operand.Literal(number(t.text()));
            }
            case IDENT -> {
                pos++;
                if (peek().kind() == Token.Kind.LPAREN) {
                    return call(t);
                }
                return word(t.text());
            }
            default -> throw error("missing operand");
        }
    }

    private static Operand word(String text) {
        switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> { return new Operand.Literal(Boolean.TRUE); }
            case "false" -> { return new Operand.Literal(Boolean.FALSE); }
            case "null" -> { return new Operand.Literal(null); }
            default -> { }
        }
        return MACROS.contains(text) ? new Operand.Macro(text) : new Operand.Identifier(text);
    }

    private Operand call(Token name) {
        int min;
        int max;
        switch (name.text()) {
            case "geoDistance" -> { min = 4; max = 4; }
            case "strftime" -> { min = 1; max = 12; }
            default -> throw error(name, "unknown function");
        }
        pos++; // '('
        enter();
        List<Operand> args = new ArrayList<>();
        if (peek().kind() != Token.Kind.RPAREN) {
            args.add(operand());
            while (peek().kind() == Token.Kind.COMMA) {
                pos++;
                args.add(operand());
            }
        }
        expect(Token.Kind.RPAREN, "missing ')' after function arguments");
        depth--;
        if (args.size() < min || args.size() > max) {
            throw error(name, "wrong number of function arguments");
        }
        return new Operand.Call(name.text(), args);
    }

    private static Object number(String text) {
        if (text.indexOf('.') < 0) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException tooBig) {
                // falls through: out-of-range integers degrade to a double, like PocketBase's float64
            }
        }
        return Double.parseDouble(text);
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw new FilterException("invalid filter: nested more than " + MAX_DEPTH + " levels deep");
        }
    }

    private void expect(Token.Kind kind, String message) {
        if (peek().kind() != kind) {
            throw error(message);
        }
        pos++;
    }

    private Token peek() {
        return tokens.get(pos);
    }

    private FilterException error(String what) {
        return error(peek(), what);
    }

    private static FilterException error(Token at, String what) {
        String where = at.kind() == Token.Kind.EOF ? "at end of input" : "at position " + at.pos();
        return new FilterException("invalid filter: " + what + " " + where);
    }
}
