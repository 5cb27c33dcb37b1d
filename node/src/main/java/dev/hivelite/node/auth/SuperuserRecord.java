package dev.hivelite.node.auth;

/** A superuser as PocketBase's API shows an auth record of {@code _superusers}. */
record SuperuserRecord(String collectionId, String collectionName, String id, String email,
                       boolean emailVisibility, boolean verified, String created, String updated) {

    static SuperuserRecord of(Superuser s) {
        return new SuperuserRecord(Tokens.SUPERUSERS_COLLECTION_ID, Tokens.SUPERUSERS_COLLECTION_NAME, s.id(), s.email(),
                false, true, s.created(), s.updated());
    }
}
