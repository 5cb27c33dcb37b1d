package dev.hivelite.node.records;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.ApiException.FieldError;
import dev.hivelite.node.records.filter.FilterException;

/**
 * The record operations behind the records API and batch: each runs its rule checks and writes in
 * one write transaction on the given connection, and files move into the database's storage only
 * after the transaction commits (and old files are removed only then), so a failed write leaves
 * neither a row nor a file.
 */
public final class RecordOperations {

    private final Clock clock;
    private final RecordEvents events;
    /** Told when an auth record's tokenKey changes or the record goes, so its tokens end everywhere. */
    private final UserTokens tokens;
    /** How a request's data and files are taken in, before any operation runs. */
    private final Submissions intake;

    public RecordOperations(Clock clock, Path uploadsDir, RecordEvents events, UserTokens tokens) {
        this.clock = clock;
        this.events = events;
        this.tokens = tokens;
        this.intake = new Submissions(uploadsDir);
    }

    Submissions intake() {
        return intake;
    }

    /**
     * The records' JSON for this caller: an auth record's hidden email is shown to its owner and to
     * the users its collection's manageRule names as managers of it, as PocketBase shows it.
     * {@code c}: a connection to judge the manageRule with (needed only then).
     */
    List<ObjectNode> export(Scopes.Scope scope, Collection collection, List<Map<String, Object>> rows, RequestInfo info,
                            Connection c) throws SQLException {
        List<ObjectNode> out = new ArrayList<>(rows.size());
        String authId = info.authId();
        boolean sameCollection = info.auth() != null && collection.id().equals(info.auth().collectionId());
        java.util.Set<String> managed = managed(c, scope, collection, rows, info);
        for (Map<String, Object> row : rows) {
            boolean own = sameCollection && row.get("id").equals(authId);
            out.add(RecordJson.export(collection, row, scope.admin, own || managed.contains((String) row.get("id"))));
        }
        return out;
    }

    /** Whether showing these rows may need the manageRule judged (an auth caller, a manageRule, a hidden email). */
    private static boolean mayManage(Scopes.Scope scope, Collection collection, List<Map<String, Object>> rows,
                                     RequestInfo info) {
        return !scope.admin && collection.isAuth() && collection.manageRule() != null && info.auth() != null
                && rows.stream().anyMatch(r -> !Boolean.TRUE.equals(r.get("emailVisibility")));
    }

    private java.util.Set<String> managed(Connection c, Scopes.Scope scope, Collection collection,
                                          List<Map<String, Object>> rows, RequestInfo info) throws SQLException {
        if (!mayManage(scope, collection, rows, info)) {
            return java.util.Set.of();
        }
        List<String> ids = rows.stream().map(r -> (String) r.get("id")).toList();
        java.util.Set<String> out = new java.util.HashSet<>();
        for (Map<String, Object> r : RecordQuery.byIds(c, collection, ids, rule(scope, collection, collection.manageRule(), info))) {
            out.add((String) r.get("id"));
        }
        return out;
    }

    ObjectNode view(Scopes.Scope scope, Collection collection, String id, RequestInfo info, List<String> expand) {
        RecordQuery.Where rule = rule(scope, collection, collection.rules().view(), info);
        return scope.lease.db().read(c -> {
            Map<String, Object> row = RecordQuery.byId(c, collection, id, rule).orElseThrow(ApiException::notFound);
            ObjectNode json = export(scope, collection, List.of(row), info, c).getFirst();
            new Expander(c, scope.schema, info, scope.admin, clock).expand(collection, List.of(row), List.of(json), expand, 1);
            return json;
        });
    }

    /** A rule as a WHERE condition for this caller: everything for a superuser; a bad rule is 400. */
    RecordQuery.Where rule(Scopes.Scope scope, Collection collection, String rule, RequestInfo info) {
        if (scope.admin) {
            return RecordQuery.Where.ALL;
        }
        try {
            return RecordQuery.compile(rule, scope.schema, collection, info, true, clock);
        } catch (FilterException e) {
            throw RecordQuery.badFilter(e);
        }
    }

