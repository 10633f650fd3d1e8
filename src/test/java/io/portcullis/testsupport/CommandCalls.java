package io.portcullis.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redis's own count of calls per command ({@code INFO commandstats}), to tell how many commands something
 * cost. Redis counts the commands a Lua script runs too, each under its own name, besides the
 * {@code EVALSHA} that ran the script.
 */
public final class CommandCalls {
    private static final Pattern CALLS = Pattern.compile("^cmdstat_([a-z|_-]+):calls=(\\d+)", Pattern.MULTILINE);

    private CommandCalls() {}

    /** Calls so far, by command name ({@code evalsha}, {@code hgetall}, {@code config|resetstat}…). */
    public static Map<String, Long> of(RedisProcess redis) {
        try {
            Map<String, Long> calls = new TreeMap<>();
            Matcher matcher = CALLS.matcher(redis.command("INFO", "commandstats"));
            while (matcher.find()) {
                calls.put(matcher.group(1), Long.parseLong(matcher.group(2)));
            }
            return calls;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The calls made while {@code action} ran, by command, without {@code PING} (every connection's heartbeat,
     * whatever the traffic) and {@code INFO} (this measurement).
     */
    public static Map<String, Long> during(RedisProcess redis, Runnable action) {
        Map<String, Long> before = of(redis);
        action.run();
        return since(before, of(redis));
    }

    /** What changed from {@code before} to {@code after}, without {@code PING} and {@code INFO}. */
    public static Map<String, Long> since(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> delta = new TreeMap<>();
        after.forEach((command, count) -> {
            long difference = count - before.getOrDefault(command, 0L);
            if (difference > 0 && !command.equals("ping") && !command.equals("info")) {
                delta.put(command, difference);
            }
        });
        return delta;
    }
}
