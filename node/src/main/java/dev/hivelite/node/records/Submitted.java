package dev.hivelite.node.records;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A request's data: the fields, and the files of multipart forms by form key (e.g. {@code documents+}). */
public record Submitted(ObjectNode data, Map<String, List<Upload>> files, PasswordWork passwords) {
    public Submitted(ObjectNode data, Map<String, List<Upload>> files) {
        this(data, files, new PasswordWork());
    }

    /** The file fields that get uploads ({@code f}, {@code f+} and {@code +f} all name {@code f}). */
    java.util.Set<String> uploading() {
        java.util.Set<String> out = new java.util.HashSet<>();
        files.forEach((key, list) -> {
            if (!list.isEmpty()) {
                out.add(key.replaceAll("^\\+|\\+$", ""));
            }
        });
        return out;
    }

    public void discard() {
        files.values().forEach(list -> list.forEach(Upload::discard));
    }
}
