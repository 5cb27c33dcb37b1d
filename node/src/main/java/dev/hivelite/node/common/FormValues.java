package dev.hivelite.node.common;

import java.math.BigDecimal;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * A form value as PocketBase types it when it binds a form into a record's body, so that a form and
 * a JSON body mean the same: {@code true} and {@code false} become booleans, a number written
 * exactly as Go would print it ({@code 12}, {@code -0.5}) becomes a number, and anything else
 * ({@code 007}, {@code 1e3}, {@code 12.50}, the empty text) stays text. Rules see {@code
 * @request.body} typed this way, and casts that differ by type (a bool field given {@code 2}) agree
 * with PocketBase's.
 */
public final class FormValues {

    private static final Pattern NUMBER_CHARS = Pattern.compile("[-.\\d]+");

    private FormValues() {
    }

    public static JsonNode typed(String raw) {
        switch (raw) {
            case "true":
                return BooleanNode.TRUE;
            case "false":
                return BooleanNode.FALSE;
            default:
                break;
        }
        if (raw.isEmpty() || !(raw.charAt(0) == '-' || Character.isDigit(raw.charAt(0)) && raw.charAt(0) < 128)
                || !NUMBER_CHARS.matcher(raw).matches()) {
            return TextNode.valueOf(raw);
        }
        OptionalDouble parsed = GoFloats.parse(raw);
        if (parsed.isEmpty() || !GoFloats.shortest(parsed.getAsDouble()).equals(raw)) {
            return TextNode.valueOf(raw);
        }
        double d = parsed.getAsDouble();
        if (d == 0 && raw.startsWith("-")) {
            return DoubleNode.valueOf(-0.0);
        }
        return d % 1 == 0 && Math.abs(d) < 9.0e18 ? LongNode.valueOf((long) d) : DecimalNode.valueOf(new BigDecimal(raw));
    }
}
