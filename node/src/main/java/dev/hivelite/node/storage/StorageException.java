package dev.hivelite.node.storage;

/**
 * An SQLite failure that is not the client's fault (I/O, a corrupt file, a closed database). Becomes
 * a 500 with a generic message; the cause goes to the log only.
 */
public final class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
