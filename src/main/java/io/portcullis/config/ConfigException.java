package io.portcullis.config;

import java.util.List;

/**
 * Thrown when a configuration cannot be used; carries every problem found, not only the first.
 * Made without a stack trace: the message says all an operator needs.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<String> problems;

    public ConfigException(String source, List<String> problems) {
        super(format(source, problems), null, false, false);
        this.problems = List.copyOf(problems);
    }

    private ConfigException(String message) {
        super(message, null, false, false);
        this.problems = List.of(message);
    }

    /** No configuration at all: {@code message} is the whole, one-line explanation. */
    static ConfigException missing(String message) {
        return new ConfigException(message);
    }

    public List<String> problems() {
        return problems;
    }

    private static String format(String source, List<String> problems) {
        StringBuilder message = new StringBuilder("Invalid Portcullis configuration ")
                .append(source)
                .append(" (")
                .append(problems.size())
                .append(problems.size() == 1 ? " problem):" : " problems):");
        for (String problem : problems) {
            message.append(System.lineSeparator()).append("  - ").append(problem);
        }
        return message.toString();
    }
}
