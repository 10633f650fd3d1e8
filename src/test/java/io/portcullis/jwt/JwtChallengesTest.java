package io.portcullis.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.problem.Problem;
import java.util.List;
import org.junit.jupiter.api.Test;

class JwtChallengesTest {

    @Test
    void challengeWhenAnyRefusalThenOneRealmFirstAndOneQuoting() {
        for (Problem problem : List.of(
                JwtChallenges.missing(),
                JwtChallenges.missing("Send a token."),
                JwtChallenges.invalid("bad \"x\"\n"),
                JwtChallenges.insufficientScope(List.of("a", "b")),
                JwtChallenges.insufficientUserAuthentication("log in again", "stale", 300))) {
            String header = problem.headers().get(JwtChallenges.HEADER);
            assertTrue(header.startsWith("Bearer realm=\"portcullis\""), header);
            assertTrue(header.matches("[\\x20-\\x7e]+"), header);
        }
    }

    @Test
    void invalidWhenDescriptionHasQuotesOrControlsThenReplacedInsideTheQuotedString() {
        assertEquals(
                "Bearer realm=\"portcullis\", error=\"invalid_token\", error_description=\"a 'b' c'\"",
                JwtChallenges.invalid("a \"b\" c\n").headers().get(JwtChallenges.HEADER));
    }

    @Test
    void insufficientUserAuthenticationWhenBuiltThenMaxAgeIsAToken() {
        assertEquals(
                "Bearer realm=\"portcullis\", error=\"insufficient_user_authentication\", "
                        + "error_description=\"stale\", max_age=300",
                JwtChallenges.insufficientUserAuthentication("detail", "stale", 300)
                        .headers()
                        .get(JwtChallenges.HEADER));
    }

    @Test
    void unavailableWhenStoreDownThenTheOneRetryAfter() {
        assertEquals("1", JwtChallenges.unavailable("down").headers().get("Retry-After"));
    }
}
