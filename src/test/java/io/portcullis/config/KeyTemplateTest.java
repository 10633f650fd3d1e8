package io.portcullis.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeyTemplateTest {

    @Test
    void parseWhenLiteralsClaimsAndSegmentsThenPartsInOrder() {
        KeyTemplate template = KeyTemplate.parse("doc:{tenant}:{sub}:{path.id}!");

        assertEquals(
                List.of(
                        new KeyTemplate.Literal("doc:"),
                        new KeyTemplate.Claim("tenant"),
                        new KeyTemplate.Literal(":"),
                        new KeyTemplate.Claim("sub"),
                        new KeyTemplate.Literal(":"),
                        new KeyTemplate.PathSegment("id"),
                        new KeyTemplate.Literal("!")),
                template.parts());
        assertEquals(Set.of("id"), template.pathSegments());
        assertEquals("doc:{tenant}:{sub}:{path.id}!", template.toString());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "cart:{sub|has a '{' without its '}'",
                "cart:sub}|has a '}' without its '{'",
                "cart:{}|has a placeholder {} that is not a claim name or path.<segment name>",
                "cart:{a{b}|has a '{' inside a placeholder",
                "cart:{path.}|has a placeholder {path.} that is not a claim name or path.<segment name>",
                "cart:{s ub}|has a placeholder {s ub} that is not a claim name or path.<segment name>"
            })
    void parseWhenMalformedThenMessageSaysWhy(String template, String message) {
        assertEquals(
                message,
                assertThrows(IllegalArgumentException.class, () -> KeyTemplate.parse(template))
                        .getMessage());
    }

    @Test
    void identifiesCallerWhenSubOrCustomClaimThenTrue() {
        assertTrue(KeyTemplate.parse("cart:{sub}").identifiesCaller());
        assertTrue(KeyTemplate.parse("cart:{email}").identifiesCaller());
    }

    @Test
    void identifiesCallerWhenOnlySharedClaimsOrPathThenFalse() {
        assertFalse(KeyTemplate.parse("cart").identifiesCaller());
        assertFalse(KeyTemplate.parse("cart:{iss}:{aud}").identifiesCaller());
        assertFalse(KeyTemplate.parse("cart:{path.user}").identifiesCaller());
    }
}
