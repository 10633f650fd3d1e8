package io.portcullis.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * encoded slashes, dot-segments, path parameters): segment by segment, the upstream receives exactly the path
 * the gateway matched its route on, less the prefix when the route strips it, below the upstream's base path.
 */
class TargetPathsPropertiesTest {

    @Property(tries = 500)
    void targetWhenAnySpellingThenUpstreamSeesTheMatchedPath(@ForAll("matchedPaths") List<String> segments,
            @ForAll("spellings") List<Integer> spelling, @ForAll("bases") String base, @ForAll boolean strip,
            @ForAll("prefixLengths") int prefixLength, @ForAll("dotSegments") int dotSegment) {
        String matched = "/" + String.join("/", segments);
        String prefix = "/" + String.join("/", segments.subList(0, Math.min(prefixLength, segments.size())));
        String raw = withDotSegment(spell(matched, spelling), dotSegment);
        URI upstream = URI.create("http://10.0.0.1:8080" + base);

        String target = Bounded.call(() -> TargetPaths.target(upstream, raw, matched, strip ? prefix : "", "q=1"));

        assertTrue(target.startsWith("http://10.0.0.1:8080/") && target.endsWith("?q=1"), target);
        String path = target.substring("http://10.0.0.1:8080".length(), target.length() - "?q=1".length());
        String rest = strip && !prefix.equals("/") ? matched.substring(prefix.length()) : matched;
        String expected = rest.isEmpty() ? (base.isEmpty() ? "/" : base)
                : (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + rest;
        assertEquals(List.of(expected.split("/", -1)), decodedSegments(path), () -> "raw " + raw + " → " + target);
    }

    /** The container removes dot-segments before matching; the raw path still has them. */
    private static String withDotSegment(String raw, int at) {
        if (at == 0) {
            return raw;
        }
        int slash = raw.indexOf('/', at % raw.length());
        String inserted = at % 2 == 0 ? "/." : "/x/..";
        return slash < 0 ? raw : raw.substring(0, slash) + inserted + raw.substring(slash);
    }

    /** Each segment percent-decoded on its own, so an encoded slash stays inside its segment. */
    private static List<String> decodedSegments(String path) {
        List<String> decoded = new ArrayList<>();
        for (String segment : path.split("/", -1)) {
            decoded.add(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
        }
        return decoded;
    }

    /**
     * The client's spelling of {@code path} after its leading slash: per character raw or percent-encoded, in either
     * case of hex digit; slashes too, as containers that decode encoded slashes see them.
     */
    private static String spell(String path, List<Integer> choices) {
        StringBuilder out = new StringBuilder("/");
        int i = 0;
        for (int offset = 1; offset < path.length(); ) {
            int codePoint = path.codePointAt(offset);
            String character = new String(Character.toChars(codePoint));
            offset += character.length();
            int choice = choices.isEmpty() ? 0 : choices.get(i++ % choices.size());
            boolean unsafe = codePoint > 0x7e || codePoint <= 0x20 || "%?#\"<>\\^`{|}[]".indexOf(codePoint) >= 0;
            if (choice == 0 && !unsafe) {
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
                Arbitraries.strings().withChars("aZ09-._~!$&'()*+,;=:@% \"<>é\u4e2d").ofMinLength(1).ofMaxLength(6),
                Arbitraries.of("api", "orders", "...", ".a", "a;b=c", "%2F", "%", "+", "\uD83D\uDE00"));
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
    Arbitrary<Integer> dotSegments() {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(0)), Tuple.of(1, Arbitraries.integers().between(1, 50)));
    }

    @Provide
    Arbitrary<Integer> prefixLengths() {
        return Arbitraries.integers().between(1, 3);
    }
}
