package dev.hivelite.node.common;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * What PocketBase accepts as a URL (ozzo's {@code is.URL}, govalidator's {@code IsURL}): Go's URL
 * parser must take it ({@code http://} assumed when a colon has no {@code ://}), and it must fit
 * govalidator's grammar: an optional {@code ftp}, {@code tcp}, {@code udp}, {@code ws(s)} or
 * {@code http(s)} scheme, optional user info, an IPv4 or bracketed IPv6 address or a host name,
 * an optional port and path. So {@code example.com/a} is a URL and {@code localhost} or {@code
 * custom://x.com} is not. The grammar is written here so that it has the same language as
 * govalidator's expression but no nested ambiguous repetition (which backtracks exponentially in
 * Java's engine, not in Go's).
 */
public final class UrlFormat {

    private static final int MAX_RUNES = 2083;
    private static final int MIN_BYTES = 4;
    private static final Pattern GRAMMAR;

    static {
        String c = "[a-zA-Z0-9]";
        String wordChar = "[a-zA-Z0-9\\x{00a1}-\\x{ffff}]";
        String letter = "[a-zA-Z\\x{00a1}-\\x{ffff}]";
        String nonSpace = "[^\\t\\n\\f\\r ]";
        String octet = "(?:25[0-5]|(?:2[0-4]|1?[0-9])?[0-9])";
        String ipv4 = "(?:[1-9]\\d?|1\\d\\d|2[01]\\d|22[0-3]|24\\d|25[0-5])(?:\\.(?:\\d{1,2}|1\\d\\d|2[0-4]\\d|25[0-5])){2}"
                + "\\.(?:[0-9]\\d?|1\\d\\d|2[0-4]\\d|25[0-5])";
        String h = "[0-9a-fA-F]{1,4}";
        String v4 = "(?:" + octet + "\\.){3}" + octet;
        String ipv6 = "(?:(?:" + h + ":){7}" + h + "|(?:" + h + ":){1,7}:|(?:" + h + ":){1,6}:" + h
                + "|(?:" + h + ":){1,5}(?::" + h + "){1,2}|(?:" + h + ":){1,4}(?::" + h + "){1,3}"
                + "|(?:" + h + ":){1,3}(?::" + h + "){1,4}|(?:" + h + ":){1,2}(?::" + h + "){1,5}"
                + "|" + h + ":(?::" + h + "){1,6}|:(?:(?::" + h + "){1,7}|:)|fe80:(?::[0-9a-fA-F]{0,4}){0,4}%[0-9a-zA-Z]+"
                + "|::(?:ffff(?::0{1,4})?:)?" + v4 + "|(?:" + h + ":){1,4}:" + v4 + ")";
        // govalidator: [a-zA-Z0-9]([a-zA-Z0-9-_]+)?[a-zA-Z0-9]([-.][a-zA-Z0-9]+)*, its dots only after the first
        String labels = c + "[a-zA-Z0-9_-]*" + c + "(?:\\." + c + "+(?:[-.]" + c + "+)*)?";
        // govalidator: www\. or [a-zA-Z0-9]+([-_.]?[a-zA-Z0-9])*[a-zA-Z0-9]\.[a-zA-Z0-9]+
        String subdomain = "www\\.|" + c + "(?:[-_.]?" + c + ")*" + c + "\\." + c + "+";
        // govalidator: ([a-zA-Z¡-￿0-9]+-?-?)*[a-zA-Z¡-￿0-9]+ followed by an optional .tld
        String name = "(?:" + labels + "|" + subdomain + ")?" + wordChar + "++(?:--?" + wordChar + "++)*+"
                + "(?:\\." + letter + "+)?";
        GRAMMAR = Pattern.compile("(?:(?:ftp|tcp|udp|wss?|https?)://)?(?:" + nonSpace + "+@)?"
                + "(?:" + ipv4 + "|\\[" + ipv6 + "]|" + name + ")\\.?(?::\\d{1,5})?(?:[/?#]" + nonSpace + "*)?");
    }

    private UrlFormat() {
    }

    public static boolean valid(String url) {
        if (url.isEmpty() || url.codePointCount(0, url.length()) >= MAX_RUNES
                || url.getBytes(StandardCharsets.UTF_8).length < MIN_BYTES || url.startsWith(".")) {
            return false;
        }
        GoUrl parsed = GoUrl.parse(url.contains(":") && !url.contains("://") ? "http://" + url : url);
        if (parsed == null || parsed.host().startsWith(".")
                || parsed.host().isEmpty() && !parsed.path().isEmpty() && !parsed.path().contains(".")) {
            return false;
        }
        try {
            return GRAMMAR.matcher(url).matches();
        } catch (StackOverflowError e) {
            // Java's regex recurses once per repetition of a group (RE2, govalidator's, does not): a host
            // of ~2,000 characters that nearly matches ran out of stack, a 500. No such host is reachable.
            return false;
        }
    }

    /** The host (with its port) as Go's URL parser reads it: empty without a {@code scheme://}. */
    public static String host(String url) {
        GoUrl parsed = GoUrl.parse(url);
        return parsed == null ? "" : parsed.host();
    }
}
