package io.portcullis.auth;

import io.portcullis.chain.ClientAddress;
import io.portcullis.chain.JsonResponses;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.chain.RouteHandler;
import io.portcullis.chain.StoreUnavailableException;
import io.portcullis.chain.StoreWait;
import io.portcullis.config.AuthConfig;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.RateLimitsConfig;
import io.portcullis.config.RouteConfig;
import io.portcullis.jwt.BearerToken;
import io.portcullis.jwt.JwtChallenges;
import io.portcullis.jwt.SigningKeys;
import io.portcullis.jwt.TokenVerifier;
import io.portcullis.jwt.Verification;
import io.portcullis.jwt.VerifiedToken;
import io.portcullis.problem.Problem;
import io.portcullis.problem.ProblemType;
import io.portcullis.problem.ProblemWriter;
import io.portcullis.quota.Decision;
import io.portcullis.quota.Quota;
import io.portcullis.ratelimit.RateLimitFields;
import io.portcullis.ratelimit.RateLimiter;
import io.portcullis.route.RouteStage;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.text.Normalizer;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded auth service under {@code auth.path}: register, login, refresh, logout, logout-all and me
 * here; verify, introspect and revoke in {@link TokenEndpoints}; API-key issuance in {@link ApiKeyEndpoints}.
 * Dispatches by sub-path and method (unknown sub-path → 404, wrong method → 405 with {@code Allow}),
 * authenticates the Bearer endpoints, and turns bad input into 400 and an unreachable store into 503, so
 * no endpoint answers 500. Every request is first counted per client address ({@code auth.limits}, 429 with
 * the RateLimit fields); password hashing runs behind a bounded {@link HashQueue} (503 when it is full); login
 * attempts are counted before the password is checked ({@link LoginThrottle}). {@code /login} is also the
 * RFC 6749 token endpoint (form posts, {@code password} and {@code refresh_token} grants). The admin API
 * ({@code /admin/...}) is {@link AdminEndpoints}, counted in the same per-address limit. Thread-safe.
 */
public final class AuthEndpoint implements RouteHandler {
    /** Roles a user gets at registration. */
    static final List<String> REGISTERED_ROLES = List.of("user");
    /** Probed for container realm users besides the roles routes require. */
    static final Set<String> CONVENTIONAL_ROLES = Set.of("user", "admin");
    /** The demo user created in demo mode. */
    public static final String DEMO_USERNAME = "alice";

    static final String DEMO_PASSWORD = "password123";
    static final List<String> DEMO_ROLES = List.of("user", "orders", "inventory");
    private static final Set<String> CREDENTIAL_FIELDS = Set.of("username", "password");
    private static final Set<String> REFRESH_FIELDS = Set.of("refresh_token", "refresh");
    /** RFC 6749 §4.3.2 and §6; {@code scope} and {@code client_id} are taken and ignored (public clients). */
    private static final Set<String> GRANT_FIELDS =
            Set.of("grant_type", "username", "password", "refresh_token", "scope", "client_id");

    private static final Set<String> LOGOUT_ALL_FIELDS = Set.of("revoke_api_keys");
    /** The per-address policy of every auth endpoint, in the RateLimit fields. */
    static final String ENDPOINTS_POLICY = "auth";
    /** The per-address policy of {@code register}, counted besides {@link #ENDPOINTS_POLICY}. */
    static final String REGISTER_POLICY = "auth-register";

    private static final Logger LOG = LoggerFactory.getLogger(AuthEndpoint.class);

    private final StoreWait storeWait;
    private final AuthConfig config;
    private final CredentialChecker accounts;
    private final UserStore users;
    private final PasswordHasher hasher;
    private final SessionService sessions;
    private final TokenChecker tokens;
    private final LoginThrottle throttle;
    private final Map<String, Operation> operations;
    private final ApiKeyEndpoints apiKeys;
    private final RateLimiter limiter;
    private final HashQueue hashes;
    /** The admin API; empty where it is not wired (it then answers 404 like any unknown sub-path). */
    private final Optional<AdminEndpoints> admin;

    private final Optional<AdminBootstrap> bootstrap;

