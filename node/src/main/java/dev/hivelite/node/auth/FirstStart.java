package dev.hivelite.node.auth;

import java.util.logging.Logger;

import dev.hivelite.node.common.Hashes;
import dev.hivelite.node.common.Ids;

/**
 * A fresh instance needs a first superuser. {@code HIVELITE_ADMIN_EMAIL} + {@code HIVELITE_ADMIN_PASSWORD}
 * create one at start (only when none exists). Otherwise worker 1 logs a one-time setup token;
 * {@code POST /api/superusers/setup} spends it.
 */
public final class FirstStart {

    private static final Logger LOG = Logger.getLogger(FirstStart.class.getName());

    private FirstStart() {
    }

    public static void run(SuperuserStore store, String adminEmail, String adminPassword, boolean announce,
                           String publicAddress) {
        if (adminEmail != null && !adminEmail.isBlank()) {
            SuperuserInput input = new SuperuserInput(adminEmail.trim(), adminPassword);
            var errors = input.errors(true);
            if (!errors.isEmpty()) {
                LOG.severe("HIVELITE_ADMIN_EMAIL/HIVELITE_ADMIN_PASSWORD ignored: " + errors);
            } else if (store.createIfNone(input.email(), input.password())) {
                LOG.info("created superuser " + input.email() + " from HIVELITE_ADMIN_EMAIL");
            }
        }
        if (!announce || store.count() > 0) {
            return;
        }
        String token = Ids.secret(32);
        if (store.storeSetupToken(Hashes.sha256(token))) {
            // A dashboard setup link joins these lines once the dashboard has a setup page.
            LOG.warning("No superuser exists yet. Create the first one, once, with this setup token:\n"
                    + "  curl -X POST http://" + publicAddress + "/api/superusers/setup -H 'Content-Type: application/json'"
                    + " -d '{\"token\":\"" + token + "\",\"email\":\"you@example.com\",\"password\":\"…\"}'\n"
                    + "  or: java -jar coordinator.jar superuser upsert EMAIL PASSWORD --dir <data dir>");
        }
    }
}
