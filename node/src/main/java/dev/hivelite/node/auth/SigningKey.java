package dev.hivelite.node.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import dev.hivelite.node.common.Ids;

/**
 * The key that signs tokens: {@code HIVELITE_SECRET} when set, else {@code <dataDir>/.secret},
 * generated on first use. Several workers may start at once: the file is published with a hard
 * link, which fails if another worker published first, so all of them end up with the same key.
 */
public final class SigningKey {

    static final String FILE = ".secret";
    static final int MIN_LENGTH = 32;

    private SigningKey() {
    }

    public static String load(Path dataDir, String configured) {
        if (configured != null && !configured.isBlank()) {
            if (configured.length() < MIN_LENGTH) {
                throw new IllegalArgumentException("HIVELITE_SECRET must be at least " + MIN_LENGTH + " characters");
            }
            return configured;
        }
        Path file = dataDir.resolve(FILE);
        try {
            if (!Files.exists(file)) {
                Path candidate = Files.createTempFile(dataDir, ".secret-", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                try {
                    Files.writeString(candidate, Ids.secret(64));
                    Files.createLink(file, candidate);
                } catch (FileAlreadyExistsException lost) {
                    // Another worker published its key first: use that one.
                } finally {
                    Files.deleteIfExists(candidate);
                }
            }
            String key = Files.readString(file).trim();
            if (key.length() < MIN_LENGTH) {
                throw new IllegalStateException(file + " holds a key shorter than " + MIN_LENGTH + " characters");
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the signing key " + file, e);
        }
    }
}
