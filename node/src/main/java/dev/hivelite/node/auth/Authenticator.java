package dev.hivelite.node.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.hivelite.node.cluster.SharedCounters;
import dev.hivelite.node.cluster.SharedStrings;
import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.Principal;

/**
 * Logs superusers in and out and turns tokens back into principals, on any worker.
 *
 * <p>Validation path: JWT signature and expiry (CPU only), then the session in the shared cache
 * (one Hazelcast map read), then system.db on a miss. Revocation writes a tombstone into the cache
 * before anything can refill it, so a revoked token fails on every worker from the next request on.
 */
public final class Authenticator {

    public static final Duration SESSION_TTL = Duration.ofDays(14);
    /** Cached sessions are re-read from system.db at least this often (covers changes made by the CLI). */
    static final Duration CACHE_TTL = Duration.ofSeconds(30);
    static final Duration FAILURE_WINDOW = Duration.ofMinutes(5);
    static final int MAX_FAILURES = 10;
    private static final String REVOKED = "-";

    private final SuperuserStore store;
    private final Tokens tokens;
    /** sid → "superuserId email" or the tombstone; shared by every worker. */
    private final SharedStrings sessions;
    /** Failed logins per client IP, shared by every worker. */
    private final SharedCounters failures;
    private final Clock clock;

    public Authenticator(SuperuserStore store, Tokens tokens, SharedStrings sessions, SharedCounters failures,
                         Clock clock) {
        this.store = store;
        this.tokens = tokens;
        this.sessions = sessions;
        this.failures = failures;
        this.clock = clock;
    }

    /** A successful login: the token and the superuser it names. */
    public record Login(String token, Superuser superuser) {
    }

    /** Checks the password; throttled per client IP across the cluster. */
    public Login login(String email, String password, String ip) {
        if (failures.get(ip) >= MAX_FAILURES) {
            throw new ApiException.TooManyRequests("Too many failed authentication attempts, try again later.");
        }
        Optional<SuperuserStore.Credentials> credentials = store.credentials(email);
        boolean ok;
        if (credentials.isPresent()) {
            ok = PasswordHasher.verify(password, credentials.get().passwordHash());
        } else {
            PasswordHasher.verifyDummy(password);
            ok = false;
        }
        if (!ok) {
            failures.increment(ip, FAILURE_WINDOW);
            throw new ApiException.BadRequest("Failed to authenticate.");
        }
        Superuser superuser = credentials.get().superuser();
        SuperuserStore.Session session = store.createSession(superuser, SESSION_TTL, ip);
        return new Login(tokens.sign(superuser.id(), session.id(), session.expires()), superuser);
    }

    /** The principal a token names, or anonymous for a missing, malformed, expired or revoked one. */
    public Principal principal(String token) {
        Optional<Tokens.Claims> claims = tokens.verify(token);
        if (claims.isEmpty()) {
            return Principal.ANONYMOUS;
        }
        String sid = claims.get().sessionId();
        Optional<String> cached = sessions.get(sid);
        if (cached.isPresent()) {
            if (REVOKED.equals(cached.get())) {
                return Principal.ANONYMOUS;
            }
            int space = cached.get().indexOf(' ');
            String superuserId = cached.get().substring(0, space);
            return superuserId.equals(claims.get().superuserId())
                    ? new Principal.Superuser(superuserId, cached.get().substring(space + 1), sid) : Principal.ANONYMOUS;
        }
        Optional<SuperuserStore.Session> session = store.session(sid);
        if (session.isEmpty() || !session.get().superuserId().equals(claims.get().superuserId())) {
            return Principal.ANONYMOUS;
        }
        Duration left = Duration.between(clock.instant(), session.get().expires());
        sessions.putIfAbsent(sid, session.get().superuserId() + " " + session.get().email(),
                left.compareTo(CACHE_TTL) < 0 ? left : CACHE_TTL);
        return new Principal.Superuser(session.get().superuserId(), session.get().email(), sid);
    }

    /**
     * A token of superuser {@code superuserId} for {@code ttl}, not refreshable: PocketBase's
     * impersonation, which its docs suggest for long-lived API tokens. It has a session of its own, so
     * it is revoked like any other.
     */
    public Login impersonate(String superuserId, Duration ttl, String ip) {
        Superuser superuser = store.byId(superuserId).orElseThrow(ApiException::notFound);
        SuperuserStore.Session session = store.createSession(superuser, ttl, ip);
        return new Login(tokens.sign(superuser.id(), session.id(), session.expires(), false), superuser);
    }

    /** A new token for the same session, with a new expiry. */
    public Login refresh(Principal.Superuser principal) {
        Superuser superuser = store.byId(principal.id())
                .orElseThrow(() -> ApiException.needsSuperuser());
        Instant expires = clock.instant().plus(SESSION_TTL);
        if (!store.extendSession(principal.sessionId(), expires)) {
            throw ApiException.needsSuperuser();
        }
        return new Login(tokens.sign(superuser.id(), principal.sessionId(), expires), superuser);
    }

    /** Logout: this session only. */
    public void logout(Principal.Superuser principal) {
        revoke(List.of(principal.sessionId()));
        store.deleteSession(principal.sessionId());
    }

    /** Marks sessions revoked in the shared cache: every worker refuses them from now on. */
    public void revoke(List<String> sessionIds) {
        for (String sid : sessionIds) {
            if (!sessions.put(sid, REVOKED, SESSION_TTL) && sessions.shared()) {
                // The row is gone from system.db: a worker that cached the session drops it within CACHE_TTL.
                java.util.logging.Logger.getLogger(Authenticator.class.getName())
                        .warning("revocation of a session not confirmed by the cluster; cached copies expire within "
                                + CACHE_TTL.toSeconds() + " s");
            }
        }
    }
}
