package io.portcullis.waf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.re2j.Pattern;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegexLiteralsTest {
    private static final char B = LiteralQuery.BEGIN;
    private static final char E = LiteralQuery.END;

    @Test
    void ofWhenConcatenationThenEveryPieceIsRequired() {
        assertEquals(
                "AND[[union], [select]]",
                RegexLiterals.of("\\bunion\\b.{0,9}select").toString());
    }

    @Test
    void ofWhenAlternationOfWordsThenAnyWordIsEnough() {
        LiteralQuery query = RegexLiterals.of("\\b(?:sleep|benchmark|pg_sleep)\\s*\\(");
        assertTrue(query.admits("1 and SLEEP (5)"));
        assertTrue(query.admits("benchmark(9,md5(1))"));
        assertFalse(query.admits("sleeping in, benchmarks (2024)"));
    }

    @Test
    void ofWhenWhiteSpaceSeparatesWordsThenTheyFormOneLiteral() {
        // \s+ and \s* read as one space (or newline), so the words stay together
        assertEquals(
                "[union\nselect, union select]",
                RegexLiterals.of("union\\s+select").toString());
        assertEquals(
                "[sleep\n(, sleep (, sleep(]", RegexLiterals.of("sleep\\s*\\(").toString());
    }

    @Test
    void ofWhenAnchoredAtStartAndEndThenLiteralsCarryTheMarkers() {
        assertEquals(
                "[" + B + "cat" + E + ", " + B + "id" + E + "]",
                RegexLiterals.of("^\\s*(?:cat|id)\\s*$").toString());
    }

    @Test
    void ofWhenStartMarkerWouldMeetWhiteSpaceThenTheMarkerIsDropped() {
        // "^ x" matches " x"; the prefilter strips leading white space, so the marker would never be found
        assertEquals("[ x]", RegexLiterals.of("^ x").toString());
    }

    @Test
    void ofWhenNothingIsRequiredOrSyntaxIsUnknownThenEverythingIsAdmitted() {
        for (String regex : List.of(".*", "a*", "[a-z]+\\w", "(?m)^cat", "x|.", "\\pL+", "a{0,3}", "\\w+\\S")) {
            assertEquals(LiteralQuery.ALL, RegexLiterals.of(regex), regex);
        }
    }

    @Test
    void ofWhenOptionalGroupThenBothReadingsAreKept() {
        LiteralQuery query = RegexLiterals.of("^(?:/usr)?/bin/(?:cat|ls)");
        assertTrue(query.admits("/bin/cat"));
        assertTrue(query.admits("/usr/bin/ls"));
        assertFalse(query.admits("see /bin/cat"));
    }

    @Test
    void admitsWhenRegexMatchesSampleValuesThenQueryAdmitsThemToo() {
        // soundness on hand-picked tricky cases: case, white space runs, line breaks, anchors, classes
        String[][] cases = {
            {"(?i)UNION\\s+ALL\\s+SELECT", "1 UnIoN \t ALL\r\n select 2"},
            {"^\\s*\\(\\s*\\)\\s*\\{", "\n\t ( ) {"},
            {"[;|&`\\n]\\s*(?:cat|ls)\\b", "x\r\n  cat /etc/passwd"},
            {"\\$\\{\\s*jndi\\s*:", "${ \tJNDI :ldap://x}"},
            {"(?:^|[^\\w.-])s?bin/(?:sh|bash)\\b", "/sbin/bash"},
            {"x\\s*$", "ax \n\t"},
            {"\\x{bc}script", "\u00bcSCRIPT"},
            {"[A-Fa-f][0-9]", "F7"},
        };
        for (String[] c : cases) {
            assertTrue(
                    Pattern.compile(c[0], Pattern.CASE_INSENSITIVE)
                            .matcher(c[1])
                            .find(),
                    c[0]);
            assertTrue(RegexLiterals.of(c[0]).admits(c[1]), c[0] + " on " + c[1] + ": " + RegexLiterals.of(c[0]));
        }
    }
}
