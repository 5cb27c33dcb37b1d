package dev.hivelite.node.records;

/**
 * Random text from the simple patterns PocketBase's {@code autogeneratePattern} uses: literals and
 * character classes ({@code [a-z0-9]}) with an optional {@code {n}} count, e.g. {@code [a-z0-9]{15}}.
 */
final class Autogenerate {

    private Autogenerate() {
    }

    /** The longest text a pattern may make: more than any text field may hold by default. */
    static final int MAX_LENGTH = 10_000;

    /**
     * The length of what {@code pattern} makes; an {@link IllegalArgumentException} when it is malformed
     * or makes more than {@link #MAX_LENGTH} characters (refused when the field is saved).
     */
    static int length(String pattern) {
        int total = 0;
        for (Run run : runs(pattern)) {
            total += run.count();
        }
        return total;
    }

    /** One run of a pattern: {@code count} characters drawn from {@code alphabet}. */
    private record Run(String alphabet, int count) {
    }

    /**
     * The runs of a pattern, read left to right; an {@link IllegalArgumentException} at the first
     * malformed part, or once the runs so far make more than {@link #MAX_LENGTH} characters.
     */
    private static Run[] runs(String pattern) {
        java.util.List<Run> runs = new java.util.ArrayList<>();
        long total = 0;
        int i = 0;
        while (i < pattern.length()) {
            char ch = pattern.charAt(i);
            String alphabet;
            if (ch == '[') {
                int end = pattern.indexOf(']', i);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed class in " + pattern);
                }
                alphabet = expand(pattern.substring(i + 1, end));
                i = end + 1;
            } else if (ch == '\\' && i + 1 < pattern.length()) {
                alphabet = String.valueOf(pattern.charAt(i + 1));
                i += 2;
            } else {
                alphabet = String.valueOf(ch);
                i++;
            }
            int count = 1;
            if (i < pattern.length() && pattern.charAt(i) == '{') {
                int end = pattern.indexOf('}', i);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed count in " + pattern);
                }
                String digits = pattern.substring(i + 1, end).split(",")[0].trim();
                if (!digits.matches("\\d{1,9}")) {
                    throw new IllegalArgumentException("bad count in " + pattern);
                }
                count = Integer.parseInt(digits);
                i = end + 1;
            }
            total += count;
            if (total > MAX_LENGTH) {
                throw new IllegalArgumentException("the pattern makes more than " + MAX_LENGTH + " characters");
            }
            runs.add(new Run(alphabet, count));
        }
        return runs.toArray(Run[]::new);
    }

    /** Patterns already read (a collection's few, used on every create), or their error. */
    private static final java.util.concurrent.ConcurrentHashMap<String, Object> COMPILED =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_COMPILED = 1024;

    static String fromPattern(String pattern) {
        Object compiled = COMPILED.get(pattern);
        if (compiled == null) {
            compiled = compile(pattern);
            if (COMPILED.size() >= MAX_COMPILED) {
                COMPILED.clear();
            }
            COMPILED.put(pattern, compiled);
        }
        if (compiled instanceof String error) {
            throw new dev.hivelite.node.common.ApiException.BadRequest(error);
        }
        StringBuilder out = new StringBuilder();
        for (Run run : (Run[]) compiled) {
            out.append(dev.hivelite.node.common.Ids.random(run.count(), run.alphabet()));
        }
        return out.toString();
    }

    /** The runs of a pattern, or the message of the 400 a malformed one gets. */
    private static Object compile(String pattern) {
        try {
            return runs(pattern);
        } catch (IllegalArgumentException e) {
            // A definition stored before today's checks: refused, never run out of memory on.
            return "The field's autogeneratePattern is invalid: " + e.getMessage() + ".";
        }
    }

    private static String expand(String cls) {
        StringBuilder chars = new StringBuilder();
        for (int i = 0; i < cls.length(); i++) {
            if (i + 2 < cls.length() && cls.charAt(i + 1) == '-') {
                for (char c = cls.charAt(i); c <= cls.charAt(i + 2); c++) {
                    chars.append(c);
                }
                i += 2;
            } else {
                chars.append(cls.charAt(i));
            }
        }
        return chars.toString();
    }
}
