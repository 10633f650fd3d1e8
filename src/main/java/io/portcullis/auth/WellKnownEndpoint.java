package io.portcullis.auth;

import io.portcullis.chain.JsonResponses;
import io.portcullis.chain.RouteHandler;
import io.portcullis.config.AuthConfig;
import io.portcullis.jwt.SigningKeys;
import io.portcullis.problem.Problem;
import io.portcullis.problem.ProblemType;
import io.portcullis.problem.ProblemWriter;
import io.portcullis.route.RouteStage;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /.well-known/jwks.json} (the public signing keys, RFC 7517) and
 * {@code GET /.well-known/openid-configuration} (issuer, key set and endpoint locations, RFC 8414).
 * Endpoint URLs are built from the configured public URL ({@code gateway.public-url}, by default the issuer when
 * it is an http(s) URL), never from the request's {@code Host} or forwarding headers: the document is cacheable
 * and public, so a URL taken from one request would be served to every client. Without a public URL the
 * endpoints are written as paths from the server root (relative references, resolved by a client against the
 * URL it fetched the document from). Thread-safe.
 */
public final class WellKnownEndpoint implements RouteHandler {
    public static final String PREFIX = "/.well-known";

    private final SigningKeys keys;
    private final AuthConfig config;
    private final Optional<URI> publicUrl;

    /** @param publicUrl the gateway's public base URL, without a trailing slash; empty writes root-relative paths */
    public WellKnownEndpoint(SigningKeys keys, AuthConfig config, Optional<URI> publicUrl) {
        this.keys = keys;
        this.config = config;
        this.publicUrl = publicUrl;
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = RouteStage.path(request);
        boolean jwks = path.equals(PREFIX + "/jwks.json");
        if (!jwks && !path.equals(PREFIX + "/openid-configuration")) {
            ProblemWriter.write(request, response, ProblemType.NOT_FOUND, "No such document.");
            return;
        }
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
            ProblemWriter.write(
                    request,
                    response,
                    new Problem(
                            ProblemType.METHOD_NOT_ALLOWED,
                            "This document answers GET and HEAD.",
                            Map.of("Allow", "GET, HEAD")));
            return;
        }
        // Public and identical for every caller: clients and proxies may cache it briefly.
        JsonResponses.write(
                request, response, 200, jwks ? keys.jwks() : metadata(baseUrl(request)), "public, max-age=300");
    }

    private Map<String, Object> metadata(String base) {
        String auth = base + config.path();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("issuer", config.issuer());
        body.put("jwks_uri", base + PREFIX + "/jwks.json");
        body.put("token_endpoint", auth + "/login");
        body.put("introspection_endpoint", auth + "/introspect");
        body.put("revocation_endpoint", auth + "/revoke");
        if (config.registration()) {
            body.put("registration_endpoint", auth + "/register");
        }
        body.put("userinfo_endpoint", auth + "/me");
        body.put("grant_types_supported", List.of("password", "refresh_token"));
        body.put("token_endpoint_auth_methods_supported", List.of("none"));
        body.put(
                "id_token_signing_alg_values_supported",
                List.of(config.algorithm().name()));
        body.put("revocation_endpoint_auth_methods_supported", List.of("none"));
        body.put("introspection_endpoint_auth_methods_supported", List.of("none"));
        return body;
    }

    /**
     * The public URL names the gateway's context as the world sees it (a proxy in front may map it to any
     * path); only the root-relative fallback adds the context path.
     */
    private String baseUrl(HttpServletRequest request) {
        return publicUrl.map(URI::toString).orElse(request.getContextPath());
    }
}
