package dev.hivelite.node.http;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.hivelite.node.common.ApiException;

/**
 * Diagnostics, registered only when {@code HIVELITE_DEBUG_ROUTES=true}: a request that takes as long
 * as asked, so drain and rolling-restart behaviour can be observed from outside. Off by default.
 */
final class DebugService implements HttpService {

    /** Longest sleep a caller may ask for. */
    static final long MAX_SLEEP_MILLIS = 60_000;

    @Override
    public void routing(HttpRules rules) {
        rules.get("/_/debug/sleep", this::sleep);
    }

    private void sleep(ServerRequest req, ServerResponse res) throws InterruptedException {
        long millis;
        try {
            millis = Long.parseLong(req.query().first("ms").orElse("1000"));
        } catch (NumberFormatException e) {
            throw new ApiException.BadRequest("ms must be a whole number of milliseconds");
        }
        if (millis < 0 || millis > MAX_SLEEP_MILLIS) {
            throw new ApiException.BadRequest("ms must be between 0 and " + MAX_SLEEP_MILLIS);
        }
        Thread.sleep(millis);
        res.send("slept " + millis + " ms");
    }
}
