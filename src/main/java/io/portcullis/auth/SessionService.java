package io.portcullis.auth;

import io.portcullis.chain.StoreWait;
import io.portcullis.config.AuthConfig;
import io.portcullis.jwt.RevocationStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Sessions and their token pairs: a login starts a session ({@code sid}) with a refresh token; a refresh
 * rotates it ({@link SessionStore#rotate}: racing refreshes inside {@code refresh-grace} get the same
 * successor, a spent token after it ends the session); ending a session also revokes its access tokens in
 * the shared {@link RevocationStore}, so they stop working on every node at once. Thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2">RFC 9700 §4.14.2</a>
 */
final class SessionService {
    private final StoreWait storeWait;
    private final SessionStore sessions;
    private final RevocationStore revocations;
    private final TokenIssuer issuer;
    private final RefreshTokens refreshTokens;
    private final CredentialChecker accounts;
    private final AuthConfig config;
    private final Clock clock;

    SessionService(
            SessionStore sessions,
            RevocationStore revocations,
            TokenIssuer issuer,
            RefreshTokens refreshTokens,
            CredentialChecker accounts,
            AuthConfig config,
            Clock clock) {
        this(sessions, revocations, issuer, refreshTokens, accounts, config, clock, StoreWait.DEFAULT);
    }

    /** @param storeWait the bound on every wait for a store's answer */
    SessionService(
            SessionStore sessions,
            RevocationStore revocations,
            TokenIssuer issuer,
            RefreshTokens refreshTokens,
            CredentialChecker accounts,
            AuthConfig config,
            Clock clock,
            StoreWait storeWait) {
        this.storeWait = storeWait;
        this.sessions = sessions;
        this.revocations = revocations;
        this.issuer = issuer;
        this.refreshTokens = refreshTokens;
        this.accounts = accounts;
        this.config = config;
        this.clock = clock;
    }

    /** A token response: {@code {access_token, token_type, expires_in, refresh_token, user_id}}. */
    record TokenPair(String accessToken, long expiresIn, String refreshToken, String userId) {
        @Override
        public String toString() {
            return "TokenPair[userId=" + userId + "]";
        }
    }

    /** What a refresh came to: new tokens, or the reason for 401. */
    sealed interface Refreshed {
        record Issued(TokenPair tokens) implements Refreshed {}

        record Refused(String description) implements Refreshed {}
    }

    /** Starts a session for a user who just proved their password. */
    TokenPair login(Account account) {
        Instant now = clock.instant();
        String sid = TokenIssuer.randomId();
        String refresh = refreshTokens.create(sid, carried(account));
        storeWait.result(sessions.create(
                new Session(sid, account.userId(), now, now, now.plus(config.refreshTtl())),
                RefreshTokens.hash(refresh)));
        return pair(account, sid, refresh, now);
    }

    Refreshed refresh(String presented) {
        Optional<RefreshTokens.Parsed> parsed = RefreshTokens.parse(presented);
        if (parsed.isEmpty()) {
            return new Refreshed.Refused("This is not a refresh token.");
        }
        String sid = parsed.get().sid();
        String successor = refreshTokens.create(sid, parsed.get().roles());
        RotationResult result = storeWait.result(sessions.rotate(new Rotation(
                sid,
                RefreshTokens.hash(presented),
                RefreshTokens.hash(successor),
                refreshTokens.seal(presented, successor))));
        switch (result.outcome()) {
            case ROTATED -> {
                return issue(result.session().orElseThrow(), parsed.get(), successor);
            }
            case GRACE -> {
                // A racing refresh (another tab) already won: hand out the same successor.
                Optional<String> same = result.successorEnvelope().flatMap(env -> RefreshTokens.open(presented, env));
                return same.isPresent()
                        ? issue(result.session().orElseThrow(), parsed.get(), same.get())
                        : new Refreshed.Refused("The refresh token has already been used.");
            }
            case REUSED -> {
                Session ended = result.session().orElseThrow();
                revokeAccessTokens(ended.userId(), sid);
                return new Refreshed.Refused("The refresh token had already been used; the session has been ended.");
            }
            case EXPIRED -> {
                return new Refreshed.Refused("The session has expired; log in again.");
            }
            default -> {
                return new Refreshed.Refused("The refresh token is not valid.");
            }
        }
    }

    /** The live session whose current refresh token this is, without spending it. */
    Optional<Session> sessionOf(String refreshToken) {
        return RefreshTokens.parse(refreshToken)
                .flatMap(parsed ->
                        storeWait.result(sessions.findByToken(parsed.sid(), RefreshTokens.hash(refreshToken))));
    }

    /** Ends one session of {@code userId} and revokes its access tokens on every node. */
    void end(String userId, String sid) {
        storeWait.result(sessions.end(sid));
        revokeAccessTokens(userId, sid);
    }

    /** Ends every session of the user and revokes every token issued to them so far. */
    void endAll(String userId) {
        // Whole seconds, like iat: a token issued later in this second (a new login) stays valid; earlier
        // tokens of this second belong to the sessions just revoked one by one.
        endAll(userId, Instant.ofEpochSecond(clock.instant().getEpochSecond()));
    }

    /**
     * Ends every session of the user and revokes every token issued before {@code issuedBefore} (compared with
     * {@code iat}, whole seconds): a moment after now also catches a token being signed right now.
     *
     * @return how many live sessions were ended
     */
    int endAll(String userId, Instant issuedBefore) {
        List<Session> ended = storeWait.result(sessions.endAll(userId));
        for (Session session : ended) {
            revokeAccessTokens(userId, session.sid());
        }
        storeWait.result(revocations.revokeIssuedBefore(userId, issuedBefore));
        return ended.size();
    }

    /** Now, for callers that pick a revocation moment relative to it. */
    Instant now() {
        return clock.instant();
    }

    void revokeAccessToken(String userId, String jti, Instant expiresAt) {
        // The verifier accepts a token until exp + leeway: the revocation must last as long.
        storeWait.result(revocations.revokeToken(userId, jti, expiresAt.plus(config.leeway())));
    }

    private void revokeAccessTokens(String userId, String sid) {
        // Its newest access token expires at most access-ttl from now; leeway covers clock skew.
        Instant until = clock.instant().plus(config.accessTtl()).plus(config.leeway());
        storeWait.result(revocations.revokeSession(userId, sid, until));
    }

    private Refreshed issue(Session session, RefreshTokens.Parsed presented, String refresh) {
        Optional<Account> account = accounts.find(session.userId(), presented.roles());
        if (account.isEmpty()) {
            end(session.userId(), session.sid());
            return new Refreshed.Refused("The user no longer exists.");
        }
        // A refresh is no new password proof: the token keeps the login's auth_time.
        return new Refreshed.Issued(pair(account.get(), session.sid(), refresh, session.createdAt()));
    }

    private TokenPair pair(Account account, String sid, String refresh, Instant authTime) {
        TokenIssuer.AccessToken access =
                issuer.issue(account.userId(), sid, account.roles(), account.roles(), Optional.of(authTime));
        return new TokenPair(access.token(), config.accessTtl().toSeconds(), refresh, account.userId());
    }

    private static List<String> carried(Account account) {
        return account.fromContainer() ? account.roles() : List.of();
    }
}
