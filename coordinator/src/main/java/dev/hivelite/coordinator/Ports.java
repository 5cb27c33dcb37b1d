package dev.hivelite.coordinator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Port checks done before anything starts. */
final class Ports {

    private Ports() {
    }

    /** A loopback port free right now, for a worker's private listener or Hazelcast member. */
    static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /**
     * Whether {@code address} can be bound. Checked without SO_REUSEPORT on purpose: a bind with it
     * would succeed next to another Hivelite and silently share its port.
     */
    static boolean available(HostPort address) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address.host(), address.port()), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
