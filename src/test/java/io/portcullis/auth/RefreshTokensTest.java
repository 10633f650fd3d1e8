package io.portcullis.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RefreshTokensTest {
    private final RefreshTokens tokens = new RefreshTokens();

    @Test
    void createWhenParsedThenSidAndNoRoles() {
        String token = tokens.create("session-id-123456", List.of());

        RefreshTokens.Parsed parsed = RefreshTokens.parse(token).orElseThrow();

        assertEquals("session-id-123456", parsed.sid());
        assertEquals(List.of(), parsed.roles());
        assertNotEquals(token, tokens.create("session-id-123456", List.of()));
        assertTrue(token.length() >= 4 + 16 + 1 + 43, "256 random bits");
    }

    @Test
    void createWhenRolesCarriedThenParsedBack() {
        String token = tokens.create("session-id-123456", List.of("admin", "orders"));

        assertEquals(
                List.of("admin", "orders"),
                RefreshTokens.parse(token).orElseThrow().roles());
    }

    @Test
    void parseWhenNotARefreshTokenThenEmpty() {
        assertEquals(Optional.empty(), RefreshTokens.parse("eyJhbGciOiJIUzI1NiJ9.e30.sig"));
        assertEquals(Optional.empty(), RefreshTokens.parse("prt_short.x"));
        assertEquals(Optional.empty(), RefreshTokens.parse(null));
        assertEquals(Optional.empty(), RefreshTokens.parse("prt_" + "a".repeat(5000)));
        assertEquals(
                Optional.empty(),
                RefreshTokens.parse(tokens.create("session-id-123456", List.of()) + ".IS8q"),
                "a role list that is not role names");
    }

    @Test
    void hashWhenSameTokenThenSameHexDigest() {
        String token = tokens.create("session-id-123456", List.of());

        assertEquals(RefreshTokens.hash(token), RefreshTokens.hash(token));
        assertTrue(RefreshTokens.hash(token).matches("[0-9a-f]{64}"));
    }

    @Test
    void sealWhenOpenedWithPresentedTokenThenSuccessorElseNothing() {
        String presented = tokens.create("session-id-123456", List.of());
        String successor = tokens.create("session-id-123456", List.of());

        String envelope = tokens.seal(presented, successor);

        assertEquals(Optional.of(successor), RefreshTokens.open(presented, envelope));
        assertEquals(Optional.empty(), RefreshTokens.open(successor, envelope));
        assertEquals(Optional.empty(), RefreshTokens.open(presented, "bm90IGFuIGVudmVsb3Bl"));
        assertEquals(Optional.empty(), RefreshTokens.open(presented, ""));
    }
}
