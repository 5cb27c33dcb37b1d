package dev.hivelite.node.cluster;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Hazelcast calls on a request path, bounded: a degraded cluster (members merging, a partition owner
 * gone) answers through the caller's fallback after {@link #TIMEOUT} instead of hanging the request
 * for Hazelcast's own two-minute invocation timeout. The call goes on in its virtual thread until
 * Hazelcast ends it.
 */
final class Bounded {

    static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final Logger LOG = Logger.getLogger(Bounded.class.getName());

    private Bounded() {
    }

    static <T> T call(String what, Supplier<T> call, Supplier<T> fallback) {
        CompletableFuture<T> future = CompletableFuture.supplyAsync(call, task -> Thread.ofVirtual().start(task));
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fallback.get();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warning("cluster " + what + " did not complete in " + TIMEOUT.toMillis() + " ms (" + e + "); falling back");
            return fallback.get();
        }
    }
}
