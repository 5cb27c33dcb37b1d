package dev.hivelite.node.records.filter;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a filter into tokens, following the fexpr grammar PocketBase uses. Error messages carry
 * only a position, never the input text, so nothing the client sent is reflected back verbatim.
 */
final class Lexer {
    private final String src;
    private int i;

    private Lexer(String src) {
        this.src = src;
    }

    static List<Token> tokenize(String src) {
        return new Lexer(src).run();
    }

    private List<Token> run() {
        List<Token> out = new ArrayList<>();
        while (true) {
            skipSpaceAndComments();
            if (i >= src.length()) {
                out.add(new Token(Token.Kind.EOF, "", i + 1));
                return out;
            }
            out.add(next());
        }
    }

    private void skipSpaceAndComments() {
        while (i < src.length()) {
            char c = src.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                i++;
            } else if (c == '/' && i + 1 < src.length() && src.charAt(i + 1) == '/') {
                while (i < src.length() && src.charAt(i) != '\n') {
                    i++;
                }
            } else {
                return;
            }
        }
    }

    private Token next() {
        int start = i;
        char c = src.charAt(i);
        switch (c) {
            case '(' -> { i++; return new Token(Token.Kind.LPAREN, "(", start + 1); }
            case ')' -> { i++; return new Token(Token.Kind.RPAREN, ")", start + 1); }
            case ',' -> { i++; return new Token(Token.Kind.COMMA, ",", start + 1); }
            case '\'', '"' -> { return string(c); }
            case '&', '|' -> { return join(c); }
            default -> { }
        }
        if (isIdentStart(c)) {
            return identifier();
        }
        if (isDigit(c) || (c == '-' && i + 1 < src.length() && isDigit(src.charAt(i + 1)))) {
            return number();
        }
        if (c == '?' || isSignChar(c)) {
            return operator();
        }
        throw error("unexpected character", start);
    }

    private Token string(char quote) {
        int start = i++;
        StringBuilder sb = new StringBuilder();
        while (i < src.length()) {
            char c = src.charAt(i++);
            if (c == quote) {
                return new Token(Token.Kind.STRING, sb.toString(), start + 1);
            }
            // Only an escaped quote loses its backslash (as in fexpr); other backslashes are kept
            // because they are meaningful to LIKE patterns, e.g. 'a\_b'.
            if (c == '\\' && i < src.length() && src.charAt(i) == quote) {
                sb.append(quote);
                i++;
            } else {
                sb.append(c);
            }
        }
        throw error("unterminated quoted text", start);
    }

    private Token join(char c) {
        int start = i;
        if (i + 1 < src.length() && src.charAt(i + 1) == c
                && (i + 2 >= src.length() || (src.charAt(i + 2) != '&' && src.charAt(i + 2) != '|'))) {
            i += 2;
            return new Token(c == '&' ? Token.Kind.AND : Token.Kind.OR, c == '&' ? "&&" : "||", start + 1);
        }
        throw error("invalid join operator, expected && or ||", start);
    }

    private Token identifier() {
        int start = i;
        while (i < src.length() && isIdentPart(src.charAt(i))) {
            i++;
        }
        String text = src.substring(start, i);
        char last = text.charAt(text.length() - 1);
        if (!(isLetter(last) || isDigit(last) || last == '_') || text.contains("..") || text.contains("::")) {
            throw error("invalid identifier", start);
        }
        return new Token(Token.Kind.IDENT, text, start + 1);
    }

    private Token number() {
        int start = i;
        if (src.charAt(i) == '-') {
            i++;
        }
        while (i < src.length() && (isDigit(src.charAt(i)) || src.charAt(i) == '.')) {
            i++;
        }
        String text = src.substring(start, i);
        // "1." and "1.2.3" are rejected, as fexpr does.
        if (text.endsWith(".") || text.indexOf('.') != text.lastIndexOf('.')) {
            throw error("invalid number", start);
        }
        return new Token(Token.Kind.NUMBER, text, start + 1);
    }

    private Token operator() {
        int start = i;
        if (src.charAt(i) == '?') {
            i++;
        }
        while (i < src.length() && isSignChar(src.charAt(i))) {
            i++;
        }
        String text = src.substring(start, i);
        if (Op.fromSymbol(text) == null) {
            throw error("invalid operator", start);
        }
        return new Token(Token.Kind.OP, text, start + 1);
    }

    private static FilterException error(String what, int index) {
        return new FilterException("invalid filter: " + what + " at position " + (index + 1));
    }

    private static boolean isSignChar(char c) {
        return c == '=' || c == '!' || c == '>' || c == '<' || c == '~';
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isIdentStart(char c) {
        return isLetter(c) || c == '_' || c == '@';
    }

    private static boolean isIdentPart(char c) {
        return isLetter(c) || isDigit(c) || c == '_' || c == '@' || c == '.' || c == ':';
    }
}
