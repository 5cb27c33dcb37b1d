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
public final class AuthenticationFilter implements Filter {

    /** Token → principal (API key, record token or superuser session); anonymous when invalid. */
    private final java.util.function.Function<String, Principal> credentials;

    AuthenticationFilter(java.util.function.Function<String, Principal> credentials) {
        this.credentials = credentials;
    }

    /** How a token becomes a principal: {@code hl_…} keys, record tokens (they name a database), superuser sessions. */
    public static java.util.function.Function<String, Principal> credentials(Authenticator authenticator, ApiKeys apiKeys,
                                                                              UserTokens userTokens) {
        return token -> ApiKeyStore.looksLikeKey(token) ? apiKeys.principal(token)
                : userTokens.isUserToken(token) ? userTokens.principal(token) : authenticator.principal(token);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        // Always set (anonymous too): nothing of an earlier request on this thread may remain.
        RequestContext.principal(req, req.headers().first(HeaderNames.AUTHORIZATION)
                .map(RequestContext::bearerToken)
                .filter(token -> !token.isEmpty())
                .map(credentials)
                .orElse(Principal.ANONYMOUS));
        chain.proceed();
    }
}
