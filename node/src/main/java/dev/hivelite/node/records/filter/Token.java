package dev.hivelite.node.records.filter;

/** One lexical token; {@code pos} is the 1-based character position used in error messages. */
record Token(Kind kind, String text, int pos) {

    enum Kind { IDENT, STRING, NUMBER, OP, AND, OR, LPAREN, RPAREN, COMMA, EOF }
}
