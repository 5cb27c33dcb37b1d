package dev.hivelite.node.records.filter;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Compiles a parsed filter into a parameterised SQLite boolean expression for a WHERE clause.
 *
 * <p>Every literal and macro value becomes a bound {@code ?}; SQL text comes only from this
 * package's fixed fragments and from the {@link Resolver}, so filter input cannot inject SQL.
 * Multi-valued operands ({@link Resolved.Multi}) need every item to match with a plain operator
 * and at least one item with an any-operator ({@code ?=}, {@code ?~}, ...), as in PocketBase.
 */
public final class FilterCompiler {

    /** A boolean SQL expression (parenthesised) and the values of its {@code ?} placeholders, in order. */
    public record Compiled(String sql, List<Object> params) {
        public Compiled {
            Objects.requireNonNull(sql, "sql");
            // List.copyOf rejects nulls, but a NULL literal is a legitimate bound value.
            params = Collections.unmodifiableList(new ArrayList<>(params));
        }
    }

    private final Resolver resolver;
    private final Clock clock;
    private int aliases;

    private FilterCompiler(Resolver resolver, Clock clock) {
        this.resolver = resolver;
        this.clock = clock;
    }

    /** Compiles {@code expr}; throws {@link FilterException} when the resolver rejects a field. */
    public static Compiled compile(Expr expr, Resolver resolver, Clock clock) {
        Objects.requireNonNull(expr, "expr");
        Objects.requireNonNull(resolver, "resolver");
        Objects.requireNonNull(clock, "clock");
        Sql sql = new FilterCompiler(resolver, clock).expr(expr);
        return new Compiled("(" + sql.text + ")", sql.params);
    }

    private Sql expr(Expr e) {
        return switch (e) {
            case Expr.And and -> join(and.children(), " AND ", "1=1");
            case Expr.Or or -> join(or.children(), " OR ", "1=0");
            case Expr.Compare cmp -> compare(cmp);
        };
    }

    private Sql join(List<Expr> children, String separator, String whenEmpty) {
        Sql out = new Sql();
        if (children.isEmpty()) {
            return out.append(whenEmpty);
        }
        List<Sql> parts = " AND ".equals(separator) ? conjunction(children) : children.stream().map(this::expr).toList();
        for (int k = 0; k < parts.size(); k++) {
            if (k > 0) {
                out.append(separator);
            }
            out.append("(").append(parts.get(k)).append(")");
        }
        return out;
    }

    /**
     * An any-comparison ({@code ?=}, {@code ?~}, ...) whose set sides all come from join paths
     * ({@code @collection.x}, {@code @collection.x:alias}, relation and back-relation paths): {@code paths}
     * are the keys of those paths, one or two.
     */
    private record OnPaths(Expr.Compare cmp, Side left, Side right, List<String> paths) {
    }

    private static String pathKey(ValueSet set) {
        return set.source().from() + "\u0000" + set.source().params();
    }

    /**
     * The parts of an AND. Any-comparisons on the same join path are judged together, on one related
     * row per path, as PocketBase's shared LEFT JOINs judge them: {@code @collection.members.user ?=
     * @request.auth.id && @collection.members.team ?= team} needs one membership row with both, not any
     * user row and any team row; and a comparison between two paths ({@code @collection.r.group ?=
     * @collection.r:auth.group}) ties the rows the other conditions picked on each of them.
     */
    private List<Sql> conjunction(List<Expr> children) {
        List<Object> items = new ArrayList<>(); // Sql, or a List<OnPaths> for a group of joined paths
        for (Expr child : children) {
            OnPaths onPaths = child instanceof Expr.Compare cmp && cmp.op().isAny() ? onPaths(cmp) : null;
            if (onPaths == null || onPaths.paths().isEmpty()) {
                items.add(onPaths == null ? expr(child)
                        : guarded(onPaths.cmp(), compareResolved(onPaths.cmp(), onPaths.left(), onPaths.right())));
                continue;
            }
            // Every earlier group sharing a path with this comparison merges into the first of them.
            List<OnPaths> target = null;
            for (int k = 0; k < items.size(); k++) {
                if (items.get(k) instanceof List<?> raw) {
                    @SuppressWarnings("unchecked")
                    List<OnPaths> group = (List<OnPaths>) raw;
                    if (group.stream().noneMatch(g -> g.paths().stream().anyMatch(onPaths.paths()::contains))) {
                        continue;
                    }
                    if (target == null) {
                        target = group;
                    } else {
                        target.addAll(group);
                        items.remove(k--);
                    }
                }
            }
            if (target == null) {
                target = new ArrayList<>();
                items.add(target);
            }
            target.add(onPaths);
        }
        List<Sql> out = new ArrayList<>();
        for (Object item : items) {
            if (item instanceof Sql sql) {
                out.add(sql);
            } else {
                @SuppressWarnings("unchecked")
                List<OnPaths> group = (List<OnPaths>) item;
                OnPaths first = group.getFirst();
                out.add(group.size() == 1 ? guarded(first.cmp(), compareResolved(first.cmp(), first.left(), first.right()))
                        : sameRows(group));
            }
        }
        return out;
    }

    /** The comparison with its join paths; none when no side is a join path or a side is a set of none (a field's own values). */
    private OnPaths onPaths(Expr.Compare cmp) {
        Side left = side(cmp.left());
        Side right = side(cmp.right());
        List<String> paths = new ArrayList<>();
        for (Side side : List.of(left, right)) {
            if (side instanceof ValueSet set) {
                if (set.source() == null) {
                    return new OnPaths(cmp, left, right, List.of());
                }
                paths.add(pathKey(set));
            }
        }
        return new OnPaths(cmp, left, right, paths);
    }

