package dev.hivelite.node.records;

import java.util.Map;

/**
 * Committed record changes, for whoever listens (realtime, later hooks). Called after the write
 * transaction committed, never inside it, so a rolled-back change emits nothing. The records
 * package knows nothing of its listeners.
 */
public interface RecordEvents {

    RecordEvents NONE = new RecordEvents() {
    };

    default void created(String databaseId, Collection collection, Map<String, Object> record) {
    }

    default void updated(String databaseId, Collection collection, Map<String, Object> record) {
    }

    /**
     * {@code record} as it was; {@code operation} is every row the same operation deleted (the record's
     * cascade with it), by which a listener judges who may hear of the delete as before it ran.
     */
    default void deleted(String databaseId, Collection collection, Map<String, Object> record, DeletedRows operation) {
    }
}
