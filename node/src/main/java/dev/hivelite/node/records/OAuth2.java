package dev.hivelite.node.records;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.hivelite.node.common.ApiException;
import dev.hivelite.node.common.Ids;
import dev.hivelite.node.common.Json;

/**
 * OAuth2 providers of an auth collection ({@code oauth2.providers}), as PocketBase configures them:
 * {@code name}, {@code clientId}, {@code clientSecret}, {@code displayName}, {@code pkce}, and the
 * endpoints {@code authURL}, {@code tokenURL}, {@code userInfoURL} (the well-known providers below
 * have defaults; any other name is a generic OAuth2/OIDC provider whose endpoints are configured).
 * The code exchange and the user-info read are plain HTTPS calls with short timeouts.
 */
final class OAuth2 {

    /** Default endpoints of some well-known providers: auth, token, user info. */
    static final Map<String, List<String>> WELL_KNOWN = Map.of(
            "google", List.of("https://accounts.google.com/o/oauth2/v2/auth", "https://oauth2.googleapis.com/token",
                    "https://www.googleapis.com/oauth2/v3/userinfo"),
            "github", List.of("https://github.com/login/oauth/authorize", "https://github.com/login/oauth/access_token",
                    "https://api.github.com/user"),
            "gitlab", List.of("https://gitlab.com/oauth/authorize", "https://gitlab.com/oauth/token",
                    "https://gitlab.com/api/v4/user"),
            "discord", List.of("https://discord.com/api/oauth2/authorize", "https://discord.com/api/oauth2/token",
                    "https://discord.com/api/users/@me"));

    /** The titles PocketBase's dashboard gives the providers (the meta list of configurable providers). */
    static final Map<String, String> DISPLAY_NAMES = Map.of("google", "Google", "github", "GitHub", "gitlab", "GitLab",
            "discord", "Discord", "apple", "Apple", "microsoft", "Microsoft", "facebook", "Facebook",
            "oidc", "OpenID Connect", "oidc2", "(2) OpenID Connect", "oidc3", "(3) OpenID Connect");

    /**
     * The provider names PocketBase knows: a configured provider must have one of them. Those without
     * endpoints here work once their {@code authURL}, {@code tokenURL} and {@code userInfoURL} are set.
     */
    static final java.util.Set<String> POCKETBASE_NAMES = java.util.Set.of("apple", "bitbucket", "box", "discord",
            "facebook", "gitea", "gitee", "github", "gitlab", "google", "instagram2", "kakao", "lark", "linear", "livechat",
            "mailcow", "microsoft", "monday", "notion", "oidc", "oidc2", "oidc3", "patreon", "planningcenter", "spotify",
            "strava", "trakt", "twitch", "twitter", "vk", "wakatime", "yandex");

    /** What {@code GET /api/collections/meta/oauth2-providers} lists: the well-known ones and generic OIDC. */
    static final List<String> CONFIGURABLE = List.of("discord", "github", "gitlab", "google", "oidc", "oidc2", "oidc3");

    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    /** One configured provider. */
    record Provider(String name, String displayName, String clientId, String clientSecret, String authUrl,
                    String tokenUrl, String userInfoUrl, boolean pkce, String scopes, JsonNode extra) {
    }

    private OAuth2() {
    }

    static boolean enabled(Collection c) {
        return c.option("oauth2.enabled").asBoolean(false);
    }

    static List<Provider> providers(Collection c) {
        List<Provider> out = new ArrayList<>();
        for (JsonNode p : c.option("oauth2.providers")) {
            String name = p.path("name").asText("");
            List<String> defaults = WELL_KNOWN.getOrDefault(name, List.of("", "", ""));
            String authUrl = text(p, "authURL", text(p, "authUrl", defaults.get(0)));
            String tokenUrl = text(p, "tokenURL", text(p, "tokenUrl", defaults.get(1)));
            String userInfoUrl = text(p, "userInfoURL", text(p, "userInfoUrl", defaults.get(2)));
            // An OpenID Connect provider may go without a user-info URL: the id_token's claims are its user.
            if (name.isEmpty() || authUrl.isEmpty() || tokenUrl.isEmpty() || userInfoUrl.isEmpty() && !isOidc(name)) {
                continue;
            }
            out.add(new Provider(name, text(p, "displayName", defaultDisplayName(name)), text(p, "clientId", ""), text(p, "clientSecret", ""),
                    authUrl, tokenUrl, userInfoUrl, !p.has("pkce") || p.path("pkce").isNull() || p.path("pkce").asBoolean(true),
                    text(p, "scopes", defaultScopes(name)), p.path("extra")));
        }
        return out;
    }

