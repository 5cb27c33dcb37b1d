package dev.hivelite.node.records;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLConnection;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * The content type of an uploaded or stored file, judged by its content as PocketBase judges it:
 * known binary signatures first; text is text (HTML, SVG, XML and JSON by their markup, else the
 * text type its name suggests, else {@code text/plain}), whatever its name claims; only a binary
 * file of no known signature falls back to its name (never to an image type whose signature it
 * lacks), then to what the client declared. Renaming a file therefore cannot pass a field's
 * {@code mimeTypes}, nor make a browser take HTML for an image.
 */
final class FileTypes {

    private static final int HEAD = 512;
    /** Types whose signature {@link #signature} knows: a file without it is not one of them. */
    private static final Set<String> SIGNED = Set.of("image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp",
            "application/pdf", "application/zip", "application/gzip");

    private FileTypes() {
    }

    static String detect(Path file, String name, String declared) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(HEAD);
        } catch (IOException e) {
            head = new byte[0];
        }
        String signed = signature(head);
        if (signed != null) {
            return signed;
        }
        String byName = byName(name);
        if (head.length > 0 && isText(head)) {
            String markup = markup(new String(head, StandardCharsets.UTF_8));
            if (markup != null) {
                return markup;
            }
            return byName != null && textual(byName) ? byName : "text/plain";
        }
        if (byName != null && !SIGNED.contains(byName) && !byName.startsWith("text/")) {
            return byName;
        }
        if (head.length == 0 && byName != null) {
            return byName; // an empty file says nothing by itself
        }
        return declared == null || declared.isBlank() || SIGNED.contains(declared) || declared.startsWith("text/")
                ? "application/octet-stream" : declared;
    }

    private static String byName(String name) {
        if (name == null) {
            return null;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".svg")) {
            return "image/svg+xml";
        }
        if (lower.endsWith(".json")) {
            return "application/json";
        }
        if (lower.endsWith(".md")) {
            return "text/markdown";
        }
        return URLConnection.guessContentTypeFromName(lower);
    }

    private static boolean textual(String type) {
        return type.startsWith("text/") || type.equals("application/json") || type.equals("application/xml")
                || type.equals("application/javascript") || type.equals("image/svg+xml");
    }

    private static String markup(String text) {
        String t = text.stripLeading().toLowerCase(Locale.ROOT);
        if (t.startsWith("\ufeff")) {
            t = t.substring(1).stripLeading();
        }
        for (String tag : new String[] {"<!doctype html", "<html", "<head", "<script", "<iframe", "<body", "<style",
                "<title", "<table", "<a ", "<div", "<h1", "<p>", "<br", "<b>", "<font", "<!--"}) {
            if (t.startsWith(tag)) {
                return "text/html";
            }
        }
        if (t.startsWith("<svg") || t.startsWith("<?xml") && t.contains("<svg")) {
            return "image/svg+xml";
        }
        if (t.startsWith("<?xml")) {
            return "text/xml";
        }
        return null;
    }

    /** No NUL byte, and valid UTF-8 (a character cut at the end of the head is fine). */
    private static boolean isText(byte[] head) {
        for (byte b : head) {
            if (b == 0) {
                return false;
            }
        }
        int end = head.length;
        // Trim a multi-byte character cut by the 512-byte window.
        for (int back = 1; back <= 3 && end - back >= 0; back++) {
            int b = head[end - back] & 0xff;
            if ((b & 0xC0) == 0xC0) {
                int needed = (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : 4;
                if (back < needed) {
                    end -= back;
                }
                break;
            }
            if ((b & 0x80) == 0) {
                break;
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(head, 0, end));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static String signature(byte[] h) {
        if (starts(h, 0x89, 'P', 'N', 'G')) {
            return "image/png";
        }
        if (starts(h, 0xFF, 0xD8, 0xFF)) {
            return "image/jpeg";
        }
        if (starts(h, 'G', 'I', 'F', '8')) {
            return "image/gif";
        }
        if (h.length >= 12 && starts(h, 'R', 'I', 'F', 'F') && h[8] == 'W' && h[9] == 'E' && h[10] == 'B' && h[11] == 'P') {
            return "image/webp";
        }
        if (h.length >= 12 && starts(h, 'R', 'I', 'F', 'F') && h[8] == 'W' && h[9] == 'A' && h[10] == 'V' && h[11] == 'E') {
            return "audio/wav";
        }
        if (starts(h, 'B', 'M') && h.length >= 14) {
            return "image/bmp";
        }
        if (starts(h, '%', 'P', 'D', 'F')) {
            return "application/pdf";
        }
        if (starts(h, 'P', 'K', 3, 4)) {
            return "application/zip";
        }
        if (starts(h, 0x1F, 0x8B)) {
            return "application/gzip";
        }
        if (starts(h, 'I', 'D', '3')) {
            return "audio/mpeg";
        }
        if (starts(h, 'O', 'g', 'g', 'S')) {
            return "audio/ogg";
        }
        if (starts(h, 0x1A, 0x45, 0xDF, 0xA3)) {
            return "video/webm";
        }
        if (h.length >= 12 && h[4] == 'f' && h[5] == 't' && h[6] == 'y' && h[7] == 'p') {
            String brand = new String(h, 8, 4, StandardCharsets.US_ASCII);
            return switch (brand) {
                case "avif" -> "image/avif";
                case "heic", "heix" -> "image/heic";
                case "qt  " -> "video/quicktime";
                case "M4A " -> "audio/x-m4a";
                default -> "video/mp4";
            };
        }
        return null;
    }

    private static boolean starts(byte[] h, int... prefix) {
        if (h.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((h[i] & 0xff) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
