package dev.hivelite.node.common;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The parts of a URL that PocketBase's URL checks read, parsed as Go's {@code net/url.Parse} parses
 * them, refusals included: control characters, a bad {@code %} escape, a first path segment with a
 * colon in a URL without scheme, a port that is not digits, a character a host may not hold.
 * {@code host} keeps its port and is empty unless the URL has a {@code scheme://} authority;
 * {@code path} is unescaped.
 */
record GoUrl(String host, String path) {

    /** The URL's host and path, or null where Go's parser returns an error. */
    static GoUrl parse(String raw) {
        for (int i = 0; i < raw.length(); i++) {
            char ch = raw.charAt(i);
            if (ch < 0x20 || ch == 0x7f) {
                return null;
            }
        }
        int hash = raw.indexOf('#');
        String rest = hash < 0 ? raw : raw.substring(0, hash);
        if (hash >= 0 && unescape(raw.substring(hash + 1)) == null) {
            return null;
        }
        int colon = schemeEnd(rest);
        if (colon == 0) {
            return null; // "missing protocol scheme"
        }
        boolean scheme = colon > 0;
        rest = scheme ? rest.substring(colon + 1) : rest;
        int query = rest.indexOf('?');
        rest = query < 0 ? rest : rest.substring(0, query);
        if (!rest.startsWith("/")) {
            if (scheme) {
                return new GoUrl("", ""); // an opaque URL, such as mailto:x
            }
            int slash = rest.indexOf('/');
            if ((slash < 0 ? rest : rest.substring(0, slash)).contains(":")) {
                return null;
            }
        }
        String host = "";
        if ((scheme || !rest.startsWith("///")) && rest.startsWith("//")) {
            String authority = rest.substring(2);
            int slash = authority.indexOf('/');
            rest = slash < 0 ? "" : authority.substring(slash);
            authority = slash < 0 ? authority : authority.substring(0, slash);
            host = host(authority);
            if (host == null) {
                return null;
            }
        }
        String path = unescape(rest);
        return path == null ? null : new GoUrl(host, path);
    }

    /** Where the scheme's colon is: -1 for none (a character no scheme holds comes first), 0 for an empty scheme. */
    private static int schemeEnd(String raw) {
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
                continue;
            }
            if (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
                if (i == 0) {
                    return -1;
                }
                continue;
            }
            return c == ':' ? i : -1;
        }
        return -1;
    }

    /** The host of an authority ({@code user@host:port}); null when Go refuses it. */
    private static String host(String authority) {
        int at = authority.lastIndexOf('@');
        if (at >= 0 && !validUserinfo(authority.substring(0, at))) {
            return null;
        }
        String host = authority.substring(at + 1);
        int portFrom = host.startsWith("[") ? host.lastIndexOf(']') + 1 : host.lastIndexOf(':');
        if (host.startsWith("[") && portFrom == 0) {
            return null; // "missing ']' in host"
        }
        if (portFrom >= 0 && !validPort(host.substring(portFrom))) {
            return null;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean allowed = c >= 0x80 || asciiAlnum(c) || "-_.~!$&'()*+,;=:[]<>\"".indexOf(c) >= 0
                    // an escape in a host is %25 or a byte past ASCII
                    || c == '%' && (host.startsWith("%25", i) || i + 1 < host.length() && Character.digit(host.charAt(i + 1), 16) >= 8);
            if (!allowed) {
                return null;
            }
        }
        return unescape(host) == null ? null : host;
    }

    private static boolean validUserinfo(String userinfo) {
        for (char c : userinfo.toCharArray()) {
            if (!asciiAlnum(c) && "-._:~!$&'()*+,;=%@".indexOf(c) < 0) {
                return false;
            }
        }
        int colon = userinfo.indexOf(':');
        return colon < 0 ? unescape(userinfo) != null
                : unescape(userinfo.substring(0, colon)) != null && unescape(userinfo.substring(colon + 1)) != null;
    }

    private static boolean asciiAlnum(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    private static boolean validPort(String port) {
        if (port.isEmpty()) {
            return true;
        }
        if (port.charAt(0) != ':') {
            return false;
        }
        return port.substring(1).chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** Percent-decoded text; null when a {@code %} is not followed by two hex digits. */
    private static String unescape(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '%') {
                out.write(bytes[i]);
                continue;
            }
            if (i + 2 >= bytes.length || Character.digit(bytes[i + 1], 16) < 0 || Character.digit(bytes[i + 2], 16) < 0) {
                return null;
            }
            out.write(Character.digit(bytes[i + 1], 16) * 16 + Character.digit(bytes[i + 2], 16));
            i += 2;
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
