package io.portcullis.waf;

import java.util.Locale;
import java.util.Set;

/**
 * Detects SQL injection by structure: the value is tokenized the way a SQL parser would read it once it is
 * pasted into a query, in each of the three places a value lands — bare (a number or identifier), inside a
 * single-quoted string and inside a double-quoted string — and the first tokens are judged as a sequence.
 * An injection has to leave its data context and continue as SQL: a string closed and followed by a logical
 * operator, {@code UNION}, a statement separator or a comment; a number followed by a logical operator and a
 * comparison, a function call or {@code UNION}. Prose that merely holds SQL words ("select union jacket",
 * "O'Reilly") does not have that shape.
 *
 * <p>Written from the published description of libinjection's approach (tokens, folding, fingerprints);
 * the token classes and the judgement are this project's own. One pass per context, each bounded by
 * {@link #MAX_TOKENS} tokens: linear in the input, whatever it holds. Stateless and thread-safe.
 */
final class SqlInjectionDetector {
    /** Tokens looked at per context: an injection shows itself near where it leaves the data context. */
    static final int MAX_TOKENS = 24;

    /** Token classes, one letter each (the fingerprint alphabet). */
    static final char STRING = 's';

    static final char NUMBER = 'n';
    static final char WORD = 'b';
    static final char STATEMENT = 'E';
    static final char UNION = 'U';
    static final char LOGIC = '&';
    static final char KEYWORD = 'k';
    static final char FUNCTION = 'f';
    static final char OPERATOR = 'o';
    static final char COMMENT = 'c';
    static final char SEMICOLON = ';';
    static final char OPEN = '(';
    static final char CLOSE = ')';
    static final char COMMA = ',';
    static final char VARIABLE = 'v';

    private static final Set<String> STATEMENTS = Set.of(
            "select",
            "insert",
            "update",
            "delete",
            "drop",
            "create",
            "alter",
            "truncate",
            "exec",
            "execute",
            "declare",
            "shutdown",
            "grant",
            "revoke",
            "replace",
            "merge",
            "call",
            "waitfor",
            "load",
            "handler",
            "rename",
            "set",
            "show",
            "use",
            "begin",
            "copy",
            "do");
    private static final Set<String> LOGIC_WORDS = Set.of(
            "and", "or", "xor", "not", "div", "mod", "like", "rlike", "regexp", "sounds", "is", "in", "between", "glob",
            "match", "collate", "escape");
    private static final Set<String> KEYWORDS = Set.of(
            "from",
            "where",
            "having",
            "limit",
            "offset",
            "order",
            "group",
            "by",
            "into",
            "outfile",
            "dumpfile",
            "values",
            "table",
            "database",
            "schema",
            "null",
            "true",
            "false",
            "case",
            "when",
            "then",
            "else",
            "end",
            "as",
            "distinct",
            "all",
            "top",
            "procedure",
            "analyse",
            "join",
            "on",
            "asc",
            "desc",
            "delay",
            "if",
            "exists",
            "information_schema",
            "sysobjects",
            "syscolumns",
            "pg_catalog",
            "dual",
            "char",
            "binary",
            "unhex",
            "hex",
            "ascii",
            "sleep",
            "benchmark",
            "pg_sleep",
            "version",
            "user",
            "current_user",
            "system_user",
            "session_user",
            "load_file",
            "extractvalue",
            "updatexml",
            "concat",
            "group_concat",
            "substring",
            "substr",
            "mid",
            "ord",
            "count",
            "cast",
            "convert",
            "chr",
            "nchar",
            "varchar",
            "dbms_pipe",
            "utl_inaddr",
            "utl_http",
            "xp_cmdshell",
            "sp_executesql",
            "openrowset",
            "randomblob",
            "sqlite_version",
            "instr",
            "length",
            "elt",
            "make_set",
            "json_extract",
            "row",
            "name_const",
            "floor",
            "rand",
            "exp",
            "polygon",
            "multipoint",
            "geometrycollection",
            "linestring");
    /** Functions an attacker calls to prove or exploit an injection; a call of any other name is a plain 'f'. */
    private static final Set<String> ATTACK_FUNCTIONS = Set.of(
            "sleep",
            "benchmark",
            "pg_sleep",
            "load_file",
            "extractvalue",
            "updatexml",
            "version",
            "user",
            "database",
            "char",
            "chr",
            "concat",
            "group_concat",
            "ascii",
            "substring",
            "substr",
            "mid",
            "ord",
            "if",
            "randomblob",
            "unhex",
            "hex",
            "name_const",
            "floor",
            "rand",
            "exp",
            "count",
            "cast",
            "convert",
            "row",
            "json_extract",
            "elt",
            "make_set",
            "utl_inaddr",
            "dbms_pipe",
            "xp_cmdshell",
            "openrowset",
            "sqlite_version",
            "current_user",
            "system_user",
            "instr",
            "length",
            "polygon",
            "multipoint",
            "geometrycollection",
            "linestring",
            "nchar",
            "waitfor",
            "exists");

