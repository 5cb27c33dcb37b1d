package dev.hivelite.node.common;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * Go's float64 text rules, which PocketBase's values follow wherever a number meets text: how
 * {@code strconv.ParseFloat} reads one (strict: no spaces, no Java suffixes like {@code 12d}, any
 * case of {@code inf}/{@code nan}, digit separators, overflow an error), and how Go writes one
 * back, shortest ({@code FormatFloat 'f' -1}) or as {@code %f}. Java's own parse and print differ
 * on each of these, so values cast by them would not be PocketBase's.
 */
public final class GoFloats {

    private static final String DIGITS = "\\d+(?:_\\d+)*";
    private static final String HEX = "[0-9a-fA-F]+(?:_[0-9a-fA-F]+)*";
    private static final Pattern DECIMAL = Pattern.compile(
            "[+-]?(?:" + DIGITS + "(?:\\.(?:" + DIGITS + ")?)?|\\." + DIGITS + ")(?:[eE][+-]?" + DIGITS + ")?");
    private static final Pattern HEXADECIMAL = Pattern.compile(
            "[+-]?0[xX](?:_?" + HEX + "(?:\\.(?:" + HEX + ")?)?|\\." + HEX + ")[pP][+-]?" + DIGITS);
    private static final Pattern INFINITY = Pattern.compile("[+-]?(?i:inf|infinity)");

    private GoFloats() {
    }

    /** The number {@code text} is, read as {@code ParseFloat(text, 64)}; empty on a syntax or range error. */
    public static OptionalDouble parse(String text) {
        if (text.equalsIgnoreCase("nan")) {
            return OptionalDouble.of(Double.NaN);
        }
        if (INFINITY.matcher(text).matches()) {
            return OptionalDouble.of(text.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
        }
        if (!DECIMAL.matcher(text).matches() && !HEXADECIMAL.matcher(text).matches()) {
            return OptionalDouble.empty();
        }
        double d = Double.parseDouble(text.replace("_", ""));
        return Double.isInfinite(d) ? OptionalDouble.empty() : OptionalDouble.of(d);
    }

    /** {@code d} as Go's {@code FormatFloat(d, 'f', -1, 64)}: the shortest digits, never an exponent. */
    public static String shortest(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0" : "0";
        }
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    /**
     * {@code d} as Go's JSON encoder writes a float64: plain from 1e-6 up to 1e21, otherwise with an
     * exponent of as few digits as it takes ({@code 1e+21}, {@code 1.5e-7}); NaN and the infinities
     * (which Go refuses to encode) as {@code null}.
     */
    public static String json(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return "null";
        }
        double abs = Math.abs(d);
        if (abs == 0 || abs >= 1e-6 && abs < 1e21) {
            return shortest(d);
        }
        BigDecimal exact = BigDecimal.valueOf(d).stripTrailingZeros();
        String digits = exact.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - exact.scale();
        return (d < 0 ? "-" : "") + digits.charAt(0) + (digits.length() > 1 ? "." + digits.substring(1) : "")
                + "e" + (exponent < 0 ? "-" : "+") + Math.abs(exponent);
    }

    /** {@code d} as Go's {@code %f}: six decimals, rounded from its exact binary value. */
    public static String fixed(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return shortest(d);
        }
        String out = new BigDecimal(d).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
        return d == 0 && 1 / d < 0 ? "-" + out : out;
    }
}
