package dev.hivelite.node.common;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Long computations that never block (bcrypt, decoding and scaling an image), run off the virtual
 * threads requests live on. A virtual thread gives its carrier back only when it blocks, so one
 * that computes for 60 ms holds a carrier for 60 ms: with as many under way as cores, every other
 * request of the worker waited (16 creates in flight beside 4 sign-ups fell from 10.9k to 0.15k a
 * second). Here they run on platform threads of their own, one per core, which the kernel shares
 * with the carriers; the virtual thread waits for the result, its carrier free.
 */
public final class CpuWork {

    private static final ExecutorService THREADS = Executors.newFixedThreadPool(
            Math.max(1, Runtime.getRuntime().availableProcessors()),
            Thread.ofPlatform().name("cpu-work-", 1).daemon(true).factory());

    private CpuWork() {
    }

    /**
     * {@code work}'s result, computed on one of this class's threads when the caller is a virtual
     * thread, in place otherwise (a platform thread gains nothing by handing it over). What it
     * throws unchecked is thrown here; a checked exception is an {@link IllegalStateException}.
     */
    public static <T> T run(Callable<T> work) {
        try {
            if (!Thread.currentThread().isVirtual()) {
                return work.call();
            }
            Future<T> result = THREADS.submit(work);
            try {
                return result.get();
            } catch (InterruptedException e) {
                result.cancel(true);
                Thread.currentThread().interrupt();
                throw new ApiException.Unavailable("request interrupted");
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
