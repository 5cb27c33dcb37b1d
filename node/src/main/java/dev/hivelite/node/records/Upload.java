package dev.hivelite.node.records;

import java.nio.file.Path;

/** An uploaded file waiting in the uploads folder. */
record Upload(String originalName, String contentType, Path temp, long size) {
}
