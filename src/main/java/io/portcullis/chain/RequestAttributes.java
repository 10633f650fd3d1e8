package io.portcullis.chain;

import io.portcullis.quota.Counted;
import jakarta.servlet.ServletRequest;

/**
 * Every request attribute the stages share, in one place. Values are set by the stage named and read by
 * the stages after it.
 */
public final class RequestAttributes {
    private static final String PREFIX = "io.portcullis.";

    /** Set by the access-log stage: the request id sent upstream and echoed to the client. */
    public static final Attribute<String> REQUEST_ID = new Attribute<>(PREFIX + "requestId", String.class);
    /** Set by the access-log stage: the client address after trusted-proxy processing. */
    public static final Attribute<ClientAddress> CLIENT = new Attribute<>(PREFIX + "client", ClientAddress.class);
    /** Set by the access-log stage: {@link System#nanoTime()} when the request arrived. */
    public static final Attribute<Long> START_NANOS = new Attribute<>(PREFIX + "startNanos", Long.class);
    /** Set by the route stage: the route the request resolved to. */
    public static final Attribute<Route> ROUTE = new Attribute<>(PREFIX + "route", Route.class);
    /** Set by the route stage: the canonical path the route was matched on and the proxy forwards. */
    public static final Attribute<CanonicalPath> PATH = new Attribute<>(PREFIX + "path", CanonicalPath.class);
    /** Set by the API-key and JWT stages: who is calling. Absent means anonymous. */
    public static final Attribute<Identity> IDENTITY = new Attribute<>(PREFIX + "identity", Identity.class);
    /** Set by the JWT stage: the verified token's string claims, for direct routes' key templates. */
    public static final Attribute<TokenClaims> TOKEN_CLAIMS =
            new Attribute<>(PREFIX + "tokenClaims", TokenClaims.class);
    /**
     * Set by the API-key or JWT stage when its store counted the request for the rate-limit stage in the same round trip as
     * its own check: the rate-limit stage then answers from it instead of counting again.
     */
    public static final Attribute<Counted> COUNTED = new Attribute<>(PREFIX + "rateLimitCounted", Counted.class);
    /** Set by the gateway filter: the stage that answered the request itself with a problem. */
    public static final Attribute<FilterStage> REJECTED_BY = new Attribute<>(PREFIX + "rejectedBy", FilterStage.class);
    /** Set by the gateway filter: the last stage that has started on the request, to check the order. */
    public static final Attribute<FilterStage> STAGE = new Attribute<>(PREFIX + "stage", FilterStage.class);
    /** Set by the proxy: {@link System#nanoTime()} when the request was sent upstream. */
    public static final Attribute<Long> UPSTREAM_START_NANOS =
            new Attribute<>(PREFIX + "upstreamStartNanos", Long.class);
    /** Set by whichever code wrote a problem response: its type slug, for the access log and metrics. */
    public static final Attribute<String> PROBLEM = new Attribute<>(PREFIX + "problem", String.class);
    /** Set by the proxy when the upstream broke a started response: the dispatch back must cut the connection. */
    public static final Attribute<Boolean> CUT_SHORT = new Attribute<>(PREFIX + "cutShort", Boolean.class);
    /** Set by the proxy: the upstream the request went to, for the access log. */
    public static final Attribute<String> UPSTREAM = new Attribute<>(PREFIX + "upstream", String.class);

    private RequestAttributes() {}

    public static Identity identity(ServletRequest request) {
        return IDENTITY.get(request).orElse(Identity.ANONYMOUS);
    }
}
