package dev.hivelite.node.records;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.hivelite.node.auth.ClientIp;
import dev.hivelite.node.auth.SuperuserInput;
import dev.hivelite.node.auth.SuperuserRecords;
import dev.hivelite.node.common.HeapBudget;
import dev.hivelite.node.common.Json;
import dev.hivelite.node.common.Responses;
import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.Principal;
import dev.hivelite.node.records.filter.FilterException;
import dev.hivelite.node.settings.RateLimiter;

/**
 * {@code /api/collections/{collection}/records}: list, view, create, update, delete, with
 * PocketBase's rules (null: superusers only, 403; "": everyone; else a filter the record must
 * match: list filters, view/update/delete answer 404, create answers 400), filter, sort, paging,
 * expand and fields.
 */
public final class RecordService implements HttpService {

    static final String ONLY_SUPERUSERS = "Only superusers can perform this action.";

    private final Scopes scopes;
    private final RecordOperations operations;
    /** The platform's superusers as records of {@code _superusers} (they live in system.db). */
    private final SuperuserRecords superusers;
    private final Clock clock;

    public RecordService(Scopes scopes, RecordOperations operations,
                         SuperuserRecords superusers, Clock clock) {
        this.scopes = scopes;
        this.operations = operations;
        this.superusers = superusers;
        this.clock = clock;
    }

    /**
     * {@code _superusers} through the records API: superusers and keys may list and view it (its
     * rules are null, so everyone else gets 403); only superusers may change it (see {@link #superuserWrite}).
     */
    private boolean superusersCollection(Scopes.Scope scope, Collection collection, ServerRequest req, ServerResponse res,
                                         boolean list) {
        if (!Scaffolds.isSuperusers(collection)) {
            return false;
        }
        if (!scope.admin) {
            throw new ApiException.Forbidden(ONLY_SUPERUSERS);
        }
        List<ObjectNode> items = new ArrayList<>();
        for (Map<String, Object> row : superusers.list()) {
            items.add(RecordJson.export(collection, row, true, true));
        }
        if (list) {
            Page page = Page.of(req, 30);
            Responses.json(req, res, page.result(page.slice(items), items.size()));
        } else {
            String id = req.path().pathParameters().first("id").orElse("");
            Responses.json(req, res, items.stream().filter(i -> i.path("id").asText().equals(id)).findFirst()
                    .orElseThrow(ApiException::notFound));
        }
        return true;
    }

    /**
     * A create, update or delete of {@code _superusers}: superusers are the platform's, global to the
     * instance, so a database's API key (superuser rights in that database only) may not change them.
     * Returns false for any other collection.
     */
    private boolean superuserWrite(Scopes.Scope scope, Collection collection, ServerRequest req, ServerResponse res,
                                   String action) {
        if (!Scaffolds.isSuperusers(collection)) {
            return false;
        }
        if (!(scope.principal instanceof Principal.Superuser caller)) {
            throw new ApiException.Forbidden(ONLY_SUPERUSERS);
        }
        String ip = ClientIp.of(req);
        String id = req.path().pathParameters().first("id").orElse("");
        if (action.equals("delete")) {
            superusers.delete(caller, id, ip);
            res.status(Status.NO_CONTENT_204).send();
            return true;
        }
        Submitted submitted = operations.intake().submitted(req, collection, action.equals("create"));
        submitted.discard();
        ObjectNode data = submitted.data();
        String email = data.hasNonNull("email") ? Values.text(data.get("email")) : null;
        String password = data.hasNonNull("password") ? Values.text(data.get("password")) : null;
        Map<String, ApiException.FieldError> errors = new java.util.LinkedHashMap<>(action.equals("create")
                ? new SuperuserInput(email == null ? null : email.trim(), password).errors(true) : Map.of());
        String confirm = Values.text(data.get("passwordConfirm"));
        if (password != null && !password.isEmpty() && !password.equals(confirm)) {
            errors.put("passwordConfirm", confirm == null || confirm.isEmpty() ? Values.requiredError()
                    : new ApiException.FieldError("validation_values_mismatch", "Values don't match."));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        Map<String, Object> row = action.equals("create")
                ? superusers.create(caller, email, password, ip)
                : superusers.update(caller, id, email, password == null || password.isEmpty() ? null : password, ip);
        ObjectNode json = RecordJson.export(collection, row, true, true);
        Responses.json(req, res, json);
        return true;
    }

    @Override
    public void routing(HttpRules rules) {
        for (String p : Scopes.PREFIXES) {
            Responses.read(rules, p + "/api/collections/{collection}/records", this::list)
                 .post(p + "/api/collections/{collection}/records", this::create);
            Responses.read(rules, p + "/api/collections/{collection}/records/{id}", this::view)
                 .patch(p + "/api/collections/{collection}/records/{id}", this::update)
                 .delete(p + "/api/collections/{collection}/records/{id}", this::delete);
        }
    }

    private void list(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = scopes.open(req)) {
            Collection collection = Requests.collection(scope, req);
            scope.limit(req, collection, RateLimiter.Action.LIST);
            if (superusersCollection(scope, collection, req, res, true)) {
                return;
            }
            if (collection.rules().list() == null && !scope.admin) {
                throw new ApiException.Forbidden(ONLY_SUPERUSERS);
            }
            Requests.checkClientFilter(req, scope.admin);
            RequestInfo info = Requests.info(req, scope, null);
            Page page = Page.of(req, 30);
            List<String> expand = expand(req);
            // What the page reads is counted: one request cannot fill the heap with large records.
            try (HeapBudget.Reservation budget = HeapBudget.open()) {
                String key = listCacheKey(scope, collection, req);
                if (key != null) {
                    // The same page to the same caller: kept by the database until anything commits.
                    byte[] body = scope.lease.db().readCached(key, scope.schema,
                            c -> Json.bytes(readPage(c, scope, collection, req, info, page, expand, budget)));
                    Responses.send(req, res, body);
                    return;
                }
                Map<String, Object> result = scope.lease.db().read(
                        c -> readPage(c, scope, collection, req, info, page, expand, budget));
                Responses.json(req, res, result);
            }
        }
    }

