package io.portcullis.jwt;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a revocation check needs from a verified access token.
 *
 * @param subject the {@code sub} claim; revocation keys are grouped by subject
 * @param jti the {@code jti} claim, if the token has one
 * @param sid the {@code sid} (session) claim, if the token has one
 * @param issuedAt the {@code iat} claim, compared with the subject's not-before mark
 */
public record RevocationQuery(String subject, Optional<String> jti, Optional<String> sid, Instant issuedAt) {

    public RevocationQuery {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(jti, "jti");
        Objects.requireNonNull(sid, "sid");
        Objects.requireNonNull(issuedAt, "issuedAt");
    }
}
