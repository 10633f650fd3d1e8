package io.portcullis.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.chain.TokenClaims;
import io.portcullis.config.KeyTemplate;
import io.portcullis.problem.ProblemType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyResolverTest {
    private static final TokenClaims ALICE = new TokenClaims(Map.of("sub", "user-1", "tenant", "acme"));

    private static KeyResolver.Resolution resolve(String template, TokenClaims claims, Map<String, String> segments) {
        return KeyResolver.resolve(KeyTemplate.parse(template), claims, segments);
    }

    @Test
    void resolveWhenClaimsAndSegmentsThenSubstitutedAsWritten() {
        KeyResolver.Resolution resolution = resolve("doc:{tenant}:{sub}:{path.id}", ALICE, Map.of("id", "42"));

        assertEquals(new KeyResolver.Resolution.Key("doc:acme:user-1:42"), resolution);
    }

    @Test
    void resolveWhenClaimMissingThenForbidden() {
        KeyResolver.Resolution resolution = resolve("cart:{org}", ALICE, Map.of());

        assertEquals(
                ProblemType.FORBIDDEN,
                assertInstanceOf(KeyResolver.Resolution.Refused.class, resolution)
                        .problem()
                        .type());
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "user?", "a[1]", "{x}", "a b", "tab\there", "nl\n", "", "zero\u200bwidth"})
    void resolveWhenClaimCouldChangeTheKeyShapeThenForbidden(String sub) {
        KeyResolver.Resolution resolution = resolve("cart:{sub}", new TokenClaims(Map.of("sub", sub)), Map.of());

        assertEquals(
                ProblemType.FORBIDDEN,
                assertInstanceOf(KeyResolver.Resolution.Refused.class, resolution)
                        .problem()
                        .type());
    }

    @Test
    void resolveWhenClaimHoldsColonThenAllowed() {
        assertEquals(
                new KeyResolver.Resolution.Key("cart:auth0|u:1"),
                resolve("cart:{sub}", new TokenClaims(Map.of("sub", "auth0|u:1")), Map.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a:b", "*", "x y", "[1]"})
    void resolveWhenPathSegmentCouldChangeTheKeyShapeThenBadRequest(String segment) {
        KeyResolver.Resolution resolution = resolve("n:{sub}:{path.id}", ALICE, Map.of("id", segment));

        assertEquals(
                ProblemType.BAD_REQUEST,
                assertInstanceOf(KeyResolver.Resolution.Refused.class, resolution)
                        .problem()
                        .type());
    }

    @Test
    void safeWhenLongerThanTheBoundThenRefused() {
        assertTrue(KeyResolver.safe("a".repeat(KeyResolver.MAX_VALUE_LENGTH), false));
        assertFalse(KeyResolver.safe("a".repeat(KeyResolver.MAX_VALUE_LENGTH + 1), false));
    }

    @Test
    void segmentsWhenNamedThenOnePerSegmentElseNull() {
        assertEquals(Map.of("list", "a", "item", "b"), KeyResolver.segments(List.of("list", "item"), "/a/b"));
        assertNull(KeyResolver.segments(List.of("list", "item"), "/a"));
        assertNull(KeyResolver.segments(List.of("list", "item"), "/a/b/c"));
        assertNull(KeyResolver.segments(List.of("list", "item"), "/a/"));
        assertNull(KeyResolver.segments(List.of("item"), "/"));
        assertEquals(Map.of(), KeyResolver.segments(List.of(), "/anything/at/all"));
    }

    /** Found by KeyResolverPropertiesTest: a lone surrogate became '?' on its way to Redis, a glob and a shared key. */
    @Test
    void resolveWhenValueHoldsALoneSurrogateThenRefused() {
        assertEquals(
                ProblemType.FORBIDDEN,
                ((KeyResolver.Resolution.Refused)
                                resolve("cart:{sub}", new TokenClaims(Map.of("sub", "user\uD800")), Map.of()))
                        .problem()
                        .type());
        assertEquals(
                new KeyResolver.Resolution.Key("cart:user\uD83D\uDE00"),
                resolve("cart:{sub}", new TokenClaims(Map.of("sub", "user\uD83D\uDE00")), Map.of()));
    }
}
