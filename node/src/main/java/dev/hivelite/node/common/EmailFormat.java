package dev.hivelite.node.common;

import java.util.regex.Pattern;

/**
 * What PocketBase accepts as an email address (ozzo's {@code is.EmailFormat}, govalidator's grammar):
 * a dot-atom or a quoted local part, then a domain of labels whose last one starts and ends with a
 * letter ({@code a@b.c1} is refused), optionally ending in a dot. Nothing is trimmed or lowercased
 * and there is no length limit. The domain and a quoted local part are read by hand, in one pass:
 * their grammar is ambiguous (dots inside labels, {@code (} both text and an escape), which a
 * backtracking expression would take exponential time to refute.
 */
public final class EmailFormat {

    /** The non-ASCII letters the grammar allows (Go's regexp matches whole code points, as Java's does). */
    private static final String WIDE = "\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}";
    private static final String ATOM = "[a-zA-Z0-9!#$%&'*+\\-/=?^_`{|}~" + WIDE + "]+";
    private static final Pattern DOT_ATOM = Pattern.compile(ATOM + "(?:\\." + ATOM + ")*");

    // The states of a quoted local part, as bits: at a boundary (the start, or after an item); in
    // white space after a boundary (complete, after its CR, after its CRLF, complete after a CRLF);
    // after a quote that opens an item; in white space after it (the same four); after a "(" that
    // may open govalidator's "pair"; after the closing quote.
    private static final int BOUNDARY = 1;
    private static final int B_SPACE = 1 << 1;
    private static final int B_CR = 1 << 2;
    private static final int B_CRLF = 1 << 3;
    private static final int B_FOLDED = 1 << 4;
    private static final int QUOTE = 1 << 5;
    private static final int Q_SPACE = 1 << 6;
    private static final int Q_CR = 1 << 7;
    private static final int Q_CRLF = 1 << 8;
    private static final int Q_FOLDED = 1 << 9;
    private static final int PAIR = 1 << 10;
    private static final int END = 1 << 11;

    private EmailFormat() {
    }

    /** The domain holds no {@code @}, so the local part ends at the last one. */
    public static boolean valid(String email) {
        int at = email.lastIndexOf('@');
        if (at <= 0) {
            return false;
        }
        String local = email.substring(0, at);
        return (DOT_ATOM.matcher(local).matches() || quoted(local)) && validDomain(email.substring(at + 1));
    }

    /**
     * A quoted local part as govalidator's expression reads it, which is not RFC 5322's: each item
     * (a character of quoted text, or {@code (} and almost any ASCII character: its "pair"; a
     * backslash is never allowed) follows a quote of its own, optionally with folding white space
     * (spaces, or spaces, CRLF, spaces) between; one more quote closes. So {@code "a"b"} is quoted,
     * {@code "ab"} is not, and a lone {@code "} is. Followed through a set of states in one pass.
     */
    private static boolean quoted(String local) {
        int states = BOUNDARY;
        for (int i = 0; i < local.length() && states != 0; i++) {
            char ch = local.charAt(i);
            boolean space = ch == ' ' || ch == '\t';
            int next = 0;
            if ((states & PAIR) != 0 && ch >= 0x01 && ch <= 0x7f && ch != '\n') {
                next |= BOUNDARY;
            }
            if ((states & (QUOTE | Q_SPACE | Q_FOLDED)) != 0 && quotedText(ch)) {
                next |= ch == '(' ? BOUNDARY | PAIR : BOUNDARY;
            }
            if (ch == '"' && (states & (BOUNDARY | B_SPACE | B_FOLDED)) != 0) {
                next |= END | ((states & BOUNDARY) != 0 ? QUOTE : 0);
            }
            next |= whiteSpace(states, ch, space, BOUNDARY, B_SPACE, B_CR, B_CRLF, B_FOLDED);
            next |= whiteSpace(states, ch, space, QUOTE, Q_SPACE, Q_CR, Q_CRLF, Q_FOLDED);
            states = next;
        }
        return (states & END) != 0;
    }

    /** The steps of folding white space that follows the state {@code from}: spaces, or spaces, CRLF, spaces. */
    private static int whiteSpace(int states, char ch, boolean space, int from, int spaced, int cr, int crlf,
                                  int folded) {
        int next = 0;
        if (space && (states & (from | spaced)) != 0) {
            next |= spaced;
        }
        if (space && (states & (crlf | folded)) != 0) {
            next |= folded;
        }
        if (ch == '\r' && (states & (from | spaced)) != 0) {
            next |= cr;
        }
        if (ch == '\n' && (states & cr) != 0) {
            next |= crlf;
        }
        return next;
    }

    private static boolean quotedText(char ch) {
        return ch >= 0x01 && ch <= 0x08 || ch == 0x0b || ch == 0x0c || ch >= 0x0e && ch <= 0x1f || ch == 0x7f
                || ch == 0x21 || ch >= 0x23 && ch <= 0x5b || ch >= 0x5d && ch <= 0x7e || wide(ch);
    }

    /**
     * Labels and dots, starting with a letter or digit; the last label starts and ends with a letter
     * and follows a dot that follows a letter or digit. One trailing dot is allowed.
     */
    private static boolean validDomain(String domain) {
        String d = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
        if (d.isEmpty() || !alnum(d.charAt(0)) || !letter(d.charAt(d.length() - 1))) {
            return false;
        }
        boolean split = false;
        for (int i = 0; i < d.length(); i++) {
            char c = d.charAt(i);
            if (!alnum(c) && c != '-' && c != '.' && c != '_' && c != '~') {
                return false;
            }
            split |= c == '.' && i > 0 && i + 1 < d.length() && alnum(d.charAt(i - 1)) && letter(d.charAt(i + 1));
        }
        return split;
    }

    private static boolean letter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || wide(c);
    }

    private static boolean alnum(char c) {
        return letter(c) || c >= '0' && c <= '9';
    }

    private static boolean wide(char c) {
        return c >= 0x00A0 && c <= 0xD7FF || c >= 0xF900 && c <= 0xFDCF || c >= 0xFDF0 && c <= 0xFFEF;
    }
}
