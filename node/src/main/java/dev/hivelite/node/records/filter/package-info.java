/**
 * PocketBase's filter language ({@code ?filter=} and collection API rules) compiled to
 * parameterised SQLite SQL: {@link dev.hivelite.node.records.filter.FilterParser} builds an
 * {@link dev.hivelite.node.records.filter.Expr}, and
 * {@link dev.hivelite.node.records.filter.FilterCompiler} turns it into SQL, asking a
 * schema-aware {@link dev.hivelite.node.records.filter.Resolver} for every field.
 */
package dev.hivelite.node.records.filter;
