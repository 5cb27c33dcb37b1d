package dev.hivelite.node.settings;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PocketBase's mail template placeholders: {@code {APP_NAME}}, {@code {APP_URL}}, {@code {TOKEN}},
 * {@code {OTP}}, {@code {ALERT_INFO}}, {@code {RECORD:field}}. Values are keyed without braces
 * ({@code "APP_NAME"}, {@code "RECORD:email"}); a placeholder without a value stays as written.
 */
public final class Templates {

    public static final String APP_NAME = "APP_NAME";
    public static final String APP_URL = "APP_URL";
    public static final String TOKEN = "TOKEN";
    public static final String OTP = "OTP";
    public static final String ALERT_INFO = "ALERT_INFO";
    /** Prefix of a record field placeholder: {@code RECORD:email}. */
    public static final String RECORD = "RECORD:";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Z_]+(?::[A-Za-z0-9_]+)?)}");

    private Templates() {
    }

    /**
     * Fills every placeholder in one pass, so a value that itself looks like a placeholder is left
     * alone. Values go in as given: use {@link #fillHtml} for an HTML body.
     */
    public static String fill(String template, Map<String, String> values) {
        return replace(template, values, false);
    }

    /** As {@link #fill}, with each value HTML-escaped: for bodies that hold user-supplied fields. */
    public static String fillHtml(String template, Map<String, String> values) {
        return replace(template, values, true);
    }

    /** The placeholders every template may use: the application's name and URL. */
    public static Map<String, String> app(Settings settings) {
        return Map.of(APP_NAME, settings.appName(), APP_URL, trimSlash(settings.appUrl()));
    }

    private static String replace(String template, Map<String, String> values, boolean html) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 64);
        while (m.find()) {
            String value = values.get(m.group(1));
            String replacement = value == null ? m.group() : html ? escapeHtml(value) : value;
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    static String escapeHtml(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (char ch : value.toCharArray()) {
            switch (ch) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&#34;");
                case '\'' -> out.append("&#39;");
                default -> out.append(ch);
            }
        }
        return out.toString();
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
