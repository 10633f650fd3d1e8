package io.portcullis.chain;

import java.util.Optional;

/**
 * The gateway's stages in the order a request meets them: the one place that order is written. The gateway
 * filter runs a {@link Stage} for each constant, in declaration order. Adding a stage is one constant here, at
 * its place, and one {@link Stage} class.
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

    /**
     * The stage's name: in log lines, and the {@code <filter-name>} of the stage's own filter in a web.xml that
     * still declares one filter per stage (see docs/embedding.md).
     */
    public String filterName() {
        return filterName;
    }

    /** The stage just before this one, or empty for the first. */
    public Optional<FilterStage> previous() {
        return ordinal() == 0 ? Optional.empty() : Optional.of(values()[ordinal() - 1]);
    }
}
