package dev.hivelite.node.records.filter;

/**
 * Turns the right-hand value of {@code ~} into a LIKE pattern the way PocketBase does: a value with
 * no unescaped {@code %} is a plain "contains" search, so its {@code \ % _} are escaped (unless
 * already escaped) and it is wrapped in {@code %...%}; a value with its own {@code %} is used as is.
 */
final class LikePattern {
    private LikePattern() {
    }

    static String of(String value) {
        if (containsUnescaped(value, '%')) {
            return value;
        }
        return "%" + escape(value) + "%";
    }

    static boolean containsUnescaped(String s, char target) {
        boolean escaped = false;
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c == target && !escaped) {
                return true;
            }
            // "\\" is an escaped backslash, so it does not escape the character after it.
            escaped = c == '\\' && !escaped;
        }
        return false;
    }

    /**
     * Escapes {@code \ % _} not already preceded by a backslash. Scans from the end, like PocketBase,
     * so that in {@code a\_b} the backslash is read as the escape of {@code _} and kept single.
     */
    static String escape(String s) {
        StringBuilder reversed = new StringBuilder(s.length() + 8);
        boolean pending = false; // the char just emitted needs an escape unless s[k] already is one
        for (int k = s.length() - 1; k >= 0; k--) {
            char c = s.charAt(k);
            if (pending) {
                if (c != '\\') {
                    reversed.append('\\');
                }
                pending = false;
            } else {
                pending = c == '\\' || c == '%' || c == '_';
            }
            reversed.append(c);
            if (k == 0 && pending) {
                reversed.append('\\');
            }
        }
        return reversed.reverse().toString();
    }
}
