package dev.hivelite.node.records.filter;

/**
 * Maps filter identifiers to SQL. Implemented by the schema-aware record code; it is the only
 * source of SQL text besides the compiler's own fixed fragments, and it decides which fields exist
 * and which the caller may see.
 */
public interface Resolver {
    /**
     * Resolves an identifier such as "title", "author.name", "@request.auth.id", "tags:length";
     * throws FilterException for an unknown or forbidden field.
     */
    Resolved resolve(String identifier);

    /**
     * A condition every comparison using {@code identifier} must also meet, or null: PocketBase lets
     * callers who cannot see hidden values match an auth record's {@code email} only where the record
     * shows it ({@code emailVisibility}), so a filter cannot tell whether an address is registered.
     */
    default String guard(String identifier) {
        return null;
    }
}
