package io.portcullis.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UsernamesTest {
    @Test
    void normaliseWhenCaseOrFullWidthDiffersThenSameUser() {
        assertEquals(Optional.of("alice"), Usernames.normalise("Alice"));
        assertEquals(Optional.of("alice"), Usernames.normalise("ＡＬＩＣＥ"));
        assertEquals(Optional.of("josé"), Usernames.normalise("JOSE\u0301"));
        assertEquals(Optional.of("bob@example.com"), Usernames.normalise("bob@example.com"));
        assertEquals(Optional.of("ユーザー"), Usernames.normalise("ユーザー"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a b", "tab\tname", "zero\u200Bwidth", "nul\u0000"})
    void normaliseWhenWhitespaceOrControlThenRefused(String raw) {
        assertTrue(Usernames.normalise(raw).isEmpty());
    }

    @Test
    void normaliseWhenLengthAtBoundariesThenOneToSixtyFour() {
        assertTrue(Usernames.normalise("a".repeat(64)).isPresent());
        assertTrue(Usernames.normalise("a".repeat(65)).isEmpty());
        assertTrue(Usernames.normalise("a".repeat(1024 * 1024)).isEmpty());
    }
}
