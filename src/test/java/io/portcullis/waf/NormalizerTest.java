package io.portcullis.waf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NormalizerTest {

    @Test
    void textWhenValueIsUrlEncodedSeveralTimesThenDecodesUpToTheBound() {
        assertEquals("<script>", Normalizer.text("%253Cscript%253E"));
        assertEquals("<script>", Normalizer.text("%25253Cscript%25253E"));
        assertEquals("%3cscript%3e", Normalizer.text("%2525253Cscript%2525253E"), "a fourth round stays encoded");
    }

    @Test
    void textWhenValueHasHtmlEntitiesThenDecodesThem() {
        assertEquals("<img src=x onerror=alert(1)>", Normalizer.text("&lt;img src=x onerror=alert&lpar;1&rpar;&gt;"));
        assertEquals("javascript:", Normalizer.text("&#106;&#x61;vascript&colon;"));
        assertEquals("<a", Normalizer.text("&#60a"), "the semicolon is optional, as browsers allow");
    }

    @Test
    void textWhenValueHasJavaScriptEscapesThenDecodesThem() {
        assertEquals("alert(1)", Normalizer.text("\\u0061lert\\x281)"));
    }

    @Test
    void textWhenValueHasFullWidthFormsThenFoldsThemAndCase() {
        assertEquals("select", Normalizer.text("ＳＥＬＥＣＴ"));
        assertEquals("<script>", Normalizer.text("\uFF1Cscript\uFF1E"));
    }

    @Test
    void textWhenValueHasNulBytesThenRemovesThem() {
        assertEquals("../etc/passwd", Normalizer.text("../etc/pass%00wd"));
    }

    @Test
    void textWhenUtf8IsInvalidThenBytesStayVisibleAsLatin1() {
        assertEquals(
                "\u00bcscript\u00be".toLowerCase(),
                Normalizer.text("%bcscript%be").replace("1\u20444", "\u00bc").replace("3\u20444", "\u00be"));
        assertEquals("é", Normalizer.text("%C3%A9"));
    }

    @Test
    void sqlWhenValueHasCommentsThenTheyBecomeSpaces() {
        assertEquals("union select 1", Normalizer.sql("union/**/select/*x*/1"));
        assertEquals("select 1", Normalizer.sql("/*!50000select*/ 1"));
        assertEquals("a b", Normalizer.sql("a \t\n  b"));
    }

    @Test
    void cmdWhenCommandIsQuotedToHideItThenQuotesAreRemoved() {
        assertEquals("cat /etc/passwd", Normalizer.cmd("c'a't /etc/pa\"ss\"wd"));
        assertEquals("cat /etc/passwd", Normalizer.cmd(Normalizer.text("c\\at${IFS}/etc/passwd")));
        assertEquals("whoami", Normalizer.cmd("who$@ami"));
        assertEquals("a\nb", Normalizer.cmd("a\r\nb").replace("\n\n", "\n"));
    }

    @Test
    void pathWhenSeparatorsAreDisguisedThenNormalises() {
        assertEquals("../../etc/passwd", Normalizer.path("..\\..\\etc\\passwd"));
        assertEquals("/etc/passwd", Normalizer.path("//etc/./passwd"));
        assertEquals("../etc/passwd", Normalizer.path(Normalizer.text("%2e%2e%2fetc%2fpasswd")));
    }

    @Test
    void base64WhenValueIsBase64ThenDecodes() {
        assertEquals("_$$nd_func$$_", Normalizer.base64("XyQkTkRfRlVOQyQkXwo=").strip());
        assertNull(Normalizer.base64("hello world"));
        assertNull(Normalizer.base64("short"));
    }

    @Test
    void formsWhenTheQuickCheckSaysUnchangedThenTheFullRewriteAgrees() {
        // the forms return their input as is when a one-pass check says nothing would change; random strings
        // over the characters the rewrites care about must never prove that check wrong
        String alphabet = "ab/*\\'\"^$@{}ifs.-_ \t\n\r\u000b\u00a0\u2028x1";
        java.util.Random random = new java.util.Random(42);
        int unchanged = 0;
        for (int round = 0; round < 200_000; round++) {
            StringBuilder value = new StringBuilder();
            for (int i = random.nextInt(8); i > 0; i--) {
                value.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String text = value.toString();
            if (Normalizer.sqlUnchanged(text)) {
                assertEquals(text, Normalizer.sqlRewritten(text), "sql of [" + text + "]");
                unchanged++;
            }
            if (Normalizer.cmdUnchanged(text)) {
                assertEquals(text, Normalizer.cmdRewritten(text), "cmd of [" + text + "]");
            }
            if (Normalizer.compactUnchanged(text)) {
                assertEquals(text, Normalizer.compactRewritten(text), "compact of [" + text + "]");
            }
            if (Normalizer.pathUnchanged(text)) {
                assertEquals(text, Normalizer.pathRewritten(text), "path of [" + text + "]");
            }
        }
        assertTrue(unchanged > 1000, "the quick check is never taken: " + unchanged);
    }
}
