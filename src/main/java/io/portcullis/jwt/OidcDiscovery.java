package io.portcullis.jwt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.config.ConfigLoader;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trusted issuer's JWK Set found by OpenID Connect discovery: each key fetch first reads
 * {@code {issuer}/.well-known/openid-configuration}, checks that its {@code issuer} is the configured issuer
 * exactly (character for character, as OpenID Connect Discovery §4.3 requires), and then reads the JWK Set at its
 * {@code jwks_uri}. Both documents go through the same {@link JwksSource}, so both are bounded by its deadline and
 * size. The {@code jwks_uri} must be an {@code https://} URL without user info or fragment (on any host: providers
 * such as Google serve keys from another host than the issuer's); plain {@code http://} is accepted only for a
 * loopback host, and only when the issuer itself is a loopback {@code http://} URL. While the discovery document
 * cannot be fetched, the {@code jwks_uri} it named last is used. Thread-safe.
 *
 * @see <a href="https://openid.net/specs/openid-connect-discovery-1_0.html">OpenID Connect Discovery 1.0</a>
 */
final class OidcDiscovery implements KeySetLocation {
    private static final Logger LOG = LoggerFactory.getLogger(OidcDiscovery.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String issuer;
    private final URI discoveryUri;
    private final JwksSource source;
    private final boolean loopbackIssuer;
    private volatile URI lastJwksUri;

    /**
     * @param issuer the configured issuer, which the document must name exactly
     * @param discoveryUri where the document is
     */
    OidcDiscovery(String issuer, URI discoveryUri, JwksSource source) {
        this.issuer = issuer;
        this.discoveryUri = discoveryUri;
        this.source = source;
        this.loopbackIssuer =
                "http".equalsIgnoreCase(discoveryUri.getScheme()) && ConfigLoader.isLoopback(discoveryUri.getHost());
    }

    @Override
    public String fetch() throws IOException {
        URI jwksUri;
        try {
            jwksUri = jwksUri(source.fetch(discoveryUri));
        } catch (UntrustedDocumentException e) {
            throw e;
        } catch (IOException e) {
            URI known = lastJwksUri;
            if (known == null) {
                throw new IOException("cannot read the discovery document " + discoveryUri + ": " + e.getMessage(), e);
            }
            LOG.warn(
                    "cannot read the discovery document {} ({}); reading the keys from the jwks_uri it named last, {}",
                    discoveryUri,
                    e.toString(),
                    known);
            jwksUri = known;
        }
        String keys = source.fetch(jwksUri);
        if (!jwksUri.equals(lastJwksUri)) {
            LOG.info("trusted issuer {}: discovery names the JWK Set {}", issuer, jwksUri);
        }
        lastJwksUri = jwksUri;
        return keys;
    }

    @Override
    public String describe() {
        URI known = lastJwksUri;
        return known == null ? discoveryUri + " (jwks_uri not yet known)" : known + " (from " + discoveryUri + ")";
    }

    /** The document's {@code jwks_uri}, once its {@code issuer} is checked. */
    URI jwksUri(String document) throws UntrustedDocumentException {
        JsonNode root;
        try {
            root = JSON.readTree(document);
        } catch (JsonProcessingException e) {
            throw untrusted("is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw untrusted("is not a JSON object");
        }
        JsonNode named = root.get("issuer");
        if (named == null || !named.isTextual()) {
            throw untrusted("has no issuer");
        }
        if (!named.textValue().equals(issuer)) {
            // The value is the provider's, not a secret, but may be long or odd: quote a bounded part.
            throw untrusted("names another issuer (\"" + bounded(named.textValue()) + "\")");
        }
        JsonNode jwks = root.get("jwks_uri");
        if (jwks == null || !jwks.isTextual()) {
            throw untrusted("has no jwks_uri");
        }
        URI uri;
        try {
            uri = new URI(jwks.textValue());
        } catch (URISyntaxException e) {
            throw untrusted("has a jwks_uri that is not a URI");
        }
        if (!isAllowed(uri)) {
            throw untrusted("has a jwks_uri that is not an https:// URL without user info or fragment (\""
                    + bounded(jwks.textValue()) + "\")");
        }
        return uri;
    }

    private boolean isAllowed(URI uri) {
        if (!uri.isAbsolute()
                || uri.getHost() == null
                || uri.getHost().isEmpty()
                || uri.getRawUserInfo() != null
                || uri.getRawFragment() != null) {
            return false;
        }
        if ("https".equalsIgnoreCase(uri.getScheme())) {
            return true;
        }
        return loopbackIssuer && "http".equalsIgnoreCase(uri.getScheme()) && ConfigLoader.isLoopback(uri.getHost());
    }

    private UntrustedDocumentException untrusted(String what) {
        return new UntrustedDocumentException("the discovery document " + discoveryUri + " " + what);
    }

    private static String bounded(String text) {
        String shown = text.length() > 200 ? text.substring(0, 200) + "…" : text;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
