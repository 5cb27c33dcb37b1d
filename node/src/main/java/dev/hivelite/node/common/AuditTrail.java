package dev.hivelite.node.common;

import java.util.Map;

/**
 * Where features report admin actions (login, logout, database and key changes…). Features depend
 * on this, not on the audit log's storage; {@code platform.AuditLog} implements it.
 */
@FunctionalInterface
public interface AuditTrail {

    /**
     * @param actor      who: a superuser's email, {@code key:<id>}, or the email tried in a failed login
     * @param action     what, dotted: {@code superuser.login}, {@code database.create}, …
     * @param databaseId the database acted on, or null for platform actions
     * @param details    extra facts; keys that look like secrets are redacted before storage
     */
    void record(String actor, String action, String databaseId, String ip, Map<String, ?> details);

    /** The actor name of a principal, for {@link #record}. */
    static String actor(Principal principal) {
        return switch (principal) {
            case Principal.Superuser s -> s.email();
            case Principal.ApiKey k -> "key:" + k.keyId();
            case Principal.User u -> "user:" + u.collectionId() + "/" + u.recordId();
            case Principal.Anonymous a -> "anonymous";
        };
    }
}
