package dev.hivelite.node.records;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * What {@code @request.*} in a rule or filter sees: the caller's auth record (null for guests; for a
 * superuser a record of {@code _superusers}), the submitted body after modifiers, the query and
 * headers (lower-case names, dashes as underscores), the method and the context.
 *
 * @param superuser    whether the caller has superuser rights in this database
 * @param auth         the auth record's fields as JSON values, with collectionId and collectionName
 * @param body         submitted data (create/update), or an empty object
 * @param bodyBefore   the record before the update, for {@code :changed}; null otherwise
 */
public record RequestInfo(boolean superuser, AuthRecord auth, JsonNode body, JsonNode bodyBefore,
                          Map<String, String> query, Map<String, String> headers, String method, String context) {

    /**
     * The caller's auth record as rules see it. Its fields load on first use: most rules only ask for
     * {@code @request.auth.id}, which needs no read.
     */
    public static final class AuthRecord {
        private final String id;
        private final String collectionId;
        private final String collectionName;
        private final java.util.function.Supplier<Map<String, JsonNode>> loader;
        private Map<String, JsonNode> fields;

        public AuthRecord(String id, String collectionId, String collectionName,
                          java.util.function.Supplier<Map<String, JsonNode>> loader) {
            this.id = id;
            this.collectionId = collectionId;
            this.collectionName = collectionName;
            this.loader = loader;
        }

        public String id() {
            return id;
        }

        public String collectionId() {
            return collectionId;
        }

        JsonNode get(String field) {
            switch (field) {
                case "id":
                    return com.fasterxml.jackson.databind.node.TextNode.valueOf(id);
                case "collectionId":
                    return com.fasterxml.jackson.databind.node.TextNode.valueOf(collectionId);
                case "collectionName":
                    return com.fasterxml.jackson.databind.node.TextNode.valueOf(collectionName);
                default:
                    if (fields == null) {
                        fields = loader.get();
                    }
                    return fields.get(field);
            }
        }
    }

    static final RequestInfo NONE = new RequestInfo(false, null, NullNode.getInstance(), null, Map.of(), Map.of(),
            "GET", "default");

    public boolean authenticated() {
        return auth != null;
    }

    public String authId() {
        return auth == null ? null : auth.id();
    }

    /** The same request in another {@code @request.context}: "password", "otp", "oauth2" in the auth flows. */
    RequestInfo withContext(String newContext) {
        return new RequestInfo(superuser, auth, body, bodyBefore, query, headers, method, newContext);
    }

    RequestInfo withBody(JsonNode newBody, JsonNode before) {
        return new RequestInfo(superuser, auth, newBody, before, query, headers, method, context);
    }
}