    /**
     * The name auth-methods shows for a provider whose configuration sets none: its own, as PocketBase's
     * provider gives it (the generic OpenID Connect ones are all "OIDC"; the dashboard's longer titles
     * are {@link #DISPLAY_NAMES}).
     */
    static String defaultDisplayName(String name) {
        return isOidc(name) ? "OIDC" : DISPLAY_NAMES.getOrDefault(name, name);
    }

    private static boolean isOidc(String name) {
        return name.equals("oidc") || name.equals("oidc2") || name.equals("oidc3");
    }

    private static String defaultScopes(String name) {
        return switch (name) {
            case "google" -> "https://www.googleapis.com/auth/userinfo.profile https://www.googleapis.com/auth/userinfo.email";
            case "github" -> "read:user user:email";
            case "discord" -> "identify email";
            case "gitlab" -> "read_user";
            default -> "openid email profile";
        };
    }

    private static String text(JsonNode p, String key, String fallback) {
        JsonNode v = p.get(key);
        return v == null || v.isNull() || v.asText().isEmpty() ? fallback : v.asText();
    }

    /** What {@code auth-methods} lists for a provider: a fresh state and PKCE pair each time. */
    static Map<String, Object> authMethod(Provider p) {
        String state = Ids.secret(30);
        String verifier = Ids.secret(43);
        String challenge = p.pkce() ? challenge(verifier) : "";
        // Go's OAuth2 client (PocketBase's) writes the parameters sorted by name, a scope only when there is one.
        Map<String, String> params = new java.util.TreeMap<>();
        params.put("client_id", p.clientId());
        params.put("response_type", "code");
        if (!p.scopes().isBlank()) {
            params.put("scope", p.scopes());
        }
        params.put("state", state);
        if (p.pkce()) {
            params.put("code_challenge", challenge);
            params.put("code_challenge_method", "S256");
        }
        java.util.StringJoiner query = new java.util.StringJoiner("&");
        params.forEach((k, v) -> query.add(k + "=" + enc(v)));
        // The SDK appends the redirect URL: PocketBase's authURL ends with "&redirect_uri=".
        String url = p.authUrl() + (p.authUrl().contains("?") ? "&" : "?") + query + "&redirect_uri=";
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", p.name());
        out.put("displayName", p.displayName());
        out.put("state", state);
        out.put("authURL", url);
        out.put("authUrl", url); // the pre-v0.23 key, still sent by PocketBase for older clients
        out.put("codeVerifier", p.pkce() ? verifier : "");
        out.put("codeChallenge", challenge);
        out.put("codeChallengeMethod", p.pkce() ? "S256" : "");
        return out;
    }

    static String challenge(String verifier) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /**
     * The provider's view of the user after a code exchange; {@code expiresIn}: the access token's
     * lifetime in seconds as the provider gave it, 0 when it gave none.
     */
    record AuthUser(String id, String name, String username, String email, String avatarUrl, String accessToken,
                    String refreshToken, long expiresIn, JsonNode raw) {
    }

