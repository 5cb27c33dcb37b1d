package dev.hivelite.node.auth;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import io.helidon.webserver.http.ServerRequest;

/** The client address a request came from (the socket peer; proxies are not trusted yet). */
public final class ClientIp {

    private ClientIp() {
    }

    public static String of(ServerRequest req) {
        SocketAddress address = req.remotePeer().address();
        return address instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : String.valueOf(address);
    }
}
