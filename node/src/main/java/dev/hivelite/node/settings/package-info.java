/**
 * Per-database application settings as PocketBase keeps them ({@code _params}, row {@code settings},
 * in each database's data.db): the {@code /api/settings} routes, a cluster-invalidated cache of them,
 * and outgoing mail through each database's SMTP settings.
 */
package dev.hivelite.node.settings;
