/**
 * SQLite storage: how connections are opened, and where SQL runs.
 *
 * <p>The execution rule (STACK-NOTES, "SQLite on virtual threads"): every sqlite-jdbc call is native
 * code, and a lock wait inside it holds a carrier thread. So request handlers (virtual threads) never
 * call SQLite themselves. Writes run on one platform thread per database, in {@code BEGIN IMMEDIATE}
 * transactions queued in-process; reads run on a bounded pool of platform threads shared by every
 * database. A handler blocks on the result, which parks its virtual thread and pins nothing.
 */
package dev.hivelite.node.storage;
