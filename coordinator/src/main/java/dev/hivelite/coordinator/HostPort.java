package dev.hivelite.coordinator;

/** An address to listen on: {@code host:port}, {@code :port} or {@code port} (all interfaces). */
public record HostPort(String host, int port) {

    static HostPort parse(String text) {
        String value = text.trim();
        int colon = value.lastIndexOf(':');
        String host = colon < 0 ? "0.0.0.0" : value.substring(0, colon);
        String port = colon < 0 ? value : value.substring(colon + 1);
        if (host.isEmpty()) {
            host = "0.0.0.0";
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int number;
        try {
            number = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected host:port, got '" + text + "'");
        }
        if (number < 1 || number > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535, got " + number);
        }
        return new HostPort(host, number);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
