package io.portcullis.proxy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which request headers a client may never send an upstream, judged by meaning rather than spelling: names are
 * compared case-insensitively with {@code _} and {@code -} alike, because CGI, WSGI, Rack, PHP and many
 * frameworks fold both into the same variable ({@code X_User_Id} reads as {@code X-User-Id} upstream). Any
 * name containing {@code _}, or any other character than a letter, a digit or {@code -} (CGI bridges fold
 * those into {@code _} too), is dropped outright, as nginx does by default. The protected set: the
 * gateway's own identity headers ({@code X-User-*}, {@code X-Client-*}, {@code X-Auth-*}), the conventional
 * ones of other gateways and proxies ({@code X-Consumer-*}, {@code X-Authenticated-*},
 * {@code X-Forwarded-User}, {@code Remote-User}), the URL overrides some frameworks honour
 * ({@code X-Original-URL}, {@code X-Rewrite-URL}) and method overrides ({@code X-HTTP-Method-Override},
 * {@code X-HTTP-Method}, {@code X-Method-Override}), every {@code X-Forwarded-*} header and the other
 * client-address and scheme headers that frameworks trust ({@code X-Real-IP}, {@code True-Client-IP},
 * {@code Front-End-Https}…): the gateway writes {@code X-Forwarded-For}, {@code X-Forwarded-Proto} and
 * {@code X-Forwarded-Host} itself. Then the operator's {@code gateway.strip-headers}.
 * Immutable and thread-safe.
 */
final class StrippedHeaders {
    static final List<String> IDENTITY_PREFIXES =
            List.of("x-user-", "x-client-", "x-auth-", "x-consumer-", "x-authenticated-", "x-forwarded-");
    static final Set<String> IDENTITY_NAMES = Set.of(
            "x-forwarded-user",
            "remote-user",
            "x-original-url",
            "x-rewrite-url",
            "x-http-method-override",
            "x-http-method",
            "x-method-override",
            "forwarded",
            "x-real-ip",
            "true-client-ip",
            "x-cluster-client-ip",
            "cf-connecting-ip",
            "fastly-client-ip",
            "x-originating-ip",
            "x-remote-ip",
            "x-remote-addr",
            "front-end-https",
            "x-url-scheme");

    private final Set<String> names;
    private final List<String> prefixes;

    /**
     * @param extra {@code gateway.strip-headers}: exact names, or prefixes ending in {@code *}; lower case with
     *     {@code _} written as {@code -}
     */
    StrippedHeaders(List<String> extra) {
        Set<String> exact = new HashSet<>(IDENTITY_NAMES);
        List<String> starts = new ArrayList<>(IDENTITY_PREFIXES);
        for (String name : extra) {
            String folded = fold(name);
            if (folded.endsWith("*")) {
                starts.add(folded.substring(0, folded.length() - 1));
            } else {
                exact.add(folded);
            }
        }
        this.names = Set.copyOf(exact);
        this.prefixes = List.copyOf(starts);
    }

    /** True when a client-sent header of this name must not reach the upstream. */
    boolean strips(String name) {
        if (!isPlainName(name)) {
            return true;
        }
        String folded = fold(name);
        if (names.contains(folded)) {
            return true;
        }
        for (String prefix : prefixes) {
            if (folded.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a name holds only letters, digits and {@code -}. The other token characters RFC 9110 allows
     * ({@code _ . ~ + ! ' * | ^ ` # $ % &}) are written as {@code _} by CGI bridges (lighttpd's mod_cgi and
     * mod_fastcgi, among others), so {@code X.User.Id} would read upstream as the gateway's own
     * {@code X-User-Id}; nginx drops such names by default ({@code ignore_invalid_headers}).
     */
    private static boolean isPlainName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return !name.isEmpty();
    }

    /** Lower case, {@code _} as {@code -}: the spelling every comparison uses. */
    static String fold(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
