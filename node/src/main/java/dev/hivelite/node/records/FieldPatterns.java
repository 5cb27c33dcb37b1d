package dev.hivelite.node.records;

import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** The {@code pattern} of text and password fields: compiled once, searched within bounds. */
final class FieldPatterns {

    private FieldPatterns() {
    }

    /** Compiled field patterns, by source: a field's pattern is compiled once, not per value. */
    private static final ConcurrentHashMap<String, Pattern> PATTERNS =
            new ConcurrentHashMap<>();

    /**
     * Whether a field's pattern finds a match in {@code input}. Java's regex backtracks, where
     * PocketBase's (Go's RE2) runs in linear time: a counted repetition of a repetition, such as
     * {@code ^(a+){1,30}$} or {@code ^(\w+\s?){1,40}$}, takes exponential time on a near miss (the JDK
     * memoizes plain nested loops such as {@code ^(a+)+$}, not these), on the database's writer
     * thread, which held up every write of the database. A search that reads more characters than a
     * million plus a hundred per character of the input is stopped, and finds no match (the value is
     * refused, "Invalid value format.").
     *
     * <p>Java's regex also recurses once per repetition of a group: {@code ^(a|b)+$} ran out of stack on
     * 4,800 characters (a 500). A search that does is made again on a thread with a stack of
     * {@link #DEEP_STACK} (about a million repetitions); past that it finds no match.
     */
    static boolean matches(String regex, String input) {
        try {
            return budgeted(regex, input);
        } catch (StackOverflowError e) {
            boolean[] found = {false};
            Thread deep = Thread.ofPlatform().name("deep-pattern").stackSize(DEEP_STACK).start(() -> {
                try {
                    found[0] = budgeted(regex, input);
                } catch (StackOverflowError again) {
                    found[0] = false;
                }
            });
            try {
                deep.join();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return false;
            }
            return found[0];
        }
    }

    /** Stack of the thread that searches again where a pattern recursed out of the caller's. */
    static final long DEEP_STACK = 512L << 20;

    private static boolean budgeted(String regex, String input) {
        try {
            return pattern(regex).matcher(new Budgeted(input, 1_000_000L + 100L * input.length())).find();
        } catch (Budgeted.Spent e) {
            return false;
        }
    }

    /** A string that may be read so many times, then throws {@link Spent}. */
    private static final class Budgeted implements CharSequence {
        private final String text;
        private long left;

        Budgeted(String text, long reads) {
            this.text = text;
            this.left = reads;
        }

        @Override
        public char charAt(int index) {
            if (--left < 0) {
                throw Spent.INSTANCE;
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }

        static final class Spent extends RuntimeException {
            static final Spent INSTANCE = new Spent();

            private Spent() {
                super("the pattern read its input too many times", null, false, false);
            }
        }
    }

    private static Pattern pattern(String regex) {
        Pattern p = PATTERNS.get(regex);
        if (p == null) {
            if (PATTERNS.size() > 10_000) {
                PATTERNS.clear();
            }
            p = Pattern.compile(regex);
            PATTERNS.put(regex, p);
        }
        return p;
    }
}
