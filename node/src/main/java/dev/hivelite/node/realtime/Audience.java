package dev.hivelite.node.realtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import dev.hivelite.node.cluster.Invalidations;
import dev.hivelite.node.common.Json;

/**
 * The databases a realtime subscriber anywhere in the cluster may listen to, so that a change to any
 * other database is not published at all: no event to build, nothing through Hazelcast, nothing for
 * every worker to receive and drop.
 *
 * <p>The set only grows, and every worker holds it whole. Skipping is safe because of the order of
 * three things:
 * <ul>
 *   <li>a subscription is answered only after every member has acknowledged its database
 *       ({@link #announce}, an acknowledged broadcast), so a write committed after the answer, on
 *       any worker, is published;</li>
 *   <li>a worker publishes every change until it has learned the others' sets since its own join and
 *       since the last member joined ({@link #mayHear}), and a member that joins is sent each
 *       worker's set;</li>
 *   <li>while the cluster is not joined, every change is published (to this worker's own clients).</li>
 * </ul>
 */
final class Audience {

    private static final Logger LOG = Logger.getLogger(Audience.class.getName());
    /** Broadcast: "a subscriber listens to these databases" (a JSON list of ids). */
    static final String HEARD = "realtime.heard";
    /** Question: "which databases do you know a subscriber of?" (answered with a JSON list). */
    static final String ASK = "realtime.audience";
    /** Between two attempts to learn the others' sets, when one of them did not answer. */
    static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Invalidations cluster;
    /** Databases some member announced (this one included, from the start of its own announcement). */
    private final Set<String> heard = ConcurrentHashMap.newKeySet();
    /** Databases whose announcement from this worker every member acknowledged: no need to announce again. */
    private final Set<String> confirmed = ConcurrentHashMap.newKeySet();
    /** Bumped by every change of membership; {@link #learned} catches up with it. */
    private final AtomicLong generation = new AtomicLong();
    private volatile long learned = -1;
    private final AtomicBoolean learning = new AtomicBoolean();
    private volatile long nextAttempt;

    Audience(Invalidations cluster) {
        this.cluster = cluster;
        cluster.on(HEARD, ids -> heard.addAll(parse(ids)));
        cluster.answer(ASK, ignored -> list(heard));
        cluster.onMemberAdded(() -> {
            // Sent from another thread: this runs on Hazelcast's event thread, which must not block.
            generation.incrementAndGet();
            Thread.ofVirtual().name("realtime-audience").start(() -> {
                if (!heard.isEmpty()) {
                    cluster.everywhere(HEARD, list(heard));
                }
                learn();
            });
        });
    }

    /**
     * Whether a change to {@code databaseId} may have a subscriber: false only when this worker knows
     * every member's set and none names it.
     */
    boolean mayHear(String databaseId) {
        if (!cluster.delivered()) {
            return true;
        }
        if (learned != generation.get()) {
            learnSoon();
            return true;
        }
        return heard.contains(databaseId);
    }

    /**
     * Makes sure every member publishes the changes of {@code databaseId}; returns once each has
     * acknowledged (or, past the acknowledgement deadline, without the members that stayed silent).
     */
    void announce(String databaseId) {
        if (confirmed.contains(databaseId)) {
            return;
        }
        heard.add(databaseId);
        if (cluster.everywhere(HEARD, list(Set.of(databaseId))).isEmpty()) {
            confirmed.add(databaseId);
        }
    }

    private void learnSoon() {
        if (System.nanoTime() - nextAttempt >= 0 && learning.compareAndSet(false, true)) {
            Thread.ofVirtual().name("realtime-audience").start(this::learn);
        }
    }

    /** Asks every member for its set; done when all answered and no member joined meanwhile. */
    private void learn() {
        long asOf = generation.get();
        try {
            boolean all = true;
            for (String answer : cluster.askEveryone(ASK, "")) {
                if (answer == null) {
                    all = false; // silent, or not yet answering: publish everything, and ask again later
                } else {
                    heard.addAll(parse(answer));
                }
            }
            if (all && generation.get() == asOf) {
                learned = asOf;
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "could not learn the realtime audience", e);
        } finally {
            nextAttempt = System.nanoTime() + RETRY_NANOS;
            learning.set(false);
        }
    }

    private static String list(Set<String> ids) {
        return Json.mapper().createArrayNode().addAll(ids.stream().map(Json.mapper().getNodeFactory()::textNode).toList()).toString();
    }

    private static List<String> parse(String ids) {
        List<String> out = new ArrayList<>();
        try {
            for (JsonNode id : Json.mapper().readTree(ids)) {
                out.add(id.asText());
            }
        } catch (java.io.IOException e) {
            LOG.warning("a realtime audience message that is not a JSON list: " + e.getMessage());
        }
        return out;
    }
}
