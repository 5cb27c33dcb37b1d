package dev.hivelite.node.records;

import static dev.hivelite.node.TestWorker.ADMIN_EMAIL;
import static dev.hivelite.node.TestWorker.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hivelite.node.TestWorker;

/**
 * Conditions on one join path judged on one related row, as PocketBase's shared LEFT JOINs judge
 * them: the documented membership rule lets a user see only the posts of the teams they belong to.
 */
class RuleJoinTest {

    @TempDir
    static Path dataDir;

    private static TestWorker worker;
    private static String su;
    private static String alice;
    private static final java.util.Map<String, String> ids = new java.util.HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        worker = TestWorker.start(dataDir);
        su = worker.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        worker.call("POST", "/api/collections", "{\"name\":\"people\",\"type\":\"auth\",\"listRule\":\"\",\"viewRule\":\"\","
                + "\"fields\":[{\"name\":\"name\",\"type\":\"text\"},{\"name\":\"role\",\"type\":\"text\"}]}", su, 200);
        worker.call("POST", "/api/collections", "{\"name\":\"teams\",\"listRule\":\"\",\"fields\":[{\"name\":\"name\",\"type\":\"text\"}]}",
                su, 200);
        worker.call("POST", "/api/collections", "{\"name\":\"memberships\",\"fields\":["
                + "{\"name\":\"user\",\"type\":\"relation\",\"collectionId\":\"people\",\"maxSelect\":1},"
                + "{\"name\":\"team\",\"type\":\"relation\",\"collectionId\":\"teams\",\"maxSelect\":1}]}", su, 200);
        worker.call("POST", "/api/collections", "{\"name\":\"posts\",\"listRule\":\"@request.auth.id != '' && "
                + "@collection.memberships.user ?= @request.auth.id && @collection.memberships.team ?= team\",\"fields\":["
                + "{\"name\":\"title\",\"type\":\"text\"},"
                + "{\"name\":\"team\",\"type\":\"relation\",\"collectionId\":\"teams\",\"maxSelect\":1},"
                + "{\"name\":\"author\",\"type\":\"relation\",\"collectionId\":\"people\",\"maxSelect\":1},"
                + "{\"name\":\"editors\",\"type\":\"relation\",\"collectionId\":\"people\",\"maxSelect\":5}]}", su, 200);
        for (String[] p : new String[][] {{"alice", "admin", "false"}, {"bob", "member", "true"}}) {
            ids.put(p[0], worker.call("POST", "/api/collections/people/records", "{\"email\":\"" + p[0] + "@example.com\","
                    + "\"emailVisibility\":" + p[2] + ",\"name\":\"" + p[0] + "\",\"role\":\"" + p[1]
                    + "\",\"password\":\"password-1\",\"passwordConfirm\":\"password-1\"}", su, 200).get("id").asText());
        }
        for (String team : new String[] {"red", "blue"}) {
            ids.put(team, worker.call("POST", "/api/collections/teams/records", "{\"name\":\"" + team + "\"}", su, 200)
                    .get("id").asText());
        }
        member("alice", "red");
        member("bob", "blue");
        post("red post", "red", "alice", "[\"" + ids.get("alice") + "\",\"" + ids.get("bob") + "\"]");
        post("blue post", "blue", "bob", "[]");
        alice = worker.call("POST", "/api/collections/people/auth-with-password",
                "{\"identity\":\"alice@example.com\",\"password\":\"password-1\"}", null, 200).get("token").asText();
    }

    private static void member(String user, String team) throws Exception {
        worker.call("POST", "/api/collections/memberships/records", "{\"user\":\"" + ids.get(user) + "\",\"team\":\""
                + ids.get(team) + "\"}", su, 200);
    }

    private static void post(String title, String team, String author, String editors) throws Exception {
        worker.call("POST", "/api/collections/posts/records", "{\"title\":\"" + title + "\",\"team\":\"" + ids.get(team)
                + "\",\"author\":\"" + ids.get(author) + "\",\"editors\":" + editors + "}", su, 200);
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    private static List<String> titles(String filter, String auth) throws Exception {
        JsonNode list = worker.call("GET", "/api/collections/posts/records?sort=title"
                + (filter.isEmpty() ? "" : "&filter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8)), null, auth, 200);
        List<String> out = new ArrayList<>();
        list.get("items").forEach(i -> out.add(i.get("title").asText()));
        return out;
    }

    @Test
    void theMembershipRuleNeedsOneMembershipRowWithBothTheUserAndTheTeam() throws Exception {
        assertEquals(List.of("red post"), titles("", alice), "alice belongs to red only");
        assertEquals(List.of("blue post", "red post"), titles("", su));
    }

    @Test
    void conditionsOnOneRelationPathMeetOnOneRelatedRecord() throws Exception {
        assertEquals(List.of(), titles("editors.name ?= 'alice' && editors.role ?= 'member'", su),
                "no single editor is both alice and a member");
        assertEquals(List.of("red post"), titles("editors.name ?= 'alice' && editors.role ?= 'admin'", su));
        assertEquals(List.of("red post"), titles("editors.name ?= 'alice' || editors.name ?= 'nobody'", su),
                "OR keeps each condition on its own");
    }

    @Test
    void aRelatedUsersHiddenEmailCannotBeProbedThroughARelation() throws Exception {
        assertEquals(List.of(), titles("author.email = 'alice@example.com'", alice), "alice hides her email");
        assertEquals(List.of(), titles("editors.email ?= 'alice@example.com'", alice));
        assertEquals(List.of("red post"), titles("editors.email ?= 'bob@example.com'", alice), "bob shows his");
        assertEquals(List.of("red post"), titles("author.email = 'alice@example.com'", su), "superusers see every email");
    }
}
