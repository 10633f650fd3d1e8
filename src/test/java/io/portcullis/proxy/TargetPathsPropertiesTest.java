package io.portcullis.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.chain.CanonicalPath;
import io.portcullis.testsupport.Bounded;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The upstream URL for a path as a client may have spelled it (any mix of raw and percent-encoded characters,
 * in either case, dot-segments, repeated slashes): segment by segment, the upstream receives exactly the
 * canonical path the route was matched on, less the prefix when the route strips it, below the upstream's base
 * path, and nothing but unreserved characters, {@code /} and percent-escapes.
 */
class TargetPathsPropertiesTest {

    @Property(tries = 500)
    void targetWhenAnySpellingThenUpstreamSeesTheCanonicalPath(
            @ForAll("matchedPaths") List<String> segments,
            @ForAll("spellings") List<Integer> spelling,
            @ForAll("bases") String base,
            @ForAll boolean strip,
            @ForAll("prefixLengths") int prefixLength,
            @ForAll("detours") int detour) {
        String matched = "/" + String.join("/", segments);
        int depth = Math.min(prefixLength, segments.size());
        String raw = withDetour(spell(matched, spelling), detour);
        URI upstream = URI.create("http://10.0.0.1:8080" + base);

        CanonicalPath path = assertInstanceOf(CanonicalPath.Accepted.class, CanonicalPath.parse(raw), raw)
                .path();
        String target = Bounded.call(
                () -> TargetPaths.target(upstream, strip ? path.encodedAfter(depth) : path.encoded(), "q=1"));

        assertEquals(matched, path.path(), raw);
        assertTrue(target.startsWith("http://10.0.0.1:8080/") && target.endsWith("?q=1"), target);
        String sent = target.substring("http://10.0.0.1:8080".length(), target.length() - "?q=1".length());
        assertTrue(sent.matches("(/|[A-Za-z0-9._~-]|%[0-9A-F]{2})*"), sent);
        String rest =
                strip ? matched.substring(("/" + String.join("/", segments.subList(0, depth))).length()) : matched;
        String expected = rest.isEmpty()
                ? (base.isEmpty() ? "/" : base)
                : (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + rest;
        assertEquals(List.of(expected.split("/", -1)), decodedSegments(sent), () -> "raw " + raw + " → " + target);
    }

    /** A detour the canonical path resolves away: "/." or "/x/.." or "//" inserted before a slash. */
    private static String withDetour(String raw, int at) {
        if (at == 0) {
            return raw;
        }
        int slash = raw.indexOf('/', at % raw.length());
        String inserted = List.of("/.", "/x/..", "/").get(at % 3);
        return slash < 0 ? raw : raw.substring(0, slash) + inserted + raw.substring(slash);
    }

    private static List<String> decodedSegments(String path) {
        List<String> decoded = new ArrayList<>();
        for (String segment : path.split("/", -1)) {
            decoded.add(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
        }
        return decoded;
    }

    /** The client's spelling of {@code path}: per character raw or percent-encoded, in either case of hex digit. */
    private static String spell(String path, List<Integer> choices) {
        StringBuilder out = new StringBuilder("/");
        int i = 0;
        for (int offset = 1; offset < path.length(); ) {
            int codePoint = path.codePointAt(offset);
            String character = new String(Character.toChars(codePoint));
            offset += character.length();
            int choice = choices.isEmpty() ? 0 : choices.get(i++ % choices.size());
            boolean unsafe = codePoint > 0x7e || codePoint <= 0x20 || "%?#\"<>\\^`{|}[]".indexOf(codePoint) >= 0;
            if (codePoint == '/' || (choice == 0 && !unsafe)) {
                out.append(character);
            } else {
                for (byte b : character.getBytes(StandardCharsets.UTF_8)) {
                    String hex = String.format("%02X", b & 0xFF);
                    out.append('%').append(choice == 2 ? hex.toLowerCase() : hex);
                }
            }
        }
        return out.toString();
    }

    @Provide
    Arbitrary<List<String>> matchedPaths() {
        Arbitrary<String> segment = Arbitraries.oneOf(
                Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(8),
                Arbitraries.strings()
                        .withChars("aZ09-_~!$&'()*+,=:@ \"<>é\u4e2d")
                        .ofMinLength(1)
                        .ofMaxLength(6),
                Arbitraries.of("api", "orders", "...", ".a", "a.", "+", "\uD83D\uDE00"));
        return segment.list().ofMinSize(1).ofMaxSize(5);
    }

    @Provide
    Arbitrary<List<Integer>> spellings() {
        return Arbitraries.integers().between(0, 2).list().ofMaxSize(12);
    }

    @Provide
    Arbitrary<String> bases() {
        return Arbitraries.of("", "/", "/v2", "/v2/");
    }

    @Provide
    Arbitrary<Integer> detours() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(0)),
                Tuple.of(1, Arbitraries.integers().between(1, 50)));
    }

    @Provide
    Arbitrary<Integer> prefixLengths() {
        return Arbitraries.integers().between(1, 3);
    }
}
