package io.portcullis.auth;

import io.portcullis.chain.JsonResponses;
import io.portcullis.config.AuthConfig;
import io.portcullis.jwt.JwtChallenges;
import io.portcullis.jwt.TokenVerifier;
import io.portcullis.jwt.Verification;
import io.portcullis.jwt.VerifiedToken;
import io.portcullis.problem.ProblemWriter;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The token endpoints that need no Bearer header: {@code /verify} (the seeds' check: 200 with the user, or
 * 401), {@code /introspect} (RFC 7662: 200 {@code active} true or false) and {@code /revoke} (RFC 7009: 200
 * whatever the token was). Access tokens and refresh tokens are told apart by their format. Thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7662">RFC 7662</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7009">RFC 7009</a>
 */
final class TokenEndpoints {
    static final String REFRESH_TOKEN_TYPE = "refresh_token";
    private static final Set<String> VERIFY_FIELDS = Set.of("token", "access");
    private static final Set<String> OAUTH_FIELDS = Set.of("token", "token_type_hint");
    private static final int MAX_HINT_LENGTH = 64;

    private final AuthConfig config;
    private final TokenChecker tokens;
    private final SessionService sessions;
    private final CredentialChecker accounts;

    TokenEndpoints(AuthConfig config, TokenChecker tokens, SessionService sessions, CredentialChecker accounts) {
        this.config = config;
        this.tokens = tokens;
        this.sessions = sessions;
        this.accounts = accounts;
    }

    void verify(AuthCall call) throws IOException, RequestFields.BadInput {
        RequestFields fields = call.json(VERIFY_FIELDS);
        Optional<String> token = fields.string("token", TokenVerifier.MAX_TOKEN_LENGTH);
        Optional<String> alias = fields.string("access", TokenVerifier.MAX_TOKEN_LENGTH);
        if (token.isPresent() && alias.isPresent()) {
            throw new RequestFields.BadInput("Give 'token' or its alias 'access', not both.");
        }
        String presented =
                token.or(() -> alias).orElseThrow(() -> new RequestFields.BadInput("Field 'token' is required."));
        Verification result = tokens.check(presented);
        if (result instanceof Verification.Rejected rejected) {
            ProblemWriter.write(call.request(), call.response(), TokenChecker.rejected(rejected));
            return;
        }
        VerifiedToken verified = ((Verification.Verified) result).token();
        if (ownToken(verified)
                && accounts.find(verified.subject(), verified.roles()).isEmpty()) {
            ProblemWriter.write(call.request(), call.response(), JwtChallenges.invalid("The user no longer exists."));
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("active", true);
        body.put("user_id", verified.subject());
        body.put("sub", verified.subject());
        body.put("exp", verified.expiresAt().getEpochSecond());
        body.put("scope", String.join(" ", verified.scopes()));
        JsonResponses.write(call.request(), call.response(), 200, body);
    }

    void introspect(AuthCall call) throws IOException, RequestFields.BadInput {
        String token = oauthToken(call);
        Map<String, Object> body = new LinkedHashMap<>();
        if (RefreshTokens.parse(token).isPresent()) {
            Optional<Session> session = sessions.sessionOf(token);
            body.put("active", session.isPresent());
            session.ifPresent(
                    s -> describeRefresh(body, s, RefreshTokens.parse(token).orElseThrow()));
        } else {
            Verification result = tokens.check(token);
            if (result instanceof Verification.Rejected rejected
                    && rejected.failure() == Verification.Failure.UNAVAILABLE) {
                ProblemWriter.write(call.request(), call.response(), TokenChecker.rejected(rejected));
                return;
            }
            body.put("active", result instanceof Verification.Verified);
            if (result instanceof Verification.Verified verified) {
                describeAccess(body, verified.token());
            }
        }
        JsonResponses.write(call.request(), call.response(), 200, body);
    }

    void revoke(AuthCall call) throws IOException, RequestFields.BadInput {
        String token = oauthToken(call);
        if (RefreshTokens.parse(token).isPresent()) {
            sessions.sessionOf(token).ifPresent(session -> sessions.end(session.userId(), session.sid()));
        } else {
            tokens.verifyIgnoringRevocation(token)
                    .ifPresent(verified -> verified.jti()
                            .ifPresent(
                                    jti -> sessions.revokeAccessToken(verified.subject(), jti, verified.expiresAt())));
        }
        // RFC 7009 §2.2: 200 also for a token that was invalid, expired or already revoked.
        call.response().setStatus(200);
        call.response().setHeader("Cache-Control", "no-store");
        call.response().setContentLength(0);
    }

    private static String oauthToken(AuthCall call) throws RequestFields.BadInput {
        RequestFields fields = call.jsonOrForm(OAUTH_FIELDS);
        fields.string("token_type_hint", MAX_HINT_LENGTH);
        return fields.requireString("token", 1, Math.max(TokenVerifier.MAX_TOKEN_LENGTH, RefreshTokens.MAX_LENGTH));
    }

    private boolean ownToken(VerifiedToken token) {
        return config.issuer().equals(token.issuer());
    }

    private void describeAccess(Map<String, Object> body, VerifiedToken token) {
        body.put("sub", token.subject());
        body.put("exp", token.expiresAt().getEpochSecond());
        token.issuedAt().ifPresent(iat -> body.put("iat", iat.getEpochSecond()));
        body.put("scope", String.join(" ", token.scopes()));
        body.put("token_type", "Bearer");
        body.put("iss", token.issuer());
        if (ownToken(token)) {
            body.put("aud", config.audience());
            accounts.find(token.subject(), token.roles()).ifPresent(a -> body.put("username", a.username()));
        } else if (token.claims().containsKey("aud")) {
            body.put("aud", token.claims().get("aud"));
        }
        token.jti().ifPresent(jti -> body.put("jti", jti));
        token.sessionId().ifPresent(sid -> body.put("sid", sid));
        if (!token.roles().isEmpty()) {
            body.put("roles", token.roles());
        }
    }

    private void describeRefresh(Map<String, Object> body, Session session, RefreshTokens.Parsed token) {
        body.put("sub", session.userId());
        body.put("exp", session.expiresAt().getEpochSecond());
        body.put("iat", session.createdAt().getEpochSecond());
        body.put("token_type", REFRESH_TOKEN_TYPE);
        body.put("iss", config.issuer());
        body.put("aud", config.audience());
        body.put("sid", session.sid());
        accounts.find(session.userId(), token.roles()).ifPresent(a -> body.put("username", a.username()));
    }
}
