package dev.hivelite.node.records;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.auth0.jwt.interfaces.DecodedJWT;
import com.fasterxml.jackson.databind.JsonNode;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.hivelite.node.settings.RateLimiter;
import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.Responses;
import dev.hivelite.node.common.Json;
import dev.hivelite.node.common.Principal;
import dev.hivelite.node.records.filter.FilterException;

/**
 * {@code /api/files}: a record's uploaded files and their thumbs, and short-lived file tokens, as
 * PocketBase serves them. Files of ordinary fields are public to whoever knows the (randomised) URL;
 * files of protected fields need a file token ({@code ?token=}) whose holder passes the collection's
 * view rule. Every refusal is the same 404, so a URL never tells whether a file exists.
 */
public final class FileService implements HttpService {

    /** PocketBase's default file token lifetime, in seconds. */
    static final long FILE_TOKEN_SECONDS = 180;
    static final String NEEDS_AUTH = "The request requires valid record authorization token.";
    /** Views of views followed at most this deep to the collection that stores a view's file (as PocketBase). */
    static final int MAX_VIEW_DEPTH = 5;

    private final Scopes scopes;
    private final UserTokens tokens;
    private final Clock clock;
    /** Shared by every request: bounds concurrent thumb generation. */
    private final Thumbs thumbs = new Thumbs(2, Duration.ofSeconds(10));

    public FileService(Scopes scopes, UserTokens tokens, Clock clock) {
        this.scopes = scopes;
        this.tokens = tokens;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        for (String p : Scopes.PREFIXES) {
            rules.post(p + "/api/files/token", this::token)
                 .get(p + "/api/files/{collection}/{recordId}/{filename}", this::download)
                 .head(p + "/api/files/{collection}/{recordId}/{filename}", this::download);
        }
    }