    AuthEndpoint(
            AuthConfig config,
            CredentialChecker accounts,
            UserStore users,
            PasswordHasher hasher,
            SessionService sessions,
            TokenChecker tokens,
            LoginThrottle throttle,
            TokenEndpoints tokenEndpoints,
            ApiKeyEndpoints apiKeys,
            RateLimiter limiter,
            HashQueue hashes) {
        this(
                config,
                accounts,
                users,
                hasher,
                sessions,
                tokens,
                throttle,
                tokenEndpoints,
                apiKeys,
                limiter,
                hashes,
                Optional.empty(),
                Optional.empty(),
                StoreWait.DEFAULT);
    }

    AuthEndpoint(
            AuthConfig config,
            CredentialChecker accounts,
            UserStore users,
            PasswordHasher hasher,
            SessionService sessions,
            TokenChecker tokens,
            LoginThrottle throttle,
            TokenEndpoints tokenEndpoints,
            ApiKeyEndpoints apiKeys,
            RateLimiter limiter,
            HashQueue hashes,
            Optional<AdminEndpoints> admin,
            Optional<AdminBootstrap> bootstrap,
            StoreWait storeWait) {
        this.storeWait = storeWait;
        this.admin = admin;
        this.bootstrap = bootstrap;
        this.config = config;
        this.accounts = accounts;
        this.users = users;
        this.hasher = hasher;
        this.sessions = sessions;
        this.tokens = tokens;
        this.throttle = throttle;
        this.apiKeys = apiKeys;
        this.limiter = limiter;
        this.hashes = hashes;
        Map<String, Operation> ops = new LinkedHashMap<>();
        ops.put("/register", Operation.post(false, this::register));
        ops.put("/login", Operation.post(false, this::login));
        ops.put("/refresh", Operation.post(false, this::refresh));
        ops.put("/logout", Operation.post(true, this::logout));
        ops.put("/logout-all", Operation.post(true, this::logoutAll));
        ops.put("/verify", Operation.post(false, tokenEndpoints::verify));
        ops.put("/introspect", Operation.post(false, tokenEndpoints::introspect));
        ops.put("/revoke", Operation.post(false, tokenEndpoints::revoke));
        ops.put("/me", new Operation(Map.of("GET", this::me, "HEAD", this::me), true));
        ops.put(
                ApiKeyEndpoints.PATH,
                new Operation(Map.of("GET", apiKeys::list, "HEAD", apiKeys::list, "POST", apiKeys::create), true));
        this.operations = Map.copyOf(ops);
    }

    /**
     * Builds the auth service from the configuration and the shared stores. In demo mode with in-memory
     * users, the demo user {@code alice} / {@code password123} is created.
     */
    public static AuthEndpoint create(GatewayConfig gateway, SigningKeys keys, AuthStores stores, Clock clock) {
        return create(gateway, keys, stores, clock, new PasswordHasher());
    }

    /** As {@link #create(GatewayConfig, SigningKeys, AuthStores, Clock)}, with a given hasher (tests use a cheap one). */
    static AuthEndpoint create(
            GatewayConfig gateway, SigningKeys keys, AuthStores stores, Clock clock, PasswordHasher hasher) {
        AuthConfig config = gateway.auth();
        StoreWait storeWait = StoreWait.of(gateway.redis());
        CredentialChecker accounts;
        if (config.users() == AuthConfig.UserSource.CONTAINER) {
            Set<String> probed = new TreeSet<>(CONVENTIONAL_ROLES);
            gateway.routes().stream().map(RouteConfig::scopes).forEach(probed::addAll);
            accounts = new ContainerCredentials(probed);
        } else {
            accounts = new StoredCredentials(stores.users(), hasher, storeWait);
            if (gateway.gateway().demo()) {
                createDemoUser(stores.users(), hasher, storeWait);
            }
        }
        TokenChecker tokens = new TokenChecker(
                new TokenVerifier(config, keys, clock),
                stores.revocations(),
                gateway.redis().revocationOnFailure(),
                config.issuer(),
                storeWait);
        SessionService sessions = new SessionService(
                stores.sessions(),
                stores.revocations(),
                new TokenIssuer(keys, config, clock),
                new RefreshTokens(),
                accounts,
                config,
                clock,
                storeWait);
        Optional<AdminBootstrap> bootstrap = config.users() == AuthConfig.UserSource.CONTAINER
                ? Optional.empty()
                : Optional.of(new AdminBootstrap(config.bootstrapAdmin(), stores.users(), hasher, clock, storeWait));
        bootstrap.ifPresent(AdminBootstrap::ensure);
        AdminEndpoints admin = new AdminEndpoints(
                stores.users(),
                stores.sessions(),
                stores.apiKeys(),
                sessions,
                tokens,
                config.issuer(),
                config.users() != AuthConfig.UserSource.CONTAINER,
                new AdminAudit(),
                storeWait);
        return new AuthEndpoint(
                config,
                accounts,
                stores.users(),
                hasher,
                sessions,
                tokens,
                new LoginThrottle(stores.loginAttempts(), config.limits().login(), storeWait),
                new TokenEndpoints(config, tokens, sessions, accounts),
                new ApiKeyEndpoints(stores.apiKeys(), config.apiKeys(), clock, storeWait),
                stores.rateLimiter(),
                HashQueue.of(config.maxConcurrentHashes()),
                Optional.of(admin),
                bootstrap,
                storeWait);
    }

