package dev.hivelite.node.records;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.ApiException.FieldError;
import dev.hivelite.node.common.Ids;

/**
 * The files of records: how a write's uploads and kept names become a file field's value (checked
 * against its size, type and count limits), the moves and removals made once the write committed,
 * and where a database keeps them ({@code storage/<collection>/<record>/}).
 */
final class RecordFiles {

    private RecordFiles() {
    }

    /** File changes to apply after commit. */
    record FileChanges(Path folder, Map<Path, RecordOperations.Upload> moves, List<Path> removals) {
        static FileChanges none() {
            return new FileChanges(null, new LinkedHashMap<>(), new ArrayList<>());
        }
    }

    static Path storage(Scopes.Scope scope) {
        return scope.folder().resolve("storage");
    }

    /**
     * Applies the uploads of a form to the file fields: {@code field} replaces, {@code field+} appends,
     * {@code field-} (in the data) removes names; names kept in the data keep their files. Returns
     * the moves and removals to make once committed.
     */
    static FileChanges apply(Scopes.Scope scope, Collection collection, Map<String, Object> values,
                              Map<String, Object> current, RecordOperations.Submitted submitted, boolean creating) {
        FileChanges changes = new FileChanges(storage(scope).resolve(collection.id()).resolve((String) values.get("id")),
                new LinkedHashMap<>(), new ArrayList<>());
        Map<String, Object> errors = new LinkedHashMap<>();
        for (Field f : collection.fields()) {
            if (!(f instanceof FileField file) || f.hidden() && !scope.admin) {
                continue; // a hidden file field is set by superusers only
            }
            List<String> names = new ArrayList<>(file.names(values.get(f.name())));
            // Names in the body can only keep (or reorder) files the record already has; a file is new
            // only through an upload. Anything else would point the record at a file it does not own.
            List<String> owned = creating ? List.of() : file.names(current.get(f.name()));
            List<String> unknown = names.stream().filter(n -> !owned.contains(n)).toList();
            if (!unknown.isEmpty()) {
                errors.put(f.name(), new FieldError("validation_invalid_file", "Invalid new files: " + unknown + "."));
                continue;
            }
            List<RecordOperations.Upload> replace = submitted.files().getOrDefault(f.name(), List.of());
            List<RecordOperations.Upload> append = new ArrayList<>(submitted.files().getOrDefault(f.name() + "+", List.of()));
            List<RecordOperations.Upload> prepend = submitted.files().getOrDefault("+" + f.name(), List.of());
            if (!replace.isEmpty()) {
                names.clear();
            }
            List<String> added = new ArrayList<>();
            List<RecordOperations.Upload> uploads = new ArrayList<>(prepend);
            uploads.addAll(replace);
            uploads.addAll(append);
            for (RecordOperations.Upload u : uploads) {
                FieldError error = checkUpload(file, u);
                if (error != null) {
                    errors.put(f.name(), error);
                    continue;
                }
                String stored = storedName(u.originalName());
                changes.moves().put(changes.folder().resolve(stored), u);
                added.add(stored);
            }
            List<String> result = new ArrayList<>();
            List<String> prependNames = added.subList(0, Math.min(prepend.size(), added.size()));
            result.addAll(prependNames);
            result.addAll(names);
            result.addAll(added.subList(prependNames.size(), added.size()));
            values.put(f.name(), file.multi() ? result : result.isEmpty() ? "" : result.getLast());
            if (!creating) {
                for (String old : file.names(current.get(f.name()))) {
                    if (!file.names(values.get(f.name())).contains(old)) {
                        changes.removals().add(changes.folder().resolve(old));
                    }
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.BadRequest.nested(creating ? "Failed to create record." : "Failed to update record.", errors);
        }
        return changes;
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

    private static FieldError checkUpload(FileField field, RecordOperations.Upload u) {
        if (u.size() > field.sizeLimit()) {
            return new FieldError("validation_file_size_limit", "Failed to upload \"" + u.originalName()
                    + "\" - the maximum allowed file size is " + field.sizeLimit() + " bytes.");
        }
        if (!field.mimeTypes().isEmpty()) {
            String type = FileTypes.detect(u.temp(), u.originalName(), u.contentType());
            if (field.mimeTypes().stream().noneMatch(t -> t.equalsIgnoreCase(type))) {
                return new FieldError("validation_invalid_mime_type", "\"" + u.originalName()
                        + "\" mime type must be one of: " + String.join(", ", field.mimeTypes()) + ".");
            }
        }
        return null;
    }

    /** PocketBase's stored file name: the original name in snake case, a random suffix, the extension. */
    static String storedName(String original) {
        String name = original == null ? "file" : original.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        String ext = dot > 0 ? name.substring(dot).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]", "") : "";
        String base = (dot > 0 ? name.substring(0, dot) : name).replaceAll("[^A-Za-z0-9]+", "_")
                .replaceAll("^_+|_+$", "").toLowerCase(Locale.ROOT);
        if (base.isEmpty()) {
            base = "file";
        }
        if (base.length() > 100) {
            base = base.substring(0, 100);
        }
        return base + "_" + Ids.newId().substring(0, 10) + ext;
    }

    static void afterCommit(FileChanges changes) {
        if (changes == null) {
            return;
        }
        try {
            if (!changes.moves().isEmpty()) {
                Files.createDirectories(changes.folder());
            }
            for (Map.Entry<Path, RecordOperations.Upload> move : changes.moves().entrySet()) {
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