    /** A file token of the caller: an auth record of this database, or a superuser or key (an admin file token). */
    private void token(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = scopes.open(req)) {
            String token;
            if (scope.admin) {
                String id = scope.principal instanceof Principal.Superuser s ? s.id()
                        : ((Principal.ApiKey) scope.principal).keyId();
                token = tokens.signAdminFile(scope.db.id(), id, Duration.ofSeconds(FILE_TOKEN_SECONDS));
            } else {
                Principal.User user = scope.user();
                Collection collection = user == null ? null
                        : scope.schema.find(user.collectionId()).filter(Collection::isAuth).orElse(null);
                if (collection == null) {
                    throw new ApiException.Unauthorized(NEEDS_AUTH);
                }
                Map<String, Object> record = scope.lease.db()
                        .read(c -> RecordQuery.byId(c, collection, user.recordId(), RecordQuery.Where.ALL))
                        .orElseThrow(() -> new ApiException.Unauthorized(NEEDS_AUTH));
                token = tokens.sign("file", scope.db.id(), collection, record,
                        Duration.ofSeconds(collection.tokenDuration("fileToken", FILE_TOKEN_SECONDS)), false, Map.of());
            }
            Responses.json(req, res, Map.of("token", token));
        }
    }

    private void download(ServerRequest req, ServerResponse res) {
        try (Scopes.Scope scope = scopes.open(req)) {
            var params = req.path().pathParameters();
            Collection collection = scope.schema.find(params.get("collection")).orElseThrow(ApiException::notFound);
            scope.limit(req, collection, RateLimiter.Action.FILE);
            String id = params.get("recordId");
            String filename = params.get("filename");
            if (Scaffolds.isSuperusers(collection) || !safeName(filename)) {
                throw ApiException.notFound(); // superusers live in system.db and have no files
            }
            Map<String, Object> record = scope.lease.db()
                    .read(c -> RecordQuery.byId(c, collection, id, RecordQuery.Where.ALL))
                    .orElseThrow(ApiException::notFound);
            FileField field = fieldOf(collection, record, filename).orElseThrow(ApiException::notFound);
            if (field.protectedFiles() && !mayView(scope, req, collection, id)) {
                throw ApiException.notFound();
            }
            Path directory = collection.isView()
                    ? scope.lease.db().read(c -> viewFileDirectory(c, scope, collection, field, filename))
                    .orElseThrow(ApiException::notFound)
                    : RecordFiles.storage(scope).resolve(collection.id()).resolve(id);
            Path original = directory.resolve(filename);
            if (!Files.isRegularFile(original)) {
                throw ApiException.notFound();
            }
            Path served = thumbs.serve(original, filename, field, req.query().first("thumb").orElse(""),
                    FileTypes.detect(original, filename, null));
            String servedName = served.equals(original) ? filename : served.getFileName().toString();
            FileSender.send(req, res, served, servedName, field.protectedFiles());
        }
    }

    /**
     * Where a file a view shows is stored: with the record of the collection its column comes from
     * (through views of views, at most {@link #MAX_VIEW_DEPTH} deep), found by the file's name in
     * that column. The view's own id need not be that record's.
     */
    private static Optional<Path> viewFileDirectory(Connection c, Scopes.Scope scope, Collection view, FileField field,
                                                    String filename) throws SQLException {
        Collection source = view;
        String column = field.name();
        for (int depth = 0; source != null && source.isView(); depth++) {
            ViewFields.Origin origin = depth < MAX_VIEW_DEPTH ? ViewFields.origin(c, source, column).orElse(null) : null;
            source = origin == null ? null : scope.schema.find(origin.table()).orElse(null);
            column = origin == null ? null : origin.column();
        }
        if (source == null || !(source.field(column).orElse(null) instanceof FileField)) {
            return Optional.empty();
        }
        String quoted = RecordResolver.quote(column);
        String sql = "SELECT id FROM " + RecordResolver.quote(source.name()) + " WHERE " + quoted + " = ?1 OR ("
                + quoted + " LIKE '[%' AND EXISTS (SELECT 1 FROM json_each(" + quoted + ") WHERE value = ?1)) LIMIT 1";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, filename);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(RecordFiles.storage(scope).resolve(source.id()).resolve(rs.getString(1)))
                        : Optional.empty();
            }
        }
    }

    /** Stored names are plain (see {@link FileNames}); anything else never reaches the disk. */
    private static boolean safeName(String name) {
        return !name.isEmpty() && !name.startsWith(".") && name.indexOf('/') < 0 && name.indexOf('\\') < 0
                && name.indexOf('\0') < 0;
    }

    private static Optional<FileField> fieldOf(Collection collection, Map<String, Object> record, String filename) {
        for (Field f : collection.fields()) {
            if (f instanceof FileField file && file.names(record.get(f.name())).contains(filename)) {
                return Optional.of(file);
            }
        }
        return Optional.empty();
    }

    /**
     * Whether the holder of {@code ?token=} may see the record: the view rule, evaluated as that token's auth
     * record (or as a guest without a valid token), as PocketBase's protected files are. Only the file token
     * counts, never the request's credentials (as in PocketBase); a superuser's or key's file token passes.
     */
    private boolean mayView(Scopes.Scope scope, ServerRequest req, Collection collection, String id) {
        RequestInfo.AuthRecord auth = null;
        Optional<DecodedJWT> jwt = tokens.decode(req.query().first("token").orElse("").trim(), "file");
        if (jwt.isPresent() && scope.db.id().equals(jwt.get().getClaim("db").asString())) {
            if ("admin".equals(jwt.get().getClaim("tk").asString())) {
                return true;
            }
            if (tokens.current(jwt.get())) {
                auth = authRecord(scope, jwt.get());
            }
        }
        String rule = collection.rules().view();
        if (rule == null) {
            return false;
        }
        RequestInfo base = Requests.info(req, scope, null);
        RequestInfo info = new RequestInfo(false, auth, base.body(), null, base.query(), base.headers(), base.method(),
                "protectedFile");
        RecordQuery.Where where;
        try {
            where = RecordQuery.compile(rule, scope.schema, collection, info, true, clock);
        } catch (FilterException e) {
            return false; // a rule that does not compile lets nobody in
        }
        return scope.lease.db().read(c -> RecordQuery.byId(c, collection, id, where)).isPresent();
    }

    /** The token's auth record as rules see it; its fields load only when a rule asks for one. */
    private static RequestInfo.AuthRecord authRecord(Scopes.Scope scope, DecodedJWT jwt) {
        Collection users = scope.schema.find(jwt.getClaim("collectionId").asString()).filter(Collection::isAuth)
                .orElse(null);
        if (users == null) {
            return null;
        }
        String userId = jwt.getClaim("id").asString();
        return new RequestInfo.AuthRecord(userId, users.id(), users.name(), () -> authFields(scope, users, userId));
    }

    private static Map<String, JsonNode> authFields(Scopes.Scope scope, Collection users, String id) {
        Map<String, Object> row;
        try {
            row = scope.lease.db().read(c -> RecordQuery.byId(c, users, id, RecordQuery.Where.ALL)).orElse(Map.of());
        } catch (RuntimeException e) {
            row = Map.of();
        }
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (Field f : users.fields()) {
            if (!(f instanceof PasswordField) && !"tokenKey".equals(f.name()) && row.containsKey(f.name())) {
                out.put(f.name(), Json.mapper().valueToTree(f.toJson(row.get(f.name()))));
            }
        }
        return out;
    }
}
