package dev.hivelite.node.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.AuditTrail;
import dev.hivelite.node.common.Multipart;
import dev.hivelite.node.common.Principal;
import dev.hivelite.node.common.RequestContext;

/**
 * {@code POST /api/databases/import}: a new database from an uploaded SQLite file (multipart fields
 * {@code name}, {@code file}, optional {@code group}, {@code readOnly}). The upload streams to a
 * staging folder under {@code <dir>/.tmp}; it must carry the SQLite header and pass {@code
 * integrity_check} (opened with the hardening SQLite advises for untrusted files) before it is
 * registered and moved into place with one rename. Any failure leaves nothing behind: no registry
 * row, no folder.
 */
public final class ImportService implements HttpService {

    static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_FIELD = 1024;

    private final DatabaseStore store;
    private final DatabaseService databases;
    private final Path tmpDir;
    private final long maxBytes;
    private final AuditTrail audit;

    public ImportService(DatabaseStore store, DatabaseService databases, Path tmpDir, long maxBytes, AuditTrail audit) {
        this.store = store;
        this.databases = databases;
        this.tmpDir = tmpDir;
        this.maxBytes = maxBytes;
        this.audit = audit;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/api/databases/import", this::importDatabase);
    }

    /** What the form carried; the file is already on disk. */
    private record Upload(String name, String group, boolean readOnly, long bytes) {
    }

    private void importDatabase(ServerRequest req, ServerResponse res) throws IOException {
        Principal caller = RequestContext.principal(req).requireSuperuser();
        if (req.headers().contentLength().orElse(0) > maxBytes + 64 * 1024) {
            throw tooLarge();
        }
        Path staging = tmpDir.resolve("import-" + UUID.randomUUID());
        try {
            Files.createDirectories(staging.resolve("storage"));
            Path file = staging.resolve("data.db");
            Upload upload = receive(Multipart.of(req), file);
            check(file);
            DatabaseStore.Database created = store.create(upload.name(), upload.group(), upload.readOnly(), List.of());
            try {
                Files.move(staging, databases.folder(created.id()), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                store.delete(created.name());
                throw e;
            }
            audit.record(AuditTrail.actor(caller), "database.import", created.id(), null,
                    Map.of("name", created.name(), "bytes", upload.bytes()));
            DatabaseService.send(req, res, databases.view(created));
        } finally {
            dev.hivelite.node.common.Folders.delete(staging);
        }
    }

    private Upload receive(Multipart form, Path file) throws IOException {
        String name = null;
        String group = null;
        boolean readOnly = false;
        long bytes = -1;
        for (var next = form.next(); next.isPresent(); next = form.next()) {
            Multipart.Part part = next.get();
            switch (part.name()) {
                case "name" -> {
                    name = part.text(MAX_FIELD).trim();
                    DatabaseStore.validateName(name); // early: no need to read a large file for a bad name
                    if (store.byName(name).isPresent()) {
                        throw ApiException.invalid("name", "validation_not_unique", "The name is already in use.");
                    }
                }
                case "group" -> group = part.text(MAX_FIELD);
                case "readOnly" -> readOnly = switch (part.text(MAX_FIELD).trim()) {
                    case "true" -> true;
                    case "false", "" -> false;
                    default -> throw ApiException.invalid("readOnly", "validation_invalid_type", "Must be true or false.");
                };
                case "file" -> bytes = copyLimited(part.body(), file);
                default -> {
                    // Unknown fields are ignored, as PocketBase ignores unknown body fields.
                }
            }
        }
        if (name == null || name.isEmpty()) {
            throw ApiException.invalid("name", "validation_required", "Cannot be blank.");
        }
        if (bytes < 0) {
            throw ApiException.invalid("file", "validation_required", "Missing required value.");
        }
        if (group != null && group.length() > DatabaseStore.MAX_GROUP) {
            throw ApiException.invalid("group", "validation_length_out_of_range", "At most 64 characters.");
        }
        return new Upload(name, group, readOnly, bytes);
    }

    private long copyLimited(InputStream in, Path file) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
                if (total > maxBytes) {
                    throw tooLarge();
                }
                out.write(buffer, 0, n);
            }
        }
        return total;
    }

    /**
     * The SQLite header, then {@code integrity_check} with the settings SQLite recommends for files
     * from elsewhere (no triggers or views run with side effects, cell sizes verified, no mmap). The
     * check reads the whole file: it runs on a platform thread, not on the request's virtual thread,
     * so that a long native call does not hold one of the few carrier threads.
     */
    private static void check(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(SQLITE_HEADER.length);
        }
        if (!Arrays.equals(head, SQLITE_HEADER) || Files.size(file) < 512) {
            throw notSqlite("The file is not a SQLite database.");
        }
        AtomicReference<String> problem = new AtomicReference<>();
        Thread checker = Thread.ofPlatform().name("import-check").start(() -> problem.set(integrity(file)));
        try {
            checker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException.Unavailable("request interrupted");
        }
        if (problem.get() != null) {
            throw notSqlite(problem.get());
        }
    }

    /** Null when the file passes, else what is wrong, for the client. */
    private static String integrity(Path file) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement()) {
            s.execute("PRAGMA trusted_schema = OFF");
            s.execute("PRAGMA cell_size_check = ON");
            s.execute("PRAGMA mmap_size = 0");
            List<String> issues = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("PRAGMA integrity_check(20)")) {
                while (rs.next()) {
                    issues.add(rs.getString(1));
                }
            }
            if (issues.equals(List.of("ok"))) {
                return null;
            }
            return "The database failed its integrity check: " + String.join("; ", issues);
        } catch (SQLException e) {
            return "The file is not a readable SQLite database.";
        }
    }

    private static ApiException notSqlite(String message) {
        return ApiException.invalid("file", "validation_invalid_file", message);
    }

    private ApiException tooLarge() {
        return new ApiException.PayloadTooLarge("The database file is larger than the import limit of "
                + maxBytes + " bytes.");
    }
}
