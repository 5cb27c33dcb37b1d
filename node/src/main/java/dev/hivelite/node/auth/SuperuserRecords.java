package dev.hivelite.node.auth;

import java.util.List;
import java.util.Map;

import dev.hivelite.node.common.Principal;

/**
 * The platform's superusers seen as the records of {@code _superusers}, as PocketBase's SDK manages
 * them ({@code pb.collection('_superusers').create(...)}). They live in system.db and are global: a
 * superuser created through any database's records API is a superuser of the whole instance, so only
 * superusers (never a database's API key) may change them.
 */
public interface SuperuserRecords {

    /** Every superuser as a record: id, email, emailVisibility, verified, created, updated. */
    List<Map<String, Object>> list();

    /** Creates a superuser; field errors as PocketBase's (400). */
    Map<String, Object> create(Principal.Superuser caller, String email, String password, String clientIp);

    /** Changes email and/or password (null: unchanged); a password change ends that superuser's sessions. */
    Map<String, Object> update(Principal.Superuser caller, String id, String email, String password, String clientIp);

    /** Deletes a superuser (not the last one) and ends its sessions. */
    void delete(Principal.Superuser caller, String id, String clientIp);
}
