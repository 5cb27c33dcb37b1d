package dev.hivelite.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    private static final String WORKER = """
            # HELP http_server_requests_seconds HTTP requests
            # TYPE http_server_requests_seconds histogram
            http_server_requests_seconds_bucket{route="/_/health",le="0.001"} 3
            http_server_requests_seconds_count{route="/_/health"} 3
            http_server_requests_seconds_sum{route="/_/health"} 0.002
            # HELP jvm_threads_live_threads Live threads
            # TYPE jvm_threads_live_threads gauge
            jvm_threads_live_threads 21.0
            """;

    @Test
    void everyWorkerSampleGetsItsLabelAndEachFamilyAppearsOnce() {
        String merged = new PrometheusText()
                .add("# HELP hivelite_workers_desired Desired\n# TYPE hivelite_workers_desired gauge\nhivelite_workers_desired 2\n")
                .addWorker(WORKER, 1)
                .addWorker(WORKER.replace("21.0", "22.0"), 2)
                .text();
        assertEquals("""
                # HELP hivelite_workers_desired Desired
                # TYPE hivelite_workers_desired gauge
                hivelite_workers_desired 2
                # HELP http_server_requests_seconds HTTP requests
                # TYPE http_server_requests_seconds histogram
                http_server_requests_seconds_bucket{worker="1",route="/_/health",le="0.001"} 3
                http_server_requests_seconds_count{worker="1",route="/_/health"} 3
                http_server_requests_seconds_sum{worker="1",route="/_/health"} 0.002
                http_server_requests_seconds_bucket{worker="2",route="/_/health",le="0.001"} 3
                http_server_requests_seconds_count{worker="2",route="/_/health"} 3
                http_server_requests_seconds_sum{worker="2",route="/_/health"} 0.002
                # HELP jvm_threads_live_threads Live threads
                # TYPE jvm_threads_live_threads gauge
                jvm_threads_live_threads{worker="1"} 21.0
                jvm_threads_live_threads{worker="2"} 22.0
                """, merged);
    }

    @Test
    void emptyLabelSetAndTimestampsSurvive() {
        String merged = new PrometheusText().addWorker("# TYPE up gauge\nup{} 1 1700000000000\n", 3).text();
        assertEquals("# TYPE up gauge\nup{worker=\"3\"} 1 1700000000000\n", merged);
    }

    @Test
    void familiesWithoutSamplesAreLeftOut() {
        String merged = new PrometheusText().addWorker("# HELP lonely nothing\n# TYPE lonely gauge\n", 1).text();
        assertEquals("", merged);
    }
}