    /**
     * Exchanges the code and reads the user (from the user-info URL, or an OpenID Connect id_token);
     * failures are PocketBase's 400s, "Failed to fetch OAuth2 token." or "Failed to fetch OAuth2 user."
     */
    static AuthUser exchange(Provider p, String code, String codeVerifier, String redirectUrl, java.time.Instant now) {
        try {
            StringBuilder form = new StringBuilder("grant_type=authorization_code")
                    .append("&code=").append(enc(code))
                    .append("&redirect_uri=").append(enc(redirectUrl));
            if (p.pkce()) {
                form.append("&code_verifier=").append(enc(codeVerifier));
            }
            JsonNode t = token(p, form.toString());
            String accessToken = t.path("access_token").asText("");
            if (accessToken.isEmpty()) {
                throw new ApiException.BadRequest("Failed to fetch OAuth2 token.");
            }
            JsonNode u = p.userInfoUrl().isEmpty() ? OidcIdTokens.claims(p, t.path("id_token").asText(""), now)
                    : userInfo(p, accessToken);
            OAuth2Profiles.Profile user = OAuth2Profiles.read(p.name(), u, () -> githubEmail(p, accessToken));
            if (user.id().isEmpty()) {
                throw new ApiException.BadRequest("Failed to fetch OAuth2 user.");
            }
            return new AuthUser(user.id(), user.name(), user.username(), user.email(), user.avatarUrl(), accessToken,
                    t.path("refresh_token").asText(""), Math.max(0, t.path("expires_in").asLong(0)), u);
        } catch (IOException e) {
            throw new ApiException.BadRequest("Failed to fetch OAuth2 token.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException.Unavailable("request interrupted");
        } catch (IllegalArgumentException e) {
            throw new ApiException.BadRequest("Failed to fetch OAuth2 token.");
        }
    }

    /**
     * The token endpoint's answer to {@code form}, as Go's OAuth2 client (PocketBase's) gets it: the
     * client's credentials in a Basic authorization header first and, when that is refused, in the form;
     * a JSON answer, or a form-encoded one (GitHub's without an Accept header) read as such.
     */
    private static JsonNode token(Provider p, String form) throws IOException, InterruptedException {
        String basic = Base64.getEncoder().encodeToString((enc(p.clientId()) + ":" + enc(p.clientSecret()))
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = HTTP.send(tokenRequest(p, form).header("Authorization", "Basic " + basic).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            r = HTTP.send(tokenRequest(p, form + "&client_id=" + enc(p.clientId()) + "&client_secret="
                    + enc(p.clientSecret())).build(), HttpResponse.BodyHandlers.ofString());
        }
        if (r.statusCode() / 100 != 2) {
            throw new ApiException.BadRequest("Failed to fetch OAuth2 token.");
        }
        String type = r.headers().firstValue("Content-Type").orElse("").split(";")[0].trim().toLowerCase(java.util.Locale.ROOT);
        if (!type.equals("application/x-www-form-urlencoded") && !type.equals("text/plain")) {
            return Json.mapper().readTree(r.body());
        }
        com.fasterxml.jackson.databind.node.ObjectNode out = Json.mapper().createObjectNode();
        for (String pair : r.body().split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static HttpRequest.Builder tokenRequest(Provider p, String form) {
        return HttpRequest.newBuilder(URI.create(p.tokenUrl())).timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form));
    }

    private static JsonNode userInfo(Provider p, String accessToken) throws InterruptedException {
        try {
            HttpResponse<String> info = HTTP.send(HttpRequest.newBuilder(URI.create(p.userInfoUrl())).timeout(TIMEOUT)
                    .header("Authorization", "Bearer " + accessToken).header("Accept", "application/json").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (info.statusCode() / 100 != 2) {
                throw new IOException("user info answered " + info.statusCode());
            }
            return Json.mapper().readTree(info.body());
        } catch (IOException | IllegalArgumentException e) {
            throw new ApiException.BadRequest("Failed to fetch OAuth2 user.");
        }
    }

    /**
     * GitHub's primary verified address, asked for when its user keeps the email private ({@code
     * /user/emails} beside the user-info URL). A refusal for lack of scope (401, 403, 404) is no address,
     * as PocketBase takes it; any other failure fails the login.
     */
    private static String githubEmail(Provider p, String accessToken) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(p.userInfoUrl() + "/emails")).timeout(TIMEOUT)
                    .header("Authorization", "Bearer " + accessToken).header("Accept", "application/json").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 401 || r.statusCode() == 403 || r.statusCode() == 404) {
                return "";
            }
            if (r.statusCode() / 100 != 2) {
                throw new ApiException.BadRequest("Failed to fetch OAuth2 user.");
            }
            return OAuth2Profiles.githubPrimary(Json.mapper().readTree(r.body()));
        } catch (IOException | IllegalArgumentException e) {
            throw new ApiException.BadRequest("Failed to fetch OAuth2 user.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException.Unavailable("request interrupted");
        }
    }

    /** Avatars may sit behind redirects (a CDN); PocketBase gives their download 15 seconds. */
    static final Duration AVATAR_TIMEOUT = Duration.ofSeconds(15);
    private static final HttpClient AVATARS = HttpClient.newBuilder().connectTimeout(AVATAR_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    /** An avatar being downloaded: its body (the caller closes it), content type and file name. */
    record Avatar(java.io.InputStream body, String contentType, String filename) {
    }

    /** Starts the download of the user's avatar; an error status is an {@link IOException}. */
    static Avatar avatar(String url) throws IOException, InterruptedException {
        URI uri = URI.create(url);
        HttpResponse<java.io.InputStream> r = AVATARS.send(HttpRequest.newBuilder(uri).timeout(AVATAR_TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() / 100 != 2) {
            r.body().close();
            throw new IOException("avatar download answered " + r.statusCode());
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        String name = path.substring(path.lastIndexOf('/') + 1);
        return new Avatar(r.body(), r.headers().firstValue("Content-Type").orElse(""), name.isEmpty() ? "avatar" : name);
    }

    static Optional<Provider> find(Collection c, String name) {
        return providers(c).stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
