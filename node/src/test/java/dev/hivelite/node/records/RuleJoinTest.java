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
        worker.call("POST", "/api/collections", "{\"name\":\"teams\",\"listRule\":\"\",\"fields\":[{\"name\":\"name\",\"type\":\"text\"}]}",
                su, 200);
        worker.call("POST", "/api/collections", "{\"name\":\"people\",\"type\":\"auth\",\"listRule\":\"\",\"viewRule\":\"\","
                + "\"fields\":[{\"name\":\"name\",\"type\":\"text\"},{\"name\":\"role\",\"type\":\"text\"},"
                + "{\"name\":\"team\",\"type\":\"relation\",\"collectionId\":\"teams\",\"maxSelect\":1}]}", su, 200);
        worker.call("POST", "/api/collections", "{\"name\":\"memberships\",\"fields\":["
                + "{\"name\":\"user\",\"type\":\"relation\",\"collectionId\":\"people\",\"maxSelect\":1},"
                + "{\"name\":\"team\",\"type\":\"relation\",\"collectionId\":\"teams\",\"maxSelect\":1}]}", su, 200);
        worker.call("POST", "/api/collections", "{\"name\":\"posts\",\"listRule\":\"@request.auth.id != '' && "
                + "@collection.memberships.user ?= @request.auth.id && @collection.memberships.team ?= team\",\"fields\":["
                + "{\"name\":\"title\",\"type\":\"text\"},"
                + "{\"name\":\"team\",\"type\":\"relation\",\"collectionId\":\"teams\",\"maxSelect\":1},"
                + "{\"name\":\"author\",\"type\":\"relation\",\"collectionId\":\"people\",\"maxSelect\":1},"
                + "{\"name\":\"editors\",\"type\":\"relation\",\"collectionId\":\"people\",\"maxSelect\":5},"
                + "{\"name\":\"meta\",\"type\":\"json\"}]}", su, 200);
        for (String[] p : new String[][] {{"alice", "admin", "false"}, {"bob", "member", "true"}}) {
            ids.put(p[0], worker.call("POST", "/api/collections/people/records", "{\"email\":\"" + p[0] + "@example.com\","
                    + "\"emailVisibility\":" + p[2] + ",\"name\":\"" + p[0] + "\",\"role\":\"" + p[1]
                    + "\",\"password\":\"password-1\",\"passwordConfirm\":\"password-1\"}", su, 200).get("id").asText());
        }
        for (String team : new String[] {"red", "blue"}) {
            ids.put(team, worker.call("POST", "/api/collections/teams/records", "{\"name\":\"" + team + "\"}", su, 200)
                    .get("id").asText());
        }
        worker.call("PATCH", "/api/collections/people/records/" + ids.get("alice"), "{\"team\":\"" + ids.get("red") + "\"}",
                su, 200);
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
                + "\",\"author\":\"" + ids.get(author) + "\",\"editors\":" + editors + ",\"meta\":{\"a\":{\"b\":"
                + title.length() + "},\"list\":[1,2]}}", su, 200);
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
    void aComparisonBetweenTwoAliasedJoinsKeepsTheRowsTheOtherConditionsPicked() throws Exception {
        // PocketBase's :alias example: people who share a team with the given user (alice: red, bob: blue).
        for (String who : List.of("alice", "bob")) {
            String filter = "@collection.memberships.user ?= id && @collection.memberships:me.user ?= '" + ids.get(who)
                    + "' && @collection.memberships.team ?= @collection.memberships:me.team";
            JsonNode list = worker.call("GET", "/api/collections/people/records?fields=name&filter="
                    + URLEncoder.encode(filter, StandardCharsets.UTF_8), null, su, 200);
            List<String> names = new ArrayList<>();
            list.get("items").forEach(i -> names.add(i.get("name").asText()));
            assertEquals(List.of(who), names, "only " + who + " is in " + who + "'s team");
        }
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

    @Test
    void pathsGoIntoJsonValuesAndFromTheCallersOwnRecord() throws Exception {
        assertEquals(List.of("red post"), titles("meta.a.b = 8", su), "\"red post\" has 8 characters");
        assertEquals(List.of("blue post", "red post"), titles("meta.list.1 = 2", su));
        worker.call("PATCH", "/api/collections/posts", "{\"viewRule\":\"@request.auth.team.name = 'red'\"}", su, 200);
        String red = worker.call("GET", "/api/collections/posts/records?filter=" + URLEncoder.encode("title='red post'",
                StandardCharsets.UTF_8), null, su, 200).at("/items/0/id").asText();
        worker.call("GET", "/api/collections/posts/records/" + red, null, alice, 200); // alice's team is red
    }

    @Test
    void requestValuesTakeIssetAndLowerAndAnAbsentBodyListCountsNothing() throws Exception {
        assertEquals(2, worker.call("GET", "/api/collections/posts/records?x=ABC&filter="
                + URLEncoder.encode("@request.query.x:isset = true && @request.query.x:lower = 'abc'", StandardCharsets.UTF_8),
                null, su, 200).get("totalItems").asInt());
        assertEquals(0, worker.call("GET", "/api/collections/posts/records?filter="
                + URLEncoder.encode("@request.query.x:isset = true", StandardCharsets.UTF_8), null, su, 200)
                .get("totalItems").asInt());
        worker.call("POST", "/api/collections", "{\"name\":\"notes\",\"createRule\":\"@request.body.tags:length < 3 && "
                + "@request.body.title:changed = false\",\"fields\":[{\"name\":\"title\",\"type\":\"text\"},"
                + "{\"name\":\"tags\",\"type\":\"select\",\"values\":[\"a\",\"b\",\"c\"],\"maxSelect\":3}]}", su, 200);
        worker.call("POST", "/api/collections/notes/records", "{\"title\":\"sent\"}", null, 200);
        worker.call("POST", "/api/collections", "{\"name\":\"settings_notes\",\"createRule\":\"@request.body.data.k = 1 && "
                + "strftime('%Y') = strftime('%Y', @now)\",\"fields\":[{\"name\":\"data\",\"type\":\"json\"}]}", su, 200);
        worker.call("POST", "/api/collections/settings_notes/records", "{\"data\":{\"k\":1}}", null, 200);
        worker.call("POST", "/api/collections/settings_notes/records", "{\"data\":{\"k\":2}}", null, 400);
        worker.call("POST", "/api/collections/settings_notes/records", "{\"data\":[1]}", null, 400);
        JsonNode refused = worker.call("PATCH", "/api/collections/notes", "{\"createRule\":\"@request.body.title:length > 100\"}",
                su, 400);
        assertEquals("validation_invalid_rule", refused.at("/data/createRule/code").asText(),
                ":length of a single-valued field is refused at save, never read as a count: " + refused);
    }

    @Test
    void aRuleFollowsARelationTheBodyNames() throws Exception {
        worker.call("POST", "/api/collections", "{\"name\":\"grants\",\"createRule\":\"@request.body.owner.role = 'admin'\","
                + "\"fields\":[{\"name\":\"owner\",\"type\":\"relation\",\"collectionId\":\"people\",\"maxSelect\":1}]}",
                su, 200);
        worker.call("POST", "/api/collections/grants/records", "{\"owner\":\"" + ids.get("alice") + "\"}", null, 200);
        worker.call("POST", "/api/collections/grants/records", "{\"owner\":\"" + ids.get("bob") + "\"}", null, 400);
        worker.call("POST", "/api/collections/grants/records", "{}", null, 400);
    }

    @Test
    void aMultiValuedPathSortsByItsFirstValueInThatDirection() throws Exception {
        List<String> desc = new ArrayList<>();
        worker.call("GET", "/api/collections/posts/records?sort=-editors.name", null, su, 200).get("items")
                .forEach(i -> desc.add(i.get("title").asText()));
        assertEquals(List.of("red post", "blue post"), desc, "editors bob/alice first; none last");
        List<String> asc = new ArrayList<>();
        worker.call("GET", "/api/collections/posts/records?sort=editors.name,title", null, su, 200).get("items")
                .forEach(i -> asc.add(i.get("title").asText()));
        assertEquals(List.of("blue post", "red post"), asc);
    }

    @Test
    void aPathWithAnEmptySegmentIsA400NotA500() throws Exception {
        for (String sort : List.of("..", ".", "title.", ".title", "editors..name", "editors.name.")) {
            worker.call("GET", "/api/collections/posts/records?sort=" + URLEncoder.encode(sort, StandardCharsets.UTF_8),
                    null, su, 400);
        }
        for (String filter : List.of("title. = 'x'", ".. = 1", "editors..name = 'x'", "@collection.people. = 1",
                "@request.auth.team. = 1", "@request.body.x.. = 1")) {
            worker.call("GET", "/api/collections/posts/records?filter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8),
                    null, su, 400);
        }
        worker.call("GET", "/api/collections/posts/records?sort=editors.name", null, su, 200);
    }
}
