package io.portcullis.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestIdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "abc-DEF_123.456", "4bf92f3577b34da6a3ce929d0e0e4736"})
    void acceptWhenWellFormedThenKept(String id) {
        assertEquals(id, RequestIds.accept(id));
    }

    @Test
    void acceptWhen128CharactersThenKeptAnd129Replaced() {
        String longest = "x".repeat(128);

        assertEquals(longest, RequestIds.accept(longest));
        assertNotEquals(longest + "x", RequestIds.accept(longest + "x"));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"has space", "semi;colon", "new\nline", "slash/", "ünïcode", "{json}", "a\u0000b"})
    void acceptWhenMalformedThenReplacedByAGeneratedId(String id) {
        String accepted = RequestIds.accept(id);

        assertNotEquals(id, accepted);
        assertTrue(accepted.matches("[0-9a-f]{32}"), accepted);
        assertFalse(RequestIds.isWellFormed(id));
    }

    @Test
    void generateWhenCalledRepeatedlyThenDistinctHexIds() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = RequestIds.generate();
            assertTrue(id.matches("[0-9a-f]{32}"), id);
            ids.add(id);
        }
        assertEquals(1000, ids.size());
    }
}