    private SqlInjectionDetector() {}

    /** True when the value, read as SQL in any of the three contexts, has the shape of an injection. */
    static boolean detect(String value) {
        if (value.isEmpty()) {
            return false;
        }
        return judge(fingerprint(value, (char) 0), (char) 0)
                || value.indexOf('\'') >= 0 && judge(fingerprint(value, '\''), '\'')
                || value.indexOf('"') >= 0 && judge(fingerprint(value, '"'), '"');
    }

    /**
     * The folded token classes of the value read as SQL, at most {@link #MAX_TOKENS}: with {@code quote} 0 from
     * the start, else as if the value continued a string opened with {@code quote}.
     */
    static String fingerprint(String value, char quote) {
        StringBuilder out = new StringBuilder(MAX_TOKENS);
        int i = 0;
        int n = value.length();
        if (quote != 0) {
            i = closingQuote(value, 0, quote);
            if (i >= n) {
                return "";
            }
            out.append(STRING);
            i++;
        }
        while (i < n && out.length() < MAX_TOKENS) {
            char c = value.charAt(i);
            if (Character.isWhitespace(c) || c == '+' && i + 1 < n && value.charAt(i + 1) == ' ') {
                i++;
                continue;
            }
            char type;
            int next;
            if (c == '\'' || c == '"' || c == '`') {
                next = Math.min(n, closingQuote(value, i + 1, c) + 1);
                type = c == '`' ? WORD : STRING;
            } else if (c == '-' && i + 1 < n && value.charAt(i + 1) == '-' || c == '#') {
                next = n;
                type = COMMENT;
            } else if (c == '/' && i + 1 < n && value.charAt(i + 1) == '*') {
                int end = value.indexOf("*/", i + 2);
                if (i + 2 < n && value.charAt(i + 2) == '!') {
                    // MySQL executes /*! ... */: read on inside it
                    next = i + 3;
                    while (next < n && Character.isDigit(value.charAt(next))) {
                        next++;
                    }
                    i = next;
                    continue;
                }
                next = end < 0 ? n : end + 2;
                type = COMMENT;
            } else if (c == '*' && i + 1 < n && value.charAt(i + 1) == '/') {
                i += 2;
                continue;
            } else if (Character.isDigit(c) || c == '.' && i + 1 < n && Character.isDigit(value.charAt(i + 1))) {
                next = i + 1;
                while (next < n && (Character.isLetterOrDigit(value.charAt(next)) || value.charAt(next) == '.')) {
                    next++;
                }
                type = NUMBER;
            } else if (c == '@') {
                next = i + 1;
                while (next < n && (value.charAt(next) == '@' || isWordChar(value.charAt(next)))) {
                    next++;
                }
                type = VARIABLE;
            } else if (isWordChar(c)) {
                next = i + 1;
                while (next < n && isWordChar(value.charAt(next))) {
                    next++;
                }
                type = classify(value.substring(i, next), value, next);
            } else if (c == ';') {
                next = i + 1;
                type = SEMICOLON;
            } else if (c == '(') {
                next = i + 1;
                type = OPEN;
            } else if (c == ')') {
                next = i + 1;
                type = CLOSE;
            } else if (c == ',') {
                next = i + 1;
                type = COMMA;
            } else if (c == '&' && i + 1 < n && value.charAt(i + 1) == '&'
                    || c == '|' && i + 1 < n && value.charAt(i + 1) == '|') {
                next = i + 2;
                type = c == '&' ? LOGIC : OPERATOR;
            } else if ("=<>!+-*/%|^~:&".indexOf(c) >= 0) {
                next = i + 1;
                while (next < n && "=<>!|&".indexOf(value.charAt(next)) >= 0 && next - i < 3) {
                    next++;
                }
                type = OPERATOR;
            } else {
                next = i + 1;
                type = '?';
            }
            append(out, type);
            i = next;
        }
        return out.toString();
    }

