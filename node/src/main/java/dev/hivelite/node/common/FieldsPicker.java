package dev.hivelite.node.common;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * PocketBase's {@code ?fields=}: a comma-separated list of (dotted) keys to keep, {@code *} for all
 * keys of a level, and the {@code :excerpt(max, withEllipsis)} modifier on text.
 */
public final class FieldsPicker {

    private static final Pattern EXCERPT = Pattern.compile("^(.+):excerpt\\(\\s*(\\d+)\\s*(?:,\\s*(true|false|1|0)\\s*)?\\)$");

    /** A level of the tree: child keys, and an excerpt to apply when this key is a leaf. */
    private static final class Node {
        final Map<String, Node> children = new LinkedHashMap<>();
        int excerpt = -1;
        boolean ellipsis;
    }

    private final Node root = new Node();

    private FieldsPicker() {
    }

    /** Null when {@code fields} is empty: keep everything. */
    public static FieldsPicker parse(String fields) {
        if (fields == null || fields.isBlank()) {
            return null;
        }
        FieldsPicker picker = new FieldsPicker();
        for (String raw : split(fields)) {
            String key = raw.trim();
            if (key.isEmpty()) {
                continue;
            }
            int excerpt = -1;
            boolean ellipsis = false;
            Matcher m = EXCERPT.matcher(key);
            if (m.matches()) {
                key = m.group(1);
                // Digits only (the pattern): beyond an int it is "no limit", never an overflow.
                excerpt = m.group(2).length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(m.group(2));
                ellipsis = "true".equals(m.group(3)) || "1".equals(m.group(3));
            }
            Node node = picker.root;
            for (String part : key.split("\\.")) {
                node = node.children.computeIfAbsent(part, k -> new Node());
            }
            node.excerpt = excerpt;
            node.ellipsis = ellipsis;
        }
        return picker;
    }

    /** Splits on commas outside parentheses ({@code :excerpt(10,true)} holds one). */
    private static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        StringBuilder cur = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            }
            if (c == ',' && depth == 0) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    public void apply(JsonNode node) {
        apply(node, root);
    }

    private static void apply(JsonNode node, Node spec) {
        if (node instanceof ArrayNode array) {
            array.forEach(item -> apply(item, spec));
            return;
        }
        if (!(node instanceof ObjectNode object) || spec.children.isEmpty()) {
            return;
        }
        Node all = spec.children.get("*");
        Iterator<Map.Entry<String, JsonNode>> it = object.fields();
        List<String> remove = new ArrayList<>();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            Node child = spec.children.get(e.getKey());
            if (child == null && all == null) {
                remove.add(e.getKey());
                continue;
            }
            Node effective = child != null ? child : all;
            if (effective.excerpt >= 0 && e.getValue().isTextual()) {
                e.setValue(TextNode.valueOf(excerpt(e.getValue().asText(), effective.excerpt, effective.ellipsis)));
            } else {
                apply(e.getValue(), effective);
            }
        }
        remove.forEach(object::remove);
    }

    /** Plain text of HTML, whitespace collapsed, at most {@code max} characters. */
    public static String excerpt(String html, int max, boolean ellipsis) {
        String text = html.replaceAll("(?s)<(script|style)[^>]*>.*?</\\1>", " ").replaceAll("<[^>]*>", " ")
                .replace("&nbsp;", " ").replaceAll("\\s+", " ").trim();
        if (text.codePointCount(0, text.length()) <= max) {
            return text;
        }
        String cut = text.substring(0, text.offsetByCodePoints(0, max)).trim();
        return ellipsis ? cut + "..." : cut;
    }
}
