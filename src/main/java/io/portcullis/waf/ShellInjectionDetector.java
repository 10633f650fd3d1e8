package io.portcullis.waf;

import java.util.Set;

/**
 * Detects command injection by structure: the value is read as shell words, the way {@code sh -c} or
 * {@code cmd /c} reads a command line that the value was pasted into, and it is an attack when a command
 * starts inside it — after a separator ({@code ;}, {@code |}, {@code ||}, {@code &&}, {@code &}, a line break)
 * or inside a substitution ({@code $(…)}, backticks, {@code <(…)}) — and that command is a known program
 * ({@code id}, {@code cat}, {@code curl}, {@code powershell}, …). A program name that is also an everyday word
 * ({@code cat}, {@code find}, {@code time}) counts only when arguments follow it the way a shell's do
 * ({@code -x}, a path, a variable) or it ends the value.
 *
 * <p>In prose (see {@link TextContext}) only a substitution, or a separator before the first word, counts: a
 * support ticket that says "run {@code make && make install}" quotes a command rather than injecting one.
 * One forward pass; linear in the input. Stateless and thread-safe.
 */
final class ShellInjectionDetector {
    static final Set<String> PROGRAMS = Set.of(
            "sh",
            "bash",
            "zsh",
            "dash",
            "ksh",
            "csh",
            "tcsh",
            "ash",
            "busybox",
            "cat",
            "tac",
            "ls",
            "dir",
            "id",
            "whoami",
            "uname",
            "pwd",
            "echo",
            "printf",
            "wget",
            "curl",
            "nc",
            "ncat",
            "netcat",
            "nmap",
            "ping",
            "nslookup",
            "dig",
            "host",
            "telnet",
            "ssh",
            "scp",
            "sftp",
            "ftp",
            "tftp",
            "rsync",
            "python",
            "python2",
            "python3",
            "perl",
            "ruby",
            "php",
            "node",
            "lua",
            "awk",
            "gawk",
            "nawk",
            "sed",
            "grep",
            "egrep",
            "fgrep",
            "find",
            "xargs",
            "env",
            "printenv",
            "export",
            "chmod",
            "chown",
            "rm",
            "mv",
            "cp",
            "touch",
            "mkdir",
            "kill",
            "killall",
            "pkill",
            "ps",
            "head",
            "tail",
            "more",
            "less",
            "base64",
            "xxd",
            "od",
            "hexdump",
            "strings",
            "dd",
            "tar",
            "gzip",
            "nohup",
            "sleep",
            "timeout",
            "exec",
            "eval",
            "sudo",
            "su",
            "crontab",
            "systemctl",
            "ifconfig",
            "ip",
            "netstat",
            "ss",
            "arp",
            "hostname",
            "uptime",
            "passwd",
            "useradd",
            "shutdown",
            "reboot",
            "mount",
            "lsof",
            "socat",
            "openssl",
            "vi",
            "vim",
            "tee",
            "cmd",
            "powershell",
            "pwsh",
            "cscript",
            "wscript",
            "certutil",
            "bitsadmin",
            "net",
            "ipconfig",
            "systeminfo",
            "tasklist",
            "taskkill",
            "type",
            "reg",
            "rundll32",
            "mshta",
            "wmic",
            "schtasks",
            "ver",
            "set",
            "start",
            "del",
            "findstr",
            "icacls",
            "java",
            "jrunscript",
            "lynx",
            "w3m",
            "aria2c",
            "fetch",
            "tclsh",
            "expect",
            "irb",
            "nl",
            "rev",
            "diff",
            "file",
            "whereis",
            "which",
            "locate",
            "time",
            "sort",
            "uniq",
            "wc",
            "cut",
            "history",
            "last",
            "w",
            "who",
            "groups",
            "getent",
            "chattr",
            "zip",
            "unzip",
            "git",
            "mysql",
            "psql",
            "sqlite3",
            "gcc",
            "make",
            "xterm",
            "php-cgi",
            "jjs",
            "osascript",
            "bsdtar",
            "7z",
            "unlink",
            "ln",
            "mknod",
            "mkfifo",
            "at",
            "batch",
            "top");
    /** Program names that are also everyday words: they need shell-like arguments to count. */
    private static final Set<String> WORDS = Set.of(
            "cat", "dir", "echo", "host", "ping", "find", "more", "less", "head", "tail", "touch", "kill", "set",
            "start", "type", "time", "sort", "cut", "last", "w", "who", "groups", "file", "which", "make", "fetch",
            "expect", "at", "batch", "top", "net", "ver", "del", "node", "java", "git", "diff", "rev", "nl", "strings",
            "dig", "mount", "export", "env", "sleep", "timeout", "ln", "zip", "id", "su", "ip", "tee", "php", "vi",
            "ss", "od");

    private ShellInjectionDetector() {}

