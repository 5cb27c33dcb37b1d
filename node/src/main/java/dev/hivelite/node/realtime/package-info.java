/**
 * Realtime: PocketBase's SSE protocol ({@code /api/realtime}) and a WebSocket variant
 * ({@code /api/realtime/ws}). Committed record changes travel between workers on a Hazelcast topic;
 * each worker delivers to its own connections after checking each subscriber's rules. The
 * subscription of a connection may be set on any worker: it is forwarded to the worker holding it.
 */
package dev.hivelite.node.realtime;
