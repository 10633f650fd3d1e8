package io.portcullis.it;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * One running gateway node the integration tests talk to: the real WAR in a container that Maven started
 * in pre-integration-test (see the comment above the container plugins in pom.xml).
 *
 * @param name the container, shown in test names
 * @param port its loopback HTTP port
 */
public record GatewayNode(String name, int port) {

    /** Every node, from the {@code gw.<name>.port} system properties that failsafe passes in. */
    public static List<GatewayNode> all() {
        List<GatewayNode> nodes = new ArrayList<>();
        for (String name : List.of("tomcat", "jetty")) {
            String port = System.getProperty("gw." + name + ".port");
            if (port != null && !port.isBlank()) {
                nodes.add(new GatewayNode(name, Integer.parseInt(port.trim())));
            }
        }
        if (nodes.isEmpty()) {
            throw new IllegalStateException("no gateway node: run the integration tests with mvn verify, which "
                    + "starts the nodes and sets gw.tomcat.port and gw.jetty.port");
        }
        return nodes;
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    /** The {@code Host} header a client of this node sends. */
    public String authority() {
        return "127.0.0.1:" + port;
    }

    @Override
    public String toString() {
        return name;
    }
}
