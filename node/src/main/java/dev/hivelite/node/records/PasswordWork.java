package dev.hivelite.node.records;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.hivelite.node.auth.PasswordHasher;

/**
 * The bcrypt work of one request, done on the request's own thread before its write. A hash or a
 * check takes ~60 ms; on the database's one writer thread it held up every other write of the
 * database for as long, so sign-ups in a burst ran one after another and every write queued behind
 * them waited too. The writer takes what was done ahead and does itself only what was not: a value
 * no body key sets directly, a record whose password changed in between.
 *
 * <p>Filled on the request's thread before the write is queued, read by the writer thread after it
 * takes the write (the queue orders the two); most requests set no password and make no map.
 */
final class PasswordWork {

    /** Hashes made ahead, by the plain password. */
    private Map<String, String> hashed;
    /** Checks made ahead: whether a plain password (after the newline) matches a stored hash (before it). */
    private Map<String, Boolean> checked;

    /**
     * A create's or update's bcrypt work, before its write ({@code id} is empty for a create): the new
     * passwords' hashes, and the check of the old password an owner sends with a new one, against the
     * hash the record holds now.
     */
    static void ahead(Scopes.Scope scope, Collection collection, String id, Submitted submitted) {
        PasswordWork work = submitted.passwords();
        work.prepare(collection, submitted.data());
        String old = submitted.data().path("oldPassword").asText("");
        if (!id.isEmpty() && !scope.admin && collection.isAuth() && !old.isEmpty()
                && !submitted.data().path("password").asText("").isEmpty()) {
            scope.lease.db().read(c -> RecordQuery.byId(c, collection, id, RecordQuery.Where.ALL))
                    .map(r -> r.get("password") instanceof String hash ? hash : "")
                    .filter(hash -> !hash.isEmpty())
                    .ifPresent(hash -> work.check(old, hash));
        }
    }

    /**
     * Hashes the passwords the body sets on the collection's password fields, when the write could
     * keep them: not empty, valid for the field, and for an auth record's password, confirmed. A body
     * that will fail costs no hash.
     */
    void prepare(Collection collection, JsonNode data) {
        if (data == null || !data.isObject()) {
            return;
        }
        for (Field f : collection.fields()) {
            if (!(f instanceof PasswordField field) || !(data.get(f.name()) instanceof JsonNode value) || !value.isTextual()) {
                continue;
            }
            String plain = value.asText();
            boolean confirmed = !collection.isAuth() || !"password".equals(f.name())
                    || plain.equals(data.path("passwordConfirm").asText(null));
            if (!plain.isEmpty() && confirmed && plain.getBytes(StandardCharsets.UTF_8).length <= PasswordHasher.MAX_BYTES
                    && field.validate(new PasswordField.Plain(plain)) == null) {
                hashed().put(plain, PasswordHasher.hash(plain, field.cost()));
            }
        }
    }

    /** A password nobody is told (an OAuth2 sign-up's): stored as a hash no password makes, at no cost. */
    void unknown(String plain) {
        hashed().put(plain, PasswordHasher.unusable());
    }

    /** Checks ahead whether {@code plain} is the password of {@code hash} (an owner's old password). */
    void check(String plain, String hash) {
        if (checked == null) {
            checked = new HashMap<>();
        }
        checked.put(hash + "\n" + plain, PasswordHasher.verify(plain, hash));
    }

    /** The hash to store for {@code plain}: the one made ahead, or one made now. */
    String hash(String plain, int cost) {
        String done = hashed == null ? null : hashed.get(plain);
        return done != null ? done : PasswordHasher.hash(plain, cost);
    }

    /** Whether {@code plain} is the password of {@code hash}: as checked ahead, or checked now. */
    boolean verify(String plain, String hash) {
        Boolean done = checked == null ? null : checked.get(hash + "\n" + plain);
        return done != null ? done : PasswordHasher.verify(plain, hash);
    }

    private Map<String, String> hashed() {
        if (hashed == null) {
            hashed = new HashMap<>();
        }
        return hashed;
    }
}
