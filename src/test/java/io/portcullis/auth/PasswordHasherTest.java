package io.portcullis.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordHasherTest {
    // Low cost keeps the test fast; the format and logic are the same as at OWASP cost.
    private final PasswordHasher hasher = new PasswordHasher(64, 1, 1);

    @Test
    void hashWhenVerifiedWithSamePasswordThenMatches() {
        String hash = hasher.hash("password123");
        assertTrue(hash.startsWith("$argon2id$v=19$m=64,t=1,p=1$"), hash);
        assertTrue(hasher.verify("password123", hash));
        assertFalse(hasher.verify("password124", hash));
    }

    @Test
    void hashWhenSamePasswordTwiceThenSaltsDiffer() {
        assertNotEquals(hasher.hash("password123"), hasher.hash("password123"));
    }

    @Test
    void verifyWhenPasswordLongerThanBcryptLimitThenEveryCharacterCounts() {
        String base = "x".repeat(1000);
        String hash = hasher.hash(base + "a");
        assertFalse(hasher.verify(base + "b", hash));
        assertTrue(hasher.verify(base + "a", hash));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "plain",
                "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
                "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA"
            })
    void verifyWhenStoredHashMalformedThenNoMatch(String stored) {
        assertFalse(hasher.verify("anything", stored));
    }

    @Test
    void needsRehashWhenWeakerParametersThenTrue() {
        PasswordHasher stronger = new PasswordHasher(128, 2, 1);
        assertTrue(stronger.needsRehash(hasher.hash("password123")));
        assertFalse(hasher.needsRehash(hasher.hash("password123")));
    }

    @Test
    void defaultsWhenConstructedThenOwaspParameters() {
        assertEquals(19 * 1024, PasswordHasher.OWASP_MEMORY_KIB);
        assertEquals(2, PasswordHasher.OWASP_ITERATIONS);
    }
}