    private Map<String, Object> readPage(java.sql.Connection c, Scopes.Scope scope, Collection collection,
                                         ServerRequest req, RequestInfo info, Page page, List<String> expand,
                                         HeapBudget.Reservation budget) throws java.sql.SQLException {
        RecordQuery.Where where;
        String order;
        try {
            RecordQuery.Where rule = scope.admin ? RecordQuery.Where.ALL
                    : RecordQuery.compile(collection.rules().list(), scope.schema, collection, info, true, clock);
            where = rule.and(RecordQuery.compile(req.query().first("filter").orElse(""), scope.schema, collection,
                    info, scope.admin, clock));
            order = RecordQuery.orderBy(req.query().first("sort").orElse(""), scope.schema, collection, info,
                    scope.admin);
        } catch (FilterException e) {
            throw RecordQuery.badFilter(e);
        }
        List<Map<String, Object>> rows = RecordQuery.select(c, collection, where, order, page.perPage(),
                page.offset(), budget);
        long total = page.skipTotal() ? -1 : RecordQuery.count(c, collection, where);
        List<ObjectNode> items = operations.export(scope, collection, rows, info, c);
        new Expander(c, scope.schema, info, scope.admin, clock).expand(collection, rows, items, expand, 1);
        return page.result(items, total);
    }

    /**
     * The key a list's answer is kept under, or null when it may not be kept: rows' JSON alone
     * ({@link #plainAnswer}), a rule and filter that are {@link #keepable}, no filter or sort on
     * {@code @request} from a superuser (superusers share a key), no random order, a query string of
     * at most {@value #MAX_CACHED_QUERY} characters (the key). Views and lists are keyed apart.
     */
    private static String listCacheKey(Scopes.Scope scope, Collection collection, ServerRequest req) {
        String query = req.prologue().query().rawValue();
        String filter = req.query().first("filter").orElse("");
        String sort = req.query().first("sort").orElse("");
        if (query.length() > MAX_CACHED_QUERY || !plainAnswer(collection, req)
                || randomOrJoinedSort(scope, sort) || !keepable(scope, filter)
                || scope.admin && (filter.contains("@request") || sort.contains("@request"))) { // superusers share a key
            return null;
        }
        String caller = cacheCaller(scope, collection.rules().list());
        return caller == null ? null : collection.id() + caller + "list?" + query;
    }

    /** A sort on {@code @random}, or on a path through a relation while the database has views. */
    private static boolean randomOrJoinedSort(Scopes.Scope scope, String sort) {
        return sort.contains("@random") || scope.schema.hasViews() && sort.indexOf('.') >= 0;
    }

    static final int MAX_CACHED_QUERY = 1024;

