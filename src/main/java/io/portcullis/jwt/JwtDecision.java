package io.portcullis.jwt;

import io.portcullis.chain.Identity;
import io.portcullis.problem.Problem;
import io.portcullis.quota.Counted;
import java.util.Optional;

/** What the JWT stage decided about one request: who is calling, or the problem to answer with. */
public sealed interface JwtDecision {

    /** @param counted the rate-limit count made in the round trip of the revocation check, if one was */
    record Authenticated(Identity identity, VerifiedToken token, Optional<Counted> counted) implements JwtDecision {}

    record Refused(Problem problem) implements JwtDecision {}
}
