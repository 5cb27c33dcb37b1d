package dev.hivelite.node.common;

import java.util.Optional;

/**
 * Who is making a request, as the authentication filter resolved it. Features ask it what the caller
 * may do; they never parse credentials themselves.
 */
public sealed interface Principal {

    /** A platform superuser, through a session token; may do everything, everywhere. */
    record Superuser(String id, String email, String sessionId) implements Principal {
    }

    /** A database's API key: superuser rights inside that one database, nothing elsewhere. */
    record ApiKey(String keyId, String databaseId) implements Principal {
    }

    /**
     * A record of an auth collection of one database, through its token: valid in that database
     * only, with the rights the collection's rules give it.
     */
    record User(String databaseId, String collectionId, String recordId) implements Principal {
    }

    /** No credentials were sent. */
    record Anonymous() implements Principal {
    }

    Principal ANONYMOUS = new Anonymous();

    default boolean isSuperuser() {
        return this instanceof Superuser;
    }

    /** Full rights inside {@code databaseId}: a superuser, or that database's own key. */
    default boolean mayAdminister(String databaseId) {
        return this instanceof Superuser || this instanceof ApiKey key && key.databaseId().equals(databaseId);
    }

    /** Platform routes: superusers only. 401 without credentials, 403 with a key. */
    default Superuser requireSuperuser() {
        if (this instanceof Superuser superuser) {
            return superuser;
        }
        if (this instanceof ApiKey) {
            throw new ApiException.Forbidden("The authorized API key is not allowed to perform this action.");
        }
        if (this instanceof User) {
            throw new ApiException.Forbidden("The authorized record is not allowed to perform this action.");
        }
        throw ApiException.needsSuperuser();
    }

    /**
     * 401 when no credentials came, checked before anything is looked up, so that an anonymous caller
     * cannot tell an existing database from a missing one.
     */
    default Principal requireCredentials() {
        if (this instanceof Anonymous) {
            throw ApiException.needsSuperuser();
        }
        return this;
    }

    /** Routes of one database: a superuser or that database's key. */
    default Principal requireAdminOf(String databaseId) {
        if (mayAdminister(databaseId)) {
            return this;
        }
        if (this instanceof Anonymous) {
            throw ApiException.needsSuperuser();
        }
        throw new ApiException.Forbidden("The authorized record is not allowed to perform this action.");
    }

    /** The superuser's id, or empty. */
    default Optional<String> superuserId() {
        return this instanceof Superuser s ? Optional.of(s.id()) : Optional.empty();
    }
}