    private static void append(StringBuilder out, char type) {
        int last = out.length() - 1;
        char previous = last >= 0 ? out.charAt(last) : 0;
        if (type == WORD && previous == WORD
                || type == NUMBER && previous == NUMBER
                || type == OPERATOR && previous == OPERATOR
                || type == COMMENT && previous == COMMENT) {
            return;
        }
        // a sign before a number or a value: "-1", "=-1"
        if ((type == NUMBER || type == STRING)
                && previous == OPERATOR
                && (last == 0 || "&(,;kEU".indexOf(out.charAt(last - 1)) >= 0)) {
            out.setCharAt(last, type);
            return;
        }
        // "union all select", "union distinct select"
        if (type == KEYWORD && previous == UNION) {
            return;
        }
        out.append(type);
    }

    private static char classify(String word, String value, int end) {
        String lower = word.toLowerCase(Locale.ROOT);
        if (lower.equals("union") || lower.equals("intersect") || lower.equals("except")) {
            return UNION;
        }
        if (STATEMENTS.contains(lower)) {
            return STATEMENT;
        }
        if (LOGIC_WORDS.contains(lower)) {
            return LOGIC;
        }
        int j = end;
        while (j < value.length() && value.charAt(j) == ' ') {
            j++;
        }
        if (j < value.length() && value.charAt(j) == '(') {
            return ATTACK_FUNCTIONS.contains(lower) ? FUNCTION : WORD;
        }
        return KEYWORDS.contains(lower) ? KEYWORD : WORD;
    }

    /** The longest word {@link #isSqlWord} knows. */
    static final int LONGEST_SQL_WORD = 24;

    /**
     * Whether the word is one the tokenizer reads as SQL rather than as a name: {@code union}, a statement, a
     * logical operator or a clause keyword (whatever its case).
     */
    static boolean isSqlWord(String word) {
        String lower = word.toLowerCase(Locale.ROOT);
        return lower.equals("union")
                || lower.equals("intersect")
                || lower.equals("except")
                || STATEMENTS.contains(lower)
                || LOGIC_WORDS.contains(lower)
                || KEYWORDS.contains(lower);
    }

