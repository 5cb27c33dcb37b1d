package dev.hivelite.node.cluster;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;

/**
 * Broadcast topics between workers (Hazelcast reliable-enough topics: best effort, in order per
 * publisher). A message goes to every worker's listeners, this one's included. While the cluster is
 * not joined (starting, or failed) a message reaches only this worker's listeners, and
 * {@link #degraded()} says so, for health and metrics.
 */
public final class Topics {

    private static final Logger LOG = Logger.getLogger(Topics.class.getName());

    private final ClusterMember member;
    /** Topic → this worker's listeners; registered with Hazelcast when the join completes. */
    private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();
    /** Topics whose listeners Hazelcast already calls. Added to under {@code this}; read without it. */
    private final java.util.Set<String> attached = ConcurrentHashMap.newKeySet();
    /** Every topic with a listener here is attached: a publish need not take the lock to check. */
    private volatile boolean allAttached;

    public Topics(ClusterMember member) {
        this.member = member;
        member.onJoined(this::attach);
    }

    public void subscribe(String topic, Consumer<String> listener) {
        listeners.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>()).add(listener);
        allAttached = false;
        attach();
    }

    /** Hazelcast takes over delivery once joined; called on every publish until then. */
    private synchronized void attach() {
        HazelcastInstance hz = running();
        if (hz == null) {
            return;
        }
        for (String topic : listeners.keySet()) {
            if (!attached.contains(topic)) {
                ITopic<String> t = hz.getTopic(topic);
                t.addMessageListener(message -> dispatch(topic, message.getMessageObject()));
                attached.add(topic);
            }
        }
        allAttached = attached.containsAll(listeners.keySet());
    }

    private HazelcastInstance running() {
        return member.instance().filter(h -> h.getLifecycleService().isRunning()).orElse(null);
    }

    /** Sends {@code message} to every worker; only to this one while the cluster is not joined. */
    public void publish(String topic, String message) {
        if (!allAttached) {
            attach();
        }
        HazelcastInstance hz = running();
        boolean viaCluster = hz != null && attached.contains(topic);
        if (viaCluster) {
            try {
                hz.<String>getTopic(topic).publish(message);
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "cluster publish on " + topic + " failed; delivering on this worker only", e);
            }
        }
        dispatch(topic, message);
    }

    private void dispatch(String topic, String message) {
        for (Consumer<String> listener : listeners.getOrDefault(topic, List.of())) {
            try {
                listener.accept(message);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "listener of " + topic + " failed", e);
            }
        }
    }

    /**
     * True while messages reach this worker only, or not every worker: the cluster is not joined, or
     * this member does not see all the others (one is restarting, or the members split).
     */
    public boolean degraded() {
        return !member.complete();
    }
}