    ObjectNode create(Scopes.Scope scope, Collection collection, Submitted submitted, RequestInfo info, List<String> expand) {
        checkWritable(scope, collection);
        if (collection.rules().create() == null && !scope.admin) {
            throw new ApiException.Forbidden(RecordService.ONLY_SUPERUSERS);
        }
        PasswordWork.ahead(scope, collection, "", submitted);
        RecordFiles.FileChanges[] changes = {null};
        Map<String, Object>[] saved = new Map[1];
        scope.lease.db().write(c -> createRow(c, scope, collection, submitted, info, changes, saved));
        RecordFiles.afterCommit(changes[0]);
        events.created(scope.db.id(), collection, saved[0]);
        return render(scope, collection, saved[0], info, expand);
    }

    /** A committed record's JSON, off the writer thread (expand reads on the read pool only when asked). */
    private ObjectNode render(Scopes.Scope scope, Collection collection, Map<String, Object> row, RequestInfo info,
                              List<String> expand) {
        if (expand.isEmpty() && !mayManage(scope, collection, List.of(row), info)) {
            try {
                return export(scope, collection, List.of(row), info, null).getFirst();
            } catch (SQLException e) {
                throw new IllegalStateException(e); // not reached: no connection is used
            }
        }
        return scope.lease.db().read(c -> {
            ObjectNode json = export(scope, collection, List.of(row), info, c).getFirst();
            new Expander(c, scope.schema, info, scope.admin, clock).expand(collection, List.of(row), List.of(json), expand, 1);
            return json;
        });
    }

    /** The create inside a transaction: shared with batch. */
    ObjectNode createIn(Connection c, Scopes.Scope scope, Collection collection, Submitted submitted, RequestInfo info,
                        List<String> expand, RecordFiles.FileChanges[] changes, Map<String, Object>[] saved) throws SQLException {
        Map<String, Object> row = createRow(c, scope, collection, submitted, info, changes, saved);
        ObjectNode json = export(scope, collection, List.of(row), info, c).getFirst();
        new Expander(c, scope.schema, info, scope.admin, clock).expand(collection, List.of(row), List.of(json), expand, 1);
        return json;
    }

    /** The create inside a transaction, up to the committed row (no JSON: the writer thread stays short). */
    Map<String, Object> createRow(Connection c, Scopes.Scope scope, Collection collection, Submitted submitted,
                                  RequestInfo info, RecordFiles.FileChanges[] changes, Map<String, Object>[] saved) throws SQLException {
        RecordWriter writer = new RecordWriter(c, scope.schema, clock);
        // A caller who may create the record and whom the manageRule names as its manager may also
        // create it verified. The rules judge the new record unverified, as PocketBase does, so a rule
        // that trusts the verified flag cannot be satisfied by the body that sets it.
        boolean mayManage = !scope.admin && collection.isAuth() && collection.manageRule() != null
                && Values.bool(submitted.data().get("verified"));
        RecordWriter.Input input = new RecordWriter.Input(submitted.data(), scope.admin || mayManage, scope.admin,
                submitted.uploading(), submitted.passwords());
        Map<String, Object> values = writer.prepareCreate(collection, input);
        boolean verifiedByManager = mayManage && Boolean.TRUE.equals(values.get("verified"));
        if (verifiedByManager) {
            values.put("verified", false);
        }
        if (collection.isAuth() && !Values.text(submitted.data().get("id")).isEmpty()) {
            refuseIdOfAnotherAuthCollection(c, scope.schema, collection, (String) values.get("id"));
        }
        RecordFiles.FileChanges files = RecordFiles.apply(scope, collection, values, Map.of(), submitted, true);
        RecordFiles.validateMerged(collection, values, "create");
        Map<String, Object> row = writer.insert(collection, values, true);
        String createRule = collection.rules().create();
        String id = (String) values.get("id");
        boolean checkRule = !scope.admin && createRule != null && !createRule.isBlank();
        // The body as the rules see it is built only when a rule is evaluated (not on a public create).
        RequestInfo withBody = checkRule || verifiedByManager
                ? info.withBody(RecordWriter.resolvedBody(collection, submitted.data(), values), null) : info;
        if (checkRule) {
            RecordQuery.Where rule = rule(scope, collection, createRule, withBody);
            if (RecordQuery.byId(c, collection, id, rule).isEmpty()) {
                throw new ApiException.BadRequest("Failed to create record.");
            }
        }
        if (verifiedByManager) {
            if (RecordQuery.byId(c, collection, id, rule(scope, collection, collection.manageRule(), withBody)).isEmpty()) {
                throw ApiException.BadRequest.nested("Failed to create record.", Map.of("verified",
                        new FieldError("validation_values_mismatch", "Values don't match.")));
            }
            values.put("verified", true);
            row = writer.insert(collection, values, false);
        }
        changes[0] = files;
        saved[0] = row;
        return row;
    }

