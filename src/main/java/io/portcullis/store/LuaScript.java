package io.portcullis.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * One Lua script from {@code redis/} (packaged on the classpath under {@code redis/}), with the SHA-1 that
 * EVALSHA names it by. Immutable.
 *
 * @param name the file name without {@code .lua}
 */
record LuaScript(String name, String source, String sha1) {

    static final LuaScript FIXED_WINDOW = load("fixed-window");
    static final LuaScript SLIDING_WINDOW = load("sliding-window");
    static final LuaScript TOKEN_BUCKET = load("token-bucket");
    static final LuaScript REVOCATION_CHECK = load("revocation-check");
    static final LuaScript API_KEY_MATCH = load("api-key-match");
    static final LuaScript REVOKE_BEFORE = load("revoke-before");
    static final LuaScript REVOKE_MARK = load("revoke-mark");
    static final LuaScript REVOCATION_ACK = load("revocation-ack");
    static final LuaScript USER_CREATE = load("user-create");
    static final LuaScript USER_UPDATE = load("user-update");
    static final LuaScript ADMIN_RELEASE = load("admin-release");
    static final LuaScript SESSION_ROTATE = load("session-rotate");
    static final LuaScript DIRECT_GET = load("direct-get");
    static final LuaScript LOGIN_ATTEMPT = load("login-attempt");
    static final LuaScript LOGIN_SUCCESS = load("login-success");

    /** The checks that can run in front of a rate-limit script ({@link #checkThenCount}). */
    static final List<LuaScript> CHECKS = List.of(REVOCATION_CHECK, API_KEY_MATCH);
    /** The rate-limit scripts. */
    static final List<LuaScript> COUNTS = List.of(FIXED_WINDOW, SLIDING_WINDOW, TOKEN_BUCKET);

    /** The body of every check-then-count script; not a script on its own. */
    private static final String CHECK_THEN_COUNT = load("check-then-count").source();

    /** Each check in front of each count, by check and count. */
    private static final Map<LuaScript, Map<LuaScript, LuaScript>> COMBINED = combined();

    /** Every script, loaded into Redis once per connection: each file, and each check in front of each count. */
    static final List<LuaScript> ALL = all();

    /**
     * The script that runs {@code check} (one of {@link #CHECKS}) and, when it answers 0, {@code count} (one of
     * {@link #COUNTS}): {@code check-then-count.lua} with both put in front of it as functions of their own
     * KEYS and ARGV, so each file stays the one place its logic is written.
     */
    static LuaScript checkThenCount(LuaScript check, LuaScript count) {
        return COMBINED.get(check).get(count);
    }

    private static Map<LuaScript, Map<LuaScript, LuaScript>> combined() {
        Map<LuaScript, Map<LuaScript, LuaScript>> combined = new HashMap<>();
        for (LuaScript check : CHECKS) {
            Map<LuaScript, LuaScript> byCount = new HashMap<>();
            for (LuaScript count : COUNTS) {
                String source = "local function check(KEYS, ARGV)\n" + check.source() + "\nend\n\n"
                        + "local function count(KEYS, ARGV)\n" + count.source() + "\nend\n\n" + CHECK_THEN_COUNT;
                byCount.put(count, new LuaScript(check.name() + "+" + count.name(), source, sha1(source)));
            }
            combined.put(check, Map.copyOf(byCount));
        }
        return Map.copyOf(combined);
    }

    private static List<LuaScript> all() {
        List<LuaScript> all = new ArrayList<>(List.of(
                FIXED_WINDOW,
                SLIDING_WINDOW,
                TOKEN_BUCKET,
                REVOCATION_CHECK,
                API_KEY_MATCH,
                REVOKE_BEFORE,
                REVOKE_MARK,
                REVOCATION_ACK,
                USER_CREATE,
                USER_UPDATE,
                ADMIN_RELEASE,
                SESSION_ROTATE,
                DIRECT_GET,
                LOGIN_ATTEMPT,
                LOGIN_SUCCESS));
        COMBINED.values().forEach(byCount -> all.addAll(byCount.values()));
        return List.copyOf(all);
    }

    static LuaScript load(String name) {
        String resource = "/redis/" + name + ".lua";
        try (InputStream in = LuaScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Lua script " + resource + " is not on the classpath");
            }
            String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new LuaScript(name, source, sha1(source));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Lua script " + resource, e);
        }
    }

    private static String sha1(String source) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }

    @Override
    public String toString() {
        return "LuaScript[" + name + " " + sha1 + "]";
    }
}
