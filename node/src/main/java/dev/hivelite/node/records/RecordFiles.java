package dev.hivelite.node.records;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.ApiException.FieldError;

/**
 * The files of records: how a write's uploads and kept names become a file field's value (checked
 * against its size, type and count limits), the moves and removals made once the write committed,
 * and where a database keeps them ({@code storage/<collection>/<record>/}).
 */
final class RecordFiles {

    private RecordFiles() {
    }

    /** File changes to apply after commit. */
    record FileChanges(Path folder, Map<Path, Upload> moves, List<Path> removals) {
        static FileChanges none() {
            return new FileChanges(null, new LinkedHashMap<>(), new ArrayList<>());
        }
    }

    static Path storage(Scopes.Scope scope) {
        return scope.folder().resolve("storage");
    }

    /**
     * Applies the uploads of a form to the file fields as PocketBase merges them: {@code +field}
     * uploads go first, then the names the field keeps, then {@code field} and {@code field+}
     * uploads. The names kept are those the data gives (after {@code field-}), or the record's own
     * when the data names none, except that uploads under {@code field} alone replace the record's
     * files; a single-file field keeps the last. Names in the data can only keep files the record
     * already has. The result is checked in PocketBase's order (names, count, then each upload's
     * size and type); only uploads that end up in the value are stored. Returns the moves and
     * removals to make once committed.
     */
    static FileChanges apply(Scopes.Scope scope, Collection collection, Map<String, Object> values,
                              Map<String, Object> current, Submitted submitted, boolean creating) {
        if (collection.fields().stream().noneMatch(f -> f instanceof FileField)) {
            return null; // nothing to move or remove (afterCommit takes null): no paths built on the writer thread
        }
        FileChanges changes = new FileChanges(storage(scope).resolve(collection.id()).resolve((String) values.get("id")),
                new LinkedHashMap<>(), new ArrayList<>());
        Map<String, Object> errors = new LinkedHashMap<>();
        for (Field f : collection.fields()) {
            if (!(f instanceof FileField file) || f.hidden() && !scope.admin) {
                continue; // a hidden file field is set by superusers only
            }
            List<Upload> replace = submitted.files().getOrDefault(f.name(), List.of());
            boolean named = submitted.data().has(f.name());
            List<String> kept = replace.isEmpty() || named ? file.names(values.get(f.name())) : List.of();
            // Names in the body can only keep (or reorder) files the record already has; a file is new
            // only through an upload. Anything else would point the record at a file it does not own.
            List<String> owned = creating ? List.of() : file.names(current.get(f.name()));
            List<String> unknown = kept.stream().filter(n -> !owned.contains(n)).toList();
            if (!unknown.isEmpty()) {
                errors.put(f.name(), FieldError.of("validation_invalid_file",
                        "Invalid new files: [" + String.join(" ", unknown) + "].", "invalidFiles", unknown));
                continue;
            }
            Map<String, Upload> uploads = new LinkedHashMap<>();
            List<String> result = new ArrayList<>();
            add(result, uploads, submitted.files().getOrDefault("+" + f.name(), List.of()));
            kept.stream().filter(n -> !result.contains(n)).forEach(result::add);
            add(result, uploads, replace);
            add(result, uploads, submitted.files().getOrDefault(f.name() + "+", List.of()));
            List<String> value = file.multi() || result.isEmpty() ? result : List.of(result.getLast());
            FieldError error = file.validate(file.multi() ? value : value.isEmpty() ? "" : value.getFirst());
            for (String name : value) {
                if (error == null && uploads.containsKey(name)) {
                    error = checkUpload(file, name, uploads.get(name));
                }
            }
            if (error != null) {
                errors.put(f.name(), error);
                continue;
            }
            for (String name : value) {
                if (uploads.containsKey(name)) {
                    changes.moves().put(changes.folder().resolve(name), uploads.get(name));
                }
            }
            values.put(f.name(), file.multi() ? value : value.isEmpty() ? "" : value.getFirst());
            for (String old : owned) {
                if (!value.contains(old)) {
                    changes.removals().add(changes.folder().resolve(old));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.BadRequest.nested(failure(creating), errors);
        }
        return changes;
    }

    /** Each upload under the name it will be stored by. */
    private static void add(List<String> result, Map<String, Upload> uploads,
                            List<Upload> given) {
        for (Upload u : given) {
            String name = FileNames.stored(u.originalName(), u.temp());
            uploads.put(name, u);
            result.add(name);
        }
    }

    static String failure(boolean creating) {
        return creating ? "Failed to create record." : "Failed to update record.";
    }

    static void validateMerged(Collection collection, Map<String, Object> values, String verb) {
        Map<String, Object> errors = new LinkedHashMap<>();
        for (Field f : collection.fields()) {
            if (f instanceof FileField) {
                FieldError e = f.validate(values.get(f.name()));
                if (e != null) {
                    errors.put(f.name(), e);
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.BadRequest.nested("Failed to " + verb + " record.", errors);
        }
    }

    /** An upload past the field's size, or of a type it does not take (judged by content), as PocketBase words it. */
    private static FieldError checkUpload(FileField field, String storedName, Upload u) {
        if (u.size() > field.sizeLimit()) {
            return tooLarge(field, u.originalName());
        }
        if (!field.mimeTypes().isEmpty()) {
            String type = FileTypes.detect(u.temp(), u.originalName(), u.contentType());
            if (field.mimeTypes().stream().noneMatch(t -> t.equalsIgnoreCase(type))) {
                return new FieldError("validation_invalid_mime_type", "\"" + storedName
                        + "\" mime type must be one of: " + String.join(", ", field.mimeTypes()) + ".");
            }
        }
        return null;
    }

    static FieldError tooLarge(FileField field, String originalName) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("file", originalName);
        params.put("maxSize", field.sizeLimit());
        return new FieldError("validation_file_size_limit", "Failed to upload " + originalName
                + " - the maximum allowed file size is " + field.sizeLimit() + " bytes.", params);
    }

    static void afterCommit(FileChanges changes) {
        if (changes == null) {
            return;
        }
        try {
            if (!changes.moves().isEmpty()) {
                Files.createDirectories(changes.folder());
            }
            for (Map.Entry<Path, Upload> move : changes.moves().entrySet()) {
                Files.move(move.getValue().temp(), move.getKey(), StandardCopyOption.REPLACE_EXISTING);
            }
            for (Path old : changes.removals()) {
                Files.deleteIfExists(old);
                deleteThumbs(old);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteThumbs(Path file) throws IOException {
        Path thumbs = file.getParent().resolve("thumbs_" + file.getFileName());
        if (Files.isDirectory(thumbs)) {
            try (var list = Files.list(thumbs)) {
                for (Path p : list.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(thumbs);
        }
    }

    /**
     * After a committed delete of a collection: the files its records stored go too, as PocketBase
     * removes them. Only an id of word characters names a folder (never a path out of storage).
     */
    static void removeCollectionFolder(Scopes.Scope scope, String collectionId) {
        if (collectionId.matches("\\w+")) {
            dev.hivelite.node.common.Folders.delete(storage(scope).resolve(collectionId));
        }
    }

    static void removeRecordFolder(Scopes.Scope scope, Collection collection, String id) {
        dev.hivelite.node.common.Folders.delete(storage(scope).resolve(collection.id()).resolve(id));
    }
}
