package io.portcullis.waf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.testsupport.Bounded;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * WAF normalisation of hostile values: it never throws and always ends; decoding never lengthens a value and
 * the whole of {@link Normalizer#text} at most by Unicode's largest NFKC expansion; each form has the shape its
 * documentation promises, so a second pass changes nothing; and a value encoded up to
 * {@link Normalizer#MAX_DECODE_ROUNDS} times, in any mix of the encodings it undoes, normalises as the plain value.
 */
class NormalizerPropertiesTest {
    /** U+FDFA, the longest NFKC expansion in Unicode, becomes 18 characters. */
    private static final int MAX_NFKC_EXPANSION = 18;

    @Property(tries = 500)
    void textWhenAnyValueThenEndsWithBoundedLowerCaseOutputWithoutNul(@ForAll("values") String raw) {
        String text = Bounded.call(() -> Normalizer.text(raw));

        assertTrue(text.length() <= MAX_NFKC_EXPANSION * raw.length(), () -> raw.length() + " → " + text.length());
        assertEquals(-1, text.indexOf('\0'));
        assertEquals(text.toLowerCase(Locale.ROOT), text);
    }

    @Property(tries = 500)
    void decodeStepsWhenAnyValueThenNeverLonger(@ForAll("values") String raw) {
        assertTrue(Bounded.call(() -> Normalizer.urlDecode(raw)).length() <= raw.length());
        assertTrue(Bounded.call(() -> Normalizer.decodeEntities(raw)).length() <= raw.length());
        assertTrue(Bounded.call(() -> Normalizer.decodeEscapes(raw)).length() <= raw.length());
    }

    @Property(tries = 300)
    void derivedFormsWhenAnyValueThenHaveTheirDocumentedShape(@ForAll("values") String raw) {
        String text = Bounded.call(() -> Normalizer.text(raw));

        String sql = Bounded.call(() -> Normalizer.sql(text));
        assertFalse(sql.contains("/*") || sql.contains("*/"), () -> "comment left in " + sql);
        assertFalse(
                sql.contains("  ") || sql.startsWith(" ") || sql.endsWith(" "), () -> "whitespace not folded: " + sql);
        assertTrue(sql.chars().noneMatch(c -> c != ' ' && (Character.isWhitespace(c) || c == '\u000b')), sql);
        assertEquals(sql, Normalizer.sql(sql), "no comment re-forms once one is removed");

        String cmd = Bounded.call(() -> Normalizer.cmd(text));
        assertTrue(cmd.chars().noneMatch(c -> c == '\\' || c == '\'' || c == '"' || c == '^'), cmd);
        assertFalse(cmd.contains("  "), cmd);

        String compact = Bounded.call(() -> Normalizer.compact(text));
        assertTrue(
                compact.chars().noneMatch(c -> Character.isWhitespace(c) || c == '\u000b' || c == '\u00a0'), compact);

        String path = Bounded.call(() -> Normalizer.path(text));
        assertFalse(path.contains("//") || path.contains("/./") || path.contains("\\"), path);
        assertEquals(path, Normalizer.path(path));

        Bounded.call(() -> Normalizer.base64(raw));
    }

    @Property(tries = 400)
    void textWhenEncodedUpToMaxRoundsThenSameAsPlain(
            @ForAll("plain") String plain, @ForAll("encodings") List<Encoding> encodings) {
        String encoded = plain;
        for (Encoding encoding : encodings) {
            encoded = encoding.apply(encoded);
        }
        String attack = encoded;

        assertEquals(
                Normalizer.text(plain), Bounded.call(() -> Normalizer.text(attack)), () -> encodings + ": " + attack);
    }

    @Provide
    Arbitrary<String> values() {
        Arbitrary<String> pieces = Arbitraries.of(
                "%",
                "%2",
                "%25",
                "%u",
                "%u00",
                "%uD83D",
                "%F0%9F",
                "%C0%AF",
                "%E2%80",
                "&",
                "&#",
                "&#x",
                "&#x10FFFF;",
                "&#1114112;",
                "&#99999999",
                "&lt",
                "&lt;",
                "&LT;",
                "&newline;",
                "\\",
                "\\u",
                "\\u00",
                "\\x",
                "\\x4",
                "/*",
                "*/",
                "/*!",
                "/*!50000",
                "$",
                "${IFS}",
                "$IFS",
                "$@",
                "'",
                "\"",
                "^",
                "/",
                "./",
                "/./",
                "../",
                "\\\\",
                "\u0000",
                "\u00a0",
                "\u000b",
                "\t",
                "\n",
                "\u3000",
                "\uFDFA",
                "\u0130",
                "\uFF05",
                "\uD800",
                "\uDC00",
                "\uD83D\uDE00",
                "=",
                "==",
                "A",
                "z",
                "9",
                " ",
                "select",
                "script");
        return Arbitraries.frequencyOf(
                Tuple.of(4, pieces.list().ofMaxSize(60).map(list -> String.join("", list))),
                Tuple.of(2, Arbitraries.strings().ofMaxLength(200)),
                Tuple.of(
                        2,
                        Arbitraries.strings()
                                .withChars("%&#;\\xu0123456789abcdefABCDEF/*!$'\"^. ")
                                .ofMaxLength(300)),
                Tuple.of(
                        1,
                        pieces.list()
                                .ofMinSize(1)
                                .ofMaxSize(4)
                                .map(list -> String.join("", list))
                                .flatMap(unit -> Arbitraries.integers()
                                        .between(1_000, 10_000)
                                        .map(unit::repeat))));
    }

    /** Values the decoders leave alone, so that encoding them is the only thing to undo. */
    @Provide
    Arbitrary<String> plain() {
        return Arbitraries.strings()
                .ofMaxLength(40)
                .map(s -> s.replace("%", "").replace("&", "").replace("\\", ""))
                .filter(s -> new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(s));
    }

    @Provide
    Arbitrary<List<Encoding>> encodings() {
        return Arbitraries.of(Encoding.values()).list().ofMinSize(1).ofMaxSize(Normalizer.MAX_DECODE_ROUNDS);
    }

    /** The encodings {@link Normalizer#text} undoes, each applied to every character. */
    enum Encoding implements UnaryOperator<String> {
        PERCENT_UTF8 {
            @Override
            public String apply(String value) {
                StringBuilder out = new StringBuilder();
                for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
                    out.append(String.format("%%%02X", b & 0xFF));
                }
                return out.toString();
            }
        },
        PERCENT_U {
            @Override
            public String apply(String value) {
                StringBuilder out = new StringBuilder();
                value.chars().forEach(c -> out.append(String.format("%%u%04x", c)));
                return out.toString();
            }
        },
        DECIMAL_ENTITY {
            @Override
            public String apply(String value) {
                StringBuilder out = new StringBuilder();
                value.codePoints().forEach(c -> out.append("&#").append(c).append(';'));
                return out.toString();
            }
        },
        HEX_ENTITY {
            @Override
            public String apply(String value) {
                StringBuilder out = new StringBuilder();
                value.codePoints()
                        .forEach(c ->
                                out.append("&#x").append(Integer.toHexString(c)).append(';'));
                return out.toString();
            }
        },
        JS_ESCAPE {
            @Override
            public String apply(String value) {
                StringBuilder out = new StringBuilder();
                value.chars().forEach(c -> out.append(String.format("\\u%04X", c)));
                return out.toString();
            }
        }
    }
}
