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

    /** A compare whose one side is a set (a relation or {@code @collection} path) and whose other side is one value. */
    private record OnSet(Expr.Compare cmp, ValueSet set, Term other, boolean setOnLeft) {
    }

    /**
     * The parts of an AND. Any-comparisons ({@code ?=}, {@code ?~}, ...) on the same join path are
     * judged together, on one related row, as PocketBase's shared LEFT JOIN judges them:
     * {@code @collection.members.user ?= @request.auth.id && @collection.members.team ?= team} needs
     * one membership row with both, not any user row and any team row.
     */
    private List<Sql> conjunction(List<Expr> children) {
        List<Object> items = new ArrayList<>(); // Sql, or a List<OnSet> for a group of one join path
        java.util.Map<String, List<OnSet>> groups = new java.util.HashMap<>();
        for (Expr child : children) {
            if (child instanceof Expr.Compare cmp && cmp.op().isAny()) {
                Side left = side(cmp.left());
                Side right = side(cmp.right());
                OnSet onSet = left instanceof ValueSet l && l.source() != null && right instanceof Term r
                        ? new OnSet(cmp, l, r, true)
                        : right instanceof ValueSet r && r.source() != null && left instanceof Term l
                        ? new OnSet(cmp, r, l, false) : null;
                if (onSet == null) {
                    items.add(guarded(cmp, compareResolved(cmp, left, right)));
                    continue;
                }
                String key = onSet.set().source().from() + "\u0000" + onSet.set().source().params();
                List<OnSet> group = groups.get(key);
                if (group == null) {
                    group = new ArrayList<>();
                    groups.put(key, group);
                    items.add(group);
                }
                group.add(onSet);
            } else {
                items.add(expr(child));
            }
        }
        List<Sql> out = new ArrayList<>();
        for (Object item : items) {
            if (item instanceof Sql sql) {
                out.add(sql);
            } else {
                @SuppressWarnings("unchecked")
                List<OnSet> group = (List<OnSet>) item;
                OnSet first = group.getFirst();
                out.add(group.size() == 1
                        ? guarded(first.cmp(), compareResolved(first.cmp(), first.setOnLeft() ? first.set() : first.other(),
                                first.setOnLeft() ? first.other() : first.set()))
                        : sameRow(group));
            }
        }
        return out;
    }

    /** EXISTS one row of the group's join path on which every comparison of the group holds. */
    private Sql sameRow(List<OnSet> group) {
        Resolved.Multi path = group.getFirst().set().source();
        String alias = "__g" + (++aliases);
        Sql out = new Sql().append("EXISTS (SELECT 1 FROM (SELECT 1) AS __o LEFT JOIN (SELECT ");
        for (int i = 0; i < group.size(); i++) {
            out.append(i > 0 ? ", " : "").append(group.get(i).set().source().value() + " AS v" + i);
        }
        out.append(" FROM " + path.from() + ") AS " + alias + " ON 1");
        out.params.addAll(path.params());
        out.append(" WHERE ");
        for (int i = 0; i < group.size(); i++) {
            OnSet member = group.get(i);
            Term item = Term.expression(alias + ".v" + i, List.of());
            Sql cond = member.setOnLeft() ? Conditions.of(item, member.cmp().op(), member.other())
                    : Conditions.of(member.other(), member.cmp().op(), item);
            out.append(i > 0 ? " AND " : "").append("(").append(guarded(member.cmp(), cond)).append(")");
        }
        return out.append(")");
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
            case Resolved.Single s -> Term.expression(s.sql(), s.params());
            case Resolved.Multi m -> ValueSet.of(m);
        };
    }
}
