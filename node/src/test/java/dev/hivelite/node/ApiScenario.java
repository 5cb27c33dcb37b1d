package dev.hivelite.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One API scenario (STYLE habit 5): a request and everything its answer must and must not contain.
 * {@code {token}}-style placeholders in url, body and headers are filled by the test's substitution.
 */
public record ApiScenario(String name, String method, String url, String body, Map<String, String> headers,
                          int expectedStatus, List<String> expectedContent, List<String> notExpectedContent) {

    public static ApiScenario of(String name, String method, String url, String body, Map<String, String> headers,
                                 int expectedStatus, List<String> expectedContent) {
        return new ApiScenario(name, method, url, body, headers, expectedStatus, expectedContent, List.of());
    }

    public ApiScenario notExpecting(String... content) {
        return new ApiScenario(name, method, url, body, headers, expectedStatus, expectedContent, List.of(content));
    }

    @Override
    public String toString() {
        return name;
    }

    /** Sends the request and asserts status, content present and content absent. */
    public void run(TestWorker worker, UnaryOperator<String> fill) throws Exception {
        Map<String, String> filled = new java.util.LinkedHashMap<>();
        headers.forEach((k, v) -> filled.put(k, fill.apply(v)));
        HttpResponse<String> response = worker.send(method, fill.apply(url), body == null ? null : fill.apply(body), filled);
        assertEquals(expectedStatus, response.statusCode(), name + ": " + response.body());
        if (response.statusCode() != 204 && !"HEAD".equals(method)) {
            assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("application/json"),
                    name + ": JSON answer");
        }
        for (String expected : expectedContent) {
            assertTrue(response.body().contains(fill.apply(expected)), name + ": expected " + expected + " in " + response.body());
        }
        for (String absent : notExpectedContent) {
            assertFalse(response.body().contains(fill.apply(absent)), name + ": did not expect " + absent + " in " + response.body());
        }
    }
}
