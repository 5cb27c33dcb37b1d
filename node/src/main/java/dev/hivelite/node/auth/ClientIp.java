package dev.hivelite.node.auth;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.regex.Pattern;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/**
 * The client address a request came from: the socket peer, or, where a database's settings name
 * the headers its proxy sets ({@code trustedProxy.headers}), the address those headers carry, as
 * PocketBase's real IP is found: the first listed header present, its last value (the one the
 * proxy appended), and in a comma list the rightmost valid address (the leftmost where
 * {@code useLeftmostIP}). A header that holds no valid address falls through to the next, then to
 * the peer.
 */
public final class ClientIp {

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F]{0,4}(:[0-9a-fA-F]{0,4}){2,7}(:\\d{1,3}(\\.\\d{1,3}){3})?|"
            + "[0-9a-fA-F]{0,4}(:[0-9a-fA-F]{0,4}){1,6}:\\d{1,3}(\\.\\d{1,3}){3}");

    private ClientIp() {
    }

    /** The socket peer's address. */
    public static String of(ServerRequest req) {
        SocketAddress address = req.remotePeer().address();
        return address instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : String.valueOf(address);
    }

    /** The client's address as the trusted proxy headers give it, else the socket peer's. */
    public static String of(ServerRequest req, List<String> trustedHeaders, boolean useLeftmost) {
        for (String name : trustedHeaders) {
            List<String> values = req.headers().all(HeaderNames.create(name), List::of);
            if (values.isEmpty()) {
                continue;
            }
            String[] ips = values.get(values.size() - 1).split(",");
            for (int i = 0; i < ips.length; i++) {
                String ip = parse(ips[useLeftmost ? i : ips.length - 1 - i].trim());
                if (ip != null) {
                    return ip;
                }
            }
        }
        return of(req);
    }

    private static String parse(String candidate) {
        // Only a dotted quad or a string with a colon: InetAddress parses those as literals and never
        // asks DNS, which it would for anything that looks like a name.
        if (!(IPV4.matcher(candidate).matches() || IPV6.matcher(candidate).matches())) {
            return null;
        }
        try {
            return InetAddress.getByName(candidate).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }
}
