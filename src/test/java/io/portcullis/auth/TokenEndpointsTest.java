package io.portcullis.auth;

import static io.portcullis.auth.AuthFixture.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;

import io.portcullis.auth.AuthFixture.Answer;
import io.portcullis.testsupport.FakeRequest;
import java.nio.charset.UnsupportedCharsetException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenEndpointsTest {
    private final AuthFixture auth = new AuthFixture();
    private final Answer login = auth.registerAndLogin("bob");
    private final String access = login.text("access_token");
    private final String refresh = login.text("refresh_token");

    private static String token(String field, String value) {
        return "{\"" + field + "\":\"" + value + "\"}";
    }

    @Test
    void verifyWhenValidAccessTokenThenActiveWithUser() {
        for (String field : new String[] {"token", "access"}) {
            Answer answer = auth.post("/verify", token(field, access));

            assertEquals(200, answer.status());
            assertTrue(answer.body().path("active").asBoolean());
            assertEquals(login.text("user_id"), answer.text("user_id"));
            assertEquals(login.text("user_id"), answer.text("sub"));
            assertEquals("user", answer.text("scope"));
            assertEquals(
                    AuthFixture.START.plus(Duration.ofMinutes(15)).getEpochSecond(),
                    answer.body().path("exp").asLong());
        }
    }

    @Test
    void verifyWhenRefreshTokenExpiredOrRevokedThen401() {
        assertEquals(401, auth.post("/verify", token("token", refresh)).status());
        assertEquals(401, auth.post("/verify", token("token", "garbage")).status());
        auth.post("/revoke", token("token", access));
        Answer revoked = auth.post("/verify", token("token", access));
        assertEquals(401, revoked.status());
        assertTrue(revoked.header("WWW-Authenticate").contains("invalid_token"));
    }

    @Test
    void verifyWhenBadInputThen400() {
        assertEquals(400, auth.post("/verify", "{}").status());
        assertEquals(
                400, auth.post("/verify", "{\"token\":\"a\",\"access\":\"b\"}").status());
        assertEquals(400, auth.post("/verify", "{\"token\":5}").status());
        assertEquals(400, auth.post("/verify", "{\"jwt\":\"a\"}").status());
    }

    @Test
    void introspectWhenAccessTokenAsJsonOrFormThenActiveWithClaims() {
        for (Answer answer : new Answer[] {
            auth.post("/introspect", token("token", access)),
            auth.postForm(
                    "/introspect",
                    Map.of("token", new String[] {access}, "token_type_hint", new String[] {"access_token"}))
        }) {
            assertEquals(200, answer.status());
            assertTrue(answer.body().path("active").asBoolean());
            assertEquals(login.text("user_id"), answer.text("sub"));
            assertEquals("Bearer", answer.text("token_type"));
            assertEquals(AuthFixture.ISSUER, answer.text("iss"));
            assertEquals("api", answer.text("aud"));
            assertEquals("bob", answer.text("username"));
            assertFalse(answer.text("jti").isEmpty());
            assertEquals(
                    AuthFixture.START.getEpochSecond(),
                    answer.body().path("iat").asLong());
        }
    }

    @Test
    void introspectWhenRefreshTokenThenActiveUntilSpent() {
        Answer active = auth.post("/introspect", token("token", refresh));
        assertTrue(active.body().path("active").asBoolean());
        assertEquals("refresh_token", active.text("token_type"));
        assertEquals(login.text("user_id"), active.text("sub"));

        auth.post("/refresh", "{\"refresh_token\":\"" + refresh + "\"}");

        Answer spent = auth.post("/introspect", token("token", refresh));
        assertEquals(200, spent.status());
        assertEquals("{\"active\":false}", spent.body().toString());
    }

    @Test
    void introspectWhenInvalidOrRevokedThenInactive() {
        assertEquals(
                "{\"active\":false}",
                auth.post("/introspect", token("token", "nonsense")).body().toString());
        auth.post("/revoke", token("token", access));
        assertEquals(
                "{\"active\":false}",
                auth.post("/introspect", token("token", access)).body().toString());
        assertEquals(400, auth.post("/introspect", "{}").status());
    }

    @Test
    void revokeWhenAccessTokenThenRevokedByJtiOnly() {
        Answer answer = auth.postForm("/revoke", Map.of("token", new String[] {access}));

        assertEquals(200, answer.status());
        assertEquals(401, auth.get("/me", "Authorization", bearer(access)).status());
        assertEquals(
                200,
                auth.post("/refresh", "{\"refresh_token\":\"" + refresh + "\"}").status(),
                "the session lives on");
    }

    @Test
    void revokeWhenAccessTokenThenStillRevokedInTheLeewayAfterItsExp() {
        assertEquals(
                200,
                auth.postForm("/revoke", Map.of("token", new String[] {access})).status());
        Duration leeway = auth.config.auth().leeway();
        assertTrue(leeway.toSeconds() >= 2, "the test needs a leeway to stand in");

        auth.clock.advance(Duration.ofMinutes(15).plus(leeway).minusSeconds(1)); // past exp, the token still accepted

        assertEquals(
                401, auth.get("/me", "Authorization", bearer(access)).status(), "revoked is revoked until the end");
    }

    @Test
    void revokeWhenRefreshTokenThenSessionEnds() {
        assertEquals(
                200,
                auth.post("/revoke", "{\"token\":\"" + refresh + "\",\"token_type_hint\":\"refresh_token\"}")
                        .status());

        assertEquals(
                401,
                auth.post("/refresh", "{\"refresh_token\":\"" + refresh + "\"}").status());
        assertEquals(401, auth.get("/me", "Authorization", bearer(access)).status());
    }

    @Test
    void revokeWhenUnknownTokenThen200AndWhenNoTokenThen400() {
        assertEquals(200, auth.post("/revoke", token("token", "whatever")).status());
        assertEquals(400, auth.post("/revoke", "{}").status());
        assertEquals(400, auth.post("/revoke", "{\"token\":\"a\",\"other\":1}").status());
    }

    /**
     * Found by AuthEndpointPropertiesTest: a form the container or the WAF cannot decode (here a charset the
     * JVM does not know) made parsing throw out of the endpoint, a 500.
     */
    @Test
    void revokeWhenFormCannotBeDecodedThen400() {
        FakeRequest request = FakeRequest.of("POST", "/auth/revoke");
        doReturn("application/x-www-form-urlencoded; charset=bogus")
                .when(request)
                .getContentType();
        doThrow(new UnsupportedCharsetException("bogus")).when(request).getParameterMap();

        Answer answer = auth.call(request);

        assertEquals(400, answer.status());
        assertEquals("application/problem+json", answer.response().getContentType());
        assertEquals("The form body cannot be decoded.", answer.text("detail"));
    }
}
