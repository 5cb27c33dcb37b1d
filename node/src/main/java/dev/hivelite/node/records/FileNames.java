package dev.hivelite.node.records;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import dev.hivelite.node.common.Ids;

/**
 * The name an upload is stored under, made as PocketBase makes it, so that URLs and names look the
 * same: the original base name in snake case (camelCase split, anything but ASCII letters and
 * digits a separator; under 3 characters it gets 10 random ones more; at most 100), {@code _}, 10
 * random characters, and the extension as given, double ones included ({@code .tar.gz}, at most 20
 * characters, only {@code \w.*-+=#} kept) or, without one, the extension of the type the content
 * shows. The random part keeps names unguessable: a public file is reached only by its name.
 */
final class FileNames {

    private static final int RANDOM = 10;
    private static final int MAX_BASE = 100;
    private static final int MAX_EXTENSION = 20;
    /** The extension PocketBase gives content of each type that {@link FileTypes} tells apart. */
    private static final Map<String, String> EXTENSIONS = Map.ofEntries(
            Map.entry("image/png", ".png"), Map.entry("image/jpeg", ".jpg"), Map.entry("image/gif", ".gif"),
            Map.entry("image/webp", ".webp"), Map.entry("image/bmp", ".bmp"), Map.entry("image/avif", ".avif"),
            Map.entry("image/heic", ".heic"), Map.entry("image/svg+xml", ".svg"), Map.entry("application/pdf", ".pdf"),
            Map.entry("application/zip", ".zip"), Map.entry("application/gzip", ".gz"),
            Map.entry("application/json", ".json"), Map.entry("audio/mpeg", ".mp3"), Map.entry("audio/ogg", ".ogg"),
            Map.entry("audio/wav", ".wav"), Map.entry("audio/x-m4a", ".m4a"), Map.entry("video/webm", ".webm"),
            Map.entry("video/mp4", ".mp4"), Map.entry("video/quicktime", ".mov"), Map.entry("text/plain", ".txt"),
            Map.entry("text/html", ".html"), Map.entry("text/xml", ".xml"));

    private FileNames() {
    }

    /** The stored name of an upload called {@code original} whose bytes are at {@code content}. */
    static String stored(String original, Path content) {
        String name = original == null ? "" : original.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1);
        String extension = extension(name);
        String cleanExtension = extension.replaceAll("[^A-Za-z0-9_.*\\-+=#]+", "");
        if (cleanExtension.isEmpty()) {
            cleanExtension = EXTENSIONS.getOrDefault(FileTypes.detect(content, null, null), "");
        }
        if (cleanExtension.length() > MAX_EXTENSION) {
            cleanExtension = "." + cleanExtension.substring(cleanExtension.length() - MAX_EXTENSION);
        }
        String base = snakeCase(name.substring(0, name.length() - extension.length()));
        if (base.length() < 3) {
            base += Ids.newId().substring(0, RANDOM);
        } else if (base.length() > MAX_BASE) {
            base = base.substring(0, MAX_BASE);
        }
        return base + "_" + Ids.newId().substring(0, RANDOM) + cleanExtension;
    }

    /** From the second last dot when there is one ({@code a.tar.gz} → {@code .tar.gz}), else from the last. */
    static String extension(String name) {
        int last = name.lastIndexOf('.');
        if (last < 0) {
            return "";
        }
        int second = name.lastIndexOf('.', last - 1);
        return name.substring(second >= 0 ? second : last);
    }

    /** Words of ASCII letters and digits, each split before an upper-case letter that follows a lower one. */
    static String snakeCase(String text) {
        StringBuilder out = new StringBuilder();
        for (String word : text.split("[^A-Za-z0-9]+")) {
            if (word.isEmpty()) {
                continue;
            }
            if (!out.isEmpty()) {
                out.append('_');
            }
            for (int i = 0; i < word.length(); i++) {
                char c = word.charAt(i);
                if (i > 0 && Character.isUpperCase(c) && !Character.isUpperCase(word.charAt(i - 1))) {
                    out.append('_');
                }
                out.append(c);
            }
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
