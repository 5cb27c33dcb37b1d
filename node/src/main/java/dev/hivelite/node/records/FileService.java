package dev.hivelite.node.records;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.auth0.jwt.interfaces.DecodedJWT;
import com.fasterxml.jackson.databind.JsonNode;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

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
    static final String CSP = "default-src 'none'; media-src 'self'; style-src 'unsafe-inline'; sandbox";
    static final String PUBLIC_CACHE = "max-age=2592000, stale-while-revalidate=86400";
    static final String PROTECTED_CACHE = "private, no-store";
    static final String NEEDS_AUTH = "The request requires valid record authorization token.";
    /** Content types a browser may show in place; everything else downloads (PocketBase's list). */
    static final Set<String> INLINE_TYPES = Set.of("image/png", "image/jpg", "image/jpeg", "image/gif", "image/webp",
            "image/x-icon", "image/bmp", "video/webm", "video/mp4", "video/3gpp", "video/quicktime", "video/x-ms-wmv",
            "audio/basic", "audio/aiff", "audio/mpeg", "audio/midi", "audio/mp3", "audio/wave", "audio/wav",
            "audio/x-wav", "audio/x-mpeg", "audio/x-m4a", "audio/aac", "application/pdf", "application/x-pdf");
    /** Extensions whose type PocketBase forces so browsers load them (sniffing gets them wrong). */
    static final Map<String, String> EXTENSION_TYPES = Map.of(".svg", "image/svg+xml", ".css", "text/css",
            ".js", "text/javascript", ".mjs", "text/javascript");

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
            send(req, res, served, servedName, field.protectedFiles());
        }
    }

    /**
     * Where a file a view shows is stored: with the record of the collection its column comes from
     * (the view's own id need not be that record's), found by the file's name in that column.
     */
    private static Optional<Path> viewFileDirectory(Connection c, Scopes.Scope scope, Collection view, FileField field,
                                                    String filename) throws SQLException {
        ViewFields.Origin origin = ViewFields.origin(c, view, field.name()).orElse(null);
        Collection source = origin == null ? null : scope.schema.find(origin.table()).orElse(null);
        if (source == null || source.isView() || !(source.field(origin.column()).orElse(null) instanceof FileField)) {
            return Optional.empty();
        }
        String column = RecordResolver.quote(origin.column());
        String sql = "SELECT id FROM " + RecordResolver.quote(source.name()) + " WHERE " + column + " = ?1 OR ("
                + column + " LIKE '[%' AND EXISTS (SELECT 1 FROM json_each(" + column + ") WHERE value = ?1)) LIMIT 1";
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

    // ---- sending -----------------------------------------------------------------------------------

    /** One byte range of a file; the whole file when the request asked for none. */
    record Range(long start, long length, boolean partial) {
    }

    private static void send(ServerRequest req, ServerResponse res, Path file, String name, boolean isProtected) {
        try {
            long size = Files.size(file);
            String type = FileTypes.detect(file, name, null);
            int dot = name.lastIndexOf('.');
            String forced = dot < 0 ? null : EXTENSION_TYPES.get(name.substring(dot).toLowerCase(Locale.ROOT));
            boolean download = parseBool(req.query().first("download").orElse(""));
            res.header(HeaderNames.CONTENT_DISPOSITION,
                    (!download && INLINE_TYPES.contains(type) ? "inline" : "attachment") + "; filename=" + name)
               .header(HeaderNames.CONTENT_TYPE, forced != null ? forced
                       : type.startsWith("text/") || type.equals("application/json") ? type + "; charset=utf-8" : type)
               .header(HeaderNames.create("Content-Security-Policy"), CSP)
               .header(HeaderNames.CACHE_CONTROL, isProtected ? PROTECTED_CACHE : PUBLIC_CACHE)
               .header(HeaderNames.ACCEPT_RANGES, "bytes")
               .header(HeaderNames.LAST_MODIFIED, DateTimeFormatter.RFC_1123_DATE_TIME
                       .format(Files.getLastModifiedTime(file).toInstant().atOffset(ZoneOffset.UTC)));
            Range range = range(req.headers().first(HeaderNames.RANGE).orElse(""), size);
            if (range == null) {
                res.status(Status.REQUESTED_RANGE_NOT_SATISFIABLE_416)
                   .header(HeaderNames.CONTENT_RANGE, "bytes */" + size)
                   .send();
                return;
            }
            if (range.partial()) {
                res.status(Status.PARTIAL_CONTENT_206).header(HeaderNames.CONTENT_RANGE,
                        "bytes " + range.start() + "-" + (range.start() + range.length() - 1) + "/" + size);
            }
            res.header(HeaderNames.CONTENT_LENGTH, Long.toString(range.length()));
            if ("HEAD".equals(req.prologue().method().text())) {
                res.send();
                return;
            }
            try (InputStream in = Files.newInputStream(file); OutputStream out = res.outputStream()) {
                in.skipNBytes(range.start());
                byte[] buffer = new byte[64 * 1024];
                long left = range.length();
                while (left > 0) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                    if (n < 0) {
                        break;
                    }
                    out.write(buffer, 0, n);
                    left -= n;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One {@code bytes=} range ({@code a-b}, {@code a-}, {@code -n}); the whole file for none, a malformed or
     * multi-range header (as allowed: a server may ignore Range); null when unsatisfiable (416).
     */
    static Range range(String header, long size) {
        if (!header.startsWith("bytes=") || header.indexOf(',') >= 0) {
            return new Range(0, size, false);
        }
        String spec = header.substring(6).trim();
        int dash = spec.indexOf('-');
        try {
            if (dash < 0) {
                return new Range(0, size, false);
            }
            String first = spec.substring(0, dash).trim();
            String last = spec.substring(dash + 1).trim();
            if (first.isEmpty()) {
                long suffix = Long.parseLong(last);
                if (suffix <= 0 || size == 0) {
                    return null;
                }
                long length = Math.min(suffix, size);
                return new Range(size - length, length, true);
            }
            long start = Long.parseLong(first);
            long end = last.isEmpty() ? size - 1 : Math.min(Long.parseLong(last), size - 1);
            if (start >= size || end < start) {
                return start >= size ? null : new Range(0, size, false);
            }
            return new Range(start, end - start + 1, true);
        } catch (NumberFormatException e) {
            return new Range(0, size, false);
        }
    }

    /** Go's strconv.ParseBool, which PocketBase uses for {@code ?download=}. */
    static boolean parseBool(String raw) {
        return List.of("1", "t", "T", "TRUE", "true", "True").contains(raw);
    }
}
