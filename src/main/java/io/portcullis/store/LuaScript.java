package io.portcullis.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

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
    static final LuaScript USER_CREATE = load("user-create");
    static final LuaScript SESSION_ROTATE = load("session-rotate");
    static final LuaScript DIRECT_GET = load("direct-get");

    /** The checks that can run in front of a rate-limit script ({@link #checkThenCount}). */
    static final List<LuaScript> CHECKS = List.of(REVOCATION_CHECK, API_KEY_MATCH);
    /** The rate-limit scripts. */
    static final List<LuaScript> COUNTS = List.of(FIXED_WINDOW, SLIDING_WINDOW, TOKEN_BUCKET);

    /** The body of every check-then-count script; not a script on its own. */
    private static final String CHECK_THEN_COUNT = load("check-then-count").source();

    /** Every script, loaded into Redis once per connection: each file, and each check in front of each count. */
    static final List<LuaScript> ALL = all();

    /**
     * One script that runs {@code check} and, when it answers 0, {@code count} ({@code check-then-count.lua}):
     * both are put in front of that body as functions of their own KEYS and ARGV, so each file keeps being
     * the one place its logic is written. Made once per pair (the SHA-1 is computed here).
     */
    static LuaScript checkThenCount(LuaScript check, LuaScript count) {
        String source = "local function check(KEYS, ARGV)\n" + check.source() + "\nend\n\n"
                + "local function count(KEYS, ARGV)\n" + count.source() + "\nend\n\n" + CHECK_THEN_COUNT;
        return new LuaScript(check.name() + "+" + count.name(), source, sha1(source));
    }

    private static List<LuaScript> all() {
        List<LuaScript> all = new ArrayList<>(List.of(FIXED_WINDOW, SLIDING_WINDOW, TOKEN_BUCKET, REVOCATION_CHECK,
                API_KEY_MATCH, REVOKE_BEFORE, USER_CREATE, SESSION_ROTATE, DIRECT_GET));
        for (LuaScript check : CHECKS) {
            for (LuaScript count : COUNTS) {
                all.add(checkThenCount(check, count));
            }
        }
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
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }

    @Override
    public String toString() {
        return "LuaScript[" + name + " " + sha1 + "]";
    }
}