    static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    /** The index of the quote that closes a string starting at {@code from}, or the length when none does. */
    private static int closingQuote(String value, int from, char quote) {
        int i = from;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == quote) {
                if (i + 1 < value.length() && value.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i;
            }
            i++;
        }
        return value.length();
    }

    /**
     * Judges a fingerprint. In a quote context it starts with the closed string; bare, with whatever came first.
     * The shapes: a value (string, number, closing parenthesis) followed by UNION, a statement separator and a
     * statement, a logical operator leading to a comparison or a call, or a comment right after a closed string.
     */
    static boolean judge(String print, char quote) {
        if (print.length() < 2) {
            return false;
        }
        int start = 0;
        // a value: the closed string, or a number / name at the start of a bare value, plus closing parentheses
        char first = print.charAt(0);
        if (quote != 0) {
            if (first != STRING) {
                return false;
            }
        } else if (first == STATEMENT) {
            return statement(print);
        } else if (first != NUMBER && first != WORD && first != STRING && first != VARIABLE) {
            return false;
        }
        int i = start + 1;
        // a list of values the injection closes: "', '4', '2');", "1, 2)"
        while (i < print.length()
                && (print.charAt(i) == CLOSE
                        || print.charAt(i) == COMMA
                                && i + 1 < print.length()
                                && "sn".indexOf(print.charAt(i + 1)) >= 0)) {
            i += print.charAt(i) == COMMA ? 2 : 1;
        }
        if (i >= print.length()) {
            return false;
        }
        boolean closedParen = i > 1;
        String rest = print.substring(i);
        char next = rest.charAt(0);
        if (next == UNION) {
            return rest.length() > 1 && (rest.charAt(1) == STATEMENT || rest.charAt(1) == OPEN);
        }
        if (next == SEMICOLON) {
            return rest.length() > 1 && (rest.charAt(1) == STATEMENT || rest.charAt(1) == COMMENT);
        }
        if (next == COMMENT) {
            return quote != 0 || closedParen;
        }
        if (next == LOGIC) {
            return logicTail(rest.substring(1), quote != 0);
        }
        if (next == OPERATOR && quote != 0) {
            // '||pg_sleep(5)--, '='', '+(select ...)+'
            return rest.length() > 1
                    && (rest.charAt(1) == FUNCTION
                            || rest.charAt(1) == OPEN && rest.indexOf(STATEMENT) > 0
                            || rest.charAt(1) == STRING && rest.length() > 2 && "&cU;".indexOf(rest.charAt(2)) >= 0
                            || rest.charAt(1) == NUMBER && rest.length() > 2 && "&cU;".indexOf(rest.charAt(2)) >= 0);
        }
        if (next == KEYWORD) {
            // ' order by 1--, 1 having 1=1, ' into outfile '/tmp/x'--
            return rest.length() > 2
                    && (rest.charAt(1) == KEYWORD || rest.charAt(1) == NUMBER || rest.charAt(1) == STRING)
                    && (rest.indexOf(COMMENT) > 0 || "ns".indexOf(rest.charAt(1)) >= 0 && rest.charAt(2) == OPERATOR);
        }
        if (next == STATEMENT && (quote != 0 || first == NUMBER)) {
            // ' waitfor delay '0:0:5'--, 1 select pg_sleep(5)--; "what does "drop table" mean" is not one
            return rest.indexOf(COMMENT) > 0 || rest.indexOf(SEMICOLON) > 0;
        }
        return false;
    }

    /** After a logical operator: a comparison, a call, a sub-select or a comment ends the shape. */
    private static boolean logicTail(String tail, boolean quoted) {
        if (tail.isEmpty()) {
            return false;
        }
        char a = tail.charAt(0);
        if (a == FUNCTION) {
            return true;
        }
        if (a == OPEN) {
            return tail.indexOf(STATEMENT) > 0 || tail.indexOf(FUNCTION) > 0 || tail.indexOf(OPERATOR) > 0;
        }
        if (a == LOGIC && tail.length() > 1) {
            return logicTail(tail.substring(1), quoted);
        }
        if (a == NUMBER || a == STRING || a == VARIABLE || a == WORD || a == KEYWORD) {
            if (tail.length() == 1) {
                // "' or 1": the closed string makes it a condition; "'a' and 'b'" or "1 or 2" alone is text
                return quoted && a == NUMBER;
            }
            char b = tail.charAt(1);
            if (b == OPERATOR) {
                return tail.length() > 2 && "nsvbkf(".indexOf(tail.charAt(2)) >= 0;
            }
            if (b == COMMENT) {
                return a == NUMBER || a == STRING;
            }
            return b == LOGIC && (a == NUMBER || a == STRING);
        }
        return false;
    }

    /** A bare value that starts with a statement: a whole query, with a clause an injection needs. */
    private static boolean statement(String print) {
        // select ... from ... where/union/;/--, drop table, exec xp_...
        int from = print.indexOf(KEYWORD);
        return from > 0
                        && (print.indexOf(UNION, from) > 0
                                || print.indexOf(COMMENT, from) > 0
                                || print.indexOf(SEMICOLON, from) > 0)
                || print.startsWith("E;")
                || print.startsWith("Ek;")
                || print.startsWith("EkbE");
    }
}
