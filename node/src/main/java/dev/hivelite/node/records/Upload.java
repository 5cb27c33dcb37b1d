package dev.hivelite.node.records;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** An uploaded file waiting in the uploads folder. */
record Upload(String originalName, String contentType, Path temp, long size) {

    /** Removes the waiting file: nothing will move it into storage. */
    void discard() {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // a stray temp upload is removed with the uploads folder at the next start
        }
    }
}