    /** EXISTS one row of each of the group's join paths on which every comparison of the group holds. */
    private Sql sameRows(List<OnPaths> group) {
        java.util.Map<String, Resolved.Multi> paths = new java.util.LinkedHashMap<>();
        java.util.Map<String, List<String>> columns = new java.util.HashMap<>();
        Sql where = new Sql();
        java.util.Map<String, String> aliasOf = new java.util.HashMap<>();
        for (OnPaths member : group) {
            for (Side side : List.of(member.left(), member.right())) {
                if (side instanceof ValueSet set && paths.putIfAbsent(pathKey(set), set.source()) == null) {
                    aliasOf.put(pathKey(set), "__g" + (++aliases));
                    columns.put(pathKey(set), new ArrayList<>());
                }
            }
        }
        for (int i = 0; i < group.size(); i++) {
            OnPaths member = group.get(i);
            Term[] terms = new Term[2];
            List<Side> sides = List.of(member.left(), member.right());
            for (int k = 0; k < 2; k++) {
                if (sides.get(k) instanceof ValueSet set) {
                    List<String> cols = columns.get(pathKey(set));
                    cols.add(set.source().value());
                    terms[k] = Term.expression(aliasOf.get(pathKey(set)) + ".v" + (cols.size() - 1), List.of());
                } else {
                    terms[k] = (Term) sides.get(k);
                }
            }
            where.append(i > 0 ? " AND " : "").append("(")
                    .append(guarded(member.cmp(), Conditions.of(terms[0], member.cmp().op(), terms[1]))).append(")");
        }
        Sql out = new Sql().append("EXISTS (SELECT 1 FROM (SELECT 1) AS __o");
        paths.forEach((key, path) -> {
            List<String> cols = columns.get(key);
            out.append(" LEFT JOIN (SELECT ");
            for (int c = 0; c < cols.size(); c++) {
                out.append(c > 0 ? ", " : "").append(cols.get(c) + " AS v" + c);
            }
            out.append(" FROM " + path.from() + ") AS " + aliasOf.get(key) + " ON 1");
            out.params.addAll(path.params());
        });
        return out.append(" WHERE ").append(where).append(")");
    }

    private Sql compare(Expr.Compare cmp) {
        return guarded(cmp, compareResolved(cmp, side(cmp.left()), side(cmp.right())));
    }

    private Sql guarded(Expr.Compare cmp, Sql compared) {
        List<String> guards = new ArrayList<>();
        for (Operand operand : List.of(cmp.left(), cmp.right())) {
            String guard = operand instanceof Operand.Identifier id ? resolver.guard(id.name()) : null;
            if (guard != null && !guards.contains(guard)) {
                guards.add(guard);
            }
        }
        if (guards.isEmpty()) {
            return compared;
        }
        Sql out = new Sql().append("(").append(compared).append(")");
        guards.forEach(g -> out.append(" AND ").append(g));
        return out;
    }

    private Sql compareResolved(Expr.Compare cmp, Side left, Side right) {
        if (left instanceof Term l && right instanceof Term r) {
            return Conditions.of(l, cmp.op(), r);
        }
        // At least one side is a set: compare item by item inside a subquery over the set(s).
        Sql from = new Sql();
        Term l = itemOf(left, from);
        Term r = itemOf(right, from);
        Sql cond = Conditions.of(l, cmp.op(), r);
        Sql out = new Sql();
        if (cmp.op().isAny()) {
            return out.append("EXISTS (SELECT 1 FROM ").append(from).append(" WHERE ").append(cond).append(")");
        }
        // "Every item matches" is "no item fails"; COALESCE makes an unknown (NULL) result a failure.
        return out.append("NOT EXISTS (SELECT 1 FROM ").append(from)
                .append(" WHERE NOT COALESCE((").append(cond).append("), 0))");
    }

    /** For a set, adds it to {@code from} and returns its item column; a single value is returned as is. */
    private Term itemOf(Side side, Sql from) {
        if (side instanceof Term t) {
            return t;
        }
        ValueSet set = (ValueSet) side;
        String alias = "__m" + (++aliases);
        if (!from.text.isEmpty()) {
            from.append(", ");
        }
        from.append("(").append(set.sql()).append(") AS " + alias);
        from.params.addAll(set.params());
        return Term.expression(alias + ".v", List.of());
    }

    private Side side(Operand operand) {
        return switch (operand) {
            case Operand.Literal lit -> Term.known(lit.value());
            case Operand.Macro m -> Term.known(Macros.value(m.name(), clock));
            case Operand.Identifier id -> resolve(id.name());
            case Operand.Call call -> Functions.compile(call, this::single);
        };
    }

    private Term single(Operand operand) {
        if (side(operand) instanceof Term t) {
            return t;
        }
        throw new FilterException("invalid filter: function arguments must be single-valued");
    }

    private Side resolve(String identifier) {
        Resolved resolved = resolver.resolve(identifier);
        if (resolved == null) {
            throw new FilterException("invalid filter: unknown field");
        }
        return switch (resolved) {
            case Resolved.Single s when s.sql().strip().equals("?") && s.params().size() == 1 ->
                    Term.known(s.params().get(0));
            case Resolved.Single s when s.exact() -> Term.exact(s.sql(), s.params());
            case Resolved.Single s -> Term.expression(s.sql(), s.params());
            case Resolved.Multi m -> ValueSet.of(m);
        };
    }
}