    private void view(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = scopes.open(req)) {
            Collection collection = Requests.collection(scope, req);
            scope.limit(req, collection, RateLimiter.Action.VIEW);
            if (superusersCollection(scope, collection, req, res, false)) {
                return;
            }
            if (collection.rules().view() == null && !scope.admin) {
                throw new ApiException.Forbidden(ONLY_SUPERUSERS);
            }
            String id = req.path().pathParameters().get("id");
            if (plainAnswer(collection, req) && id.indexOf('\0') < 0) {
                String caller = cacheCaller(scope, collection.rules().view());
                if (caller != null) {
                    cachedView(req, res, scope, collection, id, caller);
                    return;
                }
            }
            RequestInfo info = Requests.info(req, scope, null);
            ObjectNode json = operations.view(scope, collection, id, info, expand(req));
            Responses.json(req, res, json);
        }
    }

    /**
     * A view whose answer is the row's JSON alone, under a rule {@link RecordQuery.Traits#callerBound bound}
     * to the caller: kept by the database, per caller, until anything commits.
     */
    private void cachedView(ServerRequest req, ServerResponse res, Scopes.Scope scope, Collection collection, String id,
                            String caller) {
        byte[] body = scope.lease.db().readCached(collection.id() + caller + "view/" + id, scope.schema, c -> {
            RecordQuery.Where rule = operations.rule(scope, collection, collection.rules().view(), Requests.info(req, scope, null));
            return RecordQuery.byId(c, collection, id, rule)
                    .map(row -> Json.bytes(RecordJson.export(collection, row, scope.admin, false))).orElse(null);
        });
        if (body == null) {
            throw ApiException.notFound();
        }
        Responses.send(req, res, body);
    }

    private void create(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = scopes.open(req)) {
            Collection collection = Requests.collection(scope, req);
            refuseView(collection);
            scope.limit(req, collection, RateLimiter.Action.CREATE);
            if (superuserWrite(scope, collection, req, res, "create")) {
                return;
            }
            Submitted submitted = operations.intake().submitted(req, collection, true);
            try {
                ObjectNode json = operations.create(scope, collection, submitted, Requests.info(req, scope, submitted.data()),
                        expand(req));
                Responses.json(req, res, json);
            } finally {
                submitted.discard();
            }
        }
    }

    private void update(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = scopes.open(req)) {
            Collection collection = Requests.collection(scope, req);
            refuseView(collection);
            scope.limit(req, collection, RateLimiter.Action.UPDATE);
            if (superuserWrite(scope, collection, req, res, "update")) {
                return;
            }
            Submitted submitted = operations.intake().submitted(req, collection, false);
            try {
                ObjectNode json = operations.update(scope, collection, req.path().pathParameters().get("id"), submitted,
                        Requests.info(req, scope, submitted.data()), expand(req));
                Responses.json(req, res, json);
            } finally {
                submitted.discard();
            }
        }
    }

    private void delete(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = scopes.open(req)) {
            Collection collection = Requests.collection(scope, req);
            refuseView(collection);
            scope.limit(req, collection, RateLimiter.Action.DELETE);
            if (superuserWrite(scope, collection, req, res, "delete")) {
                return;
            }
            operations.delete(scope, collection, req.path().pathParameters().get("id"), Requests.info(req, scope, null));
            res.status(Status.NO_CONTENT_204).send();
        }
    }

    /**
     * A view's records are read-only: PocketBase refuses a write to a view before anything else of
     * the request (rate limit, body, rules) is looked at.
     */
    private static void refuseView(Collection collection) {
        if (collection.isView()) {
            throw new ApiException.BadRequest("Unsupported collection type.");
        }
    }

    /**
     * Whether an answer is rows' JSON and nothing else: no view collection (its SQL may read the clock),
     * no auth collection (whose email shows by caller), no expand and no field picking.
     */
    private static boolean plainAnswer(Collection collection, ServerRequest req) {
        return !collection.isView() && !collection.isAuth() && req.query().first("expand").isEmpty()
                && req.query().first("fields").isEmpty();
    }

    /**
     * Whether what {@code expression} selects may be kept: {@link RecordQuery.Traits#callerBound bound} to
     * the caller, and joining no other rows while the database has views (a relation or an
     * {@code @collection} join may reach one).
     */
    private static boolean keepable(Scopes.Scope scope, String expression) {
        RecordQuery.Traits traits = RecordQuery.traits(expression);
        return traits.callerBound() && !(scope.schema.hasViews() && traits.joins());
    }

    /**
     * Who an answer under {@code rule} may be kept for, as part of its cache key: every superuser
     * alike, everyone under a public rule, otherwise each caller (guest or auth record) apart when
     * the rule is {@link RecordQuery.Traits#callerBound bound} to the caller. Null when it may not be kept.
     */
    private static String cacheCaller(Scopes.Scope scope, String rule) {
        if (scope.admin) {
            return "\0s\0";
        }
        if ("".equals(rule)) {
            return "\0p\0";
        }
        if (!keepable(scope, rule)) {
            return null;
        }
        Principal.User user = scope.user();
        if (user != null && user.recordId().indexOf('\0') >= 0) {
            return null; // the key's separator: an id that holds it could take another caller's key
        }
        return user == null ? "\0g\0" : "\0u\0" + user.collectionId() + "\0" + user.recordId() + "\0";
    }

    static List<String> expand(ServerRequest req) {
        String expand = req.query().first("expand").orElse("");
        return expand.isBlank() ? List.of() : new ArrayList<>(Arrays.asList(expand.split(",")));
    }
}
