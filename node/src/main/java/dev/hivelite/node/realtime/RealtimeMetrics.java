package dev.hivelite.node.realtime;

/** This worker's realtime series for /metrics, in Prometheus text format. */
public final class RealtimeMetrics {

    private RealtimeMetrics() {
    }

    public static String exposition(RealtimeHub hub) {
        return series("hivelite_realtime_connections", "gauge", "Open realtime connections (SSE and WebSocket)",
                hub.connections())
                + series("hivelite_realtime_events_published_total", "counter", "Committed changes published to the cluster",
                hub.published())
                + series("hivelite_realtime_events_unheard_total", "counter",
                "Committed changes not published: no subscriber in the cluster listens to their database", hub.unheard())
                + series("hivelite_realtime_events_delivered_total", "counter", "Events queued to subscribers of this worker",
                hub.delivered())
                + series("hivelite_realtime_events_dropped_total", "counter", "Events not delivered: the subscriber was too slow",
                hub.dropped())
                + series("hivelite_realtime_degraded", "gauge", "1 while changes reach only this worker's subscribers",
                hub.degraded() ? 1 : 0);
    }

    private static String series(String name, String type, String help, long value) {
        return "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " + value + "\n";
    }
}
