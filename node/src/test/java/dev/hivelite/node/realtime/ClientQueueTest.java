package dev.hivelite.node.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A subscriber that does not keep up is closed with a reason, and its memory stays bounded. */
class ClientQueueTest {

    @Test
    void aFullQueueClosesTheClientWithAReasonInsteadOfGrowing() throws Exception {
        Client client = new Client("c1", "db", 4);
        for (int i = 0; i < 4; i++) {
            assertTrue(client.offer(new Client.Message("t", "{\"n\":" + i + "}")));
        }
        assertFalse(client.offer(new Client.Message("t", "{}")), "the fifth message does not fit");
        assertNotNull(client.closeReason);
        assertTrue(client.closeReason.contains("keep up"), client.closeReason);
        assertSame(Client.Message.CLOSE, client.next(), "queued events are dropped; the writer is told to close");
        assertFalse(client.offer(new Client.Message("t", "{}")), "a closed client takes nothing more");
        assertEquals(0, client.queued());
    }

    @Test
    void topicsParsePocketBaseSubscriptions() {
        Topic all = Topic.parse("posts/*");
        assertEquals("posts", all.collection());
        assertEquals(null, all.recordId());
        Topic one = Topic.parse("posts/abc123?options=" + java.net.URLEncoder.encode(
                "{\"query\":{\"filter\":\"a = 1\",\"expand\":\"author\"},\"headers\":{\"X-Custom\":\"v\"}}",
                java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("abc123", one.recordId());
        assertEquals("a = 1", one.query().get("filter"));
        assertEquals("author", one.query().get("expand"));
        assertEquals("v", one.headers().get("x_custom"));
        assertEquals(null, Topic.parse("posts").recordId(), "a bare collection means every record");
        assertTrue(Topic.parse("posts/*?options=not-json").query().isEmpty(), "bad options are ignored");
    }
}
