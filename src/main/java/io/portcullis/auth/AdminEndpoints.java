package io.portcullis.auth;

import io.portcullis.apikey.ApiKey;
import io.portcullis.apikey.ApiKeyStore;
import io.portcullis.chain.JsonResponses;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.chain.StoreUnavailableException;
import io.portcullis.chain.StoreWait;
import io.portcullis.jwt.BearerToken;
import io.portcullis.jwt.JwtChallenges;
import io.portcullis.jwt.Verification;
import io.portcullis.jwt.VerifiedToken;
import io.portcullis.problem.Problem;
import io.portcullis.problem.ProblemType;
import io.portcullis.problem.ProblemWriter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API under {@code {auth.path}/admin}: list and find users, disable and enable them, grant and revoke
 * roles, list and revoke any user's API keys and sessions. Only a Bearer access token that this gateway's auth
 * service issued, for a stored user whose stored roles include {@value UserStore#ADMIN_ROLE} and who is not
 * disabled, may call it: the stored roles are read on every request, so a revoked role stops working at once
 * whatever the token claims; a consumer's token, a trusted issuer's token or an API key never qualifies. The API
 * is Bearer-only (cookies are never read, so there is nothing to forge cross-site). Every request writes one
 * {@link AdminAudit} line. Bad input is a 400, an unknown user a 404, taking the role from the last enabled admin
 * a 409, an unreachable store a 503; all problem+json. Thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9457">RFC 9457, Problem Details for HTTP APIs</a>
 */
final class AdminEndpoints {
    static final String PATH = "/admin";
    static final int DEFAULT_PAGE_SIZE = 50;
    static final int MAX_PAGE_SIZE = 200;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern ROLE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final int MAX_QUERY_LENGTH = 1024;
    private static final Logger LOG = LoggerFactory.getLogger(AdminEndpoints.class);

    private final StoreWait storeWait;
    private final UserStore users;
    private final SessionStore sessionStore;
    private final ApiKeyStore apiKeys;
    private final SessionService sessions;
    private final TokenChecker tokens;
    private final String issuer;
    private final boolean storedUsers;
    private final AdminAudit audit;

    /**
     * @param issuer the gateway's own {@code auth.issuer}: only its tokens may call the admin API
     * @param storedUsers false for {@code auth.users: container}, whose users the container's realm manages
     */
    AdminEndpoints(
            UserStore users,
            SessionStore sessionStore,
            ApiKeyStore apiKeys,
            SessionService sessions,
            TokenChecker tokens,
            String issuer,
            boolean storedUsers,
            AdminAudit audit) {
        this(users, sessionStore, apiKeys, sessions, tokens, issuer, storedUsers, audit, StoreWait.DEFAULT);
    }

    /** @param storeWait the bound on every wait for a store's answer */
    AdminEndpoints(
            UserStore users,
            SessionStore sessionStore,
            ApiKeyStore apiKeys,
            SessionService sessions,
            TokenChecker tokens,
            String issuer,
            boolean storedUsers,
            AdminAudit audit,
            StoreWait storeWait) {
        this.storeWait = storeWait;
        this.users = users;
        this.sessionStore = sessionStore;
        this.apiKeys = apiKeys;
        this.sessions = sessions;
        this.tokens = tokens;
        this.issuer = issuer;
        this.storedUsers = storedUsers;
        this.audit = audit;
    }

    /** Whether {@code subPath} (below {@code auth.path}) belongs to the admin API. */
    static boolean matches(String subPath) {
        return subPath.equals(PATH) || subPath.startsWith(PATH + "/");
    }

    /** One admin request; {@code subPath} is below {@code auth.path} and {@link #matches} it. */
    void handle(HttpServletRequest request, HttpServletResponse response, String subPath) throws IOException {
        Call call = new Call(
                request, response, List.of(subPath.substring(PATH.length()).split("/", -1)));
        try {
            Optional<String> actor = authorise(call);
            if (actor.isPresent()) {
                call.actor = actor.get();
                dispatch(call);
            }
        } catch (RequestFields.BadInput e) {
            ProblemWriter.write(request, response, ProblemType.BAD_REQUEST, e.getMessage());
        } catch (StoreUnavailableException e) {
            LOG.warn("admin {} answered 503: {}", subPath, e.getMessage());
            ProblemWriter.write(
                    request,
                    response,
                    Problem.of(
                                    ProblemType.SERVICE_UNAVAILABLE,
                                    "The gateway's state store is unreachable; try again shortly.")
                            .withHeader("Retry-After", Long.toString(StoreUnavailableException.RETRY_AFTER_SECONDS)));
        } finally {
            audit.record(
                    call.actor,
                    call.action,
                    call.target,
                    RequestAttributes.REQUEST_ID.get(request).orElse("-"),
                    response.getStatus());
        }
    }

    /**
     * Authenticates the Bearer token and checks the admin role in the user store.
     *
     * @return the admin's user id, or empty when the answer (401, 403) has been written
     */
    private Optional<String> authorise(Call call) throws IOException {
        BearerToken.Found found = BearerToken.from(call.request);
        if (found instanceof BearerToken.Found.Malformed malformed) {
            ProblemWriter.write(call.request, call.response, JwtChallenges.invalid(malformed.description()));
            return Optional.empty();
        }
        if (!(found instanceof BearerToken.Found.Present bearer)) {
            ProblemWriter.write(call.request, call.response, JwtChallenges.missing());
            return Optional.empty();
        }
        Verification result = tokens.check(bearer.token());
        if (result instanceof Verification.Rejected rejected) {
            ProblemWriter.write(call.request, call.response, TokenChecker.rejected(rejected));
            return Optional.empty();
        }
        VerifiedToken token = ((Verification.Verified) result).token();
        call.actor = token.subject();
        if (!issuer.equals(token.issuer())) {
            // A consumer's token carries the roles of its config entry, never a stored user's.
            forbidden(call, "The admin API accepts only access tokens this gateway issued to its own users.");
            return Optional.empty();
        }
        if (!storedUsers) {
            forbidden(call, "Users are managed by the servlet container's realm (auth.users: container).");
            return Optional.empty();
        }
        Optional<User> admin = storeWait.result(users.findById(token.subject()));
        if (admin.isEmpty() || !admin.get().isActiveAdmin()) {
            forbidden(call, "This needs the " + UserStore.ADMIN_ROLE + " role.");
            return Optional.empty();
        }
        return Optional.of(admin.get().id());
    }

    private static void forbidden(Call call, String detail) throws IOException {
        ProblemWriter.write(
                call.request,
                call.response,
                Problem.of(ProblemType.FORBIDDEN, detail)
                        .withHeader(
                                "WWW-Authenticate",
                                "Bearer error=\"insufficient_scope\", scope=\"" + UserStore.ADMIN_ROLE + "\""));
    }

    private void dispatch(Call call) throws IOException, RequestFields.BadInput {
        List<String> s = call.segments;
        // s.get(0) is the empty segment before the first '/'.
        if (s.size() < 2 || !s.get(0).isEmpty() || !s.get(1).equals("users")) {
            notFound(call, "No such admin endpoint.");
            return;
        }
        if (s.size() == 2) {
            on(call, "users.list", Map.of("GET", this::list));
            return;
        }
        String id = s.get(2);
        call.target = id;
        if (s.size() == 3) {
            on(call, "user.get", Map.of("GET", c -> get(c, id)));
            return;
        }
        String part = s.get(3);
        if (s.size() == 4) {
            switch (part) {
                case "disable" -> on(call, "user.disable", Map.of("POST", c -> disable(c, id)));
                case "enable" -> on(call, "user.enable", Map.of("POST", c -> enable(c, id)));
                case "api-keys" -> on(call, "api-keys.list", Map.of("GET", c -> listKeys(c, id)));
                case "sessions" ->
                    on(
                            call,
                            "sessions.list",
                            Map.of("GET", c -> listSessions(c, id), "DELETE", c -> endSessions(c, id)));
                default -> notFound(call, "No such admin endpoint.");
            }
            return;
        }
        if (s.size() == 5) {
            String item = s.get(4);
            switch (part) {
                case "roles" ->
                    on(call, "role.change", Map.of("PUT", c -> grant(c, id, item), "DELETE", c -> revoke(c, id, item)));
                case "api-keys" -> on(call, "api-key.revoke", Map.of("DELETE", c -> revokeKey(c, id, item)));
                case "sessions" -> on(call, "session.end", Map.of("DELETE", c -> endSession(c, id, item)));
                default -> notFound(call, "No such admin endpoint.");
            }
            return;
        }
        notFound(call, "No such admin endpoint.");
    }

    /** Runs the handler for the request's method, or answers 405 with {@code Allow}. */
    private static void on(Call call, String action, Map<String, Handler> byMethod)
            throws IOException, RequestFields.BadInput {
        call.action = action;
        Handler handler = byMethod.get(call.request.getMethod());
        if (handler == null) {
            ProblemWriter.write(
                    call.request,
                    call.response,
                    new Problem(
                            ProblemType.METHOD_NOT_ALLOWED,
                            "This admin endpoint does not answer " + AdminAudit.clean(call.request.getMethod()) + ".",
                            Map.of("Allow", String.join(", ", new TreeSet<>(byMethod.keySet())))));
            return;
        }
        handler.handle(call);
    }

    private void list(Call call) throws IOException, RequestFields.BadInput {
        Map<String, String> query = call.query(Set.of("prefix", "after", "limit"));
        String rawPrefix = query.getOrDefault("prefix", "");
        String prefix = rawPrefix.isEmpty()
                ? ""
                : Usernames.normalise(rawPrefix)
                        .orElseThrow(
                                () -> new RequestFields.BadInput("Parameter 'prefix' must be 1–" + Usernames.MAX_LENGTH
                                        + " characters of a username (no spaces or control characters)."));
        Optional<String> after = Optional.ofNullable(query.get("after"))
                .map(raw -> Usernames.normalise(raw).orElse(null));
        if (query.containsKey("after") && after.isEmpty()) {
            throw new RequestFields.BadInput("Parameter 'after' must be a username (the 'next_after' of a page).");
        }
        int limit = DEFAULT_PAGE_SIZE;
        if (query.containsKey("limit")) {
            String raw = query.get("limit");
            if (!raw.matches("[0-9]{1,3}") || Integer.parseInt(raw) < 1 || Integer.parseInt(raw) > MAX_PAGE_SIZE) {
                throw new RequestFields.BadInput(
                        "Parameter 'limit' must be a whole number from 1 to " + MAX_PAGE_SIZE + ".");
            }
            limit = Integer.parseInt(raw);
        }
        // One more than asked says whether another page follows.
        List<User> page = storeWait.result(users.list(prefix, after, limit + 1));
        List<Map<String, Object>> listed = new ArrayList<>();
        for (User user : page.subList(0, Math.min(limit, page.size()))) {
            listed.add(view(user));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("users", listed);
        if (page.size() > limit) {
            body.put("next_after", page.get(limit - 1).username());
        }
        JsonResponses.write(call.request, call.response, 200, body);
    }

    private void get(Call call, String id) throws IOException, RequestFields.BadInput {
        call.query(Set.of());
        Optional<User> user = find(call, id);
        if (user.isPresent()) {
            JsonResponses.write(call.request, call.response, 200, view(user.get()));
        }
    }

    /**
     * Disables the account: logins are refused (as a wrong password), every session ends, every access token
     * issued up to now is revoked (the mark is the next whole second, so a token being signed at this moment is
     * caught too) and the user's API keys are revoked (they are not restored by enabling).
     */
    private void disable(Call call, String id) throws IOException, RequestFields.BadInput {
        call.query(Set.of());
        checkId(id);
        UserStore.Change change = storeWait.result(users.setDisabled(id, true));
        if (!changed(call, change)) {
            return;
        }
        int ended = sessions.endAll(id, nextSecond());
        int keys = revokeKeys(id);
        Map<String, Object> body = view(storeWait
                .result(users.findById(id))
                .orElseThrow(() -> new StoreUnavailableException("the user vanished while being disabled")));
        body.put("sessions_ended", ended);
        body.put("api_keys_revoked", keys);
        JsonResponses.write(call.request, call.response, 200, body);
    }

    private void enable(Call call, String id) throws IOException, RequestFields.BadInput {
        call.query(Set.of());
        checkId(id);
        if (changed(call, storeWait.result(users.setDisabled(id, false)))) {
            writeUser(call, id);
        }
    }

    private void grant(Call call, String id, String role) throws IOException, RequestFields.BadInput {
        call.action = "role.grant";
        boolean revokeTokens = revokeTokens(call);
        checkId(id);
        checkRole(role);
        if (changed(call, storeWait.result(users.grantRole(id, role)))) {
            afterRoleChange(call, id, revokeTokens);
        }
    }

    private void revoke(Call call, String id, String role) throws IOException, RequestFields.BadInput {
        call.action = "role.revoke";
        boolean revokeTokens = revokeTokens(call);
        checkId(id);
        checkRole(role);
        if (changed(call, storeWait.result(users.revokeRole(id, role)))) {
            afterRoleChange(call, id, revokeTokens);
        }
    }

    /** Tokens carry the roles of their login: new ones at the next refresh, or at once when they are revoked. */
    private void afterRoleChange(Call call, String id, boolean revokeTokens) throws IOException {
        int ended = revokeTokens ? sessions.endAll(id, nextSecond()) : 0;
        Map<String, Object> body = view(storeWait
                .result(users.findById(id))
                .orElseThrow(() -> new StoreUnavailableException("the user vanished while its roles changed")));
        body.put("tokens_revoked", revokeTokens);
        if (revokeTokens) {
            body.put("sessions_ended", ended);
        }
        JsonResponses.write(call.request, call.response, 200, body);
    }

    private void listKeys(Call call, String id) throws IOException, RequestFields.BadInput {
        call.query(Set.of());
        if (find(call, id).isEmpty()) {
            return;
        }
        List<Map<String, Object>> listed = new ArrayList<>();
        for (ApiKey key : storeWait.result(apiKeys.listByOwner(id))) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", key.id());
            entry.put("name", key.name());
            entry.put("scopes", key.scopes());
            entry.put("created_at", key.createdAt().toString());
            key.expiresAt().ifPresent(at -> entry.put("expires_at", at.toString()));
            listed.add(entry);
        }
        JsonResponses.write(call.request, call.response, 200, Map.of("api_keys", listed));
    }

    private void revokeKey(Call call, String id, String keyId) throws IOException, RequestFields.BadInput {
        call.query(Set.of());
        checkId(id);
        if (!ID.matcher(keyId).matches()) {
            throw new RequestFields.BadInput("Not an API key id: 1–64 characters of A-Z a-z 0-9 _ -.");
        }
        if (find(call, id).isEmpty()) {
            return;
        }
        if (!storeWait.result(apiKeys.revoke(id, keyId))) {
            notFound(call, "The user has no API key with this id.");
            return;
        }
        noContent(call);
    }

    private void listSessions(Call call, String id) throws IOException, RequestFields.BadInput {
        call.query(Set.of());
        if (find(call, id).isEmpty()) {
            return;
        }
        List<Map<String, Object>> listed = new ArrayList<>();
        for (Session session : storeWait.result(sessionStore.listByUser(id))) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("sid", session.sid());
            entry.put("created_at", session.createdAt().toString());
            entry.put("last_used_at", session.lastUsedAt().toString());
            entry.put("expires_at", session.expiresAt().toString());
            listed.add(entry);
        }
        JsonResponses.write(call.request, call.response, 200, Map.of("sessions", listed));
    }

    private void endSessions(Call call, String id) throws IOException, RequestFields.BadInput {
        call.action = "sessions.end";
        call.query(Set.of());
        if (find(call, id).isEmpty()) {
            return;
        }
        sessions.endAll(id, nextSecond());
        noContent(call);
    }

    private void endSession(Call call, String id, String sid) throws IOException, RequestFields.BadInput {
        call.query(Set.of());
        checkId(id);
        if (!ID.matcher(sid).matches()) {
            throw new RequestFields.BadInput("Not a session id: 1–64 characters of A-Z a-z 0-9 _ -.");
        }
        if (find(call, id).isEmpty()) {
            return;
        }
        Optional<Session> session =
                storeWait.result(sessionStore.find(sid)).filter(s -> s.userId().equals(id));
        if (session.isEmpty()) {
            notFound(call, "The user has no live session with this id.");
            return;
        }
        sessions.end(id, sid);
        noContent(call);
    }

    private int revokeKeys(String id) {
        int revoked = 0;
        for (ApiKey key : storeWait.result(apiKeys.listByOwner(id))) {
            if (storeWait.result(apiKeys.revoke(id, key.id()))) {
                revoked++;
            }
        }
        return revoked;
    }

    private Instant nextSecond() {
        return Instant.ofEpochSecond(sessions.now().getEpochSecond() + 1);
    }

    private Optional<User> find(Call call, String id) throws IOException, RequestFields.BadInput {
        checkId(id);
        Optional<User> user = storeWait.result(users.findById(id));
        if (user.isEmpty()) {
            notFound(call, "No user with this id.");
        }
        return user;
    }

    /** @return whether the change was made; otherwise its 404 or 409 has been written */
    private static boolean changed(Call call, UserStore.Change change) throws IOException {
        switch (change) {
            case DONE -> {
                return true;
            }
            case NO_SUCH_USER -> notFound(call, "No user with this id.");
            default ->
                ProblemWriter.write(
                        call.request,
                        call.response,
                        ProblemType.CONFLICT,
                        "This is the last enabled admin: grant the " + UserStore.ADMIN_ROLE
                                + " role to another user first.");
        }
        return false;
    }

    private void writeUser(Call call, String id) throws IOException {
        JsonResponses.write(
                call.request,
                call.response,
                200,
                view(storeWait
                        .result(users.findById(id))
                        .orElseThrow(() -> new StoreUnavailableException("the user vanished"))));
    }

    private static void checkId(String id) throws RequestFields.BadInput {
        if (!ID.matcher(id).matches()) {
            throw new RequestFields.BadInput("Not a user id: 1–64 characters of A-Z a-z 0-9 _ -.");
        }
    }

    private static void checkRole(String role) throws RequestFields.BadInput {
        if (!ROLE.matcher(role).matches()) {
            throw new RequestFields.BadInput("Not a role name: 1–64 characters of A-Z a-z 0-9 . _ : -.");
        }
    }

    private static boolean revokeTokens(Call call) throws RequestFields.BadInput {
        String raw = call.query(Set.of("revoke-tokens")).get("revoke-tokens");
        if (raw == null || raw.equals("false")) {
            return false;
        }
        if (raw.equals("true")) {
            return true;
        }
        throw new RequestFields.BadInput("Parameter 'revoke-tokens' must be true or false.");
    }

    private static void noContent(Call call) {
        call.response.setStatus(204);
        call.response.setHeader("Cache-Control", "no-store");
    }

    private static void notFound(Call call, String detail) throws IOException {
        ProblemWriter.write(call.request, call.response, ProblemType.NOT_FOUND, detail);
    }

    /** What the admin API shows of a user: never the password hash. */
    private static Map<String, Object> view(User user) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("user_id", user.id());
        view.put("username", user.username());
        view.put("roles", user.roles());
        view.put("disabled", user.disabled());
        return view;
    }

    /** One admin request and what its audit line will say. Confined to the request thread. */
    private static final class Call {
        final HttpServletRequest request;
        final HttpServletResponse response;
        final List<String> segments;
        String actor = "-";
        String action = "unknown";
        String target = "-";

        Call(HttpServletRequest request, HttpServletResponse response, List<String> segments) {
            this.request = request;
            this.response = response;
            this.segments = segments;
        }

        /**
         * The query parameters, each at most once and each among {@code allowed}; the body is never read for them.
         */
        Map<String, String> query(Set<String> allowed) throws RequestFields.BadInput {
            String raw = request.getQueryString();
            Map<String, String> query = new LinkedHashMap<>();
            if (raw == null || raw.isEmpty()) {
                return query;
            }
            if (raw.length() > MAX_QUERY_LENGTH) {
                throw new RequestFields.BadInput("The query is longer than " + MAX_QUERY_LENGTH + " characters.");
            }
            for (String pair : raw.split("&", -1)) {
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                if (!allowed.contains(name)) {
                    throw new RequestFields.BadInput(
                            allowed.isEmpty()
                                    ? "This endpoint takes no query parameters."
                                    : "Unknown query parameter; this endpoint takes "
                                            + String.join(", ", new TreeSet<>(allowed)) + ".");
                }
                if (query.put(name, value) != null) {
                    throw new RequestFields.BadInput("Parameter '" + name + "' is given twice.");
                }
            }
            return query;
        }

        private static String decode(String part) throws RequestFields.BadInput {
            try {
                return URLDecoder.decode(part, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new RequestFields.BadInput("The query has a malformed percent escape.");
            }
        }
    }

    @FunctionalInterface
    private interface Handler {
        void handle(Call call) throws IOException, RequestFields.BadInput;
    }
}
