package dev.hivelite.node.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import dev.hivelite.node.auth.Authenticator;
import dev.hivelite.node.platform.ApiKeyStore;
import dev.hivelite.node.platform.ApiKeys;
import dev.hivelite.node.common.Principal;
import dev.hivelite.node.records.UserTokens;
import dev.hivelite.node.common.RequestContext;

/**
 * Resolves {@code Authorization: <token>} (as the PocketBase SDK sends it) or {@code Authorization:
 * Bearer <token>} into the request's {@link Principal}: {@code hl_…} is a database's API key, anything
 * else a superuser session token. Like PocketBase, an invalid token makes the
 * caller anonymous rather than failing the request: routes that need a caller answer 401 themselves.
 */
final class AuthenticationFilter implements Filter {

    private static final String BEARER = "bearer ";

    private final Authenticator authenticator;
    private final ApiKeys apiKeys;
    private final UserTokens userTokens;

    AuthenticationFilter(Authenticator authenticator, ApiKeys apiKeys, UserTokens userTokens) {
        this.authenticator = authenticator;
        this.apiKeys = apiKeys;
        this.userTokens = userTokens;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        // Anonymous is the default when nothing is registered: most requests skip the context write.
        req.headers().first(HeaderNames.AUTHORIZATION)
                .map(AuthenticationFilter::token)
                .filter(token -> !token.isEmpty())
                .map(this::principal)
                .filter(principal -> !(principal instanceof Principal.Anonymous))
                .ifPresent(principal -> RequestContext.principal(req, principal));
        chain.proceed();
    }

    private Principal principal(String token) {
        if (ApiKeyStore.looksLikeKey(token)) {
            return apiKeys.principal(token);
        }
        return UserTokens.isUserToken(token) ? userTokens.principal(token) : authenticator.principal(token);
    }

    static String token(String header) {
        String value = header.trim();
        if (value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            value = value.substring(BEARER.length()).trim();
        }
        return value;
    }
}
