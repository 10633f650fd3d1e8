package io.portcullis.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.chain.TokenClaims;
import io.portcullis.config.KeyTemplate;
import io.portcullis.problem.ProblemType;
import io.portcullis.testsupport.Bounded;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Key templates as configured and the values a caller controls: a template either parses into parts that
 * spell it again or is refused with a message; a resolved key is the template with each placeholder replaced
 * by a value that cannot change the key's shape (no glob, hash-tag, whitespace or control characters, no
 * {@code :} from a path segment); anything else is refused as the contract says (claim 403, segment 400).
 */
class KeyResolverPropertiesTest {
    private static final KeyTemplate TEMPLATE = KeyTemplate.parse("doc:{tenant}:{sub}:{path.list}/{path.item}");

    @Property(tries = 500)
    void parseWhenAnyTemplateThenPartsSpellItOrRefused(@ForAll("templates") String source) {
        Optional<KeyTemplate> template = Bounded.call(() -> {
            try {
                return Optional.of(KeyTemplate.parse(source));
            } catch (IllegalArgumentException refused) {
                assertTrue(refused.getMessage().startsWith("has a"), refused.getMessage());
                return Optional.empty();
            }
        });

        template.ifPresent(parsed -> {
            StringBuilder spelled = new StringBuilder();
            for (KeyTemplate.Part part : parsed.parts()) {
                if (part instanceof KeyTemplate.Literal literal) {
                    spelled.append(literal.text());
                } else if (part instanceof KeyTemplate.Claim claim) {
                    spelled.append('{').append(claim.name()).append('}');
                } else if (part instanceof KeyTemplate.PathSegment segment) {
                    spelled.append("{path.").append(segment.name()).append('}');
                }
            }
            assertEquals(source, spelled.toString());
        });
    }

    @Property(tries = 500)
    void resolveWhenCallerControlledValuesThenKeyKeepsItsShapeOrRefused(
            @ForAll("values") String tenant, @ForAll("values") String sub, @ForAll("remainders") String remainder) {
        Map<String, String> segments = KeyResolver.segments(List.of("list", "item"), remainder);
        if (segments == null) {
            return;
        }
        assertEquals(Set.of("list", "item"), segments.keySet());
        assertTrue(
                segments.values().stream().noneMatch(value -> value.isEmpty() || value.contains("/")),
                segments::toString);
        KeyResolver.Resolution resolution = Bounded.call(
                () -> KeyResolver.resolve(TEMPLATE, new TokenClaims(Map.of("tenant", tenant, "sub", sub)), segments));

        boolean claimsSafe = safe(tenant, false) && safe(sub, false);
        boolean segmentsSafe = safe(segments.get("list"), true) && safe(segments.get("item"), true);
        if (claimsSafe && segmentsSafe) {
            String key = assertInstanceOf(KeyResolver.Resolution.Key.class, resolution)
                    .key();
            assertEquals("doc:" + tenant + ":" + sub + ":" + segments.get("list") + "/" + segments.get("item"), key);
        } else {
            ProblemType type = assertInstanceOf(KeyResolver.Resolution.Refused.class, resolution)
                    .problem()
                    .type();
            assertEquals(claimsSafe ? ProblemType.BAD_REQUEST : ProblemType.FORBIDDEN, type);
        }
    }

    /**
     * The rule, written out independently of the code under test. Keys are sent to Redis as UTF-8, so a value
     * must survive that encoding: a lone surrogate would arrive as {@code ?}, a glob character, and two callers
     * with different values would share one key.
     */
    private static boolean safe(String value, boolean segment) {
        boolean encodable = new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(value);
        return encodable
                && !value.isEmpty()
                && value.length() <= 256
                && value.chars()
                        .noneMatch(c -> Character.isWhitespace(c)
                                || Character.isSpaceChar(c)
                                || Character.isISOControl(c)
                                || Character.getType(c) == Character.FORMAT
                                || "*?[]{}".indexOf(c) >= 0
                                || (segment && c == ':'));
    }

    @Provide
    Arbitrary<String> templates() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("ab:{}._-/").ofMaxLength(30),
                Arbitraries.of(
                        "cart:{sub}",
                        "{sub}",
                        "{}",
                        "{",
                        "}",
                        "{{sub}}",
                        "{path.}",
                        "{path.id}",
                        "{sub",
                        "sub}",
                        "{9sub}",
                        "{s u b}",
                        "{path.path.x}",
                        "x".repeat(300) + "{sub}",
                        "{" + "a".repeat(64) + "}",
                        "{" + "a".repeat(65) + "}"),
                Arbitraries.strings().ofMaxLength(30));
    }

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.oneOf(
                Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(12),
                Arbitraries.of(
                        "",
                        "*",
                        "user-*",
                        "a?b",
                        "[a]",
                        "{tag}",
                        "a b",
                        "a\tb",
                        "a\nb",
                        "a\u0000b",
                        "\u00a0",
                        "\u200b",
                        "\u202e",
                        "a:b",
                        "..",
                        "x".repeat(256),
                        "x".repeat(257),
                        "é",
                        "\uD800"),
                Arbitraries.strings().ofMaxLength(10));
    }

    @Provide
    Arbitrary<String> remainders() {
        return values().list().ofMaxSize(3).map(parts -> "/" + String.join("/", parts));
    }
}
