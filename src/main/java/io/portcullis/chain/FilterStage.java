package io.portcullis.chain;

/**
 * The gateway's stages in the order a request meets them. {@code WEB-INF/web.xml} declares the filters
 * under these names in this order; a test holds the two together.
 */
public enum FilterStage {
    ACCESS_LOG("access-log"),
    ROUTE("route"),
    WAF("waf"),
    API_KEY("api-key"),
    JWT("jwt"),
    RATE_LIMIT("rate-limit");

    private final String filterName;

    FilterStage(String filterName) {
        this.filterName = filterName;
    }

    /** The {@code <filter-name>} in web.xml. */
    public String filterName() {
        return filterName;
    }
}
