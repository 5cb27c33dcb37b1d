package dev.hivelite.node.records;

import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How each provider's user-info answer becomes the OAuth2 user, as PocketBase's providers read it.
 * The email matters most: a login links to, or creates, the record that has it, and marks that record
 * verified. So an email counts only where the provider vouches for it: Google, Discord and OpenID
 * Connect providers when their verified flag says so (a missing flag is not a yes), GitHub and GitLab
 * as they give it (GitHub's public email is a verified one; without it, its primary verified address).
 * A provider name with no reader of its own (one whose endpoints are configured) is read by the common
 * claim names; its email counts unless the answer carries a verified flag that does not say yes, as most
 * of PocketBase's other providers take the address their API gives.
 */
final class OAuth2Profiles {

    /** The provider's user: what the record mapping and the answer's {@code meta} take. */
    record Profile(String id, String name, String username, String email, String avatarUrl) {
    }

    private OAuth2Profiles() {
    }

    /**
     * Reads {@code user} (the user-info answer) for provider {@code name}; {@code githubEmail} asks
     * GitHub for the primary verified address, only when its user has no public one.
     */
    static Profile read(String name, JsonNode user, Supplier<String> githubEmail) {
        return switch (name) {
            case "google" -> new Profile(text(user, "sub"), text(user, "name"), "",
                    isTrue(user.get("email_verified")) ? text(user, "email") : "", text(user, "picture"));
            case "github" -> {
                String email = text(user, "email");
                yield new Profile(text(user, "id"), text(user, "name"), text(user, "login"),
                        email.isEmpty() ? githubEmail.get() : email, text(user, "avatar_url"));
            }
            case "gitlab" -> new Profile(text(user, "id"), text(user, "name"), text(user, "username"), text(user, "email"),
                    text(user, "avatar_url"));
            case "discord" -> {
                String id = text(user, "id");
                String username = text(user, "username");
                // Discord gives an avatar hash and a discriminator; PocketBase builds the URL and the name from them.
                yield new Profile(id, username + "#" + text(user, "discriminator"), username,
                        isTrue(user.get("verified")) ? text(user, "email") : "",
                        "https://cdn.discordapp.com/avatars/" + id + "/" + text(user, "avatar") + ".png");
            }
            case "oidc", "oidc2", "oidc3" -> new Profile(text(user, "sub"), text(user, "name"),
                    text(user, "preferred_username"), truthy(user.get("email_verified")) ? text(user, "email") : "",
                    text(user, "picture"));
            default -> new Profile(first(user, "sub", "id"), first(user, "name", "display_name"),
                    first(user, "preferred_username", "login", "username"), unlessUnverified(user),
                    first(user, "picture", "avatar_url", "avatarURL"));
        };
    }

    /** The answer's email, unless one of the usual verified flags is there and does not say yes. */
    private static String unlessUnverified(JsonNode user) {
        for (String flag : java.util.List.of("email_verified", "verified", "is_email_verified")) {
            if (user.has(flag) && !truthy(user.get(flag))) {
                return "";
            }
        }
        return text(user, "email");
    }

    /**
     * The primary verified address in GitHub's {@code /user/emails} answer, or "" (an answer of another
     * shape too: the address is optional).
     */
    static String githubPrimary(JsonNode emails) {
        for (JsonNode e : emails) {
            if (isTrue(e.get("primary")) && isTrue(e.get("verified"))) {
                return text(e, "email");
            }
        }
        return "";
    }

    /** A JSON {@code true}, and nothing else (the providers whose flag is a boolean). */
    private static boolean isTrue(JsonNode v) {
        return v != null && v.isBoolean() && v.booleanValue();
    }

    /**
     * A verified flag as PocketBase reads OpenID Connect's, which some providers send as a string or a
     * number: true, a non-zero number, or one of Go's true spellings; anything else (absent included) is false.
     */
    static boolean truthy(JsonNode v) {
        if (v == null || v.isNull()) {
            return false;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isNumber()) {
            return v.doubleValue() != 0;
        }
        return v.isTextual() && java.util.Set.of("1", "t", "T", "true", "TRUE", "True").contains(v.asText());
    }

    private static String text(JsonNode in, String key) {
        JsonNode v = in.get(key);
        return v == null || v.isNull() || v.isContainerNode() ? "" : v.asText();
    }

    private static String first(JsonNode in, String... keys) {
        for (String k : keys) {
            String v = text(in, k);
            if (!v.isEmpty()) {
                return v;
            }
        }
        return "";
    }
}