    /**
     * An auth record's id is unique across the auth collections of its database, as PocketBase has
     * it: rules compare {@code @request.auth.id} with stored ids, so a sign-up that chose the id of a
     * user of another auth collection would pass that user's rules.
     */
    private static void refuseIdOfAnotherAuthCollection(Connection c, Schema schema, Collection collection, String id)
            throws SQLException {
        for (Collection other : schema.collections()) {
            if (other.isAuth() && !other.id().equals(collection.id()) && !Scaffolds.isSuperusers(other)
                    && RecordQuery.byId(c, other, id, RecordQuery.Where.ALL).isPresent()) {
                throw ApiException.BadRequest.nested("Failed to create record.", Map.of("id",
                        new FieldError("validation_invalid_auth_id", "Invalid auth record id.")));
            }
        }
    }

    ObjectNode update(Scopes.Scope scope, Collection collection, String id, Submitted submitted, RequestInfo info,
                      List<String> expand) {
        checkWritable(scope, collection);
        if (collection.rules().update() == null && !scope.admin) {
            throw new ApiException.Forbidden(RecordService.ONLY_SUPERUSERS);
        }
        PasswordWork.ahead(scope, collection, id, submitted);
        RecordFiles.FileChanges[] changes = {null};
        Map<String, Object>[] saved = new Map[1];
        Map<String, Object>[] before = new Map[1];
        scope.lease.db().write(c -> updateRow(c, scope, collection, id, submitted, info, changes, saved, before));
        RecordFiles.afterCommit(changes[0]);
        if (collection.isAuth() && !java.util.Objects.equals(before[0].get("tokenKey"), saved[0].get("tokenKey"))) {
            tokens.changed(scope.db.id(), collection.id(), id);
        }
        events.updated(scope.db.id(), collection, saved[0]);
        return render(scope, collection, saved[0], info, expand);
    }

    ObjectNode updateIn(Connection c, Scopes.Scope scope, Collection collection, String id, Submitted submitted,
                        RequestInfo info, List<String> expand, RecordFiles.FileChanges[] changes, Map<String, Object>[] saved)
            throws SQLException {
        Map<String, Object> row = updateRow(c, scope, collection, id, submitted, info, changes, saved, new Map[1]);
        ObjectNode json = export(scope, collection, List.of(row), info, c).getFirst();
        new Expander(c, scope.schema, info, scope.admin, clock).expand(collection, List.of(row), List.of(json), expand, 1);
        return json;
    }

