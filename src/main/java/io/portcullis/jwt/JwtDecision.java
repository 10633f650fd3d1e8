package io.portcullis.jwt;

import io.portcullis.chain.Identity;
import io.portcullis.problem.Problem;

/** What the JWT stage decided about one request: who is calling, or the problem to answer with. */
public sealed interface JwtDecision {

    record Authenticated(Identity identity, VerifiedToken token) implements JwtDecision {}

    record Refused(Problem problem) implements JwtDecision {}
}
