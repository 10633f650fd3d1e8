package io.portcullis.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code waf:} section.
 *
 * @param maxBody the largest request body of any media type, in bytes (a route's {@code max-body} overrides it)
 * @param allowedContentTypes the media types a request body may have: {@code type/subtype}, {@code type/*} or
 *     {@code type/*+suffix}, lower case; a route's {@code allowed-content-types} adds to them
 */
public record WafConfig(
        Mode mode,
        int paranoia,
        long maxBody,
        long maxHeader,
        List<String> allowedMethods,
        Optional<Path> rulesFile,
        List<Exclusion> exclusions,
        List<String> allowedContentTypes) {

    /** What a body may be unless {@code waf.allowed-content-types} says otherwise: every kind the WAF inspects. */
    public static final List<String> DEFAULT_CONTENT_TYPES = List.of(
            "application/json",
            "application/*+json",
            "application/x-www-form-urlencoded",
            "multipart/form-data",
            "application/xml",
            "text/xml",
            "application/*+xml",
            "text/*");

    /** Rule families that exclusions may name. */
    public static final Set<String> RULE_FAMILIES = Set.of(
            "sqli",
            "xss",
            "lfi",
            "rfi",
            "rce",
            "php",
            "java",
            "ssrf",
            "protocol",
            "scanner",
            "session-fixation",
            "generic",
            "custom");

    public WafConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(rulesFile, "rulesFile");
        if (paranoia < 1 || paranoia > 4) {
            throw new IllegalArgumentException("waf.paranoia must be 1 to 4 (was " + paranoia + ")");
        }
        if (maxBody <= 0 || maxHeader <= 0) {
            throw new IllegalArgumentException(
                    "waf.max-body and waf.max-header must be positive (were " + maxBody + ", " + maxHeader + ")");
        }
        allowedMethods = List.copyOf(allowedMethods);
        exclusions = List.copyOf(exclusions);
        allowedContentTypes = List.copyOf(allowedContentTypes);
    }

    /** The default {@code allowed-content-types}. */
    public WafConfig(
            Mode mode,
            int paranoia,
            long maxBody,
            long maxHeader,
            List<String> allowedMethods,
            Optional<Path> rulesFile,
            List<Exclusion> exclusions) {
        this(mode, paranoia, maxBody, maxHeader, allowedMethods, rulesFile, exclusions, DEFAULT_CONTENT_TYPES);
    }

    public enum Mode {
        BLOCK,
        DETECT,
        OFF
    }

    /**
     * Rule families or ids switched off under a path prefix: for the whole request, or only for some of its
     * values ({@code targets}: {@code json:$.body}, {@code arg:q}, {@code header:referer}, {@code cookie:prefs},
     * {@code body}), like CRS's {@code ruleRemoveTargetById}.
     */
    public record Exclusion(String prefix, List<String> rules, List<String> targets) {
        /** How a target is written: a JSON path, an argument, a header or a cookie by name, or the raw body. */
        public static final Pattern TARGET =
                Pattern.compile("json:\\$(?:\\.[^.\\s\\[\\]]+)*|(?:arg|header|cookie):[^\\s]+|body");

        public Exclusion {
            rules = List.copyOf(rules);
            targets = List.copyOf(targets);
        }

        public Exclusion(String prefix, List<String> rules) {
            this(prefix, rules, List.of());
        }
    }
}
