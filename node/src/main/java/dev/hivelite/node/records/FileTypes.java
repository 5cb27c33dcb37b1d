package dev.hivelite.node.records;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;

/** The content type of an uploaded or stored file: from its first bytes, else its name, else what the client said. */
final class FileTypes {

    private FileTypes() {
    }

    static String detect(Path file, String name, String declared) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(16);
        } catch (IOException e) {
            head = new byte[0];
        }
        String sniffed = sniff(head);
        if (sniffed != null) {
            return sniffed;
        }
        String byName = name == null ? null : URLConnection.guessContentTypeFromName(name.toLowerCase(java.util.Locale.ROOT));
        if (byName != null) {
            return byName;
        }
        if (name != null && name.toLowerCase(java.util.Locale.ROOT).endsWith(".svg")) {
            return "image/svg+xml";
        }
        return declared == null || declared.isBlank() ? "application/octet-stream" : declared;
    }

    private static String sniff(byte[] h) {
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
        if (starts(h, '%', 'P', 'D', 'F')) {
            return "application/pdf";
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