    /** The update inside a transaction, up to the committed row; {@code before} gets the row as it was. */
    private Map<String, Object> updateRow(Connection c, Scopes.Scope scope, Collection collection, String id,
                                          Submitted submitted, RequestInfo info, RecordFiles.FileChanges[] changes,
                                          Map<String, Object>[] saved, Map<String, Object>[] before) throws SQLException {
        Map<String, Object> current = RecordQuery.byId(c, collection, id, RecordQuery.Where.ALL)
                .orElseThrow(ApiException::notFound);
        before[0] = current;
        RecordWriter writer = new RecordWriter(c, scope.schema, clock);
        RecordWriter.Input input = new RecordWriter.Input(submitted.data(),
                scope.admin || manages(c, scope, collection, id, info), scope.admin, submitted.uploading(),
                submitted.passwords());
        String updateRule = collection.rules().update();
        if (!scope.admin && updateRule == null) {
            throw new ApiException.Forbidden(RecordService.ONLY_SUPERUSERS);
        }
        Map<String, Object> values;
        try {
            values = writer.prepareUpdate(collection, current, input);
        } catch (ApiException.BadRequest invalid) {
            // A record the caller may not update is 404 whatever the body holds: its field errors
            // would tell that it exists. The rule sees the body resolved against the record as it is.
            if (!scope.admin && !updateRule.isBlank()
                    && !allowedToUpdate(c, scope, collection, id, info, submitted, current, current)) {
                throw ApiException.notFound();
            }
            throw invalid;
        }
        if (!scope.admin && !updateRule.isBlank()
                && !allowedToUpdate(c, scope, collection, id, info, submitted, values, current)) {
            throw ApiException.notFound();
        }
        RecordFiles.FileChanges files = RecordFiles.apply(scope, collection, values, current, submitted, false);
        RecordFiles.validateMerged(collection, values, "update");
        if (collection.isAuth() && AuthRecords.verifiedUpgrade(current, values)
                && AuthRecords.dropLinksOnVerify(c, collection, id)) {
            values.put("tokenKey", RecordWriter.newTokenKey(collection)); // the dropped links' sessions end
        }
        Map<String, Object> row = writer.insert(collection, values, false);
        changes[0] = files;
        saved[0] = row;
        return row;
    }

    private boolean allowedToUpdate(Connection c, Scopes.Scope scope, Collection collection, String id, RequestInfo info,
                                    Submitted submitted, Map<String, Object> values, Map<String, Object> current)
            throws SQLException {
        RequestInfo withBody = info.withBody(RecordWriter.resolvedBody(collection, submitted.data(), values),
                RecordJson.export(collection, current, true, true));
        return RecordQuery.byId(c, collection, id, rule(scope, collection, collection.rules().update(), withBody))
                .isPresent();
    }

    /**
     * Whether a caller who is not a superuser manages this auth record through the collection's
     * {@code manageRule}: a manager sets its email, verified flag and password directly (no old
     * password), as a superuser would. Evaluated against the record as it is, before the change.
     */
    private boolean manages(Connection c, Scopes.Scope scope, Collection collection, String id, RequestInfo info)
            throws SQLException {
        String manageRule = collection.isAuth() ? collection.manageRule() : null;
        if (manageRule == null) {
            return false;
        }
        return RecordQuery.byId(c, collection, id, rule(scope, collection, manageRule, info)).isPresent();
    }

    void delete(Scopes.Scope scope, Collection collection, String id, RequestInfo info) {
        checkWritable(scope, collection);
        if (collection.rules().delete() == null && !scope.admin) {
            throw new ApiException.Forbidden(RecordService.ONLY_SUPERUSERS);
        }
        List<Done> done = new ArrayList<>();
        scope.lease.db().write(c -> {
            done.clear(); // a retried transaction starts over
            deleteIn(c, scope, collection, id, info, done);
            return null;
        });
        afterBatch(scope, done);
    }

    /**
     * Deletes one record the caller may delete, inside the caller's transaction, and adds to
     * {@code done} what the cascade did to other records (deleted, or with the reference removed)
     * and then the record itself, so each gets its event, files and tokens handled once committed.
     */
    Map<String, Object> deleteIn(Connection c, Scopes.Scope scope, Collection collection, String id, RequestInfo info,
                                 List<Done> done) throws SQLException {
        RecordQuery.Where rule = rule(scope, collection, collection.rules().delete(), info);
        Map<String, Object> row = RecordQuery.byId(c, collection, id, rule).orElseThrow(ApiException::notFound);
        RecordWriter writer = new RecordWriter(c, scope.schema, clock);
        writer.delete(collection, id, 0);
        for (RecordWriter.Cascaded x : writer.cascaded) {
            done.add(new Done(x.action(), x.collection(), x.before(), x.after(), null));
        }
        done.add(new Done("delete", collection, row, null, null));
        return row;
    }