    /**
     * True when a known program starts a command inside the value.
     *
     * @param value the value in the {@code cmd} form (shell quoting tricks removed, lower case)
     * @param prose whether the value reads as prose, where only substitutions and a leading separator count
     */
    static boolean detect(String value, boolean prose) {
        if (leadingCommand(value)) {
            return true;
        }
        int n = value.length();
        int firstSpace = -1;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (firstSpace < 0 && c == ' ' && i > 0) {
                firstSpace = i;
            }
            int start = -1;
            boolean substitution = false;
            if (c == '$' && i + 1 < n && (value.charAt(i + 1) == '(' || value.charAt(i + 1) == '{')) {
                start = i + 2;
                substitution = true;
            } else if (c == '`') {
                start = i + 1;
                substitution = true;
            } else if ((c == '<' || c == '>') && i + 1 < n && value.charAt(i + 1) == '(') {
                start = i + 2;
                substitution = true;
            } else if (c == ';' || c == '|' || c == '&' || c == '\n' || c == '\r') {
                start = i + 1;
                if (start < n && (value.charAt(start) == '|' || value.charAt(start) == '&')) {
                    start++;
                }
            }
            if (start < 0) {
                continue;
            }
            if (prose && !substitution && firstSpace >= 0 && i > firstSpace) {
                continue;
            }
            if (command(value, start, c == '&' && (start == i + 1))) {
                return true;
            }
        }
        return false;
    }

    /** cmd.exe conditions that lead to a command: {@code if [/i] [not] exist|defined|errorlevel|cmdextversion …}. */
    private static final Set<String> BATCH_CONDITIONS = Set.of("exist", "defined", "errorlevel", "cmdextversion");
    /** cmd.exe comparison operators. */
    private static final Set<String> BATCH_COMPARISONS = Set.of("==", "equ", "neq", "lss", "leq", "gtr", "geq");

    /**
     * A cmd.exe {@code for … in (…) do …} loop or {@code if} statement anywhere in the value, read word by word:
     * {@code for} with an option ({@code /f}, {@code /d}, …) or a {@code %} variable, then {@code in (}, then
     * {@code do}; {@code if} with a condition keyword, or with a {@code %…%}/quoted operand and a comparison.
     */
    static boolean batchStatement(String value) {
        String[] words = (value.length() > 4096 ? value.substring(0, 4096) : value).split("[ \t]+", 256);
        for (int w = 0; w < words.length; w++) {
            String word = words[w];
            if (word.equals("for") || word.endsWith("&for") || word.endsWith("|for") || word.endsWith("(for")) {
                int i = w + 1;
                while (i < words.length && i < w + 8 && !words[i].startsWith("%")) {
                    i++;
                }
                if (i + 2 < words.length
                        && words[i].startsWith("%")
                        && words[i + 1].equals("in")
                        && words[i + 2].startsWith("(")) {
                    for (int j = i + 2; j < words.length && j < i + 24; j++) {
                        if (words[j].equals("do") || words[j].endsWith(")do") || words[j].startsWith("do@")) {
                            return true;
                        }
                    }
                }
            } else if (word.equals("if") || word.endsWith("&if") || word.endsWith("|if")) {
                int i = w + 1;
                while (i < words.length && (words[i].equals("/i") || words[i].equals("not"))) {
                    i++;
                }
                if (i >= words.length - 1) {
                    continue;
                }
                if (BATCH_CONDITIONS.contains(words[i]) || words[i].contains("==")) {
                    return true;
                }
                if (words[i].startsWith("%")
                        || words[i].startsWith("\"")
                        || words[i].startsWith("[")
                        || words[i].startsWith("(")
                        || Character.isDigit(words[i].charAt(0))) {
                    for (int j = i + 1; j < words.length && j < i + 3; j++) {
                        if (BATCH_COMPARISONS.contains(words[j]) && j + 2 < words.length) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    /**
     * A value that is a command line itself: a known program that is not an everyday word ({@code sh},
     * {@code wget}, {@code powershell}), or any known program given by its path ({@code /bin/cat}), followed by
     * an option or a path ({@code sh -c …}, {@code wget http://…}, {@code nc -e /bin/sh …}).
     */
    static boolean leadingCommand(String value) {
        int n = value.length();
        int i = 0;
        while (i < n && i < 16 && value.charAt(i) == ' ') {
            i++;
        }
        int start = i;
        int lastSlash = -1;
        while (i < n
                && i < start + 64
                && (Character.isLetterOrDigit(value.charAt(i)) || "/\\._-".indexOf(value.charAt(i)) >= 0)) {
            if (value.charAt(i) == '/' || value.charAt(i) == '\\') {
                lastSlash = i;
            }
            i++;
        }
        String name = value.substring(lastSlash >= 0 ? lastSlash + 1 : start, i);
        if (name.endsWith(".exe")) {
            name = name.substring(0, name.length() - 4);
        }
        if (WRAPPERS.contains(name) && i < n && value.charAt(i) == ' ' && wrapped(value, i + 1)) {
            return true;
        }
        if (!PROGRAMS.contains(name) || WORDS.contains(name) && lastSlash < 0 || i >= n - 1 || value.charAt(i) != ' ') {
            return false;
        }
        char a = value.charAt(i + 1);
        return a == '-'
                || a == '/'
                || a == '$'
                || value.startsWith("http://", i + 1)
                || value.startsWith("https://", i + 1);
    }

    /**
     * Programs that run the command given after them ({@code time sh -c …}, {@code nohup nc …}, {@code timeout 5
     * curl …}): what follows is read as a command line in its turn.
     */
    static final Set<String> WRAPPERS = Set.of(
            "time",
            "sudo",
            "doas",
            "nohup",
            "env",
            "nice",
            "exec",
            "command",
            "builtin",
            "xargs",
            "setsid",
            "stdbuf",
            "strace",
            "ltrace",
            "timeout",
            "chroot",
            "unbuffer");

    /**
     * After a wrapper: its options and numbers ({@code -n 5}, {@code 10s}) skipped, a known program that is not an
     * everyday word (or is given by its path), followed by an option, a path, a variable, a URL or nothing.
     */
    private static boolean wrapped(String value, int from) {
        int n = value.length();
        int i = from;
        for (int words = 0; words < 4 && i < n; words++) {
            int end = i;
            while (end < n && value.charAt(end) != ' ') {
                end++;
            }
            if (end == i) {
                return false;
            }
            char first = value.charAt(i);
            if (first != '-' && !Character.isDigit(first)) {
                break;
            }
            i = end + 1;
        }
        if (i >= n) {
            return false;
        }
        int start = i;
        int lastSlash = -1;
        while (i < n
                && i < start + 64
                && (Character.isLetterOrDigit(value.charAt(i)) || "/\\._-".indexOf(value.charAt(i)) >= 0)) {
            if (value.charAt(i) == '/' || value.charAt(i) == '\\') {
                lastSlash = i;
            }
            i++;
        }
        String name = value.substring(lastSlash >= 0 ? lastSlash + 1 : start, i);
        if (name.endsWith(".exe")) {
            name = name.substring(0, name.length() - 4);
        }
        if (!PROGRAMS.contains(name) || WORDS.contains(name) && lastSlash < 0) {
            return false;
        }
        int j = i;
        while (j < n && value.charAt(j) == ' ') {
            j++;
        }
        if (j >= n) {
            return true;
        }
        if (j == i) {
            return false;
        }
        char a = value.charAt(j);
        return a == '-' || a == '/' || a == '$' || value.startsWith("http://", j) || value.startsWith("https://", j);
    }

    /** Whether a known program is the command word starting at {@code from}. */
    static boolean command(String value, int from, boolean singleAmpersand) {
        int n = value.length();
        int i = from;
        boolean brace = from < n && value.charAt(from) == '{';
        int skip = Math.min(n, from + 16);
        while (i < skip
                && (value.charAt(i) == ' '
                        || value.charAt(i) == '\t'
                        || value.charAt(i) == '('
                        || value.charAt(i) == '{'
                        || value.charAt(i) == '!')) {
            i++;
        }
        // a path before the program: /bin/cat, /usr/bin/env, ./x, c:\windows\system32\cmd
        int wordStart = i;
        int limit = Math.min(n, i + 64);
        int lastSlash = -1;
        while (i < limit && (Character.isLetterOrDigit(value.charAt(i)) || "/\\._-:".indexOf(value.charAt(i)) >= 0)) {
            if (value.charAt(i) == '/' || value.charAt(i) == '\\') {
                lastSlash = i;
            }
            i++;
        }
        int nameStart = lastSlash >= 0 ? lastSlash + 1 : wordStart;
        int nameEnd = i;
        if (nameEnd > nameStart && value.charAt(nameEnd - 1) == '.') {
            nameEnd--;
        }
        String name = value.substring(nameStart, nameEnd);
        if (name.endsWith(".exe")) {
            name = name.substring(0, name.length() - 4);
        }
        if (!PROGRAMS.contains(name)) {
            return false;
        }
        if (i < n && " \t\n;|&)`}<>$".indexOf(value.charAt(i)) < 0 && !(brace && value.charAt(i) == ',')) {
            return false;
        }
        if (!WORDS.contains(name) || lastSlash >= 0) {
            return true;
        }
        // an everyday word: shell-like arguments must follow, or nothing at all
        int j = i;
        while (j < n && j < i + 16 && value.charAt(j) == ' ') {
            j++;
        }
        if (j >= n) {
            return !singleAmpersand;
        }
        char a = value.charAt(j);
        return j > i
                        && (a == '-' || a == '/' || a == '$' || a == '~' || a == '.' || a == '\\' || a == '%'
                                || a == '<' || a == '>' || a == '|' || a == ';' || a == '&' || a == '`' || a == '\''
                                || a == '"')
                || j == i
                        && (a == ';' || a == '|' || a == '&' || a == ')' || a == '`' || a == '}' || brace && a == ',');
    }
}
