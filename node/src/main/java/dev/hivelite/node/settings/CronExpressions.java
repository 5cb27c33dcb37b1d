package dev.hivelite.node.settings;

import java.util.Map;

/**
 * Whether a {@code backups.cron} value is a schedule PocketBase accepts (tools/cron): a macro, or five
 * space-separated segments (minute 0-59, hour 0-23, day 1-31, month 1-12, weekday 0-6), each a list
 * of {@code *}, {@code n} or {@code a-b}, the wildcard and ranges optionally stepped by {@code /n}.
 * The problem is told in PocketBase's words, as its validation error's message.
 */
final class CronExpressions {

    private static final Map<String, String> MACROS = Map.of("@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");
    /** Lowest and highest value of each segment, in order. */
    private static final int[][] BOUNDS = {{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 6}};

    private CronExpressions() {
    }

    /** What is wrong with {@code expression} (a sentence), or null when it is a valid schedule. */
    static String problem(String expression) {
        String[] segments = MACROS.getOrDefault(expression, expression).split(" ", -1);
        if (segments.length != BOUNDS.length) {
            return "Invalid cron expression - must be a valid macro or to have exactly 5 space separated segments.";
        }
        for (int i = 0; i < segments.length; i++) {
            String problem = segmentProblem(segments[i], BOUNDS[i][0], BOUNDS[i][1]);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String segmentProblem(String segment, int min, int max) {
        for (String part : segment.split(",", -1)) {
            String[] stepParts = part.split("/", -1);
            if (stepParts.length > 2) {
                return "Invalid segment step format - must be in the format */n or 1-30/n.";
            }
            int step = 1;
            if (stepParts.length == 2) {
                Integer parsed = integer(stepParts[1]);
                if (parsed == null) {
                    return notANumber(stepParts[1]);
                }
                if (parsed < 1 || parsed > max) {
                    return "Invalid segment step boundary - the step must be between 1 and the " + max + ".";
                }
                step = parsed;
            }
            if (!stepParts[0].equals("*")) {
                String problem = rangeProblem(stepParts[0], step, min, max);
                if (problem != null) {
                    return problem;
                }
            }
        }
        return null;
    }

    private static String rangeProblem(String range, int step, int min, int max) {
        String[] ends = range.split("-", -1);
        if (ends.length == 1) {
            if (step != 1) {
                // (sic) PocketBase's spelling.
                return "Invalid segement step - step > 1 could be used only with the wildcard or range format.";
            }
            Integer value = integer(ends[0]);
            if (value == null) {
                return notANumber(ends[0]);
            }
            return value < min || value > max ? "Invalid segment value - must be between the min and max of the segment." : null;
        }
        if (ends.length != 2) {
            return "Invalid segment range format - the range must have 1 or 2 parts.";
        }
        Integer low = integer(ends[0]);
        if (low == null) {
            return notANumber(ends[0]);
        }
        if (low < min || low > max) {
            return "Invalid segment range minimum - must be between " + min + " and " + max + ".";
        }
        Integer high = integer(ends[1]);
        if (high == null) {
            return notANumber(ends[1]);
        }
        return high < low || high > max ? "Invalid segment range maximum - must be between " + low + " and " + max + "." : null;
    }

    /** A decimal with an optional sign, as Go's strconv.Atoi reads it; null when it is none (or past a long). */
    private static Integer integer(String text) {
        String digits = text.startsWith("+") || text.startsWith("-") ? text.substring(1) : text;
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        try {
            long value = Long.parseLong(text);
            return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Go's strconv error for text that is no number, as PocketBase passes it on. */
    private static String notANumber(String text) {
        String digits = text.startsWith("+") || text.startsWith("-") ? text.substring(1) : text;
        boolean syntax = digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9');
        return "Strconv.Atoi: parsing \"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\": "
                + (syntax ? "invalid syntax." : "value out of range.");
    }
}
