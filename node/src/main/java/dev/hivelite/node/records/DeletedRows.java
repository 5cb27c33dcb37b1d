package dev.hivelite.node.records;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rows one committed operation deleted (a record, and what its relations' cascades took with it),
 * for judging that operation's delete events on the data as it was: PocketBase decides who may hear of
 * a delete before the delete runs, so a rule that reads a cascade's parent (say {@code parent.owner =
 * @request.auth.id}) still sees the parent. Judged after the commit without them, such a rule reads a
 * missing parent as empty, and a guest's empty id would match it. At most {@link #LIMIT} rows are kept;
 * past that, {@link #omitted} names the collections whose rows are left out, and a rule that reads one
 * of them hears nothing (fail closed) rather than a guess.
 */
public record DeletedRows(List<Row> rows, Set<String> omitted) {

    /** Rows kept per operation: each of its delete events carries them, so a truncate cannot grow events without bound. */
    static final int LIMIT = 100;

    public static final DeletedRows NONE = new DeletedRows(List.of(), Set.of());

    /** One deleted row of {@code collection}, as it was. */
    public record Row(Collection collection, Map<String, Object> values) {
    }

    /**
     * The deletions among an operation's changes. A cascade lists a record after everything it took
     * with it, so they are read from the last: a parent is kept before its children, and the rows left
     * out past the limit are the deepest, whose rows rules read least (a rule reads up its relations).
     */
    static DeletedRows of(List<RecordOperations.Done> done) {
        List<Row> rows = new ArrayList<>();
        Set<String> omitted = new LinkedHashSet<>();
        for (RecordOperations.Done d : done.reversed()) {
            if (!"delete".equals(d.action()) || d.before() == null) {
                continue;
            }
            if (rows.size() < LIMIT) {
                rows.add(new Row(d.collection(), d.before()));
            } else {
                omitted.add(d.collection().id());
            }
        }
        return rows.isEmpty() && omitted.isEmpty() ? NONE : new DeletedRows(List.copyOf(rows), Set.copyOf(omitted));
    }
}
