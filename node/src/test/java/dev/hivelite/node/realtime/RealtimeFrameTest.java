package dev.hivelite.node.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The bytes on the wire stay PocketBase's SSE format although each message is encoded once for all its subscribers. */
class RealtimeFrameTest {

    private static String frame(Client client, Client.Message m) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RealtimeService.write(out, client, m);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anEventIsItsConnectionsIdThenTheSharedEventAndDataLines() throws Exception {
        Client.Message shared = new Client.Message("posts/*", "{\"action\":\"create\",\"record\":{\"title\":\"é\"}}");
        assertEquals("id:c1\nevent:posts/*\ndata:{\"action\":\"create\",\"record\":{\"title\":\"é\"}}\n\n",
                frame(new Client("c1", "db", 4), shared));
        assertEquals("id:c2\nevent:posts/*\ndata:{\"action\":\"create\",\"record\":{\"title\":\"é\"}}\n\n",
                frame(new Client("c2", "db", 4), shared));
    }

    @Test
    void eachLineOfTheDataIsADataLine() throws Exception {
        Client client = new Client("c1", "db", 4);
        assertEquals("id:c1\nevent:e\ndata:a\ndata:b\n\n", frame(client, new Client.Message("e", "a\nb")));
        assertEquals("id:c1\nevent:e\ndata:a\ndata:\n\n", frame(client, new Client.Message("e", "a\n")));
        assertEquals("id:c1\nevent:e\ndata:\n\n", frame(client, new Client.Message("e", "")));
    }

    @Test
    void anIdleConnectionGetsOneHeartbeatComment() throws Exception {
        Client client = new Client("c1", "db", 4);
        long idle = RealtimeService.HEARTBEAT.toNanos();
        long now = System.nanoTime();
        client.heartbeatIfIdle(now, idle);
        assertNull(client.poll(), "not idle yet");
        client.heartbeatIfIdle(now + idle + TimeUnit.SECONDS.toNanos(1), idle);
        client.heartbeatIfIdle(now + idle + TimeUnit.SECONDS.toNanos(2), idle);
        Client.Message m = client.poll();
        assertSame(Client.Message.HEARTBEAT, m);
        assertNull(client.poll(), "one heartbeat per idle period");
        assertEquals(":\n\n", frame(client, m));
    }

    @Test
    void connectionsThatWentIdleTogetherGetTheirHeartbeatsOnDifferentTicks() {
        long idle = RealtimeService.HEARTBEAT.toNanos();
        long second = TimeUnit.SECONDS.toNanos(1);
        java.util.List<Client> clients = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            clients.add(new Client(dev.hivelite.node.common.Ids.newId(), "db", 4));
        }
        long start = System.nanoTime();
        java.util.Map<Integer, Integer> perTick = new java.util.TreeMap<>();
        for (int tick = 1; tick <= 15; tick++) {
            for (Client c : clients) {
                c.heartbeatIfIdle(start + tick * second, idle);
                if (c.poll() != null) {
                    perTick.merge(tick, 1, Integer::sum);
                }
            }
        }
        assertEquals(1000, perTick.values().stream().mapToInt(Integer::intValue).sum(),
                "every connection idle for the period got one heartbeat: " + perTick);
        assertTrue(perTick.keySet().stream().allMatch(t -> t >= 8), "none before half the period: " + perTick);
        assertTrue(perTick.size() >= 7, "spread over the ticks: " + perTick);
        assertTrue(perTick.values().stream().allMatch(n -> n < 300), "no tick takes most of them: " + perTick);
    }
}
