package io.portcullis.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
    static final LuaScript REVOKE_BEFORE = load("revoke-before");
    static final LuaScript USER_CREATE = load("user-create");
    static final LuaScript SESSION_ROTATE = load("session-rotate");
    static final LuaScript DIRECT_GET = load("direct-get");

    /** Every script, loaded into Redis once per connection. */
    static final List<LuaScript> ALL =
            List.of(FIXED_WINDOW, SLIDING_WINDOW, TOKEN_BUCKET, REVOCATION_CHECK, REVOKE_BEFORE, USER_CREATE, SESSION_ROTATE,
                    DIRECT_GET);

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