    private static void createDemoUser(UserStore users, PasswordHasher hasher, StoreWait storeWait) {
        try {
            storeWait.result(users.create(
                    new User(TokenIssuer.randomId(), DEMO_USERNAME, hasher.hash(DEMO_PASSWORD), DEMO_ROLES)));
            LOG.warn("DEMO: user '{}' with password '{}' exists", DEMO_USERNAME, DEMO_PASSWORD);
        } catch (StoreUnavailableException e) {
            // A demo configuration with a Redis that is not up yet still starts; users can register.
            LOG.warn("DEMO: user '{}' not created, the user store is unavailable: {}", DEMO_USERNAME, e.getMessage());
        }
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!withinLimit(request, response, ENDPOINTS_POLICY, config.limits().endpoints())) {
            return;
        }
        bootstrap.ifPresent(AdminBootstrap::ensure);
        String path = RouteStage.path(request);
        String subPath = path.length() > config.path().length()
                ? path.substring(config.path().length())
                : "/";
        if (admin.isPresent() && AdminEndpoints.matches(subPath)) {
            admin.get().handle(request, response, subPath);
            return;
        }
        Optional<Operation> operation = Optional.ofNullable(operations.get(subPath))
                .or(() -> apiKeys.matchesOne(subPath)
                        ? Optional.of(new Operation(Map.of("DELETE", apiKeys::delete), true))
                        : Optional.empty());
        if (operation.isEmpty()) {
            ProblemWriter.write(request, response, ProblemType.NOT_FOUND, "No such auth endpoint.");
            return;
        }
        AuthCall.Handler handler = operation.get().byMethod().get(request.getMethod());
        if (handler == null) {
            ProblemWriter.write(
                    request,
                    response,
                    new Problem(
                            ProblemType.METHOD_NOT_ALLOWED,
                            "This endpoint does not answer " + request.getMethod() + ".",
                            Map.of(
                                    "Allow",
                                    String.join(
                                            ", ",
                                            new TreeSet<>(
                                                    operation.get().byMethod().keySet())))));
            return;
        }
        try {
            Optional<VerifiedToken> caller = Optional.empty();
            if (operation.get().bearer()) {
                caller = authenticate(request, response);
                if (caller.isEmpty()) {
                    return;
                }
            }
            handler.handle(new AuthCall(request, response, subPath, caller));
        } catch (RequestFields.BadInput e) {
            ProblemWriter.write(request, response, ProblemType.BAD_REQUEST, e.getMessage());
        } catch (HashQueue.Full e) {
            LOG.debug("auth {} answered 503: {}", subPath, e.getMessage());
            ProblemWriter.write(
                    request,
                    response,
                    Problem.of(
                                    ProblemType.SERVICE_UNAVAILABLE,
                                    "Too many passwords are being checked right now; try again shortly.")
                            .withHeader("Retry-After", HashQueue.RETRY_AFTER_SECONDS));
        } catch (StoreUnavailableException e) {
            LOG.warn("auth {} answered 503: {}", subPath, e.getMessage());
            ProblemWriter.write(
                    request,
                    response,
                    Problem.of(
                                    ProblemType.SERVICE_UNAVAILABLE,
                                    "The gateway's state store is unreachable; try again shortly.")
                            .withHeader("Retry-After", Long.toString(StoreUnavailableException.RETRY_AFTER_SECONDS)));
        }
    }

    /**
     * Counts the request in its client address's bucket under {@code policy}; when the limit is spent, answers
     * 429 with {@code Retry-After}. Every answer carries the RateLimit fields of the policies counted so far.
     *
     * @return whether the request may go on
     */
    private boolean withinLimit(
            HttpServletRequest request, HttpServletResponse response, String policy, RateLimitsConfig.Limit limit)
            throws IOException {
        Quota quota = new Quota(limit.limit(), limit.window());
        Decision decision = storeWait.result(limiter.acquire("a:" + clientAddress(request), policy, quota));
        append(response, RateLimitFields.POLICY, RateLimitFields.policy(policy, quota));
        switch (decision.outcome()) {
            case ALLOWED -> {
                append(response, RateLimitFields.RATE_LIMIT, RateLimitFields.rateLimit(policy, decision));
                return true;
            }
            case LIMITED -> {
                append(response, RateLimitFields.RATE_LIMIT, RateLimitFields.rateLimit(policy, decision));
                ProblemWriter.write(
                        request,
                        response,
                        Problem.of(
                                        ProblemType.TOO_MANY_REQUESTS,
                                        "Too many requests to the auth service from this address; retry after "
                                                + Math.max(1, decision.resetSeconds()) + " s.")
                                .withHeader("Retry-After", Long.toString(Math.max(1, decision.resetSeconds()))));
                return false;
            }
            default -> {
                ProblemWriter.write(
                        request,
                        response,
                        Problem.of(ProblemType.SERVICE_UNAVAILABLE, "Rate limits cannot be counted right now.")
                                .withHeader("Retry-After", Long.toString(Math.max(1, decision.resetSeconds()))));
                return false;
            }
        }
    }

    /** Adds an item to a Structured Field list header (one item per policy). */
    private static void append(HttpServletResponse response, String name, String item) {
        String present = response.getHeader(name);
        response.setHeader(name, present == null || present.isEmpty() ? item : present + ", " + item);
    }

    private static String clientAddress(HttpServletRequest request) {
        return RequestAttributes.CLIENT.get(request).map(ClientAddress::address).orElseGet(request::getRemoteAddr);
    }

    private Optional<VerifiedToken> authenticate(HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        BearerToken.Found found = BearerToken.from(request);
        if (found instanceof BearerToken.Found.Malformed malformed) {
            ProblemWriter.write(request, response, JwtChallenges.invalid(malformed.description()));
            return Optional.empty();
        }
        if (!(found instanceof BearerToken.Found.Present bearer)) {
            ProblemWriter.write(request, response, TokenChecker.missing());
            return Optional.empty();
        }
        Verification result = tokens.checkOwn(bearer.token());
        if (result instanceof Verification.Rejected rejected) {
            ProblemWriter.write(request, response, TokenChecker.rejected(rejected));
            return Optional.empty();
        }
        return Optional.of(((Verification.Verified) result).token());
    }

    private void register(AuthCall call) throws IOException, RequestFields.BadInput {
        if (!config.registration() || !accounts.registrationPossible()) {
            ProblemWriter.write(
                    call.request(),
                    call.response(),
                    ProblemType.FORBIDDEN,
                    accounts.registrationPossible()
                            ? "Registration is turned off (auth.registration: false)."
                            : "Users are managed by the servlet container's realm (auth.users: container).");
            return;
        }
        Credentials credentials = credentials(call.json(CREDENTIAL_FIELDS));
        if (!withinLimit(
                call.request(),
                call.response(),
                REGISTER_POLICY,
                config.limits().register())) {
            return;
        }
        // Hashed whether or not the name is free, so the answer takes as long either way.
        String hash = hashes.run(() -> hasher.hash(credentials.password()));
        User user = new User(TokenIssuer.randomId(), credentials.canonical(), hash, REGISTERED_ROLES);
        if (!storeWait.result(users.create(user))) {
            ProblemWriter.write(call.request(), call.response(), ProblemType.CONFLICT, "The username is taken.");
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user_id", user.id());
        body.put("username", user.username());
        JsonResponses.write(call.request(), call.response(), 201, body);
    }

    /**
     * {@code POST /login}: a JSON body {@code {username, password}}, or an RFC 6749 token request as a form
     * ({@code grant_type=password} or {@code grant_type=refresh_token}), the discovery document's
     * {@code token_endpoint}.
     */
    private void login(AuthCall call) throws IOException, RequestFields.BadInput {
        if (RequestFields.isForm(call.request())) {
            grant(call);
            return;
        }
        Credentials credentials = credentials(call.json(CREDENTIAL_FIELDS));
        Optional<Account> account = checkPassword(call, credentials);
        if (account == null) {
            return;
        }
        if (account.isEmpty()) {
            ProblemWriter.write(
                    call.request(),
                    call.response(),
                    ProblemType.INVALID_CREDENTIALS,
                    "The username or password is wrong.");
            return;
        }
        writeTokens(call, sessions.login(account.get()));
    }

    /**
     * Counts the attempt first (429 when a counter is backing off), then checks the password behind the hash
     * queue (503 when it is full).
     *
     * @return the account, empty for a wrong password, or null when the answer has been written
     */
    private Optional<Account> checkPassword(AuthCall call, Credentials credentials) throws IOException {
        String address = clientAddress(call.request());
        Optional<Long> wait = throttle.attempt(credentials.canonical(), address);
        if (wait.isPresent()) {
            ProblemWriter.write(
                    call.request(),
                    call.response(),
                    Problem.of(
                                    ProblemType.TOO_MANY_REQUESTS,
                                    "Too many login attempts; try again in " + wait.get() + " s.")
                            .withHeader("Retry-After", Long.toString(wait.get())));
            return null;
        }
        Optional<Account> account;
        try {
            account = hashes.run(() -> accounts.check(
                    call.request(), credentials.name(), credentials.canonical(), credentials.password()));
        } catch (HashQueue.Full e) {
            // Not evaluated: the attempt must not count against anyone.
            throttle.withdraw(credentials.canonical(), address);
            throw e;
        }
        if (account.isPresent()) {
            throttle.succeeded(credentials.canonical(), address);
        }
        return account;
    }

    /**
     * An RFC 6749 token request (§4.3.2 password, §6 refresh); its errors are §5.2 JSON
     * ({@code invalid_request}, {@code invalid_grant}, {@code unsupported_grant_type}).
     */
    private void grant(AuthCall call) throws IOException {
        try {
            RequestFields fields = call.jsonOrForm(GRANT_FIELDS);
            fields.string("scope", 1024);
            fields.string("client_id", 256);
            String grantType = fields.string("grant_type", 64)
                    .orElseThrow(() -> new RequestFields.BadInput("Parameter 'grant_type' is required."));
            switch (grantType) {
                case "password" -> {
                    Credentials credentials = credentials(fields);
                    Optional<Account> account = checkPassword(call, credentials);
                    if (account == null) {
                        return;
                    }
                    if (account.isEmpty()) {
                        oauthError(call, "invalid_grant", "The username or password is wrong.");
                        return;
                    }
                    writeTokens(call, sessions.login(account.get()));
                }
                case "refresh_token" -> {
                    String presented = fields.requireString("refresh_token", 1, RefreshTokens.MAX_LENGTH);
                    SessionService.Refreshed result = sessions.refresh(presented);
                    if (result instanceof SessionService.Refreshed.Refused refused) {
                        oauthError(call, "invalid_grant", refused.description());
                        return;
                    }
                    writeTokens(call, ((SessionService.Refreshed.Issued) result).tokens());
                }
                default ->
                    oauthError(
                            call,
                            "unsupported_grant_type",
                            "Only the password and refresh_token grants are supported.");
            }
        } catch (RequestFields.BadInput e) {
            oauthError(call, "invalid_request", e.getMessage());
        }
    }

    /** RFC 6749 §5.2: 400, {@code {"error", "error_description"}}, not cached. */
    private static void oauthError(AuthCall call, String error, String description) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        // §5.2: the description is limited to printable ASCII without " and \.
        body.put("error_description", description.replaceAll("[^\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E]", " "));
        call.response().setHeader("Pragma", "no-cache");
        call.response().setHeader("Cache-Control", "no-store");
        JsonResponses.write(call.request(), call.response(), 400, body);
    }

    private void refresh(AuthCall call) throws IOException, RequestFields.BadInput {
        RequestFields fields = call.json(REFRESH_FIELDS);
        Optional<String> token = fields.string("refresh_token", RefreshTokens.MAX_LENGTH);
        Optional<String> alias = fields.string("refresh", RefreshTokens.MAX_LENGTH);
        if (token.isPresent() && alias.isPresent()) {
            throw new RequestFields.BadInput("Give 'refresh_token' or its alias 'refresh', not both.");
        }
        String presented = token.or(() -> alias)
                .orElseThrow(() -> new RequestFields.BadInput("Field 'refresh_token' is required."));
        SessionService.Refreshed result = sessions.refresh(presented);
        if (result instanceof SessionService.Refreshed.Refused refused) {
            ProblemWriter.write(call.request(), call.response(), JwtChallenges.invalid(refused.description()));
            return;
        }
        writeTokens(call, ((SessionService.Refreshed.Issued) result).tokens());
    }

    private void logout(AuthCall call) throws IOException, RequestFields.BadInput {
        RequestFields fields = RequestFields.readOptional(call.request(), Set.of("refresh_token"));
        Optional<String> refresh = fields.string("refresh_token", RefreshTokens.MAX_LENGTH);
        VerifiedToken token = call.token();
        token.jti().ifPresent(jti -> sessions.revokeAccessToken(token.subject(), jti, token.expiresAt()));
        token.sessionId().ifPresent(sid -> sessions.end(token.subject(), sid));
        // The refresh token may name another session of the same user (an older login): end that one too.
        refresh.flatMap(sessions::sessionOf)
                .filter(session -> session.userId().equals(token.subject()))
                .ifPresent(session -> sessions.end(token.subject(), session.sid()));
        noContent(call);
    }

    private void logoutAll(AuthCall call) throws IOException, RequestFields.BadInput {
        RequestFields fields = RequestFields.readOptional(call.request(), LOGOUT_ALL_FIELDS);
        boolean revokeKeys = fields.bool("revoke_api_keys").orElse(false);
        VerifiedToken token = call.token();
        token.jti().ifPresent(jti -> sessions.revokeAccessToken(token.subject(), jti, token.expiresAt()));
        sessions.endAll(token.subject());
        if (revokeKeys) {
            apiKeys.revokeAll(token.subject());
        }
        noContent(call);
    }

    private void me(AuthCall call) throws IOException {
        VerifiedToken token = call.token();
        Optional<Account> account = accounts.find(token.subject(), token.roles());
        if (account.isEmpty()) {
            ProblemWriter.write(call.request(), call.response(), JwtChallenges.invalid("The user no longer exists."));
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user_id", account.get().userId());
        body.put("username", account.get().username());
        body.put("roles", account.get().roles());
        body.put("exp", token.expiresAt().getEpochSecond());
        JsonResponses.write(call.request(), call.response(), 200, body);
    }

    private static void writeTokens(AuthCall call, SessionService.TokenPair tokens) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", tokens.accessToken());
        body.put("token_type", "Bearer");
        body.put("expires_in", tokens.expiresIn());
        body.put("refresh_token", tokens.refreshToken());
        body.put("user_id", tokens.userId());
        call.response().setHeader("Pragma", "no-cache");
        JsonResponses.write(call.request(), call.response(), 200, body);
    }

    static void noContent(AuthCall call) {
        call.response().setStatus(204);
        call.response().setHeader("Cache-Control", "no-store");
    }

    /** A username and password that passed the input rules. */
    private record Credentials(String name, String canonical, String password) {
        @Override
        public String toString() {
            return "Credentials[" + canonical + "]";
        }
    }

    private static Credentials credentials(RequestFields fields) throws RequestFields.BadInput {
        String raw = fields.requireString("username", 1, Usernames.MAX_LENGTH * 4);
        String canonical = Usernames.normalise(raw)
                .orElseThrow(() -> new RequestFields.BadInput("Field 'username' must be 1–" + Usernames.MAX_LENGTH
                        + " characters after NFKC normalisation, without spaces or control characters."));
        String password = fields.requireString("password", 1, RequestFields.MAX_BODY_BYTES);
        Passwords.check(password);
        return new Credentials(Normalizer.normalize(raw, Normalizer.Form.NFKC), canonical, password);
    }

    /** The methods a sub-path answers and whether it needs a Bearer token. */
    private record Operation(Map<String, AuthCall.Handler> byMethod, boolean bearer) {
        static Operation post(boolean bearer, AuthCall.Handler handler) {
            return new Operation(Map.of("POST", handler), bearer);
        }
    }
}
