package io.portcullis.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.portcullis.config.RedisConfig.FailurePolicy;
import io.portcullis.jwt.JwtChallenges;
import io.portcullis.jwt.RevocationStatus;
import io.portcullis.jwt.RevocationStore;
import io.portcullis.jwt.TokenVerifier;
import io.portcullis.jwt.Verification;
import io.portcullis.problem.Problem;
import io.portcullis.problem.ProblemType;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class TokenCheckerTest {
    private final AuthFixture auth = new AuthFixture();
    private final RevocationStore revocations = mock(RevocationStore.class);
    private final String token = new TokenIssuer(auth.keys, auth.config.auth(), auth.clock)
            .issue("u1", "s1", List.of(), List.of())
            .token();

    private TokenChecker checker(FailurePolicy policy) {
        return new TokenChecker(
                new TokenVerifier(auth.config.auth(), auth.keys, auth.clock), revocations, policy, AuthFixture.ISSUER);
    }

    private void revocation(RevocationStatus status) {
        when(revocations.check(any())).thenReturn(CompletableFuture.completedFuture(status));
    }

    @Test
    void checkWhenRevocationUnavailableAndDenyThenUnavailableAnswering503() {
        revocation(RevocationStatus.UNAVAILABLE);

        Verification.Rejected rejected = assertInstanceOf(
                Verification.Rejected.class, checker(FailurePolicy.DENY).check(token));

        assertEquals(Verification.Failure.UNAVAILABLE, rejected.failure());
        Problem problem = TokenChecker.rejected(rejected);
        assertEquals(ProblemType.SERVICE_UNAVAILABLE, problem.type());
        assertEquals("1", problem.headers().get("Retry-After"));
    }

    @Test
    void checkWhenRevocationUnavailableAndAllowThenVerified() {
        revocation(RevocationStatus.UNAVAILABLE);

        assertInstanceOf(
                Verification.Verified.class, checker(FailurePolicy.ALLOW).check(token));
    }

    @Test
    void checkWhenSessionRevokedThenRevoked() {
        revocation(RevocationStatus.REVOKED_SESSION);

        Verification.Rejected rejected = assertInstanceOf(
                Verification.Rejected.class, checker(FailurePolicy.DENY).check(token));
        assertEquals(Verification.Failure.REVOKED, rejected.failure());
        assertEquals(
                "Bearer realm=\"portcullis\", error=\"invalid_token\", error_description=\"The token has been revoked.\"",
                TokenChecker.rejected(rejected).headers().get("WWW-Authenticate"));
    }

    @Test
    void invalidWhenDescriptionHasQuotesThenQuotedStringStaysValid() {
        assertEquals(
                "Bearer realm=\"portcullis\", error=\"invalid_token\", error_description=\"a 'b' c\"",
                JwtChallenges.invalid("a \"b\" c").headers().get("WWW-Authenticate"));
    }
}
