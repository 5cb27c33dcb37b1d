package dev.hivelite.node.records;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which rules make a delete event carry the rows its operation deleted: those that may read rows other
 * than the record's own. A no keeps a truncate's events one record each; a wrong no would judge a
 * cascade's records without their gone parents (RealtimeApiTest has that through the API).
 */
class RealtimeAccessTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', nullValues = "NULL", value = {
        "NULL | false",
        "'' | false",
        "owner = @request.auth.id | false",
        "@request.auth.id != '' && title ~ 'a.b' | false",
        "@request.body.title:isset = false && @request.method = 'GET' | false",
        "status = \"x.y\" && @request.query.page = '1' | false",
        "parent.owner = @request.auth.id | true",
        "@request.auth.team.owner = owner | true",
        "@collection.members.user ?= @request.auth.id | true",
        "comments_via_post.author ?= @request.auth.id | true",
        "views > 1.5 | true",
    })
    void aRuleReadsOtherRowsWhenItFollowsARelationOrAnotherCollection(String rule, boolean reads) {
        assertEquals(reads, RealtimeAccess.readsOtherRows(rule), rule);
    }
}
