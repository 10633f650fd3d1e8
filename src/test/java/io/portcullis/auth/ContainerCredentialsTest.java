package io.portcullis.auth;

import static io.portcullis.auth.AuthFixture.bearer;
import static io.portcullis.auth.AuthFixture.credentials;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.verify;

import io.portcullis.auth.AuthFixture.Answer;
import io.portcullis.testsupport.FakeRequest;
import jakarta.servlet.ServletException;
import java.security.Principal;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ContainerCredentialsTest {
    private final ContainerCredentials realm = new ContainerCredentials(Set.of("user", "admin", "orders"));

    private static FakeRequest loginRequest(String username, String password) {
        return AuthFixture.jsonRequest("POST", "/auth/login", credentials(username, password));
    }

    @Test
    void checkWhenContainerAcceptsThenPrincipalNameAndProbedRolesAndLoggedOutAgain() throws Exception {
        FakeRequest request = loginRequest("Bob", "correct horse");
        Principal principal = () -> "Bob";
        doReturn(principal).when(request).getUserPrincipal();
        doReturn(true).when(request).isUserInRole("orders");
        doReturn(true).when(request).isUserInRole("user");

        Account account = realm.check(request, "Bob", "bob", "correct horse").orElseThrow();

        assertEquals("Bob", account.userId());
        assertEquals(List.of("orders", "user"), account.roles());
        assertTrue(account.fromContainer());
        verify(request).login("Bob", "correct horse");
        verify(request).logout();
    }

    @Test
    void checkWhenContainerRefusesThenEmpty() throws Exception {
        FakeRequest request = loginRequest("bob", "wrong horse");
        doThrow(new ServletException("bad")).when(request).login("bob", "wrong horse");

        assertEquals(Optional.empty(), realm.check(request, "bob", "bob", "wrong horse"));
    }

    @Test
    void checkWhenContainerHasNoRealmThenEmpty() throws Exception {
        FakeRequest request = loginRequest("bob", "pw");
        doThrow(new IllegalStateException("no authenticator")).when(request).login("bob", "pw");

        assertEquals(Optional.empty(), realm.check(request, "bob", "bob", "pw"));
    }

    @Test
    void endpointWhenContainerUsersThenRegistrationRefusedAndRolesSurviveRefresh() throws Exception {
        AuthFixture auth = new AuthFixture(
                AuthFixture.CONFIG.replace("  refresh-grace: 30s", "  refresh-grace: 30s\n  users: container"));
        assertEquals(
                403, auth.post("/register", credentials("bob", "correct horse")).status());

        FakeRequest request = loginRequest("Bob", "correct horse");
        doReturn((Principal) () -> "Bob").when(request).getUserPrincipal();
        doReturn(true).when(request).isUserInRole("orders");
        Answer login = auth.call(request);
        assertEquals(200, login.status(), () -> login.body().toString());
        assertEquals("Bob", login.text("user_id"));

        Answer refreshed = auth.post("/refresh", "{\"refresh_token\":\"" + login.text("refresh_token") + "\"}");
        Answer me = auth.get("/me", "Authorization", bearer(refreshed.text("access_token")));
        assertEquals("Bob", me.text("username"));
        assertEquals("[\"orders\"]", me.body().path("roles").toString());

        FakeRequest wrong = loginRequest("Bob", "wrong horse");
        doThrow(new ServletException("bad")).when(wrong).login("Bob", "wrong horse");
        assertEquals(401, auth.call(wrong).status());
    }
}
