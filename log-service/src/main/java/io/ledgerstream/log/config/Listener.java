package io.ledgerstream.log.config;

/**
 * One named endpoint of a broker as {@code listeners} and {@code advertised.listeners} give it,
 * {@code NAME://host:port}. Names are upper-cased as Kafka normalises them. An empty host, or {@code 0.0.0.0}, binds
 * every interface; an IPv6 host is written in brackets and held without them. Port 0 binds a free port.
 */
public record Listener(String name, String host, int port) {

    /** The same listener on another port. */
    public Listener withPort(int newPort) {
        return new Listener(name, host, newPort);
    }

    /** Whether binding it takes every interface: an empty host or {@code 0.0.0.0}. */
    public boolean bindsEveryInterface() {
        return host.isEmpty() || host.equals(Listeners.WILDCARD_IPV4);
    }

    /** As written in the config: {@code NAME://host:port}, an IPv6 host in brackets. */
    @Override
    public String toString() {
        return name + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