    /** What one committed batch item did, for the work that follows a commit. */
    record Done(String action, Collection collection, Map<String, Object> before, Map<String, Object> after,
                RecordFiles.FileChanges files) {
    }

    /**
     * Deletes every record of {@code collection} in one transaction as single deletes do, cascades
     * included, then, once committed, removes their files, ends the tokens of deleted auth records on
     * every worker and sends the delete events, as PocketBase's truncate deletes record by record.
     */
    void truncate(Scopes.Scope scope, Collection collection) {
        List<Done> done = new ArrayList<>();
        scope.lease.db().write(c -> {
            done.clear(); // a retried transaction starts over
            RecordWriter writer = new RecordWriter(c, scope.schema, clock);
            java.util.Set<String> cascadedAway = new java.util.HashSet<>(); // of this collection, by a cascade
            List<Map<String, Object>> rows;
            while (!(rows = RecordQuery.select(c, collection, RecordQuery.Where.ALL, "", TRUNCATE_BATCH, 0)).isEmpty()) {
                for (Map<String, Object> row : rows) {
                    if (cascadedAway.contains((String) row.get("id"))) {
                        continue;
                    }
                    int before = writer.cascaded.size();
                    try {
                        writer.delete(collection, (String) row.get("id"), 0);
                    } catch (ApiException e) {
                        throw new ApiException.BadRequest("Failed to truncate collection (most likely due to required cascade"
                                + " delete record references).");
                    }
                    for (RecordWriter.Cascaded x : writer.cascaded.subList(before, writer.cascaded.size())) {
                        if ("delete".equals(x.action()) && x.collection().id().equals(collection.id())) {
                            cascadedAway.add((String) x.before().get("id"));
                        }
                    }
                    done.add(new Done("delete", collection, row, null, null));
                }
            }
            for (RecordWriter.Cascaded x : writer.cascaded) {
                done.add(new Done(x.action(), x.collection(), x.before(), x.after(), null));
            }
            return null;
        });
        if (collection.isAuth()) {
            tokens.emptied(scope.db.id(), collection.id());
        }
        afterBatch(scope, done, collection.id());
    }

    /** Rows read and deleted at a time by a truncate. */
    private static final int TRUNCATE_BATCH = 500;

    /** After a batch committed: files, token invalidations and events, item by item. */
    void afterBatch(Scopes.Scope scope, List<Done> done) {
        afterBatch(scope, done, null);
    }

    /** As {@link #afterBatch(Scopes.Scope, List)}, with the tokens of {@code emptiedId}'s records already ended. */
    private void afterBatch(Scopes.Scope scope, List<Done> done, String emptiedId) {
        DeletedRows deleted = DeletedRows.of(done);
        for (Done d : done) {
            RecordFiles.afterCommit(d.files());
            String id = (String) (d.after() != null ? d.after() : d.before()).get("id");
            switch (d.action()) {
                case "create" -> events.created(scope.db.id(), d.collection(), d.after());
                case "update" -> {
                    if (d.collection().isAuth() && !java.util.Objects.equals(d.before().get("tokenKey"), d.after().get("tokenKey"))) {
                        tokens.changed(scope.db.id(), d.collection().id(), id);
                    }
                    events.updated(scope.db.id(), d.collection(), d.after());
                }
                default -> {
                    RecordFiles.removeRecordFolder(scope, d.collection(), id);
                    if (d.collection().isAuth() && !d.collection().id().equals(emptiedId)) {
                        tokens.changed(scope.db.id(), d.collection().id(), id);
                    }
                    events.deleted(scope.db.id(), d.collection(), d.before(), deleted);
                }
            }
        }
    }

    static void checkWritable(Scopes.Scope scope, Collection collection) {
        if (collection.isView()) {
            throw new ApiException.BadRequest("Unsupported collection type.");
        }
        CollectionService.requireWritable(scope);
    }
}
