package io.portcullis.auth;

import io.portcullis.jwt.VerifiedToken;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/**
 * One request to an auth endpoint, as the per-endpoint handlers see it.
 *
 * @param subPath the path below {@code auth.path}, such as {@code /login} or {@code /api-keys/abc}
 * @param caller the verified access token of a Bearer endpoint; empty for the others
 */
record AuthCall(
        HttpServletRequest request, HttpServletResponse response, String subPath, Optional<VerifiedToken> caller) {

    /** The verified caller; only called by Bearer endpoints, which the dispatcher authenticates first. */
    VerifiedToken token() {
        return caller.orElseThrow(() -> new IllegalStateException("not a Bearer endpoint"));
    }

    RequestFields json(Set<String> allowed) throws RequestFields.BadInput {
        return RequestFields.read(request, allowed, false);
    }

    RequestFields jsonOrForm(Set<String> allowed) throws RequestFields.BadInput {
        return RequestFields.read(request, allowed, true);
    }

    /** One auth endpoint: answers the call or throws for bad input. */
    @FunctionalInterface
    interface Handler {
        void handle(AuthCall call) throws IOException, RequestFields.BadInput;
    }
}
