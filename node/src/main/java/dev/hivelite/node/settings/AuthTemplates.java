package dev.hivelite.node.settings;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.hivelite.node.storage.SqliteDatabase;

/**
 * Where the test email finds an auth collection's own mail templates: PocketBase sends the named
 * collection's template, so a customized one can be tried before a user receives it.
 */
@FunctionalInterface
public interface AuthTemplates {

    /**
     * The template ({@code {subject, body}}) under {@code key} ({@code verificationTemplate},
     * {@code otp.emailTemplate}, …) of the database's auth collection with this id or name (missing
     * when the collection has none); empty when no auth collection has that id or name.
     */
    Optional<JsonNode> find(String databaseId, SqliteDatabase db, String collectionIdOrName, String key);
}
